"""``bosonpeak analyze``: Boson-peak numbers and figures beyond the paper."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import add_bin_width, add_seed, floats, path


def register(sub) -> None:
    p = sub.add_parser(
        "analyze",
        help="Boson-peak analysis: sound speed, own Debye level, omega_BP, C/T^2, participation, local DOS by z",
        description="Measure, for each delta, the sound speed of every network, the Boson peak against the network's own Debye level "
        "(with bootstrap intervals over seeds), the heat capacity, the participation ratio of the lowest modes and the local DOS by "
        "coordination number. Writes analysis_*.png/pdf and analysis_data.nc into --out and prints a summary.",
    )
    p.add_argument("--out", type=path, default=Path("bosonpeak-analysis"), help="output directory")
    p.add_argument("--size", type=int, default=60, help="lattice sites per side L")
    p.add_argument("--deltas", type=floats, default=(0.1, 0.2, 0.3), help="displacements delta, comma separated")
    p.add_argument("--seeds", type=int, default=10, help="random networks per delta (>= 2)")
    p.add_argument("--rule", default="cutoff", help="connectivity: nearest or cutoff")
    p.add_argument("--spring", default="inverse", help="spring law: inverse or constant")
    p.add_argument("--method", default="dense", help="DOS engine")
    add_bin_width(p)
    p.add_argument("--modes", type=int, default=100, help="lowest modes for the participation ratio")
    add_seed(p)
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON (one record per delta, and the files written) instead of text")
    p.set_defaults(run=run)


def run(args) -> int:
    from .._files import save_dataset, save_figure
    from ..workflows._plans import analyze_plan
    from ..workflows.analyze import AnalysisSettings, compute, figures, records, summary
    from . import prepare

    settings = AnalysisSettings(L=args.size, deltas=tuple(args.deltas), seeds=args.seeds, rule=args.rule, spring=args.spring, method=args.method,
                                bin_width=args.bin_width, modes=args.modes, seed=args.seed)
    prepare(outputs=[(args.out, "dir", "--out")],
            plan=analyze_plan(settings.L, seeds=settings.seeds, method=settings.method, bin_width=settings.bin_width, modes=settings.modes))
    t0 = time.perf_counter()
    ds = compute(settings, progress=not args.no_progress)
    written = [save_dataset(ds, args.out / "analysis_data.nc")]
    import matplotlib.pyplot as plt

    for stem, fig in figures(ds).items():
        written += save_figure(fig, args.out / stem)
        plt.close(fig)
    if args.json:
        print(json.dumps(dict(records=records(ds), files=[str(p) for p in written]), indent=1))
        return 0
    print(summary(ds))
    print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)  # a log line: stdout holds the results
    return 0
