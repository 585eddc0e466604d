"""Resources are planned from the parameters and refused before any work (issue 13, class 1)."""

import time
import tracemalloc

import numpy as np
import pytest

import bosonpeak
from bosonpeak import _resources
from bosonpeak._resources import Plan, ResourceError, check, limits, parse_bytes
from bosonpeak.spectra.spectrum import memory_estimate

#: A refusal comes from the parameters alone: far below the time any of these runs would take.
REFUSE_WITHIN_S = 5.0


@pytest.mark.parametrize("args, what", [
    (["dos", "--size", "3000"], "dense DOS"),
    (["dos", "--size", "20", "--seeds", str(10**12)], "DOS of 1000000000000 scalar network"),
    (["dos", "--size", "20", "--method", "kpm", "--option", "moments=1000000000"], "kpm"),
    (["dos", "--size", "20", "--method", "kpm", "--option", "vectors=100000000000"], "kpm"),
    (["reproduce", "--size", "3000", "--glass-particles", "0"], "DOS of the 3000 x 3000 networks"),
    (["analyze", "--size", "3000"], "N = 9000000"),
    (["glass", "--particles", str(10**9)], "particles"),
])
def test_absurd_sizes_are_refused_with_estimate_limit_and_option(cli, tmp_path, args, what):
    t0 = time.perf_counter()
    rc, out, err = cli(*args, "--out", tmp_path / "out")
    assert time.perf_counter() - t0 < REFUSE_WITHIN_S
    assert rc == 2 and err.count("\n") == 1, err
    assert what in err and "needs about" in err and "the limit is" in err and "--memory-limit" in err and "--force" in err
    assert not (tmp_path / "out").exists()


def test_memory_limit_option_refuses_and_force_runs(cli, tmp_path):
    out = tmp_path / "g.nc"
    rc, _, err = cli("dos", "--size", "8", "--memory-limit", "1MB", "--out", out, "--no-progress")
    assert rc == 2 and "the limit is 1.0 MB (limit given)" in err and not out.exists()
    rc, _, err = cli("dos", "--size", "8", "--memory-limit", "1MB", "--force", "--out", out, "--no-progress")
    assert rc == 0 and out.exists(), err
    rc, _, err = cli("dos", "--size", "8", "--memory-limit", "lots", "--out", out)
    assert rc == 2 and "'--memory-limit' must be a size" in err


def test_sweep_refuses_task_count_and_worker_memory_before_a_cluster(cli, tmp_path):
    spec = tmp_path / "big.toml"
    spec.write_text("[sweep]\nseeds = 100000\n[grid]\nL = [8, 9, 10, 11, 12]\ndelta = [0.1, 0.2, 0.3]\n"
                    "rule = ['nearest', 'cutoff']\n[dos]\nomega_max = 3.0\n")
    t0 = time.perf_counter()
    rc, _, err = cli("sweep", spec, "--out", tmp_path / "store")
    assert rc == 2 and "3000000 tasks" in err and str(_resources.MAX_TASKS) in err
    spec.write_text("[grid]\nL = 4000\ndelta = 0.1\n[dos]\nomega_max = 3.0\n")
    rc, _, err = cli("sweep", spec, "--out", tmp_path / "store")
    assert rc == 2 and "needs about" in err and "grid.L" in err
    assert time.perf_counter() - t0 < REFUSE_WITHIN_S and not (tmp_path / "store").exists()


def test_public_dos_checks_its_plan_and_the_environment(monkeypatch):
    net = bosonpeak.network(30, 0.2, rng=0)
    with limits(10**5), pytest.raises(ResourceError, match="DOS of N = 900 modes by method 'dense' needs about"):
        bosonpeak.dos(net)
    monkeypatch.setenv("BOSONPEAK_MEMORY_LIMIT", "100kB")
    with pytest.raises(ResourceError, match=r"100.0 kB \(BOSONPEAK_MEMORY_LIMIT\)"):
        bosonpeak.dos(net, method="kpm", moments=20)
    monkeypatch.setenv("BOSONPEAK_MEMORY_LIMIT", "off")
    assert bosonpeak.dos(net, method="kpm", moments=20, rng=0, zero_modes=True).integral() == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize("method, options", [("dense", {}), ("kpm", {"moments": 200, "vectors": 8}), ("banded", {})])
