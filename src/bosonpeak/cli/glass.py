"""``bosonpeak glass``: a jammed 2D packing, its coordination and the DOS of its two Hessians."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import add_bin_width, add_seed, path


def register(sub) -> None:
    p = sub.add_parser(
        "glass",
        help="simulated 2D glass: jammed disks, coordination, vector vs scalar DOS",
        description="Generate a jammed packing of 50:50 bidisperse harmonic disks (diameter ratio 1.4) by FIRE, remove "
        "rattlers, and compute its contact and Voronoi coordination and the DOS of its vector Hessian and of the scalar "
        "network of the same contacts. Writes glass_data.nc, fig3_right_glass_coordination.{png,pdf}, "
        "glass_reduced_dos.{png,pdf} and summary.txt into --out.",
    )
    p.add_argument("--particles", type=int, default=2000, help="number of disks N")
    p.add_argument("--phi", type=float, default=0.86, help="packing fraction (jamming at about 0.84)")
    add_seed(p, "seed of the initial positions")
    p.add_argument("--method", default="banded", help="DOS engine for both Hessians")
    add_bin_width(p)
    p.add_argument("--out", type=path, default=Path("bosonpeak-glass"), help="output directory")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars (minimisation, DOS)")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON (and the files written) instead of text")
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import _checks
    from .._checks import choice, integer, real
    from ..spectra.spectrum import methods
    from ..workflows._plans import glass_plan
    from ..workflows.glass import glass_outputs, glass_records
    from . import prepare

    seed = _checks.seed("seed", args.seed)
    integer("particles", args.particles, minimum=16)
    choice("method", args.method, methods())  # before the minimisation, so a typo fails at once
    _checks.bin_width("bin-width", args.bin_width)
    prepare(outputs=[(args.out, "dir", "--out")], plan=glass_plan(args.particles, method=args.method, bin_width=args.bin_width))
    t0 = time.perf_counter()
    written, text, ds = glass_outputs(args.out, args.particles, args.phi, seed=seed, bin_width=args.bin_width, method=args.method,
                                      progress=not args.no_progress, with_dataset=True)
    if args.json:
        print(json.dumps(dict(glass_records(ds), files=[str(p) for p in written]), indent=1))
        return 0
    print(text)
    print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)  # a log line: stdout holds the results
    return 0
