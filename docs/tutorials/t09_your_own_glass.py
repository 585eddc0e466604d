"""
Your own glass
==============

bosonpeak takes a glass you made elsewhere: a configuration file (everything ASE reads: LAMMPS
data and dump files, extended XYZ, ...; HOOMD's GSD) with a pair potential, or with its Hessian
from a file (Matrix Market, scipy npz, LAMMPS ``dynamical_matrix``, phonopy force constants). From
the command line::

    bosonpeak solid glass.data --potential kob-andersen --out glass/ --json
    bosonpeak solid packing.data --potential harmonic --diameters 1:1.0,2:1.4 --remove-rattlers
    bosonpeak solid cell.extxyz --hessian FORCE_CONSTANTS --moduli G,M

Here: two glasses quenched by LAMMPS itself (``benchmarks/lammps_reference.py``, the fixtures of
the tests): a 2D packing of 256 harmonic bidisperse disks and a 3D Kob-Andersen glass of 500
particles. The conventions are in :doc:`/physics` ("Your own glass").
"""

# %%
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import bosonpeak
from bosonpeak.workflows.solid import compute, summary

FIXTURES = Path(bosonpeak.__file__).resolve().parents[2] / "tests" / "fixtures" / "lammps"
LAMMPS = json.loads((FIXTURES / "reference.json").read_text())["systems"]

ds = compute(FIXTURES / "harmonic2d.data", potential="harmonic", diameters={1: 1.0, 2: 1.4}, bin_width=0.02)
print(summary(ds))

# %%
# The reduced DOS against the packing's own Debye level (from its relaxed moduli). At 256
# disks the box holds only a few sound waves below omega ~ 0.3, so the Boson peak (the excess
# over Debye) cannot be told apart from the finite-size cut-off here; ``bosonpeak solid`` on a
# packing of 10^4 disks or more resolves it.
from bosonpeak.plotting.solid import reduced_axes

reduced_axes(ds)

# %%
# Validation against LAMMPS
# -------------------------
# LAMMPS's ``dynamical_matrix`` (finite differences of its own forces) gives the same number of
# modes in every bin of 0.05 as bosonpeak's Hessian, and its finite-strain moduli
# (``change_box`` + ``minimize``, strain +-1e-5) agree with the Hessian formula to 5 to 6 digits.
from bosonpeak.analysis.moduli import elastic_tensor
from bosonpeak.matrices.particle_hessian import hessian
from bosonpeak.model.particle_io import read
from bosonpeak.model.potentials import potential

p = read(FIXTURES / "harmonic2d.data")
pot = potential("harmonic", diameters={1: 1.0, 2: 1.4})
omega = np.sqrt(np.clip(np.linalg.eigvalsh(hessian(p, pot).toarray()), 0, None))
omega_lammps = np.sqrt(np.clip(np.loadtxt(FIXTURES / "harmonic2d_eigenvalues.txt"), 0, None))
edges = np.arange(0, omega.max() + 0.05, 0.05)
ours, theirs = np.histogram(omega, edges)[0], np.histogram(omega_lammps, edges)[0]
print("bins of 0.05 whose mode counts differ:", int(np.sum(ours != theirs)), "of", len(ours))

fig, ax = plt.subplots()
ax.stairs(theirs, edges, color="k", lw=2.5, label="LAMMPS dynamical_matrix")
ax.stairs(ours, edges, color="C1", lw=1, label="bosonpeak Hessian")
ax.set_xlabel("omega")
ax.set_ylabel("modes per bin of 0.05")
ax.set_title("256 harmonic disks quenched by LAMMPS")
ax.legend(frameon=False)

# %%
# The moduli of both glasses, plane by plane and axis by axis (relative difference to LAMMPS):
for name, pair in [("harmonic2d", potential("harmonic", diameters={1: 1.0, 2: 1.4})), ("kob_andersen3d", potential("kob-andersen"))]:
    e = elastic_tensor(read(FIXTURES / f"{name}.data"), pair)
    ref = LAMMPS[name]
    for plane, G in ref["shear_per_plane"].items():
        print(f"{name}: G_{plane} = {e.shear_per_plane[plane]:.7g} (LAMMPS {G:.7g}, {e.shear_per_plane[plane] / G - 1:+.1e})")
    for axis, M in ref["uniaxial_per_axis"].items():
        print(f"{name}: M_{axis} = {e.longitudinal_per_axis[axis]:.7g} (LAMMPS {M:.7g}, {e.longitudinal_per_axis[axis] / M - 1:+.1e})")

# %%
# Only a Hessian
# --------------
# Without a potential (a Hessian from DFT or a machine-learned potential), the spectrum is exact
# and the moduli are estimated from the static response to the box's longest plane waves, or
# given with ``--moduli G,M``. Here the LAMMPS Kob-Andersen glass through bosonpeak's own Hessian
# written to a Matrix Market file, as another code would write it:
import tempfile

import scipy.io

from bosonpeak.analysis.long_wavelength import dispersion_moduli
from bosonpeak.matrices.hessian_files import read_hessian

ka = read(FIXTURES / "kob_andersen3d.data")
with tempfile.TemporaryDirectory() as tmp:
    scipy.io.mmwrite(f"{tmp}/glass.mtx", hessian(ka, potential("kob-andersen"), mass_weighted=False))
    D = read_hessian(f"{tmp}/glass.mtx", n=ka.n, dim=3, masses=ka.masses)
est = dispersion_moduli(D, ka.positions, ka.cell, ka.masses)
print(f"estimate from the Hessian alone: G = {est.shear:.4g}, M = {est.longitudinal:.4g}; "
      f"LAMMPS finite strain: G = {LAMMPS['kob_andersen3d']['shear_modulus']:.4g}, M = {LAMMPS['kob_andersen3d']['longitudinal_modulus']:.4g}")

# %%
# Near jamming the estimate fails for the shear modulus: the packing's response at the box's
# longest wavelength is still far from its q -> 0 limit (G is small, the non-affine length long).
D2 = hessian(p, potential("harmonic", diameters={1: 1.0, 2: 1.4}))
est2 = dispersion_moduli(D2, p.positions, p.cell, p.masses)
print(f"harmonic packing from the Hessian alone: G = {est2.shear:.4g} (LAMMPS {LAMMPS['harmonic2d']['shear_modulus']:.4g}), "
      f"M = {est2.longitudinal:.4g} (LAMMPS {LAMMPS['harmonic2d']['longitudinal_modulus']:.4g})")
