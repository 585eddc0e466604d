"""``bosonpeak reproduce``: every figure of the paper, with its data, in one command."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import add_bin_width, add_seed, floats, path


def register(sub) -> None:
    p = sub.add_parser(
        "reproduce",
        help="compute every figure of the paper (PNG, PDF and one NetCDF file)",
        description="Compute every figure of the paper from first principles. Writes fig*.png, fig*.pdf and "
        "paper_data.nc (the data behind every figure, with parameters, seeds and version) into --out, "
        "and prints a summary.",
    )
    p.add_argument("--out", type=path, default=Path("bosonpeak-figures"), help="output directory")
    p.add_argument("--size", type=int, default=60, help="lattice sites per side L (N = L^2)")
    p.add_argument("--seeds", type=int, default=10, help="random networks per delta")
    p.add_argument("--deltas", type=floats, default=(0.0, 0.1, 0.2, 0.3), help="displacements delta, comma separated")
    add_bin_width(p)
    p.add_argument("--method", default=None, help="DOS engine (default: the fastest exact one available)")
    add_seed(p, "root seed; sample k uses its k-th spawned child")
    p.add_argument("--glass-particles", type=int, default=None,
                   help="disks in the simulated glass of Fig. 3 right (default min(1500, max(64, size^2)); 0 skips it)")
    p.add_argument("--cache", type=path, default=None,
                   help="cache directory of the glass data (default $BOSONPEAK_CACHE, else ~/.cache/bosonpeak)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="compute the spectra on the Dask cluster of this scheduler")
    p.add_argument("--workers", type=int, default=None, help="compute the spectra on a local Dask cluster of this many processes")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="longest wait for the scheduler to answer and for a worker (default: 10 s and 15 s)")
    p.add_argument("--no-analysis", action="store_true",
                   help="skip the figures beyond the paper (own Debye level, omega_BP with intervals, C/T^2, participation, local DOS by z)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from .._checks import ParameterError, integer, real
    from .._resources import check_workers
    from ..spectra.spectrum import methods
    from ..workflows._plans import reproduce_plan
    from ..workflows.reproduce import PaperSettings, reproduce_all
    from . import prepare

    n_glass = min(1500, max(64, args.size**2)) if args.glass_particles is None else integer("glass-particles", args.glass_particles, minimum=0)
    if 0 < n_glass < 16:
        raise ParameterError(f"'glass-particles' must be 0 (skip) or at least 16; got {n_glass}")
    method = args.method or ("slicing" if "slicing" in methods() else "dense")
    settings = PaperSettings(L=args.size, seeds=args.seeds, deltas=tuple(args.deltas), bin_width=args.bin_width, method=method, seed=args.seed)
    glass_method = args.method or ("slicing" if "slicing" in methods() else "banded")
    if args.workers is not None:
        check_workers("workers", args.workers)
    if args.timeout is not None:
        real("timeout", args.timeout, minimum=0.0, min_inclusive=False)
    outputs = [(args.out, "dir", "--out")] + ([(args.cache, "dir", "--cache")] if args.cache is not None and n_glass else [])
    prepare(outputs=outputs, plan=reproduce_plan(settings.L, seeds=settings.seeds, deltas=len(settings.deltas), method=method,
                                                 bin_width=settings.bin_width, glass_particles=n_glass, glass_method=glass_method,
                                                 analysis=not args.no_analysis))
    t0 = time.perf_counter()
    kwargs = dict(glass_particles=n_glass, glass_method=glass_method, cache=args.cache, analysis=not args.no_analysis,
                  progress=not args.no_progress, report=print)
    if args.scheduler is None and args.workers is None:
        written = reproduce_all(settings, args.out, **kwargs)
    else:
        from ..workflows.cluster import connect, dashboard

        with connect(args.scheduler, args.workers, timeout=args.timeout) as client:
            print(f"dask dashboard: {dashboard(client)}", file=sys.stderr, flush=True)
            written = reproduce_all(settings, args.out, client=client, **kwargs)
    print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)  # a log line: stdout holds the results
    return 0
