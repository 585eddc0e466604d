"""``bosonpeak qlm``: quasi-localized modes of small packings and the exponent of D(omega) ~ omega^beta."""

from __future__ import annotations

import json
import sys
import time

from .jamming import _client, ensemble_options


def register(sub) -> None:
    p = sub.add_parser(
        "qlm",
        help="quasi-localized modes below the first phonon band: beta of D(omega) ~ omega^beta",
        description="Makes --samples jammed packings of --size particles at --pressure (or, with --glass ipl, inverse-power-law "
        "glasses cooled by molecular dynamics at --quench-rate), finds by shift-invert Lanczos "
        "every mode below --band-fraction times the first transverse band 2 pi c_T / L, and fits D(omega) ~ omega^beta to "
        "the pooled modes by maximum likelihood (95 % interval: bootstrap over samples). --out writes qlm.nc and qlm_modes.{png,pdf}.",
    )
    p.add_argument("--dim", type=int, default=3, help="space dimension, 2 or 3")
    p.add_argument("--size", type=int, default=200, help="particles per packing N")
    p.add_argument("--samples", type=int, default=100, help="packings")
    p.add_argument("--pressure", type=float, default=None, help="target pressure of the packings (default 0.1)")
    p.add_argument("--glass", default="packing", help="packing (jammed spheres at --pressure) or ipl (Lerner's r^-10 glass, "
                   "cooled from T = 1 at --quench-rate)")
    p.add_argument("--quench-rate", type=float, default=1e-2, help="cooling rate of --glass ipl; inf: instantaneous quench")
    p.add_argument("--potential", default="harmonic", help="harmonic or hertzian")
    p.add_argument("--band-fraction", type=float, default=0.5, help="cut-off as a fraction of the first transverse band")
    ensemble_options(p, "samples", "qlm.nc, figure")
    p.add_argument("--json", action="store_true", help="print beta, its interval and the number of modes fitted as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from .. import _checks
    from .._resources import Plan, dos_seconds, packing_seconds
    from ..model.jamming import POTENTIALS
    from . import prepare

    seed = _checks.seed("seed", args.seed)
    dim = _checks.integer("dim", args.dim, minimum=2, maximum=3)
    N = _checks.integer("size", args.size, minimum=16, maximum=10**4)
    samples = _checks.integer("samples", args.samples, minimum=1)
    _checks.choice("potential", args.potential, tuple(POTENTIALS))
    glass = _checks.choice("glass", args.glass, ("packing", "ipl"))
    if glass == "ipl" and args.pressure is not None:
        raise _checks.ParameterError("'--pressure' sets the packings' pressure; --glass ipl is made at number density 0.82")
    pressure = _checks.real("pressure", 0.1 if args.pressure is None else args.pressure, minimum=1e-7, maximum=1.0)
    rate = args.quench_rate
    if not rate == float("inf"):
        rate = _checks.real("quench-rate", rate, minimum=1e-5, maximum=10.0)
    if glass == "ipl":
        from ..model.quench import IPL_DENSITY, min_particles

        N = _checks.integer("size", N, minimum=min_particles(dim, IPL_DENSITY))
    band = _checks.real("band-fraction", args.band_fraction, minimum=0.0, maximum=2.0, min_inclusive=False)
    prepare(outputs=[(args.out, "dir", "--out")] if args.out is not None else [],
            plan=Plan(f"sparse factorisation of {dim}N = {dim * N} modes per packing", 2000 * dim * N * 8, samples, "a smaller --size",
                      seconds=samples * (packing_seconds(N) + dos_seconds("slicing", dim * N, bins=1))))
    from ..workflows.qlm import qlm_exponent, qlm_outputs, qlm_study

    t0 = time.perf_counter()
    with _client(args) as client:
        study = qlm_study(N, pressure=pressure, dim=dim, potential=args.potential, samples=samples, rng=seed, band_fraction=band,
                          glass=glass, quench_rate=rate, client=client, progress=not args.no_progress)
    fit = qlm_exponent(study)
    written = qlm_outputs(args.out, study, fit) if args.out is not None else []
    if args.json:
        print(json.dumps(fit, indent=1))
        return 0
    beta = f"beta = {fit['beta']:.2f} [{fit['interval'][0]:.2f}, {fit['interval'][1]:.2f}]" if fit["beta"] is not None else "no fit"
    what = (f"{dim}D {args.potential} packings, N = {N}, p = {fit['pressure']:.3g}, phi = {fit['phi']:.4f}" if glass == "packing"
            else f"{dim}D IPL glasses, N = {N}, quench rate {rate:g}, energy per particle {fit['energy_per_particle']:.4f}")
    print(f"{fit['samples']} {what}: "
          f"{beta} from {fit['n_modes']} modes below "
          f"{band:g} omega_1 ({100 * (fit['quasi_localized_fraction'] or 0):.0f} % with participation < {fit['participation_threshold']:g}; "
          f"{fit['samples_without_band']} samples with G <= 0 and {fit['samples_failed']} packings that missed the pressure left out)")
    if written:
        print(f"wrote {len(written)} files to {args.out}/ in {time.perf_counter() - t0:.1f} s", file=sys.stderr)  # a log line: stdout holds the results
    return 0
