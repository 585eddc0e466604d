"""``bosonpeak analyze`` end to end on a small ensemble."""

import xarray as xr

from bosonpeak.cli import main


def test_analyze_writes_figures_dataset_and_summary(tmp_path, capsys):
    rc = main(["analyze", "--size", "12", "--seeds", "3", "--deltas", "0.2", "--modes", "5", "--bin-width", "0.1", "--out", str(tmp_path), "--no-progress"])
    assert rc == 0
    for stem in ("analysis_reduced_own_debye", "analysis_heat_capacity", "analysis_participation", "analysis_local_dos_by_z"):
        assert (tmp_path / f"{stem}.png").stat().st_size > 0
    ds = xr.open_dataset(tmp_path / "analysis_data.nc")
    lo, hi = ds["height_own_interval"].values[0]
    assert lo <= float(ds["height_own"][0]) <= hi
    assert float(ds["sound_speed"].max()) < 1.0  # softer than the crystal
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith(" 0.20"))
    assert "omega_BP" in out and "own: " in row and "crystal: " in row  # each verdict names its Debye level ...
    assert "own Debye level 1/(2 pi c^2)" in out and "crystal's 1/(2 pi)" in out  # ... and the note says which is which


def test_analyze_rejects_one_seed(capsys):
    assert main(["analyze", "--seeds", "1", "--no-progress"]) == 2
    assert "'--seeds'" in capsys.readouterr().err
