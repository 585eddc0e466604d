"""The user's cache directory (private): the glass data of ``reproduce`` and the generated KPM kernels.

``$BOSONPEAK_CACHE``, else ``$XDG_CACHE_HOME/bosonpeak``, else ``~/.cache/bosonpeak``. Where that
cannot be written (a read-only or missing home), ``writable_dir`` falls back to a folder of this
user's own in the temporary directory, so that nothing fails for want of a cache.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """``$BOSONPEAK_CACHE``, else ``$XDG_CACHE_HOME/bosonpeak``, else ``~/.cache/bosonpeak``."""
    if os.environ.get("BOSONPEAK_CACHE"):
        return Path(os.environ["BOSONPEAK_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bosonpeak"


def writable_dir(sub: str) -> Path:
    """``cache_dir() / sub``, created if needed, or where it cannot be written, ``bosonpeak-<uid>/sub``
    in the temporary directory (created private to this user; refused if someone else owns it
    or may write to it, since code is imported from there).

    Examples
    --------
    >>> from bosonpeak._cache import writable_dir
    >>> folder = writable_dir("kernels")
    >>> folder.name, folder.is_dir()
    ('kernels', True)
    """
    try:
        preferred = cache_dir() / sub
    except RuntimeError:  # no home directory to expand ~ into
        preferred = None
    if preferred is not None and _usable(preferred):
        return preferred
    uid = os.getuid() if hasattr(os, "getuid") else 0
    base = Path(tempfile.gettempdir()) / f"bosonpeak-{uid}"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        info = base.lstat()
    except OSError as exc:
        raise OSError(f"no writable cache directory: {preferred} and {base} both fail ({exc})") from exc
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != uid) or info.st_mode & 0o022:
        raise OSError(f"no writable cache directory: {preferred} cannot be written and {base} is not private to this user")
    folder = base / sub
    if not _usable(folder):
        raise OSError(f"no writable cache directory: {preferred} and {folder} cannot be written")
    return folder


def _usable(folder: Path) -> bool:
    """Whether ``folder`` exists or can be made, and a file can be created in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError:
        return False
    return True
