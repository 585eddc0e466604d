"""The lowest vibrational modes by shift-invert Lanczos, and their participation ratio.

``H`` is a weighted graph Laplacian, so its null space is known exactly: one zero mode per
connected component, the component's normalised indicator vector. ``lowest_modes`` projects
that space out of the shift-inverted operator ``(H - sigma I)^-1`` (``sigma < 0``, so the
factorisation is positive definite) and runs Lanczos (``scipy.sparse.linalg.eigsh``) on

    M = P (H - sigma I)^-1 P,   P = I - sum_c z_c z_c^T,

whose largest eigenvalues ``1 / (lambda - sigma)`` belong to the lowest non-zero
``lambda``. The zero modes never enter the Krylov space, however many there are (isolated
nodes at large ``delta``), and they are reported exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components
from threadpoolctl import threadpool_limits

from .. import _checks, _resources
from ..matrices.laplacian import as_matrix, is_laplacian
from .spectrum import gershgorin_bound

#: Default shift, relative to the Gershgorin bound: sigma = -SHIFT_FRACTION * lambda_max.
SHIFT_FRACTION = 1e-6
#: Below this many non-zero modes left over, ``lowest_modes`` diagonalises densely.
DENSE_FALLBACK_NODES = 400


@dataclass(frozen=True, eq=False)
class Modes:
    """The lowest modes of a dynamical matrix.

    Attributes
    ----------
    omega : ndarray, shape (M,)
        Frequencies ``sqrt(lambda)``, ascending (the ``n_zero`` zeros first if included).
    vectors : ndarray, shape (N, M)
        Orthonormal eigenvectors, one column per entry of ``omega``.
    n_zero : int
        Zero modes of ``H`` (connected components), always counted.
    zero_modes_included : bool
        Whether the ``n_zero`` exact zero modes head ``omega`` and ``vectors``.
    sigma : float
        Shift of the shift-invert Lanczos (negative), or ``nan`` after dense diagonalisation.
    method : str
        ``"lanczos"`` or ``"dense"``.
    """

    omega: np.ndarray
    vectors: np.ndarray
    n_zero: int
    zero_modes_included: bool
    sigma: float
    method: str

    @property
    def eigenvalues(self) -> np.ndarray:
        """``lambda = omega**2``, shape (M,)."""
        return self.omega**2

    @property
    def nonzero(self) -> slice:
        """Slice selecting the non-zero modes of ``omega`` / ``vectors`` columns."""
        return slice(self.n_zero if self.zero_modes_included else 0, None)


def zero_mode_basis(H: sp.spmatrix) -> np.ndarray:
    """Orthonormal basis of the null space of a graph Laplacian: one normalised component
    indicator per connected component, shape (N, n_components)."""
    n_comp, labels = connected_components(H, directed=False)
    basis = np.zeros((H.shape[0], n_comp))
    basis[np.arange(H.shape[0]), labels] = 1.0
    return basis / np.sqrt(basis.sum(axis=0))


def lowest_modes(net_or_H, k: int, *, zero_modes: bool = False, sigma: float | None = None, tol: float = 0.0, rng=None) -> Modes:
    """The ``k`` lowest non-zero modes of a network, by shift-invert Lanczos.

    Parameters
    ----------
    net_or_H : SpringNetwork or (N, N) graph Laplacian
        Symmetric, rows summing to zero, non-negative spring constants.
    k : int
        Number of non-zero modes, ``1 <= k <= N - n_zero``.
    zero_modes : bool
        Also return the ``n_zero`` exact zero modes (normalised component indicators), ahead of
        the ``k`` non-zero ones. They are counted in ``n_zero`` either way.
    sigma : float, optional
        Shift, ``sigma < 0``; default ``-1e-6`` times the Gershgorin bound.
    tol : float
        Relative accuracy of the eigenvalues for ``eigsh`` (0: machine precision).
    rng : int, SeedSequence or Generator, optional
        Start vector of the Lanczos iteration (SPEC 7); fixes the result bit for bit.

    Returns
    -------
    Modes

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> m = bosonpeak.lowest_modes(bosonpeak.network(30, 0.0), 4, rng=0)
    >>> bool(np.allclose(m.omega, 2 * np.sin(np.pi / 30))), m.n_zero
    (True, 1)
    """
    H = as_matrix(net_or_H)
    if not is_laplacian(H):
        raise _checks.ParameterError("'net_or_H' must be a graph Laplacian (rows summing to 0, off-diagonal <= 0): "
                                     "the zero modes projected out are one constant vector per connected component")
    n = H.shape[0]
    basis = zero_mode_basis(H)
    n_zero = basis.shape[1]
    k = _checks.integer("k", k, minimum=1, maximum=max(n - n_zero, 1))
    if n - n_zero < 1:
        raise _checks.ParameterError(f"'net_or_H' has no non-zero modes (N = {n}, {n_zero} components)")
    if not isinstance(zero_modes, bool):
        raise _checks.ParameterTypeError(f"'zero_modes' must be True or False; got {zero_modes!r}")
    tol = _checks.real("tol", tol, minimum=0.0)
    _checks.rng("rng", rng)
    _resources.check(_resources.Plan(f"the {k} lowest modes of N = {n} nodes",
                                     _resources.slicing_bytes(n) + 2 * 8 * n * (2 * k + 1), advice="fewer modes k"))
    top = gershgorin_bound(H)
    if sigma is None:
        sigma = -SHIFT_FRACTION * top
    sigma = _checks.real("sigma", sigma, maximum=0.0, max_inclusive=False)

    if n - n_zero - k < DENSE_FALLBACK_NODES and n <= DENSE_FALLBACK_NODES * 10:
        lam, vec = _dense_nonzero(H, basis, k)
        method, used_sigma = "dense", float("nan")
    else:
        lam, vec = _lanczos_nonzero(H, basis, k, sigma, tol, np.random.default_rng(rng))
        method, used_sigma = "lanczos", sigma
    omega = np.sqrt(np.clip(lam, 0.0, None))
    if zero_modes:
        omega = np.concatenate([np.zeros(n_zero), omega])
        vec = np.hstack([basis, vec])
    omega.setflags(write=False)
    vec.setflags(write=False)
    return Modes(omega, vec, n_zero, zero_modes, used_sigma, method)


def _project(basis: np.ndarray, x: np.ndarray) -> np.ndarray:
    return x - basis @ (basis.T @ x)


def _lanczos_nonzero(H, basis, k, sigma, tol, gen):
    n = H.shape[0]
    shifted = (H - sigma * sp.identity(n, format="csr")).tocsc()
    # COLAMD: 1 s to factorise at N = 9 x 10^4 (L = 300); MMD_AT_PLUS_A has half the fill but took > 5 min.
    solve = spla.splu(shifted, permc_spec="COLAMD").solve

    def matvec(x):
        x = np.asarray(x, dtype=float)
        y = _project(basis, solve(_project(basis, x.reshape(n, -1))))
        return y.reshape(x.shape)

    op = spla.LinearOperator((n, n), matvec=matvec, matmat=matvec, dtype=float)
    v0 = _project(basis, gen.standard_normal((n, 1)))[:, 0]
    # ARPACK's BLAS calls act on (N, ncv) blocks too thin for threads; on a busy machine
    # multi-threaded OpenBLAS made them 5-10x slower (measured at N = 10^4, k = 100).
    with threadpool_limits(limits=1, user_api="blas"):
        mu, vec = spla.eigsh(op, k=k, which="LA", v0=v0, tol=tol)
    lam = 1.0 / mu + sigma
    order = np.argsort(lam)
    vec = vec[:, order]
    return lam[order], vec / np.linalg.norm(vec, axis=0)


def _dense_nonzero(H, basis, k):
    lam, vec = np.linalg.eigh(H.toarray())
    # Drop the n_zero eigenvectors with the largest overlap with the null space.
    weight = np.sum((basis.T @ vec) ** 2, axis=0)
    keep = np.sort(np.argsort(weight)[: H.shape[0] - basis.shape[1]])
    return lam[keep][:k], np.ascontiguousarray(vec[:, keep][:, :k])


