"""The sparse Hessian (dynamical matrix) of a particle system with a pair potential, 2D and 3D.

For a pair ``(i, j)`` at distance ``r`` with unit vector ``n = (r_j - r_i) / r`` the d x d block is

    H_ij = -[ V''(r) n n^T + (V'(r) / r) (I - n n^T) ],     H_ii = -sum_{j != i} H_ij,

the second term the prestress (tension) term, always included. Mass-weighted (the default),
block ``(i, j)`` is divided by ``sqrt(m_i m_j)``, so that the eigenvalues are ``omega**2``.
Degrees of freedom are particle-major, ``(x_0, y_0[, z_0], x_1, ...)``. The scalar (paper-style)
reduction keeps one degree of freedom per particle, ``H_ij = -V''(r_ij)`` (mass-weighted
likewise), ``H_ii = sum_j V''(r_ij)``.

The matrix is written row by row straight into CSR, or BSR of d x d blocks, by compiled kernels
(``model._assembly``) over a cell list sorted by cell, columns sorted, 32-bit indices: no
triplets, no global sort, no duplicates to sum; a first pass counts each pair once (half the
stencil), the second finds each row's partners and evaluates each pair once per row it appears in.
Each row is computed alone, its diagonal block summed in column order: the matrix is the same bit
for bit for any number of threads, and exactly symmetric.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .. import _checks
from ..model.particles import Particles
from ..model.potentials import PairPotential


def hessian(p: Particles, pot: PairPotential, *, mass_weighted: bool = True, scalar: bool = False, keep=None,
            dtype="float64", format: str = "csr") -> sp.csr_matrix | sp.bsr_matrix:
    """The ``dN x dN`` Hessian of ``p`` with ``pot`` (``N x N`` with ``scalar=True``), sparse CSR or BSR.

    Parameters
    ----------
    p : Particles
    pot : PairPotential
    mass_weighted : bool
        Divide block ``(i, j)`` by ``sqrt(m_i m_j)`` (eigenvalues ``omega**2``).
    scalar : bool
        The scalar reduction ``H_ij = -V''(r_ij)`` instead of the d x d blocks.
    keep : array_like of bool, shape (N,), optional
        Particles to keep (e.g. ``~rattlers(p, pot)``): the others and every pair term they take
        part in are left out, and the matrix has ``d * keep.sum()`` rows.
    dtype : {"float64", "float32"}
        Precision of the stored entries (float32 halves the memory of a large matrix).
    format : {"csr", "bsr"}
        ``"bsr"``: ``scipy.sparse.bsr_matrix`` of d x d blocks (1 x 1 with ``scalar=True``),
        ``.data`` of shape (blocks, d, d), written directly (9x fewer column indices in 3D); the
        same matrix as ``"csr"``, entry for entry.

    Returns
    -------
    scipy.sparse.csr_matrix or scipy.sparse.bsr_matrix
        Symmetric, int32 indices (int64 only past 2^31 entries or blocks), rows sorted; every
        uniform translation is a zero mode.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.model.particles import particles
    >>> from bosonpeak.model.potentials import potential
    >>> from bosonpeak.matrices.particle_hessian import hessian
    >>> p = particles([[0.0, 0.0], [0.9, 0.0]], [5.0, 5.0], diameters=[1.0, 1.0])
    >>> H = hessian(p, potential("harmonic"))
    >>> H.shape, H.indices.dtype.name, np.linalg.eigvalsh(H.toarray()).round(6).tolist()
    ((4, 4), 'int32', [-0.222222, 0.0, 0.0, 2.0])
    >>> B = hessian(p, potential("harmonic"), format="bsr")
    >>> B.blocksize, B.data.shape, bool((B.toarray() == H.toarray()).all())
    ((2, 2), (4, 2, 2), True)
    """
    from ..model import _assembly, _pairs

    for name, value in (("mass_weighted", mass_weighted), ("scalar", scalar)):
        if not isinstance(value, bool):
            raise _checks.ParameterTypeError(f"'{name}' must be True or False; got {value!r}")
    dtype = np.dtype(_checks.choice("dtype", _dtype_name(dtype), ("float64", "float32")))
    bsr = _checks.choice("format", format, ("csr", "bsr")) == "bsr"
    new = _renumber(p, keep)
    s = _pairs.sorted_setup(p, pot)
    rows = new[s.order]  # the matrix row of each particle in cell order
    counts = _pairs.run_counts(_assembly.count_partners, p.n, *s.grid[1:], *s.terms[:4], rows)
    kept = rows >= 0
    blocks = np.empty(int(kept.sum()), dtype=np.int64)
    blocks[rows[kept]] = counts[kept] + 1  # the diagonal block
    dim = 1 if scalar else p.dim
    bptr = np.zeros(blocks.size + 1, dtype=np.int64)
    np.cumsum(blocks, out=bptr[1:])
    nnz = int(bptr[-1]) * dim * dim
    index = np.int32 if (int(bptr[-1]) if bsr else nnz) < 2**31 else np.int64
    indices = _pairs.empty(int(bptr[-1]) if bsr else nnz, index)
    data = _pairs.empty(nnz, dtype)
    inv_sqrt_m = (1.0 / np.sqrt(p.masses) if mass_weighted else np.ones(p.n))[s.order]
    rmin = _pairs.run(_assembly.hessian_blocks, p.n, *s.grid, *s.terms, dim, inv_sqrt_m, rows, bptr, bsr, indices, data)
    if min(rmin, default=np.inf) <= _pairs.OVERLAP * (p.volume / p.n) ** (1.0 / p.dim):
        _pairs.half_pairs(p, pot)  # names the overlapping pair
    n_dof = dim * blocks.size
    if bsr:
        H = sp.bsr_matrix((data.reshape(-1, dim, dim), indices, bptr.astype(index)), shape=(n_dof, n_dof),
                          blocksize=(dim, dim))
    else:
        indptr = np.repeat(dim * dim * bptr[:-1], dim) + np.tile(np.arange(dim), blocks.size) * np.repeat(dim * blocks, dim)
        H = sp.csr_matrix((data, indices, np.append(indptr, nnz).astype(index)), shape=(n_dof, n_dof))
    H.has_sorted_indices = True
    return H


def _dtype_name(dtype) -> object:
    """The name of a numpy float dtype given as a string, type or dtype (``dtype`` unchanged otherwise)."""
    if isinstance(dtype, str):
        return dtype
    try:
        return np.dtype(dtype).name
    except TypeError:
        return dtype


def _renumber(p: Particles, keep) -> np.ndarray:
    """Each particle's index in the matrix (-1 where left out)."""
    if keep is None:
        return np.arange(p.n, dtype=np.int64)
    mask = np.asarray(keep)
    if mask.dtype != bool or mask.shape != (p.n,):
        raise _checks.ParameterError(f"'keep' must be a boolean array of shape ({p.n},); got {mask.dtype} {mask.shape}")
    if not mask.any():
        raise _checks.ParameterError("'keep' must keep at least one particle; got none")
    return np.where(mask, np.cumsum(mask) - 1, -1).astype(np.int64)
