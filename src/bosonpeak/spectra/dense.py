"""The dense engine: every eigenvalue by ``numpy.linalg.eigvalsh`` (``method="dense"``)."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .. import _checks
from ..matrices.laplacian import as_matrix, zero_mode_count
from .spectrum import DOS, edge_shifts, histogram_dos, register_engine

#: Largest N that ``eigenfrequencies`` and the dense engine accept (N**2 doubles = 7 GB).
DENSE_MAX_NODES = 30_000


def eigenfrequencies(net_or_H) -> np.ndarray:
    """All N eigenfrequencies ``omega_k = sqrt(lambda_k)``, sorted, by dense diagonalisation.

    Round-off negatives of the zero modes are set to 0.

    Parameters
    ----------
    net_or_H : SpringNetwork or (N, N) matrix
        ``N <= DENSE_MAX_NODES``.

    Returns
    -------
    ndarray, shape (N,)

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> w = bosonpeak.eigenfrequencies(bosonpeak.network(4, 0.0))
    >>> bool(np.isclose(w[0], 0)), bool(np.isclose(w[-1], 2 * np.sqrt(2)))
    (True, True)
    """
    H = as_matrix(net_or_H)
    return _dense_frequencies(H)


def _dense_frequencies(H: sp.csr_matrix) -> np.ndarray:
    return np.sqrt(np.clip(_dense_eigenvalues(H), 0.0, None))


def _dense_eigenvalues(H: sp.csr_matrix) -> np.ndarray:
    n = H.shape[0]
    if n > DENSE_MAX_NODES:
        raise _checks.ParameterError(
            f"dense diagonalisation needs N <= {DENSE_MAX_NODES}; got N = {n}: use method='slicing' or 'kpm'"
        )
    return np.linalg.eigvalsh(H.toarray())


def _dense_engine(H, edges, *, zero_modes, rng=None, progress=False, **options) -> DOS:
    if options:
        raise _checks.ParameterError(f"method 'dense' takes no options; got {sorted(options)}")
    below = np.searchsorted(_dense_eigenvalues(H), edge_shifts(H, edges), side="left")  # negatives kept: refused as not PSD
    return histogram_dos(below, edges, H.shape[0], n_zero=zero_mode_count(H, zero_modes), zero_modes=zero_modes, method="dense")


register_engine("dense", _dense_engine)
