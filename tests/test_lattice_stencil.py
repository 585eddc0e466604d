"""The stencil neighbour search of the cut-off rule gives the bonds of a k-d tree search, bit for bit."""

import numpy as np
import pytest
from scipy.spatial import cKDTree

import bosonpeak
from bosonpeak.model import lattice


def kdtree_bonds(positions, box, r):
    """The bonds as built before the stencil: periodic cKDTree pairs, sorted by i then j."""
    b = cKDTree(positions, boxsize=box).query_pairs(r, output_type="ndarray").astype(np.int64)
    return b[np.lexsort((b[:, 1], b[:, 0]))]


@pytest.mark.parametrize("L", [3, 4, 7, 24])
@pytest.mark.parametrize("delta", [0.0, 0.2, 0.45, 0.9])
@pytest.mark.parametrize("cutoff", [None, 1.0, np.sqrt(2.0), 1.45])
def test_cutoff_bonds_equal_the_kdtree_bonds(L, delta, cutoff):
    if (1.0 + delta if cutoff is None else cutoff) >= L / 2:
        pytest.skip("cut-off past half the box is refused")
    for seed in range(2):
        net = bosonpeak.network(L, delta, rule="cutoff", cutoff=cutoff, rng=seed)
        ref = kdtree_bonds(net.positions, net.box, net.params["cutoff"] * (1.0 + lattice.CUTOFF_TOLERANCE))
        assert net.bonds.dtype == ref.dtype and np.array_equal(net.bonds, ref)
        assert np.all(net.bonds[:, 0] < net.bonds[:, 1])


def test_pairs_at_exactly_the_cutoff_are_decided_as_the_kdtree_decides():
    L, delta = 12, 0.3
    net = bosonpeak.network(L, delta, rule="cutoff", rng=4)
    x, box = net.positions, net.box
    # the exact squared distances of some bonds, computed the k-d tree's way
    d = x[net.bonds[:, 1]] - x[net.bonds[:, 0]]
    d = np.where(d > box / 2, d - box, np.where(d < -box / 2, d + box, d))
    r = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
    for rk in np.sort(r)[::37]:
        for radius in (np.nextafter(rk, 0.0), rk, np.nextafter(rk, 2.0)):
            ours = lattice._cutoff_bonds(x, L, 1.0, delta, radius, box)
            assert np.array_equal(ours, kdtree_bonds(x, box, radius))
    # the smallest radius whose square reaches a bond's squared length joins it; the float
    # below does not (squared lengths are distinct here)
    s = np.sort(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])[len(d) // 2]
    rk = np.sqrt(s)
    while rk * rk < s:
        rk = np.nextafter(rk, 2.0)
    while np.nextafter(rk, 0.0) ** 2 >= s:
        rk = np.nextafter(rk, 0.0)
    below = lattice._cutoff_bonds(x, L, 1.0, delta, np.nextafter(rk, 0.0), box)
    at = lattice._cutoff_bonds(x, L, 1.0, delta, rk, box)
    assert len(at) == len(below) + 1


@pytest.mark.parametrize("cutoff, z", [(1.0, 4), (np.sqrt(2.0), 8), (2.0, 12)])
def test_crystal_shells_at_exactly_the_cutoff_are_joined(cutoff, z):
    net = bosonpeak.network(9, 0.0, rule="cutoff", cutoff=cutoff)
    assert np.all(net.coordination == z)


def test_stencil_reaches_every_site_within_the_reach():
    for reach in (0.5, 1.0, 1.6, 2.3):
        half = set(lattice._stencil(50, 1.0, reach))
        full = {(dx, dy) for dx in range(-3, 4) for dy in range(-3, 4) if 0 < np.hypot(dx, dy) <= reach}
        assert half | {(-dx, -dy) for dx, dy in half} == full and not half & {(-dx, -dy) for dx, dy in half}


@pytest.mark.parametrize("L", [3, 5, 24, 61])
@pytest.mark.parametrize("delta, cutoff", [(0.0, None), (0.2, None), (0.45, np.sqrt(2.0)), (0.9, 2.3)])
def test_the_compiled_search_finds_the_pairs_of_the_vectorised_one(L, delta, cutoff, monkeypatch):
    pytest.importorskip("numba")
    if (1.0 + delta if cutoff is None else cutoff) >= L / 2:
        pytest.skip("cut-off past half the box is refused")
    monkeypatch.setattr(lattice, "COMPILED_SEARCH", 1 << 62)
    vectorised = bosonpeak.network(L, delta, rule="cutoff", cutoff=cutoff, rng=L)
    monkeypatch.setattr(lattice, "COMPILED_SEARCH", 0)
    compiled = bosonpeak.network(L, delta, rule="cutoff", cutoff=cutoff, rng=L)
    assert np.array_equal(compiled.bonds, vectorised.bonds) and np.array_equal(compiled.stiffness, vectorised.stiffness)
    # at exactly a bond's length, and one float either side, as the vectorised search decides
    r = np.sort(vectorised.lengths)[len(vectorised.bonds) // 2]
    for radius in (np.nextafter(r, 0.0), r, np.nextafter(r, 2.0)):
        a = lattice._cutoff_bonds(vectorised.positions, L, 1.0, delta, radius, vectorised.box)
        monkeypatch.setattr(lattice, "COMPILED_SEARCH", 1 << 62)
        b = lattice._cutoff_bonds(vectorised.positions, L, 1.0, delta, radius, vectorised.box)
        monkeypatch.setattr(lattice, "COMPILED_SEARCH", 0)
        assert np.array_equal(a, b)
