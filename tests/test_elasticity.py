"""Sound speed from the relaxed conductivity: crystal, nearest rule, eigenvalue cross-check."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.analysis.elasticity import conductivity_tensor

EXACT = 1e-10


def test_crystal_sound_speed_and_isotropy():
    s = conductivity_tensor(bosonpeak.network(16, 0.0))
    np.testing.assert_allclose(s.sigma, np.eye(2), atol=EXACT)  # isotropic, c = 1
    assert s.c == pytest.approx(1.0, abs=EXACT)
    assert s.anisotropy == pytest.approx(0.0, abs=EXACT)
    assert s.debye_level == pytest.approx(1 / (2 * np.pi))


@pytest.mark.parametrize("delta", [0.1, 0.3, 0.6])
def test_nearest_constant_springs_have_unit_speed_for_any_delta(delta):
    net = bosonpeak.network(20, delta, rule="nearest", spring="constant", rng=4)
    s = conductivity_tensor(net)
    # the affine part alone is wrong (bond vectors are displaced); relaxation restores c = 1
    assert abs(np.trace(s.affine) / 2 - 1) > 1e-3
    np.testing.assert_allclose(s.sigma, np.eye(2), atol=EXACT)


def test_amg_solver_agrees_with_direct():
    net = bosonpeak.network(30, 0.3, rng=1)
    a, b = conductivity_tensor(net), conductivity_tensor(net, solver="amg")
    np.testing.assert_allclose(a.sigma, b.sigma, rtol=1e-8)


@pytest.mark.parametrize("delta", [0.1, 0.2, 0.3])
def test_sound_speed_matches_lowest_eigenvalues(delta):
    # lambda of the four lowest non-zero modes ~ C k^2 along x and y: their mean is tr(C)/2 k^2
    L = 60
    net = bosonpeak.network(L, delta, rng=11)
    s = conductivity_tensor(net)
    assert s.c_squared < 0.8  # disordered networks are softer than the crystal
    m = bosonpeak.lowest_modes(net, 4, rng=0)
    ratio = np.mean(m.eigenvalues) / (2 * np.pi / L) ** 2
    assert ratio == pytest.approx(np.trace(s.sigma) / 2, rel=0.03)
    assert ratio < np.trace(s.affine) / 2 * 0.9  # and the affine estimate is clearly too stiff


def test_conductivity_takes_the_assembled_matrix_and_checks_its_shape():
    from bosonpeak._checks import ParameterError
    from bosonpeak.analysis.elasticity import conductivity_tensor

    net = bosonpeak.network(12, 0.2, rng=4)
    H = bosonpeak.dynamical_matrix(net)
    assert np.array_equal(conductivity_tensor(net, H=H).sigma, conductivity_tensor(net).sigma)
    with pytest.raises(ParameterError, match="'H' must be the 144 x 144"):
        conductivity_tensor(net, H=H[:10, :10])
