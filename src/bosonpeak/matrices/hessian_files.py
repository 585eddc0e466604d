"""Hessians from files, for potentials bosonpeak does not know (DFT, machine-learned, any MD code).

``read_hessian(path, n=, dim=, masses=)`` returns the dynamical matrix ``D = M^-1/2 H M^-1/2``
(eigenvalues ``omega**2``) as a sparse ``(d N, d N)`` matrix, particle-major
(``x0, y0, [z0,] x1, ...``), checked for size against the configuration and for symmetry.
Formats (``format=``, else inferred from the name):

* ``"matrix-market"`` (``*.mtx``, ``*.mm``) and ``"npz"`` (``scipy.sparse.save_npz``): the
  Hessian ``d^2U / dx dx`` itself (force constants, not mass-weighted); divided by
  ``sqrt(m_i m_j)`` with the configuration's masses;
* ``"lammps-dynmat"`` (``*.dyn``, ``*.dynmat``): the text written by LAMMPS's
  ``dynamical_matrix ... file NAME`` (PHONON package): ``3 N`` rows of ``3 N`` numbers, three
  per line, atoms in id order, already divided by ``sqrt(m_i m_j)`` (style ``regular``; its
  units are LAMMPS's: energy / (distance**2 mass)). In 2D only the x, y rows and columns are kept;
* ``"phonopy"`` (``FORCE_CONSTANTS*``) and ``"phonopy-hdf5"`` (``*.hdf5``, ``*.h5``, needs
  ``h5py``): phonopy's full ``(N, N, 3, 3)`` force constants (``fc[i, j, a, b] = d^2U / dx_ia
  dx_jb``), mass-weighted with the configuration's masses (phonopy's units: eV / Angstrom**2 with
  masses in amu; ``omega`` then comes in ``sqrt(eV / (Angstrom**2 amu))``). The compact
  ``(n_primitive, N, 3, 3)`` form needs phonopy's primitive-cell map and is refused.

A file that cannot be read, of the wrong size, not symmetric (``max |H - H^T| > 1e-6 max |H|``;
below that it is symmetrised) or with non-finite entries raises a one-line ``ValueError`` that
names the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .. import _checks

FORMATS = ("matrix-market", "npz", "lammps-dynmat", "phonopy", "phonopy-hdf5")
#: Largest ``max |H - H^T| / max |H|`` accepted (finite differences and printed digits).
SYMMETRY_TOLERANCE = 1e-6
_SUFFIX = {".mtx": "matrix-market", ".mm": "matrix-market", ".npz": "npz", ".dyn": "lammps-dynmat",
           ".dynmat": "lammps-dynmat", ".hdf5": "phonopy-hdf5", ".h5": "phonopy-hdf5"}


def infer_format(path) -> str:
    """The format of a Hessian file from its name.

    Examples
    --------
    >>> from bosonpeak.matrices.hessian_files import infer_format
    >>> infer_format("glass.mtx"), infer_format("run/FORCE_CONSTANTS"), infer_format("dynmat.dyn")
    ('matrix-market', 'phonopy', 'lammps-dynmat')
    """
    p = Path(path)
    fmt = _SUFFIX.get(p.suffix.lower())
    if fmt is None and p.name.upper().startswith("FORCE_CONSTANTS"):
        fmt = "phonopy"
    if fmt is None:
        raise _checks.ParameterError(f"hessian file {p}: cannot tell its format from the name; give format= (CLI: --hessian-format) one of "
                                     f"{', '.join(map(repr, FORMATS))} (names: *.mtx, *.npz, *.dyn, FORCE_CONSTANTS, *.hdf5)")
    return fmt


def read_hessian(path, *, n: int, dim: int, masses=None, format: str | None = None) -> sp.csr_matrix:
    """The dynamical matrix (eigenvalues ``omega**2``) stored in ``path``.

    Parameters
    ----------
    path : str or Path
    n : int
        Number of particles of the configuration.
    dim : {2, 3}
    masses : array_like, shape (n,), optional
        The configuration's masses (unit masses if not given); used by every format but
        ``lammps-dynmat``, which is mass-weighted already.
    format : str, optional
        One of ``FORMATS``; inferred from the name if not given.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (dim n, dim n)
        Symmetric, 32-bit indices.

    Examples
    --------
    >>> import tempfile, numpy as np, scipy.io, scipy.sparse as sp
    >>> from bosonpeak.matrices.hessian_files import read_hessian
    >>> H = sp.csr_matrix(np.array([[1.0, 0, -1, 0], [0, 0, 0, 0], [-1, 0, 1, 0], [0, 0, 0, 0]]))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     scipy.io.mmwrite(f"{tmp}/h.mtx", H)
    ...     D = read_hessian(f"{tmp}/h.mtx", n=2, dim=2, masses=[1.0, 4.0])
    >>> D.toarray()[0].tolist()  # -1 / sqrt(1 * 4)
    [1.0, 0.0, -0.5, 0.0]
    """
    path = Path(path)
    n = _checks.integer("n", n, minimum=1)
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    fmt = infer_format(path) if format is None else _checks.choice("format", format, FORMATS)
    m = np.ones(n) if masses is None else np.asarray(masses, dtype=float)
    if m.shape != (n,) or not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise _checks.ParameterError(f"'masses' must be {n} positive finite numbers; got shape {m.shape}")
    if not path.is_file():
        raise _checks.ParameterError(f"hessian file {path}: no such file")
    try:
        H, weighted = _READERS[fmt](path, n)
    except (OSError, ValueError, KeyError, IndexError, TypeError, EOFError) as exc:
        if isinstance(exc, _checks.ParameterError):
            raise
        raise _checks.ParameterError(f"hessian file {path}: cannot read it as {fmt}: {_one_line(exc)}") from None
    H = sp.csr_matrix(H, dtype=float)
    if H.shape[0] != H.shape[1]:
        raise _checks.ParameterError(f"hessian file {path}: the matrix must be square; got {H.shape}")
    if H.shape[0] == 3 * n and dim == 2:
        H = _in_plane(H, n)
    if H.shape != (dim * n, dim * n):
        raise _checks.ParameterError(f"hessian file {path}: expected a ({dim * n}, {dim * n}) matrix for {n} particles "
                                     f"in {dim}D; got {H.shape}")
    if not np.all(np.isfinite(H.data)):
        raise _checks.ParameterError(f"hessian file {path}: non-finite entries")
    H.eliminate_zeros()
    scale = float(np.abs(H.data).max()) if H.nnz else 0.0
    asym = float(abs(H - H.T).max()) if H.nnz else 0.0
    if asym > SYMMETRY_TOLERANCE * scale:
        raise _checks.ParameterError(f"hessian file {path}: not symmetric: max |H - H^T| = {asym:.3g}, more than "
                                     f"{SYMMETRY_TOLERANCE:g} of max |H| = {scale:.3g}")
    if not weighted:
        w = sp.diags(1.0 / np.sqrt(np.repeat(m, dim)))
        H = w @ H @ w
    H = (0.5 * (H + H.T)).tocsr()
    H.sort_indices()
    H.indices, H.indptr = H.indices.astype(np.int32), H.indptr.astype(np.int32)
    return H


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


def _in_plane(H: sp.csr_matrix, n: int) -> sp.csr_matrix:
    keep = (3 * np.arange(n)[:, None] + np.arange(2)).ravel()
    return H[keep][:, keep].tocsr()


def _matrix_market(path: Path, n: int):
    import scipy.io

    return sp.csr_matrix(scipy.io.mmread(str(path))), False


def _npz(path: Path, n: int):
    return sp.load_npz(path).tocsr(), False


def _lammps_dynmat(path: Path, n: int):
    size = 0
    with path.open() as fh:  # count first: refuse a wrong size before reading (3 N)**2 numbers
        for line in fh:
            size += len(line.split())
    side = int(round(np.sqrt(size)))
    if side * side != size or side % 3:
        raise _checks.ParameterError(f"hessian file {path}: {size} numbers is not (3 N)**2 for any N "
                                     "(LAMMPS dynamical_matrix writes 3 N rows of 3 N numbers)")
    if side != 3 * n:
        raise _checks.ParameterError(f"hessian file {path}: a dynamical matrix of {side // 3} atoms; the configuration "
                                     f"has {n} particles")
    vals = np.loadtxt(path, dtype=float, ndmin=2).ravel()
    return sp.csr_matrix(vals.reshape(side, side)), True


def _blocks_to_csr(fc: np.ndarray) -> sp.csr_matrix:
    """(N, N, 3, 3) force constants -> (3 N, 3 N) matrix, particle-major."""
    N = fc.shape[0]
    return sp.csr_matrix(fc.transpose(0, 2, 1, 3).reshape(3 * N, 3 * N))


def _check_fc_shape(path: Path, shape, n: int) -> None:
    if len(shape) != 4 or shape[2:] != (3, 3):
        raise _checks.ParameterError(f"hessian file {path}: force constants must have shape (N, N, 3, 3); got {shape}")
    if shape[0] != shape[1]:
        raise _checks.ParameterError(f"hessian file {path}: compact force constants {shape} need phonopy's primitive "
                                     "map; write the full (N, N, 3, 3) form (phonopy --full-fc)")
    if shape[0] != n:
        raise _checks.ParameterError(f"hessian file {path}: force constants of {shape[0]} atoms; the configuration "
                                     f"has {n} particles")


def _phonopy(path: Path, n: int):
    with path.open() as fh:
        head = fh.readline().split()
        if not head or len(head) > 2:
            raise _checks.ParameterError(f"hessian file {path}: the first line must be 'N' or 'N N' (phonopy "
                                         f"FORCE_CONSTANTS); got {' '.join(head)!r}")
        rows, cols = int(head[0]), int(head[-1])
        _check_fc_shape(path, (rows, cols, 3, 3), n)
        fc = np.zeros((rows, cols, 3, 3))
        for _ in range(rows * cols):
            i, j = (int(v) - 1 for v in fh.readline().split()[:2])
            fc[i, j] = [[float(v) for v in fh.readline().split()[:3]] for _ in range(3)]
    return _blocks_to_csr(fc), False


def _phonopy_hdf5(path: Path, n: int):
    try:
        import h5py
    except ImportError:
        raise _checks.ParameterError(f"hessian file {path}: reading phonopy's hdf5 needs h5py (pip install h5py)") from None
    with h5py.File(path, "r") as f:
        if "force_constants" not in f:
            raise _checks.ParameterError(f"hessian file {path}: no 'force_constants' dataset; found {sorted(f)}")
        ds = f["force_constants"]
        _check_fc_shape(path, tuple(ds.shape), n)
        fc = np.asarray(ds, dtype=float)
    return _blocks_to_csr(fc), False


_READERS = {"matrix-market": _matrix_market, "npz": _npz, "lammps-dynmat": _lammps_dynmat, "phonopy": _phonopy,
            "phonopy-hdf5": _phonopy_hdf5}
