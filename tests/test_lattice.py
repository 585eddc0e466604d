"""The network model: geometry, connectivity rules, spring laws, randomness."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.model.lattice import minimum_image


@pytest.mark.parametrize("rule", ["nearest", "cutoff"])
def test_every_node_moves_by_exactly_delta(rule):
    L, delta = 12, 0.25
    net = bosonpeak.network(L, delta, rule=rule, rng=3)
    ix, iy = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
    sites = np.column_stack([ix.ravel(), iy.ravel()]).astype(float)
    d = minimum_image(net.positions - sites, net.box)
    np.testing.assert_allclose(np.hypot(*d.T), delta, rtol=0, atol=1e-12)
    assert np.all((net.positions >= 0) & (net.positions < net.box))


def test_directions_are_uniform():
    net = bosonpeak.network(60, 0.3, rng=5)
    ix, iy = np.meshgrid(np.arange(60), np.arange(60), indexing="ij")
    d = minimum_image(net.positions - np.column_stack([ix.ravel(), iy.ravel()]), net.box)
    theta = np.mod(np.arctan2(d[:, 1], d[:, 0]), 2 * np.pi)
    counts, _ = np.histogram(theta, bins=8, range=(0, 2 * np.pi))
    expected = len(theta) / 8
    chi2 = np.sum((counts - expected) ** 2 / expected)
    assert chi2 < 24.3  # 7 degrees of freedom, p = 0.001


def test_nearest_rule_has_z4_and_lattice_neighbours():
    net = bosonpeak.network(9, 0.4, rule="nearest", rng=1)
    assert np.all(net.coordination == 4)
    assert len(net.bonds) == 2 * 81
    np.testing.assert_allclose(net.stiffness, 1 / net.lengths)
    # lattice neighbours differ by one site along x or y (periodically)
    i, j = net.bonds.T
    dx = (j // 9 - i // 9) % 9
    dy = (j % 9 - i % 9) % 9
    assert np.all(((dx == 1) | (dx == 8)) & (dy == 0) | ((dy == 1) | (dy == 8)) & (dx == 0))


def test_cutoff_rule_at_delta_zero_is_the_crystal():
    crystal = bosonpeak.network(10, 0.0, rule="cutoff")
    square = bosonpeak.network(10, 0.0, rule="nearest")
    np.testing.assert_array_equal(crystal.bonds, square.bonds)
    np.testing.assert_allclose(crystal.stiffness, 1.0)


def test_cutoff_rule_joins_exactly_the_pairs_closer_than_rc():
    L, delta = 10, 0.3
    net = bosonpeak.network(L, delta, rule="cutoff", rng=11)
    d = minimum_image(net.positions[:, None, :] - net.positions[None, :, :], net.box)
    r = np.hypot(d[..., 0], d[..., 1])
    i, j = np.nonzero(np.triu(r < 1 + delta, k=1))
    expected = set(zip(i.tolist(), j.tolist()))
    assert set(map(tuple, net.bonds.tolist())) == expected
    np.testing.assert_allclose(net.lengths, r[net.bonds[:, 0], net.bonds[:, 1]])


def test_minimum_image_across_the_box_edge():
    # nodes 0 (site (0,0)) and (L-1)*L (site (L-1, 0)) are neighbours across x = 0
    L = 6
    net = bosonpeak.network(L, 0.0, rule="cutoff")
    bonds = set(map(tuple, net.bonds.tolist()))
    assert (0, (L - 1) * L) in bonds and (0, L - 1) in bonds
    np.testing.assert_allclose(net.lengths, 1.0)
    np.testing.assert_allclose(minimum_image(np.array([[5.9, -5.9]]), 6.0), [[-0.1, 0.1]], atol=1e-12)


def test_constant_springs_and_custom_cutoff_and_scales():
    net = bosonpeak.network(8, 0.2, rule="cutoff", spring="constant", cutoff=1.5, t0=2.0, rng=0)
    np.testing.assert_array_equal(net.stiffness, 2.0)
    assert net.lengths.max() <= 1.5
    big = bosonpeak.network(8, 0.4, a=2.0, rule="nearest", rng=0)
    assert big.box == 16.0
    assert 0 < big.lengths.min() and big.lengths.max() < 2 * 2.0


def test_same_seed_bit_identical_different_seed_differs():
    a = bosonpeak.network(15, 0.2, rng=42)
    b = bosonpeak.network(15, 0.2, rng=np.random.default_rng(42))
    c = bosonpeak.network(15, 0.2, rng=np.random.SeedSequence(42))
    for other in (b, c):
        assert a.positions.tobytes() == other.positions.tobytes()
        assert a.bonds.tobytes() == other.bonds.tobytes()
        assert a.stiffness.tobytes() == other.stiffness.tobytes()
    assert not np.array_equal(a.positions, bosonpeak.network(15, 0.2, rng=43).positions)


def test_network_is_frozen():
    net = bosonpeak.network(5, 0.1, rng=0)
    with pytest.raises(Exception):
        net.L = 6
    with pytest.raises(ValueError):
        net.positions[0, 0] = 1.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(L=2, delta=0.1), "'L' must be an integer in \\[3"),
        (dict(L=5.0, delta=0.1), "'L' must be an integer"),
        (dict(L=10, delta=-0.1), "'delta' must lie in \\[0, 1\\)"),
        (dict(L=10, delta=1.0), "'delta' must lie in \\[0, 1\\)"),
        (dict(L=10, delta=float("nan")), "'delta' must be finite"),
        (dict(L=10, delta=0.1, rule="voronoi"), "'rule' must be one of"),
        (dict(L=10, delta=0.1, spring="hooke"), "'spring' must be one of"),
        (dict(L=10, delta=0.1, cutoff=5.0), "'cutoff' must be below half the box"),
        (dict(L=3, delta=0.5), "'cutoff' must be below half the box"),
        (dict(L=10, delta=0.1, rule="nearest", cutoff=1.2), "'cutoff' applies only"),
        (dict(L=10, delta=0.1, a=0), "'a' must lie in \\(0"),
        (dict(L=10, delta=0.1, t0=-1), "'t0' must lie in \\(0"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bosonpeak.network(**kwargs)
