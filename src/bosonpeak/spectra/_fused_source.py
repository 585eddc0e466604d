"""Source text of the fused KPM kernels (private; see ``_fused``), and the module made from it.

Nothing generated is kept in the source tree: ``kernel_module()`` writes ``kernel_module_source()``
at first use into the user's cache directory (``bosonpeak._cache``), keyed by the hash of the text
and numba's version, and imports it from there; numba caches the compiled kernels beside it.
``python -m bosonpeak.spectra._fused_source`` does the same and prints the file's path."""

from __future__ import annotations

import re

#: Vector-block widths with a compiled kernel; a block of R vectors is carried as sub-blocks
#: of these widths, widest first (each sub-block is one pass over the matrix per step).
WIDTHS = (16, 8, 4, 2, 1)
#: The most Chebyshev steps per pass with a compiled kernel.
MAX_STAGES = 3
#: numba's fastmath flags of the kernels: only ``contract`` (a product and the sum it joins become
#: one fused multiply-add, rounded once; 12 % faster at N = 10^6, and no less accurate). No
#: reassociation: the sums keep their order, so the results stay independent of the threads.
CONTRACT = "{'contract'}"


def _row(w: int, *, row: str, dst: str, src: str, start, sums, pad: str, scale: str | None = None) -> list[str]:
    """Source lines of one row of one Chebyshev step, the piece every kernel shares:
    ``a_k = start(k) + sum_p h_p src[j_p, k]`` (entries in stored order, each product and the sum it
    joins one fused multiply-add), times ``scale`` if given, stored in ``dst[row, k]``; then
    ``u_k = src[row, k]`` in float64 joins the two dot products ``sums[0](k) += u_k u_k`` and
    ``sums[1](k) += a_k u_k``. ``start`` and ``sums`` are functions of the column ``k``."""
    r = range(w)
    return ([f"{pad}a{k} = {start(k)}" for k in r]
            + [f"{pad}for p in range(indptr[{row}], indptr[{row} + one]):", f"{pad}    j = indices[p]", f"{pad}    h = data[p]"]
            + [f"{pad}    a{k} += h * {src}[j, {k}]" for k in r]
            + ([f"{pad}a{k} = {scale} * a{k}" for k in r] if scale else [])
            + [f"{pad}{dst}[{row}, {k}] = a{k}" for k in r]
            + [f"{pad}u{k} = np.float64({src}[{row}, {k}])" for k in r]
            + [f"{pad}{sums[0](k)} += u{k} * u{k}" for k in r]
            + [f"{pad}{sums[1](k)} += np.float64(a{k}) * u{k}" for k in r])


def _kernel_source(w: int) -> str:
    """Source of ``step_<w>``: one fused Chebyshev step over the chunks ``lo:hi`` of ``chunk`` rows."""
    r = range(w)
    lines = [
        f"@numba.njit(nogil=True, cache=True, boundscheck=False, fastmath={CONTRACT})",
        f"def step_{w}(indptr, indices, data, x, y, alpha, beta, chunk, lo, hi, partial):",
        "    n = x.shape[0]",
        "    one = np.uint64(1)",
        "    for c in range(lo, hi):",
        *[f"        s{k} = 0.0" for k in r],
        *[f"        t{k} = 0.0" for k in r],
        "        for i in range(np.uint64(c * chunk), np.uint64(min(n, (c + 1) * chunk))):",
        *_row(w, row="i", dst="y", src="x", start=lambda k: f"-beta * y[i, {k}]", sums=(lambda k: f"s{k}", lambda k: f"t{k}"),
              pad=" " * 12, scale="alpha"),
        *[f"        partial[c, 0, {k}] = s{k}" for k in r],
        *[f"        partial[c, 1, {k}] = t{k}" for k in r],
    ]
    return "\n".join(lines) + "\n"


def _multi_source(w: int, s: int) -> str:
    """Source of ``multi<s>_<w>``: ``s`` Chebyshev steps in one pass over the rows ``lo * chunk`` to ``hi * chunk``.

    Stage 0 (``y <- 2 H~ x - y``) runs on row ``q``; stage ``k`` follows ``k lag`` rows behind on
    the rows whose ``level`` exceeds ``k`` (``multi_plan``), alternately ``x <- 2 H~ y - x`` and
    ``y <- 2 H~ x - y``: the rows it reads were written by stage ``k - 1`` at most ``lag`` rows
    ahead and are still in cache, and stage ``k + 1`` has not yet overwritten them. Within one
    ``q`` the stages run in order, so a row read at exactly ``lag`` is already (or still) the one
    wanted. Each row's arithmetic is that of ``step_<w>`` with ``alpha = beta = 1``. Stage ``k``'s
    dot products go to ``parts[k]`` per chunk, in row order."""
    r = range(w)

    def flush(k, pad):
        return ([f"{pad}parts[{k}, c{k}, 0, {j}] = s{k}_{j}" for j in r] + [f"{pad}parts[{k}, c{k}, 1, {j}] = t{k}_{j}" for j in r]
                + [f"{pad}s{k}_{j} = 0.0" for j in r] + [f"{pad}t{k}_{j} = 0.0" for j in r] + [f"{pad}c{k} += one"])

    def body(k, row, pad):
        dst, src = ("y", "x") if k % 2 == 0 else ("x", "y")
        return ([f"{pad}while {row} >= (c{k} + one) * chunku:", *flush(k, pad + "    ")]
                + _row(w, row=row, dst=dst, src=src, start=lambda j: f"-{dst}[{row}, {j}]",
                       sums=(lambda j: f"s{k}_{j}", lambda j: f"t{k}_{j}"), pad=pad))

    lines = [
        f"@numba.njit(nogil=True, cache=True, boundscheck=False, fastmath={CONTRACT})",
        f"def multi{s}_{w}(indptr, indices, data, x, y, level, lag, chunk, lo, hi, parts):",
        "    n = np.uint64(x.shape[0])",
        "    one = np.uint64(1)",
        "    chunku = np.uint64(chunk)",
        "    lagu = np.uint64(lag)",
        "    r0 = np.uint64(lo) * chunku",
        "    r1 = min(n, np.uint64(hi) * chunku)",
        *[f"    c{k} = np.uint64(lo)" for k in range(s)],
        *[f"    {v}{k}_{j} = 0.0" for k in range(s) for v in ("s", "t") for j in r],
        f"    for q in range(r0, r1 + np.uint64({s - 1}) * lagu):",
        "        if q < r1:",
        *body(0, "q", " " * 12),
    ]
    for k in range(1, s):
        lines += [f"        if q >= r0 + np.uint64({k}) * lagu:",
                  f"            i = q - np.uint64({k}) * lagu",
                  f"            if i < r1 and level[i] > {k}:",
                  *body(k, "i", " " * 16)]
    lines.append("    hiu = np.uint64(hi)")
    for k in range(s):
        lines += [f"    while c{k} < hiu:", *flush(k, " " * 8)]
    return "\n".join(lines) + "\n"


