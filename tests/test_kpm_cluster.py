"""KPM on a Dask cluster: the vectors and seeds split across workers give the single-process DOS."""

import numpy as np
import pytest

import bosonpeak
from bosonpeak._checks import ParameterError
from bosonpeak.workflows.cluster import connect
from bosonpeak.workflows.kpm_cluster import cluster_kpm_dos

EDGES = np.linspace(0, 4, 41)


@pytest.fixture(scope="module")
def client():
    with connect(workers=2) as c:
        yield c


@pytest.mark.parametrize("seeds, parts", [(1, 3), (2, 2)])
def test_split_vectors_and_seeds_give_the_single_process_dos(client, seeds, parts):
    opts = dict(seeds=seeds, rule="cutoff", rng=5, moments=60, vectors=7)
    one = bosonpeak.ensemble_dos(30, 0.2, EDGES, method="kpm", **opts)
    many = cluster_kpm_dos(client, 30, 0.2, EDGES, parts=parts, **opts)
    assert many.info["parts"] == parts and many.samples.shape == (seeds, 40)
    np.testing.assert_allclose(many.samples, one.samples, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(many.density, one.density, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(many.error, one.error, rtol=1e-9, atol=1e-14)
    assert np.all(one.error[one.density > 0.05] > 0)  # a real spread, from the vectors or the seeds
    assert many.integral() == pytest.approx(1.0 - many.zero_modes / 900, abs=1e-12) and many.zero_modes == one.zero_modes == 1


def test_cluster_options_are_checked_before_any_task(client):
    with pytest.raises(ParameterError, match="no option 'bins'"):
        cluster_kpm_dos(client, 10, 0.2, EDGES, bins=3)
    with pytest.raises(ParameterError, match="'device' must be 'cpu'"):
        cluster_kpm_dos(client, 10, 0.2, EDGES, device="cuda")
    with pytest.raises(ParameterError, match="'parts'"):
        cluster_kpm_dos(client, 10, 0.2, EDGES, parts=0)


def test_cli_dos_on_a_local_cluster_writes_the_single_process_numbers(tmp_path):
    import xarray as xr

    from bosonpeak.cli import main

    argv = ["dos", "--method", "kpm", "--size", "12", "--seeds", "2", "--seed", "3", "--option", "moments=40",
            "--option", "vectors=4", "--bin-width", "0.1", "--no-progress"]
    assert main([*argv, "--out", str(tmp_path / "one.nc")]) == 0
    assert main([*argv, "--workers", "1", "--parts", "2", "--out", str(tmp_path / "two.nc")]) == 0
    with xr.open_dataset(tmp_path / "one.nc") as one, xr.open_dataset(tmp_path / "two.nc") as two:
        np.testing.assert_allclose(two["density"].values, one["density"].values, rtol=1e-12, atol=1e-14)
        assert two.attrs["spawn_keys"] == one.attrs["spawn_keys"]


@pytest.mark.parametrize("extra, words", [(["--workers", "2"], "--method kpm only"), (["--method", "kpm", "--parts", "2"], "'--parts'"),
                                          (["--method", "kpm", "--workers", "0"], "'--workers'")])
def test_cli_cluster_options_bad_input_exit_2(extra, words, tmp_path, capsys):
    from bosonpeak.cli import main

    assert main(["dos", "--size", "8", *extra, "--out", str(tmp_path / "x.nc")]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.nc").exists()
