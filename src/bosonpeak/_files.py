"""Atomic output: every file is written under a temporary name and renamed when complete,
so an interrupted run never leaves a half-written file behind.

Temporary files are named ``.<name>.<pid>-<random>.part`` beside their target; a later run
removes those of a process that no longer runs (``remove_stale_parts``), so a killed run
leaves no debris. ``check_output`` validates an output path before any work.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from ._checks import ParameterError

#: Age in seconds after which a temporary file whose name holds no process id counts as stale.
PART_AGE_S = 600.0
#: Age after which any temporary file counts as stale, even one whose process id is alive
#: (another machine sharing the folder, a recycled id).
PART_MAX_AGE_S = 24 * 3600.0
_PART = re.compile(r"^\..+\.(\d+)-[^.]*\.part$")


#: Name of the secret key file of a store or cache folder (32 random bytes, mode 0600).
KEY_FILE = ".bosonpeak-key"
_KEY_BYTES = 32


def secret_key(folder) -> bytes:
    """The secret key of ``folder`` (a results store, a cache), made on first use.

    Files read back from ``folder`` carry an HMAC under this key (``sign``): a file copied
    from another folder, or forged by recomputing a plain hash, does not verify. A missing or
    damaged key is replaced, which only makes every file of the folder be computed again.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE
    for _ in range(3):
        try:
            data = read_regular(path, _KEY_BYTES, name="key file")
            if len(data) == _KEY_BYTES:
                return data
            path.unlink()  # damaged: a new key (and new files) rather than trusting it
        except FileNotFoundError:
            pass
        except UnsafeFileError:  # a FIFO, a device, a folder or a huge file: never read; replaced unless a folder
            if path.is_dir():
                raise
            path.unlink()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            time.sleep(0.01)
            continue
        key = os.urandom(_KEY_BYTES)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key
    raise OSError(f"cannot create the key file {path}")


def sign(folder, *parts: bytes) -> str:
    """HMAC-SHA256 of ``parts`` under ``folder``'s secret key, hex.

    Examples
    --------
    >>> import tempfile
    >>> from bosonpeak._files import sign, verify
    >>> d = tempfile.mkdtemp()
    >>> verify(d, sign(d, b"data"), b"data"), verify(d, sign(d, b"data"), b"dat"), verify(tempfile.mkdtemp(), sign(d, b"data"), b"data")
    (True, False, False)
    """
    mac = hmac.new(secret_key(folder), digestmod=hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "little"))
        mac.update(part)
    return mac.hexdigest()


def verify(folder, signature, *parts: bytes) -> bool:
    """Whether ``signature`` is ``sign(folder, *parts)`` (compared in constant time)."""
    return isinstance(signature, str) and hmac.compare_digest(signature, sign(folder, *parts))


class UnsafeFileError(ParameterError):
    """A file to read back is not a regular file of a bounded size (a FIFO would block, a link to
    ``/dev/zero`` would fill the memory): refused without reading it."""


