"""``bosonpeak jamming``: jammed packings over pressures and seeds, and the scaling laws near jamming."""

from __future__ import annotations

import json
import sys
import time

from . import add_seed, floats, path


def register(sub) -> None:
    p = sub.add_parser(
        "jamming",
        help="jammed sphere packings at target pressures: Dz, G/B, omega* and their power laws",
        description="For every seed, a 50:50 bidisperse packing (diameter ratio 1.4) of harmonic or Hertzian spheres is "
        "made at the lowest target pressure and compressed through the others (FIRE, pressure within 1 %); each "
        "packing's backbone contact number, Dz = z - 2d, rattler fraction, relaxed G and B, D(omega) with its onset omega* (half the plateau) and the Boson "
        "peak of D/omega^(d-1) over its own Debye level are measured, and Dz ~ p^a, G/B ~ p^b, omega* ~ Dz^c fitted over "
        "the seeds (mean of per-seed slopes, 95 % t interval; G/B, whose single values can be negative, from the means with "
        "a bootstrap over seeds), each with its local slopes between successive pressures. "
        "omega* within a factor 2 of the box's lowest transverse phonon omega_min = 2 pi sqrt(G/rho)/L is flagged finite-size "
        "limited (kept in the fit; a fit without those pressures is printed beside it). Per pressure: p N^2 (below 10 the "
        "finite-size crossover of contacts and moduli) and the share of packings stable to every simple shear. "
        "--out writes jamming.nc and figures.",
    )
    p.add_argument("--dim", type=int, default=2, help="space dimension, 2 or 3")
    p.add_argument("--potential", default="harmonic", help="harmonic or hertzian")
    p.add_argument("--pressures", type=floats, default=(1e-2, 1e-3, 1e-4, 1e-5, 1e-6),  # workflows.jamming.PRESSURES
                   help="target pressures, comma list; four decades near jamming by default (above 1e-2 the packings lie far "
                   "above jamming and B still falls with p); p N^2 below 10 is near the finite-size crossover, and G/B at 1e-6 "
                   "needs --size 8192 in 2D, 4096 in 3D (default: 1e-2,1e-3,1e-4,1e-5,1e-6)")
    p.add_argument("--size", type=int, default=256, help="particles per packing N")
    p.add_argument("--seeds", type=int, default=4,
                   help="packings per pressure (each seed one packing compressed from the lowest pressure)")
    p.add_argument("--method", default="auto",
                   help="DOS engine of the backbone Hessians: auto (exact either way: slicing in 2D, dense in 3D), dense, "
                   "slicing, banded, kpm, or none (contacts and moduli only, no omega* or Boson peak: larger N in the same time) "
                   "(default: auto)")
    ensemble_options(p, "seeds", "jamming.nc, figures")
    p.add_argument("--json", action="store_true", help="print a JSON list: one object per pressure, then the exponents")
    p.set_defaults(run=run)


