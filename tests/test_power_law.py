"""Local slopes of the power laws near jamming and the finite-size flag of omega*."""

import numpy as np
import pytest

from bosonpeak.analysis.jamming import finite_size_limited
from bosonpeak.analysis.power_law import local_slopes, power_law_fit
from bosonpeak.cli import build_parser
from bosonpeak.workflows.jamming import NUMBERS, PRESSURES, finite_size, jamming_exponents, jamming_records

P = np.array([1e-1, 1e-2, 1e-3, 1e-4, 1e-5])


@pytest.mark.parametrize("method", ["seeds", "means"])
def test_local_slopes_are_the_pairwise_slopes_of_the_log_means(method):
    rng = np.random.default_rng(7)
    x = P * np.exp(0.01 * rng.standard_normal((6, P.size)))            # measured pressures near their targets
    y = x**0.5 / (0.2 + 2 * x) * np.exp(0.05 * rng.standard_normal(x.shape))   # G/B-like: B rises at high p
    y[2, 1] = np.nan                                                   # a missing packing is left out of its mean
    fit = power_law_fit(x, y, method=method, bootstrap=200)
    mx, my = np.nanmean(x, axis=0), np.nanmean(y, axis=0)
    expected = np.diff(np.log(my)) / np.diff(np.log(mx))
    assert [r["from"] for r in fit.local] == pytest.approx(mx[:-1], rel=1e-14)
    assert [r["to"] for r in fit.local] == pytest.approx(mx[1:], rel=1e-14)
    assert [r["value"] for r in fit.local] == pytest.approx(expected, rel=1e-12)
    assert fit.as_dict()["local"] == [dict(r) for r in fit.local]
    # the crossover shows: ~0.24 in the first decade, ~0.5 in the last
    assert fit.local[0]["value"] < 0.35 < 0.45 < fit.local[-1]["value"]


@pytest.mark.parametrize("method", ["seeds", "means"])
def test_a_pure_power_law_has_equal_local_and_global_exponents(method):
    x = np.tile(P, (4, 1))
    y = 2.0 * x**0.5 * np.array([[1.0], [1.2], [0.8], [1.1]])          # seeds differ by a prefactor only
    fit = power_law_fit(x, y, method=method, bootstrap=200)
    assert fit.value == pytest.approx(0.5, abs=1e-12)
    assert [r["value"] for r in fit.local] == pytest.approx([fit.value] * (P.size - 1), abs=1e-12)


def test_local_slope_of_a_non_positive_mean_is_none():
    assert [r["value"] for r in local_slopes([[1.0, 0.1, 0.01]] * 2, [[0.5, -0.1, 0.1], [0.5, 0.05, 0.1]])] == [None, None]


def test_finite_size_flag_fires_within_a_factor_two_of_the_lowest_phonon():
    w = [0.3, 0.19, 0.2, 0.1, 0.05, 0.04, np.nan]
    assert finite_size_limited(w, [0.1] * len(w)) == [False, True, True, True, True, False, None]
    with pytest.raises(ValueError, match="'factor'"):
        finite_size_limited([1.0], [1.0], factor=0.5)


def _synthetic_study(seeds=4):
    """A data set shaped like jamming_study's: Dz ~ p^0.5, omega* ~ Dz, G ~ p^0.5, B = 0.2, L = 20, rho = 1;
    the box's lowest phonon omega_min ~ sqrt(G) ~ p^0.25."""
    import xarray as xr

    rng = np.random.default_rng(3)
    scatter = np.exp(0.05 * rng.standard_normal((seeds, P.size)))
    v = {name: np.full((seeds, P.size), 0.5) for name in NUMBERS}
    v.update(pressure=np.tile(P, (seeds, 1)), delta_z=3 * P**0.5 * scatter, shear_modulus=0.4 * P**0.5 * scatter,
             bulk_modulus=np.full((seeds, P.size), 0.2), mass_density=np.ones((seeds, P.size)),
             box_length=np.full((seeds, P.size), 20.0))
    omega_min = 2 * np.pi * np.sqrt(np.mean(v["shear_modulus"], axis=0)) / 20.0
    # omega* ~ Dz ~ p^0.5 falls faster than omega_min ~ p^0.25: 3 omega_min at p = 1e-3, 1.7 at 1e-4 (box-limited)
    v["omega_star"] = 3 * omega_min[2] / P[2] ** 0.5 * P**0.5 * np.exp(0.05 * rng.standard_normal((seeds, P.size)))
    ds = xr.Dataset({k: (("seed", "target"), a) for k, a in v.items()}, coords=dict(seed=np.arange(seeds), target=P),
                    attrs=dict(N=400))
    return ds, omega_min


def test_records_flag_the_box_limited_onsets_and_fit_without_them():
    ds, omega_min = _synthetic_study()
    w, limited = finite_size(ds)
    np.testing.assert_allclose(w, omega_min, rtol=1e-12)
    assert limited == [False, False, False, True, True]
    records = jamming_records(ds, jamming_exponents(ds))
    assert [r["finite_size_limited"] for r in records[:-1]] == limited
    assert [r["p_N2"] for r in records[:-1]] == pytest.approx(P * 400**2)   # 1.6 at 1e-5: near the crossover p N^2 ~ 1
    assert [r["shear_stable_fraction"] for r in records[:-1]] == [1.0] * P.size   # min_shear_modulus 0.5 everywhere
    onset = records[-1]["exponents"]["omega_star_vs_delta_z"]
    assert onset["finite_size_limited"] == [1e-4, 1e-5]
    rest = onset["without_finite_size_limited"]
    assert rest["pressures"] == [1e-1, 1e-2, 1e-3] and rest["decades"] == pytest.approx(2.0)
    assert "omega_min" in rest["method"] and rest["interval"][0] < 1.0 < rest["interval"][1]
    assert len(onset["local"]) == P.size - 1 and {"from", "to", "value"} == set(onset["local"][0])


def test_default_pressures_span_four_decades_in_the_command_and_the_workflow():
    args = build_parser().parse_args(["jamming"])
    assert tuple(args.pressures) == PRESSURES and max(PRESSURES) / min(PRESSURES) == pytest.approx(1e4)
