"""KPM DOS and local DOS: agreement with the kernel-broadened exact spectrum, sum rules, the
crystal's Debye level, reproducibility."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.spectra import _chebyshev as _kpm_recursion, kpm
from bosonpeak._checks import ParameterError

#: Runs pooled before judging the error bars: neighbouring bins are correlated, so one run's
#: coverage scatters (70 % to 100 % within 2 sigma); ten runs pin it down.
RUNS = 10
#: Pooled fraction of bins within 2 reported standard errors (0.95 for honest Gaussian errors;
#: 24 vectors give Student-t tails, measured 0.93).
WITHIN_2_SIGMA = 0.88
#: Pooled mean squared z-score must lie in this range (1 for honest errors; measured 1.2).
MEAN_Z2 = (0.6, 1.6)


def exact_moments(lam, weights, lam_max, m):
    """Chebyshev moments of H~ of the spectrum ``lam`` with ``weights`` (sum = trace share)."""
    x = np.clip(2.0 * lam / lam_max - 1.0, -1.0, 1.0)
    return np.cos(np.arange(m)[:, None] * np.arccos(x)[None, :]) @ weights


def broadened_exact(g, lam, weights):
    """The exact spectrum smoothed by the same Jackson kernel and bins as the KPM result ``g``."""
    m, w_max = g.info["moments"], g.info["omega_max"]
    return exact_moments(lam, weights, w_max**2, m) @ kpm._bin_matrix(g.edges, w_max, m)


@pytest.fixture(scope="module")
def disordered():
    net = bosonpeak.network(30, 0.2, rule="cutoff", rng=3)
    H = bosonpeak.dynamical_matrix(net)
    lam, vec = np.linalg.eigh(H.toarray())
    return net, H, np.clip(lam, 0, None), vec


def z_scores(g, ref):
    """(KPM - exact) / reported error; bins with error 0 (above omega_max) must agree exactly."""
    live = g.error > 0
    np.testing.assert_allclose(g.density[~live], ref[~live], atol=1e-12)
    return (g.density[live] - ref[live]) / g.error[live]


def assert_errors_honest(z):
    z = np.concatenate(z)
    assert np.mean(np.abs(z) < 2) >= WITHIN_2_SIGMA
    assert MEAN_Z2[0] < np.mean(z**2) < MEAN_Z2[1]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_kpm_agrees_with_broadened_exact_dos_within_error(disordered, dtype):
    net, H, lam, _ = disordered
    edges = np.linspace(0, 4, 81)
    runs = [bosonpeak.dos(net, edges, method="kpm", resolution=0.05, vectors=24, dtype=dtype, rng=s) for s in range(RUNS)]
    ref = broadened_exact(runs[0], lam, np.full(lam.size, 1.0 / lam.size))
    assert_errors_honest([z_scores(g, ref) for g in runs])
    g = runs[0]
    assert g.resolution <= 0.05 and g.info["vectors"] == 24
    # the errors are small but not zero: the test could fail
    assert 0 < np.max(g.error) < 0.1 * np.max(ref)


def test_zero_modes_removed_consistently():
    net = bosonpeak.network(20, 0.45, rule="nearest", spring="constant", rng=0)
    H = bosonpeak.dynamical_matrix(net)
    # cut a node loose so that there are two components
    H = H.tolil()
    for j in H.rows[0][:]:
        if j != 0:
            H[0, j] = H[j, 0] = 0.0
            H[j, j] -= 1.0
    H[0, 0] = 0.0
    H = H.tocsr()
    H.eliminate_zeros()
    assert bosonpeak.matrices.laplacian.n_components(H) == 2
    lam = np.clip(np.linalg.eigvalsh(H.toarray()), 0, None)
    edges = np.linspace(0, 3, 61)
    kept = bosonpeak.dos(H, edges, method="kpm", resolution=0.06, vectors=24, rng=2, zero_modes=True)
    runs = [bosonpeak.dos(H, edges, method="kpm", resolution=0.06, vectors=24, rng=s, zero_modes=False) for s in range(2, 2 + RUNS)]
    gone = runs[0]
    n = lam.size
    assert kept.integral() == pytest.approx(1.0, abs=1e-12)
    assert gone.integral() == pytest.approx(1.0 - 2 / n, abs=1e-12)
    ref = broadened_exact(gone, lam[2:], np.full(n - 2, 1.0 / n))
    assert_errors_honest([z_scores(g, ref) for g in runs])
    # the difference is exactly two kernel-broadened deltas at omega = 0
    delta0 = broadened_exact(kept, np.zeros(1), np.array([2.0 / n]))
    np.testing.assert_allclose(kept.density - gone.density, delta0, atol=1e-12)


def test_integral_is_one_and_bins_are_averages(disordered):
    net, H, lam, _ = disordered
    top = np.sqrt(1.02 * kpm.gershgorin_bound(H))  # past omega_max: every mode inside
    fine = bosonpeak.dos(net, np.linspace(0, top, 401), method="kpm", moments=200, rng=0, zero_modes=True)
    coarse = bosonpeak.dos(net, np.linspace(0, top, 11), method="kpm", moments=200, rng=0, zero_modes=True)
    assert fine.integral() == pytest.approx(1.0, abs=1e-12)
    # a coarse bin is the average of the 40 fine bins it contains (exact bin integrals)
    np.testing.assert_allclose(coarse.density, fine.density.reshape(10, 40).mean(axis=1), rtol=1e-10, atol=1e-12)


def test_high_resolution_kpm_reproduces_the_exact_histogram(disordered):
    net, H, lam, _ = disordered
    edges = np.linspace(0, 3.5, 15)  # bins of 0.25, much wider than the resolution
    g = bosonpeak.dos(H, edges, method="kpm", resolution=0.01, vectors=8, rng=4)
    exact = bosonpeak.dos(H, edges)
    # away from the zero-mode bin the bin averages agree up to the stochastic error and the
    # kernel leaking across bin edges (a fraction ~ resolution / bin width)
    np.testing.assert_allclose(g.density[1:], exact.density[1:], atol=4 * g.error[1:].max() + 0.02)


def test_same_rng_is_bit_identical_and_other_rng_differs(disordered):
    H = disordered[1]
    edges = np.linspace(0, 4, 41)
    a, b = (bosonpeak.dos(H, edges, method="kpm", moments=64, vectors=4, rng=7, block=3) for _ in range(2))
    c = bosonpeak.dos(H, edges, method="kpm", moments=64, vectors=4, rng=8, block=3)
    d = bosonpeak.dos(H, edges, method="kpm", moments=64, vectors=4, rng=7)  # other block size
    assert np.array_equal(a.density, b.density) and np.array_equal(a.error, b.error)
    assert not np.array_equal(a.density, c.density)
    np.testing.assert_allclose(d.density, a.density, rtol=1e-10, atol=1e-12)


def test_threads_give_bit_identical_results(disordered, monkeypatch):
    H = disordered[1]
    edges = np.linspace(0, 4, 41)
    # the reference recursion (the fused one: test_kpm_fused.py)
    whole = bosonpeak.dos(H, edges, method="kpm", moments=40, vectors=3, rng=9, threads=1, kernel="scipy")
    monkeypatch.setattr(_kpm_recursion, "_DOT_CHUNK", 64)  # 15 row chunks for N = 900
    runs = [bosonpeak.dos(H, edges, method="kpm", moments=40, vectors=3, rng=9, threads=t, kernel="scipy") for t in (1, 2, 5)]
    assert runs[2].info["threads"] == 5
    for g in runs[1:]:
        assert np.array_equal(g.density, runs[0].density) and np.array_equal(g.error, runs[0].error)
    np.testing.assert_allclose(runs[0].density, whole.density, rtol=1e-10, atol=1e-12)


def test_crystal_low_frequency_level_is_debye():
    # crystal L = 300: shells 2 pi / L = 0.021 apart are smoothed by a resolution of 0.03
    H = bosonpeak.dynamical_matrix(bosonpeak.network(300, 0.0, rule="nearest", spring="constant"))
    edges = np.linspace(0.0, 0.5, 51)
    g = bosonpeak.dos(H, edges, method="kpm", resolution=0.03, vectors=32, dtype="float32", rng=1, zero_modes=False)
    sel = (g.centres > 0.15) & (g.centres < 0.35)
    level = np.mean(g.reduced[sel])
    # 2D scalar Debye law g / omega = 1 / (2 pi); lattice dispersion adds < 1.5 % at omega < 0.35
    assert level == pytest.approx(1 / (2 * np.pi), rel=0.03)
    assert np.mean(g.reduced_error[sel]) < 0.02 / (2 * np.pi) * np.sqrt(sel.sum())
    assert g.info["omega_limit"] >= 3 * g.resolution


def test_local_dos_single_node_is_exact(disordered):
    net, H, lam, vec = disordered
    edges = np.linspace(0, 4, 41)
    node = int(np.argmax(net.coordination))
    g = bosonpeak.kpm_local_dos(H, node, edges, resolution=0.05, rng=0, zero_modes=True)
    ref = broadened_exact(g, lam, vec[node] ** 2)
    np.testing.assert_allclose(g.density, ref, atol=1e-10)
    assert np.all(g.error == 0) and g.integral() == pytest.approx(1.0, abs=1e-12)


def test_local_dos_class_average_matches_exact(disordered):
    net, H, lam, vec = disordered
    edges = np.linspace(0, 4, 41)
    z = net.coordination
    groups = {k: np.flatnonzero(z == k) for k in (3, 4)}
    assert all(len(v) > 24 for v in groups.values())
    runs = [bosonpeak.kpm_local_dos(net, groups, edges, resolution=0.08, vectors=24, rng=s, zero_modes=True) for s in range(RUNS)]
    for k, nodes in groups.items():
        ref = broadened_exact(runs[0][k], lam, (vec[nodes] ** 2).mean(axis=0))
        assert_errors_honest([z_scores(g[k], ref) for g in runs])
        assert runs[0][k].info["nodes"] == len(nodes) and runs[0][k].method == "kpm-local"
    # without zero modes: each class loses exactly its share of the uniform zero mode
    h = bosonpeak.kpm_local_dos(net, [groups[3]], edges, resolution=0.08, vectors=24, rng=5)  # the default
    assert h[0].integral() == pytest.approx(1.0 - 1.0 / z.size, abs=1e-12)


def test_validation_names_the_parameter(disordered):
    H = disordered[1]
    with pytest.raises(ParameterError, match="resolution"):
        bosonpeak.dos(H, method="kpm", resolution=0.1, moments=10)
    with pytest.raises(ParameterError, match="dtype"):
        bosonpeak.dos(H, method="kpm", dtype="float16")
    with pytest.raises(ParameterError, match="vectors"):
        bosonpeak.dos(H, method="kpm", vectors=0)
    with pytest.raises(ParameterError, match="groups"):
        bosonpeak.kpm_local_dos(H, [10_000], np.linspace(0, 4, 5))


def test_cuda_without_cupy_says_so(disordered, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(ImportError, match="CuPy"):
        bosonpeak.dos(disordered[1], method="kpm", moments=8, device="cuda")


def test_cuda_path_logic_with_numpy_standing_in_for_cupy(disordered, monkeypatch):
    """The CuPy recursion, run on numpy and scipy through stand-in modules, matches the CPU one."""
    import sys
    import types

    import scipy.sparse

    copies = []  # device-to-host copies: one per run, not one per step
    cupy = types.SimpleNamespace(asarray=np.asarray, asnumpy=lambda a: copies.append(1) or np.asarray(a), sum=np.sum,
                                 float64=np.float64, empty=np.empty)
    sparse = types.SimpleNamespace(csr_matrix=scipy.sparse.csr_matrix)
    cupyx = types.ModuleType("cupyx")
    cupyx.scipy = types.SimpleNamespace(sparse=sparse)
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    monkeypatch.setitem(sys.modules, "cupyx", cupyx)
    monkeypatch.setitem(sys.modules, "cupyx.scipy", cupyx.scipy)
    H, edges = disordered[1], np.linspace(0, 4, 41)
    gpu = bosonpeak.dos(H, edges, method="kpm", moments=60, vectors=3, rng=4, device="cuda")
    cpu = bosonpeak.dos(H, edges, method="kpm", moments=60, vectors=3, rng=4)
    np.testing.assert_allclose(gpu.density, cpu.density, rtol=1e-9, atol=1e-12)
    assert gpu.info["device"] == "cuda" and len(copies) == 1


# --- error bars that cover the exact counts (kernel bias included, default resolution) ------------

#: Coverage asked of the KPM error bars at 3 sigma: the stochastic part alone would give 99.7 %.
COVERAGE_3SIGMA = 0.90


@pytest.mark.parametrize("delta, seed", [(0.2, 0), (0.3, 2)])
def test_default_error_bars_cover_exact_counts_at_L200(delta, seed):
    # exact counts (Sylvester inertia) of one L = 200 network in 0.1-wide bins; three KPM runs
    # at the default resolution, pooled: |KPM - exact| <= 3 error over 0.1 <= omega <= 2
    net = bosonpeak.network(200, delta, rule="cutoff", rng=seed)
    edges = np.round(np.arange(0, 3.01, 0.1), 10)
    exact = bosonpeak.dos(net, edges, method="slicing", zero_modes=False)
    inside = (edges[:-1] >= 0.1 - 1e-9) & (edges[1:] <= 2.0 + 1e-9)
    covered = []
    for r in range(3):
        g = bosonpeak.dos(net, edges, method="kpm", zero_modes=False, rng=r)
        assert g.resolution <= 0.25 * 0.1
        np.testing.assert_allclose(g.error, np.hypot(g.info["stochastic_error"], g.info["kernel_bias"]))
        covered.append(np.abs(g.density - exact.density)[inside] <= 3 * g.error[inside])
    assert np.mean(covered) >= COVERAGE_3SIGMA


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("giant", [True, False])
def test_zero_modes_are_projected_out_of_every_component(dtype, giant):
    """Each column loses its mean over each connected component (the zero modes of a Laplacian),
    by the giant-component shortcut as by the column-by-column path."""
    from bosonpeak.spectra.kpm import _project_out_zero_modes

    rng = np.random.default_rng(4)
    n = 5000
    labels = np.where(rng.random(n) < (0.99 if giant else 0.4), 0, rng.integers(1, 30, n))
    labels = np.unique(labels, return_inverse=True)[1]  # numbered 0..C-1, none empty, as connected_components gives
    sizes = np.bincount(labels)
    V = rng.choice([-1.0, 1.0], size=(n, 16)).astype(dtype)
    expected = V.astype(np.float64) - (np.stack([np.bincount(labels, V[:, c].astype(np.float64)) for c in range(16)], axis=1) / sizes[:, None])[labels]
    out = _project_out_zero_modes(V.copy(), labels, sizes)
    tol = 1e-12 if dtype == "float64" else 1e-6
    np.testing.assert_allclose(out, expected, rtol=0, atol=tol)
    sums = np.stack([np.bincount(labels, out[:, c].astype(np.float64)) for c in range(16)], axis=1)
    assert np.abs(sums).max() < tol * n
