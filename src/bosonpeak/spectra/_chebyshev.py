"""The Chebyshev recursion of the kernel polynomial method, made fast (private; see ``kpm``).

Cost model: each step is memory bound. One pass over the CSR matrix carries all R vectors
of a block (``scipy``'s ``csr_matvecs`` on a C-ordered (N, R) block, which amortises the
index reads over R and accumulates ``y += A x`` in place), gives two moments, and writes
``v_n+1`` over ``v_n-1``: two (N, R) buffers in all. The rows of each step are shared among
threads (scipy's sparse kernels and numpy release the GIL); dot products are float64 sums of
per-chunk partial sums, added in the same order for any number of threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

try:  # y += A @ x for a CSR matrix and a dense (N, R) block, in place, without a temporary
    from scipy.sparse._sparsetools import csr_matvecs as _csr_matvecs
except ImportError:  # pragma: no cover - private scipy API; the public product is the fallback
    _csr_matvecs = None

#: Rows per partial sum of the dot products (partial sums in the working dtype, total in float64).
_DOT_CHUNK = 16_384


def shifted(H, lam_max, dtype):
    """``2 H~ = 4 H / lambda_max - 2 I`` as CSR in ``dtype``. When every diagonal entry is
    stored (as in ``dynamical_matrix``), only the values are copied: the index arrays are
    shared with ``H`` (read-only here), which keeps the memory to one value array."""
    data = H.data.astype(dtype) * dtype.type(4.0 / lam_max)
    rows = np.repeat(np.arange(H.shape[0], dtype=H.indices.dtype), np.diff(H.indptr))
    diag = H.indices == rows
    del rows
    if H.has_canonical_format and np.count_nonzero(diag) == H.shape[0]:
        data[diag] -= dtype.type(2.0)
        return sp.csr_matrix((data, H.indices, H.indptr), shape=H.shape, copy=False)
    return sp.csr_matrix((4.0 / lam_max) * H - 2.0 * sp.identity(H.shape[0], format="csr"), dtype=dtype)


def _partial_dots(A, B, lo, hi) -> list:
    """Column-wise ``<a_r | b_r>`` over rows ``lo:hi``, one float64 partial sum per row chunk."""
    return [np.einsum("ij,ij->j", A[s:min(s + _DOT_CHUNK, hi)], B[s:min(s + _DOT_CHUNK, hi)]).astype(np.float64)
            for s in range(lo, hi, _DOT_CHUNK)]


def _row_step(H2, prev, cur, lo, hi, first):
    """Rows ``lo:hi`` of one Chebyshev step, in place: ``v_1 = H~ v_0`` (first) or
    ``prev <- 2 H~ cur - prev``; returns the partial dot products of those rows."""
    r = cur.shape[1]
    if _csr_matvecs is None:  # pragma: no cover - private scipy API gone: public product, one thread
        if first:
            cur[...] = 0.5 * (H2 @ prev)
            return _partial_dots(prev, prev, lo, hi), _partial_dots(cur, prev, lo, hi)
        prev[...] = H2 @ cur - prev
        return _partial_dots(cur, cur, lo, hi), _partial_dots(prev, cur, lo, hi)
    if first:
        _csr_matvecs(hi - lo, H2.shape[1], r, H2.indptr[lo:hi + 1], H2.indices, H2.data, prev.ravel(), cur[lo:hi].ravel())
        cur[lo:hi] *= 0.5
        return _partial_dots(prev, prev, lo, hi), _partial_dots(cur, prev, lo, hi)
    np.negative(prev[lo:hi], out=prev[lo:hi])
    _csr_matvecs(hi - lo, H2.shape[1], r, H2.indptr[lo:hi + 1], H2.indices, H2.data, cur.ravel(), prev[lo:hi].ravel())
    return _partial_dots(cur, cur, lo, hi), _partial_dots(prev, cur, lo, hi)


def chebyshev_moments(H2, V, n_mom, device, bar, threads=1) -> np.ndarray:
    """Raw moments ``<v_0| T_n(H~) |v_0>``, shape (R, n_mom), of the columns of ``V``.

    Each step splits the rows into ``threads`` ranges (whole dot-product chunks, so the
    float64 sums are added in the same order whatever the number of threads: results are
    bit-identical); scipy's sparse kernel and numpy release the GIL. The moments come in pairs,
    two per step: for an odd ``n_mom`` the next one is computed too and left out.
    """
    if isinstance(n_mom, bool) or not isinstance(n_mom, (int, np.integer)) or n_mom < 1:
        raise ValueError(f"'n_mom' must be a positive integer; got {n_mom!r}")
    if n_mom % 2:
        return chebyshev_moments(H2, V, n_mom + 1, device, bar, threads)[:, :n_mom]
    if device == "cuda":
        return _chebyshev_cuda(H2, V, n_mom, bar)
    n = V.shape[0]
    chunks = -(-n // _DOT_CHUNK)
    threads = 1 if _csr_matvecs is None else max(1, min(threads, chunks))
    cuts = [min(n, _DOT_CHUNK * (chunks * t // threads)) for t in range(threads + 1)]
    ranges = list(zip(cuts[:-1], cuts[1:]))
    prev = np.ascontiguousarray(V)
    cur = np.zeros_like(prev)
    mu = np.empty((V.shape[1], n_mom))
    pool = ThreadPoolExecutor(threads) if threads > 1 else None

    def step(first):
        parts = pool.map(lambda b: _row_step(H2, prev, cur, *b, first), ranges) if pool else [_row_step(H2, prev, cur, *ranges[0], first)]
        parts = list(parts)
        sums = [np.zeros(V.shape[1]), np.zeros(V.shape[1])]
        for part in parts:  # chunk order: the same float64 additions for any number of threads
            for i in (0, 1):
                for p in part[i]:
                    sums[i] += p
        bar.update(1)
        return sums

    try:
        mu[:, 0], mu[:, 1] = step(True)  # <v0|v0>, <v1|v0>
        for k in range(1, n_mom // 2):
            a, b = step(False)  # prev <- v_k+1; <v_k|v_k>, <v_k+1|v_k>
            mu[:, 2 * k], mu[:, 2 * k + 1] = 2.0 * a - mu[:, 0], 2.0 * b - mu[:, 1]
            prev, cur = cur, prev
    finally:
        if pool:
            pool.shutdown()
    return mu


def _chebyshev_cuda(H2, V, n_mom, bar) -> np.ndarray:  # runs on numpy stand-ins in the tests; on a GPU with CuPy
    try:
        import cupy as cp
        from cupyx.scipy import sparse as csp
    except ImportError as exc:
        raise ImportError("device='cuda' needs CuPy (pip install cupy-cuda12x) and an NVIDIA GPU; use device='cpu'") from exc
    A = csp.csr_matrix(H2)
    prev = cp.asarray(V)
    cur = 0.5 * (A @ prev)
    # <v_k|v_k> and <v_k+1|v_k> of every step stay on the device, copied to the host once at the end:
    # a copy per step would wait for the device every step
    sums = cp.empty((max(n_mom // 2, 1), 2, V.shape[1]), dtype=cp.float64)
    sums[0, 0], sums[0, 1] = cp.sum(prev * prev, axis=0, dtype=cp.float64), cp.sum(cur * prev, axis=0, dtype=cp.float64)
    bar.update(1)
    for k in range(1, n_mom // 2):
        prev = A @ cur - prev
        sums[k, 0] = cp.sum(cur * cur, axis=0, dtype=cp.float64)
        sums[k, 1] = cp.sum(prev * cur, axis=0, dtype=cp.float64)
        prev, cur = cur, prev
        bar.update(1)
    sums = cp.asnumpy(sums)
    mu = np.empty((V.shape[1], n_mom))
    mu[:, 0], mu[:, 1] = sums[0, 0], sums[0, 1]
    for k in range(1, n_mom // 2):
        mu[:, 2 * k], mu[:, 2 * k + 1] = 2.0 * sums[k, 0] - mu[:, 0], 2.0 * sums[k, 1] - mu[:, 1]
    return mu
