"""Elastic moduli, sound speeds against the spectrum, Debye law in 2D/3D and rigidity."""

from __future__ import annotations

import numpy as np
import pytest

import bosonpeak
from bosonpeak.analysis.debye import (
    debye_level_nd,
    heat_capacity_limit,
    heat_capacity_nd,
    reduced_dos,
    vector_participation,
)
from bosonpeak.analysis.rigidity import boson_peak_scan, rigidity, rigidity_scan
from bosonpeak.analysis.vector_elasticity import directions, elastic_tensor, low_q_speeds, plane_wave_speeds
from bosonpeak.matrices.vector import vector_dynamical_matrix
from bosonpeak.spectra.spectrum import DOS

EXACT = 1e-12
#: Acceptance: speeds from the moduli and from the low-q spectrum agree within 2 % at L >= 40.
SPEED_RTOL = 0.02


def qgrid_frequencies(L: int) -> np.ndarray:
    q = 2 * np.pi * np.arange(L) / L
    s = 4 * np.sin(q / 2) ** 2
    return np.sqrt((s[:, None, None] + s[None, :, None] + s[None, None, :]).ravel())


def test_square_lattice_with_diagonals_has_the_analytic_cauchy_tensor():
    net = bosonpeak.network(10, 0.0, cutoff=np.sqrt(2))  # k1 = 1 (nearest), k2 = 1 / sqrt 2 (diagonals)
    e = elastic_tensor(net)
    k1, k2 = 1.0, 1 / np.sqrt(2)
    C11, C12, C44 = e.C[0, 0, 0, 0], e.C[0, 0, 1, 1], e.C[0, 1, 0, 1]
    assert (C11, C12, C44) == pytest.approx((k1 + k2, k2, k2), abs=EXACT)
    np.testing.assert_allclose(e.C, e.affine, atol=EXACT)  # a Bravais crystal does not relax
    assert e.bulk == pytest.approx((C11 + C12) / 2, abs=EXACT)
    assert e.shear == pytest.approx(((C11 - C12) / 2 + C44) / 2, abs=EXACT)
    np.testing.assert_allclose(e.christoffel([1, 0]), np.sqrt([C44, C11]), atol=EXACT)


def test_relaxation_softens_a_disordered_network_and_solvers_agree():
    net = bosonpeak.network(10, 0.3, cutoff=1.6, rng=2)
    direct, cg = elastic_tensor(net, solver="direct"), elastic_tensor(net, solver="cg")
    np.testing.assert_allclose(direct.C, cg.C, atol=1e-9)
    assert direct.shear < direct.affine_shear and direct.bulk < elastic_tensor(net).bulk + EXACT
    voigt = lambda C: np.array([[C[0, 0, 0, 0], C[0, 0, 1, 1], C[0, 0, 0, 1]], [C[1, 1, 0, 0], C[1, 1, 1, 1], C[1, 1, 0, 1]],
                                [C[0, 1, 0, 0], C[0, 1, 1, 1], C[0, 1, 0, 1]]])
    assert np.linalg.eigvalsh(voigt(direct.affine) - voigt(direct.C)).min() > -EXACT  # affine is an upper bound
    with pytest.raises(ValueError, match="solver='cg'"):
        elastic_tensor(bosonpeak.network(8, 0.3, cutoff=1.1, rng=1), solver="direct")  # z < 4: floppy


def test_plane_wave_ritz_values_are_eigenvalues_of_the_crystal():
    from bosonpeak.analysis.vector_elasticity import _plane_waves

    net = bosonpeak.network(6, 0.0, cutoff=np.sqrt(2), dim=3)
    K = vector_dynamical_matrix(net)
    lam = np.linalg.eigvalsh(K.toarray())
    for m in directions(3)[0]:
        W, _ = _plane_waves(net, m)
        for ritz in np.linalg.eigvalsh(W.T @ (K @ W)):
            assert np.min(np.abs(lam - ritz)) < 1e-10
    s = plane_wave_speeds(net)
    assert s["per_direction"][0, 1] ** 2 * (2 * np.pi / 6) ** 2 == pytest.approx(lam[lam > 1e-9][0], rel=1e-10)


