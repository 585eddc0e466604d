"""KPM on particle Hessians in 3 x 3 blocks (``spectra._block``), the Lanczos bound (``spectra._bounds``) and the
resolution reached per omega (``spectra._kpm_moments``)."""

import numpy as np
import pytest
import scipy.sparse as sp

import particle_reference as ref
from bosonpeak.spectra import _block, _bounds
from bosonpeak.spectra._kpm_moments import _n_moments, resolution_at
from bosonpeak.spectra.kpm import kpm_dos

pytest.importorskip("numba")


@pytest.fixture(scope="module")
def glass():
    """The LAMMPS Kob-Andersen glass's mass-weighted Hessian (500 particles, 1500 dof) and its eigenvalues."""
    x, cell, types, masses = ref.read_data(ref.FIXTURES / "kob_andersen3d.data", 3)
    masses = np.where(types == 1, 1.0, 0.5)
    w = np.repeat(1.0 / np.sqrt(masses), 3)
    H = w[:, None] * ref.hessian(ref.pair_terms(x, cell, types, "ka"), len(x), 3) * w[None, :]
    return sp.csr_matrix(H), np.linalg.eigvalsh(H)


def test_block_kernel_gives_the_csr_moments_and_the_same_bits_for_any_threads(glass):
    H, _ = glass
    edges = np.linspace(0.0, 60.0, 61)
    kw = dict(zero_modes=True, rng=3, moments=120, vectors=5)
    csr = kpm_dos(H, edges, kernel="scipy", **kw)
    one, two = (kpm_dos(H.tobsr(blocksize=(3, 3)), edges, threads=t, **kw) for t in (1, 2))
    assert one.info["kernel"] == "fused" and np.array_equal(one.density, two.density) and np.array_equal(one.error, two.error)
    np.testing.assert_allclose(one.density, csr.density, rtol=0, atol=1e-12 * csr.density.max())
    # float32 blocks: the same DOS within the stochastic error bars
    f32 = kpm_dos(H.tobsr(blocksize=(3, 3)), edges, dtype="float32", **kw)
    assert np.all(np.abs(f32.density - csr.density) <= 1e-3 * csr.density.max())


def test_lanczos_bound_lies_above_the_spectrum_and_below_gershgorin(glass):
    H, lam = glass
    b = _bounds.lanczos(H, rng=0)
    assert b["theta"] <= lam[-1] + 1e-9 * lam[-1] <= b["bound"]
    lam_max, origin = _bounds.spectral_bound(H.tobsr(blocksize=(3, 3)), "lanczos", rng=0)
    assert lam[-1] <= lam_max < origin["gershgorin"]
    assert _bounds.gershgorin(H.tobsr(blocksize=(3, 3))) == pytest.approx(origin["gershgorin"], rel=1e-12)


def test_lanczos_kpm_agrees_with_the_exact_dos_and_a_bound_too_low_is_caught(glass, monkeypatch):
    H, lam = glass
    omega = np.sqrt(np.clip(lam, 0, None))
    edges = np.linspace(0.0, omega.max() * 1.02, 26)
    exact = np.histogram(omega, edges)[0] / len(omega) / np.diff(edges)
    g = kpm_dos(H.tobsr(blocksize=(3, 3)), edges, zero_modes=True, rng=1, vectors=8, resolution=0.5 * np.diff(edges)[0],
                bound="lanczos")
    assert g.info["bound"] == "lanczos" and g.info["omega_max"] < np.sqrt(g.info["gershgorin"])
    assert np.abs(g.density - exact).max() < 0.15 * exact.max()
    monkeypatch.setattr(_bounds, "LANCZOS_MARGIN", -0.3)  # a bound below lambda_max: the moments grow, the run is repeated
    low = kpm_dos(H, edges, zero_modes=True, rng=1, vectors=2, moments=200, bound="lanczos")
    assert low.info["bound"] == "gershgorin" and low.info["omega_max"] >= omega.max()


@pytest.mark.parametrize("omega_max", [6.4, 40.0])
def test_moments_reach_the_requested_resolution_at_every_omega(omega_max):
    res = 0.05 * omega_max / 6.4
    n_mom = _n_moments(res, None, omega_max, np.linspace(0, omega_max, 10))
    omega = np.linspace(0.0, omega_max, 200)
    width = resolution_at(omega, omega_max, n_mom)
    assert width.max() <= res and resolution_at(0.0, omega_max, n_mom - 20) > res  # enough moments, not many more
    assert np.all(np.diff(width) <= 1e-15)  # finest at the top of the band


@pytest.mark.parametrize("r", [1, 3, 6, 7, 9, 17])
def test_block_product_is_the_sparse_product(r):
    rng = np.random.default_rng(0)
    A = sp.random(90, 90, density=0.1, random_state=2)
    A = (A + A.T).tocsr()
    X = rng.standard_normal((90, r))
    with _block.Stepper(_block.block_matrix(A.tobsr(blocksize=(3, 3))), 2) as s:
        Y, quad = s.product(X)
    np.testing.assert_allclose(Y, A @ X, atol=1e-13)
    np.testing.assert_allclose(quad, np.einsum("ij,ij->j", X, A @ X), atol=1e-12)


def test_product_widths_cover_every_column_with_padding_only_at_the_end():
    for r in range(1, 30):
        w = _block.product_widths_of(r)
        assert all(v in _block.WIDTHS for v in w) and sum(w[:-1]) < r <= sum(w)
        assert w[:-1] == [max(_block.WIDTHS)] * (len(w) - 1)
    assert _block.product_widths_of(6) == [8] and _block.product_widths_of(3) == [4]
