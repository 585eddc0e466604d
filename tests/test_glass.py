"""The simulated amorphous solid: packing, rattlers, coordination, Hessians, DOS, cache and CLI."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import bosonpeak
from bosonpeak.analysis.elasticity import debye_levels
from bosonpeak.cli import main
from bosonpeak.model.glass import DEFAULT_FTOL, MIN_CONTACTS, _forces, voronoi_numbers
from bosonpeak.spectra.banded import banded_eigenvalues
from bosonpeak.spectra.vector import glass_dos
from bosonpeak.workflows.glass import (
    glass_dataset,
    glass_figure_data,
    glass_figures,
    glass_summary,
)

N = 256
SEED = 11
#: |lambda| below this counts as a zero mode (largest eigenvalue ~ 10).
ZERO_TOL = 1e-10


@pytest.fixture(scope="module")
def packings():
    """Packings of the same initial positions at three packing fractions."""
    return {phi: bosonpeak.jammed_packing(N, phi, rng=SEED) for phi in (0.845, 0.86, 0.90)}


@pytest.fixture(scope="module")
def packing(packings):
    return packings[0.86]


def brute_force_forces(p):
    """All-pairs harmonic forces, O(N^2), independent of the neighbour list."""
    d = p.positions[None, :, :] - p.positions[:, None, :]
    d -= p.box * np.round(d / p.box)
    r = np.sqrt((d**2).sum(-1))
    np.fill_diagonal(r, np.inf)
    sigma = p.radii[:, None] + p.radii[None, :]
    mag = np.where(r < sigma, (1 - r / sigma) / sigma, 0.0)
    return -(mag[:, :, None] * d / r[:, :, None]).sum(axis=1)


def test_force_balance(packings):
    for p in packings.values():
        assert p.max_force < DEFAULT_FTOL
        assert np.sqrt((brute_force_forces(p) ** 2).sum(1)).max() < 2 * DEFAULT_FTOL


def test_packing_fraction_and_bidispersity(packing):
    assert packing.phi == pytest.approx(0.86, rel=1e-12)
    assert packing.n_particles / packing.box**2 == pytest.approx(1.0, rel=1e-12)
    assert sorted(set(np.round(packing.radii / packing.radii.min(), 12))) == [1.0, 1.4]


def test_bit_identical_for_a_seed(packing):
    again = bosonpeak.jammed_packing(N, 0.86, rng=SEED)
    assert again.positions.tobytes() == packing.positions.tobytes()
    assert np.array_equal(again.contacts, packing.contacts) and np.array_equal(again.rattler, packing.rattler)
    other = bosonpeak.jammed_packing(N, 0.86, rng=SEED + 1)
    assert not np.array_equal(other.positions, packing.positions)


def test_rattlers_removed_leave_every_backbone_particle_with_three_contacts(packing):
    z = packing.contact_numbers
    assert z[packing.backbone].min() >= MIN_CONTACTS
    assert np.all(z[packing.rattler] < MIN_CONTACTS)


def test_contact_number_just_above_jamming(packings):
    # Rigidity needs at least N_iso = d (M - 1) + 1 contacts (periodic box; Goodrich et al. 2012).
    for p in packings.values():
        m = len(p.backbone)
        assert len(p.backbone_contacts) >= 2 * (m - 1) + 1
    z = {phi: p.mean_contact_number for phi, p in packings.items()}
    assert 4.0 < z[0.845] < 4.4  # delta z ~ sqrt(phi - phi_J): about 0.2 at phi - phi_J ~ 0.005
    assert z[0.845] < z[0.86] < z[0.90]


def test_voronoi_mean_coordination_is_six(packings):
    for p in packings.values():
        zv = voronoi_numbers(p)
        assert zv.sum() == 6 * p.n_particles  # Euler on a torus: E = 3 N
        assert zv.min() >= 3


@pytest.mark.parametrize("phi", [0.845, 0.86, 0.90])
def test_hessian_symmetric_two_zero_modes_no_negative(packings, phi):
    p = packings[phi]
    H = bosonpeak.glass_hessian(p)
    assert H.shape == (2 * len(p.backbone),) * 2
    assert abs(H - H.T).max() == 0.0
    lam = np.linalg.eigvalsh(H.toarray())
    assert int((abs(lam) < ZERO_TOL).sum()) == 2
    assert lam.min() > -ZERO_TOL
    for axis in range(2):
        t = np.zeros(H.shape[0])
        t[axis::2] = 1.0
        assert np.abs(H @ t).max() < 1e-13


def test_hessian_is_the_derivative_of_the_forces(packing):
    """H u = -(F(x + h u) - F(x - h u)) / 2h on the backbone: checks the prestress term."""
    p = packing
    H = bosonpeak.glass_hessian(p)
    pairs = p.backbone_contacts
    u = np.zeros((p.n_particles, 2))
    u[p.backbone] = np.random.default_rng(0).normal(size=(len(p.backbone), 2))
    h = 1e-6
    fp, _ = _forces(p.positions + h * u, p.radii, p.box, pairs)
    fm, _ = _forces(p.positions - h * u, p.radii, p.box, pairs)
    numeric = -(fp - fm)[p.backbone].ravel() / (2 * h)
    analytic = H @ u[p.backbone].ravel()
    assert np.abs(numeric - analytic).max() < 1e-7 * np.abs(analytic).max()
    unstressed = bosonpeak.glass_hessian(p, prestress=False) @ u[p.backbone].ravel()
    assert np.abs(numeric - unstressed).max() > 1e3 * np.abs(numeric - analytic).max()


def test_contact_network_is_the_scalar_laplacian(packing):
    net = bosonpeak.contact_network(packing)
    assert np.array_equal(net.coordination, packing.contact_numbers[packing.backbone])
    H = bosonpeak.dynamical_matrix(net)
    sigma = 1 / np.sqrt(net.stiffness)
    assert set(np.round(sigma / (2 * packing.radii.min()), 12)) <= {1.0, 1.2, 1.4}
    lam = np.linalg.eigvalsh(H.toarray())
    assert int((abs(lam) < ZERO_TOL).sum()) == 1 and lam.min() > -ZERO_TOL
    constant = bosonpeak.dynamical_matrix(bosonpeak.contact_network(packing, spring="constant"))
    assert np.array_equal(constant.diagonal(), net.coordination.astype(float))


def test_glass_dos_removes_two_translations_and_engines_agree(packing):
    H = bosonpeak.glass_hessian(packing)
    edges = np.linspace(0, 3.5, 71)
    g = glass_dos(H, edges)
    n = H.shape[0]
    assert g.integral() == pytest.approx((n - 2) / n, abs=1e-12)
    assert g.zero_modes == 2.0 and g.zero_modes_removed
    banded = glass_dos(H, edges, method="banded")
    assert np.array_equal(banded.density, g.density)


def test_banded_eigenvalues_match_dense_on_a_lattice_network():
    H = bosonpeak.dynamical_matrix(bosonpeak.network(16, 0.3, rng=3))
    assert np.allclose(banded_eigenvalues(H), np.linalg.eigvalsh(H.toarray()), atol=1e-12)
    assert np.allclose(banded_eigenvalues(sp.csr_matrix(np.diag([3.0, 1.0, 2.0]))), [1, 2, 3])


def test_scalar_sound_speed_matches_lowest_modes(packing):
    """The relaxed conductivity gives c; the first shell of the scalar network sits at c 2 pi / L."""
    levels = debye_levels(packing)
    lam = np.linalg.eigvalsh(bosonpeak.dynamical_matrix(bosonpeak.contact_network(packing)).toarray())
    first_shell = np.sqrt(lam[1:5]).mean()
    assert first_shell == pytest.approx(levels["c"] * 2 * np.pi / packing.box, rel=0.05)
    assert 0 < levels["c_T"] < levels["c_L"]
    assert levels["vector"] == pytest.approx((levels["c_L"] ** -2 + levels["c_T"] ** -2) / (4 * np.pi * levels["density"]))


def test_dataset_figures_and_summary(packing):
    ds = glass_dataset(packing)
    assert float(ds["contact_fraction"].sum()) == pytest.approx(1.0)
    assert float((ds["contact_fraction"] * ds["z"]).sum()) == pytest.approx(packing.mean_contact_number)
    widths = np.diff(ds["omega_edges"].values)
    m = len(packing.backbone)
    assert float((ds["density_vector"] * widths).sum()) == pytest.approx((2 * m - 2) / (2 * m))
    assert float((ds["density_scalar"] * widths).sum()) == pytest.approx((m - 1) / m)
    assert set(glass_figures(ds)) == {"fig3_right_glass_coordination", "glass_reduced_dos"}
    assert "Voronoi <z> = 6.0000" in glass_summary(ds)


def test_shear_unstable_small_packing_still_gives_figures():
    # This 64-disk packing is stable in its box but unstable to a shear along some direction.
    ds = glass_dataset(bosonpeak.jammed_packing(64, 0.9, rng=1))
    assert np.isnan(ds.attrs["c_T"]) and np.isnan(ds.attrs["debye_level_vector"]) and np.isfinite(ds.attrs["c_scalar"])
    assert set(glass_figures(ds)) == {"fig3_right_glass_coordination", "glass_reduced_dos"}
    assert "vector n/a" in glass_summary(ds)


def test_cache_is_reused_and_keyed_by_parameters(tmp_path):
    a = glass_figure_data(100, 0.9, 3, cache_dir=tmp_path)
    b = glass_figure_data(100, 0.9, 3, cache_dir=tmp_path)
    assert a.attrs["cached"] == 0 and b.attrs["cached"] == 1
    assert np.array_equal(a["positions"].values, b["positions"].values)
    glass_figure_data(100, 0.9, 4, cache_dir=tmp_path)
    names = sorted(f.name for f in tmp_path.iterdir() if f.suffix == ".nc")
    assert len(names) == 2 and not [f for f in tmp_path.iterdir() if f.name.endswith(".part")]


def test_cli_glass_writes_files(tmp_path, capsys):
    out = tmp_path / "g"
    assert main(["glass", "--particles", "100", "--phi", "0.9", "--seed", "1", "--out", str(out)]) == 0
    names = {f.name for f in out.iterdir()}
    assert {"glass_data.nc", "glass_reduced_dos.png", "fig3_right_glass_coordination.pdf", "summary.txt"} <= names
    assert "contacts: <z>" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["glass", "--particles", "4"], "'--particles'"),
        (["glass", "--phi", "0.3"], "'--phi'"),
        (["glass", "--method", "magic"], "'--method' must be one of"),
    ],
)
def test_cli_glass_bad_input(argv, needle, capsys, tmp_path):
    assert main(argv + ["--out", str(tmp_path)]) == 2
    assert needle in capsys.readouterr().err


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="'phi'"):
        bosonpeak.jammed_packing(100, 1.5)
    with pytest.raises(TypeError, match="'packing'"):
        bosonpeak.glass_hessian(np.zeros((4, 2)))
    with pytest.raises(RuntimeError, match="max_steps"):
        bosonpeak.jammed_packing(100, 0.86, max_steps=3, rng=0)
