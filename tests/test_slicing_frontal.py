"""Spectrum slicing along a nested dissection of the lattice (multifrontal path): identical counts
to dense diagonalisation for every network family, layout and dimension, safe fall-backs, and
the memory estimate from the symbolic analysis."""

import numpy as np
import pytest
import scipy.sparse as sp

import bosonpeak
from bosonpeak._resources import ResourceError
from bosonpeak.spectra import _multifrontal, _ordering, slicing
from bosonpeak.spectra.slicing import SlicingError, eigenvalue_counts, memory_estimate
from bosonpeak.spectra.spectrum import default_edges, edge_shifts, gershgorin_bound

CASES = [(rule, spring) for rule in ("nearest", "cutoff") for spring in ("inverse", "constant")]
SIZES = (8, 12, 16, 20, 24, 28)
DELTAS = (0.05, 0.15, 0.25, 0.35, 0.45)


def dense_below(H, sigma):
    lam = np.linalg.eigvalsh(H.toarray() if sp.issparse(H) else H)
    return np.searchsorted(lam, sigma, side="left")


def random_lattice_laplacian(shape, rng, dofs=1):
    """Periodic nearest-neighbour Laplacian with random springs on a lattice of any dimension,
    each site carrying ``dofs`` coupled degrees of freedom."""
    gen = np.random.default_rng(rng)
    idx = np.arange(np.prod(shape)).reshape(shape)
    i = np.concatenate([idx.ravel()] * len(shape))
    j = np.concatenate([np.roll(idx, -1, axis=a).ravel() for a in range(len(shape))])
    n = idx.size
    A = sp.coo_matrix((gen.uniform(0.5, 1.5, len(i)), (i, j)), shape=(n, n))
    A = (A + A.T).tocsr()
    H = sp.diags(np.asarray(A.sum(axis=1)).ravel()) - A
    if dofs > 1:
        C = gen.standard_normal((dofs, dofs))
        H = sp.kron(H, C @ C.T + np.eye(dofs))
    return sp.csr_matrix(H)


@pytest.mark.parametrize("rule,spring", CASES)
def test_frontal_counts_identical_to_dense_for_random_networks(rule, spring):
    for seed in range(8):
        L, delta = SIZES[seed % len(SIZES)], DELTAS[seed % len(DELTAS)]
        H = bosonpeak.dynamical_matrix(bosonpeak.network(L, delta, rule=rule, spring=spring, rng=seed))
        sigma = edge_shifts(H, default_edges(H, 0.04))
        got, info = eigenvalue_counts(H, sigma, solver="frontal")
        np.testing.assert_array_equal(got, dense_below(H, sigma), err_msg=f"{rule} {spring} L={L} delta={delta} seed={seed}")
        assert info["ordering"].startswith("nested dissection")
        assert max(info["orderings"]) < slicing.FRONTAL_ORDERINGS  # no fall-back to qdldl was needed
        assert max(info["growth"]) <= slicing.GROWTH_LIMIT


@pytest.mark.parametrize("shape,dofs", [((12, 12), 2), ((8, 8, 8), 1), ((8, 8), 3)])
def test_frontal_counts_on_other_layouts(shape, dofs):
    H = random_lattice_laplacian(shape, rng=sum(shape) + dofs, dofs=dofs)
    geom = _ordering.lattice_geometry(H)
    assert geom == _ordering.LatticeGeometry(shape, dofs, 1)
    sigma = np.linspace(0.0, gershgorin_bound(H), 23)[1:]
    got, _ = eigenvalue_counts(H, sigma, solver="frontal")
    np.testing.assert_array_equal(got, dense_below(H, sigma))


def test_crystal_shells_on_integer_shifts():
    # the integer Laplacian of the crystal: edges on the exact shells omega = 1, 2 count them above
    L = 24
    H = bosonpeak.dynamical_matrix(bosonpeak.network(L, 0.0))
    edges = np.array([0.5, 1.0, 1.5, 2.0, 2.5])
    sigma = edge_shifts(H, edges)
    np.testing.assert_array_equal(eigenvalue_counts(H, sigma, solver="frontal")[0], dense_below(H, sigma))
    # on an exact eigenvalue (H - sigma I singular) a shell may count on either side, as for
    # qdldl, or the shift is refused; never anything outside the shell
    lam = np.linalg.eigvalsh(H.toarray())
    for s in (1.0, 2.0, 4.0):
        lo, hi = np.sum(lam < s - 1e-9), np.sum(lam < s + 1e-9)
        assert hi - lo >= 4
        for solver in ("frontal", "qdldl"):
            try:
                got = eigenvalue_counts(H, [s], solver=solver)[0][0]
            except SlicingError as err:
                assert f"sigma = {s}" in str(err)
            else:
                assert lo <= got <= hi, (s, solver, got)


