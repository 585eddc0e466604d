"""Spring networks on a perturbed square lattice (paper, section II).

An ``L x L`` square lattice of lattice constant ``a`` in a periodic box of side ``L a``.
Every node is moved by exactly ``delta`` along a direction ``theta`` drawn uniformly in
``[0, 2 pi)``. Springs join either the lattice's four nearest neighbours (rule
``"nearest"``, coordination ``z = 4`` everywhere) or every pair closer than a cut-off
``r_c`` (rule ``"cutoff"``, ``r_c = a + delta`` by default). Spring constants are
``t = t0 / r`` (``"inverse"``) or ``t = t0`` (``"constant"``). All distances use the
minimum image.

The cut-off pairs are found among a fixed stencil of site offsets (``_cutoff_bonds``): a node
stays within ``delta`` of its site, so two nodes closer than ``r_c`` sit on sites closer than
``r_c + 2 delta``. Distances are computed as ``scipy.spatial.cKDTree`` computes them (periodic
difference per axis, ``dx*dx + dy*dy <= r**2``), so the bonds are those of a k-d tree search,
bit for bit, in linear time and without a tree.
"""

from __future__ import annotations

import numpy as np

from .. import _checks, _resources
from .._random import sample_streams, seed_sequences
from .springs import (  # noqa: F401  (lifted here: the lattice's names, as before)
    CUTOFF_TOLERANCE,
    RULES,
    SPRINGS,
    SpringNetwork,
    lattice_arguments,
    minimum_image,
    sites_within,
)

#: Nodes per slice of the vectorised stencil search and of the bond lengths.
SEARCH_SLICE = 1 << 17
#: Networks of at least this many nodes are searched by the compiled kernel (``_search``; numba,
#: compiled once and cached on disk); smaller ones by the vectorised search (no compilation).
COMPILED_SEARCH = 1 << 18


def network(
    L: int,
    delta: float,
    *,
    rule: str = "cutoff",
    spring: str = "inverse",
    cutoff: float | None = None,
    a: float = 1.0,
    t0: float = 1.0,
    rng=None,
    dim: int = 2,
) -> SpringNetwork:
    """Build a spring network on a perturbed ``L x L`` square lattice (or, with ``dim=3``,
    an ``L x L x L`` simple-cubic one: ``bosonpeak.model.lattice3d.network3d``).

    Parameters
    ----------
    L : int
        Lattice sites per side, ``L >= 3``; ``N = L**2`` nodes.
    delta : float
        Displacement of every node from its lattice site, ``0 <= delta < a``.
    rule : {"cutoff", "nearest"}
        ``"nearest"`` joins the four lattice neighbours; ``"cutoff"`` joins every pair with
        ``r <= r_c`` (a pair at ``r_c`` within round-off is joined, so ``delta = 0`` gives the
        crystal).
    spring : {"inverse", "constant"}
        Spring law: ``t = t0 / r`` or ``t = t0``.
    cutoff : float, optional
        ``r_c`` for the cut-off rule; default ``a + delta``. Must be below half the box.
    a : float
        Lattice constant (> 0).
    t0 : float
        Spring-constant scale (> 0).
    rng : int, SeedSequence or Generator, optional
        Source of the displacement directions (SPEC 7).
    dim : {2, 3}
        Space dimension; 3 builds the simple-cubic lattice with the same arguments.

    Returns
    -------
    SpringNetwork

    Examples
    --------
    >>> import bosonpeak
    >>> net = bosonpeak.network(10, 0.2, rule="nearest", rng=1)
    >>> net.positions.shape, int(net.coordination.min()), int(net.coordination.max())
    ((100, 2), 4, 4)
    >>> crystal = bosonpeak.network(10, 0.0)
    >>> len(crystal.bonds)
    200
    """
    if _checks.integer("dim", dim, minimum=2, maximum=3) == 3:
        from .lattice3d import network3d

        return network3d(L, delta, rule=rule, spring=spring, cutoff=cutoff, a=a, t0=t0, rng=rng)
    L, delta, rule, spring, a, t0, box, r_c = lattice_arguments(L, delta, rule, spring, cutoff, a, t0)
    _checks.rng("rng", rng)
    # at most every site within reach is a neighbour (and the diagonal entry)
    entries = 5 if rule == "nearest" else sites_within((r_c + 2.0 * delta) / a, 2)
    _resources.check(_resources.Plan(f"a network of L^2 = {L * L} nodes", _resources.network_bytes(L * L, entries), advice="a smaller L"))
    gen = np.random.default_rng(_checks.rng("rng", rng))

    site = a * np.arange(L, dtype=float)  # node i = ix L + iy sits at a (ix, iy)
    theta = gen.uniform(0.0, 2.0 * np.pi, size=L * L)
    positions = np.empty((L * L, 2))
    for lo in range(0, L * L, SEARCH_SLICE):  # in slices: no N-sized temporaries
        ix, iy = np.divmod(np.arange(lo, min(L * L, lo + SEARCH_SLICE)), L)
        positions[lo:lo + len(ix), 0] = site[ix] + delta * np.cos(theta[lo:lo + len(ix)])
        positions[lo:lo + len(ix), 1] = site[iy] + delta * np.sin(theta[lo:lo + len(ix)])
    del theta
    np.mod(positions, box, out=positions)
    positions[positions >= box] -= box  # np.mod can round a tiny negative up to box

    if rule == "nearest":
        bonds, r = _lattice_bonds(L), None
    else:
        bonds, r = _cutoff_bonds(positions, L, a, delta, r_c * (1.0 + CUTOFF_TOLERANCE), box, lengths=True)
    if r is None:  # the compiled search gives them; else from the positions
        r = _bond_lengths(positions, bonds, box)
    stiffness = np.divide(t0, r, out=r) if spring == "inverse" else np.full(len(bonds), t0)  # r is not kept
    params = dict(delta=delta, rule=rule, spring=spring, cutoff=r_c if rule == "cutoff" else None, a=a, t0=t0)
    return SpringNetwork(positions, bonds, stiffness, box, L, params)


