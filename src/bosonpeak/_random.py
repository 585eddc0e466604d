"""Random streams (SPEC 7): one root SeedSequence, spawned children, never ``seed + i``."""

from __future__ import annotations

import numpy as np

from . import _checks, _resources


def seed_sequences(rng, n: int) -> list[np.random.SeedSequence]:
    """``n`` independent child SeedSequences of ``rng`` (int, SeedSequence, Generator or None).

    The same int or SeedSequence always gives the same children.

    Examples
    --------
    >>> from bosonpeak._random import seed_sequences
    >>> [s.spawn_key for s in seed_sequences(7, 3)]
    [(0,), (1,), (2,)]
    """
    n = _resources.check_count("seeds", _checks.integer("seeds", n, minimum=1), "seeds")  # before spawning any
    _checks.rng("rng", rng)
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
