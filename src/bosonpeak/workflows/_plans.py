"""Up-front resource plans of the commands, from their parameters alone (``bosonpeak._resources``).

Each ``*_plan`` returns a ``Plan`` (estimated peak memory of one process, tasks) that
``_resources.check`` compares with the limit before a network is built or a cluster started.
A new command adds its own function here and calls ``bosonpeak.cli.prepare`` with it.
"""

from __future__ import annotations

from dataclasses import replace

from .. import _resources
from .._resources import Plan
from ..spectra.spectrum import memory_estimate

#: Nonzeros per row of a lattice dynamical matrix with the cut-off rule (up to 12 neighbours).
NNZ_PER_NODE = 13
#: Upper edge in omega assumed for the bins of a default grid.
OMEGA_TOP = 4.0
_ADVICE = "another --method (kpm or slicing for large N), a smaller --size"


def dos_plan(L: int, *, seeds: int = 1, method: str = "dense", bins: int | None = None, options: dict | None = None,
             advice: str = _ADVICE, dim: int = 2, model: str = "scalar", network: dict | None = None) -> Plan:
    """One ensemble of ``seeds`` L x L networks, one at a time, and its samples (seeds x bins).

    ``network``: the keyword arguments of ``bosonpeak.network`` (``delta``, ``rule``, ``cutoff``,
    ``spring``) where known; the matrix's entries per row are then measured on a small probe
    network (``bosonpeak.matrices.sizes``), else bounded by ``NNZ_PER_NODE``.

    Examples
    --------
    >>> from bosonpeak.workflows._plans import dos_plan
    >>> dos_plan(100, method="dense").memory > 2e9  # 2.5 copies of (10^4)^2 doubles
    True
    >>> kpm = dos_plan(3162, method="kpm", network=dict(delta=0.2), options=dict(dtype="float32"))
    >>> 2e9 < kpm.memory < 8e9  # N = 10^7: network, 2 H~ and three blocks of 16 float32 vectors
    True
    """
    n = int(L) ** int(dim) * (int(dim) if model == "vector" else 1)  # degrees of freedom
    entries = NNZ_PER_NODE
    if network is not None:
        from ..matrices.sizes import entries_per_row

        entries = entries_per_row(network["delta"], rule=network.get("rule", "cutoff"), cutoff=network.get("cutoff"),
                                  spring=network.get("spring", "inverse"), dim=int(dim), model=model)
    return _one_dos(n, method, bins or int(OMEGA_TOP / 0.05), options, f"{method} DOS of {seeds} {model} network(s) of {n} degrees of freedom",
                    extra=8 * int(seeds) * (bins or 80) * 2, advice=advice, entries=entries, times=int(seeds))


def _advice_for(method: str, advice: str) -> str:
    """The default advice without the method already in use: a smaller size, or a lighter method."""
    if advice != _ADVICE:
        return advice
    others = [m for m in ("kpm", "slicing") if m != method]
    return f"another --method ({' or '.join(others)} for large N), a smaller --size" if method != "kpm" else "a smaller --size, or fewer --option moments/vectors"


def _one_dos(n, method, bins, options, what, *, extra=0, advice=_ADVICE, entries=None, times: int = 1) -> Plan:
    """One DOS of ``n`` degrees of freedom on ``bins`` bins (refused first if they are too many), done ``times`` times."""
    advice = _advice_for(method, advice)
    bins = _resources.check_bins("--bin-width", OMEGA_TOP / bins, OMEGA_TOP)
    edges = [OMEGA_TOP * k / bins for k in range(bins + 1)]
    nnz = int((entries or NNZ_PER_NODE) * n)
    memory = _resources.network_bytes(n, entries) + memory_estimate(method, n, nnz, edges, **(options or {})) + extra
    seconds = times * _resources.dos_seconds(method, n, nnz=nnz, bins=bins, options=options)
    return Plan(what, memory, advice=advice, seconds=seconds)


def _bins(top: float, width: float) -> int:
    """Bins of ``width`` up to ``top``, refused before anything is allocated if they are too many."""
    return _resources.check_bins("--bin-width", width, top)


