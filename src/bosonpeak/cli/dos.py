"""``bosonpeak dos``: the DOS of one ensemble of networks, written to NetCDF."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import floats


def register(sub) -> None:
    p = sub.add_parser(
        "dos",
        help="DOS of one ensemble of networks (NetCDF)",
        description="Compute the vibrational DOS of --seeds networks of one kind and write it (every sample, the mean, "
        "its standard error and g/omega) to a NetCDF file.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--size", type=int, default=60, help="lattice sites per side L (N = L^2)")
    p.add_argument("--delta", type=float, default=0.2, help="displacement of every node, 0 <= delta < 1")
    p.add_argument("--rule", default="cutoff", help="connectivity: nearest or cutoff")
    p.add_argument("--spring", default="inverse", help="spring law: inverse (t = 1/r) or constant (t = 1)")
    p.add_argument("--cutoff", type=float, default=None, help="cut-off distance r_c (default 1 + delta)")
    p.add_argument("--seeds", type=int, default=1, help="number of random networks")
    p.add_argument("--seed", type=int, default=2026, help="root seed")
    p.add_argument("--method", default="dense", help="DOS engine")
    p.add_argument("--bin-width", type=float, default=0.05, help="bin width in omega")
    p.add_argument("--omega-max", type=float, default=None, help="upper edge in omega (default: past the spectrum's top)")
    p.add_argument("--edges", type=floats, default=None, help="explicit bin edges (overrides --bin-width/--omega-max)")
    p.add_argument("--keep-zero-modes", action="store_true", help="keep the exact zero modes in the lowest bin")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="method option, repeatable (values parsed as JSON)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="--method kpm on the Dask scheduler at ADDRESS "
                   "(seeds and random vectors split across its workers)")
    p.add_argument("--workers", type=int, default=None, metavar="N", help="--method kpm on a local Dask cluster of N worker processes")
    p.add_argument("--parts", type=int, default=None, metavar="P", help="with --scheduler/--workers: tasks per network "
                   "(default: one task per worker)")
    p.add_argument("--out", type=Path, default=Path("dos.nc"), help="output NetCDF file")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
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
    import xarray as xr

    from .. import __version__
    from .._checks import ParameterError, integer, real
    from ..matrices.laplacian import dynamical_matrix
    from ..spectra.ensemble import ensemble_dos
    from .._random import sample_streams, seed_sequences
    from .._files import save_dataset
    from ..model.lattice import network
    from ..spectra.spectrum import default_edges

    from .._checks import choice
    from ..spectra.spectrum import methods

    integer("size", args.size, minimum=3)
    choice("method", args.method, methods())
    integer("seeds", args.seeds, minimum=1)
    options = parse_options(args.option)
    on_cluster = args.scheduler is not None or args.workers is not None
    if on_cluster and args.method != "kpm":
        raise ParameterError(f"'--scheduler' and '--workers' apply to --method kpm only; got --method {args.method}")
    if args.parts is not None and not on_cluster:
        raise ParameterError("'--parts' applies only with --scheduler or --workers")
    if args.workers is not None:
        integer("workers", args.workers, minimum=1)
        if args.scheduler is not None:
            raise ParameterError(f"'workers' applies only to the local cluster; got --workers {args.workers} with --scheduler")
    if args.edges is not None:
        edges = np.asarray(args.edges)
    else:
        width = real("bin-width", args.bin_width, minimum=0.0, min_inclusive=False)
        if args.omega_max is not None:
            top = real("omega-max", args.omega_max, minimum=0.0, min_inclusive=False)
            if top < width:
                raise ParameterError(f"'omega-max' must be at least the bin width {width:g}; got {top:g}")
            edges = width * np.arange(int(np.ceil(top / width - 1e-9)) + 1)
        else:
            first = network(args.size, args.delta, rule=args.rule, spring=args.spring, cutoff=args.cutoff, rng=sample_streams(seed_sequences(args.seed, 1)[0])[0])
            edges = default_edges(dynamical_matrix(first), width * 1.0)
            edges = np.append(edges, edges[-1] + width)  # headroom for other seeds' stiffest springs
    common = dict(seeds=args.seeds, rule=args.rule, spring=args.spring, cutoff=args.cutoff, zero_modes=args.keep_zero_modes, rng=args.seed)
    if on_cluster:
        from ..workflows.cluster import connect
        from ..workflows.kpm_cluster import cluster_kpm_dos

        with connect(args.scheduler, args.workers) as client:
            g = cluster_kpm_dos(client, args.size, args.delta, edges, parts=args.parts, **common, **options)
    else:
        g = ensemble_dos(args.size, args.delta, edges, method=args.method, progress=not args.no_progress, **common, **options)
    ds = xr.Dataset(
        {
            "density": (("seed", "omega"), g.samples, {"long_name": "g(omega) per mode"}),
            "density_mean": (("omega",), g.density),
            "density_error": (("omega",), g.error, {"long_name": "standard error of the mean over seeds"}),
            "reduced_mean": (("omega",), g.reduced, {"long_name": "g(omega)/omega"}),
            "omega_edges": (("omega_edge",), g.edges),
        },
        coords={"omega": g.centres, "seed": np.arange(args.seeds)},
        attrs={
            "bosonpeak_version": __version__,
            "L": args.size, "delta": args.delta, "rule": args.rule, "spring": args.spring,
            "cutoff": "default" if args.cutoff is None else args.cutoff,
            "method": args.method, "options": json.dumps(options), "root_seed": args.seed,
            "spawn_keys": json.dumps([list(k) for k in g.info["spawn_keys"]]),
            "zero_modes_per_network": g.zero_modes, "zero_modes_removed": int(g.zero_modes_removed),
        },
    )
    save_dataset(ds, args.out)
    lo = 2 * np.sin(np.pi / args.size)
    sel = (g.centres > lo) & (g.centres < 1.5)
    w = g.centres[sel][np.argmax(g.reduced[sel])] if sel.any() else float("nan")
    print(f"N = {args.size ** 2}, {args.seeds} seed(s), {g.method}: integral {g.integral():.6f}, "
          f"zero modes/network {g.zero_modes:.1f}, max g/omega in ({lo:.3f}, 1.5) at omega = {w:.3f}; wrote {args.out}")
    return 0
