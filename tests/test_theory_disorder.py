"""bosonpeak disorder --theory: theory curves in the dataset, c2_theory and omega_bp_theory in the JSON."""

import json

import numpy as np
import pytest
import xarray as xr

from bosonpeak.cli import main
from bosonpeak.theory import effective_medium, spring_distribution
from bosonpeak.workflows.disorder import DisorderSettings, compute, records, with_theory


@pytest.fixture(scope="module")
def ds():
    return with_theory(compute(DisorderSettings(families=("springs-uniform", "dilution"), strengths=(0.0, 0.4), L=16, seeds=2, seed=3)))


def test_theory_arrays_per_point(ds):
    assert ds["theory_reduced"].dims == ("family", "strength", "omega")
    assert ds["theory_c2"].dims == ("family", "strength")
    c2 = ds["theory_c2"]
    assert float(c2.sel(family="dilution", strength=0.4)) == pytest.approx(1 - 2 * 0.4, abs=1e-8)  # Kirkpatrick
    assert float(c2.sel(family="springs-uniform", strength=0.4)) == pytest.approx(
        effective_medium(spring_distribution("springs-uniform", 0.4)), abs=1e-12)
    assert np.all(c2.sel(strength=0.0).values == pytest.approx(1.0, abs=1e-12))
    for rec in records(ds):
        assert {"c2_theory", "omega_bp_theory"} <= set(rec)
    gamma = ds["theory_gamma"]
    assert np.all(np.abs(gamma.sel(strength=0.0).values) < 1e-12)  # the crystal's phonons are not damped
    g = gamma.sel(family="springs-uniform", strength=0.4).values
    assert np.all(np.isfinite(g[:3])) and np.all(np.diff(g[:3]) > 0)


def test_theory_survives_the_netcdf(ds, tmp_path):
    from bosonpeak._files import save_dataset

    save_dataset(ds, tmp_path / "d.nc")
    with xr.open_dataset(tmp_path / "d.nc") as back:
        np.testing.assert_array_equal(back["theory_reduced"].values, ds["theory_reduced"].values)


def test_cli_theory_json_keys(tmp_path, capsys):
    rc = main(["disorder", "--family", "dilution", "--strengths", "0.1,0.6", "--size", "16", "--seeds", "1", "--theory", "--json",
               "--no-progress", "--out", str(tmp_path)])
    assert rc == 0
    recs = {r["strength"]: r for r in json.loads(capsys.readouterr().out)}
    assert recs[0.1]["c2_theory"] == pytest.approx(0.8, abs=1e-8) and recs[0.1]["omega_bp_theory"] is None
    assert recs[0.6]["c2_theory"] is None and recs[0.6]["omega_bp_theory"] is None  # floppy: no effective medium
    assert (tmp_path / "disorder_theory.png").exists()
