"""Ctrl-C while the program is still loading its libraries ends with one line and exit code 130, as later on.

``import bosonpeak`` loads nothing heavy, so the program installs its interrupt handling before NumPy,
SciPy, Matplotlib and xarray load (about a second of a run's start). Each entry is started with a mark on
stderr once Python itself is up; SIGINT follows the mark after ``delay`` seconds.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
MARK = "python started"
#: The console script ``bosonpeak`` (``from bosonpeak.cli import main``) and ``python -m bosonpeak``, each with the mark.
ENTRIES = {
    "console script": f"import sys; print({MARK!r}, file=sys.stderr, flush=True); from bosonpeak.cli import main; sys.exit(main())",
    "python -m": f"import runpy, sys; print({MARK!r}, file=sys.stderr, flush=True); runpy.run_module('bosonpeak', run_name='__main__', alter_sys=True)",
}


def _interrupt_after_start(entry: str, delay: float, out: Path) -> tuple[int, list[str]]:
    args = ["reproduce", "--size", "8", "--seeds", "1", "--deltas", "0,0.1", "--glass-particles", "0", "--no-analysis",
            "--no-progress", "--out", str(out)]
    p = subprocess.Popen([sys.executable, "-c", ENTRIES[entry], *args], env={**os.environ, "PYTHONPATH": SRC},
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert p.stderr.readline().strip() == MARK
    time.sleep(delay)
    p.send_signal(signal.SIGINT)
    err = p.stderr.read()
    p.wait(timeout=60)
    return p.returncode, [line for line in err.splitlines() if line.strip()]


@pytest.mark.parametrize("entry", sorted(ENTRIES))
@pytest.mark.parametrize("delay", [0.2, 0.6])
def test_sigint_while_the_libraries_load_is_one_line(tmp_path, entry, delay):
    rc, lines = _interrupt_after_start(entry, delay, tmp_path / "figures")
    assert rc == 130 and len(lines) == 1 and lines[0].startswith("bosonpeak") and "interrupted" in lines[0], lines
    assert not (tmp_path / "figures").exists() or not any((tmp_path / "figures").iterdir())  # nothing half-written
