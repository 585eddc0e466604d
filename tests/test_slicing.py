"""Spectrum slicing: exact agreement with dense diagonalisation, analytic crystal counts,
and the handling of factorisations that cannot be trusted."""

import numpy as np
import pytest
import scipy.sparse as sp

import bosonpeak
from bosonpeak.spectra import slicing
from bosonpeak.spectra.slicing import SlicingError, eigenvalue_counts
from bosonpeak.spectra.spectrum import EDGE_TOLERANCE, default_edges, edge_shifts, gershgorin_bound

CASES = [(rule, spring) for rule in ("nearest", "cutoff") for spring in ("inverse", "constant")]
#: 4 cases x 13 seeds = 52 random networks; sizes and disorder vary with the seed.
SEEDS = range(13)
SIZES = (8, 12, 16, 20, 24, 28)
DELTAS = (0.05, 0.15, 0.25, 0.35, 0.45)


def dense_below(H, edges):
    lam = np.linalg.eigvalsh(H.toarray())
    return np.searchsorted(lam, edge_shifts(H, edges), side="left")


def crystal_eigenvalues(L):
    k = 2 * np.pi * np.arange(L) / L
    return (2 * (2 - np.cos(k)[:, None] - np.cos(k)[None, :])).ravel()


@pytest.mark.parametrize("rule,spring", CASES)
def test_counts_identical_to_dense_for_random_networks(rule, spring):
    for seed in SEEDS:
        L, delta = SIZES[seed % len(SIZES)], DELTAS[seed % len(DELTAS)]
        H = bosonpeak.dynamical_matrix(bosonpeak.network(L, delta, rule=rule, spring=spring, rng=seed))
        edges = default_edges(H, 0.04)
        got, info = eigenvalue_counts(H, edge_shifts(H, edges))
        np.testing.assert_array_equal(got, dense_below(H, edges), err_msg=f"{rule} {spring} L={L} delta={delta} seed={seed}")
        assert got[0] == 0 and got[-1] == H.shape[0]
        assert max(info["growth"]) <= slicing.GROWTH_LIMIT


@pytest.mark.parametrize("zero_modes", [True, False])
def test_dos_identical_to_dense_engine(zero_modes):
    net = bosonpeak.network(24, 0.45, rule="cutoff", spring="constant", cutoff=1.1, rng=3)  # isolated nodes
    H = bosonpeak.dynamical_matrix(net)
    assert bosonpeak.matrices.laplacian.n_components(H) > 1
    a = bosonpeak.dos(net, method="slicing", zero_modes=zero_modes)
    b = bosonpeak.dos(net, method="dense", zero_modes=zero_modes)
    np.testing.assert_array_equal(a.density, b.density)
    assert a.zero_modes == b.zero_modes and a.method == "slicing"


def test_superlu_solver_and_process_pool_agree():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(16, 0.3, rule="cutoff", rng=11))
    sigma = edge_shifts(H, default_edges(H, 0.1))
    ref = dense_below(H, default_edges(H, 0.1))
    np.testing.assert_array_equal(eigenvalue_counts(H, sigma, solver="superlu")[0], ref)
    got, info = eigenvalue_counts(H, sigma, workers=2, progress=True)
    np.testing.assert_array_equal(got, ref)
    assert info["workers"] == 2


@pytest.mark.parametrize("L", [12, 24, 36])
def test_crystal_counts_analytic_with_edges_on_degenerate_shells(L):
    H = bosonpeak.dynamical_matrix(bosonpeak.network(L, 0.0))
    lam = crystal_eigenvalues(L)
    # omega = 1 (lambda = 1, 4-fold) and omega = 2 (lambda = 4, highly degenerate) are exact
    # in floating point; 2 sin(pi / L) is the lowest non-zero shell.
    edges = np.sort([0.0, 2 * np.sin(np.pi / L), 0.3, 1.0, 1.3, 2.0, 2.5, 2 * np.sqrt(2) + 0.01])
    g = bosonpeak.dos(H, edges, method="slicing", zero_modes=True)  # every mode: the analytic count holds the zero mode
    counts = np.rint(g.density * np.diff(edges) * L**2).astype(int)
    shells = np.round(lam, 9)
    below = np.array([np.sum(shells < np.round(e**2, 9)) for e in edges])  # exact: lambda < edge**2
    np.testing.assert_array_equal(counts, np.diff(below))
    # the shells on the edges omega = 1 and omega = 2 fall whole into the bin above them
    for w, lo, hi in ((1.0, 1.0, 1.69), (2.0, 4.0, 6.25)):
        k = int(np.flatnonzero(edges == w)[0])
        assert counts[k] == np.sum((lam > lo - 1e-9) & (lam < hi)) >= np.sum(np.isclose(lam, lo)) >= 4
    np.testing.assert_array_equal(counts, np.rint(bosonpeak.dos(H, edges, zero_modes=True).density * np.diff(edges) * L**2))


