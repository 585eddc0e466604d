"""Nothing read back is trusted: task files and the glass cache are checked by a keyed HMAC and
against their parameters; corrupt, foreign or forged files are computed again (issue 13, class 5)."""

import hashlib
import json
import shutil

import netCDF4
import numpy as np
import pytest

from bosonpeak._files import KEY_FILE
from bosonpeak.workflows.glass import glass_figure_data
from bosonpeak.workflows.spec import parse_spec
from bosonpeak.workflows.store import task_path
from bosonpeak.workflows.sweep import pending, plan, run_tasks

SPEC = "[sweep]\nseeds = 2\n[grid]\nL = 6\ndelta = [0.0, 0.2]\n[dos]\nomega_max = 3.0\n"


@pytest.fixture(scope="module")
def tasks():
    return plan(parse_spec(SPEC))


def _forge(path, density):
    """Overwrite a task file's density and recompute its checksum as an unkeyed SHA-256 would."""
    with netCDF4.Dataset(path, "a") as f:
        f["density"][:] = density
        f.set_auto_mask(False)
        arrays = {name: np.asarray(v[...]) for name, v in f.variables.items()}
        h = hashlib.sha256(f.task_key.encode())
        for name in sorted(arrays):
            a = np.ascontiguousarray(arrays[name])
            h.update(f"{name}:{a.dtype.str}:{a.shape}".encode())
            h.update(a.tobytes())
        f.checksum = h.hexdigest()


def test_forged_foreign_and_relabelled_task_files_are_recomputed(tasks, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    reference = run_tasks(tasks, store=a)
    run_tasks(tasks, store=b)
    keys = [t.key for t in tasks]
    _forge(task_path(a, keys[0]), np.full_like(reference[0]["density"], 7.0))
    shutil.copy(task_path(b, keys[1]), task_path(a, keys[1]))  # a valid file of another store (another key)
    with netCDF4.Dataset(task_path(a, keys[2]), "a") as f:  # parameters that are not this key's
        params = json.loads(f.task_params)
        params["delta"] = 0.3
        f.task_params = json.dumps(params, sort_keys=True)
    assert pending(tasks, a) == [0, 1, 2]
    again = run_tasks(tasks, store=a)
    assert pending(tasks, a) == [] and all(x["density"].tobytes() == y["density"].tobytes() for x, y in zip(again, reference))


def test_a_damaged_store_key_means_recompute_not_a_traceback(tasks, tmp_path):
    run_tasks(tasks, store=tmp_path)
    (tmp_path / KEY_FILE).write_bytes(b"short")
    assert pending(tasks, tmp_path) == list(range(len(tasks)))
    run_tasks(tasks, store=tmp_path)
    assert pending(tasks, tmp_path) == [] and len((tmp_path / KEY_FILE).read_bytes()) == 32
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o077 == 0


@pytest.fixture(scope="module")
def glass_cache(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    ds = glass_figure_data(64, 0.9, 1, cache_dir=cache)
    return cache, ds, next(cache.glob("glass-*.nc"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign", "other-parameters", "no-signature"])
def test_a_damaged_glass_cache_is_rebuilt(glass_cache, tmp_path, damage):
    cache, reference, original = glass_cache
    work = tmp_path / "cache"
    shutil.copytree(cache, work)
    path = work / original.name
    if damage == "garbage":
        path.write_bytes(b"\x89HDF\r\n\x1a\n garbage")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:2000])
    elif damage == "foreign":  # a valid file and signature from another user's cache: another key
        (work / KEY_FILE).unlink()
    elif damage == "other-parameters":  # a well-signed file of other parameters under this name
        other = glass_figure_data(32, 0.9, 2, cache_dir=work)
        assert other.attrs["cached"] == 0
        theirs = next(p for p in work.glob("glass-N32-*.nc"))
        shutil.copy(theirs, path)
        shutil.copy(theirs.with_name(theirs.name + ".sig"), path.with_name(path.name + ".sig"))
    else:
        path.with_name(path.name + ".sig").unlink()
    ds = glass_figure_data(64, 0.9, 1, cache_dir=work)
    assert ds.attrs["cached"] == 0
    assert np.array_equal(ds["density_vector"].values, reference["density_vector"].values)
    assert glass_figure_data(64, 0.9, 1, cache_dir=work).attrs["cached"] == 1  # the rebuilt file is trusted again
