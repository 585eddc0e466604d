"""``bosonpeak solid FILE --method kpm --json`` end to end on a 10^6-particle 3D Kob-Andersen glass, step by step, against 300 s.

    PYTHONPATH=src python benchmarks/bench_solid_kpm.py [--n 1000000] [--cache DIR] [--cg-sizes 10000,40000] [--no-cli]
    PYTHONPATH=src python benchmarks/bench_solid_kpm.py --glass harmonic --bin-width 0.01

``--glass harmonic``: a genuine glass instead, of harmonic spheres (50:50, diameters 1 and 1.4, random
positions at packing fraction 0.9, FIRE to max |F| < 1e-10; ~7000 FIRE steps, ~0.2 us per particle and
step): not periodic, so its CG and its low modes are those of the whole box.

The glass (written once into ``--cache`` as LAMMPS data, full precision): a Kob-Andersen inherent
structure of 1000 particles at number density 1.2 (FIRE to max |F| < 1e-12, from
``bench_particles.ka_glass``'s jittered lattice) repeated periodically ``k^3`` times. A repeated glass
is periodic: its low modes are the small glass's Bloch modes, so its DOS below ~2 pi c / L_small
is that of a crystal of 1000-particle cells, and the moduli's conjugate gradients see only the
small glass's spectrum (they converge as fast as at 1000 particles). ``--cg-sizes`` therefore also
times the moduli CG (``analysis.moduli.elastic_tensor``, the tolerance ``bosonpeak solid`` uses) on
genuine, non-repeated glasses of those sizes (FIRE from a jittered lattice to ``--cg-ftol``), to show
how the iterations grow with the box.

Then it runs the CLI in a subprocess (``python -m bosonpeak solid FILE --potential kob-andersen
--method kpm --json --out DIR --no-progress``), and prints the wall time of each step as the JSON's
``seconds`` reports it, the process's total and its ratio to 300 s, the moduli with their error
estimates, the KPM moments, vectors and bound, and the Boson peak. Runs at 10^6 particles need
~10 GB: hold ``flock /work/locks/big.lock`` on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

TARGET = 300.0


def small_glass(rng, n: int = 1000, ftol: float = 1e-12):
    """A Kob-Andersen inherent structure of ``n`` particles (FIRE to max |F| < ``ftol``)."""
    from bench_particles import ka_lattice

    from bosonpeak.model.minimize import minimize
    from bosonpeak.model.potentials import potential

    return minimize(ka_lattice(n, rng, jitter=0.1), potential("kob-andersen"), ftol=ftol).particles


def repeated(small, k: int):
    """``small`` repeated ``k^3`` times (periodic)."""
    from bosonpeak.model.particles import particles

    shifts = np.indices((k, k, k)).reshape(3, -1).T @ small.cell
    x = (small.positions[None, :, :] + shifts[:, None, :]).reshape(-1, 3)
    return particles(x, small.cell * k, types=np.tile(small.types, k**3),
                     source=f"KA inherent structure of {small.n} repeated {k}^3 = {small.n * k**3} particles")


def write_data(p, path: Path) -> None:
    """LAMMPS data (atomic), positions with 17 significant digits, unit masses."""
    L = np.diag(p.cell)
    head = (f"{p.source}\n\n{p.n} atoms\n2 atom types\n\n0.0 {float(L[0])!r} xlo xhi\n0.0 {float(L[1])!r} ylo yhi\n0.0 {float(L[2])!r} zlo zhi\n\n"
            "Masses\n\n1 1.0\n2 1.0\n\nAtoms # atomic\n\n")
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write(head)
        np.savetxt(f, np.column_stack([np.arange(1, p.n + 1), p.types, p.positions]), fmt=["%d", "%d", "%.17g", "%.17g", "%.17g"])
    os.replace(tmp, path)


def harmonic_glass(n: int, rng, phi: float = 0.9, ftol: float = 1e-10):
    """A genuine (not repeated) glass of ``n`` harmonic spheres, 50:50 diameters 1 and 1.4 (types 1 and 2):
    uniform random positions at packing fraction ``phi`` (far above jamming, phi_J ~ 0.64), sorted by
    cell for memory locality, then FIRE to max |F| < ``ftol`` (~7000 steps)."""
    import math

    from bosonpeak.model.jamming import bidisperse_diameters
    from bosonpeak.model.minimize import minimize
    from bosonpeak.model.particles import particles
    from bosonpeak.model.potentials import potential

    d = bidisperse_diameters(n)
    rng.shuffle(d)
    L = (math.pi / 6 * np.sum(d**3) / phi) ** (1 / 3)
    x = rng.random((n, 3)) * L
    k = max(1, int(L / 1.5))
    c = np.minimum((x / L * k).astype(np.int64), k - 1)
    order = np.argsort((c[:, 0] * k + c[:, 1]) * k + c[:, 2], kind="stable")
    p = particles(x[order], np.eye(3) * L, types=np.where(d[order] > 1.2, 2, 1), diameters=d[order],
                  source=f"harmonic glass N = {n}, phi = {phi}")
    return minimize(p, potential("harmonic"), ftol=ftol, progress=True).particles


HARMONIC_OPTIONS = ["--potential", "harmonic", "--diameters", "1:1.0,2:1.4"]


def glass_file(n: int, cache: Path, kind: str = "tiled-ka") -> Path:
    if kind == "harmonic":
        path = cache / f"harmonic_glass_{n}.data"
        if not path.exists():
            cache.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            write_data(harmonic_glass(n, np.random.default_rng(n)), path)
            print(f"wrote {path} in {time.perf_counter() - t:.1f} s", flush=True)
        return path
    k = max(1, round((n / 1000) ** (1 / 3)))
    path = cache / f"ka_glass_1000x{k}^3.data"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        write_data(repeated(small_glass(np.random.default_rng(0)), k), path)
        print(f"wrote {path} in {time.perf_counter() - t:.1f} s")
    return path


def cg_growth(sizes, ftol: float = 1e-7) -> None:
    """The moduli CG's iterations and time on genuine glasses of the given sizes."""
    from bosonpeak.analysis.moduli import elastic_tensor
    from bosonpeak.matrices.particle_hessian import hessian
    from bosonpeak.model.potentials import pair_terms, potential
    from bosonpeak.workflows.solid import MODULI_TOLERANCE

    pot = potential("kob-andersen")
    print(f"moduli CG on genuine (non-repeated) glasses, tolerance {MODULI_TOLERANCE:g} of each modulus:")
    for n in sizes:
        t = time.perf_counter()
        p = small_glass(np.random.default_rng(n), n, ftol=ftol)
        t_glass = time.perf_counter() - t
        D = hessian(p, pot, format="bsr", dtype="float32")
        t = time.perf_counter()
        e = elastic_tensor(p, pot, H=D, mass_weighted=True, terms=pair_terms(p, pot), solver="cg", tolerance=MODULI_TOLERANCE)
        print(f"  N = {p.n:7d} (L = {p.cell[0, 0]:.1f}; glass made in {t_glass:.0f} s): {e.iterations} iterations, "
              f"{time.perf_counter() - t:.1f} s; G = {e.shear:.4f} +- {e.shear_error:.1e}, M = {e.longitudinal:.4f} +- "
              f"{e.longitudinal_error:.1e}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "bosonpeak-bench")
    ap.add_argument("--cg-sizes", default="", help="comma-separated sizes of genuine glasses for the CG growth (e.g. 10000,40000)")
    ap.add_argument("--cg-ftol", type=float, default=1e-7, help="FIRE's residual force for those glasses")
    ap.add_argument("--glass", choices=("tiled-ka", "harmonic"), default="tiled-ka",
                    help="tiled-ka: a 1000-particle KA glass repeated (periodic); harmonic: a genuine harmonic-sphere glass")
    ap.add_argument("--no-cli", action="store_true", help="only the CG growth (and the glass file, made if missing)")
    ap.add_argument("--option", action="append", default=[], help="passed to bosonpeak solid --option")
    ap.add_argument("--bin-width", type=float, help="passed to bosonpeak solid --bin-width (its default 0.05 suits the "
                    "KA glass, omega_max ~ 42; the harmonic glass's spectrum ends near 2.6: 0.01)")
    args = ap.parse_args()
    if args.cg_sizes:
        cg_growth([int(v) for v in args.cg_sizes.split(",")], args.cg_ftol)
    path = glass_file(args.n, args.cache, args.glass)
    if args.no_cli:
        return
    out = args.cache / f"solid_{path.stem}"
    potential = HARMONIC_OPTIONS if args.glass == "harmonic" else ["--potential", "kob-andersen"]
    cmd = [sys.executable, "-m", "bosonpeak", "solid", str(path), *potential, "--method", "kpm", "--json",
           "--out", str(out), "--no-progress", *[a for o in args.option for a in ("--option", o)],
           *(["--bin-width", str(args.bin_width)] if args.bin_width else [])]
    print("command:", " ".join(cmd[1:]), flush=True)
    print("uptime:", os.popen("uptime").read().strip(), flush=True)
    t = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True)
    total = time.perf_counter() - t
    if run.returncode:
        print(run.stderr[-3000:])
        raise SystemExit(f"bosonpeak solid failed with exit status {run.returncode}")
    s = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"{s['n_particles']} particles, {s['dof']} dof, {s['zero_modes']} zero modes, {s['rattlers']} rattlers, "
          f"max force {s['max_force']:.2g}")
    print("steps (wall s):")
    for k, v in s["seconds"].items():
        print(f"  {k:14s} {v:8.1f}")
    rest = total - sum(s["seconds"].values())
    print(f"  {'other':14s} {rest:8.1f}  (start-up, imports, NetCDF and figures)")
    print(f"total {total:.1f} s against {TARGET:.0f} s: ratio {total / TARGET:.2f} ({'met' if total <= TARGET else 'NOT met'})")
    print(f"G = {s['shear_modulus']:.5f} +- {s['shear_modulus_error']:.1e}, M = {s['longitudinal_modulus']:.5f} +- "
          f"{s['longitudinal_modulus_error']:.1e} ({s['moduli_iterations']} CG iterations)")
    res = [r for r in s["resolution"] if r is not None]
    print(f"KPM: {s['dos_moments']} moments, {s['dos_vectors']} vectors, omega_max {s['dos_omega_max']:.3f} ({s['dos_bound']} bound); "
          f"resolution {max(res):.4f} at omega = 0 to {min(res):.4f} at the top")
    err = np.array([e for e in s["density_error"] or [] if e is not None])
    print(f"Boson peak: omega_BP = {s['omega_bp']}, height {s['bp_height']} x Debye level {s['debye_level']:.4g} "
          f"(found: {s['found']}); largest error bar {err.max() if err.size else float('nan'):.2g}")
    print("uptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
