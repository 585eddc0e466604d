"""Reading particle configurations from files: everything ASE reads, and HOOMD's GSD.

``read(path)`` goes through ``ase.io.read`` (LAMMPS data and text dump, extended XYZ, VASP,
CIF, ...; the last frame of a trajectory) or, for ``.gsd`` files, the ``gsd`` package (the last
frame; HOOMD's box ``Lx, Ly, Lz, xy, xz, yz`` and its 2D flag). Types and masses come from the
file, unit masses where it has none. Every problem is one line naming the file: a file that
cannot be read, a box too small (tested against each potential's cut-off later), overlapping
or non-finite coordinates.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import _checks
from .particles import Particles, from_atoms, particles

#: Formats named by extension where ASE cannot infer them.
EXTENSIONS = {".data": "lammps-data", ".lmp": "lammps-data", ".dump": "lammps-dump-text",
              ".lammpstrj": "lammps-dump-text", ".gsd": "gsd"}
_INSTALL = "install it with: pip install 'bosonpeak[particles]'"


def read(path, *, format: str | None = None, dim: int | None = None) -> Particles:
    """Read a configuration (the last frame of a trajectory).

    Parameters
    ----------
    path : str or Path
    format : str, optional
        An ASE format name (``"lammps-data"``, ``"lammps-dump-text"``, ``"extxyz"``, ...) or
        ``"gsd"``; default from the extension (``.data``/``.lmp``: LAMMPS data, ``.dump``/
        ``.lammpstrj``: LAMMPS text dump, ``.gsd``), else ASE's own guess.
    dim : {2, 3}, optional
        Default: 2 when every z coordinate is the same (GSD: the file's dimensions), else 3.

    Returns
    -------
    Particles
        ``source`` is the path.

    Examples
    --------
    >>> import ase, ase.io, tempfile, os
    >>> from bosonpeak.model.particle_io import read
    >>> atoms = ase.Atoms("H2", positions=[[0, 0, 0], [1, 1, 1]], cell=[3, 3, 3], pbc=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "two.extxyz")
    >>> ase.io.write(path, atoms)
    >>> p = read(path)
    >>> p.n, p.dim, p.volume
    (2, 3, 27.0)
    """
    from . import _pairs

    path = Path(path)
    name = str(path)
    if dim is not None:
        dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    if not path.is_file():
        raise _checks.ParameterError(f"{name}: no such file")
    if format is not None and not isinstance(format, str):
        raise _checks.ParameterTypeError(f"'format' must be a string; got {format!r}")
    fmt = format or EXTENSIONS.get(path.suffix.lower())
    p = _read_gsd(path, dim) if fmt == "gsd" else _read_ase(path, fmt, dim)
    _pairs.find_overlaps(p)
    return p


def _read_ase(path: Path, fmt: str | None, dim: int | None) -> Particles:
    try:
        import ase.io
    except ImportError as exc:
        raise ImportError(f"reading {path} needs ase; {_INSTALL}") from exc
    try:
        atoms = ase.io.read(path, format=fmt, index=-1)
    except Exception as exc:  # ASE raises many kinds; the user needs the file and the reason
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        how = f"as '{fmt}'" if fmt else "(format guessed by ASE; give --format)"
        raise _checks.ParameterError(f"{path}: cannot read {how}: {reason}") from None
    if isinstance(atoms, list):  # pragma: no cover - index=-1 gives one frame
        atoms = atoms[-1]
    if len(atoms) == 0:
        raise _checks.ParameterError(f"{path}: the file holds no particles")
    if not np.asarray(atoms.pbc).any() or atoms.cell.rank == 0:
        raise _checks.ParameterError(f"{path}: the file gives no periodic box")
    return from_atoms(atoms, dim=dim, source=str(path))


def _read_gsd(path: Path, dim: int | None) -> Particles:
    try:
        import gsd.hoomd
    except ImportError as exc:
        raise ImportError(f"reading {path} needs gsd; {_INSTALL}") from exc
    try:
        with gsd.hoomd.open(str(path), "r") as traj:
            if len(traj) == 0:
                raise _checks.ParameterError(f"{path}: the file holds no frames")
            frame = traj[len(traj) - 1]
    except _checks.ParameterError:
        raise
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _checks.ParameterError(f"{path}: cannot read as 'gsd': {reason}") from None
    lx, ly, lz, xy, xz, yz = (float(v) for v in frame.configuration.box)
    d = dim or int(frame.configuration.dimensions)
    cell = np.array([[lx, 0.0, 0.0], [xy * ly, ly, 0.0], [xz * lz, yz * lz, lz]])
    x = np.asarray(frame.particles.position, dtype=float)
    if len(x) == 0:
        raise _checks.ParameterError(f"{path}: the file holds no particles")
    types = np.asarray(frame.particles.typeid, dtype=np.int64) + 1
    masses = frame.particles.mass
    diameters = frame.particles.diameter
    if d == 2:
        x, cell = x[:, :2], cell[:2, :2]
    return particles(x, cell, masses=None if masses is None else np.asarray(masses, dtype=float), types=types,
                     diameters=None if diameters is None else np.asarray(diameters, dtype=float), source=str(path))
