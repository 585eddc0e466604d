"""``bosonpeak reproduce``: every figure of the paper, with its data, in one command."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import floats


def register(sub) -> None:
    p = sub.add_parser(
        "reproduce",
        help="compute every figure of the paper (PNG, PDF and one NetCDF file)",
        description="Compute every figure of the paper from first principles. Writes fig*.png, fig*.pdf and "
        "paper_data.nc (the data behind every figure, with parameters, seeds and version) into --out, "
        "and prints a summary.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--out", type=Path, default=Path("bosonpeak-figures"), help="output directory")
    p.add_argument("--size", type=int, default=60, help="lattice sites per side L (N = L^2)")
    p.add_argument("--seeds", type=int, default=10, help="random networks per delta")
    p.add_argument("--deltas", type=floats, default=(0.0, 0.1, 0.2, 0.3), help="displacements delta, comma separated")
    p.add_argument("--bin-width", type=float, default=0.05, help="bin width in omega")
    p.add_argument("--method", default=None, help="DOS engine (default: the fastest exact one available)")
    p.add_argument("--seed", type=int, default=2026, help="root seed; sample k uses its k-th spawned child")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="compute the spectra on the Dask cluster of this scheduler")
    p.add_argument("--workers", type=int, default=None, help="compute the spectra on a local Dask cluster of this many processes")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..files import save_dataset, save_figure
    from ..reproduce import PaperSettings, compute, figures, summary
    from ..spectrum import methods

    method = args.method or ("slicing" if "slicing" in methods() else "dense")
    settings = PaperSettings(L=args.size, seeds=args.seeds, deltas=tuple(args.deltas), bin_width=args.bin_width, method=method, seed=args.seed)
    t0 = time.perf_counter()
    if args.scheduler is None and args.workers is None:
        ds = compute(settings, progress=not args.no_progress)
    else:
        from ..sweep import connect, dashboard

        with connect(args.scheduler, args.workers) as client:
            print(f"dask dashboard: {dashboard(client)}", flush=True)
            ds = compute(settings, progress=not args.no_progress, client=client)
    written = [save_dataset(ds, args.out / "paper_data.nc")]
    import matplotlib.pyplot as plt

    for stem, fig in figures(ds).items():
        written += save_figure(fig, args.out / stem)
        plt.close(fig)
    print(summary(ds))
    print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s")
    return 0
