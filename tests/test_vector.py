"""3D lattices, the vector dynamical matrix, its exact zero modes and every engine on it."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import bosonpeak
from bosonpeak.matrices.vector import maxwell_count, rigidity_matrix, vector_dynamical_matrix
from bosonpeak.spectra.slicing import eigenvalue_counts
from bosonpeak.spectra.spectrum import edge_shifts
from bosonpeak.spectra.vector import ROUNDOFF_TOL, ZeroModeError, check_resources, vector_dos, vector_zero_modes

EXACT = 1e-12


def qgrid_eigenvalues(L: int, dim: int) -> np.ndarray:
    """omega^2 = 4 sum_i sin^2(q_i / 2) on the allowed q of the periodic box of side L."""
    q = 2 * np.pi * np.arange(L) / L
    grids = np.meshgrid(*([q] * dim), indexing="ij")
    return np.sort(sum(4 * np.sin(g / 2) ** 2 for g in grids).ravel())


def test_cubic_network_geometry_and_reproducibility():
    net = bosonpeak.network(5, 0.3, rule="nearest", rng=7, dim=3)
    sites = np.array(list(itertools.product(range(5), repeat=3)), dtype=float)
    moved = bosonpeak.model.lattice.minimum_image(net.positions - sites, net.box)
    np.testing.assert_allclose(np.linalg.norm(moved, axis=1), 0.3, rtol=1e-12)  # exactly delta, any direction
    assert abs(moved.mean(axis=0)).max() < 0.1  # directions spread over the sphere
    assert np.array_equal(net.coordination, np.full(125, 6))
    again = bosonpeak.network(5, 0.3, rule="nearest", rng=7, dim=3)
    assert np.array_equal(net.positions, again.positions) and np.array_equal(net.bonds, again.bonds)
    crystal = bosonpeak.network(5, 0.0, rule="cutoff", dim=3)  # r_c = a: the same six neighbours
    assert np.array_equal(crystal.bonds, bosonpeak.network(5, 0.0, rule="nearest", dim=3).bonds)


def test_3d_scalar_crystal_matches_the_q_grid_exactly():
    L = 6
    H = bosonpeak.dynamical_matrix(bosonpeak.network(L, 0.0, dim=3))
    edges = np.linspace(0, 3.6, 37)
    exact = np.searchsorted(qgrid_eigenvalues(L, 3), edge_shifts(H, edges), side="left")
    for method in ("dense", "slicing", "banded"):
        g = bosonpeak.dos(H, edges, method=method, zero_modes=True)  # the q-grid holds the zero mode
        assert np.array_equal(np.rint(g.density * L**3 * np.diff(edges)), np.diff(exact)), method
    np.testing.assert_allclose(np.linalg.eigvalsh(H.toarray()), qgrid_eigenvalues(L, 3), atol=1e-12)


def test_vector_matrix_is_r_transpose_k_r_and_the_unstressed_glass_hessian():
    net = bosonpeak.network(5, 0.3, cutoff=1.5, rng=2, dim=3)
    R, K = rigidity_matrix(net), vector_dynamical_matrix(net)
    assert abs(R.T @ (net.stiffness[:, None] * R.toarray()) - K.toarray()).max() < EXACT
    assert abs(K @ np.tile([0.0, 0.0, 1.0], net.n_nodes)).max() < EXACT  # translations are zero modes
    p = bosonpeak.jammed_packing(64, 0.9, rng=1)
    Kg = vector_dynamical_matrix(bosonpeak.contact_network(p))  # k = V'' = 1 / sigma^2, no prestress
    assert abs(Kg - bosonpeak.glass_hessian(p, prestress=False)).max() < EXACT


@pytest.mark.parametrize("L", [4, 6, 9])
@pytest.mark.parametrize("method", ["dense", "inertia"])
def test_square_lattice_nearest_has_2L_zero_modes(L, method):
    net = bosonpeak.network(L, 0.0, rule="nearest")
    assert vector_zero_modes(net, method=method) == 2 * L
    assert maxwell_count(net)["maxwell_floppy"] == 0  # isostatic by count: 2 L states of self-stress


@pytest.mark.parametrize("L", [3, 4, 5])
@pytest.mark.parametrize("method", ["dense", "inertia"])
def test_simple_cubic_nearest_has_3L2_zero_modes(L, method):
    assert vector_zero_modes(bosonpeak.network(L, 0.0, rule="nearest", dim=3), method=method) == 3 * L**2


@pytest.mark.parametrize("dim, L", [(2, 10), (3, 5)])
def test_well_connected_cutoff_network_has_only_d_translations(dim, L):
    net = bosonpeak.network(L, 0.3, cutoff=1.6, rng=3, dim=dim)
    assert net.coordination.mean() > 2 * dim + 2
    n0, info = vector_zero_modes(net, info=True)
    assert n0 == dim == vector_zero_modes(net, method="inertia")
    bound = info["threshold"] / (ROUNDOFF_TOL * dim * net.n_nodes * np.finfo(float).eps)  # the threshold's Gershgorin bound
    assert info["smallest_nonzero"] > 1e-4 * bound and info["largest_zero"] < 1e-13 * bound  # a clear gap


def test_floppy_network_count_exceeds_maxwell_and_agrees_between_methods():
    net = bosonpeak.network(8, 0.3, cutoff=1.05, rng=5)  # mean z below 2d = 4
    c = maxwell_count(net)
    assert c["mean_z"] < 4
    n0 = vector_zero_modes(net, method="dense")
    assert n0 == vector_zero_modes(net, method="inertia") >= c["maxwell_floppy"]


def test_ambiguous_zero_modes_are_refused():
    """A translation lifted into the window between round-off and the threshold (dense), or
    between the two inertia shifts, is a soft mode no count can place: an error, not a guess."""
    K = vector_dynamical_matrix(bosonpeak.network(6, 0.2, cutoff=1.6, rng=1))
    n, bound = K.shape[0], bosonpeak.spectra.spectrum.gershgorin_bound(K)
    pin = np.zeros((n, n))
    pin[0, 0] = 1.0  # a weak spring to the ground on x_0: lifts the x translation to about w / (n / 2)
    with pytest.raises(ZeroModeError):
        vector_zero_modes(K + 3 * ROUNDOFF_TOL * n * np.finfo(float).eps * bound * (n / 2) * pin, method="dense")
    with pytest.raises(ZeroModeError):
        vector_zero_modes(K + 3e-8 * bound * (n / 2) * pin, method="inertia")
    assert vector_zero_modes(K + 1e-2 * bound * pin, method="inertia") == 1  # well lifted: one translation left
    # a soft mode at 1e-9 B: dense certifies it non-zero (its error is ~ n eps B), inertia cannot
    assert vector_zero_modes(K + 1e-9 * bound * (n / 2) * pin, method="dense") == 1


def test_cli_3d_vector_dos_counts_a_soft_mode_at_1e10_b(tmp_path, capsys):
    """bosonpeak dos --dim 3 --model vector --size 6: an eigenvalue at 1.3e-10 B, certified non-zero."""
    from bosonpeak.cli import main
    assert main(["dos", "--dim", "3", "--model", "vector", "--size", "6", "--out", str(tmp_path / "v.nc"), "--no-progress"]) == 0
    assert "zero modes/network 3.0" in capsys.readouterr().out


@pytest.mark.parametrize("dim, L, cutoff", [(2, 8, 1.6), (3, 4, 1.5), (2, 6, None)])
def test_vector_engines_agree(dim, L, cutoff):
    rule = "nearest" if cutoff is None else "cutoff"
    net = bosonpeak.network(L, 0.0 if cutoff is None else 0.25, rule=rule, cutoff=cutoff, rng=4, dim=dim)
    edges = np.linspace(0, 5.5, 23)
    dense = vector_dos(net, edges, zero_modes=False)
    n = dim * net.n_nodes
    assert dense.n_modes == n and dense.integral() == pytest.approx((n - dense.zero_modes) / n, abs=EXACT)
    for method in ("slicing", "banded"):
        other = vector_dos(net, edges, method=method, zero_modes=False)
        assert np.array_equal(np.rint(other.density * n * np.diff(edges)), np.rint(dense.density * n * np.diff(edges))), method
    counts, _ = eigenvalue_counts(vector_dynamical_matrix(net), edge_shifts(vector_dynamical_matrix(net), edges))
    lam = np.linalg.eigvalsh(vector_dynamical_matrix(net).toarray())
    assert np.array_equal(counts, np.searchsorted(lam, edge_shifts(vector_dynamical_matrix(net), edges)))


def test_vector_kpm_within_its_error_bars():
    net = bosonpeak.network(16, 0.3, cutoff=1.6, rng=6)
    edges = np.linspace(0, 5.0, 26)
    kpm = vector_dos(net, edges, method="kpm", zero_modes=False, moments=400, vectors=24, rng=1)
    K = vector_dynamical_matrix(net)
    omega = np.sqrt(np.clip(np.linalg.eigvalsh(K.toarray()), 0, None))[2:]  # the 2 translations removed
    # the exact DOS smoothed by the same kernel: a broadened delta per eigenvalue, binned
    x = omega / kpm.info["omega_max"]
    from bosonpeak.spectra.kpm import _bin_matrix

    T = np.cos(2 * np.arange(kpm.info["moments"])[:, None] * np.arccos(x)[None, :])
    exact = (T.sum(axis=1) / K.shape[0]) @ _bin_matrix(edges, kpm.info["omega_max"], kpm.info["moments"])
    inside = kpm.error > 0  # above the band top both are 0
    assert inside.sum() > 15 and np.allclose(kpm.density[~inside], exact[~inside], atol=1e-12)
    z = np.abs(kpm.density - exact)[inside] / kpm.error[inside]
    assert np.all(z < 4.5) and np.mean(z) < 1.5
    assert kpm.integral() == pytest.approx((K.shape[0] - 2) / K.shape[0], abs=1e-10)


def test_vector_problems_past_the_limit_are_refused_before_work():
    with pytest.raises(ValueError, match="method 'dense' needs about"):
        check_resources(40**3, 3, method="dense", max_bytes=2**33)
    with pytest.raises(ValueError, match="use method='kpm'"):
        vector_dos(bosonpeak.network(8, 0.2, rng=1, dim=3), method="dense", max_seconds=1e-6)
    with pytest.raises(ValueError, match="pass n_zero"):  # KPM itself fits; the exact count does not
        check_resources(40**3, 3, method="kpm", mean_z=18, max_bytes=2**33)
    assert check_resources(40**3, 3, method="kpm", mean_z=18, max_bytes=2**33, count_zero_modes=False)["bytes"] < 2**31


def run_json(capsys, argv):
    import json

    from bosonpeak.cli import main

    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_dos_json_for_3d_vector_and_scalar(tmp_path, capsys):
    common = ["dos", "--size", "4", "--dim", "3", "--rule", "nearest", "--delta", "0", "--json", "--no-progress",
              "--bin-width", "0.1", "--out", str(tmp_path / "a.nc")]
    v = run_json(capsys, common + ["--model", "vector"])
    assert (v["n_nodes"], v["n_modes"], v["dim"], v["model"], v["zero_modes"], v["mean_z"]) == (64, 192, 3, "vector", 48.0, 6.0)
    assert len(v["edges"]) == len(v["density"]) + 1
    assert np.sum(np.array(v["density"]) * np.diff(v["edges"])) == pytest.approx((192 - 48) / 192, abs=EXACT)
    s = run_json(capsys, common + ["--model", "scalar", "--keep-zero-modes"])
    edges = np.array(s["edges"])
    exact = np.histogram(np.sqrt(qgrid_eigenvalues(4, 3)) + 1e-9, edges)[0]  # no shell of L = 4 sits on an edge of 0.1
    assert np.array_equal(np.rint(np.array(s["density"]) * 64 * np.diff(edges)), exact)
    again = run_json(capsys, common + ["--model", "scalar", "--keep-zero-modes"])
    assert again["density"] == s["density"]


def test_cli_dos_refuses_too_large_and_unknown_choices(tmp_path, capsys):
    from bosonpeak.cli import main

    for argv, message in [(["--size", "40", "--dim", "3", "--model", "vector"], "needs about"),
                          (["--dim", "4"], "'--dim'"), (["--model", "tensor"], "'--model'"),
                          (["--size", "40", "--dim", "3", "--model", "vector", "--method", "kpm"], "pass n_zero")]:
        assert main(["dos", *argv, "--out", str(tmp_path / "b.nc"), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    assert not (tmp_path / "b.nc").exists()


def test_cli_vector_writes_dataset_and_figures(tmp_path, capsys):
    from bosonpeak.cli import main

    assert main(["vector", "--size", "4", "--dim", "2", "--delta", "0.2", "--cutoff", "1.5", "--out", str(tmp_path)]) == 0
    assert "zero modes vector 2" in capsys.readouterr().out
    assert {p.name for p in tmp_path.iterdir()} == {"vector.nc", "reduced_dos.png", "heat_capacity.png"}
    assert main(["vector", "--dim", "5", "--out", str(tmp_path / "x")]) == 2
    assert "'--dim'" in capsys.readouterr().err
