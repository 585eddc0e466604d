"""Parameter sweeps on Dask: delta x rule x spring x L x seeds, resumable and reproducible.

A sweep is described by a TOML spec (``parse_spec``), read as data with ``tomllib`` and
checked completely before any work starts. ``plan`` turns it into tasks: one per
(point, seed), each a pure function (``compute_task``) of its parameters and of the
SeedSequence child ``k`` of the root seed, so a retried or resumed task gives the same
numbers bit for bit. ``run_tasks`` sends the tasks to a Dask cluster (``cluster.connect``: a
local cluster on the loopback address, or an existing scheduler), writes every finished task to
the results store (``bosonpeak.workflows.store``) and skips the tasks already there. ``combine``
builds the dataset (one dimension per swept parameter x seed x omega) with its provenance.

Sample ``k`` of every point uses child ``k``, as in ``ensemble_dos`` and ``reproduce``, so
points share their random directions (common random numbers).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .._random import sample_streams, seed_sequences
from ..matrices.laplacian import dynamical_matrix
from ..model.lattice import network
from ..spectra.spectrum import dos
from ..analysis.peak import peak_verdict
from .cluster import connect, dashboard, worker_versions
from .spec import SweepSpec, load_spec, parse_spec
from ._grid import as_points, spread_points
from ._units import annotate
from .store import load_result, remove_partials, save_result, task_key

__all__ = ["SweepSpec", "Task", "as_points", "combine", "compute_task", "connect", "dashboard", "load_spec", "parse_spec", "pending", "plan", "run_sweep", "run_tasks", "worker_versions"]

#: Coordination histogram per task counts z = 0 .. Z_MAX (the last bin holds z >= Z_MAX).
Z_MAX = 16
#: Upper end of the window in which ``omega_BP`` is sought (as ``reproduce.peak_table``).
BOSON_PEAK_OMEGA_MAX = 1.5
#: How often a task whose worker died (``KilledWorker``) is submitted again.
RESUBMITS = 2
#: Seconds between two looks of the watchdog at the cluster.
POLL_S = 0.5


@dataclass(frozen=True)
class Task:
    """One (point, seed) of a sweep; everything ``compute_task`` needs, and nothing else.

    ``options`` is the method's options as canonical JSON; ``edges`` the bin edges in omega;
    the network and a stochastic method draw from ``SeedSequence(entropy, spawn_key)``.
    """

    L: int
    delta: float
    rule: str
    spring: str
    cutoff: float | None
    method: str
    options: str
    zero_modes: bool
    edges: tuple[float, ...]
    entropy: int
    spawn_key: tuple[int, ...]

    @property
    def params(self) -> dict:
        """The parameters as a JSON-serialisable dict."""
        return {
            "L": self.L, "delta": self.delta, "rule": self.rule, "spring": self.spring, "cutoff": self.cutoff,
            "method": self.method, "options": json.loads(self.options), "zero_modes": self.zero_modes,
            "edges": list(self.edges), "entropy": self.entropy, "spawn_key": list(self.spawn_key),
        }

    @property
    def key(self) -> str:
        """Hash of ``params``: the task's name in the store and on the cluster."""
        return task_key(self.params)


def plan(spec: SweepSpec) -> list[Task]:
    """The tasks of a sweep, point-major: task ``(p * seeds + k) * split + j`` is point ``p``,
    sample ``k``, part ``j`` of the bins (``dos.split`` contiguous parts; 1 by default).

    Examples
    --------
    >>> from bosonpeak.workflows.spec import parse_spec; from bosonpeak.workflows.sweep import plan
    >>> spec = parse_spec('''
    ... [sweep]
    ... seeds = 2
    ... [grid]
    ... L = [8]
    ... delta = [0.0, 0.1]
    ... [dos]
    ... omega_max = 3.0
    ... ''')
    >>> tasks = plan(spec)
    >>> len(tasks), tasks[3].delta, tasks[3].spawn_key
    (4, 0.1, (1,))
    """
    options = json.dumps(spec.options, sort_keys=True)
    parts = [tuple(spec.edges[b[0] : b[-1] + 2]) for b in np.array_split(np.arange(len(spec.edges) - 1), spec.split)]
    children = seed_sequences(spec.seed, spec.seeds)
    return [
        Task(p["L"], p["delta"], p["rule"], p["spring"], p["cutoff"], spec.method, options, spec.zero_modes, edges, int(child.entropy), tuple(child.spawn_key))
        for p in spec.points
        for child in children
        for edges in parts
    ]


