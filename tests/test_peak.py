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


# --- the verdict: a Boson peak only where there is one ---

def _synthetic_dos(reduced, width=0.05, n_modes=10**6):
    """A DOS whose g/omega is ``reduced`` at the bin centres (no samples)."""
    edges = width * np.arange(len(reduced) + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    return bosonpeak.DOS(edges, np.asarray(reduced) * centres, n_modes, "exact")


def test_crystal_has_no_boson_peak():
    g = bosonpeak.dos(bosonpeak.network(60, 0.0), np.arange(0, 1.65, 0.05), method="slicing", zero_modes=False)
    flagged = boson_peak(g, crystal=True)
    assert not flagged.found and flagged.reason == "crystal" and str(flagged) == "no Boson peak (crystal)"
    assert g.crystal and boson_peak(g).reason == "crystal"  # the DOS of a crystal network says so itself
    # even unflagged, the crystal's g/omega rises to the van Hove singularity at omega = 2: no interior maximum
    plain = boson_peak(g, crystal=False)
    assert not plain.found and plain.reason in ("monotone", "at the window edge")
    assert plain.omega > 1.4


@pytest.mark.parametrize("delta", [0.2, 0.4])
def test_nearest_rule_has_no_interior_peak(delta):
    edges = np.arange(0, 1.65, 0.05)
    g = bosonpeak.ensemble_dos(60, delta, edges, seeds=3, rule="nearest", method="slicing", zero_modes=False, rng=3)
    c = ensemble_sound_speed(60, delta, seeds=3, rule="nearest", rng=3)
    bp = boson_peak(g, c=c, rng=7)
    assert not bp.found and bp.reason in ("monotone", "at the window edge")
    assert str(bp).startswith("no Boson peak")


def test_clear_interior_maximum_above_debye_is_found():
    level = 1 / (2 * np.pi)
    centres = 0.05 * np.arange(32) + 0.025
    reduced = level * (1 + 0.8 * np.exp(-((centres - 0.7) / 0.15) ** 2))
    bp = boson_peak(_synthetic_dos(reduced), omega_min=0.2)
    assert bp.found and bp.reason is None
    assert bp.omega == pytest.approx(0.7, abs=0.03) and bp.height > 1.5
    assert "omega_BP = 0.7" in str(bp)
    # the same bump sunk below the Debye level is no peak
    low = boson_peak(_synthetic_dos(0.5 * reduced), omega_min=0.2)
    assert not low.found and low.reason == "below the Debye level"


def test_maximum_at_the_window_edge_is_not_a_peak():
    level = 1 / (2 * np.pi)
    centres = 0.05 * np.arange(32) + 0.025
    bump = level * (1 + 0.8 * np.exp(-((centres - 0.7) / 0.15) ** 2))
    edge = boson_peak(_synthetic_dos(bump), omega_min=0.2, omega_max=0.6)  # the bump's rising flank only
    assert not edge.found and edge.reason == "monotone"
    wiggly = bump + level * 4 * np.clip(centres - 1.2, 0, None)  # a rise to the top end, higher than the bump
    top = boson_peak(_synthetic_dos(wiggly), omega_min=0.2)
    assert not top.found and top.reason == "at the window edge"


def test_peak_within_noise_of_the_edge_is_not_found():
    from bosonpeak.analysis.peak import peak_verdict
    level = 1.0
    reduced = np.array([1.20, 1.22, 1.25, 1.23, 1.21])
    assert peak_verdict(reduced, level) is None
    assert peak_verdict(reduced, level, error=np.full(5, 0.05)) == "at the window edge"
    assert peak_verdict(reduced, level, height_low=0.95) == "not above the Debye level at the given confidence"
