"""Ensembles of networks over random seeds (SPEC 7: children spawned from one SeedSequence).

Sample ``k`` of an ensemble uses child ``k`` of the root seed whatever ``delta``, rule or
spring law, so curves for different parameters share their random directions (common
random numbers), as the paper's Fig. 4 left shares the seeds of Fig. 2 right.
"""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from . import _checks
from .dynamical import dynamical_matrix
from .lattice import network
from .spectrum import DOS, default_edges, dos


def seed_sequences(rng, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child SeedSequences of ``rng`` (int, SeedSequence, Generator or None).

    The same int or SeedSequence always gives the same children.

    Examples
    --------
    >>> from bosonpeak.ensemble import seed_sequences
    >>> [s.spawn_key for s in seed_sequences(7, 3)]
    [(0,), (1,), (2,)]
    """
    n = _checks.integer("seeds", n, minimum=1)
    if isinstance(rng, np.random.SeedSequence):
        root = rng
    elif isinstance(rng, np.random.Generator):
        return [g.bit_generator.seed_seq for g in rng.spawn(n)]
    elif rng is None or (isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)):
        root = np.random.SeedSequence(None if rng is None else int(rng))
    else:
        raise _checks.ParameterTypeError(f"'rng' must be an int, SeedSequence, Generator or None; got {type(rng).__name__}")
    # Spawn from a copy so that the same root always gives the same children.
    return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key, pool_size=root.pool_size).spawn(n)


def sample_streams(child: np.random.SeedSequence) -> tuple[np.random.Generator, np.random.Generator]:
    """The two generators of one ensemble sample: one builds the network, one feeds a
    stochastic DOS method. Pure: the same child always gives the same pair."""
    sub = np.random.SeedSequence(child.entropy, spawn_key=tuple(child.spawn_key) + (0,), pool_size=child.pool_size)
    return np.random.default_rng(child), np.random.default_rng(sub)


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


def coordination_distribution(L: int, delta: float, *, seeds: int = 10, z_max: int = 12, rule: str = "cutoff", cutoff=None, rng=None) -> np.ndarray:
    """Fraction of nodes with coordination ``z = 0 .. z_max`` for each sample, shape (seeds, z_max + 1).

    Uses the same spawned children as ``ensemble_dos``, so the networks are the same ones.

    Examples
    --------
    >>> import bosonpeak
    >>> p = bosonpeak.coordination_distribution(10, 0.0, seeds=2)
    >>> p.shape, float(p[0, 4])
    ((2, 13), 1.0)
    """
    z_max = _checks.integer("z_max", z_max, minimum=1)
    out = []
    for child in seed_sequences(rng, seeds):
        net = network(L, delta, rule=rule, cutoff=cutoff, rng=sample_streams(child)[0])
        z = net.coordination
        if z.max() > z_max:
            raise _checks.ParameterError(f"'z_max' must be at least the largest coordination {int(z.max())}; got {z_max}")
        out.append(np.bincount(z, minlength=z_max + 1) / net.n_nodes)
    return np.stack(out)
