"""Resource plans: memory and work estimated from the parameters, refused before any work.

Every command and public entry that can outgrow the machine builds a ``Plan`` (what it will
do, the peak memory it needs, how many tasks) from its parameters alone and passes it to
``check`` before it builds a network or starts a cluster. A plan over the limit raises
``ResourceError`` (a ``ParameterError``: one line, exit code 2 in the CLI) that gives the
estimate, the limit and what changes it.

The limit is, in order: the ``memory`` of an enclosing ``limits(...)`` block (the CLI's
``--memory-limit``), the environment variable ``BOSONPEAK_MEMORY_LIMIT`` (``"16GiB"``,
``"500MB"``, a number of bytes, or ``"off"``), else the memory available now
(``MemAvailable`` of ``/proc/meminfo``, or ``os.sysconf`` pages). ``limits(force=True)`` (the
CLI's ``--force``) skips the check. Sweeps are also capped at ``MAX_TASKS`` tasks.

The byte formulas are estimates of the peak, measured on this code (``docs/slicing.md``):
dense ``DENSE_COPIES`` N^2 doubles; band ``2 (b + 1) N`` doubles with ``b ~ BAND_PER_SIDE
sqrt(N)``; KPM its vector block, moments and bin matrix; slicing a fill of ``N (SLICING_BASE +
SLICING_PER_LEVEL log2 N)`` numbers per factorising process. An engine module may define its
own ``memory_estimate(n, nnz, edges, **options) -> int`` (``bosonpeak.spectra.spectrum.memory_estimate``
prefers it).
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import re
import sys
from dataclasses import dataclass

from ._checks import ParameterError

#: Most tasks a sweep may plan (a store of a million files is already a burden); ``--force`` lifts it.
MAX_TASKS = 1_000_000
#: Dense diagonalisation: copies of the N x N matrix alive at the peak (measured 2.3 at N = 6400).
DENSE_COPIES = 2.5
#: Band form after reverse Cuthill-McKee: half-bandwidth b ~ BAND_PER_SIDE sqrt(N) on a 2D network.
BAND_PER_SIDE = 3.0
#: Slicing: factor entries per node ~ SLICING_BASE + SLICING_PER_LEVEL log2 N (nested-dissection fill).
SLICING_BASE = 40.0
SLICING_PER_LEVEL = 10.0
#: Bytes per node of a network, its matrix and its neighbour search (positions, bonds, CSR).
NETWORK_BYTES_PER_NODE = 1_000
#: Peak bytes of a network and its matrix per node, knowing its stored entries per row: a fixed part
#: and a part per entry (measured with tracemalloc at N = 10^6 in 2D and 3D, delta 0.1-0.45, cut-off
#: and nearest rules: 20 + 56 per entry; docs/kpm_performance.md).
NETWORK_BYTES_FIXED = 32
NETWORK_BYTES_PER_ENTRY = 64
#: Most bins of one spectrum (far finer than 10^7 modes resolve); ``--force`` lifts it.
MAX_BINS = 10_000_000
#: Bytes per bin alive at once (edges, shifts, counts, density, error, centres and their copies).
BIN_BYTES = 128
#: Work estimated over this many seconds prints its estimate before it starts; over MAX_SECONDS
#: (a week of one core) it is refused unless ``--force``.
LONG_SECONDS = 60.0
MAX_SECONDS = 7 * 86400.0
#: Seconds per unit of work, measured on the 2-core development machine under load (rough: an
#: estimate to tell minutes from days): a network build per node, the fixed cost of one DOS,
#: dense ``eigvalsh`` per N^3, banded per N^2.5, one slicing shift per N^1.5, one KPM step per
#: stored entry and vector, a jammed packing per particle at 512 particles (growing as sqrt(N)).
SECONDS_PER_NODE = 1.5e-6
SECONDS_PER_DOS = 2e-3
SECONDS_DENSE = 2e-10  # eigvalsh, one thread: 1.1e-10 s x n^3 at n = 1000 - 3000 beside two busy cores
SECONDS_BANDED = 7.6e-9
SECONDS_SLICING = 2.8e-8
SECONDS_KPM = 1.7e-8
SECONDS_PER_PARTICLE = 3e-3
#: Bytes of the interpreter, numpy and scipy themselves.
BASE_BYTES = 100 * 2**20
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9, "t": 10**12, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


class ResourceError(ParameterError):
    """A plan needs more memory or work than the limit allows (a ``ValueError``)."""


@dataclass(frozen=True)
class Plan:
    """What a run will do and what it needs, from its parameters alone.

    Attributes
    ----------
    what : str
        The work, in words (``"dense DOS of N = 3600 modes"``).
    memory : int
        Estimated peak memory in bytes of one process.
    tasks : int
        Independent tasks (sweeps); 1 otherwise.
    advice : str
        What else makes the run fit (``"method 'kpm' or 'slicing'"``).
    seconds : float
        Estimated time on one core (``dos_seconds``, ``packing_seconds``); 0 if not estimated.
    """

    what: str
    memory: int
    tasks: int = 1
    advice: str = ""
    seconds: float = 0.0

    def __add__(self, other: "Plan") -> "Plan":  # one step after the other: the larger peak, the sum of the times
        big = self if self.memory >= other.memory else other
        return Plan(big.what, max(self.memory, other.memory), max(self.tasks, other.tasks), big.advice, self.seconds + other.seconds)


@dataclass(frozen=True)
class _Limits:
    memory: int | None = None
    force: bool = False
    hint: str = "set BOSONPEAK_MEMORY_LIMIT (e.g. 64GiB, or off)"


_LIMITS: contextvars.ContextVar[_Limits] = contextvars.ContextVar("bosonpeak_limits", default=_Limits())
#: Whether the time of the run in progress has been announced (once per ``limits`` block).
_ANNOUNCED: contextvars.ContextVar[list | None] = contextvars.ContextVar("bosonpeak_announced", default=None)


@contextlib.contextmanager
def limits(memory: int | None = None, *, force: bool = False, hint: str | None = None):
    """Within the block, ``check`` compares with ``memory`` bytes (default: as outside) or,
    with ``force``, checks nothing. ``hint`` says in a refusal how to change the limit.

    Examples
    --------
    >>> from bosonpeak._resources import Plan, check, limits
    >>> with limits(10**6):
    ...     check(Plan("a test", 10**9))
    Traceback (most recent call last):
    ...
    bosonpeak._resources.ResourceError: a test needs about 1.0 GB of memory; the limit is 1.0 MB (limit given); set BOSONPEAK_MEMORY_LIMIT (e.g. 64GiB, or off)
    >>> with limits(force=True):
    ...     check(Plan("a test", 10**9)).memory
    1000000000
    """
    outer = _LIMITS.get()
    token = _LIMITS.set(_Limits(outer.memory if memory is None else int(memory), force or outer.force, hint or outer.hint))
    said = _ANNOUNCED.set([])
    try:
        yield
    finally:
        _ANNOUNCED.reset(said)
        _LIMITS.reset(token)


def parse_bytes(text: str, name: str = "memory limit") -> int | None:
    """``"16GiB"``, ``"500 MB"``, ``"2e9"`` -> bytes; ``"off"``/``"none"`` -> None.

    Examples
    --------
    >>> from bosonpeak._resources import parse_bytes
    >>> parse_bytes("1.5GiB"), parse_bytes("500MB"), parse_bytes("off")
    (1610612736, 500000000, None)
    """
    t = str(text).strip().lower()
    if t in ("off", "none", "unlimited"):
        return None
    m = re.fullmatch(r"([0-9.]+(?:e[0-9]+)?)\s*([a-z]*)", t)
    if not m or m.group(2) not in _UNITS:
        raise ParameterError(f"'{name}' must be a size such as 16GiB, 500MB or a number of bytes, or 'off'; got {text!r}")
    value = float(m.group(1)) * _UNITS[m.group(2)]
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"'{name}' must be a positive size; got {text!r}")
    return int(value)


def available_memory() -> int:
    """Bytes of memory available now: ``MemAvailable`` of ``/proc/meminfo`` (else ``os.sysconf``),
    capped by the room left under a cgroup v2 limit (a container's ``memory.max``)."""
    out = None
    try:
        with open("/proc/meminfo") as f:
            out = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
    except (OSError, ValueError, IndexError, StopIteration):
        try:
            out = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            pass
    try:
        with open("/sys/fs/cgroup/memory.max") as f, open("/sys/fs/cgroup/memory.current") as g:
            cap = f.read().strip()
            if cap != "max":
                room = int(cap) - int(g.read())
                out = room if out is None else min(out, room)
    except (OSError, ValueError):
        pass
    return 2**63 - 1 if out is None else out  # unknown: check nothing rather than refuse everything


def memory_limit() -> tuple[int | None, str]:
    """The limit ``check`` applies now and where it comes from (None: no limit)."""
    lim = _LIMITS.get()
    if lim.force:
        return None, "--force"
    if lim.memory is not None:
        return lim.memory, "limit given"
    env = os.environ.get("BOSONPEAK_MEMORY_LIMIT")
    if env:
        return parse_bytes(env, "BOSONPEAK_MEMORY_LIMIT"), "BOSONPEAK_MEMORY_LIMIT"
    return available_memory(), "available memory"


def check(plan: Plan, *, limit: int | None = None, source: str | None = None) -> Plan:
    """Return ``plan`` if it fits, else raise ``ResourceError`` giving the estimate, the limit
    and what changes it. ``limit`` (bytes per process, e.g. a Dask worker's) overrides the
    ambient limit unless ``--force``."""
    lim = _LIMITS.get()
    if lim.force:
        return plan
    if plan.tasks > MAX_TASKS:
        raise ResourceError(f"{plan.what} plans {plan.tasks} tasks; the cap is {MAX_TASKS} tasks (MAX_TASKS); "
                            f"make the grid or seeds smaller, or use --force")
    if limit is None:
        limit, source = memory_limit()
    if limit is not None and plan.memory > limit:
        advice = f"{plan.advice}; or " if plan.advice else ""
        raise ResourceError(f"{plan.what} needs about {format_bytes(plan.memory)} of memory; the limit is "
                            f"{format_bytes(limit)} ({source or 'limit given'}); {advice}{lim.hint}")
    if plan.seconds > MAX_SECONDS:
        raise ResourceError(f"{plan.what} needs about {format_seconds(plan.seconds)} of computing on one core (estimated from "
                            f"the sizes); the cap is {format_seconds(MAX_SECONDS)} (MAX_SECONDS); {plan.advice or 'less work'}, or use --force")
    announce(plan)
    return plan


def announce(plan: Plan) -> None:
    """Print the time estimate of long work (over ``LONG_SECONDS``) to stderr before it starts, once
    per ``limits`` block (the CLI's run), each time outside one."""
    said = _ANNOUNCED.get()
    if plan.seconds > LONG_SECONDS and not said:
        if said is not None:
            said.append(plan.what)
        print(f"bosonpeak: {plan.what}: about {format_seconds(plan.seconds)} of computing on one core "
              "(a rough estimate from the sizes, before starting)", file=sys.stderr, flush=True)


def format_seconds(t: float) -> str:
    """``5400`` -> ``"1.5 h"``."""
    for unit, size in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if t >= size:
            return f"{t / size:.3g} {unit}"
    return f"{t:.2g} s"


def check_bins(name: str, width: float, top: float, *, floor: bool = False, offset: int = 0, advice: str = "") -> int:
    """Refuse, before they are allocated, bins of ``width`` up to ``top`` (``ceil(top / width)``
    of them, or ``floor(...)``, plus ``offset``) beyond ``MAX_BINS`` or the memory limit
    (``BIN_BYTES`` each); return the count. ``name`` is the parameter as the user typed it; ``--force`` lifts the cap,
    not a non-finite count.

    Examples
    --------
    >>> from bosonpeak._resources import check_bins
    >>> check_bins("--bin-width", 1e-12, 4.0)
    Traceback (most recent call last):
    ...
    bosonpeak._resources.ResourceError: '--bin-width' 1e-12 up to omega = 4 makes 4e+12 bins (about 512.0 TB); the cap is 10000000 bins (MAX_BINS); use wider bins, or --force
    """
    ratio = float(top) / float(width) if width > 0 else math.inf
    count = float((math.floor(ratio) if floor else math.ceil(ratio - 1e-9)) + offset) if math.isfinite(ratio) else math.inf
    what = f"'{name}' {width:g} up to omega = {top:.3g}"
    if not math.isfinite(count) or (count > MAX_BINS and not _LIMITS.get().force):
        raise ResourceError(f"{what} makes {count:.3g} bins (about {format_bytes(BIN_BYTES * count)}); the cap is "
                            f"{MAX_BINS} bins (MAX_BINS); use wider bins{advice}, or --force")
    check(Plan(f"{what} ({int(count)} bins)", BIN_BYTES * int(count), advice=f"wider bins{advice}"))
    return max(int(count), 1)


def check_count(name: str, n: int, what: str = "tasks") -> int:
    """Refuse a count of independent pieces of work (seeds, tasks) over ``MAX_TASKS`` before
    anything is made for each; ``--force`` lifts it."""
    if n > MAX_TASKS and not _LIMITS.get().force:
        raise ResourceError(f"'{name}' plans {n} {what}; the cap is {MAX_TASKS} (MAX_TASKS); use fewer, or --force")
    return n


def usable_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def check_workers(name: str, workers) -> int:
    """A number of local worker processes: at least 1, at most the cores of this machine
    (more only queue for the same cores, each with its own memory); ``--force`` lifts the cap."""
    from ._checks import integer

    workers, cores = integer(name, workers, minimum=1), usable_cores()
    if workers > cores and not _LIMITS.get().force:
        raise ResourceError(f"'{name}' must be at most the {cores} CPU core(s) this process may use (each worker is a "
                            f"process of its own; more only wait for the same cores); got {workers}")
    return workers


def format_bytes(n: float) -> str:
    """``1.5e9`` -> ``"1.5 GB"`` (decimal units, as ``parse_bytes`` reads them)."""
    if n >= 1e21:
        return f"{float(n):.1e} B"
    for unit, size in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


# --- byte formulas of the engines and models, from the sizes alone -------------------------------

def network_bytes(n: int, entries_per_row: float | None = None) -> int:
    """Peak bytes of building a network of ``n`` nodes and its dynamical matrix, with
    ``entries_per_row`` stored entries per node (unknown: ``NETWORK_BYTES_PER_NODE`` per node)."""
    if entries_per_row is None:
        return BASE_BYTES + NETWORK_BYTES_PER_NODE * int(n)
    return BASE_BYTES + int((NETWORK_BYTES_FIXED + NETWORK_BYTES_PER_ENTRY * entries_per_row) * n)


def dense_bytes(n: int) -> int:
    """Every eigenvalue of an ``n x n`` matrix by ``eigvalsh``."""
    return int(DENSE_COPIES * 8 * float(n) ** 2)


def banded_bytes(n: int) -> int:
    """Band storage and LAPACK's copy after reverse Cuthill-McKee."""
    return int(2 * 8 * (BAND_PER_SIDE * math.sqrt(n) + 1) * n)


def slicing_bytes(n: int, workers: int = 1) -> int:
    """Sparse LDL^T factors of ``n`` nodes, one per factorising process."""
    return int(max(workers, 1) * 8 * n * (SLICING_BASE + SLICING_PER_LEVEL * math.log2(max(n, 2))))


def kpm_bytes(n: int, nnz: int, *, vectors: int, moments: int, bins: int, block: int | None = None, itemsize: int = 8) -> int:
    """The vector block (four blocks alive in a step), the matrix, the moments and the bin matrix."""
    block = vectors if block is None else min(block, vectors)
    return int(4 * itemsize * n * block + (itemsize + 4) * nnz + 8 * vectors * moments + 3 * 8 * moments * (bins + 1))


def dos_bytes(method: str, n: int, *, nnz: int | None = None, bins: int = 100, omega_max: float = 4.0, options: dict | None = None) -> int:
    """Peak bytes of one DOS of an ``n``-node matrix by ``method`` (its matrix not counted)."""
    options = options or {}
    nnz = 13 * n if nnz is None else nnz
    copies = 64 * nnz + 64 * n  # the engine's own copies of the matrix (permuted, shifted, COO) and a few vectors
    return copies + _engine_bytes(method, n, nnz, bins, omega_max, options)


def _engine_bytes(method, n, nnz, bins, omega_max, options) -> int:
    if method == "dense":
        return dense_bytes(n)
    if method == "banded":
        return banded_bytes(n)
    if method == "slicing":
        workers = options.get("workers")
        workers = workers if isinstance(workers, int) and not isinstance(workers, bool) and workers > 0 else (1 if n < 40_000 else 2)
        return slicing_bytes(n, workers)
    if method == "kpm":
        vectors = _positive(options.get("vectors"), 16)
        moments = options.get("moments")
        if not (isinstance(moments, int) and not isinstance(moments, bool) and moments > 0):
            res = options.get("resolution")
            res = res if isinstance(res, (int, float)) and not isinstance(res, bool) and res > 0 else 4.0 / max(bins, 1)
            moments = 2 * math.ceil(math.pi * omega_max / (4.0 * res)) + 8
        itemsize = 4 if options.get("dtype") in ("float32",) else 8
        return kpm_bytes(n, nnz, vectors=vectors, moments=moments, bins=bins, block=_positive(options.get("block"), None), itemsize=itemsize)
    return 0  # an unknown engine without its own memory_estimate: its matrix copies only


def _positive(value, default):
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def dos_seconds(method: str, n: int, *, nnz: int | None = None, bins: int = 80, options: dict | None = None) -> float:
    """Rough seconds on one core of building an ``n``-node network and its DOS by ``method``."""
    options, n = options or {}, float(n)
    nnz = 13 * n if nnz is None else float(nnz)
    work = {"dense": lambda: SECONDS_DENSE * n**3, "banded": lambda: SECONDS_BANDED * n**2.5,
            "slicing": lambda: SECONDS_SLICING * (bins + 1) * n**1.5}.get(method)
    if work is None:  # KPM (and an unknown engine, taken as KPM): moments x vectors x stored entries
        moments = _positive(options.get("moments"), 2 * math.ceil(math.pi * 4.0 * max(bins, 1) / 16.0) + 8)
        work = lambda: SECONDS_KPM * moments * _positive(options.get("vectors"), 16) * nnz  # noqa: E731
    return SECONDS_PER_DOS + SECONDS_PER_NODE * n + work()


def packing_seconds(particles: int) -> float:
    """Rough seconds on one core of minimising a jammed packing of ``particles`` disks."""
    return SECONDS_PER_PARTICLE * particles * math.sqrt(max(particles, 512) / 512)
