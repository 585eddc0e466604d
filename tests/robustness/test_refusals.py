"""Inputs that once passed silently are refused or explained, naming the option or parameter as the
user typed it (issue 27): matrices that are not dynamical matrices, springs that are not springs,
complex edges, a missing optional package, NaN written without a reason, "omega = nan"."""

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp
import xarray as xr

import bosonpeak
from bosonpeak._checks import ParameterError, ParameterTypeError

EDGES = np.linspace(0.0, 4.0, 9)
EXACT = [m for m in bosonpeak.methods() if m != "kpm"]


@pytest.mark.parametrize("method", EXACT)
def test_matrices_that_are_not_positive_semi_definite_are_refused(method):
    with pytest.raises(ParameterError, match="'net_or_H' must be positive semi-definite"):
        bosonpeak.dos(-np.eye(4), EDGES, method=method)  # a negative diagonal: refused at the entry
    indefinite = np.array([[1.0, 2.0], [2.0, 1.0]])  # positive diagonal, eigenvalues 3 and -1: the exact count finds it
    if method != "slicing":  # slicing cannot certify a shift this close to -1 on a 2 x 2 matrix: it raises its own error
        with pytest.raises(ParameterError, match="1 negative eigenvalue"):
            bosonpeak.dos(indefinite, EDGES, method=method, zero_modes=True)


def test_complex_matrices_and_edges_and_bad_springs_are_refused():
    with pytest.raises(ParameterTypeError, match="real symmetric matrix"):
        bosonpeak.dos(np.eye(4, dtype=complex), EDGES)
    with pytest.raises(ParameterTypeError, match="real symmetric matrix"):
        bosonpeak.dos(sp.eye(4, dtype=complex, format="csr"), EDGES, method="kpm")
    with pytest.raises(ParameterTypeError, match="'edges' must be a 1-D sequence of real numbers"):
        bosonpeak.dos(np.eye(4), EDGES + 0.5j)
    net = bosonpeak.network(6, 0.1, rng=0)
    for k in (-net.stiffness, net.stiffness * np.nan, net.stiffness[:-1], net.stiffness * 1j):
        with pytest.raises(ParameterError, match="'stiffness' must hold one finite real spring constant >= 0 per bond"):
            dataclasses.replace(net, stiffness=k)
    assert bosonpeak.dos(dataclasses.replace(net, stiffness=net.stiffness * 0), EDGES).density[0] > 0  # zero springs are springs


def test_a_missing_optional_package_is_one_line_naming_it(cli, tmp_path):
    pytest.importorskip("numpy")
    try:
        import cupy  # noqa: F401
        pytest.skip("CuPy is installed here")
    except ImportError:
        pass
    rc, _, err = cli("dos", "--size", "6", "--method", "kpm", "--option", "device=cuda", "--out", tmp_path / "o.nc")
    assert rc == 2 and "internal error" not in err and "needs CuPy" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o.nc").exists()


def test_vector_nan_says_why(tmp_path):
    from bosonpeak._files import save_dataset
    from bosonpeak.workflows.vector import compute, summary

    ds = compute(6, 0.0, dim=2, rule="nearest")  # a floppy crystal: no vector Debye level
    line = summary(ds)
    assert "nan (vector)" not in line and "floppy" in line, line
    with xr.open_dataset(save_dataset(ds, tmp_path / "vector.nc")) as saved:
        nan_vars = [n for n, v in saved.data_vars.items() if np.issubdtype(v.dtype, np.floating) and np.isnan(v.values).any()]
        assert nan_vars and all("floppy" in saved[n].attrs.get("comment", "") for n in nan_vars), nan_vars
        assert "floppy" in saved.attrs["vector_nan_reason"]


@pytest.mark.parametrize("args, reason", [(["--size", "3"], "L = 3 is too small"), (["--size", "4", "--bin-width", "0.5"], "no bin centre")],
                         ids=["tiny", "wide-bins"])
def test_no_peak_in_the_window_says_why_not_nan(cli, tmp_path, args, reason):
    rc, out, err = cli("dos", *args, "--no-progress", "--out", tmp_path / "o.nc")
    assert rc == 0 and "omega = nan" not in out and reason in out, out + err
