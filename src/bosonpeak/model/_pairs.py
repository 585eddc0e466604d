"""Driving the compiled pair kernels of ``_cells`` and ``_assembly`` (private): the box check,
the cell lists, rows shared among threads, overlaps.

The kernels release the GIL; rows are cut into fixed chunks that a pool of threads takes in
turn, each chunk writing only its own rows, so results do not depend on the number of threads.
"""

from __future__ import annotations

import mmap
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import _checks
from .particles import Particles

#: Particles per chunk of rows handed to a thread.
CHUNK = 8192
#: Two particles closer than this fraction of the mean spacing ``(V / N)**(1/d)`` overlap.
OVERLAP = 1e-6


@dataclass(frozen=True, eq=False)
class Setup:
    """Everything the kernels take for one system and potential."""

    x: np.ndarray
    cell: np.ndarray
    ncell: np.ndarray
    home: np.ndarray
    order: np.ndarray
    start: np.ndarray
    zr: int
    room: int
    types: np.ndarray
    diam: np.ndarray
    use_d: bool
    tab: np.ndarray
    kind: int
    alpha: float
    shift: int


def threads() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_box(p: Particles, cutoff: float, what: str = "the cut-off") -> None:
    """Refuse a box whose perpendicular width is not above twice ``cutoff`` (minimum image)."""
    w = p.widths()
    if not (w.min() > 2.0 * cutoff):
        a = int(np.argmin(w))
        raise _checks.ParameterError(f"{p.where()}box too small for {what} {cutoff:g} under the minimum image: its "
                                     f"width along box vector {a + 1} is {w[a]:g}, it must exceed 2 x {cutoff:g}")


def _potential_args(p: Particles, pot) -> tuple[tuple, float]:
    """``(types, diam, use_d, tab, kind, alpha, shift)`` of the kernels for ``p`` and ``pot``, and
    the longest cut-off; refuses a box too small for it."""
    from . import _cells

    types, diam, eps, sig, cut = pot.tables(p)
    rc = pot.max_cutoff(p)
    check_box(p, rc)
    shift = {"none": _cells.SHIFT_NONE, "energy": _cells.SHIFT_ENERGY, "force": _cells.SHIFT_FORCE}[pot.shift]
    tab = np.zeros((6,) + eps.shape)
    tab[0], tab[1], tab[2], tab[5] = eps, sig, cut, (cut * sig) ** 2
    if shift != _cells.SHIFT_NONE:
        for a, b in np.ndindex(*eps.shape):
            tab[3, a, b], tab[4, a, b] = _cells.unit_shift(pot.kind, float(pot.alpha), float(cut[a, b]))
    return (types, diam, bool(pot.use_diameters), tab, pot.kind, float(pot.alpha), shift), rc


def setup(p: Particles, pot, *, skin: float = 0.0) -> Setup:
    """Kernel arguments for ``p`` and ``pot``, with the cell list for the longest cut-off plus ``skin``."""
    from . import _cells

    args, rc = _potential_args(p, pot)
    return Setup(*_cells.grid(p.fractional(), p.cell, p.widths(), rc + skin), *args)


@dataclass(frozen=True, eq=False)
class Sorted:
    """Kernel arguments with the particles in cell order (``order``: their indices in ``p``):
    the grid ``(room, x, cell, ncell, home, start, reach)`` of ``_assembly.sorted_grid`` and the
    pair terms' ``(types, diam, use_d, tab, kind, alpha, shift)``, types and diameters in cell order."""

    order: np.ndarray
    grid: tuple
    terms: tuple


def sorted_setup(p: Particles, pot) -> Sorted:
    """Kernel arguments for ``p`` and ``pot`` on a grid of cells half the longest cut-off wide,
    particles (positions, types, diameters) in cell order."""
    from . import _assembly

    (types, diam, *rest), rc = _potential_args(p, pot)
    order, *grid, room = _assembly.sorted_grid(p.fractional(), p.cell, p.widths(), rc)
    if room >= 2**24:
        raise _checks.ParameterError(f"{p.where()}particles too clustered for the cell list: up to {room} candidate "
                                     "partners of one particle (at most 2^24)")
    return Sorted(order, (room, *grid), (np.ascontiguousarray(types[order]), np.ascontiguousarray(diam[order]), *rest))


def empty(shape, dtype) -> np.ndarray:
    """``np.empty(shape, dtype)`` whose memory is first touched 4 KiB at a time (``MADV_NOHUGEPAGE``,
    Linux; plain ``np.empty`` elsewhere). numpy asks for transparent huge pages for large arrays;
    on a virtual machine that hands freed memory back to its host, first touching those costs
    several times more than small pages (on the 2-core VM of the benchmarks about 5 s per GB
    against 1 s), and the Hessian writes gigabytes once."""
    a = np.empty(shape, dtype)
    if a.nbytes >= 1 << 26 and sys.platform == "linux":
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            page = mmap.PAGESIZE
            lo, hi = a.ctypes.data // page * page, -(-(a.ctypes.data + a.nbytes) // page) * page
            libc.madvise(ctypes.c_void_p(lo), ctypes.c_size_t(hi - lo), ctypes.c_int(mmap.MADV_NOHUGEPAGE))
        except (OSError, AttributeError):  # pragma: no cover - no libc madvise: huge pages it is
            pass
    return a


