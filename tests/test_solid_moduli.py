"""Moduli of particle systems: analytic crystals, the Debye level, and the dispersion estimate."""

import numpy as np
import pytest
import scipy.sparse as sp

import particle_reference as ref
from bosonpeak.analysis.debye import debye_level_nd
from bosonpeak.analysis.long_wavelength import dispersion_moduli
from bosonpeak.analysis.moduli import debye_frequency, debye_level_particles, from_pair_terms


def _triangular(cols, rows, stretch=1.0):
    """Triangular lattice (spacing ``stretch``) in its rectangular periodic cell; unit springs
    ``V = (1/2)(r - 1)**2`` between nearest neighbours: pair terms with V' = r - 1, V'' = 1."""
    a = stretch
    base = np.array([[0.0, 0.0], [0.5, np.sqrt(3) / 2]]) * a
    x = np.array([base[k] + [i * a, j * np.sqrt(3) * a] for i in range(cols) for j in range(rows) for k in range(2)])
    cell = np.diag([cols * a, rows * np.sqrt(3) * a])
    i, j = np.triu_indices(len(x), 1)
    frac = (x[j] - x[i]) @ np.linalg.inv(cell)
    rij = (frac - np.round(frac)) @ cell
    r = np.sqrt((rij**2).sum(1))
    k = r < 1.1 * a
    t = dict(i=i[k], j=j[k], rij=rij[k], r=r[k], dV=r[k] - 1.0, d2V=np.ones(k.sum()))
    return x, cell, t


def _tensor(x, cell, t, masses=None):
    n, d = x.shape
    H = sp.csr_matrix(ref.hessian(t, n, d))
    m = np.ones(n) if masses is None else masses
    return from_pair_terms(ref.Terms(t), n=n, volume=abs(np.linalg.det(cell)), mass=m.sum(), H=H)


def test_triangular_crystal_has_its_lame_constants():
    """Unstressed triangular spring lattice: lambda = mu = sqrt(3)/4 k, nothing relaxes (Bravais)."""
    x, cell, t = _triangular(6, 4)
    e = _tensor(x, cell, t)
    mu = np.sqrt(3) / 4
    assert e.shear == pytest.approx(mu, rel=1e-12)
    assert e.longitudinal == pytest.approx(3 * mu, rel=1e-12)
    assert e.bulk == pytest.approx(2 * mu, rel=1e-12)
    np.testing.assert_allclose(e.A, e.born, atol=1e-12)
    np.testing.assert_allclose(e.stress, 0.0, atol=1e-14)
    np.testing.assert_allclose(e.voigt, mu * np.array([[3, 1, 0], [1, 3, 0], [0, 0, 1]]), atol=1e-12)
    assert e.c_T == pytest.approx(np.sqrt(mu / e.mass_density))


def test_prestressed_crystal_bulk_is_minus_v_dp_dv():
    """Stretched lattice (tension): B = -V dp/dV checked against the pressure of two volumes,
    and the simple-shear modulus against a finite shear of the energy."""
    eps = 1e-5
    p = {}
    for s in (1.02 - eps, 1.02 + eps):
        x, cell, t = _triangular(6, 4, stretch=s)
        p[s] = _tensor(x, cell, t).pressure
    x, cell, t = _triangular(6, 4, stretch=1.02)
    e = _tensor(x, cell, t)
    assert e.pressure < 0  # stretched springs pull
    V = abs(np.linalg.det(cell))
    dV = V * ((1.02 + eps) ** 2 - (1.02 - eps) ** 2) / 1.02**2
    B_fd = -V * (p[1.02 + eps] - p[1.02 - eps]) / dV
    assert e.bulk == pytest.approx(B_fd, rel=1e-6)

    def energy(gamma):  # Bravais: the affine shear is the whole response
        F = np.array([[1.0, gamma], [0.0, 1.0]])
        r = np.sqrt(((t["rij"] @ F.T) ** 2).sum(1))
        return 0.5 * np.sum((r - 1.0) ** 2)

    h = 1e-4
    G_fd = (energy(h) - 2 * energy(0.0) + energy(-h)) / h**2 / V
    assert e.shear == pytest.approx(G_fd, rel=1e-6)