def test_estimate_bounds_the_traced_peak(method, options):
    """The estimate is an upper bound of what numpy allocates (tracemalloc sees numpy's arrays)."""
    H = bosonpeak.dynamical_matrix(bosonpeak.network(24, 0.2, rng=1))
    edges = np.linspace(0, 4, 81)
    bosonpeak.dos(H, edges, method=method, rng=0, **options)  # warm-up: a JIT compiles once per process, not per run
    tracemalloc.start()
    try:
        bosonpeak.dos(H, edges, method=method, rng=0, **options)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    estimate = memory_estimate(method, H.shape[0], H.nnz, edges, H=H, **options)
    assert peak <= estimate, (method, peak, estimate)


def test_dense_estimate_grows_as_n_squared_and_kpm_with_the_block():
    assert _resources.dense_bytes(2000) == 4 * _resources.dense_bytes(1000)
    a = _resources.kpm_bytes(10**6, 13 * 10**6, vectors=16, moments=1000, bins=80)
    b = _resources.kpm_bytes(10**6, 13 * 10**6, vectors=16, moments=1000, bins=80, block=4)
    assert a - b == 4 * 8 * 10**6 * 12


def test_limits_nest_and_force_wins():
    big = Plan("x", 10**12)
    with limits(force=True), limits(10**3):
        assert check(big) is big
    with limits(10**3), pytest.raises(ResourceError):
        check(big)
    assert parse_bytes("2GiB") == 2 * 2**30 and parse_bytes("1e9") == 10**9


def test_ensembles_modes_and_local_dos_are_planned_before_any_network():
    from bosonpeak.matrices.laplacian import laplacian

    t0 = time.perf_counter()
    with pytest.raises(ResourceError, match="dense DOS of 2 scalar network"):
        bosonpeak.ensemble_dos(3000, 0.1, seeds=2)
    n = 10**6  # a ring: cheap to build, but a million modes
    ring = laplacian(n, np.stack([np.arange(n), (np.arange(n) + 1) % n], axis=1), np.ones(n))
    with pytest.raises(ResourceError, match="the 100000 lowest modes of N = 1000000 nodes"):
        bosonpeak.lowest_modes(ring, 100_000)
    with pytest.raises(ResourceError, match="KPM local DOS of 100 group"):
        bosonpeak.kpm_local_dos(ring, [[i] for i in range(100)], vectors=1, moments=10**7)
    assert time.perf_counter() - t0 < REFUSE_WITHIN_S


@pytest.mark.parametrize("form", ["sizes", "kpm", "slicing", "unknown-signature"])
def test_an_engine_module_s_own_estimate_is_used(monkeypatch, form):
    """An engine module's ``memory_estimate`` (the forms of the KPM and slicing branches) is preferred."""
    import sys
    import types

    from bosonpeak.spectra import spectrum

    module = types.ModuleType("bosonpeak_test_engine")
    module.SAFETY, module.DEFAULT_VECTORS = 0.01, 4
    module._n_moments = lambda resolution, moments, omega_max, edges: moments or 10
    if form == "sizes":
        module.memory_estimate = lambda n, nnz, edges, **options: 12_345 * n
    elif form == "kpm":
        module.memory_estimate = lambda H, n_mom, columns, block, dtype, bins: {"total": 1000 * n_mom * columns}
    elif form == "slicing":
        module.memory_estimate = lambda net_or_H, *, solver="auto", workers=1: {"bytes": 777 * workers * net_or_H.shape[0]}
    else:
        module.memory_estimate = lambda a, b: 1
    engine = lambda H, edges, *, zero_modes, rng=None, progress=False, **options: None  # noqa: E731
    engine.__module__ = module.__name__
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(spectrum._ENGINES, "fake", engine)
    H = bosonpeak.dynamical_matrix(bosonpeak.network(10, 0.1, rng=0))
    edges = np.linspace(0, 4, 9)
    options = {"moments": 50, "vectors": 3} if form == "kpm" else ({"workers": 2} if form == "slicing" else {})
    got = memory_estimate("fake", 100, H.nnz, edges, H=H, **options)
    expected = {"sizes": 1_234_500, "kpm": 150_000, "slicing": 155_400}.get(form)
    assert got == (expected if expected else _resources.dos_bytes("fake", 100, nnz=H.nnz, bins=8,
                                                                 omega_max=float(np.sqrt(spectrum.gershgorin_bound(H)))))
    if expected:
        with limits(expected - 1), pytest.raises(ResourceError, match="by method 'fake'"):
            bosonpeak.dos(H, edges, method="fake", **options)


