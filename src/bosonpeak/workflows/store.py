"""Results store of a sweep: one content-checked NetCDF file per finished task.

A task's file is named by the hash of its parameters (``key``), so the same task in any
sweep, or in a rerun of an interrupted one, finds its result; different tasks never share
a file. Files are written atomically (``files.atomic_path``: temporary name, then rename),
and every file carries the key, its parameters and an HMAC-SHA256 of key, parameters and
arrays under the store's secret key (``root/.bosonpeak-key``, ``_files.secret_key``): a file
that cannot be opened, belongs to another key, whose parameters do not hash to its key, or
that fails the HMAC (corrupt, or copied from another store, or forged with a plain hash) is
reported as missing, so the task is computed again and never read as data.

Why NetCDF files and not Zarr: one file per task makes "finished" an atomic rename, the
format is already a dependency (``netCDF4``), and a task holds a few hundred numbers, far
below the sizes where Zarr's chunked directories pay off.

Layout of a store directory ``root``::

    root/tasks/<key>.nc     one per finished task
    root/<name>.nc          combined dataset of a sweep (written by ``bosonpeak.workflows.sweep``)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import netCDF4
import numpy as np

from .._files import UnsafeFileError, atomic_path, check_regular, remove_stale_parts, sign, verify

#: Largest task file read back (one DOS and its metadata; far above any real one).
MAX_TASK_BYTES = 2**30
#: Age in seconds after which a temporary file without a process id in its name counts as
#: left by a killed run (files named by ``atomic_path`` go as soon as their process is gone).
PARTIAL_AGE_S = 600.0
#: Version of the task-file layout; part of every key, so a new layout never reads old files.
STORE_FORMAT = 1


def task_key(params: dict) -> str:
    """Hash of a task's parameters (JSON-serialisable dict), 40 hex digits.

    Floats enter through ``json.dumps``, whose ``repr`` round-trips exactly, so two tasks
    share a key only if every parameter is bit-for-bit the same.

    Examples
    --------
    >>> from bosonpeak.workflows.store import task_key
    >>> task_key({"L": 8, "delta": 0.1}) == task_key({"delta": 0.1, "L": 8})
    True
    >>> task_key({"L": 8, "delta": 0.1}) == task_key({"L": 8, "delta": 0.1000000001})
    False
    """
    text = json.dumps({"store_format": STORE_FORMAT, **params}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def task_path(root, key: str) -> Path:
    """Where the result of task ``key`` lives in store ``root``."""
    return Path(root) / "tasks" / f"{key}.nc"


def _parts(key: str, params: str, arrays: dict[str, np.ndarray]) -> list[bytes]:
    parts = [key.encode(), params.encode()]
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        parts += [f"{name}:{a.dtype.str}:{a.shape}".encode(), a.tobytes()]
    return parts


def _checksum(root, key: str, params: str, arrays: dict[str, np.ndarray]) -> str:
    return sign(root, *_parts(key, params, arrays))


def save_result(root, key: str, params: dict, arrays: dict[str, np.ndarray], attrs: dict | None = None) -> Path:
    """Write one task's arrays (each 0-D or 1-D) atomically, with key and checksum.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from bosonpeak.workflows.store import load_result, save_result, task_key
    >>> root = tempfile.mkdtemp()
    >>> key = task_key({"x": 1})
    >>> _ = save_result(root, key, {"x": 1}, {"density": np.arange(3.0)})
    >>> load_result(root, key)["density"]
    array([0., 1., 2.])
    """
    arrays = {name: np.asarray(a) for name, a in arrays.items()}
    meta = dict(attrs or {})
    text = json.dumps(params, sort_keys=True)
    meta.update(task_key=key, task_params=text, checksum=_checksum(root, key, text, arrays))
    path = task_path(root, key)
    # netCDF4 directly, not xarray, and the CDF-5 format, not HDF5: a few ms per file instead
    # of tens, and this is the overhead per task.
    with atomic_path(path) as tmp, netCDF4.Dataset(tmp, "w", format="NETCDF3_64BIT_DATA") as f:
        for name, a in arrays.items():
            dims = (f"{name}_dim",) if a.ndim else ()
            if a.ndim:
                f.createDimension(dims[0], a.shape[0])
            f.createVariable(name, a.dtype, dims)[...] = a
        f.setncatts(meta)
    return path


def load_result(root, key: str) -> dict[str, np.ndarray] | None:
    """The arrays of task ``key``, or None if its file is missing, unreadable, or fails its
    content check (truncated, overwritten, another task's)."""
    path = task_path(root, key)
    try:
        check_regular(path, MAX_TASK_BYTES, name="task file")  # a FIFO or a device is never opened: computed again
    except (OSError, UnsafeFileError):
        return None
    try:
        with netCDF4.Dataset(path, "r") as f:
            f.set_auto_mask(False)
            arrays = {name: np.asarray(v[...]) for name, v in f.variables.items()}
            stored_key, stored_sum = getattr(f, "task_key", None), getattr(f, "checksum", None)
            params = getattr(f, "task_params", None)
        if stored_key != key or not isinstance(params, str) or task_key(json.loads(params)) != key:
            return None
        if not verify(root, stored_sum, *_parts(key, params, arrays)):
            return None
    except Exception:  # noqa: BLE001 - any failure to read or check means "not done"
        return None
    return arrays


def remove_partials(root, older_than_s: float = PARTIAL_AGE_S) -> int:
    """Delete the temporary ``.*.part`` files that a killed run left in ``root`` and
    ``root/tasks``; return how many. Files of a process that still runs stay (a sweep writing to
    the same store at the same time keeps its own); files without a process id in their name go
    when older than ``older_than_s``. They are never read in any case."""
    return sum(remove_stale_parts(folder, older_than_s) for folder in (Path(root), Path(root) / "tasks"))
