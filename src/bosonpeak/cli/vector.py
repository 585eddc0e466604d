"""``bosonpeak vector``: the scalar and the vector model of one 2D or 3D network, side by side."""

from __future__ import annotations

import sys
from pathlib import Path

from . import add_bin_width, add_seed, path


def register(sub) -> None:
    p = sub.add_parser(
        "vector",
        help="scalar vs vector (central-force) model of one 2D or 3D network",
        description="Build one perturbed square (--dim 2) or simple-cubic (--dim 3) network, compute the DOS of its scalar "
        "Laplacian and of its vector central-force matrix, each model's relaxed sound speed(s) and Debye level, "
        "g/omega^(d-1) and C/T^d over their own Debye laws. Writes vector.nc, reduced_dos.png and heat_capacity.png "
        "into --out.",
    )
    p.add_argument("--size", type=int, default=10, help="lattice sites per side L (N = L^dim)")
    p.add_argument("--dim", type=int, default=3, help="space dimension: 2 or 3")
    p.add_argument("--delta", type=float, default=0.3, help="displacement of every node, 0 <= delta < 1")
    p.add_argument("--rule", default="cutoff", help="connectivity: nearest or cutoff")
    p.add_argument("--spring", default="inverse", help="spring law: inverse or constant")
    p.add_argument("--cutoff", type=float, default=1.6, help="cut-off distance r_c")
    p.add_argument("--method", default="dense", help="DOS engine for both models")
    add_bin_width(p)
    add_seed(p, "seed of the node displacements")
    p.add_argument("--out", type=path, default=Path("bosonpeak-vector"), help="output directory")
    p.set_defaults(run=run)


def run(args) -> int:
    from .._checks import bin_width, choice, integer, real, seed
    from .._files import save_dataset
    from ..spectra.spectrum import methods
    from ..workflows._plans import dos_plan
    from ..workflows.vector import compute, figures, summary
    from . import prepare

    from .._resources import check_bins

    integer("size", args.size, minimum=3)
    integer("dim", args.dim, minimum=2, maximum=3)
    seed("seed", args.seed)
    choice("method", args.method, methods())
    bin_width("bin-width", args.bin_width)
    real("delta", args.delta, minimum=0.0, maximum=1.0, max_inclusive=False)
    cutoff = None if args.rule == "nearest" else args.cutoff
    prepare(outputs=[(args.out, "dir", "--out")],
            plan=dos_plan(args.size, method=args.method, bins=check_bins("--bin-width", args.bin_width, 4.0) + 1, dim=args.dim, model="vector",
                          advice="another --method (kpm or slicing), a smaller --size"))
    ds = compute(args.size, args.delta, dim=args.dim, rule=args.rule, spring=args.spring, cutoff=cutoff, method=args.method,
                 bin_width=args.bin_width, seed=args.seed)
    save_dataset(ds, args.out / "vector.nc")
    paths = figures(ds, args.out)
    print(summary(ds))
    print(f"wrote vector.nc and {len(paths)} figures to {args.out}/", file=sys.stderr)  # a log line: stdout holds the results
    return 0
