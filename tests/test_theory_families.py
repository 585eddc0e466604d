"""The theory of a disorder family by name: consistent parameterisations, NaN where there is none."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak._checks import ParameterError
from bosonpeak.theory import FAMILIES, theory_arrays, theory_curve


def test_power_law_alpha_1_is_uniform_w_1():
    # k = 2u with u uniform on (0, 1) is uniform on [0, 2]: two quadratures of one distribution
    omega = np.linspace(0, 3, 151)
    a, b = theory_curve("springs-power", 1.0, omega), theory_curve("springs-uniform", 1.0, omega)
    assert a.c2 == pytest.approx(b.c2, rel=1e-6)
    assert np.max(np.abs(a.dos - b.dos)) < 1e-4


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_at_strength_zero_is_the_crystal(family):
    omega = np.linspace(0, 2.8, 58)  # avoids omega = 2, where the crystal DOS diverges
    curve = theory_curve(family, 0.0, omega)
    assert curve.c2 == pytest.approx(1.0, abs=1e-12)
    assert np.max(np.abs(curve.dos - bosonpeak.theory.crystal_dos(omega))) < 1e-8


def test_theory_arrays_has_nan_where_there_is_no_theory():
    omega = np.linspace(0.025, 2.975, 60)
    for family, strength in (("paper", 0.4), ("dilution", 0.55)):
        t = theory_arrays(family, strength, omega)
        assert np.isnan(t["c2"]) and np.isnan(t["omega_bp"]) and np.isnan(t["dos"]).all()
    t = theory_arrays("springs-uniform", 0.5, omega)
    assert np.isnan(t["omega_bp"]) and t["c2"] == pytest.approx(0.956642, abs=1e-6)
    with pytest.raises(ParameterError, match="'family'"):
        theory_curve("springs-gaussian", 0.5)
