"""Particle systems: pair terms, forces and the sparse Hessian against independent numpy references."""

from dataclasses import replace

import numpy as np
import pytest

from bosonpeak.matrices.particle_hessian import hessian
from bosonpeak.model.minimize import minimize, rattlers
from bosonpeak.model.particles import particles
from bosonpeak.model.potentials import energy_forces, pair_terms, potential

#: Agreement of the compiled Hessian with the numpy reference (relative to its largest entry).
EXACT = 1e-12
#: Central finite differences of the forces with step 1e-6: error ~ h^2 V'''' ~ 1e-9 relative.
FD = 1e-6

KA_SIGMA = np.array([[1.0, 0.8], [0.8, 0.88]])
KA_EPS = np.array([[1.0, 1.5], [1.5, 0.5]])


def ka_system(n_side=6, dim=3, tilt=True, seed=0):
    """A jittered lattice of Kob-Andersen particles (80:20) at number density 1.2, triclinic."""
    rng = np.random.default_rng(seed)
    n = n_side**dim
    L = (n / 1.2) ** (1 / dim)
    cell = np.eye(dim) * L
    if tilt:
        cell[1, 0] = 0.2 * L
        if dim == 3:
            cell[2, 1], cell[2, 0] = -0.1 * L, 0.05 * L
    s = (np.indices((n_side,) * dim).reshape(dim, -1).T + 0.5) / n_side + 0.01 * rng.standard_normal((n, dim))
    types = np.where(rng.permutation(n) < 0.8 * n, 1, 2)
    return particles(s @ cell, cell, types=types)


