"""bosonpeak against LAMMPS on the fixtures of benchmarks/lammps_reference.py (no LAMMPS needed).

Two glasses quenched by LAMMPS: a 2D harmonic bidisperse packing (256 disks, phi = 0.86, unequal
masses) and a 3D Kob-Andersen glass (500 particles, lj/smooth/linear). LAMMPS's own
``dynamical_matrix`` eigenvalues and its finite-strain moduli (``change_box`` + ``minimize``,
+-1e-5) are the reference; an independent brute-force numpy Hessian (tests/particle_reference.py)
is a second one.
"""

import json

import numpy as np
import pytest
import scipy.sparse as sp

import particle_reference as ref
from bosonpeak.analysis.moduli import elastic_tensor, from_pair_terms
from bosonpeak.matrices.hessian_files import read_hessian
from bosonpeak.matrices.particle_hessian import hessian
from bosonpeak.model.minimize import rattlers
from bosonpeak.model.particle_io import read
from bosonpeak.model.potentials import potential

META = json.loads((ref.FIXTURES / "reference.json").read_text())
SYSTEMS = [("harmonic2d", 2, "harmonic"), ("kob_andersen3d", 3, "ka")]
#: Bin width in omega of the mode-count comparison (the acceptance's 0.05).
BIN = 0.05
#: |omega**2| below this (relative to the largest) counts as a zero mode.
ZERO = 1e-9


def _system(name, dim, kind):
    x, cell, types, masses = ref.read_data(ref.FIXTURES / f"{name}.data", dim)
    t = ref.pair_terms(x, cell, types, kind)
    return x, cell, types, masses, t


def _bosonpeak(name, kind):
    """The fixture as bosonpeak reads it (format and dimension inferred) and its potential."""
    pot = potential("harmonic", diameters=ref.HARMONIC_DIAMETERS) if kind == "harmonic" else potential("kob-andersen")
    return read(ref.FIXTURES / f"{name}.data"), pot


def _counts(lam, top):
    omega = np.sqrt(np.clip(lam, 0.0, None))
    return np.histogram(omega, np.arange(0.0, top + BIN, BIN))[0]


@pytest.mark.parametrize("name,dim,kind", SYSTEMS)
def test_spectrum_equals_lammps_dynamical_matrix(name, dim, kind):
    """bosonpeak's Hessian of the LAMMPS data file: the same mode count in every bin of 0.05 as
    LAMMPS's dynamical_matrix; zero modes = d translations + d per rattler; and entry by entry the
    independent numpy Hessian."""
    p, pot = _bosonpeak(name, kind)
    assert (p.dim, p.n) == (dim, META["systems"][name]["natoms"])
    D = hessian(p, pot)
    x, cell, types, masses, t = _system(name, dim, kind)
    D_ref = ref.hessian(t, len(x), dim, masses)
    np.testing.assert_allclose(D.toarray(), D_ref, atol=1e-11 * np.abs(D_ref).max())
    lam = ref.eigenvalues(D.toarray())
    lam_lmp = np.loadtxt(ref.FIXTURES / f"{name}_eigenvalues.txt")
    assert len(lam_lmp) == len(lam) == dim * p.n
    top = np.sqrt(max(lam.max(), lam_lmp.max()))
    np.testing.assert_array_equal(_counts(lam, top), _counts(lam_lmp, top))
    zero = dim + dim * int(rattlers(p, pot).sum())
    assert int(np.sum(np.abs(lam) < ZERO * lam.max())) == zero
    assert int(np.sum(np.abs(lam_lmp) < ZERO * lam_lmp.max() + 1e-7)) == zero
    if kind == "harmonic":
        assert zero > dim  # the packing holds a rattler: the count is not just the translations


@pytest.mark.parametrize("name,dim,kind", SYSTEMS)
def test_moduli_match_lammps_finite_strain(name, dim, kind):
    """G per shear plane and M per axis from the Hessian formula within 1 % of LAMMPS; the same
    from the numpy reference's pairs and Hessian."""
    p, pot = _bosonpeak(name, kind)
    e = elastic_tensor(p, pot)
    x, cell, types, masses, t = _system(name, dim, kind)
    H = sp.csr_matrix(ref.hessian(t, len(x), dim))
    e_ref = from_pair_terms(ref.Terms(t), n=len(x), volume=abs(np.linalg.det(cell)), mass=masses.sum(), H=H)
    np.testing.assert_allclose(e.A, e_ref.A, rtol=1e-9, atol=1e-9 * np.abs(e.A).max())
    lmp = META["systems"][name]
    for plane, G in lmp["shear_per_plane"].items():
        assert e.shear_per_plane[plane] == pytest.approx(G, rel=0.01)
    for axis, M in lmp["uniaxial_per_axis"].items():
        assert e.longitudinal_per_axis[axis] == pytest.approx(M, rel=0.01)
    assert e.shear == pytest.approx(lmp["shear_modulus"], rel=0.01)
    assert e.longitudinal == pytest.approx(lmp["longitudinal_modulus"], rel=0.01)
    # the stress the moduli carry is LAMMPS's too
    for k, s in lmp["stress"].items():
        if all("xyz".index(c) < dim for c in k):
            a, b = ("xyz".index(c) for c in k)
            assert e.stress[a, b] == pytest.approx(s, abs=1e-6 * max(1.0, abs(e.pressure)))
    # relaxation only lowers the moduli; the affine part is the upper bound
    assert e.shear < np.mean([e.born[a, b, a, b] for a in range(dim) for b in range(a + 1, dim)])


def test_lammps_dynmat_file_reads_as_the_numpy_hessian():
    """A LAMMPS dynamical_matrix text file (2D: its z rows dropped) is the mass-weighted Hessian."""
    x, cell, types, masses, t = _system("harmonic2d_small", 2, "harmonic")
    D = read_hessian(ref.FIXTURES / "harmonic2d_small.dynmat", n=len(x), dim=2, masses=masses)
    np.testing.assert_allclose(D.toarray(), ref.hessian(t, len(x), 2, masses), atol=2e-8)
