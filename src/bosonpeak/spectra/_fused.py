"""The fused Chebyshev step of the kernel polynomial method, compiled with numba (private; see ``kpm``).

One pass over memory per step: for each row ``i`` the kernel reads the CSR row of ``2 H~``
once for the whole block of ``W`` vectors (row-major ``(N, W)``), computes
``y_i <- alpha (2 H~ x)_i - beta y_i`` and adds ``x_i x_i`` and ``y_i x_i`` to float64 partial
sums, one per chunk of ``CHUNK`` rows. The chunks are fixed (not tied to the threads), each is
summed in row order, and the chunk sums are added in chunk order: the moments are the same
bit for bit whatever the number of threads. ``alpha = 1/2, beta = 0`` is the first step
(``v_1 = H~ v_0``), ``alpha = 1, beta = 1`` every other (``v_n+1 = 2 H~ v_n - v_n-1``); the
product is summed in the order of scipy's ``csr_matvecs`` (from ``-beta y_i``, entries in
stored order), each product and the sum it joins as one fused multiply-add, so the vectors are
those of the reference recursion in ``_chebyshev`` to the working precision's round-off.

Several steps per pass (``STAGES``, default 3): a step reads ``x`` and overwrites ``y``, and the
next reads the new ``y`` and overwrites ``x``. Where the rows are numbered so that a row's entries
lie within ``lag`` rows of it (a lattice in row order: ``lag = L + 1``; ``multi_plan``), step
``k + 1`` can follow step ``k`` ``lag`` rows behind in the same sweep, while the rows it reads are
still in cache: the vectors cross memory once per ``STAGES`` steps. Rows that reach further (the
periodic wrap-around), the rows at the ends of each fixed block of rows (threads take whole
blocks) and, stage by stage, their neighbours are finished after the sweep. Each row's arithmetic
is that of one step, so the vectors are those of one step per pass, bit for bit, and the moments
are the same for any number of threads.

What makes it fast, measured (``benchmarks/bench_kpm.py``): the ``W`` vectors are spelled out
as scalars in generated source (a loop over them compiles to scalar code); numba's SLP
vectoriser packs them into SIMD registers, and it is off unless ``NUMBA_SLP_VECTORIZE=1`` is
set before numba is imported (done here, lazily: ``import bosonpeak`` does not import numba);
of ``fastmath`` only ``contract`` (fused multiply-adds; no reassociation); the vector blocks
start on a cache line (``aligned_zeros``). The compiled kernels are cached on disk
(``cache=True``). The generated kernels are not in the source tree: ``_fused_source.kernel_module()``
writes them at first use into the user's cache directory and imports them from there.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._fused_source import MAX_STAGES, WIDTHS, kernel_module, kernel_module_source  # noqa: F401 - the kernels' generator

#: Rows per float64 partial sum of the dot products (fixed: results independent of threads).
CHUNK = 4096
#: Chunks per block of the multi-step pass, about (``block_cuts``): threads take whole blocks, and
#: the rows within the lag of a block's ends wait for the finishing pass (fixed by N alone).
BLOCK_CHUNKS = 32
#: Chebyshev steps per pass over memory by default (at most ``MAX_STAGES``).
STAGES = 3
#: The multi-step pass is used when at most this fraction of the rows must wait for the finish.
MAX_DEFERRED = 0.25
#: Rows per slice when ``multi_plan`` measures how far each row reaches.
PLAN_SLICE = 1 << 16
#: The matrix is read as ELL tables when their size (N x the longest row) is at most this many
#: times the number of stored entries (the padding costs products); else as CSR.
ELL_MAX_FILL = 2.0


def available() -> bool:
    """Whether numba can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("numba") is not None


@functools.lru_cache(maxsize=1)
def _kernels():
    """The module of generated kernels (``kernel_module``); imports numba (with its SLP vectoriser
    on) on first use."""
    os.environ.setdefault("NUMBA_SLP_VECTORIZE", "1")  # read by numba at import
    try:
        import numba
    except ImportError as exc:
        raise ImportError("kernel='fused' needs numba (pip install numba); kernel='scipy' runs without it") from exc
    numba.config.SLP_VECTORIZE = int(os.environ["NUMBA_SLP_VECTORIZE"])  # if numba was imported before us
    return kernel_module()


