"""Node (star) CPA for coordination disorder: limits, sum rules and the paper's networks."""

import dataclasses
import itertools

import numpy as np
import pytest

import bosonpeak
from bosonpeak._checks import ParameterError
from bosonpeak.theory import crystal_dos, effective_medium, spring_distribution
from bosonpeak.theory.node import (Stars, _bond_green, _static_bond_green, lattice_stars, network_stars, node_cpa,
                                   paper_stars, star_effective_medium)


def _independent_stars(values, weights):
    """Every combination of four independent nearest springs, with its exact probability."""
    idx = np.array(list(itertools.product(range(len(values)), repeat=4)))
    k = np.zeros((len(idx), 8))
    k[:, :4] = np.asarray(values)[idx]
    return Stars(k, np.prod(np.asarray(weights)[idx], axis=1))


def test_static_bond_matrix_is_the_small_frequency_limit():
    # -M at omega = 0 holds the resistances of the unit square lattice (1/2, 2/pi, 2 - 4/pi, ...)
    assert np.max(np.abs(_bond_green(1e-9 + 1e-12j) - _static_bond_green())) < 1e-7


def test_crystal_star_is_the_crystal():
    omega = np.linspace(0, 3, 62)  # avoids the van Hove point omega = 2, where the crystal DOS diverges
    curve = node_cpa(paper_stars(0.0, samples=3), omega)
    assert curve.c2 == pytest.approx(1.0, abs=1e-12)
    assert np.max(np.abs(curve.dos - crystal_dos(omega))) < 1e-9


@pytest.mark.parametrize("p", [0.1, 0.2])
@pytest.mark.parametrize("projection", ["strain", "bond"])
def test_independent_dilution_star_is_close_to_kirkpatrick(p, projection):
    # the star keeps the correlations of four bonds at one node; for independent bonds it stays near 1 - 2p
    stars = _independent_stars([0.0, 1.0], [p, 1 - p])
    c2 = star_effective_medium(stars, projection=projection)
    assert abs(c2 - effective_medium(spring_distribution("dilution", p))) < 0.005
    assert star_effective_medium(lattice_stars(p, 0.0), projection=projection) == pytest.approx(c2, abs=1e-12)


def test_independent_lognormal_star_keeps_duality_closely():
    x, w = np.polynomial.hermite_e.hermegauss(8)
    c2 = star_effective_medium(_independent_stars(np.exp(0.8 * x - 0.32), w / w.sum()))
    assert c2 == pytest.approx(np.exp(-0.32), rel=1e-3)


def test_network_stars_sample_the_same_distribution_as_paper_stars():
    net = bosonpeak.network(60, 0.2, rule="cutoff", rng=3)
    a, b = network_stars(net).stiffness, paper_stars(0.2, samples=20000, rng=1).stiffness
    for j in (0, 4):  # a nearest and a diagonal direction
        pa, pb = np.mean(a[:, j] > 0), np.mean(b[:, j] > 0)
        assert abs(pa - pb) < 4 * np.sqrt(pb * (1 - pb) * (1 / len(a) + 1 / len(b)))
    assert np.mean(a.sum(axis=1)) == pytest.approx(np.mean(b.sum(axis=1)), rel=0.02)


def test_sum_rules_for_nearest_only_stars():
    # delta = 0.1 has no diagonal bonds: the star medium keeps the norm and <omega^2> = <sum_j k_0j>
    stars = paper_stars(0.1, samples=300)
    omega = np.linspace(0, 3.5, 351)
    curve = node_cpa(stars, omega)
    assert np.trapezoid(curve.dos, omega) == pytest.approx(1.0, abs=1e-3)
    assert np.trapezoid(omega**2 * curve.dos, omega) == pytest.approx(stars.weights @ stars.stiffness.sum(axis=1), rel=1e-3)


def test_paper_networks_c2_at_delta_01():
    # delta = 0.1: no diagonal bonds yet, nearest bonds missing in node-correlated patterns
    measured = np.mean([bosonpeak.sound_speed(bosonpeak.network(80, 0.1, rng=s)) ** 2 for s in range(2)])
    assert abs(star_effective_medium(paper_stars(0.1)) - measured) < 0.03


def _with_diagonals(L, x, rng):
    base = bosonpeak.network(L, 0.0, rule="nearest", spring="constant")
    idx = np.arange(L * L).reshape(L, L)
    up = np.column_stack([idx.ravel(), np.roll(np.roll(idx, -1, 0), -1, 1).ravel()])
    down = np.column_stack([np.roll(idx, -1, 0).ravel(), np.roll(idx, -1, 1).ravel()])
    diagonals = np.sort(np.concatenate([up, down]), axis=1)
    bonds = np.concatenate([base.bonds, diagonals[np.random.default_rng(rng).random(len(diagonals)) < x]])
    return dataclasses.replace(base, bonds=bonds, stiffness=np.ones(len(bonds)))


@pytest.mark.parametrize("x", [0.1, 0.3])
def test_added_diagonals_stiffen_as_the_strain_projected_star_says(x):
    measured = np.mean([bosonpeak.sound_speed(_with_diagonals(60, x, s)) ** 2 for s in range(2)])
    assert abs(star_effective_medium(lattice_stars(0.0, x)) - measured) < 0.04
    assert star_effective_medium(lattice_stars(0.0, x), projection="bond") == pytest.approx(1.0)  # blind to diagonals


def test_bad_stars_are_clear_errors():
    with pytest.raises(ParameterError, match="'stiffness'"):
        Stars(np.ones((3, 4)))
    with pytest.raises(ParameterError, match="floppy"):
        node_cpa(_independent_stars([0.0, 1.0], [0.7, 0.3]), [0.0, 0.5])
