"""Files read back are checked before use: a key, cache, signature or task file that is a FIFO or a
link to /dev/zero is never read (it would block or fill the memory) but computed again; a saved
scan given to --reanalyse must hold the expected variables with finite, valid values (issue 27)."""

import contextlib
import json
import os
import signal

import numpy as np
import pytest
import xarray as xr

from bosonpeak._files import KEY_FILE, UnsafeFileError, read_regular, secret_key
from bosonpeak.workflows._saved import check_disorder_data
from bosonpeak.workflows.glass import glass_figure_data
from bosonpeak.workflows.store import load_result, save_result, task_key, task_path

#: Seconds any of these reads may take: a blocked FIFO or an endless /dev/zero fails the test instead of hanging it.
DEADLINE_S = 20


@contextlib.contextmanager
def deadline(seconds=DEADLINE_S):
    def hung(signum, frame):
        raise TimeoutError("a read blocked or did not end")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _plant(path, kind):
    """Put a FIFO or a link to /dev/zero where a regular file was."""
    if path.exists() or path.is_symlink():
        path.unlink()
    os.mkfifo(path) if kind == "fifo" else path.symlink_to("/dev/zero")


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_files_that_are_not_regular_are_refused_unread(tmp_path, kind):
    _plant(tmp_path / "f", kind)
    with deadline(), pytest.raises(UnsafeFileError, match="must be a regular file"):
        read_regular(tmp_path / "f", 1024)
    (tmp_path / "big").write_bytes(b"x" * 2048)
    with pytest.raises(UnsafeFileError, match="at most 1024 bytes"):
        read_regular(tmp_path / "big", 1024)
    _plant(tmp_path / KEY_FILE, kind)  # a store's or cache's key: replaced by a new one, never read
    with deadline():
        key = secret_key(tmp_path)
    assert len(key) == 32 and (tmp_path / KEY_FILE).is_file() and not (tmp_path / KEY_FILE).is_symlink()


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_glass_cache_and_signature_that_are_not_regular_are_computed_again(tmp_path, kind):
    first = glass_figure_data(32, 0.9, 1, cache_dir=tmp_path)
    cached = next(tmp_path.glob("glass-*.nc"))
    for victim in (cached, cached.with_name(cached.name + ".sig")):
        _plant(victim, kind)
        with deadline():
            again = glass_figure_data(32, 0.9, 1, cache_dir=tmp_path)
        assert again.attrs["cached"] == 0 and victim.is_file() and not victim.is_symlink()
        assert np.array_equal(again["density_vector"].values, first["density_vector"].values)
    with deadline():
        assert glass_figure_data(32, 0.9, 1, cache_dir=tmp_path).attrs["cached"] == 1


def test_a_glass_cache_name_taken_by_a_folder_is_refused_before_the_work(tmp_path):
    glass_figure_data(32, 0.9, 1, cache_dir=tmp_path)
    cached = next(tmp_path.glob("glass-*.nc"))
    cached.unlink()
    cached.mkdir()
    with pytest.raises(ValueError, match="'cache_dir' holds a folder"):
        glass_figure_data(32, 0.9, 1, cache_dir=tmp_path)


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_sweep_task_files_that_are_not_regular_count_as_not_done(tmp_path, kind):
    key = task_key({"L": 6})
    save_result(tmp_path, key, {"L": 6}, {"density": np.arange(3.0)})
    assert load_result(tmp_path, key) is not None
    _plant(task_path(tmp_path, key), kind)
    with deadline():
        assert load_result(tmp_path, key) is None


def _scan(F=1, S=2, K=2, B=4, Q=2, W=3):
    """The raw data of a small disorder scan, as ``bosonpeak disorder`` writes it."""
    rng = np.random.default_rng(0)
    fsk = ("family", "strength", "seed")
    return xr.Dataset(
        {"density": (fsk + ("omega",), rng.uniform(0, 1, (F, S, K, B))), "c2": (fsk, np.full((F, S, K), 0.8)),
         "percolates": (fsk, np.ones((F, S, K), dtype="int8")), "dos_resolution": (fsk, np.full((F, S, K), np.nan)),
         "sq": (fsk + ("q", "omega_s"), rng.uniform(0, 1, (F, S, K, Q, W))), "omega_edges": (("omega_edge",), np.linspace(0, 2, B + 1)),
         "sq_edges": (("omega_s_edge",), np.linspace(0, 2, W + 1))},
        coords={"family": ["springs-uniform"], "strength": [0.0, 0.5], "q": [0.4, 0.8]},
        attrs={"settings": json.dumps({"L": 16, "seed": 1, "method": "dense", "families": ["springs-uniform"]}), "sq_resolution": np.nan})


def _spoil(ds, how):
    ds = ds.copy(deep=True)
    if how == "nan density":
        ds["density"][0, 0, 0, 1] = np.nan
    elif how == "negative density":
        ds["density"][0, 1, 1, 2] = -0.1
    elif how == "reversed edges":
        ds["omega_edges"] = ("omega_edge", ds["omega_edges"].values[::-1])
    elif how == "missing variable":
        ds = ds.drop_vars("c2")
    elif how == "malformed settings":
        ds.attrs["settings"] = "{'L': 16"
    elif how == "settings without L":
        ds.attrs["settings"] = json.dumps({"seed": 1, "method": "dense"})
    return ds


SPOILS = ["nan density", "negative density", "reversed edges", "missing variable", "malformed settings", "settings without L"]


def test_a_well_formed_scan_passes_its_checks():
    assert check_disorder_data(_scan())["L"] == 16


@pytest.mark.parametrize("how", SPOILS)
def test_reanalyse_refuses_a_spoilt_scan_in_one_line(cli, tmp_path, how):
    path = tmp_path / "disorder_data.nc"
    _spoil(_scan(), how).to_netcdf(path)
    rc, out, err = cli("disorder", "--reanalyse", path, "--out", tmp_path / "o")
    assert rc == 2 and "'--reanalyse'" in err and "internal error" not in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "o" / "disorder_data.nc").exists()


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_reanalyse_refuses_a_file_that_is_not_regular(cli, tmp_path, kind):
    _plant(tmp_path / "d.nc", kind)
    with deadline():
        rc, _, err = cli("disorder", "--reanalyse", tmp_path / "d.nc", "--out", tmp_path / "o")
    assert rc == 2 and "must be a regular file" in err, err


def test_repeated_deltas_are_refused_before_the_work(cli, tmp_path):
    rc, _, err = cli("analyze", "--size", "8", "--modes", "4", "--deltas", "0.2,0.2", "--out", tmp_path / "o")
    assert rc == 2 and "'--deltas' must be distinct" in err, err
