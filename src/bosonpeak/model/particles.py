"""Particle systems: positions in a periodic box, masses, types and diameters, in 2D and 3D.

One model type for every solid made of particles (a glass quenched by molecular dynamics, a
jammed packing, a network's nodes): ``Particles``, a frozen dataclass, built and checked by
``particles()`` or taken from an ``ase.Atoms`` by ``from_atoms`` (files: ``particle_io.read``).

Conventions, those of ASE: ``cell`` holds the box vectors as ROWS, periodic in every direction,
orthogonal or triclinic; positions are Cartesian and need not lie inside the box. Types are the
1-based ids LAMMPS numbers them with; masses are ones where none are given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks


@dataclass(frozen=True, eq=False)
class Particles:
    """Particles in a periodic box (built and validated by ``particles``).

    Attributes
    ----------
    positions : ndarray, shape (N, d)
        Cartesian coordinates, ``d`` = 2 or 3 (float64).
    cell : ndarray, shape (d, d)
        Box vectors as rows (ASE's convention); periodic in every direction.
    masses : ndarray, shape (N,)
        Positive masses (ones where the source has none).
    types : ndarray of int64, shape (N,)
        1-based type ids, as LAMMPS numbers them.
    diameters : ndarray, shape (N,) or None
        Particle diameters where the source gives them (soft spheres), else None.
    source : str
        The file name or a description, used in error messages.
    """

    positions: np.ndarray
    cell: np.ndarray
    masses: np.ndarray
    types: np.ndarray
    diameters: np.ndarray | None = None
    source: str = ""

    @property
    def dim(self) -> int:
        """Space dimension ``d``."""
        return int(self.positions.shape[1])

    @property
    def n(self) -> int:
        """Number of particles ``N``."""
        return int(self.positions.shape[0])

    @property
    def volume(self) -> float:
        """Volume (area in 2D) of the box, ``|det cell|``."""
        return float(abs(np.linalg.det(self.cell)))

    @property
    def number_density(self) -> float:
        """``N / V``."""
        return self.n / self.volume

    @property
    def mass_density(self) -> float:
        """``sum(masses) / V``."""
        return float(self.masses.sum()) / self.volume

    def fractional(self) -> np.ndarray:
        """Fractional coordinates wrapped into ``[0, 1)``, shape (N, d)."""
        s = np.linalg.solve(self.cell.T, self.positions.T).T
        s -= np.floor(s)
        s[s >= 1.0] = 0.0  # -1e-17 wraps to 1.0 in floating point
        return s

    def widths(self) -> np.ndarray:
        """Perpendicular widths of the box, shape (d,): the distance between opposite faces.

        A cut-off ``r_c`` is unambiguous under the minimum image when ``r_c < min(widths) / 2``.
        """
        inv = np.linalg.inv(self.cell)  # columns are the reciprocal vectors / (2 pi)
        return 1.0 / np.linalg.norm(inv, axis=0)

    def where(self) -> str:
        """``'<source>: '`` for error messages (empty when there is no source)."""
        return f"{self.source}: " if self.source else ""


def particles(positions, cell, *, masses=None, types=None, diameters=None, source: str = "") -> Particles:
    """Build validated ``Particles``.

    Parameters
    ----------
    positions : array_like, shape (N, d)
        Cartesian coordinates, ``d`` = 2 or 3, finite.
    cell : array_like, shape (d, d), or (d,)
        Box vectors as rows; a 1-D ``(L_x, L_y[, L_z])`` is an orthogonal box.
    masses : array_like, shape (N,), optional
        Positive masses (default ones).
    types : array_like of int, shape (N,), optional
        Type ids >= 1 (default all 1).
    diameters : array_like, shape (N,), optional
        Positive diameters.
    source : str
        The file name or a description, named in error messages.

    Returns
    -------
    Particles

    Examples
    --------
    >>> from bosonpeak.model.particles import particles
    >>> p = particles([[0.0, 0.0], [0.5, 0.5]], [2.0, 1.0], types=[1, 2])
    >>> p.dim, p.n, p.volume, p.number_density, p.masses.tolist()
    (2, 2, 2.0, 1.0, [1.0, 1.0])
    """
    where = f"{source}: " if source else ""
    if not isinstance(source, str):
        raise _checks.ParameterTypeError(f"'source' must be a string; got {source!r}")
    x = _array(where, "positions", positions)
    if x.ndim != 2 or x.shape[1] not in (2, 3) or x.shape[0] < 1:
        raise _checks.ParameterError(f"{where}'positions' must have shape (N, 2) or (N, 3) with N >= 1; got shape {x.shape}")
    n, d = x.shape
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        raise _checks.ParameterError(f"{where}non-finite coordinates for {int(bad.sum())} particle(s), the first is "
                                     f"particle {int(np.flatnonzero(bad)[0])}")
    h = _array(where, "cell", cell)
    if h.ndim == 1 and h.shape == (d,):
        h = np.diag(h)
    if h.shape != (d, d):
        raise _checks.ParameterError(f"{where}'cell' must have shape ({d}, {d}) (rows are the box vectors) or ({d},); "
                                     f"got shape {h.shape}")
    if not np.isfinite(h).all():
        raise _checks.ParameterError(f"{where}'cell' must be finite; got {h.tolist()}")
    det = abs(np.linalg.det(h)) if np.isfinite(h).all() else 0.0
    if not det > 1e-12 * np.prod(np.linalg.norm(h, axis=1)):
        raise _checks.ParameterError(f"{where}'cell' must span {d} dimensions (a box of positive volume); got {h.tolist()}")
    m = np.ones(n) if masses is None else _per_particle(where, "masses", masses, n)
    if not (m > 0).all():
        raise _checks.ParameterError(f"{where}'masses' must be positive and finite; got {m[~(m > 0)][0]!r} "
                                     f"for particle {int(np.flatnonzero(~(m > 0))[0])}")
    t = np.ones(n, dtype=np.int64) if types is None else _types(where, types, n)
    dia = None
    if diameters is not None:
        dia = _per_particle(where, "diameters", diameters, n)
        if not (dia > 0).all():
            raise _checks.ParameterError(f"{where}'diameters' must be positive and finite; got {dia[~(dia > 0)][0]!r}")
    return Particles(positions=x, cell=h, masses=m, types=t, diameters=dia, source=source)


def from_atoms(atoms, *, dim: int | None = None, source: str = "") -> Particles:
    """``Particles`` from an ``ase.Atoms`` (positions, cell, types, masses, diameters).

    Types are the LAMMPS type ids where ASE keeps them (the ``type`` array of a LAMMPS file),
    else the distinct atomic numbers ranked 1, 2, ... in increasing order. Masses are those
    the file gave (ASE's ``masses`` array), ones otherwise (not the elements' masses).
    Diameters come from a ``diameter`` array (or twice a ``radius`` array) where there is one.

    Parameters
    ----------
    atoms : ase.Atoms
        Periodic in every direction of ``dim``.
    dim : {2, 3}, optional
        Space dimension; default 2 when every z coordinate is the same, else 3. In 2D the box
        must be the plane of its first two vectors, with the third along z.
    source : str
        Named in error messages.

    Returns
    -------
    Particles

    Examples
    --------
    >>> import ase
    >>> from bosonpeak.model.particles import from_atoms
    >>> atoms = ase.Atoms("H2", positions=[[0, 0, 0], [1, 1, 0]], cell=[3, 3, 1], pbc=True)
    >>> p = from_atoms(atoms)
    >>> p.dim, p.cell.tolist(), p.types.tolist()
    (2, [[3.0, 0.0], [0.0, 3.0]], [1, 1])
    """
    where = f"{source}: " if source else ""
    x = np.asarray(atoms.get_positions(), dtype=float)
    h = np.asarray(atoms.cell.array, dtype=float)
    if dim is None:
        dim = 2 if len(x) and np.ptp(x[:, 2]) == 0.0 else 3
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    pbc = np.asarray(atoms.pbc, dtype=bool)
    if not pbc[:dim].all():
        raise _checks.ParameterError(f"{where}the box must be periodic in all {dim} directions; got pbc = {pbc.tolist()}")
    if dim == 2:
        if np.any(h[:2, 2] != 0) or np.any(h[2, :2] != 0):
            raise _checks.ParameterError(f"{where}a 2D system needs its first two box vectors in the x-y plane and the "
                                         f"third along z; got cell {h.tolist()}")
        x, h = x[:, :2], h[:2, :2]
    arrays = atoms.arrays
    if "type" in arrays:
        types = np.asarray(arrays["type"], dtype=np.int64)
    else:
        types = np.searchsorted(np.unique(atoms.numbers), atoms.numbers) + 1
    masses = np.asarray(arrays["masses"], dtype=float) if "masses" in arrays else None
    diameters = None
    for key, factor in (("diameter", 1.0), ("diameters", 1.0), ("radius", 2.0), ("radii", 2.0)):
        if key in arrays:
            diameters = factor * np.asarray(arrays[key], dtype=float)
            break
    return particles(x, h, masses=masses, types=types, diameters=diameters, source=source)


def _array(where, name, value) -> np.ndarray:
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterTypeError(f"{where}'{name}' must be an array of numbers; got {type(value).__name__}") from exc


def _per_particle(where, name, value, n) -> np.ndarray:
    arr = _array(where, name, value)
    if arr.shape != (n,):
        raise _checks.ParameterError(f"{where}'{name}' must have shape ({n},), one per particle; got shape {arr.shape}")
    return arr


def _types(where, value, n) -> np.ndarray:
    arr = _per_particle(where, "types", value, n)
    if not (np.all(arr == np.round(arr)) and arr.min() >= 1):
        raise _checks.ParameterError(f"{where}'types' must be integers >= 1; got {arr[(arr != np.round(arr)) | (arr < 1)][0]!r}")
    return arr.astype(np.int64)
