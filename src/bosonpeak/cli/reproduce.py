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
    p.add_argument("--glass-particles", type=int, default=None,
                   help="disks in the simulated glass of Fig. 3 right (default min(1500, max(64, size^2)); 0 skips it)")
    p.add_argument("--cache", type=Path, default=None,
                   help="cache directory of the glass data (default $BOSONPEAK_CACHE, else ~/.cache/bosonpeak)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="compute the spectra on the Dask cluster of this scheduler")
    p.add_argument("--workers", type=int, default=None, help="compute the spectra on a local Dask cluster of this many processes")
    p.add_argument("--no-analysis", action="store_true",
                   help="skip the figures beyond the paper (own Debye level, omega_BP with intervals, C/T^2, participation, local DOS by z)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(run=run)


def run(args) -> int:
    from .._files import save_dataset, save_figure
    from ..workflows.reproduce import PaperSettings, compute, figures, summary
    from ..spectra.spectrum import methods

    from .._checks import ParameterError, integer

    n_glass = min(1500, max(64, args.size**2)) if args.glass_particles is None else integer("glass-particles", args.glass_particles, minimum=0)
    if 0 < n_glass < 16:
        raise ParameterError(f"'glass-particles' must be 0 (skip) or at least 16; got {n_glass}")
    method = args.method or ("slicing" if "slicing" in methods() else "dense")
    settings = PaperSettings(L=args.size, seeds=args.seeds, deltas=tuple(args.deltas), bin_width=args.bin_width, method=method, seed=args.seed)
    t0 = time.perf_counter()
    if args.scheduler is None and args.workers is None:
        ds = compute(settings, progress=not args.no_progress)
    else:
        from ..workflows.cluster import connect, dashboard

        with connect(args.scheduler, args.workers) as client:
            print(f"dask dashboard: {dashboard(client)}", flush=True)
            ds = compute(settings, progress=not args.no_progress, client=client)
    written = [save_dataset(ds, args.out / "paper_data.nc")]
    import matplotlib.pyplot as plt

    for stem, fig in figures(ds).items():
        written += save_figure(fig, args.out / stem)
        plt.close(fig)
    print(summary(ds))
    if n_glass:
        from ..workflows.glass import glass_figure_data, glass_figures, glass_summary

        glass_method = args.method or ("slicing" if "slicing" in methods() else "banded")
        glass = glass_figure_data(n_glass, seed=args.seed, method=glass_method, cache_dir=args.cache)
        written.append(save_dataset(glass, args.out / "glass_data.nc"))
        for stem, fig in glass_figures(glass).items():
            written += save_figure(fig, args.out / stem)
            plt.close(fig)
        print(glass_summary(glass) + (" [from cache]" if glass.attrs["cached"] else ""))
    if not args.no_analysis and (settings.L < 16 or settings.seeds < 2 or not any(d > 0 for d in settings.deltas)):
        print("beyond the paper: skipped (needs --size >= 16, --seeds >= 2 and a delta > 0)")
    elif not args.no_analysis:
        from ..workflows.analyze import AnalysisSettings
        from ..workflows.analyze import compute as analyze
        from ..workflows.analyze import figures as analysis_figures
        from ..workflows.analyze import summary as analysis_summary

        beyond = AnalysisSettings(L=settings.L, deltas=tuple(d for d in settings.deltas if d > 0), seeds=settings.seeds,
                                  method=settings.method, bin_width=settings.bin_width, seed=settings.seed,
                                  modes=min(100, settings.L**2 // 2))
        ads = analyze(beyond, progress=not args.no_progress)
        ads.attrs["note"] = "beyond the paper: analysis of the cut-off networks of Fig. 2 right (same seeds)"
        written.append(save_dataset(ads, args.out / "beyond_paper_analysis.nc"))
        for stem, fig in analysis_figures(ads).items():
            fig.text(0.995, 0.005, "beyond the paper", ha="right", va="bottom", fontsize=8, color="tab:blue", style="italic")
            written += save_figure(fig, args.out / f"beyond_paper_{stem}")
            plt.close(fig)
        print("beyond the paper:\n" + analysis_summary(ads))
    print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s")
    return 0
