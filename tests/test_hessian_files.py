"""Hessians from files: every format gives the same dynamical matrix; bad files give one line."""

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp

from bosonpeak.matrices.hessian_files import FORMATS, infer_format, read_hessian


def _hessian(n, dim, seed=3):
    """A random symmetric Hessian with zero row sums per direction (translation invariant)."""
    rng = np.random.default_rng(seed)
    H = np.zeros((dim * n, dim * n))
    for i, j in zip(*np.triu_indices(n, 1)):
        if rng.random() < 0.5:
            a = rng.normal(size=(dim, dim))
            K = a @ a.T
            bi, bj = slice(dim * i, dim * i + dim), slice(dim * j, dim * j + dim)
            H[bi, bj] -= K
            H[bj, bi] -= K
            H[bi, bi] += K
            H[bj, bj] += K
    return H


def _weighted(H, masses, dim):
    w = 1 / np.sqrt(np.repeat(masses, dim))
    return H * w[:, None] * w[None, :]


def _write_phonopy(path, fc):
    n = fc.shape[0]
    with open(path, "w") as fh:
        fh.write(f"{n} {n}\n")
        for i in range(n):
            for j in range(n):
                fh.write(f"{i + 1} {j + 1}\n")
                for row in fc[i, j]:
                    fh.write(" ".join(f"{v:.15e}" for v in row) + "\n")


def _write_dynmat(path, D3):
    """LAMMPS's layout: 3 N rows of 3 N numbers, three per line, %4.8f."""
    np.savetxt(path, D3.reshape(-1, 3), fmt="%4.8f")


@pytest.mark.parametrize("dim", [2, 3])
def test_every_format_gives_the_same_dynamical_matrix(tmp_path, dim):
    n = 5
    masses = np.array([1.0, 2.0, 1.0, 3.0, 0.5])
    H = _hessian(n, dim)
    D = _weighted(H, masses, dim)
    scipy.io.mmwrite(str(tmp_path / "h.mtx"), sp.csr_matrix(H))
    sp.save_npz(tmp_path / "h.npz", sp.csr_matrix(H))
    got = {f: read_hessian(tmp_path / f"h.{ext}", n=n, dim=dim, masses=masses) for f, ext in [("mtx", "mtx"), ("npz", "npz")]}
    # phonopy and LAMMPS write 3D blocks; in 2D the z rows are decoupled and dropped
    H3 = np.zeros((3 * n, 3 * n))
    keep = (3 * np.arange(n)[:, None] + np.arange(dim)).ravel()
    H3[np.ix_(keep, keep)] = H
    fc = H3.reshape(n, 3, n, 3).transpose(0, 2, 1, 3)
    _write_phonopy(tmp_path / "FORCE_CONSTANTS", fc)
    got["phonopy"] = read_hessian(tmp_path / "FORCE_CONSTANTS", n=n, dim=dim, masses=masses)
    _write_dynmat(tmp_path / "d.dyn", _weighted(H3, masses, 3))
    got["dynmat"] = read_hessian(tmp_path / "d.dyn", n=n, dim=dim, masses=masses)
    try:
        import h5py
    except ImportError:
        h5py = None
    if h5py is not None:
        with h5py.File(tmp_path / "force_constants.hdf5", "w") as f:
            f["force_constants"] = fc
        got["hdf5"] = read_hessian(tmp_path / "force_constants.hdf5", n=n, dim=dim, masses=masses)
    for name, M in got.items():
        assert M.shape == (dim * n, dim * n) and M.indices.dtype == np.int32, name
        tol = 1e-8 if name == "dynmat" else 1e-12
        np.testing.assert_allclose(M.toarray(), D, atol=tol * np.abs(D).max(), err_msg=name)
        assert abs(M - M.T).max() == 0.0, name  # symmetrised exactly


def test_bad_hessian_files_give_one_line_naming_the_file(tmp_path):
    n, dim = 4, 2
    H = _hessian(n, dim)
    scipy.io.mmwrite(str(tmp_path / "ok.mtx"), sp.csr_matrix(H))
    asym = H.copy()
    asym[0, 3] += 0.1 * np.abs(H).max()
    scipy.io.mmwrite(str(tmp_path / "asym.mtx"), sp.csr_matrix(asym))
    (tmp_path / "junk.mtx").write_text("not a matrix\n")
    (tmp_path / "h.txt").write_text("1 2 3\n")
    _write_dynmat(tmp_path / "odd.dyn", np.zeros((5, 9)).ravel()[:45])
    nan = H.copy()
    nan[1, 1] = np.nan
    np.savez(tmp_path / "plain.npz", H=nan)
    fc = np.zeros((2, n, 3, 3))
    (tmp_path / "FORCE_CONSTANTS").write_text(f"2 {n}\n")
    cases = {
        ("ok.mtx", 5): "expected a (10, 10) matrix for 5 particles in 2D; got (8, 8)",
        ("asym.mtx", n): "not symmetric",
        ("junk.mtx", n): "cannot read it as matrix-market",
        ("h.txt", n): "cannot tell its format",
        ("odd.dyn", n): "is not (3 N)**2",
        ("plain.npz", n): "cannot read it as npz",
        ("FORCE_CONSTANTS", n): "compact force constants",
        ("missing.mtx", n): "no such file",
    }
    assert fc.ndim == 4
    for (name, count), text in cases.items():
        with pytest.raises(ValueError) as err:
            read_hessian(tmp_path / name, n=count, dim=dim)
        msg = str(err.value)
        assert text in msg and name in msg and "\n" not in msg, msg


def test_format_names():
    assert set(FORMATS) >= {"matrix-market", "npz", "lammps-dynmat", "phonopy", "phonopy-hdf5"}
    assert infer_format("a/force_constants.hdf5") == "phonopy-hdf5"
    with pytest.raises(ValueError, match="'format' must be one of"):
        read_hessian(__file__, n=1, dim=2, format="vasp")