def test_edge_at_zero_counts_nothing_and_lowest_shell_starts_a_bin():
    L = 20
    H = bosonpeak.dynamical_matrix(bosonpeak.network(L, 0.0))
    w1 = 2 * np.sin(np.pi / L)
    counts, _ = eigenvalue_counts(H, edge_shifts(H, np.array([0.0, w1, w1 * 1.0001])))
    assert counts.tolist() == [0, 1, 5]  # zero mode, then the four-fold shell at omega_1


def test_singular_shift_is_refused_not_miscounted():
    # H - 1 I = [[0, 1], [1, 0]]: every elimination order meets an exact zero pivot.
    H = sp.csr_matrix(np.array([[1.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(SlicingError, match=r"sigma = 1\.0 "):
        eigenvalue_counts(H, [1.0])
    # just off it, the count is certified again: eigenvalues 0 and 2
    assert eigenvalue_counts(H, [0.5, 1.5, 2.5])[0].tolist() == [1, 1, 2]


def test_zero_pivot_in_one_order_is_recovered_by_another():
    # H - 1 I = [[0, 1], [1, 1]]: node 0 first gives a zero pivot, node 1 first is fine.
    H = sp.csr_matrix(np.array([[1.0, 1.0], [1.0, 2.0]]))
    for solver in slicing.SOLVERS:
        counts, info = eigenvalue_counts(H, [1.0, 0.1, 3.0], solver=solver)
        assert counts.tolist() == [1, 0, 2]  # eigenvalues (3 -+ sqrt 5) / 2


def test_unstable_factorisation_is_refactorised(monkeypatch):
    H = bosonpeak.dynamical_matrix(bosonpeak.network(12, 0.3, rule="cutoff", rng=5))
    edges = default_edges(H, 0.1)
    original = slicing._Slicer.attempt

    def first_order_unstable(self, sigma, k):
        return (None, 1e12) if k == 0 else original(self, sigma, k)

    monkeypatch.setattr(slicing._Slicer, "attempt", first_order_unstable)
    counts, info = eigenvalue_counts(H, edge_shifts(H, edges))
    np.testing.assert_array_equal(counts, dense_below(H, edges))
    done = np.flatnonzero(np.asarray(info["orderings"]) >= 0)  # edge 0 and the edges above the first to count N are not factorised
    assert len(info["refactorised"]) == len(done) > 0 and set(np.asarray(info["orderings"])[done]) == {1}
    assert done[-1] == np.argmax(counts == H.shape[0]) and np.all(counts[done[-1]:] == H.shape[0])


def test_every_order_unstable_raises(monkeypatch):
    H = bosonpeak.dynamical_matrix(bosonpeak.network(8, 0.3, rule="cutoff", rng=5))
    monkeypatch.setattr(slicing._Slicer, "attempt", lambda self, sigma, k: (None, 1e12))
    with pytest.raises(SlicingError, match="pivot growth"):
        bosonpeak.dos(H, method="slicing")


def test_non_monotone_counts_are_caught_and_repaired(monkeypatch):
    H = bosonpeak.dynamical_matrix(bosonpeak.network(12, 0.2, rule="nearest", rng=2))
    edges = default_edges(H, 0.1)
    original = slicing._Slicer.attempt

    def wrong_in_first_order(self, sigma, k):
        n, growth = original(self, sigma, k)
        return (0 if k == 0 and 1.0 < sigma < 1.3 else n), growth  # certified-looking but wrong

    monkeypatch.setattr(slicing._Slicer, "attempt", wrong_in_first_order)
    counts, _ = eigenvalue_counts(H, edge_shifts(H, edges))
    np.testing.assert_array_equal(counts, dense_below(H, edges))


def test_edge_band_is_round_off_sized():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(10, 0.2, rng=0))
    band = 1.0 - edge_shifts(H, np.array([1.0]))[0]
    assert band == pytest.approx(EDGE_TOLERANCE * gershgorin_bound(H)) and 0 < band < 1e-5


def test_bad_arguments_are_named():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(4, 0.0))
    with pytest.raises(ValueError, match="'solver'"):
        eigenvalue_counts(H, [1.0], solver="mumps")
    with pytest.raises(ValueError, match="'workers'"):
        eigenvalue_counts(H, [1.0], workers=0)
    with pytest.raises(ValueError, match="'sigma'"):
        eigenvalue_counts(H, [np.nan])
    with pytest.raises(TypeError, match="got 'x'"):
        bosonpeak.dos(H, method="slicing", workers="x")
