"""The same command and seed give the same bytes, also after an interrupted run (issue 13, class 6)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[2] / "src")
GLASS = ["glass", "--particles", "64", "--phi", "0.9", "--seed", "3"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_dos_file_is_byte_identical(cli, tmp_path):
    for name in ("a.nc", "b.nc"):
        assert cli("dos", "--size", "8", "--seeds", "2", "--method", "kpm", "--out", tmp_path / name, "--no-progress")[0] == 0
    assert (tmp_path / "a.nc").read_bytes() == (tmp_path / "b.nc").read_bytes()


def test_killed_run_then_rerun_gives_the_same_bytes_whatever_the_date(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # matplotlib stamps it, else the time, into a PDF
    reference = tmp_path / "reference"
    assert cli(*GLASS, "--out", reference)[0] == 0
    assert {"glass_data.nc", "glass_reduced_dos.pdf", "glass_reduced_dos.png"} <= set(_files(reference))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "bosonpeak", *GLASS, "--out", str(out)]
    proc = subprocess.Popen(cmd, env={**os.environ, "PYTHONPATH": SRC}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (out / "glass_data.nc").exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)  # mid-run: the data file is written, the figures are not all there
    proc.wait()
    assert (out / "glass_data.nc").exists() and not (out / "summary.txt").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli(*GLASS, "--out", out)[0] == 0
    assert _files(out) == _files(reference)  # every file, and no temporary file left beside them
