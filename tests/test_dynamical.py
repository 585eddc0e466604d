"""The dynamical matrix: a weighted graph Laplacian."""

import numpy as np
import pytest
import scipy.sparse as sp

import bosonpeak
from bosonpeak.matrices.laplacian import as_matrix, n_components


@pytest.mark.parametrize("rule", ["nearest", "cutoff"])
@pytest.mark.parametrize("spring", ["inverse", "constant"])
def test_symmetric_zero_row_sums_positive_semidefinite(rule, spring):
    net = bosonpeak.network(10, 0.3, rule=rule, spring=spring, rng=7)
    H = bosonpeak.dynamical_matrix(net)
    assert sp.isspmatrix_csr(H) and H.shape == (100, 100)
    assert abs(H - H.T).max() == 0
    np.testing.assert_allclose(np.asarray(H.sum(axis=1)).ravel(), 0, atol=1e-12)
    lam = np.linalg.eigvalsh(H.toarray())
    assert lam.min() > -1e-10
    # off-diagonal entries are exactly minus the spring constants
    i, j = net.bonds.T
    np.testing.assert_array_equal(np.asarray(H[i, j]).ravel(), -net.stiffness)
    np.testing.assert_allclose(H.diagonal(), np.bincount(net.bonds.ravel(), np.repeat(net.stiffness, 2), minlength=100))


def test_zero_modes_equal_connected_components():
    # large delta with a short cut-off isolates nodes and cuts the network into pieces
    found_several = False
    for seed in range(6):
        net = bosonpeak.network(10, 0.45, rule="cutoff", cutoff=1.0, rng=seed)
        H = bosonpeak.dynamical_matrix(net)
        lam = np.linalg.eigvalsh(H.toarray())
        n_zero = int(np.sum(lam < 1e-9))
        assert n_zero == n_components(H)
        found_several |= n_zero > 1
    assert found_several


def test_nearest_rule_with_constant_springs_is_the_crystal_for_any_delta():
    crystal = np.linalg.eigvalsh(bosonpeak.dynamical_matrix(bosonpeak.network(8, 0.0)).toarray())
    for delta in (0.1, 0.35, 0.6):
        net = bosonpeak.network(8, delta, rule="nearest", spring="constant", rng=2)
        np.testing.assert_allclose(np.linalg.eigvalsh(bosonpeak.dynamical_matrix(net).toarray()), crystal, atol=1e-12)


def test_as_matrix_rejects_bad_matrices():
    with pytest.raises(ValueError, match="square"):
        as_matrix(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="symmetric"):
        as_matrix(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="finite"):
        as_matrix(np.array([[np.nan]]))
    with pytest.raises(TypeError, match="SpringNetwork"):
        as_matrix("H")
    with pytest.raises(TypeError, match="'net' must be a SpringNetwork"):
        bosonpeak.dynamical_matrix(np.eye(3))
