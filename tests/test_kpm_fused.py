"""The fused KPM recursion (numba) against the reference (scipy): the same vectors bit for bit,
the same moments to round-off, bit-identical for any number of threads; the fallback without numba."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import bosonpeak
from bosonpeak._checks import ParameterError
from bosonpeak.spectra import _chebyshev, _fused, kpm
from bosonpeak.spectra.spectrum import gershgorin_bound

numba = pytest.importorskip("numba")

MOMENTS = 40
#: float64 dot products summed in another order: moments / N agree to this.
ROUND_OFF = 1e-13
#: The reference sums float32 dot products in float32 over 16k-row chunks: ~1e-7 per term.
FLOAT32_SUMS = 1e-5
#: float32 vectors of two recursions that round differently (one rounding per fused multiply-add, or two).
FLOAT32_ROUND_OFF = 1e-6


class NoBar:
    def update(self, k):
        pass


@pytest.fixture(scope="module")
def H():
    return bosonpeak.dynamical_matrix(bosonpeak.network(30, 0.2, rule="cutoff", rng=3))


def shifted(H, dtype):
    return _chebyshev.shifted(H, 1.01 * gershgorin_bound(H), np.dtype(dtype))


def signs(n, r, dtype, seed=0):
    return np.random.default_rng(seed).choice([-1.0, 1.0], size=(n, r)).astype(dtype)


def float64_partial_dots(A, B, lo, hi):
    """The reference's dot products, summed in float64 (to compare the vectors themselves)."""
    c = _chebyshev._DOT_CHUNK
    return [np.einsum("ij,ij->j", A[s:min(s + c, hi)], B[s:min(s + c, hi)], dtype=np.float64) for s in range(lo, hi, c)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("r", [16, 7, 21])  # one width; 4 + 2 + 1; 16 + 4 + 1
def test_fused_moments_equal_the_reference(H, dtype, r, monkeypatch):
    H2, V = shifted(H, dtype), signs(H.shape[0], r, dtype)
    fused = _fused.fused_moments(H2, V.copy(), MOMENTS, NoBar(), threads=2)
    ref = _chebyshev.chebyshev_moments(H2, V.copy(), MOMENTS, "cpu", NoBar(), threads=2)
    n = H.shape[0]
    assert fused.shape == (r, MOMENTS)
    np.testing.assert_allclose(fused / n, ref / n, rtol=0, atol=ROUND_OFF if dtype == "float64" else FLOAT32_SUMS)
    # with its dot products summed in float64, the reference agrees to the working precision's
    # round-off: the fused kernel rounds each product-and-sum once (a fused multiply-add), the
    # reference twice, so the float32 vectors differ in their last bits (measured 7e-8 of mu_0)
    monkeypatch.setattr(_chebyshev, "_partial_dots", float64_partial_dots)
    ref64 = _chebyshev.chebyshev_moments(H2, V.copy(), MOMENTS, "cpu", NoBar(), threads=1)
    np.testing.assert_allclose(fused / n, ref64 / n, rtol=0, atol=ROUND_OFF if dtype == "float64" else FLOAT32_ROUND_OFF)
    # and the moments are not trivially equal: they decay from mu_0 = 1 per node
    assert np.allclose(fused[:, 0] / n, 1.0) and np.all(np.abs(fused[:, -1] / n) < 0.5)


@pytest.mark.parametrize("n_mom", [1, 7, 13])
def test_an_odd_moment_count_gives_every_moment_asked_for(H, n_mom):
    """Two moments per step: an odd count is the next even one less its last, bit for bit, in
    both recursions, and the last moment asked for is set (it was left unset before)."""
    H2, V = shifted(H, "float64"), signs(H.shape[0], 5, "float64")
    odd = _fused.fused_moments(H2, V.copy(), n_mom, NoBar())
    even = _fused.fused_moments(H2, V.copy(), n_mom + 1, NoBar())
    ref = _chebyshev.chebyshev_moments(H2, V.copy(), n_mom, "cpu", NoBar())
    assert odd.shape == ref.shape == (5, n_mom)
    np.testing.assert_array_equal(odd, even[:, :n_mom])
    np.testing.assert_array_equal(ref, _chebyshev.chebyshev_moments(H2, V.copy(), n_mom + 1, "cpu", NoBar())[:, :n_mom])
    np.testing.assert_allclose(odd / H.shape[0], ref / H.shape[0], rtol=0, atol=ROUND_OFF)
    assert np.allclose(odd[:, 0] / H.shape[0], 1.0) and np.all(np.abs(odd[:, -1]) <= H.shape[0])  # |T_n| <= 1 on [-1, 1]
    for bad in (0, -2, 2.0, True):
        with pytest.raises(ValueError, match="'n_mom' must be a positive integer"):
            _fused.fused_moments(H2, V.copy(), bad, NoBar())


def test_fused_takes_64_bit_indices_and_strided_blocks(H):
    H2 = shifted(H, "float64")
    V = signs(H.shape[0], 12, "float64")
    base = _fused.fused_moments(H2, V.copy(), MOMENTS, NoBar())
    H2.indices, H2.indptr = H2.indices.astype(np.int64), H2.indptr.astype(np.int64)
    wide = _fused.fused_moments(H2, V.copy(), MOMENTS, NoBar())
    strided = _fused.fused_moments(H2, np.asfortranarray(V), MOMENTS, NoBar())
    assert np.array_equal(base, wide) and np.array_equal(base, strided)


def test_fused_is_bit_identical_for_any_threads_and_reruns(H, monkeypatch):
    monkeypatch.setattr(_fused, "CHUNK", 64)  # 15 chunks for N = 900
    H2, V = shifted(H, "float32"), signs(H.shape[0], 16, "float32")
    runs = [_fused.fused_moments(H2, V.copy(), MOMENTS, NoBar(), threads=t) for t in (1, 2, 3, 5, 1)]
    for mu in runs[1:]:
        assert np.array_equal(mu, runs[0])
    # another chunking adds the same products in another order: equal to round-off, not bits
    monkeypatch.setattr(_fused, "CHUNK", 4096)
    other = _fused.fused_moments(H2, V.copy(), MOMENTS, NoBar())
    np.testing.assert_allclose(other / 900, runs[0] / 900, rtol=0, atol=ROUND_OFF)


def test_dos_is_the_same_with_either_kernel(H):
    edges = np.linspace(0, 4, 41)
    opts = dict(method="kpm", moments=80, vectors=5, rng=11)
    fused = bosonpeak.dos(H, edges, kernel="fused", **opts)
    ref = bosonpeak.dos(H, edges, kernel="scipy", **opts)
    auto = bosonpeak.dos(H, edges, **opts)
    assert fused.info["kernel"] == "fused" and ref.info["kernel"] == "scipy" and auto.info["kernel"] == "fused"
    np.testing.assert_allclose(fused.density, ref.density, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fused.error, ref.error, rtol=1e-8, atol=1e-12)
    assert np.array_equal(auto.density, fused.density)
    again = bosonpeak.dos(H, edges, kernel="fused", threads=2, **opts)
    assert np.array_equal(again.density, fused.density) and np.array_equal(again.error, fused.error)


def test_kpm_dos_of_a_large_lattice_is_bit_identical_for_any_threads():
    """A network big enough for three steps per pass and several blocks (N = 2^18 + ...): the
    whole ``dos`` call gives the same bits with 1, 2 and 3 threads, and on a rerun."""
    H = bosonpeak.dynamical_matrix(bosonpeak.network(520, 0.2, rng=8))
    assert _fused.multi_plan(shifted(H, "float32"), 3) is not None
    opts = dict(method="kpm", moments=24, vectors=16, dtype="float32", rng=3)
    runs = [bosonpeak.dos(H, np.linspace(0, 4, 21), threads=t, **opts) for t in (1, 2, 3, 2)]
    for g in runs[1:]:
        assert np.array_equal(g.density, runs[0].density) and np.array_equal(g.error, runs[0].error)


def test_without_numba_auto_falls_back_and_fused_says_what_is_missing(H, monkeypatch):
    monkeypatch.setattr(_fused, "available", lambda: False)
    g = bosonpeak.dos(H, np.linspace(0, 4, 21), method="kpm", moments=20, vectors=2, rng=0)
    assert g.info["kernel"] == "scipy"
    with pytest.raises(ImportError, match="numba"):
        bosonpeak.dos(H, method="kpm", moments=20, kernel="fused")


def test_kernel_validation_names_the_parameter(H):
    with pytest.raises(ParameterError, match="'kernel'.*'fast'"):
        bosonpeak.dos(H, method="kpm", moments=20, kernel="fast")
    with pytest.raises(ParameterError, match="'kernel' 'fused' runs on the CPU"):
        bosonpeak.dos(H, method="kpm", moments=20, kernel="fused", device="cuda")


def test_generated_source_compiles_and_every_table_names_a_kernel_it_defines():
    """Nothing generated is in the tree: the text ``kernel_module()`` imports is the generator's."""
    import ast

    source = _fused.kernel_module_source()
    compile(source, "<fused kernels>", "exec")
    tree = ast.parse(source)
    defined = {f.name for f in tree.body if isinstance(f, ast.FunctionDef)}
    tables = {t.targets[0].id: t.value for t in tree.body if isinstance(t, ast.Assign)}
    assert set(tables) == {"KERNELS", "MULTI", "FINISH", "KERNELS_ELL", "MULTI_ELL", "FINISH_ELL"}
    named = {v.id for table in tables.values() for v in table.values}
    assert named | {"ell_from_csr"} == defined
    module = _fused.kernel_module()
    assert Path(module.__file__).read_text() == source
    assert Path(_fused.__file__).parent not in Path(module.__file__).parents
    assert not Path(_fused.__file__).with_name("_fused_kernels.py").exists()


#: Each process waits for the other before generating, so that both write at the same moment.
RACE = """
import pathlib, sys, time
import numpy as np
me, other = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
me.touch()
while not other.exists():
    time.sleep(0.01)
from bosonpeak.spectra._fused_source import kernel_module
m = kernel_module()
idx, val = np.empty((2, 2), np.uint32), np.empty((2, 2))
m.ell_from_csr(np.array([0, 1, 2], np.uint32), np.array([1, 0], np.uint32), np.array([1.0, 2.0]), idx, val)
print(m.__file__, idx.tolist(), val.tolist())
"""


def _python(code, env, *args):
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_processes_generating_the_kernels_at_once_both_succeed(tmp_path):
    env = dict(os.environ, BOSONPEAK_CACHE=str(tmp_path / "cache"))
    a, b = tmp_path / "a", tmp_path / "b"
    procs = [_python(RACE, env, a, b), _python(RACE, env, b, a)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    lines = {out.strip() for out, _ in outs}
    assert len(lines) == 1, lines
    path, rest = lines.pop().split(" ", 1)
    assert rest == "[[1, 0], [0, 1]] [[1.0, 0.0], [2.0, 0.0]]"  # the ELL tables of [[0, 1], [2, 0]]
    assert Path(path).parent == tmp_path / "cache" / "kernels"
    assert Path(path).read_text() == _fused.kernel_module_source()
    assert not list(Path(path).parent.glob(".*.part"))  # each wrote under its own name and renamed


def test_a_home_that_cannot_be_written_falls_back_to_a_private_temporary_folder(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    (tmp_path / "tmp").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("BOSONPEAK_CACHE", "XDG_CACHE_HOME")}
    env.update(HOME=str(blocker), TMPDIR=str(tmp_path / "tmp"))  # ~/.cache lies below a file: it cannot be made
    code = "from bosonpeak.spectra._fused_source import kernel_module; print(kernel_module().__file__)"
    out, err = (p := _python(code, env)).communicate(timeout=300)
    assert p.returncode == 0, err[-2000:]
    path = Path(out.strip())
    assert path.parent == tmp_path / "tmp" / f"bosonpeak-{os.getuid()}" / "kernels"
    assert path.read_text() == _fused.kernel_module_source() and path.parent.parent.stat().st_mode & 0o077 == 0


def test_import_bosonpeak_does_not_import_numba():
    code = "import sys, bosonpeak; bosonpeak.dos; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_split_widths_cover_the_block():
    for r in range(1, 70):
        w = _fused.split_widths(r)
        assert sum(w) == r and w == sorted(w, reverse=True) and set(w) <= set(_fused.WIDTHS)
    assert kpm.KERNELS == ("auto", "fused", "scipy")


def test_memory_estimate_bounds_the_measured_peak_and_the_run_is_refused_beyond_it(H, monkeypatch):
    import tracemalloc

    edges = np.linspace(0, 4, 41)
    H = bosonpeak.dynamical_matrix(bosonpeak.network(120, 0.2, rng=1))
    for dtype, vectors, block in (("float64", 16, None), ("float32", 21, None), ("float32", 24, 8), ("float32", 2, None)):
        opts = dict(method="kpm", moments=40, vectors=vectors, dtype=dtype, block=block, rng=0)
        bosonpeak.dos(H, edges, **opts)  # JIT and caches first
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        bosonpeak.dos(H, edges, **opts)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        need = kpm.memory_estimate(H, 40, vectors, block or vectors, np.dtype(dtype), len(edges) - 1)
        assert peak <= need["total"] <= 2.5 * peak
    # refused before any work, with the estimate, what is available and the option that changes it
    monkeypatch.setattr(_fused, "fused_moments", None)  # the recursion must not start
    for b in (24, 16):  # blocks whose vectors outweigh the checks on H
        room = kpm.memory_estimate(H, 40, 32, b, np.dtype("float32"), len(edges) - 1)["total"]
        monkeypatch.setattr(kpm, "available_memory", lambda room=room: room)
        with pytest.raises(ParameterError, match=rf"estimated .* MiB .* available; 'block' .* give block={b}$"):
            bosonpeak.dos(H, edges, method="kpm", moments=40, vectors=32, dtype="float32", rng=0)
    room = kpm.memory_estimate(H, 40, 16, 16, np.dtype("float32"), len(edges) - 1)["total"]
    monkeypatch.setattr(kpm, "available_memory", lambda: room)
    with pytest.raises(ParameterError, match=r"give block=\d+ or dtype='float32'$"):
        bosonpeak.dos(H, edges, method="kpm", moments=40, vectors=16, rng=0)
    monkeypatch.setattr(kpm, "available_memory", lambda: 1000)
    with pytest.raises(ParameterError, match="more memory"):
        bosonpeak.dos(H, edges, method="kpm", moments=40, vectors=4, rng=0)
    monkeypatch.setattr(kpm, "available_memory", lambda: None)  # unknown: no check, the recursion starts
    with pytest.raises(TypeError):
        bosonpeak.dos(H, edges, method="kpm", moments=40, vectors=4, rng=0, kernel="fused")


@pytest.fixture(scope="module")
def H40():
    return bosonpeak.dynamical_matrix(bosonpeak.network(40, 0.2, rule="cutoff", rng=5))


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 6-7 chunks of 128 rows, so that an L = 40 network has two and threads share them."""
    monkeypatch.setattr(_fused, "CHUNK", 128)
    monkeypatch.setattr(_fused, "BLOCK_CHUNKS", 8)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("r", [16, 5])
@pytest.mark.parametrize("layout", ["csr", "ell"])
@pytest.mark.parametrize("stages", [2, 3])
def test_multi_step_pass_gives_the_moments_of_single_steps(H40, dtype, r, layout, stages, small_blocks):
    H2, V = shifted(H40, dtype), signs(H40.shape[0], r, dtype, seed=1)
    level, lag, deferred = _fused.multi_plan(H2, stages)  # the multi-step pass is really exercised
    assert (level == stages).any() and len(deferred) == stages - 1
    for n_mom in (40, 42, 44, 12):  # every remainder of the steps after the first
        single = _fused.fused_moments(H2, V.copy(), n_mom, NoBar(), threads=1, stages=1, layout="csr")
        multi = _fused.fused_moments(H2, V.copy(), n_mom, NoBar(), threads=2, stages=stages, layout=layout)
        # the vectors are the same bit for bit (each row's arithmetic is that of one step); the
        # float64 dot products are summed in another order
        np.testing.assert_allclose(multi / H2.shape[0], single / H2.shape[0], rtol=0, atol=1e-14)


@pytest.mark.parametrize("stages", [2, 3])
def test_multi_step_pass_is_bit_identical_for_any_threads(H40, small_blocks, stages):
    H2, V = shifted(H40, "float32"), signs(H40.shape[0], 16, "float32", seed=2)
    runs = [_fused.fused_moments(H2, V.copy(), 60, NoBar(), threads=t, stages=stages) for t in (1, 2, 3, 4, 1)]
    for other in runs[1:]:
        assert np.array_equal(runs[0], other)


@pytest.mark.parametrize("rule, L", [("cutoff", 60), ("nearest", 60), ("cutoff", 200)])
def test_multi_step_plan_of_a_lattice_lags_one_row_of_sites(rule, L):
    H2 = shifted(bosonpeak.dynamical_matrix(bosonpeak.network(L, 0.2, rule=rule, rng=1)), "float64")
    level, lag, deferred = _fused.multi_plan(H2, 3)
    assert lag in (L, L + 1)  # neighbours up to one row of sites away (and its diagonal)
    for k, rows in enumerate(deferred, start=1):
        assert np.array_equal(np.flatnonzero(level <= k), rows.astype(np.int64))
    # the periodic wrap-around rows and the block ends wait: about 4 rows of sites per stage
    assert deferred[0].size <= 5 * L + 8 and deferred[1].size <= 10 * L + 16
    # a row runs stage k + 1 in the sweep only if every neighbour ran stage k there
    rows = np.repeat(np.arange(H2.shape[0]), np.diff(H2.indptr))
    assert np.all(level[H2.indices] >= level[rows].astype(int) - 1)


def test_multi_step_plan_declines_a_matrix_without_locality():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(40, 0.2, rng=1))
    perm = np.random.default_rng(0).permutation(H.shape[0])
    H = H[perm][:, perm]  # nodes numbered at random: neighbours anywhere
    assert _fused.multi_plan(shifted(H.tocsr(), "float64"), 3) is None


def test_blocks_depend_on_the_size_alone_and_split_evenly():
    assert _fused.block_cuts(5) == [0, 5]
    cuts = _fused.block_cuts(245)  # N = 10^6 in chunks of 4096 rows
    sizes = np.diff(cuts)
    assert len(sizes) % 4 == 0 and sizes.max() - sizes.min() <= 1 and cuts[-1] == 245


def test_stages_out_of_range_are_refused(H40):
    H2, V = shifted(H40, "float32"), signs(H40.shape[0], 4, "float32", seed=2)
    with pytest.raises(ValueError, match="'stages' must be an integer from 1 to 3; got 4"):
        _fused.fused_moments(H2, V, 20, NoBar(), stages=4)


@pytest.mark.parametrize("stages", [1, 3])
def test_ell_tables_give_the_csr_moments_bit_for_bit(H40, stages):
    H2, V = shifted(H40, "float32"), signs(H40.shape[0], 16, "float32", seed=3)
    idx, val = _fused.ell_tables(H2, np.float32)
    assert idx.shape == (H40.shape[0], np.diff(H2.indptr).max())
    # padding: the row's own index with a zero value, after the stored entries
    dense = np.zeros(H2.shape, dtype=np.float32)
    np.add.at(dense, (np.repeat(np.arange(H2.shape[0]), idx.shape[1]), idx.ravel().astype(np.int64)), val.ravel())
    assert np.array_equal(dense, H2.toarray())
    csr = _fused.fused_moments(H2, V.copy(), 30, NoBar(), threads=2, stages=stages, layout="csr")
    ell = _fused.fused_moments(H2, V.copy(), 30, NoBar(), threads=2, stages=stages, layout="ell")
    assert np.array_equal(csr, ell)  # the same products in the same order, plus exact zeros


def test_ell_tables_decline_a_matrix_with_one_long_row():
    import scipy.sparse as sp

    n = 400
    star = sp.lil_matrix((n, n))
    star[0, 1:] = -1.0
    star[1:, 0] = -1.0
    star.setdiag(np.r_[n - 1.0, np.ones(n - 1)])
    assert _fused.ell_tables(star.tocsr(), np.float64) is None  # 400 x 400 tables for 1,597 entries
    with pytest.raises(ValueError, match="'layout' must be"):
        _fused.fused_moments(star.tocsr(), np.ones((n, 1)), 4, NoBar(), layout="dense")
