"""Ensembles of networks over random seeds (SPEC 7: children spawned from one SeedSequence).

Sample ``k`` of an ensemble uses child ``k`` of the root seed whatever ``delta``, rule or
spring law, so curves for different parameters share their random directions (common
random numbers), as the paper's Fig. 4 left shares the seeds of Fig. 2 right.
"""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from ..matrices.laplacian import dynamical_matrix
from ..model.lattice import network
from .._random import sample_streams, seed_sequences
from .spectrum import DOS, default_edges, dos


def ensemble_dos(
    L: int,
    delta: float,
    edges=None,
    *,
    seeds: int = 10,
    rule: str = "cutoff",
    spring: str = "inverse",
    cutoff: float | None = None,
    method: str = "dense",
    zero_modes: bool = True,
    rng=None,
    progress: bool = False,
    **options,
) -> DOS:
    """Mean DOS of ``seeds`` networks, with every sample and the standard error over samples.

    Parameters
    ----------
    L, delta, rule, spring, cutoff
        As for ``bosonpeak.network``.
    edges : array_like, optional
        Bin edges in omega; default from the first sample (see ``default_edges``).
    seeds : int
        Number of samples (>= 1).
    method, zero_modes, options
        As for ``bosonpeak.dos``.
    rng : int, SeedSequence, Generator or None
        Root seed; sample ``k`` uses its ``k``-th spawned child.
    progress : bool
        Show a progress bar over the samples.

    Returns
    -------
    DOS
        ``density`` is the sample mean, ``samples`` has shape (seeds, B), ``error`` is the
        standard error of the mean over samples (for a single sample: the method's own
        error, zero for exact methods).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> g = bosonpeak.ensemble_dos(8, 0.2, np.linspace(0, 4, 41), seeds=3, rng=1)
    >>> g.samples.shape, round(g.integral(), 12)
    ((3, 40), 1.0)
    """
    children = seed_sequences(rng, seeds)
    parts = []
    for child in tqdm(children, desc=f"DOS L={L} delta={delta:g}", disable=not progress, leave=False):
        net_rng, dos_rng = sample_streams(child)
        H = dynamical_matrix(network(L, delta, rule=rule, spring=spring, cutoff=cutoff, rng=net_rng))
        if edges is None:
            edges = default_edges(H)
        parts.append(dos(H, edges, method=method, zero_modes=zero_modes, rng=dos_rng, **options))
    return ensemble_of(parts, children)


def ensemble_of(parts: list[DOS], children) -> DOS:
    """The ensemble DOS of the samples ``parts`` (one per child SeedSequence, in order)."""
    seeds = len(parts)
    samples = np.stack([p.density for p in parts])
    if seeds > 1:
        error = samples.std(axis=0, ddof=1) / np.sqrt(seeds)
    else:  # one sample: keep the method's own error (KPM), zero for exact histograms
        error = parts[0].error if parts[0].error is not None else np.zeros(samples.shape[1])
    first = parts[0]
    return DOS(
        first.edges,
        samples.mean(axis=0),
        first.n_modes,
        first.method,
        error=error,
        samples=samples,
        zero_modes=float(np.mean([p.zero_modes for p in parts])),
        zero_modes_removed=first.zero_modes_removed,
        resolution=first.resolution,
        info={"seeds": seeds, "spawn_keys": [c.spawn_key for c in children]},
    )


