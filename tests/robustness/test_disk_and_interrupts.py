"""A full disk or an interrupt leaves every output as it was: files are flushed to the disk under a
temporary name and renamed only when complete; the run ends with one line (issue 27)."""

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bosonpeak import _files

SRC = str(Path(__file__).resolve().parents[2] / "src")
OLD = b"an earlier result"
#: Commands and the file each writes (every command saves through ``_files``); a second or two each.
WRITERS = [(["dos", "--size", "6", "--no-progress"], "o.nc", "o.nc"),
           (["glass", "--particles", "32", "--no-progress"], "g", "g/glass_data.nc")]


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def _no_parts(folder: Path):
    assert not list(folder.rglob(".*.part")), list(folder.rglob("*"))


@pytest.mark.parametrize("args, out, target", WRITERS, ids=[w[0][0] for w in WRITERS])
def test_a_full_disk_is_one_line_naming_the_path_and_the_old_file_is_kept(cli, tmp_path, monkeypatch, args, out, target):
    (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / target).write_bytes(OLD)

    def full(fd):  # the disk fills while the data goes out of the page cache
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_files.os, "fsync", full)
    rc, out_text, err = cli(*args, "--out", tmp_path / out)
    line = _one_line(err)
    assert rc == 1 and "No space left on device" in line and str(tmp_path / target) in line, err
    assert "wrote" not in out_text and (tmp_path / target).read_bytes() == OLD
    _no_parts(tmp_path)


def test_netcdf_library_errors_on_a_full_disk_are_told_as_a_full_disk(cli, tmp_path, monkeypatch):
    import xarray as xr

    def half_then_fail(self, path, **kwargs):
        Path(path).write_bytes(b"\x89HDF half")
        raise RuntimeError("NetCDF: HDF error")

    class Full:
        f_bavail, f_frsize = 0, 4096

    monkeypatch.setattr(xr.Dataset, "to_netcdf", half_then_fail)
    monkeypatch.setattr(_files.os, "statvfs", lambda path: Full())
    (tmp_path / "o.nc").write_bytes(OLD)
    rc, _, err = cli("dos", "--size", "6", "--no-progress", "--out", tmp_path / "o.nc")
    assert rc == 1 and "No space left on device" in _one_line(err) and "internal error" not in err, err
    assert (tmp_path / "o.nc").read_bytes() == OLD
    _no_parts(tmp_path)


def test_an_interrupt_while_writing_keeps_the_old_file(cli, tmp_path, monkeypatch):
    import xarray as xr

    def half_then_interrupt(self, path, **kwargs):
        Path(path).write_bytes(b"\x89HDF half")
        raise KeyboardInterrupt

    monkeypatch.setattr(xr.Dataset, "to_netcdf", half_then_interrupt)
    (tmp_path / "o.nc").write_bytes(OLD)
    rc, out, err = cli("dos", "--size", "6", "--no-progress", "--out", tmp_path / "o.nc")
    assert rc == 130 and "interrupted" in _one_line(err) and "wrote" not in out
    assert (tmp_path / "o.nc").read_bytes() == OLD
    _no_parts(tmp_path)


def _interrupt_when(args, cwd: Path, ready, *, ignore_sigint=False, timeout=60.0):
    """Run ``bosonpeak args``, send SIGINT once ``ready(stderr so far)`` holds; return (exit code, stderr)."""
    env = {**os.environ, "PYTHONPATH": SRC}
    pre = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None
    p = subprocess.Popen([sys.executable, "-m", "bosonpeak", *map(str, args)], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, preexec_fn=pre)
    err = bytearray()
    reader = threading.Thread(target=_drain, args=(p.stderr, err))
    reader.start()
    t0 = time.monotonic()
    while not ready(err.decode(errors="replace")) and p.poll() is None and time.monotonic() - t0 < timeout:
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    p.wait(timeout=timeout)
    reader.join(timeout)
    return p.returncode, err.decode(errors="replace")


def _drain(stream, into: bytearray):
    for chunk in iter(lambda: stream.read1(4096), b""):
        into.extend(chunk)


def _last_line(err: str) -> str:
    return [x for x in err.replace("\r", "\n").splitlines() if x.strip()][-1]


def test_sigint_from_a_shell_that_ignores_it_still_interrupts_dos_cleanly(tmp_path):
    (tmp_path / "o.nc").write_bytes(OLD)  # a background job of a script starts with SIGINT ignored; kill -INT must still work
    rc, err = _interrupt_when(["dos", "--size", "24", "--seeds", "2000", "--out", "o.nc"], tmp_path, lambda e: "DOS L=24" in e,
                              ignore_sigint=True)
    assert rc == 130 and "Traceback" not in err and "interrupted" in _last_line(err), err
    assert (tmp_path / "o.nc").read_bytes() == OLD
    _no_parts(tmp_path)


def test_sigint_during_a_sweep_ends_with_one_line(tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text("[sweep]\nseeds = 8\n[grid]\nL = [24, 32]\ndelta = [0.0, 0.1]\n[dos]\nomega_max = 3.0\n")
    rc, err = _interrupt_when(["sweep", spec, "--out", "store", "--workers", "1", "--no-progress"], tmp_path,
                              lambda e: (tmp_path / "store").exists())
    assert rc == 130 and "Traceback" not in err and "Exception" not in err, err
    assert "interrupted" in _last_line(err)  # the one line of the interrupt ends stderr: nothing of Dask's shutdown after it
    _no_parts(tmp_path)
