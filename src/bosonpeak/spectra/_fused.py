"""The fused Chebyshev step of the kernel polynomial method, compiled with numba (private; see ``kpm``).

One pass over memory per step: for each row ``i`` the kernel reads the CSR row of ``2 H~``
once for the whole block of ``W`` vectors (row-major ``(N, W)``), computes
``y_i <- alpha (2 H~ x)_i - beta y_i`` and adds ``x_i x_i`` and ``y_i x_i`` to float64 partial
sums, one per chunk of ``CHUNK`` rows. The chunks are fixed (not tied to the threads), each is
summed in row order, and the chunk sums are added in chunk order: the moments are the same
bit for bit whatever the number of threads. ``alpha = 1/2, beta = 0`` is the first step
(``v_1 = H~ v_0``), ``alpha = 1, beta = 1`` every other (``v_n+1 = 2 H~ v_n - v_n-1``); the
product is summed in the order of scipy's ``csr_matvecs`` (from ``-beta y_i``, entries in
stored order), so the vectors are those of the reference recursion in ``_chebyshev``, bit
for bit, and only the order of the float64 dot-product sums differs.

Two steps per pass: a step reads ``x`` and overwrites ``y``, and the next reads the new ``y`` and
overwrites ``x``. Where the rows are numbered so that a row's entries lie within ``lag`` rows of
it (a lattice in row order: ``lag = L + 1``; ``double_plan``), the second step can follow the
first ``lag`` rows behind in the same sweep, while the rows it reads are still in cache: the
vectors cross memory once per two steps. Rows that reach further (the periodic wrap-around) and
the rows at the ends of each fixed block of rows (threads take whole blocks) are finished after
the sweep. Each row's arithmetic is unchanged, so the vectors are still the reference's, bit
for bit, and the moments are the same for any number of threads.

What makes it fast, measured (``benchmarks/bench_kpm.py``): the ``W`` vectors are spelled out
as scalars in generated source (a loop over them compiles to scalar code); numba's SLP
vectoriser packs them into SIMD registers, and it is off unless ``NUMBA_SLP_VECTORIZE=1`` is
set before numba is imported (done here, lazily: ``import bosonpeak`` does not import numba);
no ``fastmath`` (it made float32 slower). The compiled kernels are cached on disk
(``cache=True``). The generated kernels live in ``_fused_kernels.py``, written by
``kernel_module_source()`` (a test checks that the file is up to date).
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Vector-block widths with a compiled kernel; a block of R vectors is carried as sub-blocks
#: of these widths, widest first (each sub-block is one pass over the matrix per step).
WIDTHS = (16, 8, 4, 2, 1)
#: Rows per float64 partial sum of the dot products (fixed: results independent of threads).
CHUNK = 4096
#: Chunks per block of the two-step pass: threads take whole blocks, and the rows within the
#: lag of a block's ends wait for the finishing pass (fixed: results independent of threads).
BLOCK_CHUNKS = 32
#: The two-step pass is used when at most this fraction of the rows must wait for the finish.
MAX_DEFERRED = 0.25
#: Rows per slice when ``double_plan`` measures how far each row reaches.
PLAN_SLICE = 1 << 16
#: The matrix is read as ELL tables when their size (N x the longest row) is at most this many
#: times the number of stored entries (the padding costs products); else as CSR.
ELL_MAX_FILL = 2.0


def _kernel_source(w: int) -> str:
    """Source of ``step_<w>``: one fused Chebyshev step over the chunks ``lo:hi`` of ``chunk`` rows."""
    r = range(w)
    ind = " " * 16
    lines = [
        "@numba.njit(nogil=True, cache=True, boundscheck=False)",
        f"def step_{w}(indptr, indices, data, x, y, alpha, beta, chunk, lo, hi, partial):",
        "    n = x.shape[0]",
        "    for c in range(lo, hi):",
        *[f"        s{k} = 0.0" for k in r],
        *[f"        t{k} = 0.0" for k in r],
        "        for i in range(np.uint64(c * chunk), np.uint64(min(n, (c + 1) * chunk))):",
        *[f"            a{k} = -beta * y[i, {k}]" for k in r],
        "            for p in range(indptr[i], indptr[i + np.uint64(1)]):",
        "                j = indices[p]",
        "                h = data[p]",
        *[f"{ind}a{k} += h * x[j, {k}]" for k in r],
        *[f"            a{k} = alpha * a{k}" for k in r],
        *[f"            y[i, {k}] = a{k}" for k in r],
        *[f"            u{k} = np.float64(x[i, {k}])" for k in r],
        *[f"            s{k} += u{k} * u{k}" for k in r],
        *[f"            t{k} += np.float64(a{k}) * u{k}" for k in r],
        *[f"        partial[c, 0, {k}] = s{k}" for k in r],
        *[f"        partial[c, 1, {k}] = t{k}" for k in r],
    ]
    return "\n".join(lines) + "\n"


def _double_source(w: int) -> str:
    """Source of ``double_<w>``: two Chebyshev steps in one pass over the rows ``lo * chunk`` to ``hi * chunk``.

    Step A (``y <- 2 H~ x - y``) runs ahead on row ``r`` and step B (``x <- 2 H~ y - x``) follows
    ``lag`` rows behind on the rows marked ``near`` (all of whose neighbours lie within ``lag``
    rows in the same block); the rows B needs are still in cache. Each row's arithmetic is that
    of ``step_<w>`` with ``alpha = beta = 1``. The dot products go to ``pa`` (A) and ``pb`` (B)
    per chunk, in row order."""
    r = range(w)
    ind = " " * 20

    def flush(arr, c, s, t, pad):
        return ([f"{pad}{arr}[{c}, 0, {k}] = {s}{k}" for k in r] + [f"{pad}{arr}[{c}, 1, {k}] = {t}{k}" for k in r]
                + [f"{pad}{s}{k} = 0.0" for k in r] + [f"{pad}{t}{k} = 0.0" for k in r] + [f"{pad}{c} += one"])

    lines = [
        "@numba.njit(nogil=True, cache=True, boundscheck=False)",
        f"def double_{w}(indptr, indices, data, x, y, near, lag, chunk, lo, hi, pa, pb):",
        "    n = np.uint64(x.shape[0])",
        "    one = np.uint64(1)",
        "    chunku = np.uint64(chunk)",
        "    lagu = np.uint64(lag)",
        "    r0 = np.uint64(lo) * chunku",
        "    r1 = min(n, np.uint64(hi) * chunku)",
        "    ca = np.uint64(lo)",
        "    cb = np.uint64(lo)",
        *[f"    {v}{k} = 0.0" for v in ("sa", "ta", "sb", "tb") for k in r],
        "    for q in range(r0, r1 + lagu):",
        "        if q < r1:",
        "            while q >= (ca + one) * chunku:",
        *flush("pa", "ca", "sa", "ta", " " * 16),
        *[f"            a{k} = -y[q, {k}]" for k in r],
        "            for p in range(indptr[q], indptr[q + one]):",
        "                j = indices[p]",
        "                h = data[p]",
        *[f"{ind[:16]}a{k} += h * x[j, {k}]" for k in r],
        *[f"            y[q, {k}] = a{k}" for k in r],
        *[f"            u{k} = np.float64(x[q, {k}])" for k in r],
        *[f"            sa{k} += u{k} * u{k}" for k in r],
        *[f"            ta{k} += np.float64(a{k}) * u{k}" for k in r],
        "        if q >= r0 + lagu:",
        "            i = q - lagu",
        "            if near[i]:",
        "                while i >= (cb + one) * chunku:",
        *flush("pb", "cb", "sb", "tb", ind),
        *[f"                b{k} = -x[i, {k}]" for k in r],
        "                for p in range(indptr[i], indptr[i + one]):",
        "                    j = indices[p]",
        "                    h = data[p]",
        *[f"{ind}b{k} += h * y[j, {k}]" for k in r],
        *[f"                x[i, {k}] = b{k}" for k in r],
        *[f"                v{k} = np.float64(y[i, {k}])" for k in r],
        *[f"                sb{k} += v{k} * v{k}" for k in r],
        *[f"                tb{k} += np.float64(b{k}) * v{k}" for k in r],
        "    hiu = np.uint64(hi)",
        "    while ca < hiu:",
        *flush("pa", "ca", "sa", "ta", " " * 8),
        "    while cb < hiu:",
        *flush("pb", "cb", "sb", "tb", " " * 8),
    ]
    return "\n".join(lines) + "\n"


def _finish_source(w: int) -> str:
    """Source of ``finish_<w>``: step B on the deferred ``rows`` (ascending), dot products per chunk into ``pb``."""
    r = range(w)
    lines = [
        "@numba.njit(nogil=True, cache=True, boundscheck=False)",
        f"def finish_{w}(indptr, indices, data, x, y, rows, chunk, pb):",
        "    one = np.uint64(1)",
        "    for m in range(rows.shape[0]):",
        "        i = rows[m]",
        "        c = i // np.uint64(chunk)",
        *[f"        b{k} = -x[i, {k}]" for k in r],
        "        for p in range(indptr[i], indptr[i + one]):",
        "            j = indices[p]",
        "            h = data[p]",
        *[f"            b{k} += h * y[j, {k}]" for k in r],
        *[f"        x[i, {k}] = b{k}" for k in r],
        *[f"        v{k} = np.float64(y[i, {k}])" for k in r],
        *[f"        pb[c, 0, {k}] += v{k} * v{k}" for k in r],
        *[f"        pb[c, 1, {k}] += np.float64(b{k}) * v{k}" for k in r],
    ]
    return "\n".join(lines) + "\n"


def _ell_variant(source: str) -> str:
    """The same kernel reading the matrix as ELL tables ``idx, val`` of shape (N, width) (each
    row's entries in stored order, padded with zeros on the diagonal) instead of CSR: every row
    runs the same number of products, so the inner loop's end is always predicted."""
    import re

    source = re.sub(r"def (step|double|finish)_(\d+)\(indptr, indices, data, ", r"def \1_ell_\2(idx, val, ", source)
    loop = re.compile(r"for p in range\(indptr\[(\w+)\], indptr\[\1 \+ [^\]]+\]\):")
    out, row = [], None
    for line in source.split("\n"):
        m = loop.search(line)
        if m:  # the row this loop runs over names the row of the tables
            row = m.group(1)
            line = loop.sub("for e in range(idx.shape[1]):", line)
        out.append(line.replace("j = indices[p]", f"j = idx[{row}, e]").replace("h = data[p]", f"h = val[{row}, e]"))
    return "\n".join(out)


ELL_BUILDER = '''@numba.njit(nogil=True, cache=True, boundscheck=False)
def ell_from_csr(indptr, indices, data, idx, val):
    """Fill the ELL tables ``idx, val`` (N, width) from CSR: entries in stored order, then the
    row's own index with a zero."""
    for i in range(idx.shape[0]):
        e = 0
        for p in range(indptr[i], indptr[i + 1]):
            idx[i, e] = indices[p]
            val[i, e] = data[p]
            e += 1
        while e < idx.shape[1]:
            idx[i, e] = i
            val[i, e] = 0.0
            e += 1
'''


def kernel_module_source() -> str:
    """The text of ``_fused_kernels.py``: per width in ``WIDTHS`` one single-step kernel, one
    two-step kernel and its finishing pass over the deferred rows, each reading CSR or ELL."""
    head = ('"""Generated by ``bosonpeak.spectra._fused.kernel_module_source()``: do not edit (see ``_fused``)."""\n\n'
            "import numba\nimport numpy as np\n\n\n")
    csr = [f(w) for w in WIDTHS for f in (_kernel_source, _double_source, _finish_source)]
    body = "\n\n".join(csr + [_ell_variant(k) for k in csr] + [ELL_BUILDER])
    table = lambda name: "{" + ", ".join(f"{w}: {name}_{w}" for w in WIDTHS) + "}"  # noqa: E731
    tables = "".join(f"{name.upper()} = {table(name)}\n{name.upper()}_ELL = {table(name + '_ell')}\n" for name in ("step", "double", "finish"))
    return head + body + "\n\n" + tables.replace("STEP =", "KERNELS =").replace("STEP_ELL =", "KERNELS_ELL =")


def available() -> bool:
    """Whether numba can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("numba") is not None


@functools.lru_cache(maxsize=1)
def _kernels() -> dict:
    """The compiled kernels by width; imports numba (with its SLP vectoriser on) on first use."""
    os.environ.setdefault("NUMBA_SLP_VECTORIZE", "1")  # read by numba at import
    try:
        import numba
    except ImportError as exc:
        raise ImportError("kernel='fused' needs numba (pip install numba); kernel='scipy' runs without it") from exc
    numba.config.SLP_VECTORIZE = int(os.environ["NUMBA_SLP_VECTORIZE"])  # if numba was imported before us
    from . import _fused_kernels

    return _fused_kernels.KERNELS


def _kernel_tables(ell: bool) -> tuple[dict, dict, dict]:
    """The compiled one-step kernels, two-step kernels and finishing passes by width, for CSR or ELL."""
    _kernels()
    from . import _fused_kernels as k

    return (k.KERNELS_ELL, k.DOUBLE_ELL, k.FINISH_ELL) if ell else (k.KERNELS, k.DOUBLE, k.FINISH)


def ell_tables(H2, dtype) -> tuple[np.ndarray, np.ndarray] | None:
    """``(idx, val)``, the ELL tables of CSR ``H2`` (N x its longest row), or None where they would
    hold more than ``ELL_MAX_FILL`` times its entries."""
    n = H2.shape[0]
    width = int(np.diff(H2.indptr).max()) if n else 0
    if width == 0 or width * n > ELL_MAX_FILL * max(H2.nnz, 1):
        return None
    _kernels()
    from . import _fused_kernels

    idx = np.empty((n, width), dtype=np.uint32 if n < 2**32 else np.uint64)
    val = np.empty((n, width), dtype=dtype)
    _fused_kernels.ell_from_csr(_unsigned(H2.indptr), _unsigned(H2.indices), np.asarray(H2.data, dtype=dtype), idx, val)
    return idx, val


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


def double_plan(H2, *, quantile: float = 90.0):
    """Rows and lag of the two-step pass for ``H2`` (CSR), or None where it does not pay.

    ``lag`` is the ``quantile`` percentile over rows of the largest ``|i - j|`` of a row's
    entries (``L + 1`` for an ``L x L`` lattice in row order). A row is *near* when its entries
    lie within ``lag`` of it and it is at least ``lag`` rows from both ends of its block of
    ``BLOCK_CHUNKS * CHUNK`` rows; the others (periodic wrap-around, block ends) are finished
    after the pass. Returns ``(near, lag, deferred)`` (bool mask, int, ascending uint64 rows).
    """
    n = H2.shape[0]
    indptr = H2.indptr
    reach = np.zeros(n, dtype=np.int32 if n < 2**31 else np.int64)
    for lo in range(0, n, PLAN_SLICE):  # in slices: small temporaries even for N = 10^7
        hi = min(n, lo + PLAN_SLICE)
        counts = np.diff(indptr[lo:hi + 1])
        full = counts > 0
        if not full.any():
            continue
        rows = np.repeat(np.arange(lo, hi, dtype=np.int64), counts)
        dist = np.abs(H2.indices[indptr[lo]:indptr[hi]] - rows)
        reach[lo:hi][full] = np.maximum.reduceat(dist, (indptr[lo:hi] - indptr[lo])[full])
    lag = max(1, int(np.ceil(np.percentile(reach, quantile))))
    block = BLOCK_CHUNKS * CHUNK
    if 8 * lag > min(n, block):
        return None
    near = reach <= lag
    del reach
    for start in range(0, n, block):  # the rows within lag of a block's ends
        near[start:start + lag] = False
        near[max(start, min(n, start + block) - lag):min(n, start + block)] = False
    deferred = np.flatnonzero(~near).astype(np.uint64)
    if deferred.size > MAX_DEFERRED * n:
        return None
    return near, lag, deferred


def fused_moments(H2, V, n_mom, bar, threads=1, *, two_step: bool = True, layout: str = "auto") -> np.ndarray:
    """Raw moments ``<v_0| T_n(H~) |v_0>``, shape (R, n_mom), of the columns of ``V`` (overwritten
    when it is one C-ordered block of a compiled width); ``H2 = 2 H~`` in CSR, in ``V``'s dtype.
    ``two_step``: two steps per pass where ``double_plan`` allows; ``layout``: ``"csr"``, ``"ell"``
    (where ``ell_tables`` allows) or ``"auto"`` (ELL where allowed)."""
    n, r = V.shape
    if H2.shape != (n, n):  # the compiled kernel does not check its indices
        raise ValueError(f"2 H~ of shape {H2.shape} does not match vectors of {n} rows")
    dtype = V.dtype
    if layout not in ("auto", "csr", "ell"):
        raise ValueError(f"'layout' must be 'auto', 'csr' or 'ell'; got {layout!r}")
    ell = ell_tables(H2, dtype) if layout != "csr" else None
    kernels, doubles, finishes = _kernel_tables(ell is not None)
    matrix = ell if ell is not None else (_unsigned(H2.indptr), _unsigned(H2.indices), np.asarray(H2.data, dtype=dtype))
    chunk = CHUNK
    chunks = -(-n // chunk)
    threads = max(1, min(threads, chunks))
    cuts = [chunks * t // threads for t in range(threads + 1)]
    pool = ThreadPoolExecutor(threads) if threads > 1 else None
    mu = np.empty((r, n_mom))
    one, half, zero = dtype.type(1.0), dtype.type(0.5), dtype.type(0.0)
    plan = double_plan(H2) if two_step and n_mom >= 6 else None
    if plan is not None:
        near, lag, deferred = plan
        blocks = -(-chunks // BLOCK_CHUNKS)
        bcuts = [min(chunks, BLOCK_CHUNKS * (blocks * t // threads)) for t in range(threads + 1)]
    try:
        start = 0
        for w in split_widths(r):
            x = V if w == r and V.flags.c_contiguous else np.ascontiguousarray(V[:, start:start + w])
            y = np.zeros_like(x)
            partial = np.empty((chunks, 2, w))

            def run(x, y, alpha, beta, step=kernels[w], partial=partial, w=w):
                if pool is None:
                    step(*matrix, x, y, alpha, beta, chunk, 0, chunks, partial)
                else:
                    list(pool.map(lambda t: step(*matrix, x, y, alpha, beta, chunk, cuts[t], cuts[t + 1], partial), range(threads)))
                bar.update(w / r)  # one count per step of the whole block
                return partial.sum(axis=0)  # (2, w), added in chunk order

            def run2(x, y, dbl=doubles[w], fin=finishes[w], w=w):
                pa, pb = np.empty((chunks, 2, w)), np.empty((chunks, 2, w))
                if pool is None:
                    dbl(*matrix, x, y, near, lag, chunk, 0, chunks, pa, pb)
                else:
                    list(pool.map(lambda t: dbl(*matrix, x, y, near, lag, chunk, bcuts[t], bcuts[t + 1], pa, pb), range(threads)))
                fin(*matrix, x, y, deferred, chunk, pb)  # the rows left out, added to their chunks' sums
                bar.update(2 * w / r)
                return pa.sum(axis=0), pb.sum(axis=0)

            m = mu[start:start + w]
            m[:, 0], m[:, 1] = run(x, y, half, zero)  # y <- v_1; <v0|v0>, <v1|v0>
            k = 1
            while k < n_mom // 2:  # invariant: y holds v_k, x holds v_k-1
                x, y = y, x
                if plan is not None and k + 1 < n_mom // 2:
                    (a, b), (a2, b2) = run2(x, y)  # y <- v_k+1 over v_k-1, then x <- v_k+2 over v_k
                    m[:, 2 * k], m[:, 2 * k + 1] = 2.0 * a - m[:, 0], 2.0 * b - m[:, 1]
                    m[:, 2 * k + 2], m[:, 2 * k + 3] = 2.0 * a2 - m[:, 0], 2.0 * b2 - m[:, 1]
                    x, y = y, x
                    k += 2
                else:
                    a, b = run(x, y, one, one)  # y <- v_k+1 over v_k-1; <v_k|v_k>, <v_k+1|v_k>
                    m[:, 2 * k], m[:, 2 * k + 1] = 2.0 * a - m[:, 0], 2.0 * b - m[:, 1]
                    k += 1
            start += w
    finally:
        if pool:
            pool.shutdown()
    return mu


if __name__ == "__main__":  # python -m bosonpeak.spectra._fused: rewrite _fused_kernels.py
    from pathlib import Path

    Path(__file__).with_name("_fused_kernels.py").write_text(kernel_module_source())
