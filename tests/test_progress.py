"""Long commands show progress, and showing it changes no number."""

from pathlib import Path

import numpy as np

import bosonpeak
from bosonpeak.cli import main


def test_packing_progress_reaches_the_tolerance_and_changes_nothing(capsys):
    quiet = bosonpeak.jammed_packing(64, 0.9, rng=3)
    capsys.readouterr()
    shown = bosonpeak.jammed_packing(64, 0.9, rng=3, progress=True)
    err = capsys.readouterr().err
    assert shown.positions.tobytes() == quiet.positions.tobytes() and shown.info["steps"] == quiet.info["steps"]
    assert "FIRE" in err and "100%" in err
    assert f"step {quiet.info['steps']}," in err  # the last report is the converged step
    assert np.all(np.array_equal(shown.contacts, quiet.contacts))


def test_glass_command_shows_progress_unless_told_not_to(tmp_path, capsys):
    args = ["glass", "--particles", "150", "--bin-width", "0.1"]
    assert main(args + ["--out", str(tmp_path / "a")]) == 0
    assert "FIRE" in capsys.readouterr().err
    assert main(args + ["--out", str(tmp_path / "b"), "--no-progress"]) == 0
    assert "FIRE" not in capsys.readouterr().err
    assert (tmp_path / "a" / "glass_data.nc").read_bytes() != b""


def _json(capsys, progress=None):
    import json

    out = capsys.readouterr()
    if progress:  # --json keeps the progress, on stderr; stdout is the JSON alone
        assert progress in out.err and "%|" in out.err, out.err[-500:]
    return json.loads(out.out)


def test_json_summaries_hold_the_numbers_of_the_datasets(tmp_path, capsys):
    import xarray as xr

    assert main(["dos", "--size", "8", "--delta", "0.2", "--seeds", "2", "--keep-zero-modes", "--out", str(tmp_path / "d.nc"), "--json"]) == 0
    rec = _json(capsys)
    assert rec["n_nodes"] == 64 and abs(rec["integral"] - 1.0) < 1e-12  # every mode, zero modes kept, lies in the default bins
    with xr.open_dataset(tmp_path / "d.nc") as ds:
        assert rec["zero_modes"] == float(ds.attrs["zero_modes_per_network"])

    assert main(["analyze", "--size", "16", "--deltas", "0.2", "--seeds", "2", "--modes", "4", "--out", str(tmp_path / "a"), "--json"]) == 0
    rec = _json(capsys, progress="analyze delta=0.2: lowest 4 modes")
    (row,) = rec["records"]
    with xr.open_dataset(tmp_path / "a" / "analysis_data.nc") as ds:
        c2 = ds["sound_speed"].sel(delta=0.2).values ** 2
        assert row["c2"] == float(c2.mean()) and row["delta"] == 0.2
        assert row["found"] == (row["no_peak_reason"] is None)
        if row["omega_bp_interval"][0] is not None:  # the intervals of the dataset, in the JSON
            assert row["omega_bp_interval"] == ds["omega_bp_interval"].sel(delta=0.2).values.tolist()
    assert all(Path(p).exists() for p in rec["files"])

    assert main(["glass", "--particles", "150", "--bin-width", "0.1", "--out", str(tmp_path / "g"), "--json"]) == 0
    rec = _json(capsys)
    with xr.open_dataset(tmp_path / "g" / "glass_data.nc") as ds:
        assert rec["mean_contact_number"] == ds.attrs["mean_contact_number"] and rec["N"] == 150
    assert set(rec["boson_peak_vector"]) == {"found", "no_peak_reason", "omega"}
