"""``bosonpeak sweep``: a parameter sweep from a TOML spec, on a local or remote Dask cluster."""

from __future__ import annotations

import sys
from pathlib import Path

from . import path


def register(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="parameter sweep from a TOML spec on Dask (resumable)",
        description="Run every (point, seed) of the sweep in SPEC.toml as a Dask task, write each finished task to the "
        "results store --out, and combine them into --out/<name>.nc (one dimension per swept parameter x seed x omega, with provenance). "
        "Running the same command again skips the finished tasks.",
    )
    p.add_argument("spec", type=path, metavar="SPEC.toml", help="sweep spec (TOML; see examples/sweep.toml)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="address of a running Dask scheduler (default: a local cluster on 127.0.0.1)")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="worker processes of the local cluster (default: one per core)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="longest wait for the scheduler to answer and for a worker, also after losing every worker "
                   "(default: 10 s for the answer, 15 s for a worker)")
    p.add_argument("--out", type=path, default=None, metavar="STORE", help="results store directory (default: ./<name>-sweep)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import _resources
    from .._resources import check_workers
    from .._checks import ParameterError, integer, real
    from ..workflows.cluster import connect, dashboard, worker_memory, worker_versions
    from ..workflows.spec import load_spec
    from ..workflows._plans import sweep_plan
    from ..workflows.sweep import as_points, pending, plan, run_sweep
    from . import prepare

    spec = load_spec(args.spec)  # every check before any work
    if args.workers is not None:
        check_workers("workers", args.workers)
        if args.scheduler is not None:
            raise ParameterError(f"'workers' applies only to the local cluster; got --workers {args.workers} with --scheduler")
    if args.timeout is not None:
        real("timeout", args.timeout, minimum=0.0, min_inclusive=False)
    store = args.out if args.out is not None else Path(f"{spec.name}-sweep")
    n_tasks = len(spec.points) * spec.seeds * spec.split
    task_plan = sweep_plan(max(p["L"] for p in spec.points), tasks=n_tasks, method=spec.method, bins=len(spec.edges) - 1, options=spec.options)
    # A remote cluster's workers have their own memory: checked once connected.
    here = task_plan if args.scheduler is None else _resources.Plan(task_plan.what, 0, task_plan.tasks)
    prepare(outputs=[(store, "dir", "--out")], plan=here)
    tasks = plan(spec)
    todo = pending(tasks, store)
    parts = f" x {spec.split} parts of the bins" if spec.split > 1 else ""
    print(f"sweep {spec.name}: {len(spec.points)} point(s) x {spec.seeds} seed(s){parts} = {len(tasks)} tasks, "
          f"{len(tasks) - len(todo)} already in {store}/", flush=True)
    try:
        if not todo:
            ds, path = run_sweep(spec, None, store=store)
        else:
            with connect(args.scheduler, args.workers, timeout=args.timeout) as client:
                versions = worker_versions(client)
                print(f"dask dashboard: {dashboard(client)}  ({len(versions)} worker{'s' * (len(versions) != 1)})", file=sys.stderr, flush=True)
                memory = worker_memory(client)
                if memory is not None:  # each task runs in one worker: its memory limit is the limit
                    _resources.check(task_plan, limit=memory, source="memory limit of a Dask worker")
                ds, path = run_sweep(spec, client, store=store, progress=not args.no_progress, timeout=args.timeout)
    except KeyboardInterrupt:
        left = len(pending(tasks, store))
        print(f"bosonpeak sweep: interrupted; {len(tasks) - left} of {len(tasks)} tasks are in {store}/: "
              "run the same command again to resume", file=sys.stderr)
        return 130
    widths = ds["omega_edges"].diff("omega_edge").values
    integral = (ds["density"] * widths).sum("omega") + (0 if spec.zero_modes else ds["zero_modes"] / ds["n_modes"])
    print(f"wrote {path}: density {dict(ds['density'].sizes)}; modes inside the bins: "
          f"{float(integral.min()):.6f} to {float(integral.max()):.6f} of all (1 = none lost above omega_max)")
    if "omega_bp" in ds:
        points = as_points(ds[[v for v in ("omega_bp", "reduced_bp", "no_peak_reason") if v in ds]])
        for p in range(points.sizes["point"]):
            c = points.isel(point=p)
            reason = str(c["no_peak_reason"].item()) if "no_peak_reason" in c else ""
            verdict = f"no peak ({reason})" if reason else f"omega_BP = {float(c.omega_bp):.3f}, g/omega there = {float(c.reduced_bp):.3f}"
            r_c = f" r_c={float(c.cutoff):g}" if "cutoff" in points.attrs["grid_dims"].split() else ""
            print(f"  L={int(c.L)} delta={float(c.delta):g} {c.rule.item()}/{c.spring.item()}{r_c}: {verdict}")
    return 0