def compute_task(task: Task) -> dict[str, np.ndarray]:
    """Build the network of ``task``, compute its DOS; pure in ``task``.

    The network draws from ``sample_streams(child)[0]`` and the method from
    ``sample_streams(child)[1]``, ``child = SeedSequence(task.entropy, spawn_key=task.spawn_key)``:
    the same streams as ``ensemble_dos`` and ``reproduce.compute``.

    Returns
    -------
    dict
        ``density`` (B,), ``error`` (B,; NaN for exact methods), ``zero_modes``, ``n_modes``,
        ``resolution`` (NaN for histograms), ``coordination`` (Z_MAX + 1,) fractions of nodes.

    Examples
    --------
    >>> from bosonpeak.workflows.sweep import Task, compute_task
    >>> task = Task(6, 0.0, "nearest", "inverse", None, "dense", "{}", True, (0.0, 0.5, 1.5, 2.5, 3.0), 1, (0,))
    >>> r = compute_task(task)  # the 6 x 6 crystal: omega = 0, 1 (4x), sqrt 2 (4x), ..., 2 sqrt 2
    >>> r["density"] * 36 * [0.5, 1.0, 1.0, 0.5]  # modes per bin
    array([ 1.,  8., 22.,  5.])
    """
    child = np.random.SeedSequence(task.entropy, spawn_key=task.spawn_key)  # == seed_sequences(entropy, n)[k]
    net_rng, dos_rng = sample_streams(child)
    net = network(task.L, task.delta, rule=task.rule, spring=task.spring, cutoff=task.cutoff, rng=net_rng)
    edges = np.asarray(task.edges, dtype=float)
    g = dos(dynamical_matrix(net), edges, method=task.method, zero_modes=task.zero_modes, rng=dos_rng, **json.loads(task.options))
    return {
        "density": np.asarray(g.density, dtype=float),
        "error": np.full(len(edges) - 1, np.nan) if g.error is None else np.asarray(g.error, dtype=float),
        "zero_modes": np.float64(g.zero_modes),
        "n_modes": np.int64(g.n_modes),
        "resolution": np.float64(np.nan if g.resolution is None else g.resolution),
        "coordination": np.bincount(np.minimum(net.coordination, Z_MAX), minlength=Z_MAX + 1) / net.n_nodes,
    }


def pending(tasks: list[Task], store) -> list[int]:
    """Indices of the tasks without a valid result in ``store`` (all of them if ``store`` is None)."""
    if store is None:
        return list(range(len(tasks)))
    return [i for i, t in enumerate(tasks) if load_result(store, t.key) is None]