@pytest.mark.parametrize("delta, rule, dim, model", [(0.2, "cutoff", 2, "scalar"), (0.45, "cutoff", 2, "scalar"), (0.3, "nearest", 2, "scalar"),
                                                     (0.3, "cutoff", 3, "scalar"), (0.2, "cutoff", 2, "vector")])
def test_entries_per_row_of_the_probe_bound_a_large_network_without_waste(delta, rule, dim, model):
    from bosonpeak.matrices.sizes import entries_per_row

    net = bosonpeak.network(200 if dim == 2 else 34, delta, rule=rule, rng=7, dim=dim)
    H = bosonpeak.vector_dynamical_matrix(net) if model == "vector" else bosonpeak.dynamical_matrix(net)
    measured = H.nnz / H.shape[0]
    estimate = entries_per_row(delta, rule=rule, dim=dim, model=model)
    assert measured <= estimate <= 1.25 * measured, (measured, estimate)


def test_network_and_its_matrix_stay_within_their_planned_bytes():
    """The per-entry model of ``_resources.network_bytes`` bounds the traced peak of a build."""
    for dim, L, delta in ((2, 300, 0.2), (2, 300, 0.45), (3, 45, 0.3)):
        tracemalloc.start()
        try:
            H = bosonpeak.dynamical_matrix(bosonpeak.network(L, delta, rng=3, dim=dim))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        n = H.shape[0]
        assert peak <= _resources.network_bytes(n, H.nnz / n) - _resources.BASE_BYTES, (dim, delta, peak / n)


def test_kpm_at_ten_million_nodes_is_planned_within_16_gb():
    """``bosonpeak dos --method kpm --size 3162`` (N = 10^7) is not refused on a 16 GB machine
    (measured: 5.3 GB peak resident, 40 s, on the 2-core development machine)."""
    from bosonpeak.workflows._plans import dos_plan

    plan = dos_plan(3162, method="kpm", bins=80, network=dict(delta=0.2, rule="cutoff"))
    assert 5e9 < plan.memory < 12e9
    with limits(16 * 10**9):
        check(plan)
    assert dos_plan(3162, method="kpm", bins=80).memory > plan.memory  # without the network: the old bound


def test_solid_kpm_is_refused_after_reading_with_its_estimate(cli, tmp_path):
    """``solid --method kpm`` checks its plan (the Hessian in blocks and its scaled copy, the pair
    terms, the CG and KPM vectors) right after reading, before any pair is computed."""
    from particle_reference import FIXTURES

    rc, _, err = cli("solid", FIXTURES / "kob_andersen3d.data", "--potential", "kob-andersen", "--method", "kpm",
                     "--memory-limit", "50MB", "--out", tmp_path / "out")
    assert rc == 2 and err.count("\n") == 1, err
    assert "solid analysis with KPM of 1500 degrees of freedom" in err and "needs about" in err and "the limit is 50" in err
    assert not (tmp_path / "out").exists()
