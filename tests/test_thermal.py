"""Heat capacity: 2D Debye limit, high-T limit, agreement with the infinite crystal."""

import numpy as np
import pytest
from scipy.special import zeta

import bosonpeak
from bosonpeak.analysis.thermal import debye_limit, einstein, heat_capacity


@pytest.fixture(scope="module")
def crystal_dos():
    return bosonpeak.dos(bosonpeak.network(40, 0.0), np.arange(0, 2.85, 0.01), zero_modes=False)


def test_debye_limit_value():
    assert debye_limit(1.0) == pytest.approx(3 * zeta(3) / np.pi)
    assert debye_limit(0.5) == pytest.approx(4 * debye_limit(1.0))


def test_crystal_low_and_high_temperature(crystal_dos):
    c = bosonpeak.sound_speed(bosonpeak.network(40, 0.0))
    C = heat_capacity(crystal_dos, [0.003, 50.0], c=c)
    assert C[0] / 0.003**2 == pytest.approx(3 * zeta(3) / np.pi, rel=1e-4)
    assert C[1] == pytest.approx(1.0, abs=2e-3)  # Dulong-Petit: one degree of freedom per node


def test_crystal_matches_brillouin_zone_integral(crystal_dos):
    # infinite crystal: C(T) = mean over the zone of E(omega_k / T); 1200^2 k points
    k = 2 * np.pi * (np.arange(1200) + 0.5) / 1200
    s = np.sin(k / 2) ** 2
    omega = 2 * np.sqrt(s[:, None] + s[None, :])
    for T in (0.2, 0.3, 0.5, 1.0):  # at T = 0.1 the L = 40 shells (omega_1 = 0.157) still show at the 4% level
        exact = einstein(omega / T).mean()
        assert heat_capacity(crystal_dos, T, c=1.0) == pytest.approx(exact, rel=0.02)


def test_without_c_low_end_is_empty(crystal_dos):
    # no modes below the finite-size cut-off: C/T^2 collapses at low T unless Debye's law is used
    T = 0.005
    assert heat_capacity(crystal_dos, T) / T**2 < 0.2 * debye_limit()
    with pytest.raises(ValueError, match="omega_low"):
        heat_capacity(crystal_dos, T, omega_low=0.1)


# --- every DOS bosonpeak makes, per-seed sound speeds, extreme temperatures ---------------------

def test_kpm_keeping_zero_modes_equals_kpm_without(crystal_dos):
    # same random vectors: the kept zero modes are an exact kernel-broadened delta, removed again
    net = bosonpeak.network(30, 0.2, rule="cutoff", rng=3)
    edges = np.arange(0, 3.2, 0.05)
    kept = bosonpeak.dos(net, edges, method="kpm", rng=1, zero_modes=True)
    removed = bosonpeak.dos(net, edges, method="kpm", rng=1, zero_modes=False)
    T = np.array([0.01, 0.1, 0.5, 5.0])
    for c in (None, 0.8):
        assert heat_capacity(kept, T, c=c) == pytest.approx(heat_capacity(removed, T, c=c), rel=1e-10, abs=1e-300)


def test_kpm_ensemble_keeping_zero_modes():
    edges = np.arange(0, 3.2, 0.05)
    kept = bosonpeak.ensemble_dos(16, 0.3, edges, seeds=3, method="kpm", rng=4, zero_modes=True)
    removed = bosonpeak.ensemble_dos(16, 0.3, edges, seeds=3, method="kpm", rng=4, zero_modes=False)
    T = np.array([0.05, 0.3, 3.0])
    assert heat_capacity(kept, T, c=0.8) == pytest.approx(heat_capacity(removed, T, c=0.8), rel=1e-10)


def test_per_seed_sound_speeds_average_the_samples():
    # C is linear in the DOS and in the Debye level: per-seed c gives the mean of the samples' C
    edges = np.arange(0, 3.2, 0.05)
    g = bosonpeak.ensemble_dos(12, 0.2, edges, seeds=3, zero_modes=False, rng=5)
    c = np.array([0.7, 0.8, 0.9])
    T = np.array([0.02, 0.2, 2.0])
    one = [heat_capacity(bosonpeak.DOS(edges, row, g.n_modes, "dense", zero_modes_removed=True), T, c=ck, omega_low=0.4)
           for row, ck in zip(g.samples, c)]
    assert heat_capacity(g, T, c=c, omega_low=0.4) == pytest.approx(np.mean(one, axis=0), rel=1e-12)
    with pytest.raises(ValueError, match="one per sample"):
        heat_capacity(g, T, c=[0.7, 0.8])


