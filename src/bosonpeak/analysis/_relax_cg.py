"""The relaxation ``Xi^T H^+ Xi`` of the elastic moduli by conjugate gradients on all columns at once (private; ``moduli``).

One (block-Jacobi preconditioned) CG per column of ``B``, run together: each iteration is one
pass over the matrix for every column (``spectra._block``'s kernel on a BSR matrix of ``d x d``
blocks, float32 or float64 entries, float64 vectors; or scipy's product on CSR), and it also
gives ``p^T H p``. From ``x_0 = 0``, ``b^T x_k = sum_{j<k} alpha_j r_j^T z_j`` grows
monotonically to ``b^T H^+ b``, and the increment of the last ``DELAY`` iterations,
``q_k - q_{k-DELAY}``, is the Hestenes-Stiefel estimate of the error ``||x - x_{k-DELAY}||_H^2``
(Strakos and Tichy, ETNA 13, 56 (2002)): a lower bound of the error ``DELAY`` iterations back,
in practice above the error of the last iterate, since CG's error falls fast at the end. It is
the error reported (``errors``), and CG stops when it is at most ``tolerance`` times the scale
that the caller gives per column (e.g. the modulus itself).

The translations (``sqrt(m)`` along each axis in mass-weighted coordinates) are projected out
of the right-hand sides and of every residual: the singular system stays consistent. A float32
matrix perturbs ``H`` by ~6e-8 of its entries (symmetrically): a relative change of the result of
at most ~``6e-8 ||H|| / lambda_1``, ``lambda_1`` the lowest non-zero eigenvalue.
"""

from __future__ import annotations

import numpy as np

#: CG iterations over which the error estimate is taken.
DELAY = 10
#: Default relative tolerance on each column's scale (``moduli``: the modulus of that column).
TOLERANCE = 1e-4


def _block_diagonal_inverse(H, d: int) -> np.ndarray:
    """Pseudo-inverses of the ``d x d`` diagonal blocks of ``H`` (BSR of d x d blocks or CSR), (n/d, d, d)."""
    nb = H.shape[0] // d
    blocks = np.zeros((nb, d, d))
    if getattr(H, "format", None) == "bsr":
        rows = np.repeat(np.arange(nb, dtype=np.int64), np.diff(H.indptr))
        diag = np.flatnonzero(H.indices == rows)
        del rows
        blocks[H.indices[diag]] = H.data[diag]
    else:
        for a in range(d):
            for b in range(d):
                blocks[:, a, b] = _diag_entries(H, d, a, b)
    return np.linalg.pinv(blocks, hermitian=True)


def _diag_entries(H, d: int, a: int, b: int) -> np.ndarray:
    """``H[d i + a, d i + b]`` for every particle ``i`` (scipy's diagonal ``b - a``: no copy of H)."""
    k = b - a
    diag = H.diagonal(k)  # entry m is H[m, m + k] (k >= 0) or H[m - k, m] (k < 0)
    start = d * np.arange(H.shape[0] // d) + (a if k >= 0 else b)
    return diag[start]


class _Product:
    """``H X`` and ``diag(X^T H X)`` for float64 blocks ``X`` (n, R)."""

    def __init__(self, H, threads: int):
        from ..spectra import _block

        self.stepper = None
        self.H = H
        if _block.block_size(H) and _block_available():
            self.stepper = _block.Stepper(_block.block_matrix(H), threads)

    def __call__(self, X):
        if self.stepper is not None:
            return self.stepper.product(np.ascontiguousarray(X))
        Y = np.asarray(self.H @ X)
        return Y, np.einsum("ij,ij->j", X, Y)

    def close(self):
        if self.stepper is not None:
            self.stepper.close()


def _block_available() -> bool:
    from ..spectra import _fused

    return _fused.available()


def relax_cg(H, B: np.ndarray, d: int, *, null=None, scale=None, tolerance: float = TOLERANCE, max_iterations: int | None = None,
             threads: int | None = None, progress: bool = False):
    """Solve ``H X = B`` column by column with CG, all columns in one pass per iteration.

    Parameters
    ----------
    H : BSR matrix of d x d blocks, or CSR; symmetric positive semi-definite
    B : ndarray, shape (n, R)
        Right-hand sides (projected onto the complement of ``null`` here).
    d : int
        Block size (the dimension): the preconditioner inverts the ``d x d`` diagonal blocks.
    null : ndarray, shape (n, k), optional
        Orthonormal basis of known zero modes (the translations), projected out.
    scale : ndarray, shape (R,), optional
        Scale of each column's result ``b^T H^+ b``'s error target (default: ``b^T H^+ b`` itself).
    tolerance : float
        Stop when every column's error estimate is at most ``tolerance * scale``.

    Returns
    -------
    X : ndarray (n, R), quad : ndarray (R,) the values ``b^T x``, errors : ndarray (R,), iterations : int,
    residual : ndarray (n, R) ``b - H X``
    """
    from .._checks import RunError
    from ..spectra.kpm import _usable_cpus

    n, R = B.shape
    threads = _usable_cpus() if threads is None else threads
    max_iterations = 10 * n if max_iterations is None else max_iterations

    def project(V):
        if null is not None:
            V -= null @ (null.T @ V)
        return V

    inv = _block_diagonal_inverse(H, d)

    def precondition(V):
        return project(np.einsum("iab,ibr->iar", inv, V.reshape(-1, d, R)).reshape(n, R))

    b = project(np.array(B, dtype=np.float64))
    X = np.zeros_like(b)
    r = b.copy()
    z = precondition(r)
    p = z.copy()
    rz = np.einsum("ij,ij->j", r, z)
    quad = np.zeros(R)
    history = [np.zeros(R)]
    errors = np.full(R, np.inf)
    product = _Product(H, threads)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc="moduli CG", unit="it", leave=False)
    try:
        k = 0
        while True:
            if not np.any(rz > 0):  # every right-hand side is zero (or solved exactly)
                errors = np.zeros(R)
                break
            Hp, pHp = product(p)
            alpha = np.where(pHp > 0, rz / np.where(pHp > 0, pHp, 1.0), 0.0)
            X += alpha * p
            r -= alpha * Hp
            project(r)
            quad = quad + alpha * rz
            history.append(quad.copy())
            k += 1
            if bar is not None:
                bar.update(1)
            if k >= DELAY:
                errors = history[-1] - history[-1 - DELAY]
                target = tolerance * (np.abs(quad) if scale is None else np.abs(scale(quad)))
                if np.all(errors <= target):
                    break
            if k >= max_iterations:
                raise RunError(f"conjugate gradients for the moduli did not converge in {k} iterations (error estimate "
                               f"{errors.max():.3g}); is the Hessian positive semi-definite (an energy minimum)?")
            z = precondition(r)
            rz_new = np.einsum("ij,ij->j", r, z)
            beta = np.where(rz > 0, rz_new / np.where(rz > 0, rz, 1.0), 0.0)
            p = z + beta * p
            rz = rz_new
    finally:
        product.close()
        if bar is not None:
            bar.close()
    return X, quad, errors, k, r


def translations(masses: np.ndarray, d: int) -> np.ndarray:
    """Orthonormal basis (n d, d) of the uniform translations in mass-weighted coordinates (``sqrt(m)`` per particle)."""
    s = np.sqrt(np.asarray(masses, dtype=float))
    T = np.zeros((len(s) * d, d))
    for a in range(d):
        T[a::d, a] = s / np.linalg.norm(s)
    return T

