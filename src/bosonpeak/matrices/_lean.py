"""Checks of very large sparse matrices without copies of them (private; ``laplacian``).

A 3N x 3N Hessian of 10^6 particles holds ~6 x 10^8 entries (7 GB): its transpose, ``abs(H)``
or ``H - diag(H)`` would each need as much again. These walk the CSR arrays in slices of rows
(numpy) or row by row (numba, imported on first use) instead.
"""

from __future__ import annotations

import functools

import numpy as np

#: Rows per slice of the numpy walks.
SLICE = 1 << 16
#: Matrices with more stored entries than this are checked by the lean walks.
LEAN_NNZ = 1 << 24


@functools.lru_cache(maxsize=1)
def _asymmetry_kernel():
    import numba

    @numba.njit(nogil=True, cache=True, boundscheck=False)
    def partner(indptr, indices, j, i):
        """Position of column ``i`` in sorted row ``j`` (or where it would go), by bisection."""
        lo, hi = indptr[j], indptr[j + 1]
        while lo < hi:
            mid = (lo + hi) // 2
            if indices[mid] < i:
                lo = mid + 1
            else:
                hi = mid
        return lo

    @numba.njit(nogil=True, cache=True, boundscheck=False)
    def asymmetry(indptr, indices, data):
        """max |H_ij - H_ji| over the stored entries (inf where ``(j, i)`` is not stored but
        ``(i, j)`` is nonzero); rows sorted. Each entry's partner by bisection in row ``j``."""
        n = indptr.shape[0] - 1
        worst = 0.0
        for i in range(n):
            for p in range(indptr[i], indptr[i + 1]):
                j = indices[p]
                if j <= i:
                    continue
                lo = partner(indptr, indices, j, i)
                other = data[lo] if lo < indptr[j + 1] and indices[lo] == i else 0.0
                worst = max(worst, abs(data[p] - other))
        # entries (i, j), j < i, whose partner (j, i) is not stored: their row j never saw them
        for i in range(n):
            for p in range(indptr[i], indptr[i + 1]):
                j = indices[p]
                if j >= i or data[p] == 0.0:
                    continue
                lo = partner(indptr, indices, j, i)
                if not (lo < indptr[j + 1] and indices[lo] == i):
                    worst = max(worst, abs(data[p]))
        return worst

    return asymmetry


def asymmetry(H) -> float:
    """max |H - H^T| of a CSR matrix with sorted indices, without forming ``H^T``."""
    return float(_asymmetry_kernel()(H.indptr, H.indices, H.data))


def _slices(H):
    n = H.shape[0]
    for lo in range(0, n, SLICE):
        hi = min(n, lo + SLICE)
        a, b = H.indptr[lo], H.indptr[hi]
        rows = np.repeat(np.arange(lo, hi, dtype=np.int64), np.diff(H.indptr[lo:hi + 1]))
        yield lo, hi, rows, H.indices[a:b], H.data[a:b], H.indptr[lo:hi + 1] - a


def max_off_diagonal(H) -> float:
    """Largest off-diagonal stored value (-inf when there is none)."""
    out = -np.inf
    for _, _, rows, cols, vals, _ in _slices(H):
        off = vals[cols != rows]
        if off.size:
            out = max(out, float(off.max()))
    return out


def abs_row_sums(H) -> np.ndarray:
    """``sum_j |H_ij|`` per row."""
    out = np.zeros(H.shape[0])
    for lo, hi, _, _, vals, ptr in _slices(H):
        sums = np.add.reduceat(np.abs(vals), np.minimum(ptr[:-1], vals.size - 1)) if vals.size else np.zeros(hi - lo)
        out[lo:hi] = np.where(np.diff(ptr) > 0, sums, 0.0)
    return out
