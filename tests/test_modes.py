"""Lowest modes against dense diagonalisation; participation ratio."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.analysis.participation import participation_ratio
from bosonpeak.spectra.modes import lowest_modes

ATOL = 1e-10


@pytest.mark.parametrize("L, delta", [(40, 0.2), (40, 0.6)])
def test_lowest_modes_match_dense(L, delta):
    net = bosonpeak.network(L, delta, rng=5)
    m = lowest_modes(net, 12, rng=0)
    assert m.method == "lanczos"
    H = bosonpeak.dynamical_matrix(net)
    lam = np.linalg.eigvalsh(H.toarray())
    n_zero = bosonpeak.matrices.laplacian.n_components(H)
    assert m.n_zero == n_zero
    np.testing.assert_allclose(m.eigenvalues, lam[n_zero : n_zero + 12], atol=ATOL)
    # eigenvectors: residual and orthonormality, and orthogonal to every zero mode
    np.testing.assert_allclose(H @ m.vectors, m.vectors * m.eigenvalues, atol=1e-9)
    np.testing.assert_allclose(m.vectors.T @ m.vectors, np.eye(12), atol=1e-9)


def test_zero_modes_of_every_component_are_reported():
    net = bosonpeak.network(30, 0.5, cutoff=0.9, rng=3)  # short cut-off: isolated nodes and clusters
    H = bosonpeak.dynamical_matrix(net)
    n_zero = bosonpeak.matrices.laplacian.n_components(H)
    assert n_zero > 1
    m = lowest_modes(net, 5, zero_modes=True, rng=1)
    assert m.n_zero == n_zero and len(m.omega) == n_zero + 5
    np.testing.assert_allclose(H @ m.vectors[:, :n_zero], 0, atol=1e-12)
    lam = np.linalg.eigvalsh(H.toarray())
    np.testing.assert_allclose(m.eigenvalues[n_zero:], lam[n_zero : n_zero + 5], atol=ATOL)


def test_same_rng_same_modes():
    net = bosonpeak.network(40, 0.3, rng=2)
    a, b = lowest_modes(net, 6, rng=9), lowest_modes(net, 6, rng=9)
    assert np.array_equal(a.omega, b.omega) and np.array_equal(a.vectors, b.vectors)


def test_participation_ratio_limits():
    L = 16
    x = np.arange(L)
    wave = np.cos(2 * np.pi * 3 * x / L)[:, None] * np.ones(L)[None, :]  # cos(k . r), not on a degenerate choice
    assert participation_ratio(wave.ravel()) == pytest.approx(2 / 3)
    assert participation_ratio(np.eye(5)).tolist() == [0.2] * 5


def test_bad_k_names_parameter():
    with pytest.raises(ValueError, match="'k'"):
        lowest_modes(bosonpeak.network(5, 0.0), 30)


def test_lowest_modes_refuses_a_matrix_that_is_not_a_laplacian():
    import scipy.sparse as sp

    H = bosonpeak.dynamical_matrix(bosonpeak.network(10, 0.2, rng=0)) + 0.5 * sp.identity(100)
    with pytest.raises(ValueError, match="graph Laplacian"):
        bosonpeak.lowest_modes(H, 3)