def run(kernel, n: int, *args) -> list:
    """``kernel(lo, hi, *args)`` over the chunks of ``range(n)`` on a pool of threads; the results in chunk order."""
    cuts = list(range(0, n, CHUNK)) + [n]
    spans = list(zip(cuts[:-1], cuts[1:]))
    if threads() == 1 or len(spans) == 1:
        return [kernel(lo, hi, *args) for lo, hi in spans]
    with ThreadPoolExecutor(threads()) as pool:
        return list(pool.map(lambda span: kernel(span[0], span[1], *args), spans))


def run_counts(kernel, n: int, *args) -> np.ndarray:
    """The counts (n,) that ``kernel(lo, hi, *args, counts)`` adds to, over ``range(n)`` cut into one
    part per thread, each adding to its own array: integer sums, the same for any number of threads."""
    cuts = np.linspace(0, n, min(threads(), max(1, n // CHUNK)) + 1).astype(np.int64)
    parts = [np.zeros(n, dtype=np.int64) for _ in range(len(cuts) - 1)]
    spans = list(zip(cuts[:-1], cuts[1:], parts))
    if len(spans) == 1:
        kernel(0, n, *args, parts[0])
    else:
        with ThreadPoolExecutor(len(spans)) as pool:
            list(pool.map(lambda span: kernel(span[0], span[1], *args, span[2]), spans))
    return sum(parts[1:], parts[0])


def _grid_args(s: Setup) -> tuple:
    return (s.room, s.x, s.cell, s.ncell, s.home, s.order, s.start, s.zr, s.types, s.diam, s.use_d, s.tab)


def rows(s: Setup, skin: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every partner of every particle within its cut-off plus ``skin``: CSR-like ``(ptr, nbr, img)``, rows sorted."""
    from . import _cells

    n = len(s.x)
    counts = np.empty(n, dtype=np.int64)
    run(_cells.count_rows, n, *_grid_args(s), float(skin), counts)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    nbr, img = np.empty(ptr[-1], dtype=np.int64), np.empty(ptr[-1], dtype=np.int8)
    run(_cells.fill_rows, n, *_grid_args(s), float(skin), ptr, nbr, img)
    return ptr, nbr, img


def half_pairs(p: Particles, pot, *, skin: float = 0.0):
    """``(i, j, d, setup)``: the pairs ``i < j`` within their cut-offs (plus ``skin``), sorted, with
    ``d = r_j - r_i`` (E, 3); refuses overlapping particles."""
    s = setup(p, pot, skin=skin)
    ptr, nbr, img = rows(s, skin)
    i = np.repeat(np.arange(p.n, dtype=np.int64), np.diff(ptr))
    upper = nbr > i
    i, j, img = i[upper], nbr[upper], img[upper]
    d = vectors_of(s, i, j, img)
    check_overlaps(p, i, j, np.einsum("ij,ij->i", d, d))
    return i, j, d, s


def check_overlaps(p: Particles, i, j, r2) -> None:
    """Refuse pairs closer than ``OVERLAP`` times the mean spacing."""
    tol = OVERLAP * (p.volume / p.n) ** (1.0 / p.dim)
    bad = np.flatnonzero(r2 <= tol * tol)
    if bad.size:
        e = bad[0]
        raise _checks.ParameterError(f"{p.where()}overlapping particles {int(min(i[e], j[e]))} and {int(max(i[e], j[e]))} "
                                     f"(distance {np.sqrt(r2[e]):.3g} under the minimum image)")


def find_overlaps(p: Particles) -> None:
    """Refuse ``p`` if two of its particles overlap (distance below ``OVERLAP`` spacings)."""
    from . import _cells

    tol = OVERLAP * (p.volume / p.n) ** (1.0 / p.dim)
    if p.n < 2:
        return
    check_box(p, tol, "the overlap test")
    grid = _cells.grid(p.fractional(), p.cell, p.widths(), tol)
    tab = np.ones((5, 1, 1))
    tab[2] = tol
    s = Setup(*grid, np.zeros(p.n, dtype=np.int64), np.zeros(p.n), False, tab, 0, 2.0, 0)
    ptr, nbr, img = rows(s)
    i = np.repeat(np.arange(p.n, dtype=np.int64), np.diff(ptr))
    d = vectors_of(s, i, nbr, img)
    check_overlaps(p, i, nbr, np.einsum("ij,ij->i", d, d))


def vectors_of(s: Setup, i, j, img) -> np.ndarray:
    """``r_j - r_i`` (E, 3) of pairs found with image codes ``img``."""
    code = img.astype(np.int64)
    shift = np.stack([code % 3 - 1, (code // 3) % 3 - 1, code // 9 - 1], axis=1).astype(float)
    return s.x[j] - s.x[i] + shift @ s.cell


def values(s: Setup, i, j, r) -> np.ndarray:
    """``(V, V', V'')`` per pair, shape (E, 3)."""
    from . import _cells

    out = np.empty((len(i), 3))
    _cells.pair_values(i, j, r, s.types, s.diam, s.use_d, s.tab, s.kind, s.alpha, s.shift, out)
    return out
