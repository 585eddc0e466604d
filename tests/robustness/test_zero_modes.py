"""Zero modes leave the bins that hold them, however narrow the bins: no density is ever negative
(issue 27: bins of 0.001 put the zero mode in bin 1 and took it from bin 0, density[0] = -15.625)."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak.analysis.debye import heat_capacity_nd
from bosonpeak.analysis.thermal import heat_capacity
from bosonpeak.spectra.vector import vector_dos

EXACT = [m for m in bosonpeak.methods() if m != "kpm"]
#: Bins from the default down to ones whose omega**2 lies far inside the edge round-off band (1e-7 of ~16).
WIDTHS = [0.05, 0.001, 1e-4]


@pytest.fixture(scope="module")
def net():
    return bosonpeak.network(8, 0.2, rng=0)


@pytest.mark.parametrize("width", WIDTHS)
def test_exact_engines_put_the_zero_mode_in_the_first_bin_and_remove_it_from_there(net, width):
    top = bosonpeak.default_edges(net)[-1]
    edges = np.r_[width * np.arange(10), np.linspace(10 * width, top, 60)]  # narrow bins at 0, few shifts for slicing
    n = net.n_nodes
    counts = {}
    for method in EXACT:
        kept = bosonpeak.dos(net, edges, method=method, zero_modes=True)
        gone = bosonpeak.dos(net, edges, method=method, zero_modes=False)
        c_kept, c_gone = kept.density * n * kept.widths, gone.density * n * gone.widths
        assert np.allclose(c_kept, np.rint(c_kept)) and np.allclose(c_gone, np.rint(c_gone))
        assert c_kept[0] == pytest.approx(1.0) and gone.density.min() >= 0.0  # one component: one zero mode, at omega = 0
        assert np.allclose(c_kept - c_gone, np.eye(1, len(c_kept)).ravel())
        counts[method] = np.rint(c_gone)
    first = counts[EXACT[0]]
    assert all(np.array_equal(c, first) for c in counts.values()), "exact engines disagree"
    assert first.sum() == n - 1


def test_known_zero_modes_of_a_vector_matrix_leave_narrow_bins_nonnegative():
    net = bosonpeak.network(6, 0.0, rule="nearest")  # 2 L floppy modes of a square crystal with nearest springs
    edges = np.arange(0.0, 3.0, 0.001)
    kept = vector_dos(net, edges, zero_modes=True)
    gone = vector_dos(net, edges, zero_modes=False)
    assert gone.zero_modes == 12 and gone.density.min() >= 0.0
    assert (kept.density - gone.density) * kept.n_modes * kept.widths == pytest.approx(12 * np.eye(1, len(edges) - 1).ravel())


def test_heat_capacity_takes_the_zero_modes_from_where_they_lie(net):
    edges = bosonpeak.default_edges(net, 0.001)
    kept = bosonpeak.dos(net, edges, zero_modes=True)
    gone = bosonpeak.dos(net, edges, zero_modes=False)
    T = np.array([0.05, 0.5, 5.0])
    assert heat_capacity(kept, T, c=1.0) == pytest.approx(heat_capacity(gone, T, c=1.0), rel=1e-12)
    assert heat_capacity_nd(kept, T, 2) == pytest.approx(heat_capacity_nd(gone, T, 2), rel=1e-12)


def test_cli_dos_with_narrow_bins_writes_no_negative_density(cli, tmp_path):
    xr = pytest.importorskip("xarray")
    out = tmp_path / "o.nc"
    rc, _, err = cli("dos", "--size", "8", "--bin-width", "0.001", "--out", out)
    assert rc == 0, err
    with xr.open_dataset(out) as ds:
        assert float(ds["density"].min()) >= 0.0


@pytest.mark.parametrize("zero_modes", [True, False])
def test_kpm_density_is_never_negative(net, zero_modes):
    """Each random vector's moments are scaled to the exact zeroth moment: a positive measure under the
    Jackson kernel, so no bin goes negative (setting mu_0 alone once shifted g by -0.0012 everywhere)."""
    for width in (0.05, 0.001):
        g = bosonpeak.dos(net, bosonpeak.default_edges(net, width), method="kpm", zero_modes=zero_modes, rng=1, resolution=0.05)
        assert g.density.min() >= 0.0
        assert g.integral() == pytest.approx(1.0 - (0.0 if zero_modes else 1.0 / net.n_nodes), abs=1e-6)