def test_design_average_of_christoffel_speeds_is_the_isotropic_one():
    for net in (bosonpeak.network(8, 0.0, cutoff=np.sqrt(2)), bosonpeak.network(5, 0.3, cutoff=1.5, rng=1, dim=3)):
        e = elastic_tensor(net)
        dirs, w = directions(net.dim)
        k = dirs / np.linalg.norm(dirs, axis=1)[:, None]
        gamma = np.einsum("abcd,nb,nd->nac", e.C, k, k) / e.density
        longitudinal = np.einsum("na,nac,nc->n", k, gamma, k)
        transverse = (np.trace(gamma, axis1=1, axis2=2) - longitudinal) / (net.dim - 1)
        assert np.sqrt(w @ longitudinal) == pytest.approx(e.c_L, rel=1e-10)
        assert np.sqrt(w @ transverse) == pytest.approx(e.c_T, rel=1e-10)


def test_2d_crystal_speeds_match_the_low_q_spectrum_at_L40():
    net = bosonpeak.network(40, 0.0, cutoff=np.sqrt(2))
    e, s = elastic_tensor(net), low_q_speeds(net, n_modes=40)
    assert s["captured"] > 0.999
    assert (s["c_L"], s["c_T"]) == pytest.approx((e.c_L, e.c_T), rel=SPEED_RTOL)
    for m, per in zip(directions(2)[0], s["per_direction"]):
        np.testing.assert_allclose(per[::-1], e.christoffel(m), rtol=SPEED_RTOL)


def test_3d_crystal_with_face_diagonals_speeds_match_its_spectrum_at_L40():
    net = bosonpeak.network(40, 0.0, cutoff=np.sqrt(2), spring="constant", dim=3)
    e, s = elastic_tensor(net), plane_wave_speeds(net)
    assert e.anisotropy < EXACT and (e.c_L, e.c_T) == pytest.approx((np.sqrt(3), 1.0), rel=EXACT)
    assert (s["c_L"], s["c_T"]) == pytest.approx((e.c_L, e.c_T), rel=SPEED_RTOL)


def test_isotropic_random_network_speeds_match_the_low_q_spectrum_at_L40():
    net = bosonpeak.network(40, 0.4, cutoff=1.8, rng=1)
    e, s = elastic_tensor(net), low_q_speeds(net, n_modes=80)
    assert e.anisotropy < 0.05 and s["captured"] > 0.95
    assert e.shear < 0.9 * e.affine_shear  # the non-affine part matters
    assert (s["c_L"], s["c_T"]) == pytest.approx((e.c_L, e.c_T), rel=SPEED_RTOL)


def test_vector_debye_level_reduces_to_the_scalar_one_and_2d_heat_capacity_agrees():
    for d in (2, 3):
        assert debye_level_nd(d, model="vector", c_L=1.3, c_T=1.3) == pytest.approx(debye_level_nd(d, c=1.3), rel=EXACT)
    assert debye_level_nd(2, c=1.0) == pytest.approx(bosonpeak.debye_level(1.0), rel=EXACT)
    g = bosonpeak.dos(bosonpeak.network(20, 0.2, rng=1), np.linspace(0, 3.5, 141), zero_modes=False)
    T = np.array([0.05, 0.3, 2.0])
    lvl, low = bosonpeak.debye_level(0.8), 2 * 2 * np.pi * 0.8 / 20
    np.testing.assert_allclose(heat_capacity_nd(g, T, 2, level=lvl, omega_low=low),
                               bosonpeak.heat_capacity(g, T, c=0.8, omega_low=low), rtol=1e-12)


def test_3d_crystal_low_frequency_dos_and_heat_capacity_reach_debye():
    level = debye_level_nd(3, c=1.0)  # 1 / (2 pi^2)
    # the q-grid (exactly the crystal's spectrum, test_vector.py) of a large box: cumulative Debye law with
    # the lattice's first correction omega^2 = q^2 - sum q_i^4 / 12 -> g = level omega^2 (1 + omega^2 / 8)
    w = qgrid_frequencies(200)
    for W in (0.5, 0.7):
        assert np.mean(w < W) == pytest.approx(level * (W**3 / 3 + W**5 / 40), rel=0.01)
    edges = np.arange(0, 3.5 + 1e-9, 0.025)
    g = DOS(edges, np.histogram(w, edges)[0] / (w.size * 0.025), w.size, "qgrid", zero_modes=1.0)
    limit = heat_capacity_limit(3, level)
    assert limit == pytest.approx(2 * np.pi**2 / 15, rel=EXACT)
    T = np.array([0.02, 0.03, 0.05])
    C = heat_capacity_nd(g, T, 3, level=level, omega_low=2 * 2 * np.pi / 200)
    np.testing.assert_allclose(C / T**3, limit, rtol=0.015)
    # the KPM engine on the L = 40 crystal itself: g / omega^2 over [0.2, 0.8] within shell noise
    k = bosonpeak.dos(bosonpeak.network(40, 0.0, dim=3), np.arange(0, 3.5 + 1e-9, 0.05), method="kpm",
                      resolution=0.02, vectors=8, rng=1, zero_modes=False)
    sel = (k.centres > 0.2) & (k.centres < 0.8)
    a, b = k.edges[:-1][sel], k.edges[1:][sel]
    assert np.sum(k.density[sel] * k.widths[sel]) == pytest.approx(level * np.sum((b**3 - a**3) / 3 + (b**5 - a**5) / 40), rel=0.05)
    assert np.all(np.isfinite(reduced_dos(k, 3)))


