"""Spring networks on a perturbed simple-cubic lattice: the paper's model in three dimensions.

An ``L x L x L`` simple-cubic lattice of lattice constant ``a`` in a periodic cube of side
``L a`` (number density ``n = 1 / a**3``). Every node is moved by exactly ``delta`` along a
direction drawn uniformly on the unit sphere. Springs join the six nearest lattice neighbours
(rule ``"nearest"``, ``z = 6``) or every pair closer than ``r_c`` (rule ``"cutoff"``,
``r_c = a + delta`` by default; ``delta = 0`` with ``cutoff = sqrt(2) a`` adds the twelve
face diagonals, ``z = 18``). Spring laws, minimum image and the returned ``SpringNetwork``
are those of ``bosonpeak.model.springs``; node ``(i, j, k)`` has index ``(i L + j) L + k``.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .. import _checks, _resources
from .springs import CUTOFF_TOLERANCE, SpringNetwork, lattice_arguments, minimum_image, sites_within

DIM = 3


def network3d(
    L: int,
    delta: float,
    *,
    rule: str = "cutoff",
    spring: str = "inverse",
    cutoff: float | None = None,
    a: float = 1.0,
    t0: float = 1.0,
    rng=None,
) -> SpringNetwork:
    """Build a spring network on a perturbed ``L x L x L`` simple-cubic lattice.

    Parameters
    ----------
    L : int
        Lattice sites per side, ``L >= 3``; ``N = L**3`` nodes.
    delta : float
        Displacement of every node from its site, ``0 <= delta < a``, in a direction uniform
        on the sphere.
    rule : {"cutoff", "nearest"}
        ``"nearest"`` joins the six lattice neighbours; ``"cutoff"`` every pair with
        ``r <= r_c`` (within round-off, so ``delta = 0`` gives the crystal).
    spring : {"inverse", "constant"}
        ``t = t0 / r`` or ``t = t0``.
    cutoff : float, optional
        ``r_c`` for the cut-off rule; default ``a + delta``; below half the box.
    a, t0 : float
        Lattice constant and spring scale (> 0).
    rng : int, SeedSequence or Generator, optional
        Source of the displacement directions (SPEC 7).

    Returns
    -------
    SpringNetwork
        ``positions`` of shape (L**3, 3); ``params`` holds the arguments and ``dim = 3``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> net = bosonpeak.network(5, 0.2, rule="nearest", rng=1, dim=3)
    >>> net.positions.shape, net.dim, int(net.coordination.min()), int(net.coordination.max())
    ((125, 3), 3, 6, 6)
    >>> fcc = bosonpeak.network(5, 0.0, cutoff=np.sqrt(2), dim=3)  # nearest + face diagonals
    >>> int(fcc.coordination.min()), int(fcc.coordination.max())
    (18, 18)
    """
    L, delta, rule, spring, a, t0, box, r_c = lattice_arguments(L, delta, rule, spring, cutoff, a, t0)
    entries = 7 if rule == "nearest" else sites_within((r_c + 2.0 * delta) / a, 3)  # at most every site within reach
    _resources.check(_resources.Plan(f"a network of L^3 = {L**3} nodes", _resources.network_bytes(L**3, entries), advice="a smaller L"))
    gen = np.random.default_rng(_checks.rng("rng", rng))

    grid = np.meshgrid(np.arange(L), np.arange(L), np.arange(L), indexing="ij")
    sites = a * np.column_stack([g.ravel() for g in grid]).astype(float)
    u = gen.normal(size=(L**3, DIM))
    u /= np.sqrt(np.sum(u**2, axis=1))[:, None]
    positions = np.mod(sites + delta * u, box)
    positions[positions >= box] -= box  # np.mod can round a tiny negative up to box

    if rule == "nearest":
        bonds = cubic_bonds(L)
    else:
        tree = cKDTree(positions, boxsize=box)
        bonds = tree.query_pairs(r_c * (1.0 + CUTOFF_TOLERANCE), output_type="ndarray").astype(np.int64)
        bonds = bonds.reshape(-1, 2)
        bonds = bonds[np.lexsort((bonds[:, 1], bonds[:, 0]))]
    d = minimum_image(positions[bonds[:, 1]] - positions[bonds[:, 0]], box)
    r = np.sqrt(np.sum(d**2, axis=1))
    stiffness = t0 / r if spring == "inverse" else np.full(len(bonds), t0)
    params = dict(delta=delta, rule=rule, spring=spring, cutoff=r_c if rule == "cutoff" else None, a=a, t0=t0, dim=DIM)
    return SpringNetwork(positions, bonds, stiffness, box, L, params)


def cubic_bonds(L: int) -> np.ndarray:
    """Bonds of the periodic ``L x L x L`` simple-cubic lattice, shape (3 L**3, 2), ``i < j``, sorted.

    Examples
    --------
    >>> from bosonpeak.model.lattice3d import cubic_bonds
    >>> b = cubic_bonds(3)
    >>> b.shape, b[:3].tolist()
    ((81, 2), [[0, 1], [0, 2], [0, 3]])
    """
    L = _checks.integer("L", L, minimum=3)
    idx = np.arange(L**3).reshape(L, L, L)
    pairs = [np.column_stack([idx.ravel(), np.roll(idx, -1, axis=ax).ravel()]) for ax in range(DIM)]
    bonds = np.sort(np.concatenate(pairs), axis=1)
    return bonds[np.lexsort((bonds[:, 1], bonds[:, 0]))]