def disks(n=48, phi=1.0, seed=1, dim=2):
    """Random bidisperse soft spheres (1 : 1.4), overlapping, triclinic box."""
    rng = np.random.default_rng(seed)
    d = np.where(np.arange(n) < n // 2, 1.0, 1.4)
    vol = np.sum(np.pi * (d / 2) ** 2) / phi if dim == 2 else np.sum(np.pi / 6 * d**3) / phi
    L = vol ** (1 / dim)
    cell = np.eye(dim) * L
    cell[1, 0] = 0.3 * L
    return particles(rng.random((n, dim)) @ cell, cell, diameters=d, types=np.where(d > 1, 2, 1),
                     masses=rng.uniform(0.5, 2.0, n))


def reference_terms(p, name):
    """Brute-force pairs (minimum image by rounding the fractional difference) and (V, V', V'') in numpy."""
    s = np.linalg.solve(p.cell.T, p.positions.T).T
    i, j = np.triu_indices(p.n, 1)
    ds = s[j] - s[i]
    ds -= np.round(ds)
    d = ds @ p.cell
    r = np.linalg.norm(d, axis=1)
    if name == "kob-andersen":
        a, b = p.types[i] - 1, p.types[j] - 1
        eps, sig = KA_EPS[a, b], KA_SIGMA[a, b]
        rc = 2.5 * sig

        def lj(r):
            q = sig / r
            return (4 * eps * (q**12 - q**6), 4 * eps * (-12 * q**12 + 6 * q**6) / r,
                    4 * eps * (156 * q**12 - 42 * q**6) / r**2)

        v, dv, d2v = lj(r)
        vc, dvc, _ = lj(rc)
        v, dv = v - vc - (r - rc) * dvc, dv - dvc
    else:
        alpha = 2.0 if name == "harmonic" else 2.5
        rc = 0.5 * (p.diameters[i] + p.diameters[j])
        x = np.clip(1 - r / rc, 0, None)
        v, dv, d2v = x**alpha / alpha, -x ** (alpha - 1) / rc, (alpha - 1) * x ** (alpha - 2) / rc**2
    on = r < rc
    return i[on], j[on], d[on], r[on], v[on], dv[on], d2v[on]


def reference_hessian(p, name, mass_weighted=True):
    """Dense Hessian from the brute-force pairs, one 2x2 or 3x3 block at a time."""
    i, j, d, r, _, dv, d2v = reference_terms(p, name)
    dim = p.dim
    H = np.zeros((dim * p.n, dim * p.n))
    for a, b, x, rr, g, k in zip(i, j, d, r, dv, d2v):
        n = x / rr
        blk = k * np.outer(n, n) + g / rr * (np.eye(dim) - np.outer(n, n))
        H[dim * a:dim * a + dim, dim * b:dim * b + dim] -= blk
        H[dim * b:dim * b + dim, dim * a:dim * a + dim] -= blk
        H[dim * a:dim * a + dim, dim * a:dim * a + dim] += blk
        H[dim * b:dim * b + dim, dim * b:dim * b + dim] += blk
    if mass_weighted:
        w = np.repeat(1 / np.sqrt(p.masses), dim)
        H = w[:, None] * H * w[None, :]
    return H


CASES = [("kob-andersen", lambda: ka_system(6, 3)), ("kob-andersen", lambda: ka_system(11, 2)),
         ("harmonic", lambda: disks(48, dim=2)), ("harmonic", lambda: disks(60, phi=0.9, dim=3)),
         ("hertzian", lambda: disks(48, dim=2))]


@pytest.mark.parametrize("name,make", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_hessian_equals_numpy_reference(name, make):
    p = make()
    pot = potential(name)
    H = hessian(p, pot)
    ref = reference_hessian(p, name)
    assert H.indices.dtype == np.int32 and H.indptr.dtype == np.int32 and H.has_sorted_indices
    assert np.abs(H.toarray() - ref).max() <= EXACT * np.abs(ref).max()
    assert np.abs(H - H.T).max() == 0.0
    lam, lam_ref = np.linalg.eigvalsh(H.toarray()), np.linalg.eigvalsh(ref)
    np.testing.assert_allclose(lam, lam_ref, atol=1e-10 * lam_ref.max())
    # translations are zero modes of the mass-weighted matrix: sqrt(m) along each axis
    for a in range(p.dim):
        t = np.zeros((p.n, p.dim))
        t[:, a] = np.sqrt(p.masses)
        assert np.abs(H @ t.ravel()).max() < 1e-10 * lam_ref.max()


@pytest.mark.parametrize("name,make", CASES[:3] + CASES[4:], ids=["ka3d", "ka2d", "harmonic2d", "hertzian2d"])
def test_hessian_is_finite_difference_of_forces(name, make):
    p = make()
    pot = potential(name)
    H = hessian(p, pot, mass_weighted=False).toarray()
    U, F = energy_forces(p, pot)
    i, j, _, _, v, _, _ = reference_terms(p, name)
    assert U == pytest.approx(v.sum(), rel=1e-12)
    cols = np.random.default_rng(3).choice(p.dim * p.n, 8, replace=False)
    h = 1e-6
    for c in cols:
        x = p.positions.copy().ravel()
        x[c] += h
        fp = energy_forces(replace(p, positions=x.reshape(p.n, p.dim)), pot)[1].ravel()
        x[c] -= 2 * h
        fm = energy_forces(replace(p, positions=x.reshape(p.n, p.dim)), pot)[1].ravel()
        np.testing.assert_allclose(H[:, c], -(fp - fm) / (2 * h), atol=FD * np.abs(H).max())


def test_pair_terms_match_brute_force_and_are_sorted():
    p = ka_system(6, 3)
    t = pair_terms(p, potential("kob-andersen"))
    i, j, d, r, v, dv, d2v = reference_terms(p, "kob-andersen")
    order = np.lexsort((j, i))
    assert np.array_equal(t.i, i[order]) and np.array_equal(t.j, j[order])
    np.testing.assert_allclose(t.rij, d[order], atol=1e-12)
    np.testing.assert_allclose(np.c_[t.V, t.dV, t.d2V], np.c_[v, dv, d2v][order], rtol=1e-10, atol=1e-12)


def test_kob_andersen_force_shift_vanishes_at_the_cutoff():
    pot = potential("kob-andersen")
    for (a, b), sig in np.ndenumerate(KA_SIGMA):
        rc = 2.5 * sig
        for r, vmax in ((rc - 1e-7, 1e-12), (rc + 1e-7, 0.0)):
            p = particles([[0.0, 0.0, 0.0], [r, 0.0, 0.0]], [8.0, 8.0, 8.0], types=[a + 1, b + 1])
            t = pair_terms(p, pot)
            if r > rc:
                assert len(t.r) == 0
            else:
                assert abs(t.V[0]) < vmax and abs(t.dV[0]) < 1e-5 and t.d2V[0] < 0  # concave past the inflection
    # inside: the shifted LJ of LAMMPS lj/smooth/linear, by hand for an AB pair at r = 1
    p = particles([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]], [8.0, 8.0, 8.0], types=[1, 2])
    rc, q, qc = 2.0, 0.8, 0.4
    v = 6 * (q**12 - q**6) - 6 * (qc**12 - qc**6) - (1 - rc) * 6 * (-12 * qc**12 + 6 * qc**6) / rc
    assert pair_terms(p, pot).V[0] == pytest.approx(v, rel=1e-13)


def test_scalar_reduction_and_keep():
    p = disks(48)
    pot = potential("harmonic")
    i, j, _, _, _, _, d2v = reference_terms(p, "harmonic")
    S = hessian(p, pot, scalar=True, mass_weighted=False).toarray()
    ref = np.zeros((p.n, p.n))
    np.add.at(ref, (i, j), -d2v)
    np.add.at(ref, (j, i), -d2v)
    ref[np.diag_indices(p.n)] = -ref.sum(axis=1)
    np.testing.assert_allclose(S, ref, atol=1e-13)
    keep = np.ones(p.n, dtype=bool)
    keep[[3, 10, 11]] = False
    K = hessian(p, pot, keep=keep).toarray()
    sub = replace(p, positions=p.positions[keep], masses=p.masses[keep], types=p.types[keep], diameters=p.diameters[keep])
    np.testing.assert_allclose(K, reference_hessian(sub, "harmonic"), atol=1e-13)


def test_rattlers_match_one_at_a_time_removal():
    p = disks(80, phi=0.75, seed=4)
    pot = potential("harmonic")
    got = rattlers(p, pot)
    i, j, *_ = reference_terms(p, "harmonic")
    alive = np.ones(p.n, dtype=bool)
    while True:  # remove one particle at a time, recount: the same fixed point
        z = np.bincount(i[alive[i] & alive[j]], minlength=p.n) + np.bincount(j[alive[i] & alive[j]], minlength=p.n)
        bad = np.flatnonzero(alive & (z < 3))
        if not bad.size:
            break
        alive[bad[0]] = False
    assert np.array_equal(got, ~alive) and 0 < got.sum() < p.n


def test_minimize_reaches_the_stated_force_and_a_stable_minimum():
    p = disks(40, phi=0.9, seed=2)
    pot = potential("harmonic")
    m = minimize(p, pot, ftol=1e-11)
    U0, _ = energy_forces(p, pot)
    U, F = energy_forces(m.particles, pot)
    assert m.max_force < 1e-11 and np.abs(F).max() == pytest.approx(m.max_force, rel=1e-6, abs=1e-14)
    assert m.energy == pytest.approx(U, rel=1e-10) and U < U0
    keep = ~rattlers(m.particles, pot)
    lam = np.linalg.eigvalsh(hessian(m.particles, pot, keep=keep).toarray())
    assert lam.min() > -1e-9 and np.sum(np.abs(lam) < 1e-9) == 2


def test_kpm_dos_of_a_particle_hessian_through_the_copy_free_checks(monkeypatch):
    """bosonpeak.dos(H, method="kpm") on a 3D packing's Hessian, with the checks of very large
    matrices forced on: the DOS agrees with the dense engine within its error bars."""
    import bosonpeak
    from bosonpeak.matrices import _lean

    m = minimize(disks(160, phi=0.75, seed=5, dim=3), potential("harmonic"), ftol=1e-10)
    H = hessian(m.particles, potential("harmonic"))
    edges = np.linspace(0.0, 3.0, 16)
    exact = bosonpeak.dos(H, edges, method="dense", zero_modes=True)
    monkeypatch.setattr(_lean, "LEAN_NNZ", 0)
    g = bosonpeak.dos(H, edges, method="kpm", zero_modes=True, resolution=0.02, vectors=8, rng=7)
    assert g.integral() == pytest.approx(exact.integral(), abs=1e-3)
    inside = edges[1:] < g.info["omega_max"]
    z = (g.density - exact.density)[inside] / np.hypot(g.error[inside], 1e-3)
    assert np.abs(z).max() < 5


def test_generic_lj_with_kob_andersen_parameters_is_kob_andersen():
    p = ka_system(11, 2)
    lj = potential("lj", eps={(1, 1): 1.0, (1, 2): 1.5, (2, 2): 0.5}, sigma={(1, 1): 1.0, (1, 2): 0.8, (2, 2): 0.88},
                   cutoff=2.5, shift="force")
    assert (hessian(p, lj) != hessian(p, potential("kob-andersen"))).nnz == 0


@pytest.mark.parametrize("shift", ["force", "energy", "none"])
def test_inverse_power_law_forces_and_hessian_are_derivatives(shift):
    p = minimize(disks(48, phi=0.9, seed=6), potential("harmonic"), ftol=1e-8).particles  # no near-overlaps
    pot = potential("ipl", n=10, cutoff=1.4, shift=shift)
    U, F = energy_forces(p, pot)
    H = hessian(p, pot, mass_weighted=False).toarray()
    t = pair_terms(p, pot)
    s = 0.5 * (p.diameters[t.i] + p.diameters[t.j])
    v = (s / t.r) ** 10
    vc, dvc = (1 / 1.4) ** 10, -10 * (1 / 1.4) ** 10 / (1.4 * s)
    expect = v - (vc if shift != "none" else 0) - ((t.r - 1.4 * s) * dvc if shift == "force" else 0)
    np.testing.assert_allclose(t.V, expect, rtol=1e-12, atol=1e-15)
    h, c = 1e-6, 7
    x = p.positions.copy().ravel()
    x[c] += h
    up = energy_forces(replace(p, positions=x.reshape(p.n, 2)), pot)
    x[c] -= 2 * h
    down = energy_forces(replace(p, positions=x.reshape(p.n, 2)), pot)
    assert -F.ravel()[c] == pytest.approx((up[0] - down[0]) / (2 * h), rel=1e-6, abs=1e-9)
    np.testing.assert_allclose(H[:, c], -(up[1] - down[1]).ravel() / (2 * h), atol=FD * np.abs(H).max())