def _kernel_tables(ell: bool) -> tuple[dict, dict, dict]:
    """The compiled one-step kernels (by width), multi-step kernels (by stages and width) and
    finishing passes (by width), for CSR or ELL."""
    k = _kernels()
    return (k.KERNELS_ELL, k.MULTI_ELL, k.FINISH_ELL) if ell else (k.KERNELS, k.MULTI, k.FINISH)


def ell_tables(H2, dtype) -> tuple[np.ndarray, np.ndarray] | None:
    """``(idx, val)``, the ELL tables of CSR ``H2`` (N x its longest row), or None where they would
    hold more than ``ELL_MAX_FILL`` times its entries."""
    n = H2.shape[0]
    width = int(np.diff(H2.indptr).max()) if n else 0
    if width == 0 or width * n > ELL_MAX_FILL * max(H2.nnz, 1):
        return None
    kernels = _kernels()
    idx = np.empty((n, width), dtype=np.uint32 if n < 2**32 else np.uint64)
    val = np.empty((n, width), dtype=dtype)
    kernels.ell_from_csr(_unsigned(H2.indptr), _unsigned(H2.indices), np.asarray(H2.data, dtype=dtype), idx, val)
    return idx, val


def aligned_zeros(shape: tuple[int, int], dtype) -> np.ndarray:
    """A C-ordered array of zeros whose first byte sits on a 64-byte cache line (numpy's large
    arrays start 16 bytes past a page), so that a row of 16 float32 is one line, not two."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    buf = np.zeros(nbytes + 64, dtype=np.uint8)
    start = -buf.ctypes.data % 64
    return buf[start:start + nbytes].view(dtype).reshape(shape)


def split_widths(r: int) -> list[int]:
    """Widths of the sub-blocks that carry ``r`` vectors, widest first."""
    out = []
    for w in WIDTHS:
        out += [w] * (r // w)
        r %= w
    return out


def _unsigned(index: np.ndarray) -> np.ndarray:
    """The same (non-negative) index array seen as unsigned: no negative-index wraparound code."""
    return index.view(np.uint32 if index.itemsize == 4 else np.uint64)


def block_cuts(chunks: int) -> list[int]:
    """Chunk indices that cut ``chunks`` chunks into the blocks of the multi-step pass: about
    ``BLOCK_CHUNKS`` chunks each, as equal as can be, their number a multiple of 4 from 3 on (so
    that 1, 2 or 4 threads share them evenly); they depend on N alone, so the results do not
    depend on the threads."""
    blocks = max(1, -(-chunks // BLOCK_CHUNKS))
    blocks = blocks if blocks < 3 else 4 * -(-blocks // 4)
    return [chunks * b // blocks for b in range(blocks + 1)]


def multi_plan(H2, stages: int = 2, *, quantile: float = 90.0):
    """Rows and lag of the ``stages``-step pass for ``H2`` (CSR, symmetric), or None where it does not pay.

    ``lag`` is the ``quantile`` percentile over rows of the largest ``|i - j|`` of a row's
    entries (``L + 1`` for an ``L x L`` lattice in row order). ``level[i]`` is the number of
    stages row ``i`` runs in the sweep: 1 for a row that reaches further than ``lag`` (the
    periodic wrap-around) or lies within ``lag`` of an end of its block (``block_cuts``; threads
    take whole blocks); then ``k + 1`` for a row at level ``k`` whose neighbours
    all reach level ``k``. Stage ``k`` of the rows below level ``k + 1`` runs after the sweep.
    Returns ``(level, lag, deferred)``: uint8 per row, int, and per stage ``1..stages - 1`` the
    ascending uint64 rows left for the finishing pass.
    """
    n = H2.shape[0]
    indptr, indices = H2.indptr, H2.indices
    reach = np.zeros(n, dtype=np.int32 if n < 2**31 else np.int64)
    for lo in range(0, n, PLAN_SLICE):  # in slices: small temporaries even for N = 10^7
        hi = min(n, lo + PLAN_SLICE)
        counts = np.diff(indptr[lo:hi + 1])
        full = counts > 0
        if not full.any():
            continue
        rows = np.repeat(np.arange(lo, hi, dtype=np.int64), counts)
        dist = np.abs(indices[indptr[lo]:indptr[hi]] - rows)
        reach[lo:hi][full] = np.maximum.reduceat(dist, (indptr[lo:hi] - indptr[lo])[full])
    lag = max(1, int(np.ceil(np.percentile(reach, quantile))))
    ends = [min(n, c * CHUNK) for c in block_cuts(-(-n // CHUNK))]
    if 8 * lag > min(b - a for a, b in zip(ends[:-1], ends[1:])):
        return None
    level = np.where(reach <= lag, 2, 1).astype(np.uint8)
    del reach
    for a, b in zip(ends[:-1], ends[1:]):  # the rows within lag of a block's ends
        level[a:a + lag] = 1
        level[max(a, b - lag):b] = 1
    for k in range(2, stages):  # a row rises to k + 1 when it and all its neighbours are at k
        up = np.zeros(n, dtype=bool)
        for lo in range(0, n, PLAN_SLICE):
            hi = min(n, lo + PLAN_SLICE)
            full = np.diff(indptr[lo:hi + 1]) > 0
            low = np.minimum.reduceat(level[indices[indptr[lo]:indptr[hi]]], (indptr[lo:hi] - indptr[lo])[full]) if full.any() else []
            up[lo:hi][full] = (level[lo:hi][full] == k) & (low >= k)
        level[up] = k + 1
    deferred = [np.flatnonzero(level <= k).astype(np.uint64) for k in range(1, stages)]
    if deferred[-1].size > MAX_DEFERRED * n:
        return None
    return level, lag, deferred


@dataclasses.dataclass(frozen=True)
class Operator:
    """``2 H~`` as the kernels read it: ``matrix`` (ELL tables or CSR arrays), whether it is ELL,
    and the multi-step ``plan`` (``multi_plan``'s result, or None); made once by ``prepare``
    and used for every block of vectors."""

    n: int
    dtype: np.dtype
    matrix: tuple
    ell: bool
    stages: int
    plan: tuple | None


def prepare(H2, dtype, *, stages: int = STAGES, layout: str = "auto") -> Operator:
    """The ``Operator`` of ``H2 = 2 H~`` (CSR, symmetric) for vectors of ``dtype``. ``stages``:
    Chebyshev steps per pass over memory (1 to ``MAX_STAGES``), where ``multi_plan`` allows;
    ``layout``: ``"csr"``, ``"ell"`` (where ``ell_tables`` allows) or ``"auto"`` (ELL where allowed)."""
    if not (isinstance(stages, int) and 1 <= stages <= MAX_STAGES):
        raise ValueError(f"'stages' must be an integer from 1 to {MAX_STAGES}; got {stages!r}")
    if layout not in ("auto", "csr", "ell"):
        raise ValueError(f"'layout' must be 'auto', 'csr' or 'ell'; got {layout!r}")
    dtype = np.dtype(dtype)
    ell = ell_tables(H2, dtype) if layout != "csr" else None
    matrix = ell if ell is not None else (_unsigned(H2.indptr), _unsigned(H2.indices), np.asarray(H2.data, dtype=dtype))
    return Operator(H2.shape[0], dtype, matrix, ell is not None, stages, multi_plan(H2, stages) if stages > 1 else None)


def fused_moments(H2, V, n_mom, bar, threads=1, *, stages: int = STAGES, layout: str = "auto", operator: Operator | None = None) -> np.ndarray:
    """Raw moments ``<v_0| T_n(H~) |v_0>``, shape (R, n_mom), of the columns of ``V`` (overwritten
    when it is one C-ordered block of a compiled width); ``H2 = 2 H~`` in CSR, in ``V``'s dtype,
    symmetric, or its ``operator`` (``prepare``: made once for several blocks). ``stages`` and
    ``layout``: as for ``prepare``. The moments come in pairs, two per step: for an odd ``n_mom``
    the next one is computed too and left out."""
    if isinstance(n_mom, bool) or not isinstance(n_mom, (int, np.integer)) or n_mom < 1:
        raise ValueError(f"'n_mom' must be a positive integer; got {n_mom!r}")
    if n_mom % 2:
        return fused_moments(H2, V, n_mom + 1, bar, threads, stages=stages, layout=layout, operator=operator)[:, :n_mom]
    n, r = V.shape
    if H2.shape != (n, n):  # the compiled kernel does not check its indices
        raise ValueError(f"2 H~ of shape {H2.shape} does not match vectors of {n} rows")
    dtype = V.dtype
    op = prepare(H2, dtype, stages=stages, layout=layout) if operator is None else operator
    if op.n != n or op.dtype != dtype:
        raise ValueError(f"the operator is for {op.n} rows of {op.dtype}; got vectors of {n} rows of {dtype}")
    kernels, multis, finishes = _kernel_tables(op.ell)
    matrix, stages = op.matrix, op.stages
    chunk = CHUNK
    chunks = -(-n // chunk)
    threads = max(1, min(threads, chunks))
    cuts = [chunks * t // threads for t in range(threads + 1)]
    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    each = (lambda f, parts: [f(t) for t in range(parts)]) if pool is None else (lambda f, parts: list(pool.map(f, range(parts))))
    mu = np.empty((r, n_mom))
    one, half, zero = dtype.type(1.0), dtype.type(0.5), dtype.type(0.0)
    plan = op.plan if n_mom >= 6 else None
    if plan is not None:
        level, lag, deferred = plan
        bcuts = block_cuts(chunks)
        # the finishing pass of each stage, split among the threads at chunk boundaries
        fcuts = [np.searchsorted(rows, np.array(cuts, dtype=np.uint64) * np.uint64(chunk)) for rows in deferred]
    try:
        start = 0
        for w in split_widths(r):
            if w == r and V.flags.c_contiguous:
                x = V
            else:
                x = aligned_zeros((n, w), dtype)
                x[:] = V[:, start:start + w]
            y = aligned_zeros(x.shape, dtype)

            def run(x, y, alpha, beta, step=kernels[w], w=w):
                partial = np.empty((chunks, 2, w))
                each(lambda t: step(*matrix, x, y, alpha, beta, chunk, cuts[t], cuts[t + 1], partial), threads)
                bar.update(w / r)  # one count per step of the whole block
                return partial.sum(axis=0)  # (2, w), added in chunk order

            def run_multi(x, y, s, w=w):
                parts = np.empty((s, chunks, 2, w))
                multi = multis[(s, w)]
                each(lambda b: multi(*matrix, x, y, level, lag, chunk, bcuts[b], bcuts[b + 1], parts), len(bcuts) - 1)  # blocks as threads come free
                for k in range(1, s):  # the rows left out, stage by stage, added to their chunks' sums
                    dst, src = (y, x) if k % 2 == 0 else (x, y)
                    rows, fc = deferred[k - 1], fcuts[k - 1]
                    each(lambda t: finishes[w](*matrix, dst, src, rows[fc[t]:fc[t + 1]], chunk, parts[k]), threads)
                bar.update(s * w / r)
                return parts.sum(axis=1)  # (s, 2, w)

            m = mu[start:start + w]
            m[:, 0], m[:, 1] = run(x, y, half, zero)  # y <- v_1; <v0|v0>, <v1|v0>
            k = 1
            while k < n_mom // 2:  # invariant: y holds v_k, x holds v_k-1
                x, y = y, x
                s = min(stages, n_mom // 2 - k) if plan is not None else 1
                if s > 1:  # stage j: v_k+j+1 over v_k+j-1; <v_k+j|v_k+j>, <v_k+j+1|v_k+j>
                    sums = run_multi(x, y, s)
                    for j in range(s):
                        m[:, 2 * (k + j)], m[:, 2 * (k + j) + 1] = 2.0 * sums[j, 0] - m[:, 0], 2.0 * sums[j, 1] - m[:, 1]
                    if s % 2 == 0:
                        x, y = y, x
                    k += s
                else:
                    a, b = run(x, y, one, one)  # y <- v_k+1 over v_k-1; <v_k|v_k>, <v_k+1|v_k>
                    m[:, 2 * k], m[:, 2 * k + 1] = 2.0 * a - m[:, 0], 2.0 * b - m[:, 1]
                    k += 1
            start += w
    finally:
        if pool:
            pool.shutdown()
    return mu
