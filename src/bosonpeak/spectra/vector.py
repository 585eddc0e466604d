"""DOS of a vector Hessian (``d`` displacement components per node)."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..matrices.laplacian import as_matrix
from ..model.glass import DIM
from .spectrum import DOS, dos


def glass_dos(H, edges, *, method: str = "dense", rng=None, progress: bool = False, **options) -> DOS:
    """DOS per mode of a vector Hessian with its ``d = 2`` translational zero modes removed.

    The engine is called with ``zero_modes=True`` (nothing removed: its zero-mode count is
    for scalar Laplacians) and the ``d`` translations are then taken out of the bin holding
    ``omega = 0``; ``zero_modes`` records ``d``. Normalisation stays per ``2 M`` modes. For a
    smoothed method (KPM) the zero modes' weight is spread over its resolution, so that
    subtraction is approximate there.

    Parameters
    ----------
    H : (2 M, 2 M) matrix
        From ``glass_hessian``.
    edges : array_like
        Increasing bin edges in omega, from 0.
    method, rng, progress, **options
        As for ``bosonpeak.dos``.

    Returns
    -------
    DOS

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.vector import glass_dos
    >>> H = bosonpeak.glass_hessian(bosonpeak.jammed_packing(64, 0.9, rng=1))
    >>> g = glass_dos(H, np.linspace(0, 3, 61))
    >>> round(g.integral() * H.shape[0]) == H.shape[0] - 2, g.zero_modes
    (True, 2.0)
    """
    H = as_matrix(H, "H")
    g = dos(H, edges, method=method, zero_modes=True, rng=rng, progress=progress, **options)
    density = np.array(g.density, dtype=float)
    k = np.searchsorted(g.edges, 0.0, side="right") - 1
    if 0 <= k < len(density):
        density[k] -= DIM / (g.n_modes * g.widths[k])
    samples = None if g.samples is None else g.samples - (np.arange(len(density)) == k) * DIM / (g.n_modes * g.widths[k])
    return dataclasses.replace(g, density=density, samples=samples, zero_modes=float(DIM), zero_modes_removed=True)