def check_regular(path, max_bytes: int, *, name: str = "file") -> os.stat_result:
    """Refuse ``path`` unless it is a regular file (after links) of at most ``max_bytes``; never
    opens or reads it, so a FIFO does not block. Returns its ``stat``; ``FileNotFoundError`` if absent."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
        raise UnsafeFileError(f"'{name}' must be a regular file; {str(path)!r} is {kind}")
    if st.st_size > max_bytes:
        raise UnsafeFileError(f"'{name}' must be at most {max_bytes} bytes; {str(path)!r} has {st.st_size}")
    return st


def read_regular(path, max_bytes: int, *, name: str = "file") -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes`` (``check_regular``),
    read from the file that was checked and never past ``max_bytes``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO swapped in after the check does not block
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            check_regular(path, max_bytes, name=name)
            raise UnsafeFileError(f"'{name}' changed while it was read: {str(path)!r}")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise UnsafeFileError(f"'{name}' must be at most {max_bytes} bytes; {str(path)!r} grew while it was read")
    return data


def check_output(path, *, kind: str = "file", name: str = "out") -> Path:
    """Check before any work that ``path`` can be written; return it as a ``Path``.

    ``kind`` ``"file"``: not empty, not an existing folder, and its folder is (or can be
    made inside) a writable folder. ``kind`` ``"dir"``: not empty, not an existing file, and
    it is, or can be made inside, a writable folder. Errors name ``name``.

    Examples
    --------
    >>> import tempfile
    >>> from bosonpeak._files import check_output
    >>> d = tempfile.mkdtemp()
    >>> check_output(d, kind="file", name="--out")
    Traceback (most recent call last):
    ...
    bosonpeak._checks.ParameterError: '--out' must be a file path, not an existing folder; got '...'
    """
    if path is None or str(path).strip() == "":
        raise ParameterError(f"'{name}' must be a non-empty path; got {str(path or '')!r}")
    path = Path(path)
    if kind == "file":
        if path.is_dir():
            raise ParameterError(f"'{name}' must be a file path, not an existing folder; got {str(path)!r}")
        if path.exists() and not os.access(path, os.W_OK):
            raise ParameterError(f"'{name}' exists and is not writable; got {str(path)!r}")
        folder = path.parent
    elif kind == "dir":
        if path.exists() and not path.is_dir():
            raise ParameterError(f"'{name}' must be a folder, not an existing file; got {str(path)!r}")
        folder = path
    else:
        raise ParameterError(f"'kind' must be 'file' or 'dir'; got {kind!r}")
    existing = folder
    while not existing.exists():  # the nearest folder that exists: we would create the rest in it
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise ParameterError(f"'{name}' lies under {str(existing)!r}, which is a file, not a folder; got {str(path)!r}")
    try:  # try it: permissions, a read-only file system, a full quota
        with tempfile.TemporaryFile(dir=existing, prefix=".bosonpeak-probe-"):
            pass
    except OSError as exc:  # ENOENT from a folder that exists: a file system without files (/proc)
        why = "files cannot be created there" if exc.errno == errno.ENOENT else exc.strerror
        raise ParameterError(f"'{name}': the folder {str(existing)!r} is not writable ({why}); got {str(path)!r}") from None
    return path


def remove_stale_parts(folder, older_than_s: float = PART_AGE_S) -> int:
    """Delete the ``.*.part`` files in ``folder`` left by a process that no longer runs; return
    how many. Files without a process id in their name go when older than ``older_than_s``,
    any file when older than ``PART_MAX_AGE_S``. A run in progress keeps its own."""
    n = 0
    now = time.time()
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for part in Path(folder).glob(".*.part"):
            m = _PART.match(part.name)
            with contextlib.suppress(FileNotFoundError):
                age = now - part.stat().st_mtime
                if (not _alive(int(m.group(1))) if m else age > older_than_s) or age > PART_MAX_AGE_S:
                    part.unlink()
                    n += 1
    return n


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _is_library_write_error(exc: BaseException) -> bool:
    """True for the RuntimeErrors netCDF4/HDF5 raise when a write fails (a full disk among them)."""
    text = str(exc)
    return "NetCDF" in text or "HDF" in text


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from bosonpeak._files import atomic_path
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    try:
        try:
            yield tmp
            _fsync(tmp)  # on the disk before it takes the name: a full disk fails here, not after the rename
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make every output private
            os.replace(tmp, path)
            _fsync(path.parent)
        except OSError as exc:
            raise write_error(path, exc) from None
        except RuntimeError as exc:  # a library's failed write (netCDF4's "NetCDF: HDF error") is a write error;
            if not _is_library_write_error(exc):  # any other RuntimeError of the caller's work passes unchanged
                raise
            raise write_error(path, exc) from None
    finally:
        if tmp.exists():
            tmp.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF) or not path.is_dir():  # folders that cannot be synced are not an error
            raise
    finally:
        os.close(fd)


_KEPT = "; nothing was written, an earlier file there is kept"


def write_error(path, exc: BaseException) -> OSError:
    """One-line ``OSError`` for an output that could not be written: the reason and ``path``
    (a library's own error, such as NetCDF's "HDF error" on a full disk, is told by the free space)."""
    if isinstance(exc, OSError) and _KEPT in (exc.strerror or ""):
        return exc
    if isinstance(exc, OSError) and exc.errno:
        code, why = exc.errno, exc.strerror or str(exc)
    else:
        try:
            st = os.statvfs(Path(path).parent)
            full = st.f_bavail * st.f_frsize < 1 << 20
        except OSError:
            full = False
        code, why = (errno.ENOSPC, os.strerror(errno.ENOSPC)) if full else (errno.EIO, f"could not write the file ({exc})")
    return OSError(code, f"{why}{_KEPT}", str(path))


#: Metadata written into every figure: no creation date, so the same figure is the same bytes.
FIGURE_METADATA = {"pdf": {"CreationDate": None, "Producer": None}, "svg": {"Date": None}, "ps": {"CreationDate": None}}


def save_figure(fig, path_stem, formats=("png", "pdf"), dpi=150) -> list[Path]:
    """Save ``fig`` as ``path_stem.<fmt>`` for each format, atomically; return the paths.

    The files hold no date (``FIGURE_METADATA``; PNG has none to begin with), so the same
    command and seed give the same bytes.
    """
    import matplotlib

    out = []
    for fmt in formats:
        target = Path(f"{path_stem}.{fmt}")
        with atomic_path(target) as tmp, matplotlib.rc_context({"svg.hashsalt": "bosonpeak", "pdf.compression": 6}):
            fig.savefig(tmp, format=fmt, dpi=dpi, bbox_inches="tight", metadata=FIGURE_METADATA.get(fmt))
        out.append(target)
    return out


def save_dataset(ds, path) -> Path:
    """Write an xarray Dataset to NetCDF (netCDF4 engine), atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        try:
            ds.to_netcdf(tmp, engine="netcdf4")
        except (RuntimeError, ValueError) as exc:  # netCDF4 raises these for a failed write
            raise write_error(path, exc) from None
    return path
