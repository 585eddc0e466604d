"""Local DOS by coordination number: the classes add up to the DOS."""

import numpy as np

import bosonpeak
from bosonpeak.spectra.local import local_dos_by_coordination


def test_classes_average_to_the_broadened_dos():
    net = bosonpeak.network(14, 0.3, rng=2)
    omega = np.linspace(0.05, 3.0, 60)
    z, g, frac = local_dos_by_coordination(net, omega, eps=0.02)
    total = np.nansum(g * frac[:, None], axis=0)
    every = bosonpeak.local_dos(bosonpeak.dynamical_matrix(net), omega, eps=0.02, convention="omega").mean(axis=1)
    np.testing.assert_allclose(total, every, rtol=1e-10)
    assert set(z.tolist()) == set(np.unique(net.coordination).tolist())


def test_crystal_has_one_class():
    z, g, frac = local_dos_by_coordination(bosonpeak.network(8, 0.0), [0.5, 1.0], z=[3, 4, 5])
    assert frac.tolist() == [0.0, 1.0, 0.0]
    assert np.isnan(g[0]).all() and np.isfinite(g[1]).all()


def test_kpm_engine_agrees_with_dense_on_class_averages():
    # both broadened, differently (Lorentzian in omega^2 vs Jackson kernel in omega): compare integrals over a band
    net = bosonpeak.network(16, 0.3, rng=4)
    omega = np.arange(0.025, 3.2, 0.025)
    z, g_dense, frac = local_dos_by_coordination(net, omega, eps=0.01)
    _, g_kpm, _ = local_dos_by_coordination(net, omega, method="kpm", resolution=0.05, rng=1)
    band = omega < 1.0
    for a, b, f in zip(g_dense, g_kpm, frac):
        if f > 0.05:
            weight_dense, weight_kpm = np.trapezoid(a[band], omega[band]), np.trapezoid(b[band], omega[band])
            assert weight_dense > 0.05
            assert abs(weight_kpm - weight_dense) < 0.015