def run_tasks(tasks: list[Task], client=None, *, store=None, progress: bool = False, timeout: float | None = None) -> list[dict[str, np.ndarray]]:
    """Results of every task, in the order of ``tasks``.

    Tasks with a valid result in ``store`` are read, not computed; every task computed is
    written to ``store`` as soon as it finishes. With ``client`` None the tasks run one
    after another in this process. A task whose worker dies is recomputed by Dask
    (``distributed.scheduler.allowed-failures`` times), then resubmitted here up to
    ``RESUBMITS`` times, then the sweep stops with ``RunError`` naming the task and its
    parameters. A cluster without any worker for ``timeout`` seconds (default
    ``cluster.WORKER_TIMEOUT_S``), or whose scheduler goes away, also ends the sweep with
    ``RunError``; the finished tasks stay in ``store`` and a rerun resumes. Any other error
    stops the sweep and is raised.

    Examples
    --------
    >>> import tempfile
    >>> from bosonpeak.workflows.spec import parse_spec; from bosonpeak.workflows.sweep import pending, plan, run_tasks
    >>> tasks = plan(parse_spec("[sweep]\\nseeds = 2\\n[grid]\\nL = 6\\ndelta = 0.2\\n[dos]\\nomega_max = 4.0"))
    >>> store = tempfile.mkdtemp()
    >>> len(run_tasks(tasks, store=store)), pending(tasks, store)
    (2, [])
    """
    results: list[dict | None] = [None] * len(tasks)
    if store is not None:
        remove_partials(store)
        for i, t in enumerate(tasks):
            results[i] = load_result(store, t.key)
    todo: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        if r is None:
            todo.setdefault(tasks[i].key, []).append(i)

    def finish(key, result, bar):
        if store is not None:
            save_result(store, key, tasks[todo[key][0]].params, result, attrs=_version_attrs())
        for i in todo[key]:
            results[i] = result
        bar.update(len(todo[key]))

    done = len(tasks) - sum(map(len, todo.values()))
    with tqdm(total=len(tasks), initial=done, desc="sweep", unit="task", disable=not progress, smoothing=0.1) as bar:
        if client is None:
            for key, idx in todo.items():
                finish(key, compute_task(tasks[idx[0]]), bar)
        else:
            def resume():
                left = sum(r is None for r in results)
                where = f"{len(tasks) - left} of {len(tasks)} tasks are in {store}/: run the same command again to resume" if store is not None else \
                    f"{len(tasks) - left} of {len(tasks)} tasks finished"
                return where

            _run_on_client(client, tasks, todo, finish, bar, timeout, resume)
    return results


def planned_task(task: Task) -> dict[str, np.ndarray]:
    """``compute_task`` on a worker: its resources were planned by the client against the
    workers' memory (``bosonpeak.workflows._plans.sweep_plan``), so the worker does not refuse it again."""
    from .. import _resources

    with _resources.limits(force=True):
        return compute_task(task)


def _run_on_client(client, tasks, todo, finish, bar, timeout, resume):
    from .. import _checks
    from .cluster import WORKER_TIMEOUT_S, Watchdog

    tries = dict.fromkeys(todo, 0)
    watchdog = Watchdog(client, WORKER_TIMEOUT_S if timeout is None else timeout, what=resume)

    def submit(key):
        return client.submit(planned_task, tasks[todo[key][0]], key=f"bosonpeak-{key}-{tries[key]}", pure=False)

    futures = {submit(key): key for key in todo}
    try:
        _watch(client, tasks, todo, finish, bar, futures, tries, submit, watchdog, resume)
    except (asyncio.CancelledError, concurrent.futures.CancelledError):  # the client cancels everything when its scheduler goes
        raise _checks.RunError(f"the Dask scheduler stopped answering and the run was cancelled; {resume()}") from None
    finally:
        if futures and client.status == "running":
            client.cancel(list(futures))


