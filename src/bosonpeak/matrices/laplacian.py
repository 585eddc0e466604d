"""The scalar dynamical matrix of a spring network: a weighted graph Laplacian.

``H_ij = -t_ij`` for every spring ``(i, j)``, ``H_ii = sum_j t_ij``; unit masses, so the
eigenvalues are ``omega**2``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .. import _checks
from . import _lean
from ..model.lattice import SpringNetwork


def dynamical_matrix(net: SpringNetwork) -> sp.csr_matrix:
    """Return the N x N sparse dynamical matrix of ``net``.

    Parameters
    ----------
    net : SpringNetwork

    Returns
    -------
    scipy.sparse.csr_matrix, shape (N, N)
        Symmetric, rows summing to zero, positive semi-definite.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> H = bosonpeak.dynamical_matrix(bosonpeak.network(4, 0.0))
    >>> H.shape, float(H[0, 0]), bool(np.allclose(H.sum(axis=1), 0))
    ((16, 16), 4.0, True)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    return laplacian(net.n_nodes, net.bonds, net.stiffness)


def laplacian(n: int, bonds: np.ndarray, weights: np.ndarray) -> sp.csr_matrix:
    """Weighted graph Laplacian of ``n`` nodes with edges ``bonds`` (E, 2) and ``weights`` (E,)."""
    i, j = bonds[:, 0], bonds[:, 1]
    diag = np.bincount(i, weights, minlength=n) + np.bincount(j, weights, minlength=n)
    rows = np.concatenate([i, j, np.arange(n)])
    cols = np.concatenate([j, i, np.arange(n)])
    vals = np.concatenate([-weights, -weights, diag])
    H = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    H.sort_indices()
    return H


def as_matrix(net_or_H, name: str = "net_or_H") -> sp.csr_matrix:
    """Accept a SpringNetwork or a square symmetric matrix; return CSR float64."""
    if isinstance(net_or_H, SpringNetwork):
        return dynamical_matrix(net_or_H)
    if (sp.issparse(net_or_H) or isinstance(net_or_H, np.ndarray)) and np.iscomplexobj(net_or_H.dtype.type(0)):
        raise _checks.ParameterTypeError(f"'{name}' must be a real symmetric matrix; got dtype {net_or_H.dtype}")
    if sp.issparse(net_or_H):
        H = sp.csr_matrix(net_or_H, dtype=float)
    elif isinstance(net_or_H, np.ndarray):
        H = sp.csr_matrix(np.asarray(net_or_H, dtype=float))
    else:
        raise _checks.ParameterTypeError(
            f"'{name}' must be a SpringNetwork, a scipy sparse matrix or a numpy array; got {type(net_or_H).__name__}"
        )
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.shape[0] < 1:
        raise _checks.ParameterError(f"'{name}' must be a non-empty square matrix; got shape {H.shape}")
    if not np.all(np.isfinite(H.data)):
        raise _checks.ParameterError(f"'{name}' must have finite entries")
    asym = _asymmetry(H)
    scale = float(np.max(np.abs(H.data))) if H.nnz else 1.0
    if asym > 1e-12 * max(scale, 1.0):
        raise _checks.ParameterError(f"'{name}' must be symmetric; max |H - H^T| = {asym:.3g}")
    diag = H.diagonal()
    if np.any(diag < 0):  # a dynamical matrix is positive semi-definite, so is each diagonal entry
        i = int(np.argmin(diag))
        raise _checks.ParameterError(f"'{name}' must be positive semi-definite (a dynamical matrix); got a negative diagonal entry H[{i}, {i}] = {diag[i]:g}")
    return H


def _asymmetry(H: sp.csr_matrix) -> float:
    """max |H - H^T|, comparing the stored values directly when H and H^T share one sparsity
    pattern (the usual case: one transposed copy instead of the several of ``H - H.T``)."""
    if not H.nnz:
        return 0.0
    if H.nnz > _lean.LEAN_NNZ and H.has_sorted_indices:  # no transposed copy of a very large matrix
        return _lean.asymmetry(H)
    if not H.has_sorted_indices:
        H = H.sorted_indices()  # a copy: the caller's matrix is left as it is
    HT = H.T.tocsr()
    HT.sort_indices()
    if np.array_equal(H.indptr, HT.indptr) and np.array_equal(H.indices, HT.indices):
        return float(np.max(np.abs(H.data - HT.data)))
    diff = abs(H - HT)
    return float(diff.max()) if diff.nnz else 0.0


def is_laplacian(H: sp.spmatrix) -> bool:
    """Rows sum to zero and off-diagonal entries are <= 0: a graph Laplacian with positive
    spring constants, whose zero modes are exactly one constant vector per connected component."""
    H = sp.csr_matrix(H)
    scale = float(np.abs(H.data).max()) if H.nnz else 1.0
    if not np.all(np.abs(np.asarray(H.sum(axis=1)).ravel()) <= 1e-10 * max(scale, 1.0)):
        return False
    if H.nnz > _lean.LEAN_NNZ:
        return bool(_lean.max_off_diagonal(H) <= 0)
    off = H - sp.diags(H.diagonal())
    return bool(off.nnz == 0 or off.data.max() <= 0)


def zero_mode_count(H: sp.spmatrix, zero_modes: bool, name: str = "net_or_H") -> int:
    """Exact zero modes of ``H`` for a DOS: one per connected component of a Laplacian.

    For another symmetric matrix the zero modes are not known exactly: 0 is returned when
    they stay in the DOS (``zero_modes=True``), and removing them (``zero_modes=False``, the
    default of ``bosonpeak.dos``) without their count ``n_zero`` is an error.
    """
    if is_laplacian(H):
        return n_components(H)
    if not zero_modes:
        raise _checks.ParameterError(
            f"'zero_modes=False' (the default) needs '{name}' to be a graph Laplacian (rows summing to 0, off-diagonal <= 0) "
            "or the count 'n_zero' (a vector matrix: vector_zero_modes(net)); pass zero_modes=True to keep every mode"
        )
    return 0


def n_components(H: sp.spmatrix) -> int:
    """Number of connected components of the graph of ``H``: the number of zero modes
    of a Laplacian with positive spring constants."""
    return int(connected_components(H, directed=False, return_labels=False))