def _finish_source(w: int) -> str:
    """Source of ``finish_<w>``: one step ``dst <- 2 H~ src - dst`` on the deferred ``rows``
    (ascending), their dot products added per chunk to ``part``."""
    lines = [
        f"@numba.njit(nogil=True, cache=True, boundscheck=False, fastmath={CONTRACT})",
        f"def finish_{w}(indptr, indices, data, dst, src, rows, chunk, part):",
        "    one = np.uint64(1)",
        "    for m in range(rows.shape[0]):",
        "        i = rows[m]",
        "        c = i // np.uint64(chunk)",
        *_row(w, row="i", dst="dst", src="src", start=lambda k: f"-dst[i, {k}]",
              sums=(lambda k: f"part[c, 0, {k}]", lambda k: f"part[c, 1, {k}]"), pad=" " * 8),
    ]
    return "\n".join(lines) + "\n"


def _ell_variant(source: str) -> str:
    """The same kernel reading the matrix as ELL tables ``idx, val`` of shape (N, width) (each
    row's entries in stored order, padded with zeros on the diagonal) instead of CSR: every row
    runs the same number of products, so the inner loop's end is always predicted."""
    source = re.sub(r"def (step|finish|multi\d)_(\d+)\(indptr, indices, data, ", r"def \1_ell_\2(idx, val, ", source)
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
    ``s``-step kernel per ``s`` in ``2..MAX_STAGES`` and the finishing pass over the deferred rows,
    each reading CSR or ELL."""
    head = ('"""Generated by ``bosonpeak.spectra._fused_source.kernel_module_source()``: do not edit (see ``_fused``)."""\n\n'
            "import numba\nimport numpy as np\n\n\n")
    stages = range(2, MAX_STAGES + 1)
    csr = [src for w in WIDTHS for src in (_kernel_source(w), *(_multi_source(w, m) for m in stages), _finish_source(w))]
    body = "\n\n".join(csr + [_ell_variant(k) for k in csr] + [ELL_BUILDER])
    tables = ""
    for ell in ("", "_ell"):
        tables += f"KERNELS{ell.upper()} = {{{', '.join(f'{w}: step{ell}_{w}' for w in WIDTHS)}}}\n"
        tables += f"MULTI{ell.upper()} = {{{', '.join(f'({m}, {w}): multi{m}{ell}_{w}' for m in stages for w in WIDTHS)}}}\n"
        tables += f"FINISH{ell.upper()} = {{{', '.join(f'{w}: finish{ell}_{w}' for w in WIDTHS)}}}\n"
    return head + body + "\n\n" + tables


def kernel_module(source: str | None = None, stem: str = "fused"):
    """The generated kernels, imported: written at first use into the user's cache
    (``bosonpeak._cache.writable_dir("kernels")``) as ``<stem>_<key>.py`` (``source``: default
    ``kernel_module_source()``; ``_block`` passes its own), ``key`` the hash of the
    source and numba's version, then imported from there; numba caches their machine code beside
    it (``cache=True``), so the next process neither writes nor compiles them again.

    The file is written under a temporary name and renamed into place (``_files.atomic_path``):
    two processes that start together write the same text and each rename is whole. A file that
    is there but not what this generator writes (edited, another version) is written again.
    """
    import hashlib
    import importlib.util
    import sys

    import numba

    from .. import _cache, _files

    source = kernel_module_source() if source is None else source
    key = hashlib.sha256(f"{source}\nnumba {numba.__version__}".encode()).hexdigest()[:16]
    name = f"bosonpeak_{stem}_{key}"
    if name in sys.modules:
        return sys.modules[name]
    path = _cache.writable_dir("kernels") / f"{stem}_{key}.py"
    try:
        current = path.read_text()
    except (OSError, UnicodeDecodeError):
        current = None
    if current != source:
        with _files.atomic_path(path) as tmp:
            tmp.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


if __name__ == "__main__":  # python -m bosonpeak.spectra._fused_source: write the kernels into the cache, print where
    print(kernel_module().__file__)
