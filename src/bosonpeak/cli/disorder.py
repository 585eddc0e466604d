"""``bosonpeak disorder``: one kind of disorder at a time, its Boson peak and its sound attenuation."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import add_bin_width, add_seed, floats, path


def register(sub) -> None:
    from ..model.disorder import FAMILIES

    names = "; ".join(f"{k} ({f.strength_name}: {f.description})" for k, f in FAMILIES.items())
    p = sub.add_parser(
        "disorder",
        help="scan disorder families (springs vs coordination): Boson peak, c^2, S(q,w) damping, Ioffe-Regel",
        description="Scan one or more disorder families over a list of strengths on --seeds networks each. Per point: mean and "
        "variance of z, connectivity, c^2 from the relaxed conductivity, the maximum of g/omega over the network's own Debye level "
        "and whether it is a Boson peak (interior maximum) or not, Gamma(q) from S(q, omega), the Ioffe-Regel frequency and the "
        "low-q exponent of Gamma. Writes disorder_data.nc and disorder_*.png/pdf into --out.",
    )
    p.add_argument("--family", default="springs-uniform,dilution", help=f"comma list of families: {names}")
    p.add_argument("--strengths", type=floats, default=(0.0, 0.25, 0.5), help="comma list of strengths (w, s, alpha, p, x or delta)")
    p.add_argument("--size", type=int, default=40, help="lattice sites per side L (N = L^2)")
    p.add_argument("--seeds", type=int, default=4, help="random networks per point")
    add_seed(p)
    p.add_argument("--method", default="slicing", help="DOS engine (slicing and dense are exact; kpm for very large L)")
    add_bin_width(p, "DOS bin width in omega")
    p.add_argument("--out", type=path, default=Path("bosonpeak-disorder"), help="output directory")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--json", action="store_true", help="print the per-point summary as a JSON list instead of text")
    p.add_argument("--theory", action="store_true",
                   help="add the effective-medium theory (bond CPA; node CPA for diagonals, rewired, paper): theory curves in the "
                   "NetCDF and figures, c2_theory and omega_bp_theory in the summary and JSON")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run the networks as tasks on a running Dask scheduler")
    p.add_argument("--reanalyse", type=Path, default=None, metavar="FILE",
                   help="redo the analysis, summary and figures of a saved disorder_data.nc without recomputing the networks")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="run the networks as tasks on a local Dask cluster of N processes")
    p.set_defaults(run=run)


def run(args) -> int:
    from .._checks import ParameterError, integer
    from .._resources import check_workers
    from ..workflows._plans import disorder_plan
    from ..workflows.disorder import DisorderSettings, compute
    from . import prepare

    if args.reanalyse is not None:
        return _reanalyse(args)
    families = tuple(f.strip() for f in args.family.split(",") if f.strip())
    settings = DisorderSettings(families=families, strengths=tuple(args.strengths), L=args.size, seeds=args.seeds, seed=args.seed,
                                method=args.method, bin_width=args.bin_width)
    if args.workers is not None:
        check_workers("workers", args.workers)
        if args.scheduler is not None:
            raise ParameterError(f"'--workers' applies only to the local cluster; got --workers {args.workers} with --scheduler")
    prepare(outputs=[(args.out, "dir", "--out")],
            plan=disorder_plan(settings.L, families=len(settings.families), strengths=len(settings.strengths), seeds=settings.seeds,
                               method=settings.method, bin_width=settings.bin_width))
    t0 = time.perf_counter()
    progress = not args.no_progress  # on stderr: --json keeps stdout for the JSON
    if args.workers is None and args.scheduler is None:
        ds = compute(settings, progress=progress)
    else:
        from ..workflows.cluster import connect, worker_versions

        with connect(args.scheduler, args.workers) as client:
            worker_versions(client)
            ds = compute(settings, client=client, progress=progress)
    return _report(ds, args, t0)


def _reanalyse(args) -> int:
    import xarray as xr

    from .._checks import ParameterError
    from .._files import check_regular
    from ..workflows._saved import MAX_SAVED_BYTES, check_disorder_data
    from ..workflows.disorder import analyse
    from . import prepare

    prepare(outputs=[(args.out, "dir", "--out")])
    t0 = time.perf_counter()
    try:
        check_regular(args.reanalyse, MAX_SAVED_BYTES, name="reanalyse")  # a FIFO or a device is never opened
        with xr.open_dataset(args.reanalyse) as saved:
            raw = saved.load()
    except (OSError, ValueError) as exc:
        if isinstance(exc, ParameterError):
            raise
        raise ParameterError(f"'reanalyse' must be a disorder_data.nc written by bosonpeak disorder; could not read {str(args.reanalyse)!r} ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    if "settings" not in raw.attrs:
        raise ParameterError(f"'reanalyse' must be a disorder_data.nc written by bosonpeak disorder; {str(args.reanalyse)!r} is not one")
    check_disorder_data(raw)
    return _report(analyse(raw), args, t0)


def _report(ds, args, t0) -> int:
    from .._files import save_dataset, save_figure
    from ..workflows.disorder import figures, records, summary, with_theory

    if args.theory:
        ds = with_theory(ds)
    written = [save_dataset(ds, args.out / "disorder_data.nc")]
    import matplotlib.pyplot as plt

    for stem, fig in figures(ds).items():
        written += save_figure(fig, args.out / stem)
        plt.close(fig)
    if args.json:
        print(json.dumps(records(ds), indent=1))
        print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    else:
        print(summary(ds))
        print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)  # a log line: stdout holds the results
    return 0
