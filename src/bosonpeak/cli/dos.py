"""``bosonpeak dos``: the DOS of one ensemble of networks, written to NetCDF."""

from __future__ import annotations

import json
from pathlib import Path

from . import add_bin_width, add_seed, floats, path


def register(sub) -> None:
    p = sub.add_parser(
        "dos",
        help="DOS of one ensemble of networks (NetCDF)",
        description="Compute the vibrational DOS of --seeds networks of one kind and write it (every sample, the mean, "
        "its standard error and g/omega) to a NetCDF file.",
    )
    p.add_argument("--size", type=int, default=60, help="lattice sites per side L (N = L^dim)")
    p.add_argument("--dim", type=int, default=2, help="space dimension: 2 (square lattice) or 3 (simple cubic)")
    p.add_argument("--model", default="scalar", help="dynamical matrix: scalar (graph Laplacian) or vector (central springs)")
    p.add_argument("--delta", type=float, default=0.2, help="displacement of every node, 0 <= delta < 1")
    p.add_argument("--rule", default="cutoff", help="connectivity: nearest or cutoff")
    p.add_argument("--spring", default="inverse", help="spring law: inverse (t = 1/r) or constant (t = 1)")
    p.add_argument("--cutoff", type=float, default=None, help="cut-off distance r_c (default 1 + delta)")
    p.add_argument("--seeds", type=int, default=1, help="number of random networks")
    add_seed(p)
    p.add_argument("--method", default="dense", help="DOS engine")
    add_bin_width(p)
    p.add_argument("--omega-max", type=float, default=None, help="upper edge in omega (default: past the spectrum's top)")
    p.add_argument("--edges", type=floats, default=None, help="explicit bin edges (overrides --bin-width/--omega-max)")
    p.add_argument("--keep-zero-modes", action="store_true", help="keep the exact zero modes in the lowest bin")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="method option, repeatable (values parsed as JSON)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="--method kpm on the Dask scheduler at ADDRESS "
                   "(seeds and random vectors split across its workers)")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="--method kpm on a local Dask cluster of N worker processes")
    p.add_argument("--parts", type=int, default=None, metavar="P", help="with --scheduler/--workers: tasks per network "
                   "(default: one task per worker)")
    p.add_argument("--out", type=path, default=Path("dos.nc"), help="output NetCDF file")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument("--json", action="store_true", help="print a JSON summary (n_nodes, dim, model, zero_modes, mean_z, "
                   "edges, density, ...) instead of the one-line summary")
    p.add_argument("--zero-modes", type=int, default=None, metavar="N",
                   help="known zero modes per network (e.g. dim for a rigid vector network): skips the exact count")
    p.set_defaults(run=run)


def parse_options(items) -> dict:
    """``["moments=200", "dtype=\\"float32\\""]`` -> dict; bare strings are allowed."""
    from .._checks import ParameterError

    out = {}
    for item in items:
        if "=" not in item:
            raise ParameterError(f"'--option' must be KEY=VALUE; got {item!r}")
        key, value = item.split("=", 1)
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def run(args) -> int:
    import numpy as np

    from .._checks import ParameterError, bin_width, choice, integer, real, seed
    from .._files import save_dataset
    from .._resources import check_bins, check_workers
    from ..model.lattice import RULES, SPRINGS
    from ..spectra.spectrum import methods
    from ..spectra.vector import MODELS
    from ..workflows._plans import dos_plan
    from ..workflows.dos import compute, summary, summary_dict
    from . import prepare

    integer("size", args.size, minimum=3)
    integer("dim", args.dim, minimum=2, maximum=3)
    choice("model", args.model, MODELS)
    choice("method", args.method, methods())
    n_zero = None if args.zero_modes is None else integer("zero-modes", args.zero_modes, minimum=0)
    integer("seeds", args.seeds, minimum=1)
    seed("seed", args.seed)
    real("delta", args.delta, minimum=0.0, maximum=1.0, max_inclusive=False)
    options = parse_options(args.option)
    on_cluster = args.scheduler is not None or args.workers is not None
    if on_cluster and args.method != "kpm":
        raise ParameterError(f"'--scheduler' and '--workers' apply to --method kpm only; got --method {args.method}")
    if args.parts is not None and not on_cluster:
        raise ParameterError("'--parts' applies only with --scheduler or --workers")
    if args.workers is not None:
        check_workers("workers", args.workers)
        if args.scheduler is not None:
            raise ParameterError(f"'--workers' applies only to the local cluster; got --workers {args.workers} with --scheduler")
    edges, width = None, None
    if args.edges is not None:
        edges = np.asarray(args.edges)
    else:
        width = bin_width("bin-width", args.bin_width)
        if args.omega_max is not None:
            top = real("omega-max", args.omega_max, minimum=0.0, min_inclusive=False)
            if top < width:
                raise ParameterError(f"'omega-max' must be at least the bin width {width:g}; got {top:g}")
            n = check_bins("--bin-width", width, top, advice=" or a lower --omega-max")
            edges = width * np.arange(n + 1)
    choice("rule", args.rule, RULES)
    choice("spring", args.spring, SPRINGS)
    if args.cutoff is not None:
        real("cutoff", args.cutoff, minimum=0.0, min_inclusive=False)
    if options:  # a misspelt or out-of-range method option fails here, not after the first network
        from ..model.lattice import network
        from ..spectra.spectrum import dos

        probe = np.linspace(0.0, 4.0, 9) if edges is None else edges
        try:
            dos(network(6, 0.0, rule="nearest"), probe, method=args.method, zero_modes=args.keep_zero_modes, rng=0, **options)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"'--option' rejected by method {args.method!r}: {exc}") from None
    bins = len(edges) - 1 if edges is not None else check_bins("--bin-width", width, 4.0)
    shape = dict(delta=args.delta, rule=args.rule, cutoff=args.cutoff, spring=args.spring)  # sizes the matrix's rows
    if args.dim == 3 or args.model == "vector":  # the vector checks (zero-mode count included) before the plan announces its time
        from ..spectra.vector import check_resources
        from ..workflows.dos import expected_z

        check_resources(args.size**args.dim, args.dim, model=args.model, method=args.method, bins=bins, count_zero_modes=n_zero is None,
                        mean_z=expected_z(args.dim, args.rule, args.delta, args.cutoff))
    prepare(outputs=[(args.out, "file", "--out")], plan=dos_plan(args.size, seeds=args.seeds, method=args.method, bins=bins, options=options,
                                                                           dim=args.dim, model=args.model, network=shape))
    kwargs = dict(edges=edges, bin_width=width, seeds=args.seeds, seed=args.seed, rule=args.rule, spring=args.spring,
                  cutoff=args.cutoff, method=args.method, keep_zero_modes=args.keep_zero_modes, progress=not args.no_progress,
                  dim=args.dim, model=args.model, n_zero=n_zero, **options)
    if on_cluster:
        from ..workflows.cluster import connect

        with connect(args.scheduler, args.workers) as client:
            ds = compute(args.size, args.delta, client=client, parts=args.parts, **kwargs)
    else:
        ds = compute(args.size, args.delta, **kwargs)
    save_dataset(ds, args.out)
    if args.json:
        print(json.dumps({**summary_dict(ds), "path": str(args.out)}))
    else:
        print(summary(ds, args.out))
    return 0