@pytest.mark.parametrize("c", [None, 0.9])
def test_extreme_temperatures(crystal_dos, c):
    C = heat_capacity(crystal_dos, [1e-200, 1e300], c=c)
    r = heat_capacity(crystal_dos, [1e-200, 1e300], c=c, reduced=True)
    assert np.all(np.isfinite(C)) and np.all(np.isfinite(r))
    # high T: Dulong-Petit, every non-zero mode gives 1 (the DOS above omega_low plus Debye's
    # law below it, level * omega_low^2 / 2, when c is given)
    g, e = crystal_dos.density, crystal_dos.edges
    if c is None:
        assert C[1] == pytest.approx(np.sum(g * np.diff(e)), rel=1e-12)
        assert C[1] == pytest.approx(1 - 1 / 1600, rel=1e-12)
        assert C[0] == 0.0 and r[0] == 0.0  # no modes below 2 sin(pi / 40): exp(-1e199)
    else:
        low = 2 * 2 * np.pi * c / 40
        top = np.sum(g * np.diff(np.clip(e, low, None))) + bosonpeak.analysis.elasticity.debye_level(c) * low**2 / 2
        assert C[1] == pytest.approx(top, rel=1e-12)
        assert r[0] == pytest.approx(debye_limit(c), rel=1e-12)  # Debye T^2 law
        assert C[0] == 0.0  # T^2 = 1e-400 is below the smallest double
    assert r[1] == 0.0  # C / T^2 = 1e-600


def test_reduced_is_C_over_T2(crystal_dos):
    T = np.geomspace(1e-3, 10, 9)
    assert heat_capacity(crystal_dos, T, c=1.0, reduced=True) == pytest.approx(heat_capacity(crystal_dos, T, c=1.0) / T**2, rel=1e-12)


def test_vector_hessian_dos_with_its_own_debye_level():
    # the glass's vector DOS (per 2M modes, translations removed) with its Debye level
    # (1/c_L^2 + 1/c_T^2) / (4 pi n): C/T^2 -> level * 6 zeta(3) per mode at low T, and every
    # non-zero mode gives 1 at high T
    from bosonpeak.analysis.elasticity import debye_levels
    from bosonpeak.spectra.vector import glass_dos

    packing = bosonpeak.jammed_packing(256, 0.9, rng=1)
    levels = debye_levels(packing)
    g = glass_dos(bosonpeak.glass_hessian(packing), np.arange(0, 4.0, 0.05))
    low = 2 * 2 * np.pi * levels["c_T"] / packing.box
    r = heat_capacity(g, [1e-200, 1e-6], level=levels["vector"], omega_low=low, reduced=True)
    assert r == pytest.approx(levels["vector"] * 6 * zeta(3), rel=1e-9)
    top = np.sum(g.density * np.diff(np.clip(g.edges, low, None))) + levels["vector"] * low**2 / 2
    assert heat_capacity(g, 1e300, level=levels["vector"], omega_low=low) == pytest.approx(top, rel=1e-12)
    with pytest.raises(ValueError, match="omega_low"):
        heat_capacity(g, 0.1, level=levels["vector"])
    with pytest.raises(ValueError, match="replaces 'c'"):
        heat_capacity(g, 0.1, level=levels["vector"], c=1.0, omega_low=low)


def test_kpm_vector_hessian_keeping_its_known_zero_modes():
    # a vector Hessian is no Laplacian: KPM keeps its 2 translations in the moments; with n_zero
    # known, heat_capacity removes them as the same broadened delta that zero_modes=False removes
    H = bosonpeak.glass_hessian(bosonpeak.jammed_packing(256, 0.9, rng=1))
    edges = np.arange(0, 4.0, 0.05)
    kept = bosonpeak.dos(H, edges, method="kpm", n_zero=2, rng=3, zero_modes=True)
    removed = bosonpeak.dos(H, edges, method="kpm", n_zero=2, rng=3)  # the default: taken out
    assert kept.zero_modes == removed.zero_modes == 2 and not kept.zero_modes_removed and removed.zero_modes_removed
    T = np.array([0.01, 0.1, 1.0, 1e300])
    assert heat_capacity(kept, T) == pytest.approx(heat_capacity(removed, T), rel=1e-10, abs=1e-300)


def test_reduced_finite_at_the_ends_of_the_double_range(crystal_dos):
    T = np.array([5e-324, 1e-300, 1.7e308])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        r = heat_capacity(crystal_dos, T, c=1.0, reduced=True)
    assert r[:2] == pytest.approx(debye_limit(), rel=1e-12) and r[2] == 0.0