def test_every_translated_dissection_gives_the_same_inertia():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(20, 0.3, rule="cutoff", rng=4))
    geom = _ordering.lattice_geometry(H)
    sigma = edge_shifts(H, np.array([0.7, 1.3, 2.1]))
    ref = dense_below(H, sigma)
    for offset in (0, 3, 7, 19):
        fr = _multifrontal.analyse(H, geom, gershgorin_bound(H), offset)
        assert [_multifrontal.inertia(fr, s)[0] for s in sigma] == ref.tolist()


def test_a_coupling_across_a_separator_is_detected():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(16, 0.0)).tolil()
    a, b = 3 * 16 + 3, 12 * 16 + 12  # sites (3, 3) and (12, 12): in boxes on either side of a cut
    H[a, b] = H[b, a] = -0.5  # a long spring across the cut
    H[a, a] += 0.5
    H[b, b] += 0.5
    H = H.tocsr()
    assert _ordering.lattice_geometry(H) is None  # its window is too wide for a lattice ...
    wrong = _ordering.LatticeGeometry((16, 16), 1, 1)
    assert _multifrontal.analyse(H, wrong, 1.0) is None  # ... and a wrong layout is refused
    sigma = [0.55, 2.3, 5.1]
    got, info = eigenvalue_counts(H, sigma, solver="frontal")
    np.testing.assert_array_equal(got, dense_below(H, sigma))
    assert info["ordering"].startswith("qdldl")


def test_uncertified_frontal_falls_back_to_qdldl(monkeypatch):
    H = bosonpeak.dynamical_matrix(bosonpeak.network(16, 0.2, rng=3))
    sigma = edge_shifts(H, default_edges(H, 0.2))
    monkeypatch.setattr(_multifrontal, "inertia", lambda fr, s: (3, 1e12))  # growth far past the limit
    got, info = eigenvalue_counts(H, sigma, solver="frontal")
    np.testing.assert_array_equal(got, dense_below(H, sigma))
    assert set(info["orderings"][1:]) - {-1} == {slicing.FRONTAL_ORDERINGS}  # -1: above the first shift to count N


def test_process_pool_and_auto_agree_with_frontal():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(16, 0.3, rule="cutoff", rng=11))
    sigma = edge_shifts(H, default_edges(H, 0.1))
    ref = dense_below(H, sigma)
    got, info = eigenvalue_counts(H, sigma, solver="frontal", workers=2)
    np.testing.assert_array_equal(got, ref)
    assert info["workers"] == 2
    got, info = eigenvalue_counts(H, sigma)  # auto: qdldl below FRONTAL_MIN_NODES
    np.testing.assert_array_equal(got, ref)
    assert info["ordering"].startswith("qdldl")


def test_memory_estimate_is_checked_before_the_work():
    net = bosonpeak.network(64, 0.2, rule="nearest", rng=1)
    small, large = (memory_estimate(bosonpeak.network(L, 0.2, rule="nearest", rng=1), solver="frontal")["bytes"] for L in (32, 64))
    assert 2 * small < large  # grows at least like N
    two = memory_estimate(net, solver="frontal", workers=2)
    assert two["bytes"] == 3 * two["per_process"] and two["per_process"] == large
    with pytest.raises(ResourceError, match=r"needs about .* the limit is .*'max_memory' = 1e-06 GiB"):
        bosonpeak.dos(net, method="slicing", solver="frontal", max_memory=1e-6)
    assert memory_estimate(net, solver="qdldl")["bytes"] is None
    with pytest.raises(ValueError, match="'max_memory'"):
        eigenvalue_counts(net, [1.0], max_memory=-1.0)


def test_shifts_split_over_dask_workers():
    from distributed import Client, LocalCluster

    H = bosonpeak.dynamical_matrix(bosonpeak.network(12, 0.3, rule="nearest", rng=8))
    sigma = edge_shifts(H, default_edges(H, 0.1))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, Client(cluster) as client:
        got, info = eigenvalue_counts(H, sigma, solver="frontal", client=client)
    np.testing.assert_array_equal(got, dense_below(H, sigma))
    assert info["workers"] == 2 and info["ordering"].startswith("nested dissection")