def test_debye_level_matches_the_vector_debye_law():
    for dim in (2, 3):
        for c_L, c_T, n in [(2.0, 1.0, 1.0), (5.0, 2.5, 1.2), (0.6, 0.13, 0.74)]:
            level = debye_level_particles(dim, c_L, c_T, n)
            assert level == pytest.approx(debye_level_nd(dim, model="vector", c_L=c_L, c_T=c_T, n=n), rel=1e-12)
            assert level == pytest.approx(dim / debye_frequency(dim, c_L, c_T, n) ** dim, rel=1e-12)


def test_dispersion_moduli_of_a_crystal_and_a_glass():
    """Static plane-wave response: the crystal's moduli up to the lattice dispersion of the
    smallest q; the LAMMPS Kob-Andersen glass within 15 % of the exact Hessian formula."""
    x, cell, t = _triangular(18, 10)
    D = sp.csr_matrix(ref.hessian(t, len(x), 2))
    dm = dispersion_moduli(D, x, cell)
    mu = np.sqrt(3) / 4
    assert dm.shear == pytest.approx(mu, rel=0.01)
    assert dm.longitudinal == pytest.approx(3 * mu, rel=0.01)
    x, cell, types, masses = ref.read_data(ref.FIXTURES / "kob_andersen3d.data", 3)
    t = ref.pair_terms(x, cell, types, "ka")
    exact = _tensor(x, cell, t, masses)
    dm = dispersion_moduli(sp.csr_matrix(ref.hessian(t, len(x), 3, masses)), x, cell, masses)
    assert dm.shear == pytest.approx(exact.shear, rel=0.15)
    assert dm.longitudinal == pytest.approx(exact.longitudinal, rel=0.15)
    assert dm.mass_density == pytest.approx(exact.mass_density)


def test_conjugate_gradients_give_the_factorisation_s_moduli():
    """The large-N path (CG on the singular system, translations projected out) agrees with the
    sparse LU with one particle pinned, on the LAMMPS Kob-Andersen glass."""
    x, cell, types, masses = ref.read_data(ref.FIXTURES / "kob_andersen3d.data", 3)
    t = ref.pair_terms(x, cell, types, "ka")
    H = sp.csr_matrix(ref.hessian(t, len(x), 3))
    kw = dict(n=len(x), volume=abs(np.linalg.det(cell)), mass=masses.sum(), H=H)
    direct = from_pair_terms(ref.Terms(t), solver="direct", **kw)
    cg = from_pair_terms(ref.Terms(t), solver="cg", **kw)
    np.testing.assert_allclose(cg.A, direct.A, atol=1e-7 * np.abs(direct.A).max())
    assert not np.allclose(direct.A, direct.born, rtol=0.05)  # a glass relaxes: the test compares something


def test_block_conjugate_gradients_state_an_error_that_covers_the_true_one():
    """All columns together on the BSR matrix (float64 and float32 entries, mass-weighted with
    unequal masses): G and M agree with the factorisation within the stated error estimate, and a
    tighter tolerance takes more iterations."""
    x, cell, types, _ = ref.read_data(ref.FIXTURES / "kob_andersen3d.data", 3)
    masses = np.where(types == 1, 1.0, 0.5)
    t = ref.pair_terms(x, cell, types, "ka")
    H = ref.hessian(t, len(x), 3)
    w = np.repeat(1.0 / np.sqrt(masses), 3)
    D = sp.csr_matrix(w[:, None] * H * w[None, :])
    kw = dict(n=len(x), volume=abs(np.linalg.det(cell)), mass=masses.sum())
    direct = from_pair_terms(ref.Terms(t), solver="direct", H=sp.csr_matrix(H), **kw)
    iterations = []
    for dtype, tol in ((np.float64, 1e-4), (np.float32, 1e-6)):
        cg = from_pair_terms(ref.Terms(t), solver="cg", H=D.tobsr(blocksize=(3, 3)).astype(dtype), masses=masses, tolerance=tol, **kw)
        assert 0 < abs(cg.shear - direct.shear) <= cg.shear_error
        assert abs(cg.longitudinal - direct.longitudinal) <= cg.longitudinal_error
        assert cg.shear_error <= 10 * tol * direct.shear
        iterations.append(cg.iterations)
    assert iterations[0] < iterations[1]