def _watch(client, tasks, todo, finish, bar, futures, tries, submit, watchdog, resume):
    """Collect the finished futures, resubmit a task whose worker died, and look at the cluster
    every ``POLL_S`` seconds; never waits longer without a look."""
    from distributed import wait
    from distributed.scheduler import KilledWorker

    from .. import _checks

    while futures:
        try:
            done = wait(list(futures), timeout=POLL_S, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            done = ()
        for fut in done:
            key = futures.pop(fut)
            if fut.status == "error" and isinstance(fut.exception(), KilledWorker):
                if tries[key] >= RESUBMITS:
                    t = tasks[todo[key][0]]
                    raise _checks.RunError(
                        f"task {key} killed the Dask worker running it, on each of its {tries[key] + 1} submission(s) (L={t.L}, "
                        f"delta={t.delta:g}, rule={t.rule}, spring={t.spring}, method={t.method}, options={t.options}, "
                        f"sample {list(t.spawn_key)}); is it too large for a worker? {resume()}")
                tries[key] += 1
                futures[submit(key)] = key
                continue
            finish(key, fut.result(), bar)
            fut.release()
        if futures:
            watchdog.check()


def _version_attrs() -> dict:
    from .._version import __version__

    return {"bosonpeak_version": __version__}


def combine(spec: SweepSpec, tasks: list[Task], results: list[dict]) -> xr.Dataset:
    """The dataset of a sweep: one dimension per swept parameter, ``density`` (L, delta, rule,
    spring[, cutoff], seed, omega) and the chosen analyses.

    The grid dimensions are ``L``, ``delta``, ``rule``, ``spring``, and ``cutoff`` when the spec
    sweeps it (then the nearest rule, which has no cut-off, repeats its networks along
    ``cutoff``); otherwise the coordinate ``cutoff`` (delta, rule) holds the r_c used (NaN for
    the nearest rule). ``attrs["grid_dims"]`` names the grid dimensions. Attributes: the
    package version, the spec text, the root seed and the spawn keys of the samples, the method
    and its options.

    Compatibility: earlier sweep datasets held the grid in one ``point`` dimension;
    ``as_points(ds)`` (``ds.stack(point=grid_dims)``) gives that layout back.

    Examples
    --------
    >>> from bosonpeak.workflows.sweep import combine, plan, run_tasks; from bosonpeak.workflows.spec import parse_spec
    >>> spec = parse_spec("[sweep]\\nseeds = 2\\n[grid]\\nL = 6\\ndelta = [0.0, 0.2]\\n[dos]\\nomega_max = 4.0")
    >>> tasks = plan(spec)
    >>> ds = combine(spec, tasks, run_tasks(tasks))
    >>> ds["density"].dims, ds["density"].shape
    (('L', 'delta', 'rule', 'spring', 'seed', 'omega'), (1, 2, 1, 1, 2, 80))
    """
    from .._version import __version__

    P, K, S = len(spec.points), spec.seeds, spec.split
    edges = np.asarray(spec.edges, dtype=float)
    omega = 0.5 * (edges[1:] + edges[:-1])

    def stack(name):  # parts of the bins side by side; per-network values from part 0
        if name in ("density", "error"):
            rows = [np.concatenate([r[name] for r in results[i : i + S]]) for i in range(0, len(results), S)]
        else:
            rows = [np.asarray(results[i][name]) for i in range(0, len(results), S)]
        return np.stack(rows).reshape((P, K) + rows[0].shape)

    pts = spec.points
    r_c = [np.nan if p["rule"] == "nearest" else (1.0 + p["delta"] if p["cutoff"] is None else p["cutoff"]) for p in pts]
    density = stack("density")
    data = {
        "density": (("point", "seed", "omega"), density, {"long_name": "g(omega) per mode", "units": "1/omega"}),
        "zero_modes": (("point", "seed"), stack("zero_modes"), {"long_name": "exact zero modes (connected components)"}),
        "n_modes": (("point",), stack("n_modes")[:, 0], {"long_name": "modes per network N = L^2"}),
        "omega_edges": (("omega_edge",), edges, {"long_name": "bin edges in omega"}),
        "task_key": (("point", "seed", "part"), np.array([t.key for t in tasks], dtype=object).reshape(P, K, S), {"long_name": "file tasks/<key>.nc of the store"}),
    }
    error = stack("error")
    if np.isfinite(error).any():
        data["density_error"] = (("point", "seed", "omega"), error, {"long_name": "stochastic error of density (method's own)"})
    if "mean" in spec.analyses or "boson_peak" in spec.analyses:
        mean = density.mean(axis=1)
        sem = density.std(axis=1, ddof=1) / np.sqrt(K) if K > 1 else np.zeros_like(mean)
    if "mean" in spec.analyses:
        data["density_mean"] = (("point", "omega"), mean, {"long_name": "mean of density over seeds"})
        data["density_sem"] = (("point", "omega"), sem, {"long_name": "standard error of density_mean"})
        data["reduced_mean"] = (("point", "omega"), mean / omega, {"long_name": "g(omega)/omega of density_mean"})
    if "boson_peak" in spec.analyses:
        w_bp, height, reasons = np.full(P, np.nan), np.full(P, np.nan), np.full(P, "empty window", dtype=object)
        for p, point in enumerate(pts):
            sel = np.flatnonzero((omega > 2 * np.sin(np.pi / point["L"])) & (omega < BOSON_PEAK_OMEGA_MAX))
            if sel.size:
                j = sel[np.argmax(mean[p, sel] / omega[sel])]
                w_bp[p], height[p] = omega[j], mean[p, j] / omega[j]
                reasons[p] = peak_verdict(mean[p] / omega, 1 / (2 * np.pi), sel, error=sem[p] / omega, crystal=point["delta"] == 0) or ""
        data["omega_bp"] = (("point",), w_bp, {"long_name": f"argmax of mean g/omega in (2 sin(pi/L), {BOSON_PEAK_OMEGA_MAX:g})"})
        data["reduced_bp"] = (("point",), height, {"long_name": "mean g/omega at omega_bp (crystal Debye level 1/(2 pi))"})
        data["no_peak_reason"] = (("point",), reasons.astype(str), {"long_name": "why omega_bp is no Boson peak ('' when it is one; bosonpeak.analysis.peak)"})
    if "coordination" in spec.analyses:
        frac = stack("coordination")
        data["coordination_fraction"] = (("point", "seed", "z"), frac, {"long_name": f"fraction of nodes with z springs (last: z >= {Z_MAX})"})
        data["mean_coordination"] = (("point", "seed"), frac @ np.arange(Z_MAX + 1), {"long_name": "<z> (z >= Z_MAX counted as Z_MAX)"})
    grid, data = spread_points(pts, data)
    dims = tuple(grid)
    coords = {**grid, "seed": np.arange(K), "omega": omega, "z": np.arange(Z_MAX + 1)}
    if "cutoff" not in grid:
        r_c_grid = np.full((len(grid["delta"]), len(grid["rule"])), np.nan)
        for p, point in enumerate(pts):
            r_c_grid[list(grid["delta"]).index(point["delta"]), list(grid["rule"]).index(point["rule"])] = r_c[p]
        coords["cutoff"] = (("delta", "rule"), r_c_grid)
    if "coordination" not in spec.analyses:
        del coords["z"]
    attrs = {
        "title": f"bosonpeak sweep {spec.name}",
        "bosonpeak_version": __version__,
        "spec": spec.text,
        "root_seed": spec.seed,
        "spawn_keys": json.dumps([list(t.spawn_key) for t in tasks[: K * S : S]]),
        "method": spec.method,
        "options": json.dumps(spec.options, sort_keys=True),
        "zero_modes_removed": int(not spec.zero_modes),
        "conventions": "density per mode, counts/(N bin width); bins [e_k, e_k+1); sample k uses child k of SeedSequence(root_seed)",
        "grid_dims": " ".join(dims),
    }
    return annotate(xr.Dataset(data, coords=coords, attrs=attrs))


def run_sweep(spec: SweepSpec, client=None, *, store, progress: bool = False, timeout: float | None = None) -> tuple[xr.Dataset, Path]:
    """Plan, run (resuming from ``store``), combine and write ``store/<spec.name>.nc``.

    Returns the dataset and the path written. ``timeout`` as for ``run_tasks``.
    """
    from .._files import save_dataset

    tasks = plan(spec)
    results = run_tasks(tasks, client, store=store, progress=progress, timeout=timeout)
    ds = combine(spec, tasks, results)
    return ds, save_dataset(ds, Path(store) / f"{spec.name}.nc")
