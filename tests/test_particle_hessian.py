"""The particle Hessian's block (BSR) output against its CSR output, symmetry, zero modes, threads."""

from pathlib import Path

import numpy as np
import pytest
from test_particles import disks, ka_system

from bosonpeak.matrices.particle_hessian import hessian
from bosonpeak.model import _pairs
from bosonpeak.model.potentials import potential

SYSTEMS = {"ka3d": (lambda: ka_system(6, 3), "kob-andersen"), "ka2d": (lambda: ka_system(11, 2), "kob-andersen"),
           "harmonic2d": (lambda: disks(48), "harmonic"), "harmonic3d": (lambda: disks(60, phi=0.9, dim=3), "harmonic")}
VARIANTS = {"default": {}, "unweighted": {"mass_weighted": False}, "scalar": {"scalar": True},
            "keep": {"keep": lambda n: np.arange(n) % 7 != 3}, "float32": {"dtype": "float32"}}


def _kwargs(variant, n):
    return {k: (v(n) if callable(v) else v) for k, v in VARIANTS[variant].items()}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("system", SYSTEMS)
def test_blocks_equal_csr_exactly(system, variant):
    make, name = SYSTEMS[system]
    p, pot = make(), potential(name)
    kw = _kwargs(variant, p.n)
    H = hessian(p, pot, **kw)
    B = hessian(p, pot, format="bsr", **kw)
    d = 1 if kw.get("scalar") else p.dim
    assert B.format == "bsr" and B.blocksize == (d, d) and B.data.shape == (B.indices.size, d, d)
    assert B.indices.dtype == np.int32 and B.indptr.dtype == np.int32 and B.dtype == H.dtype
    assert np.all(np.diff(B.indices[B.indptr[0]:B.indptr[1]]) > 0)  # sorted, no duplicates
    assert B.shape == H.shape and np.array_equal(B.toarray(), H.toarray())
    C = B.tocsr()
    assert np.array_equal(C.indptr, H.indptr) and np.array_equal(C.indices, H.indices) and np.array_equal(C.data, H.data)


@pytest.mark.parametrize("system", SYSTEMS)
def test_blocks_are_symmetric_with_translations_as_zero_modes(system):
    make, name = SYSTEMS[system]
    p = make()
    B = hessian(p, potential(name), format="bsr")
    assert (B.tocsr() != B.T.tocsr()).nnz == 0  # exactly: the pair block is computed from the same numbers both ways
    scale = np.abs(B.data).max()
    for a in range(p.dim):
        t = np.zeros((p.n, p.dim))
        t[:, a] = np.sqrt(p.masses)
        assert np.abs(B @ t.ravel()).max() < 1e-12 * scale * np.sqrt(p.masses.max() / p.masses.min())


@pytest.mark.parametrize("fmt", ["csr", "bsr"])
def test_thread_count_does_not_change_a_bit(monkeypatch, fmt):
    p, pot = ka_system(9, 3), potential("kob-andersen")
    monkeypatch.setattr(_pairs, "CHUNK", 64)  # many chunks, taken in turn by the threads
    runs = []
    for n in (1, 2, 3):
        monkeypatch.setattr(_pairs, "threads", lambda n=n: n)
        runs.append(hessian(p, pot, format=fmt))
    for H in runs[1:]:
        for part in ("indptr", "indices", "data"):
            assert getattr(H, part).tobytes() == getattr(runs[0], part).tobytes()


@pytest.mark.parametrize("kw,words", [({"format": "coo"}, "'format' must be one of 'csr', 'bsr'; got 'coo'"),
                                      ({"format": None}, "'format' must be one of"),
                                      ({"dtype": "float16"}, "'dtype' must be one of 'float64', 'float32'; got 'float16'"),
                                      ({"dtype": np.int32}, "'dtype' must be one of 'float64', 'float32'; got 'int32'"),
                                      ({"dtype": 7}, "'dtype' must be one of")])
def test_bad_format_or_dtype_is_one_line_naming_the_parameter(kw, words):
    p = disks(20)
    with pytest.raises(ValueError) as err:
        hessian(p, potential("harmonic"), **kw)
    assert words in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("system", ["ka3d", "harmonic2d"])
def test_cell_grid_does_not_change_a_bit(monkeypatch, system):
    """Cells of half the cut-off (the default) or of the whole cut-off (two cells per axis here, so
    that the images -1 and +1 of a cell are the same cell): the same matrix, bit for bit."""
    from bosonpeak.model import _assembly

    make, name = SYSTEMS[system]
    p, pot = make(), potential(name)
    B = hessian(p, pot, format="bsr")
    monkeypatch.setattr(_assembly.sorted_grid, "__defaults__", (1,))
    C = hessian(p, pot, format="bsr")
    assert _pairs.sorted_setup(p, pot).grid[-1].max() == 1  # the coarse grid was used
    assert all(getattr(B, a).tobytes() == getattr(C, a).tobytes() for a in ("indptr", "indices", "data"))


def test_large_outputs_are_faulted_in_small_pages():
    """The matrix's arrays ask for 4 KiB pages (first touching huge pages costs several times more
    on a VM that hands freed memory back): the kernel marks their mapping ``nh``."""
    a = _pairs.empty(1 << 23, np.float64)  # 64 MiB, the smallest so marked
    a[:] = 1.0
    assert a.sum() == a.size
    if not Path("/proc/self/smaps").exists():
        pytest.skip("no /proc/self/smaps")
    flags = None
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:
            lo, hi = (int(v, 16) for v in head.split("-"))
            inside = lo <= a.ctypes.data < hi
        elif line.startswith("VmFlags:") and inside:
            flags = line.split()[1:]
    assert flags is not None and "nh" in flags
