"""Stored entries per row of a network's dynamical matrix, from its parameters alone.

The up-front memory plans (``bosonpeak.workflows._plans``, ``ensemble_dos``) scale a network's
and its matrix's bytes with the entries per row. They are measured here on a small probe
network of the same rule, displacement and cut-off (its mean over ~10^3 nodes, with a margin),
or bounded by the lattice sites within reach where the cut-off is too long for a small probe.
"""

from __future__ import annotations

import functools
import math

from ..model.lattice import network, sites_within
from .laplacian import dynamical_matrix
from .vector import vector_dynamical_matrix

#: Sites per side of the probe network.
PROBE_L = {2: 32, 3: 12}
#: Relative and absolute margins on the probe's mean (its spread over ~10^3 nodes is a few %).
MARGIN, SLACK = 1.05, 0.5


@functools.lru_cache(maxsize=64)
def entries_per_row(delta: float, *, rule: str = "cutoff", cutoff: float | None = None, spring: str = "inverse", dim: int = 2,
                    model: str = "scalar") -> float:
    """Estimated mean stored entries per row of the dynamical matrix of a large network.

    Examples
    --------
    >>> from bosonpeak.matrices.sizes import entries_per_row
    >>> entries_per_row(0.3, rule="nearest")  # 4 neighbours and the diagonal, with the margin
    5.75
    >>> 4.5 < entries_per_row(0.3) < 7.0  # measured 5.3 at N = 10^6
    True
    """
    r_c = (1.0 + delta) if cutoff is None else float(cutoff)
    reach = r_c + 2.0 * delta if rule == "cutoff" else 1.0
    comps = dim if model == "vector" else 1
    L = max(PROBE_L[dim], 2 * math.ceil(r_c) + 2)
    if L > 2 * PROBE_L[dim]:  # a long cut-off: every site within reach may be a neighbour
        return float(comps * sites_within(reach, dim))
    net = network(L, delta, rule=rule, spring=spring, cutoff=cutoff, rng=0, dim=dim)
    H = vector_dynamical_matrix(net) if model == "vector" else dynamical_matrix(net)
    return MARGIN * H.nnz / H.shape[0] + SLACK