def _bond_lengths(positions: np.ndarray, bonds: np.ndarray, box: float) -> np.ndarray:
    """Minimum-image lengths of ``bonds`` (as ``SpringNetwork.lengths``, bit for bit), in slices of
    ``SEARCH_SLICE`` bonds: the temporaries stay in cache."""
    r = np.empty(len(bonds))
    for lo in range(0, len(bonds), SEARCH_SLICE):
        i, j = bonds[lo:lo + SEARCH_SLICE, 0], bonds[lo:lo + SEARCH_SLICE, 1]
        r[lo:lo + len(i)] = np.hypot(*(minimum_image(positions[j, c] - positions[i, c], box) for c in (0, 1)))
    return r


def _stencil(L: int, a: float, reach: float) -> list[tuple[int, int]]:
    """Half of the site offsets ``(dx, dy)`` with ``a |(dx, dy)| <= reach``: one of ``+-o``, no ``0``."""
    k = int(np.floor(reach / a)) + 1
    return [(dx, dy) for dx in range(0, k + 1) for dy in range(-k, k + 1)
            if (dx > 0 or dy > 0) and a * np.hypot(dx, dy) <= reach]


def _cutoff_bonds(positions: np.ndarray, L: int, a: float, delta: float, r: float, box: float, *, lengths: bool = False):
    """Pairs ``(i, j)``, ``i < j``, at periodic distance ``<= r``, sorted by ``i`` then ``j`` (with
    ``lengths``: and their lengths where the compiled search gives them, else None).

    Node ``i = ix L + iy`` lies within ``delta`` of its site ``a (ix, iy)``: the candidates are
    the site offsets of ``_stencil`` (reach ``r + 2 delta``, with a relative margin for
    round-off): compiled (``_search``) from ``COMPILED_SEARCH`` nodes on, else one vectorised
    pass per offset over each slice of ``SEARCH_SLICE`` nodes. The distance test is the k-d
    tree's: per axis ``d = x_j - x_i``, ``-= box`` above ``box / 2``, ``+= box`` below
    ``-box / 2``; joined when ``dx*dx + dy*dy <= r*r``.
    """
    n = L * L
    stencil = _stencil(L, a, (r + 2.0 * delta) * (1.0 + 1e-9))
    offsets = sorted({(dx % L, dy % L) for dx, dy in stencil} - {(0, 0)})
    if n >= COMPILED_SEARCH and _compiled_search_available():
        from ._search import sorted_bonds

        bonds, bond_lengths = sorted_bonds(positions, L, stencil, box, r)
        return (bonds, bond_lengths) if lengths else bonds
    keys = _vectorised_keys(positions, L, offsets, box, r)
    keys.sort()
    if L <= 2 * max((max(abs(dx), abs(dy)) for dx, dy in stencil), default=0):
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]  # small L: an offset meets its mirror modulo L
    bonds = np.empty((len(keys), 2), dtype=np.int64)
    np.floor_divide(keys, n, out=bonds[:, 0])
    np.remainder(keys, n, out=bonds[:, 1])
    return (bonds, None) if lengths else bonds


