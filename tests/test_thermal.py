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
