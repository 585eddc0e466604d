"""Boson peak: crystal Debye level, bootstrap intervals, excess DOS."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.analysis.elasticity import ensemble_sound_speed
from bosonpeak.analysis.peak import boson_peak, excess_dos


def test_crystal_reduced_dos_tends_to_debye_level():
    # the crystal's g/omega at low omega -> 1/(2 pi); exact from the dispersion at L = 400
    L = 400
    k = 2 * np.pi * np.arange(L) / L
    lam = 2 * (2 - np.cos(k)[:, None] - np.cos(k)[None, :])
    omega = np.sort(np.sqrt(lam.ravel()))
    edges = np.arange(0.1, 0.41, 0.1)
    below = np.searchsorted(omega, edges)
    g = bosonpeak.spectra.spectrum.histogram_dos(below, edges, L * L, n_zero=1, zero_modes=False, method="exact")
    level = bosonpeak.debye_level(bosonpeak.sound_speed(bosonpeak.network(12, 0.0)))
    np.testing.assert_allclose(g.reduced / level, 1.0, atol=0.02)
    assert np.all(np.abs(excess_dos(g) / g.density) < 0.02)


def test_bootstrap_interval_contains_estimate_and_reproduces():
    edges = np.arange(0, 1.65, 0.05)
    g = bosonpeak.ensemble_dos(30, 0.2, edges, seeds=8, zero_modes=False, rng=3)
    c = ensemble_sound_speed(30, 0.2, seeds=8, rng=3)
    bp = boson_peak(g, c=c, rng=7)
    assert bp.omega_interval[0] <= bp.omega <= bp.omega_interval[1]
    assert bp.height_interval[0] <= bp.height <= bp.height_interval[1]
    assert bp.reference == "network" and bp.height > 1.0
    again = boson_peak(g, c=c, rng=7)
    assert again == bp
    crystal = boson_peak(g, rng=7, omega_min=bp.window[0])
    # the own Debye level is higher than the crystal's by 1/c^2, so the height drops by c^2 on average
    assert crystal.height * np.mean(1 / c**2) ** -1 == pytest.approx(bp.height, rel=1e-12)


def test_single_dos_has_no_interval():
    g = bosonpeak.dos(bosonpeak.network(20, 0.2, rng=1), np.arange(0, 1.6, 0.1), zero_modes=False)
    bp = boson_peak(g, c=0.8)
    assert bp.omega_interval is None and bp.n_samples == 1


def test_bad_c_shape_is_named():
    g = bosonpeak.ensemble_dos(8, 0.2, np.arange(0, 1.6, 0.1), seeds=3, rng=1)
    with pytest.raises(ValueError, match="'c'"):
        boson_peak(g, c=[1.0, 1.0])
