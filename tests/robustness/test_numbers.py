"""Issue 27, "Numbers and verdicts": each case fixed as a class (the Debye law of the DOS given,
no peak in a crystal, numbers at the ends of the double range refused or exact)."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.analysis.debye import debye_level_nd
from bosonpeak.analysis.peak import boson_peak

EDGES = np.arange(0, 1.65, 0.05)


@pytest.mark.parametrize("rule", ["cutoff", "nearest"])
@pytest.mark.parametrize("delta", [0.0, 1e-12])
def test_a_perfect_crystal_reports_no_peak(rule, delta):
    one = bosonpeak.dos(bosonpeak.network(16, delta, rule=rule), EDGES, zero_modes=False)
    many = bosonpeak.ensemble_dos(16, delta, EDGES, seeds=2, rule=rule, zero_modes=False, rng=1)
    for g in (one, many):
        bp = boson_peak(g, bootstrap=200, rng=0)
        assert g.crystal and not bp.found and bp.reason == "crystal" and bp.verdict == "crystal"


def test_a_disordered_network_is_no_crystal():
    assert not bosonpeak.dos(bosonpeak.network(16, 1e-6, rng=1), EDGES).crystal


def test_boson_peak_uses_the_debye_level_of_the_dimension_and_model():
    g3 = bosonpeak.dos(bosonpeak.network(8, 0.2, dim=3, rng=1), np.arange(0, 3.6, 0.1), zero_modes=False)
    assert (g3.dim, g3.model) == (3, "scalar")
    bp = boson_peak(g3, c=0.9, omega_min=0.5, omega_max=2.5)
    assert bp.debye_level == pytest.approx(1 / (2 * np.pi**2 * 0.9**3), rel=1e-12) and (bp.dim, bp.model) == (3, "scalar")
    assert np.allclose(g3.reduced, g3.density / g3.centres**2)
    gv = bosonpeak.vector_dos(bosonpeak.network(6, 0.2, cutoff=1.6, rng=1), np.arange(0, 4.0, 0.1), zero_modes=False)
    assert (gv.dim, gv.model) == (2, "vector")
    with pytest.raises(ValueError, match="c_L"):
        boson_peak(gv)  # no crystal reference for a vector DOS: refused, not the scalar level
    bv = boson_peak(gv, c_L=1.2, c_T=0.6, omega_min=0.5, omega_max=3.0)
    assert bv.debye_level == pytest.approx(debye_level_nd(2, model="vector", c_L=1.2, c_T=0.6), rel=1e-12)
    with pytest.raises(ValueError, match="excess_reduced_dos"):
        bosonpeak.excess_dos(gv)


@pytest.mark.parametrize("c", [1e-300, 1e-160])
def test_tiny_speeds_are_refused_by_name(c):
    with pytest.raises(ValueError, match="Debye level"):
        bosonpeak.debye_level(c)
    with pytest.raises(ValueError, match="Debye level"):
        bosonpeak.excess_dos(bosonpeak.dos(bosonpeak.network(8, 0.1, rng=1), EDGES), c=c)
    with pytest.raises(ValueError, match="Debye level"):
        debye_level_nd(3, model="vector", c_L=c, c_T=c)


@pytest.mark.parametrize("scale", [1e300, 1e-300, 1.0])
def test_participation_ratio_does_not_depend_on_the_scale(scale):
    v = scale * np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(bosonpeak.participation_ratio(v), [0.5, 0.25], rtol=1e-14)


def test_heat_capacity_high_t_limit_is_what_its_docstring_says_and_t_is_no_boolean():
    from bosonpeak.analysis.thermal import handover_modes
    g = bosonpeak.dos(bosonpeak.network(16, 0.2, rng=1), zero_modes=False)
    c = bosonpeak.sound_speed(bosonpeak.network(16, 0.2, rng=1))
    assert bosonpeak.heat_capacity(g, 1e300) == pytest.approx(1 - 1 / 256, rel=1e-12)
    low = 2 * 2 * np.pi * c / 16
    expected = 1 - 1 / 256 + handover_modes(g, low, bosonpeak.debye_level(c))
    assert bosonpeak.heat_capacity(g, 1e300, c=c) == pytest.approx(expected, rel=1e-12)
    for T in (True, np.array([True, False])):
        with pytest.raises(TypeError, match="'T'"):
            bosonpeak.heat_capacity(g, T)


def test_kpm_resolution_beyond_the_moment_cap_is_refused_at_once():
    from bosonpeak.spectra.kpm import MAX_MOMENTS
    with pytest.raises(ValueError, match=f"needs about|more than {MAX_MOMENTS}"):
        bosonpeak.dos(bosonpeak.network(40, 0.2, rng=1), np.arange(0, 3.0, 0.05), method="kpm", resolution=1e-6)
    with pytest.raises(ValueError, match="needs about"):  # under the cap, over the memory limit: refused with the estimate
        bosonpeak.dos(bosonpeak.network(20, 0.2, rng=1), EDGES, method="kpm", resolution=1e-6)


def test_one_kpm_dos_with_error_bars_gets_intervals():
    g = bosonpeak.dos(bosonpeak.network(40, 0.2, rng=1), np.arange(0, 3.0, 0.05), method="kpm", resolution=0.05, rng=2, zero_modes=False)
    bp = boson_peak(g, c=0.8, rng=0)
    assert g.error is not None and bp.omega_interval is not None and bp.height_interval is not None
    lo, hi = bp.omega_interval
    assert lo <= bp.omega <= hi and bp.interval_parts["plateau"][0] >= lo
