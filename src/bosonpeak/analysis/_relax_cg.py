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

import functools

import numpy as np

#: CG iterations over which the error estimate is taken.
DELAY = 10
#: Default relative tolerance on each column's scale (``moduli``: the modulus of that column).
TOLERANCE = 1e-4


def diagonal_blocks(H, d: int) -> np.ndarray:
    """The ``d x d`` diagonal blocks of ``H`` (BSR of d x d blocks, or CSR), shape (n/d, d, d), without a copy of ``H``."""
    nb = H.shape[0] // d
    blocks = np.zeros((nb, d, d))
    if getattr(H, "format", None) == "bsr" and H.blocksize == (d, d):
        rows = np.repeat(np.arange(nb, dtype=np.int64), np.diff(H.indptr))
        diag = np.flatnonzero(H.indices == rows)
        del rows
        blocks[H.indices[diag]] = H.data[diag]
        return blocks
    H = H.tocsr() if getattr(H, "format", None) != "csr" else H
    for a in range(d):  # scipy's diagonal k = b - a: entry m is H[m, m + k] (k >= 0) or H[m - k, m] (k < 0)
        for b in range(d):
            k = b - a
            blocks[:, a, b] = H.diagonal(k)[d * np.arange(nb) + (a if k >= 0 else b)]
    return blocks


class _Product:
    """``H X`` and ``diag(X^T H X)`` for float64 blocks ``X`` (n, R). A float32 BSR matrix is applied to
    ``X`` rounded to float32 (sums of each row in float32, the quadratic forms in float64): a relative
    error ~1e-7 per product, which bounds CG's attainable accuracy near 1e-6 of the result, and half
    the memory traffic and twice the SIMD width of float64 vectors."""

    def __init__(self, H, threads: int):
        from ..spectra import _block

        self.stepper = None
        self.H = H
        if _block.block_size(H) and _block_available():
            self.stepper = _block.Stepper(_block.block_matrix(H), threads)

    def __call__(self, X):
        if self.stepper is not None:
            if self.stepper.A.dtype == np.float32:
                Y, quad = self.stepper.product(np.ascontiguousarray(X, dtype=np.float32))
                return Y.astype(np.float64), quad
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
    null : ndarray, shape (n, d), optional
        Orthonormal basis of the uniform translations (``translations``), projected out.
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

    nb = n // d
    weights = np.zeros(nb) if null is None else _axis_weights(null, d)
    inv = np.linalg.pinv(diagonal_blocks(H, d), hermitian=True)  # block-Jacobi
    update, precondition = _vector_kernels()
    b = np.array(B, dtype=np.float64, order="C")
    coef = (weights @ b.reshape(nb, d * R)).reshape(d, R)
    X, r, z = np.zeros_like(b), b, np.empty_like(b)
    rz = precondition(r, inv, weights, coef, z)  # r <- b projected; z = inv r; r.z
    p = z.copy()
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
            coef = update(X, r, p, Hp, alpha, weights)  # X += alpha p, r -= alpha H p; r's translation part
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
            rz_new = precondition(r, inv, weights, coef, z)  # r projected, z = inv r
            beta = np.where(rz > 0, rz_new / np.where(rz > 0, rz, 1.0), 0.0)
            p *= beta
            p += z
            rz = rz_new
    finally:
        product.close()
        if bar is not None:
            bar.close()
    return X, quad, errors, k, r


@functools.lru_cache(maxsize=1)
def _vector_kernels():
    """``update(X, r, p, Hp, alpha, w)``: ``X += alpha p``, ``r -= alpha Hp`` and the translation
    coefficients ``c[a, k] = sum_i w_i r[d i + a, k]``; ``precondition(r, inv, w, c, z)``: ``r -= w c``
    (translations out), ``z = inv r`` block by block, returns ``r.z`` per column. Compiled with numba
    (one pass over the rows each; numpy's loops over (n, 6) arrays run row by row), numpy without it."""
    try:
        import numba
    except ImportError:
        def update(X, r, p, Hp, alpha, w):
            X += alpha * p
            r -= alpha * Hp
            d = len(r) // len(w)
            return (w @ r.reshape(len(w), -1)).reshape(d, -1)

        def precondition(r, inv, w, c, z):
            nb, d = inv.shape[:2]
            r.reshape(nb, -1)[:] -= np.multiply.outer(w, c.ravel())
            z.reshape(nb, d, -1)[:] = np.matmul(inv, r.reshape(nb, d, -1))
            return np.einsum("ij,ij->j", r, z)

        return update, precondition

    @numba.njit(cache=True, nogil=True, boundscheck=False)
    def update(X, r, p, Hp, alpha, w):
        nb, R = w.shape[0], r.shape[1]
        d = r.shape[0] // nb
        c = np.zeros((d, R))
        for ib in range(nb):
            for a in range(d):
                i = ib * d + a
                for k in range(R):
                    X[i, k] += alpha[k] * p[i, k]
                    r[i, k] -= alpha[k] * Hp[i, k]
                    c[a, k] += w[ib] * r[i, k]
        return c

    @numba.njit(cache=True, nogil=True, boundscheck=False)
    def precondition(r, inv, w, c, z):
        nb, d, R = inv.shape[0], inv.shape[1], r.shape[1]
        rz = np.zeros(R)
        for ib in range(nb):
            for a in range(d):
                for k in range(R):
                    r[ib * d + a, k] -= w[ib] * c[a, k]
            for a in range(d):
                for k in range(R):
                    s = 0.0
                    for e in range(d):
                        s += inv[ib, a, e] * r[ib * d + e, k]
                    z[ib * d + a, k] = s
                    rz[k] += r[ib * d + a, k] * s
        return rz

    return update, precondition


def _axis_weights(null: np.ndarray, d: int) -> np.ndarray:
    """The per-particle weights ``w`` of translation basis vectors ``null[:, a]`` = ``w`` on axis ``a`` (checked)."""
    w = null[0::d, 0]
    for a in range(d):
        expect = np.zeros((len(w), d))
        expect[:, a] = w
        if not np.array_equal(null[:, a].reshape(-1, d), expect):
            raise ValueError("'null' must be the uniform translations (translations(masses, d))")
    return w


def translations(masses: np.ndarray, d: int) -> np.ndarray:
    """Orthonormal basis (n d, d) of the uniform translations in mass-weighted coordinates (``sqrt(m)`` per particle)."""
    s = np.sqrt(np.asarray(masses, dtype=float))
    T = np.zeros((len(s) * d, d))
    for a in range(d):
        T[a::d, a] = s / np.linalg.norm(s)
    return T

