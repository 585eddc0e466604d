"""Outputs are checked before any work; a killed run's debris is cleaned by the next (issue 13, class 2)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bosonpeak._files import check_output, remove_stale_parts

SRC = str(Path(__file__).resolve().parents[2] / "src")
#: Every refusal here comes before a network is built or a cluster started.
REFUSE_WITHIN_S = 3.0
DIR_COMMANDS = [["reproduce", "--size", "8", "--seeds", "2"], ["analyze", "--size", "8", "--seeds", "2", "--modes", "4"],
                ["glass", "--particles", "32"]]


def _killed_part(folder: Path, name: str) -> Path:
    """A temporary file left by a process that was killed while writing ``folder/name``."""
    code = (f"import os; from bosonpeak._files import atomic_path\n"
            f"with atomic_path({str(folder / name)!r}) as tmp:\n    tmp.write_bytes(b'half')\n    os.kill(os.getpid(), 9)")
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": SRC}, check=False)
    parts = list(folder.glob(f".{name}.*.part"))
    assert len(parts) == 1 and not (folder / name).exists()
    return parts[0]


@pytest.mark.parametrize("args", DIR_COMMANDS, ids=lambda a: a[0])
def test_folder_outputs_that_are_files_are_refused_at_once(cli, tmp_path, args):
    target = tmp_path / "taken"
    target.write_text("a user's file")
    for out in (target, target / "sub"):
        t0 = time.perf_counter()
        rc, _, err = cli(*args, "--out", out)
        assert time.perf_counter() - t0 < REFUSE_WITHIN_S
        assert rc == 2 and "'--out'" in err and "file" in err, err
    assert target.read_text() == "a user's file"


def test_sweep_store_that_is_a_file_is_refused_before_a_cluster(cli, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text("[grid]\nL = 6\ndelta = 0.1\n[dos]\nomega_max = 3.0\n")
    (tmp_path / "store").write_text("x")
    t0 = time.perf_counter()
    rc, out, err = cli("sweep", spec, "--out", tmp_path / "store")
    assert rc == 2 and "'--out' must be a folder" in err and "dashboard" not in out
    assert time.perf_counter() - t0 < REFUSE_WITHIN_S


def test_file_outputs_that_are_folders_or_empty_are_refused(cli, tmp_path):
    rc, _, err = cli("dos", "--size", "6", "--out", tmp_path)
    assert rc == 2 and "'--out' must be a file path, not an existing folder" in err
    rc, _, err = cli("dos", "--size", "6", "--out", "")
    assert rc == 2 and "non-empty path" in err
    (tmp_path / "file").write_text("")
    rc, _, err = cli("reproduce", "--size", "8", "--cache", tmp_path / "file" / "x", "--out", tmp_path / "o")
    assert rc == 2 and "'--cache' lies under" in err and not (tmp_path / "o").exists()


def test_read_only_file_system_is_refused(cli):
    rc, _, err = cli("dos", "--size", "6", "--out", "/proc/bosonpeak-test.nc")
    assert rc == 2 and "'--out': the folder '/proc' is not writable" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_folder_is_refused(cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        rc, _, err = cli("dos", "--size", "6", "--out", locked / "g.nc")
        assert rc == 2 and "not writable" in err
    finally:
        locked.chmod(0o700)


def test_check_output_names_the_option_and_the_reason(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(ValueError, match=r"'--x' lies under .*f', which is a file"):
        check_output(tmp_path / "f" / "a" / "b.nc", kind="file", name="--x")
    with pytest.raises(ValueError, match="non-empty"):
        check_output("", name="--x")
    assert check_output(tmp_path / "new" / "deeper", kind="dir") == tmp_path / "new" / "deeper"


def test_killed_writer_debris_is_removed_by_the_next_run(cli, tmp_path):
    stale = _killed_part(tmp_path, "g.nc")
    live = tmp_path / f".g.nc.{os.getpid()}-mine.part"  # a writer that still runs keeps its file
    live.write_bytes(b"")
    rc, _, err = cli("dos", "--size", "6", "--out", tmp_path / "g.nc", "--no-progress")
    assert rc == 0, err
    assert not stale.exists() and live.exists() and (tmp_path / "g.nc").exists()


def _dead_part(folder: Path, name: str) -> Path:
    """A temporary file named as ``atomic_path`` names it, by a process that has ended."""
    code = f"import os; open(os.path.join({str(folder)!r}, f'.{name}.{{os.getpid()}}-x.part'), 'w').close()"
    subprocess.run([sys.executable, "-S", "-c", code], check=True)
    return next(folder.glob(f".{name}.*.part"))


def test_store_root_and_tasks_are_cleaned(tmp_path):
    (tmp_path / "tasks").mkdir()
    stale = [_dead_part(tmp_path, "sweep.nc"), _dead_part(tmp_path / "tasks", "abc.nc")]
    old = tmp_path / ".x.nc.nopid.part"  # an unnamed writer: goes by age
    old.write_bytes(b"")
    os.utime(old, (time.time() - 7200,) * 2)
    from bosonpeak.workflows.store import remove_partials

    assert remove_partials(tmp_path) == 3 and not any(p.exists() for p in stale + [old])
    assert remove_stale_parts(tmp_path / "missing") == 0
