"""Long commands show progress, and showing it changes no number."""

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