def ensemble_options(p, what: str, files: str) -> None:
    """The options of an ensemble command: root seed, Dask, output folder, progress."""
    add_seed(p)
    p.add_argument("--workers", type=int, default=None, help=f"run the {what} on a local Dask cluster of this many workers")
    p.add_argument("--scheduler", default=None, help=f"run the {what} on the Dask scheduler at this address")
    p.add_argument("--out", type=path, default=None, help=f"output directory ({files}); none by default")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def run(args) -> int:
    from .. import _checks
    from .._resources import Plan, dense_bytes, dos_seconds, packing_seconds
    import numpy as np

    from ..analysis.jamming import CROSSOVER_PN2
    from ..model.jamming import MAX_RESCALINGS, POTENTIALS
    from ..spectra.spectrum import methods
    from . import prepare

    seed = _checks.seed("seed", args.seed)
    dim = _checks.integer("dim", args.dim, minimum=2, maximum=3)
    _checks.choice("potential", args.potential, tuple(POTENTIALS))
    N = _checks.integer("size", args.size, minimum=16, maximum=10**5)
    seeds = _checks.integer("seeds", args.seeds, minimum=1)
    from ..workflows.jamming import AUTO_METHODS, NO_DOS, jamming_exponents, jamming_outputs, jamming_records, jamming_study

    method = AUTO_METHODS[dim] if args.method == "auto" else _checks.choice("method", args.method, methods() + ("auto", NO_DOS))
    if not args.pressures:
        raise _checks.ParameterError("'--pressures' must hold at least one pressure; got none")
    for value in args.pressures:
        _checks.real("pressures", value, minimum=1e-7, maximum=1.0)
    memory = dense_bytes(dim * N) if method == "dense" else 64 * 1024 * dim * N
    prepare(outputs=[(args.out, "dir", "--out")] if args.out is not None else [],
            plan=Plan(f"{method} DOS of {dim}N = {dim * N} modes per packing" if method != NO_DOS else f"packings of N = {N} (no DOS)", memory, seeds, "a smaller --size, or --method kpm",
                      seconds=seeds * len(args.pressures) * (packing_seconds(N) + (0.0 if method == NO_DOS else dos_seconds(method, dim * N)))))

    t0 = time.perf_counter()
    with _client(args) as client:
        ds = jamming_study(N, args.pressures, dim=dim, potential=args.potential, seeds=seeds, rng=seed, method=method,
                           client=client, progress=not args.no_progress)
    exponents = jamming_exponents(ds)
    written = jamming_outputs(args.out, ds, exponents) if args.out is not None else []
    records = jamming_records(ds, exponents)
    if args.json:
        print(json.dumps(records, indent=1))
        return 0
    print(f"{dim}D {args.potential} packings, N = {N}, {seeds} seeds (means over seeds; omega_min = 2 pi sqrt(G/rho)/L, "
          "'*': omega* within a factor 2 of omega_min, finite-size limited; stable: share of packings stable to every simple shear):")
    print(f"{'p':>10} {'phi':>8} {'z':>7} {'Dz':>8} {'rattlers':>8} {'G':>10} {'B':>8} {'omega*':>8} {'omega_min':>9} "
          f"{'omega_BP':>8} {'BP height':>9} {'stable':>6}")
    for r in records[:-1]:
        print(" ".join(f"{r[k]:{w}.{d}{t}}" if r[k] is not None else f"{'nan':>{w}}" for k, w, d, t in
                       (("pressure", 10, 3, "e"), ("phi", 8, 4, "f"), ("z", 7, 3, "f"), ("delta_z", 8, 4, "f"),
                        ("rattler_fraction", 8, 3, "f"), ("shear_modulus", 10, 3, "e"), ("bulk_modulus", 8, 4, "f"),
                        ("omega_star", 8, 4, "f"), ("omega_min", 9, 4, "f"), ("omega_bp", 8, 4, "f"), ("bp_height", 9, 2, "f"),
                        ("shear_stable_fraction", 6, 2, "f")))
              + (" *" if r["finite_size_limited"] else ""))
    for law, fit in records[-1]["exponents"].items():
        lo, hi = fit["interval"]
        print(f"{law}: {fit['value']:.3f} [{lo:.3f}, {hi:.3f}] ({fit['method']}, {fit['n_seeds']} seeds)")
        print("  local slopes: " + ", ".join(f"{r['from']:.3g}->{r['to']:.3g}: " + (f"{r['value']:.3f}" if r["value"] is not None else "nan")
                                            for r in fit["local"]))
        if "finite_size_limited" in fit:
            rest = fit["without_finite_size_limited"]
            print(f"  finite-size limited omega* (kept in the fit) at p = {', '.join(f'{t:g}' for t in fit['finite_size_limited']) or 'none'}"
                  + (f"; without them ({rest['decades']:.0f} decades): {rest['value']:.3f} [{rest['interval'][0]:.3f}, "
                     f"{rest['interval'][1]:.3f}]" if rest else ""))
    if records[0]["seeds_failed"]:
        print(f"{records[0]['seeds_failed']} of {seeds} seeds left out: their packing did not reach some pressure within 1 % "
              f"(the search gives up after {MAX_RESCALINGS} rescalings)")
    crossover = [r["target_pressure"] for r in records[:-1] if r["p_N2"] < CROSSOVER_PN2]
    if crossover:
        print(f"p N^2 < {CROSSOVER_PN2:g} at p = {', '.join(f'{t:g}' for t in crossover)}: near the finite-size crossover p N^2 ~ 1, "
              f"where Dz and G/B stop following p^(1/2) (Goodrich, Liu & Nagel 2012); --size >= "
              f"{int(np.ceil(np.sqrt(CROSSOVER_PN2 / min(crossover))))} keeps clear of it")
    if written:
        print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)  # a log line: stdout holds the results
    return 0


def _client(args):
    """A Dask client when ``--workers`` or ``--scheduler`` asks for one, else a context yielding None."""
    import contextlib

    if args.workers is None and args.scheduler is None:
        return contextlib.nullcontext(None)
    from ..workflows.cluster import connect

    return connect(args.scheduler, args.workers)