def test_vector_participation_of_a_plane_wave_and_a_localised_mode():
    x = np.arange(12) * 2 * np.pi / 12
    wave = np.zeros(24)
    wave[1::2] = np.cos(x)  # transverse plane wave on a chain of 12 nodes
    local = np.zeros(24)
    local[6:8] = [0.6, 0.8]
    assert vector_participation(np.column_stack([wave, local]), 2) == pytest.approx([2 / 3, 1 / 12])


def test_floppy_modes_follow_maxwell_and_vanish_past_isostaticity():
    s = rigidity_scan(10, [1.0, 1.1, 1.2, 1.3, 1.4, 1.6], delta=0.3, seeds=2, rng=3)
    assert np.all(s.floppy_fraction >= s.maxwell_fraction - EXACT)  # N_0 - d >= d N - E - d
    assert np.all(s.floppy_fraction[s.mean_z < 3.5] > 0) and np.all(s.floppy_fraction[s.mean_z > 5] == 0)
    z_floppy, z_rigid = s.rigidity_window
    assert 3.5 < z_floppy < z_rigid < 5.5  # around the isostatic 2 d = 4
    r = rigidity(bosonpeak.network(4, 0.0, rule="nearest", dim=3))
    assert (r["zero_modes"], r["maxwell_floppy"], r["self_stress"]) == (48, 0, 48)


def test_boson_peak_moves_down_towards_isostaticity():
    s = boson_peak_scan(16, [1.35, 1.5, 1.6], delta=0.3, rng=1)
    assert np.all(s["dz"] > 0) and np.all(np.diff(s["dz"]) > 0)
    assert np.all(np.diff(s["omega_star"]) > 0)  # Wyart: omega* ~ z - 2 d
    ratio = s["omega_star"] / s["dz"]
    assert ratio.max() < 2 * ratio.min()  # roughly proportional over this range


def test_3d_scalar_sound_speed_matches_its_lowest_modes_and_debye_level():
    net = bosonpeak.network(12, 0.3, cutoff=1.5, rng=4, dim=3)
    c = bosonpeak.sound_speed(net)
    H = bosonpeak.dynamical_matrix(net)
    lam = np.sort(np.linalg.eigvalsh(H.toarray()))[1:7]  # the six q = 2 pi / L plane waves
    assert np.sqrt(lam.mean()) == pytest.approx(c * 2 * np.pi / 12, rel=0.02)
    crystal = bosonpeak.conductivity_tensor(bosonpeak.network(6, 0.0, dim=3))
    np.testing.assert_allclose(crystal.sigma, np.eye(3), atol=EXACT)
    assert debye_level_nd(3, c=crystal.c) == pytest.approx(1 / (2 * np.pi**2), rel=EXACT)


def test_vector_workflow_compares_scalar_and_vector_on_one_network(tmp_path):
    from bosonpeak.workflows.vector import compute, figures, summary

    ds = compute(5, 0.3, cutoff=1.6, seed=1)
    a = ds.attrs
    assert a["zero_modes_vector"] == 3 and a["zero_modes_scalar"] == 1 and a["c_T"] < a["c_L"]
    assert a["debye_level_vector"] == pytest.approx(debye_level_nd(3, model="vector", c_L=a["c_L"], c_T=a["c_T"]), rel=EXACT)
    # each DOS integrates to its non-zero modes; below the hand-over C/T^3 is its own Debye limit
    w = np.diff(ds["omega_edges"].values)
    assert np.sum(ds["density_vector"].values * w) == pytest.approx((375 - 3) / 375, abs=EXACT)
    assert np.sum(ds["density_scalar"].values * w) == pytest.approx((125 - 1) / 125, abs=EXACT)
    np.testing.assert_allclose(ds["heat_vector"].values[:3], 1.0, rtol=1e-6)
    assert "3D N = 125" in summary(ds)
    paths = figures(ds, tmp_path)
    assert sorted(p.name for p in paths) == ["heat_capacity.png", "reduced_dos.png"] and all(p.stat().st_size > 0 for p in paths)
