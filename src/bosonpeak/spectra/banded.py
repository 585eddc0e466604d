"""Exact DOS engine ``"banded"``: every eigenvalue of a sparse H from its band form.

Reverse Cuthill-McKee reorders H to a band of half-width ``b`` (about ``2 sqrt(N)`` per
degree of freedom for a 2D network), and LAPACK's banded symmetric eigensolver
(``scipy.linalg.eigvals_banded``) reduces it to tridiagonal form in ``O(N**2 b)`` instead of
the ``O(N**3)`` of a dense solver: the same eigenvalues (to round-off), several times faster
for the 2D networks and glasses of this package, with ``(b + 1) N`` doubles of memory.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sl
import scipy.sparse as sp
from scipy.sparse.csgraph import reverse_cuthill_mckee

from .. import _checks
from ..matrices.laplacian import zero_mode_count
from .spectrum import DOS, edge_shifts, histogram_dos, register_engine

#: Largest band memory, (b + 1) N doubles, that the engine accepts (2 GB).
BANDED_MAX_ENTRIES = 250_000_000


def banded_eigenvalues(H: sp.spmatrix) -> np.ndarray:
    """All eigenvalues of the symmetric sparse ``H``, ascending, via RCM band form.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.banded import banded_eigenvalues
    >>> H = bosonpeak.dynamical_matrix(bosonpeak.network(12, 0.2, rng=0))
    >>> bool(np.allclose(banded_eigenvalues(H), np.linalg.eigvalsh(H.toarray()), atol=1e-12))
    True
    """
    H = sp.csr_matrix(H)
    perm = reverse_cuthill_mckee(H, symmetric_mode=True)
    P = H[perm][:, perm].tocoo()
    lower = P.row >= P.col
    rows, cols, vals = P.row[lower], P.col[lower], P.data[lower]
    b = int(np.max(rows - cols)) if len(rows) else 0
    n = H.shape[0]
    if (b + 1) * n > BANDED_MAX_ENTRIES:
        raise _checks.ParameterError(f"band form needs (b + 1) N <= {BANDED_MAX_ENTRIES}; got b = {b}, N = {n}: use method='kpm'")
    band = np.zeros((b + 1, n))
    np.add.at(band, (rows - cols, cols), vals)
    return np.sort(sl.eigvals_banded(band, lower=True, check_finite=False))


def _banded_engine(H, edges, *, zero_modes, rng=None, progress=False, **options) -> DOS:
    if options:
        raise _checks.ParameterError(f"method 'banded' takes no options; got {sorted(options)}")
    below = np.searchsorted(banded_eigenvalues(H), edge_shifts(H, edges), side="left")  # same edge convention as dense
    return histogram_dos(below, edges, H.shape[0], n_zero=zero_mode_count(H, zero_modes), zero_modes=zero_modes, method="banded")


register_engine("banded", _banded_engine)
