"""Participation ratio: over how many nodes a mode spreads."""

from __future__ import annotations

import numpy as np

from .. import _checks


def participation_ratio(vectors) -> np.ndarray:
    """Participation ratio of each mode: ``P = (sum_i e_i^2)^2 / (N sum_i e_i^4)``.

    ``P = 1`` for a mode spread evenly over the ``N`` nodes, ``1 / N`` for one node; a plane
    wave ``cos(k . r)`` has ``P = 2 / 3``.

    Parameters
    ----------
    vectors : array_like, shape (N,) or (N, M)
        One mode per column (need not be normalised).

    Returns
    -------
    ndarray, shape (M,) (a float for one vector)

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> bosonpeak.participation_ratio(np.ones((4, 1))).tolist(), float(bosonpeak.participation_ratio([1.0, 0, 0, 0]))
    ([1.0], 0.25)
    >>> float(bosonpeak.participation_ratio([1e300, 1e300, 0.0, 0.0]))  # any scale
    0.5
    """
    try:
        e = np.asarray(vectors, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterTypeError(f"'vectors' must be an array of numbers; got {type(vectors).__name__}") from exc
    if e.ndim not in (1, 2) or e.shape[0] < 1 or not np.all(np.isfinite(e)):
        raise _checks.ParameterError(f"'vectors' must be a finite (N,) or (N, M) array; got shape {e.shape}")
    scale = np.max(np.abs(e), axis=0)
    if np.any(scale == 0):
        raise _checks.ParameterError("'vectors' must not contain an all-zero column")
    e2 = (e / scale) ** 2  # P does not depend on the norm: scaled, e**4 neither overflows (1e300) nor underflows (1e-300)
    norm4 = np.sum(e2**2, axis=0)
    p = np.sum(e2, axis=0) ** 2 / (e.shape[0] * norm4)
    return float(p) if e.ndim == 1 else p
