"""``bosonpeak solid FILE``: the whole Boson-peak analysis of your own glass (a configuration file with a
pair potential, or with a Hessian file)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import add_seed, path


def register(sub) -> None:
    p = sub.add_parser(
        "solid",
        help="any glass from a file (LAMMPS, extended XYZ, GSD, ...) or its Hessian: DOS, moduli, Debye level, Boson peak",
        description="Read a configuration (every format ASE reads, and GSD), minimise it with a pair potential (or read "
        "its Hessian from a file), and compute the DOS per mode over all d N modes (zero modes left out), the relaxed "
        "shear and longitudinal moduli, sound speeds, the Debye level d / omega_D^d of g / omega^(d-1), the Boson peak "
        "against it, the participation ratio of the lowest modes and the heat capacity. --out DIR writes solid.nc and "
        "three figures.",
    )
    p.add_argument("file", type=path, metavar="FILE", help="the configuration (positions, box, types, masses)")
    p.add_argument("--format", default=None, help="ASE format name (lammps-data, lammps-dump-text, extxyz, ...) or gsd; "
                   "default from the extension")
    p.add_argument("--dim", type=int, default=None, help="2 or 3 (default: 2 when every z coordinate is the same)")
    p.add_argument("--potential", default=None, help="pair potential: kob-andersen, harmonic, hertzian, ipl or lj")
    p.add_argument("--diameters", default=None, metavar="TYPE:D,...", help="soft-sphere diameters by type, e.g. 1:1.0,2:1.4 "
                   "(default: the file's)")
    p.add_argument("--hessian", type=path, default=None, metavar="HFILE", help="read the Hessian instead: Matrix Market "
                   "(*.mtx), scipy npz, LAMMPS dynamical_matrix text (*.dyn), phonopy FORCE_CONSTANTS or *.hdf5")
    p.add_argument("--hessian-format", default=None, help="format of --hessian: matrix-market, npz, lammps-dynmat, phonopy "
                   "or phonopy-hdf5 (default from its name)")
    p.add_argument("--moduli", default=None, metavar="G,M", help="shear and longitudinal moduli to use (default: from the "
                   "potential, or with --hessian from the long-wavelength response)")
    p.add_argument("--no-minimize", action="store_true", help="take the configuration as it is (warns if forces are large)")
    p.add_argument("--remove-rattlers", action="store_true", help="leave out particles with fewer than d + 1 contacts")
    p.add_argument("--method", default="dense", help="DOS engine: dense, slicing, kpm, ...")
    p.add_argument("--bin-width", type=float, default=0.05, help="bin width in omega")
    p.add_argument("--omega-max", type=float, default=None, help="upper edge in omega (default: past the spectrum's top)")
    p.add_argument("--modes", type=int, default=40, help="lowest modes whose participation ratio is computed")
    add_seed(p, "seed of stochastic DOS engines (kpm)")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE", help="DOS method option, repeatable")
    p.add_argument("--out", type=path, default=None, help="output directory (solid.nc, dos.png, reduced_dos.png, "
                   "participation.png); none by default")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    p.add_argument("--json", action="store_true", help="print one JSON object (n_particles, dim, dof, zero_modes, rattlers, "
                   "max_force, number_density, shear_modulus, longitudinal_modulus, c_T, c_L, debye_level, omega_bp, "
                   "bp_height, found, edges, density, ...)")
    p.set_defaults(run=run)


def diameters(text: str | None) -> dict | None:
    """``"1:1.0,2:1.4"`` -> ``{1: 1.0, 2: 1.4}``."""
    from .._checks import ParameterError

    if text is None:
        return None
    out = {}
    for item in text.replace(" ", "").split(","):
        try:
            t, d = item.split(":")
            out[int(t)] = float(d)
        except ValueError:
            raise ParameterError(f"'--diameters' must be TYPE:D pairs separated by commas (e.g. 1:1.0,2:1.4); got {text!r}") from None
        if out[int(t)] <= 0 or int(t) < 1:
            raise ParameterError(f"'--diameters' needs type ids >= 1 and positive diameters; got {item!r}")
    return out


def run(args) -> int:
    from .. import _checks
    from .._files import save_dataset
    from ..model.potentials import NAMES
    from ..spectra.spectrum import methods
    from ..workflows.solid import compute, figures, summary, summary_dict
    from . import prepare
    from .dos import parse_options

    if not args.file.is_file():
        raise _checks.ParameterError(f"FILE {args.file}: no such file")
    if args.dim is not None:
        _checks.integer("dim", args.dim, minimum=2, maximum=3)
    if args.potential is not None:
        _checks.choice("potential", args.potential, NAMES)
    if args.potential is None and args.hessian is None:
        raise _checks.ParameterError("give --potential NAME (kob-andersen, harmonic, hertzian, ipl, lj) or --hessian HFILE")
    if args.hessian is not None and not args.hessian.is_file():
        raise _checks.ParameterError(f"'--hessian' {args.hessian}: no such file")
    _checks.choice("method", args.method, methods())
    width = _checks.real("bin-width", args.bin_width, minimum=0.0, min_inclusive=False)
    if args.omega_max is not None and _checks.real("omega-max", args.omega_max, minimum=0.0, min_inclusive=False) < width:
        raise _checks.ParameterError(f"'--omega-max' must be at least the bin width {width:g}; got {args.omega_max:g}")
    _checks.integer("modes", args.modes, minimum=1)
    seed = _checks.seed("seed", args.seed)
    moduli = None
    if args.moduli is not None:
        try:
            moduli = tuple(float(v) for v in args.moduli.split(","))
        except ValueError:
            moduli = ()
        if len(moduli) != 2 or min(moduli) <= 0:
            raise _checks.ParameterError(f"'--moduli' must be two positive numbers G,M; got {args.moduli!r}")
    sizes = diameters(args.diameters)
    options = parse_options(args.option)
    prepare(outputs=[(args.out, "dir", "--out")] if args.out is not None else [])
    ds = compute(args.file, format=args.format, dim=args.dim, potential=args.potential, diameters=sizes,
                 hessian_file=args.hessian, hessian_format=args.hessian_format, minimize=not args.no_minimize, remove_rattlers=args.remove_rattlers, moduli=moduli,
                 method=args.method, bin_width=width, omega_max=args.omega_max, modes=args.modes, rng=seed,
                 progress=not args.no_progress, **options)
    if ds.attrs["warning"]:
        print(f"bosonpeak solid: warning: {ds.attrs['warning']}", file=sys.stderr)
    if args.out is not None:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        save_dataset(ds, out / "solid.nc")
        figures(ds, out)
    if args.json:
        print(json.dumps({**summary_dict(ds), "out": None if args.out is None else str(args.out)}))
    else:
        print(summary(ds, args.out))
    return 0