def _vectorised_keys(positions, L, offsets, box, r) -> np.ndarray:
    """Keys ``min(i, j) N + max(i, j)`` of the joined pairs among ``offsets`` (each in ``0..L-1``),
    unsorted, possibly repeated: one pass per offset over each slice of ``SEARCH_SLICE`` nodes."""
    n = L * L
    half, rr = 0.5 * box, r * r
    keys = np.empty(n * len(offsets), dtype=np.int64)  # room for every candidate; only the pages written are touched
    m = 0
    for lo in range(0, n, SEARCH_SLICE):  # slices of nodes: the temporaries stay in cache
        hi = min(n, lo + SEARCH_SLICE)
        ix, iy = np.divmod(np.arange(lo, hi, dtype=np.int64), L)
        x, y = positions[lo:hi, 0], positions[lo:hi, 1]
        for dx, dy in offsets:
            j = ((ix + dx) % L) * L + (iy + dy) % L
            d0 = positions[j, 0] - x
            d0[d0 > half] -= box
            d0[d0 < -half] += box
            d1 = positions[j, 1] - y
            d1[d1 > half] -= box
            d1[d1 < -half] += box
            near = np.flatnonzero(d0 * d0 + d1 * d1 <= rr)
            i, j = near + lo, j[near]
            keys[m:m + len(near)] = np.minimum(i, j) * n + np.maximum(i, j)
            m += len(near)
    return keys[:m]


def _compiled_search_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("numba") is not None


def _lattice_bonds(L: int) -> np.ndarray:
    """Bonds of the periodic ``L x L`` square lattice, node index ``i * L + j``."""
    idx = np.arange(L * L).reshape(L, L)
    right = np.column_stack([idx.ravel(), np.roll(idx, -1, axis=0).ravel()])
    up = np.column_stack([idx.ravel(), np.roll(idx, -1, axis=1).ravel()])
    bonds = np.sort(np.concatenate([right, up]), axis=1)
    return bonds[np.lexsort((bonds[:, 1], bonds[:, 0]))]


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


#: Relative spread of the spring constants (and of the bond vectors around the lattice's) below
#: which a network counts as the perfect crystal (``is_crystal``): ``delta = 1e-12`` does.
CRYSTAL_TOLERANCE = 1e-9


def is_crystal(net: SpringNetwork) -> bool:
    """Whether ``net`` is the perfect crystal up to ``CRYSTAL_TOLERANCE``: one spring constant
    on the ``d N`` bonds of the square (cubic) lattice's nearest neighbours.

    With the nearest rule every network's bonds are the lattice's, so with equal springs its
    matrix is the crystal's for any ``delta`` (PHYSICS.md); otherwise every bond vector must
    lie within the tolerance of a lattice vector ``a e_i``.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.model.lattice import is_crystal
    >>> is_crystal(bosonpeak.network(8, 1e-12)), is_crystal(bosonpeak.network(8, 0.2, rng=1))
    (True, False)
    >>> is_crystal(bosonpeak.network(8, 0.3, rule="nearest", spring="constant", rng=1))
    True
    """
    if not isinstance(net, SpringNetwork) or not net.L or len(net.bonds) != net.dim * net.n_nodes or not len(net.stiffness):
        return False
    t = np.asarray(net.stiffness, dtype=float)
    if np.ptp(t) > CRYSTAL_TOLERANCE * np.max(np.abs(t)):
        return False
    if net.params.get("rule") == "nearest":
        return True
    a = float(net.params.get("a", 1.0) or 1.0)
    d = net.bond_vectors / a
    return bool(np.all(np.abs(np.sort(np.abs(d), axis=1) - np.eye(net.dim)[-1]) < CRYSTAL_TOLERANCE))