def reproduce_plan(L: int, *, seeds: int, deltas: int, method: str, bin_width: float, glass_particles: int = 0,
                   glass_method: str = "banded", analysis: bool = True, modes: int = 100) -> Plan:
    """``bosonpeak reproduce``: the spectra of the paper, the glass and the analysis beyond it."""
    bins = _bins(OMEGA_TOP, bin_width)
    n = int(L) ** 2
    # Every network of one delta and case is kept (3 cases), with its spectrum (cases x deltas x seeds x bins).
    plan = _one_dos(n, method, bins, None, f"{method} DOS of the {L} x {L} networks",
                    extra=3 * int(seeds) * _resources.network_bytes(n) + 8 * 3 * int(deltas) * int(seeds) * bins, times=3 * int(deltas) * int(seeds))
    if glass_particles:
        plan = plan + glass_plan(glass_particles, method=glass_method, bin_width=bin_width)
    if analysis and L >= 16:
        plan = plan + analyze_plan(L, seeds=seeds, method=method, bin_width=bin_width, modes=min(modes, n // 2))
        if n <= 4_000:  # the analysis's dense eigenpairs run beside everything else: a matrix and its vectors there, each delta's kept
            plan = replace(plan, memory=plan.memory + 8 * n**2 * (2 + int(deltas)))
    return plan


def analyze_plan(L: int, *, seeds: int, method: str, bin_width: float, modes: int) -> Plan:
    """``bosonpeak analyze``: per delta, ``seeds`` networks held at once, their DOS, the lowest
    ``modes`` modes (shift-invert factor and Lanczos vectors)."""
    n = int(L) ** 2
    bins = _bins(OMEGA_TOP, bin_width)
    dense_extras = _resources.dense_bytes(n) * 2 if n <= 4_000 else 0  # eigh with vectors
    lanczos = _resources.slicing_bytes(n) + 8 * n * (2 * int(modes) + 1) * 2
    plan = _one_dos(n, method, bins, None, f"analysis of {seeds} networks of N = {n} nodes ({method} DOS)",
                    extra=int(seeds) * _resources.network_bytes(n), times=int(seeds))
    return plan + Plan(f"the {modes} lowest modes of N = {n} nodes", _resources.network_bytes(n) * int(seeds) + max(lanczos, dense_extras),
                       advice="fewer --modes or a smaller --size")


def glass_plan(particles: int, *, method: str = "banded", bin_width: float = 0.05) -> Plan:
    """A jammed packing of ``particles`` disks and the DOS of its vector Hessian (2 N modes)."""
    n = 2 * int(particles)
    bins = _bins(6.0, bin_width)
    advice = "fewer particles (--particles / --glass-particles) or another --method"
    return (Plan(f"a jammed packing of {particles} particles", _resources.network_bytes(particles), advice=advice,
                 seconds=_resources.packing_seconds(int(particles)))
            + _one_dos(n, method, bins, None, f"{method} DOS of the vector Hessian of {particles} particles (2N = {n} modes)", advice=advice))


def sweep_plan(max_L: int, *, tasks: int, method: str, bins: int, options: dict | None = None) -> Plan:
    """One task of a sweep (its largest network) in one worker, and the number of tasks."""
    n = int(max_L) ** 2
    plan = _one_dos(n, method, bins, options, f"sweep task {method} DOS of N = {n} nodes",
                    advice="smaller grid.L, another dos.method, or workers with more memory")
    return Plan(f"sweep of {tasks} tasks: " + plan.what if tasks > _resources.MAX_TASKS else plan.what, plan.memory, tasks, plan.advice,
                seconds=tasks * plan.seconds)


def disorder_plan(L: int, *, families: int, strengths: int, seeds: int, method: str, bin_width: float) -> Plan:
    """A disorder scan: one network at a time (its DOS, S(q, omega) by the same engine family),
    ``families x strengths x seeds`` of them.

    Examples
    --------
    >>> from bosonpeak.workflows._plans import disorder_plan
    >>> disorder_plan(40, families=2, strengths=2, seeds=2, method="slicing", bin_width=0.05).tasks
    8
    """
    n = int(L) ** 2
    bins = _bins(OMEGA_TOP, bin_width)
    plan = _one_dos(n, method, bins, None, f"disorder scan: {families} x {strengths} x {seeds} networks of N = {n} nodes ({method})")
    tasks = int(families) * int(strengths) * int(seeds)
    return Plan(plan.what, plan.memory, tasks=tasks, advice=plan.advice, seconds=tasks * plan.seconds)


#: Neighbours per particle assumed for the Hessian of a particle system (3D Kob-Andersen at 2.5
#: sigma holds about 78; harmonic contacts about 6).
PARTICLE_NEIGHBOURS = {2: 30, 3: 80}


def solid_plan(n_particles: int, dim: int, *, method: str = "dense", bins: int | None = None,
               options: dict | None = None) -> Plan:
    """The DOS of one particle system of ``n_particles`` in ``dim`` dimensions (``d N`` degrees of
    freedom, ``d (1 + PARTICLE_NEIGHBOURS)`` entries per row).

    Examples
    --------
    >>> from bosonpeak.workflows._plans import solid_plan
    >>> solid_plan(10**5, 3, method="dense").memory > 1e11  # (3 10^5)^2 doubles, several copies
    True
    """
    n = int(n_particles) * int(dim)
    if method == "kpm":
        return _solid_kpm(int(n_particles), int(dim), options or {})
    return _one_dos(n, method, bins or int(OMEGA_TOP / 0.05), options, f"{method} DOS of {n} degrees of freedom",
                    advice="--method kpm or slicing for a large glass", entries=int(dim) * (1 + PARTICLE_NEIGHBOURS[int(dim)]))


#: ``bosonpeak solid --method kpm``: the top of a Kob-Andersen glass's spectrum (sets the moments for a
#: resolution), pair-term bytes per pair, CG iterations assumed for the moduli, and seconds per byte
#: of matrix read (one core; a 2-core machine reads ~8 GB/s).
SOLID_OMEGA_TOP = 42.0
PAIR_BYTES = 72
SOLID_CG_ITERATIONS = 150
SECONDS_PER_BYTE = 2.5e-10


def _solid_kpm(n_particles: int, d: int, options: dict) -> Plan:
    """Memory and time of ``solid`` with KPM: the Hessian in d x d blocks and its scaled copy
    (``options["dtype"]``), the pair terms, the moduli's CG vectors (d(d+1)/2 columns, 8 arrays
    of float64) and the KPM vectors; time from the passes over the matrix (KPM steps, Lanczos and CG).

    Examples
    --------
    >>> from bosonpeak.workflows._plans import solid_plan
    >>> plan = solid_plan(10**6, 3, method="kpm", options=dict(dtype="float32", vectors=4, resolution=0.1))
    >>> 5e9 < plan.memory < 1.5e10, 100 < plan.seconds < 2000
    (True, True)
    """
    from ..spectra import _kpm_moments

    dof, neighbours = n_particles * d, PARTICLE_NEIGHBOURS[d]
    item = 4 if str(options.get("dtype", "float64")) == "float32" else 8
    blocks = n_particles * (1 + neighbours)
    matrix = blocks * (d * d * item + 4) + 4 * (n_particles + 1)
    columns, vectors = d * (d + 1) // 2, int(options.get("vectors") or 16)
    memory = (BASE_BYTES_SOLID + 2 * matrix + n_particles * neighbours // 2 * PAIR_BYTES
              + 8 * dof * columns * 8 + 3 * dof * vectors * item + 8 * dof * d * d)
    moments = _kpm_moments._n_moments(options.get("resolution"), options.get("moments"), SOLID_OMEGA_TOP, [0.0, 0.05])
    passes = moments // 2 * max(1, vectors // 4) + SOLID_CG_ITERATIONS * 2 + 30
    seconds = 2 * passes * matrix * SECONDS_PER_BYTE
    return Plan(f"solid analysis with KPM of {dof} degrees of freedom ({moments} moments, {vectors} vectors)", int(memory),
                advice="fewer --option moments or vectors, --option dtype=float32, or a machine with more memory", seconds=seconds)


BASE_BYTES_SOLID = 1 << 30
