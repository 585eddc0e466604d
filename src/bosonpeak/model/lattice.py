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

from dataclasses import dataclass, field

import numpy as np

from .. import _checks, _resources
from .._random import sample_streams, seed_sequences

RULES = ("nearest", "cutoff")
SPRINGS = ("inverse", "constant")

#: Relative tolerance with which a pair at exactly the cut-off counts as connected, so that
#: ``delta = 0`` with the cut-off rule gives the crystal despite round-off.
CUTOFF_TOLERANCE = 1e-9
#: Nodes per slice of the vectorised stencil search and of the bond lengths.
SEARCH_SLICE = 1 << 17
#: Networks of at least this many nodes are searched by the compiled kernel (``_search``; numba,
#: compiled once and cached on disk); smaller ones by the vectorised search (no compilation).
COMPILED_SEARCH = 1 << 18


@dataclass(frozen=True, eq=False)
class SpringNetwork:
    """A periodic network of unit masses joined by springs.

    Attributes
    ----------
    positions : ndarray, shape (N, d)
        Node positions, wrapped into ``[0, box)``; ``d = 2`` (square lattice) or 3 (simple
        cubic, ``bosonpeak.model.lattice3d``).
    bonds : ndarray of int, shape (E, 2)
        Node pairs ``(i, j)`` with ``i < j`` joined by a spring; each pair once.
    stiffness : ndarray, shape (E,)
        Spring constant ``t_ij`` of each bond.
    box : float
        Side of the periodic square (cubic) box, ``L a``.
    L : int
        Lattice sites per side; ``N = L**d``.
    params : dict
        The arguments that built the network (``delta``, ``rule``, ``spring``, ``cutoff``,
        ``a``, ``t0``).
    """

    positions: np.ndarray
    bonds: np.ndarray
    stiffness: np.ndarray
    box: float
    L: int
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in ("positions", "bonds", "stiffness"):
            getattr(self, name).setflags(write=False)

    def __repr__(self) -> str:
        """One line: size, bonds, mean coordination and the parameters that built it; never the arrays."""
        z = 2.0 * len(self.bonds) / self.n_nodes if self.n_nodes else 0.0
        params = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v!r}" for k, v in self.params.items() if v is not None)
        size = f"L={self.L}, " if self.L else ""  # networks not built on a lattice (a packing's contacts) have L = 0
        return (f"SpringNetwork({size}N={self.n_nodes}, {len(self.bonds)} bonds, mean z={z:.4g}, "
                f"box={self.box:g}" + (f", {params})" if params else ")"))

    @property
    def n_nodes(self) -> int:
        """Number of nodes ``N``."""
        return self.positions.shape[0]

    @property
    def dim(self) -> int:
        """Space dimension ``d``."""
        return self.positions.shape[1]

    @property
    def coordination(self) -> np.ndarray:
        """Number of springs at each node, shape (N,)."""
        return np.bincount(self.bonds.ravel(), minlength=self.n_nodes)

    @property
    def bond_vectors(self) -> np.ndarray:
        """Minimum-image vectors ``r_j - r_i`` of every bond, shape (E, d)."""
        return minimum_image(self.positions[self.bonds[:, 1]] - self.positions[self.bonds[:, 0]], self.box)

    @property
    def lengths(self) -> np.ndarray:
        """Minimum-image bond lengths, shape (E,)."""
        d = self.bond_vectors
        return np.hypot(d[:, 0], d[:, 1]) if d.shape[1] == 2 else np.sqrt(np.sum(d**2, axis=1))


def minimum_image(d: np.ndarray, box: float) -> np.ndarray:
    """Map displacement vectors onto their shortest periodic image in a square (cubic) box."""
    return d - box * np.rint(d / box)  # rint: np.round's result for 0 decimals, without its scaling passes


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
    L = _checks.integer("L", L, minimum=3)
    _checks.rng("rng", rng)
    a = _checks.real("a", a, minimum=0.0, min_inclusive=False)
    delta = _checks.real("delta", delta, minimum=0.0, maximum=a, max_inclusive=False)
    rule = _checks.choice("rule", rule, RULES)
    spring = _checks.choice("spring", spring, SPRINGS)
    t0 = _checks.real("t0", t0, minimum=0.0, min_inclusive=False)
    box = L * a
    if cutoff is None:
        r_c = a + delta
    else:
        if rule != "cutoff":
            raise _checks.ParameterError(f"'cutoff' applies only to rule='cutoff'; got rule={rule!r}, cutoff={cutoff!r}")
        r_c = _checks.real("cutoff", cutoff, minimum=0.0, min_inclusive=False)
    if rule == "cutoff" and r_c >= box / 2:
        raise _checks.ParameterError(
            f"'cutoff' must be below half the box (L a / 2 = {box / 2:g}) for a unique minimum image; "
            f"got r_c = {r_c:g} (L={L}, delta={delta:g}); use a larger L"
        )
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


def sites_within(reach: float, dim: int) -> int:
    """Sites of the unit square (cubic) lattice within ``reach`` of the origin, the origin included;
    beyond a reach of 64 the bound ``pi (reach + 1)^2`` (``4 pi (reach + 1)^3 / 3``).

    Examples
    --------
    >>> from bosonpeak.model.lattice import sites_within
    >>> sites_within(1.0, 2), sites_within(1.5, 2), sites_within(1.0, 3)
    (5, 9, 7)
    """
    if reach > 64:
        return int(np.ceil((np.pi if dim == 2 else 4 * np.pi / 3) * (reach + 1) ** dim))
    g = np.arange(-int(np.floor(reach)), int(np.floor(reach)) + 1) ** 2
    r2 = g[:, None] + g[None, :] if dim == 2 else g[:, None, None] + g[None, :, None] + g[None, None, :]
    return int(np.count_nonzero(r2 <= reach * reach * (1 + 1e-12)))


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
