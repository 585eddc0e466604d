"""Disorder families: the crystal at strength 0, mean z and its variance, spring means,
connectivity and percolation, c^2 of diluted and spring-disordered lattices."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak._random import seed_sequences
from bosonpeak.analysis.elasticity import conductivity_tensor
from bosonpeak.matrices.laplacian import dynamical_matrix
from bosonpeak.model.disorder import (FAMILIES, SpringNetwork, connectivity, coordination_moments, disordered_network, is_crystal,
                                      spring_disorder, spring_factors)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_strength_zero_is_the_crystal_exactly(family):
    net = disordered_network(9, family, 0.0, rng=3)
    crystal = bosonpeak.network(9, 0.0)
    assert is_crystal(net)
    assert (dynamical_matrix(net) != dynamical_matrix(crystal)).nnz == 0  # bit for bit
    assert net.params["family"] == family and net.params["strength"] == 0.0


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_same_seed_same_network(family):
    a, b = disordered_network(10, family, 0.3, rng=7), disordered_network(10, family, 0.3, rng=7)
    assert np.array_equal(a.bonds, b.bonds) and np.array_equal(a.stiffness, b.stiffness) and np.array_equal(a.positions, b.positions)
    assert not is_crystal(a)


def test_coordination_families_mean_and_variance_of_z():
    L, p = 30, 0.3
    dil = disordered_network(L, "dilution", p, rng=1)
    assert len(dil.bonds) == round(2 * L * L * (1 - p)) and coordination_moments(dil)[0] == pytest.approx(4 * (1 - p))
    rew = disordered_network(L, "rewired", p, rng=1)
    mean, var = coordination_moments(rew)
    assert mean == 4.0 and var > 0.5  # mean z fixed at 4 while its variance grows
    assert coordination_moments(disordered_network(L, "rewired", 0.6, rng=1))[1] > var
    diag = disordered_network(L, "diagonals", 0.25, rng=1)
    assert coordination_moments(diag)[0] == pytest.approx(5.0)
    for net in (dil, rew, diag):
        assert np.all(net.stiffness == 1.0) and len(np.unique(net.bonds, axis=0)) == len(net.bonds)
        assert np.all(net.bonds[:, 0] < net.bonds[:, 1])
        lengths = net.lengths
        assert np.all(np.isclose(lengths, 1.0) | np.isclose(lengths, np.sqrt(2)))


@pytest.mark.parametrize("family, strength", [("springs-uniform", 0.8), ("springs-lognormal", 1.0), ("springs-power", 2.0)])
def test_spring_families_have_mean_one(family, strength):
    k = spring_factors(family, strength, 200_000, rng=1)
    assert np.all(k >= 0)
    assert k.mean() == pytest.approx(1.0, abs=5 * k.std() / np.sqrt(k.size))
    if family == "springs-uniform":
        assert k.min() >= 1 - strength and k.max() <= 1 + strength
    if family == "springs-power":  # finite weight near zero: P(k < eps) = (eps / 3)^(1/2)
        assert np.mean(k < 0.03) == pytest.approx(0.1, abs=0.005)


def test_spring_disorder_on_any_network_keeps_topology():
    base = bosonpeak.network(12, 0.2, rng=4)
    net = spring_disorder(base, "springs-uniform", 0.5, rng=2)
    assert np.array_equal(net.bonds, base.bonds)
    ratio = net.stiffness / base.stiffness
    assert ratio.min() >= 0.5 and ratio.max() <= 1.5 and net.params["delta"] == 0.2


@pytest.mark.parametrize("family, strength", [("springs-uniform", 1.1), ("dilution", 1.0), ("paper", 1.0), ("springs-lognormal", -0.1), ("nope", 0.1)])
def test_out_of_range_or_unknown_is_named(family, strength):
    with pytest.raises(ValueError, match="family|strength"):
        disordered_network(8, family, strength)


def test_connectivity_wrapping():
    # one row of bonds: wraps along x only; a single bond: wraps nowhere
    L = 6
    pos = np.column_stack([np.arange(L), np.zeros(L)]).astype(float)
    bonds = np.sort(np.array([[i, (i + 1) % L] for i in range(L)]), axis=1)
    row = SpringNetwork(pos, bonds, np.ones(L), float(L), L)
    c = connectivity(row)
    assert c.wraps == (True, False) and not c.percolates and c.components == 1
    assert connectivity(disordered_network(20, "dilution", 0.2, rng=1)).percolates
    far = connectivity(disordered_network(20, "dilution", 0.85, rng=1))
    assert not far.percolates and far.isolated > 0 and far.components > 1 and far.largest_fraction < 0.5


def test_dilution_c2_matches_exact_eigenvalues_at_small_L():
    # exact numerics: the lowest shell of H approaches c^2 (2 sin(pi / L))^2 per network
    L, p, ratio, c2 = 20, 0.1, [], []
    for child in seed_sequences(11, 8):
        net = disordered_network(L, "dilution", p, rng=child)
        lam = np.linalg.eigvalsh(dynamical_matrix(net).toarray())
        ratio.append(lam[lam > 1e-9][:4].mean() / (4 * np.sin(np.pi / L) ** 2))
        c2.append(conductivity_tensor(net).c_squared)
    assert np.mean(c2) == pytest.approx(np.mean(ratio), abs=0.02)
    assert np.all(np.array(c2) < 1)


@pytest.mark.parametrize("p", [0.1, 0.2])
def test_dilution_c2_near_effective_medium(p):
    c2 = [conductivity_tensor(disordered_network(64, "dilution", p, rng=child)).c_squared for child in seed_sequences(5, 4)]
    assert np.mean(c2) == pytest.approx(1 - 2 * p, abs=0.05)


def test_uniform_springs_soften_the_lattice():
    c2 = conductivity_tensor(disordered_network(32, "springs-uniform", 0.5, rng=2)).c_squared
    assert 0.9 < c2 < 1.0  # below the affine mean <k> = 1
