"""S(q, omega): the crystal's single line, sum rules, KPM against dense, damping fits."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.analysis.damping import Damping, _model, damping, fit_peak, ioffe_regel, rayleigh_exponent
from bosonpeak.model.disorder import disordered_network
from bosonpeak.spectra.kpm import SAFETY, _bin_matrix
from bosonpeak.spectra.spectrum import gershgorin_bound
from bosonpeak.matrices.laplacian import dynamical_matrix
from bosonpeak.spectra.structure import lattice_wavevectors, structure_factor

LINE_TOL = 1e-8


def test_crystal_is_one_line_on_the_dispersion():
    L = 14
    orders = np.array([[1, 0], [0, 2], [3, 1], [5, 5], [7, 0], [2, 6]])
    q = 2 * np.pi / L * orders
    sf = structure_factor(bosonpeak.network(L, 0.0), q, np.linspace(0, 3, 151))
    exact = np.sqrt(4 * np.sin(q[:, 0] / 2) ** 2 + 4 * np.sin(q[:, 1] / 2) ** 2)
    for i in range(len(q)):
        w = sf.weights[i]
        on = w > 1e-12
        assert np.max(np.abs(sf.omega_modes[on] - exact[i])) < LINE_TOL
        assert w.sum() == pytest.approx(1.0, abs=1e-12)
    d = damping(sf)
    assert np.all(d.gamma == 0.0) and np.all(np.abs(d.omega - exact) < LINE_TOL)
    assert not d.resolved.any()


def test_plane_wave_sum_rules():
    # sum_k w_k = 1 - zero weight;  sum_k w_k omega_k^2 = <q|H|q> = (2/N) sum_bonds t (1 - cos q.d)
    net = disordered_network(10, "paper", 0.3, rng=2)
    q = lattice_wavevectors(10, [1, 3], (1, 1))
    sf = structure_factor(net, q, np.linspace(0, 4, 81))
    d = net.bond_vectors
    for i in range(len(q)):
        first = 2 * np.sum(net.stiffness * (1 - np.cos(d @ q[i]))) / net.n_nodes
        assert np.sum(sf.weights[i] * sf.omega_modes**2) == pytest.approx(first, rel=1e-10)
        assert sf.weights[i].sum() == pytest.approx(1 - sf.info["zero_weight"][i], abs=1e-12)
        assert np.sum(sf.density[i] * np.diff(sf.edges)) == pytest.approx(sf.weights[i].sum(), abs=1e-12)


def test_kpm_equals_kernel_applied_to_exact_lines():
    net = disordered_network(12, "dilution", 0.3, rng=5)  # some isolated nodes: zero modes projected out
    q = lattice_wavevectors(12, [1, 2, 4])
    edges = np.linspace(0, 3, 121)
    exact = structure_factor(net, q, edges)
    kpm = structure_factor(net, q, edges, method="kpm", moments=200)
    lam_max = (1 + SAFETY) * gershgorin_bound(dynamical_matrix(net))
    x = np.clip(2 * exact.omega_modes**2 / lam_max - 1, -1, 1)
    T = np.cos(np.arange(200)[:, None] * np.arccos(x)[None, :])  # T_n(x_k)
    expected = (exact.weights @ T.T) @ _bin_matrix(edges, np.sqrt(lam_max), 200)
    np.testing.assert_allclose(kpm.density, expected, atol=1e-10)
    assert kpm.info["zero_weight"] == pytest.approx(exact.info["zero_weight"], abs=1e-14)


def test_fit_removes_the_kernel_broadening():
    edges = np.linspace(0, 2, 801)
    sigma, Omega, Gamma = 0.01, 0.8, 0.02
    S = _model(edges, sigma)(None, 0.7, Omega, Gamma)
    A, W, G, _, _, ok = fit_peak(edges, S, resolution=sigma)
    assert ok and W == pytest.approx(Omega, abs=1e-6) and G == pytest.approx(Gamma, rel=1e-4) and A == pytest.approx(0.7, rel=1e-4)
    # ignoring the kernel would report a wider line
    assert fit_peak(edges, S)[2] > 1.3 * Gamma


def test_ioffe_regel_and_rayleigh_from_a_known_law():
    q = np.geomspace(0.1, 2, 9)
    W, G = q, 0.2 * q**3
    d = Damping(q, W, 0 * q, G, 0.01 * G, np.ones_like(q), np.ones_like(q, dtype=bool))
    n, _ = rayleigh_exponent(d)
    assert n == pytest.approx(3.0, abs=1e-9)
    ir = ioffe_regel(d)  # 0.2 q^3 = q / pi at q = (5 / pi)^(1/2)
    assert ir.q == pytest.approx(np.sqrt(5 / np.pi), rel=0.05) and ir.reason is None
    never = ioffe_regel(Damping(q, W, 0 * q, 1e-3 * G, 0 * q, np.ones_like(q), np.ones_like(q, dtype=bool)))
    assert np.isnan(never.omega) and "Gamma < Omega/pi" in never.reason


def test_bad_inputs_are_named():
    net = bosonpeak.network(6, 0.0)
    with pytest.raises(ValueError, match="'q'"):
        structure_factor(net, np.zeros((2, 3)), np.linspace(0, 3, 5))
    with pytest.raises(ValueError, match="'method'"):
        structure_factor(net, [[0.5, 0]], np.linspace(0, 3, 5), method="slicing")
    with pytest.raises(ValueError, match="'edges'"):
        structure_factor(net, [[0.5, 0]], [1.0, 0.5])
