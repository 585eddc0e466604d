"""One kind of disorder at a time: spring disorder at fixed topology, coordination disorder
at fixed springs, and the paper's recipe, as ordinary ``SpringNetwork`` s.

Families (``FAMILIES``; the strength's name and range in brackets):

* ``springs-uniform`` (``w`` in [0, 1]): every bond of the square lattice keeps ``z = 4``;
  stiffness i.i.d. uniform on ``[1 - w, 1 + w]`` (mean 1; ``w = 1`` reaches zero).
* ``springs-lognormal`` (``s`` in [0, 5]): ``k = exp(s g - s^2 / 2)``, ``g`` standard normal (mean 1).
* ``springs-power`` (``alpha`` in [0, 20]): ``k = (1 + alpha) u^alpha``, ``u`` uniform on (0, 1)
  (mean 1). Its density near zero, ``~ k^(1/alpha - 1)``, is finite weight at ``k -> 0``:
  ``P(k < eps) = (eps / (1 + alpha))^(1/alpha)``.
* ``dilution`` (``p`` in [0, 1)): a random fraction ``p`` of the square lattice's ``2 N`` bonds
  removed (``round(2 N p)`` exactly); ``t = 1``; mean ``z = 4 (1 - p)``.
* ``diagonals`` (``x`` in [0, 1]): ``round(2 N x)`` random diagonal bonds (of the ``2 N``
  possible, both diagonals of each plaquette) added to the square lattice; ``t = 1``;
  mean ``z = 4 (1 + x)``.
* ``rewired`` (``p`` in [0, 1]): dilution by ``p`` and as many random diagonal bonds added:
  mean ``z = 4`` exactly while its variance grows; ``t = 1``.
* ``paper`` (``delta`` in [0, 1)): the paper's recipe, ``bosonpeak.network(L, delta)``
  (cut-off rule, ``t = 1 / r``): coordination and spring disorder together.

Every lattice family keeps the nodes on the lattice sites (positions only enter the
structure factor). At strength 0 every family is the crystal, bond for bond. The family
and strength are recorded in ``SpringNetwork.params`` (``family``, ``strength``,
``strength_name``). ``spring_disorder`` applies a spring family to any network.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

from .. import _checks
from .lattice import SpringNetwork, _lattice_bonds, minimum_image, network


@dataclass(frozen=True)
class Family:
    """A disorder family: its strength's name, range and kind."""

    strength_name: str
    minimum: float
    maximum: float
    max_inclusive: bool
    kind: str  # "springs", "coordination" or "both"
    description: str


FAMILIES = {
    "springs-uniform": Family("w", 0.0, 1.0, True, "springs", "stiffness uniform on [1-w, 1+w], z = 4"),
    "springs-lognormal": Family("s", 0.0, 5.0, True, "springs", "stiffness log-normal of width s, mean 1, z = 4"),
    "springs-power": Family("alpha", 0.0, 20.0, True, "springs", "stiffness (1+alpha) u^alpha, u uniform on (0,1), z = 4"),
    "dilution": Family("p", 0.0, 1.0, False, "coordination", "fraction p of the bonds removed, t = 1"),
    "diagonals": Family("x", 0.0, 1.0, True, "coordination", "fraction x of the 2N diagonals added, t = 1"),
    "rewired": Family("p", 0.0, 1.0, True, "coordination", "fraction p of the bonds moved to random diagonals: mean z = 4, t = 1"),
    "paper": Family("delta", 0.0, 1.0, False, "both", "the paper's perturbed lattice, cut-off rule, t = 1/r"),
}


def check_strength(family: str, strength, *, name: str = "strength") -> float:
    """Validate a family name and its strength (the parameter ``name``); return the strength as a float.

    Examples
    --------
    >>> from bosonpeak.model.disorder import check_strength
    >>> check_strength("dilution", 0.2)
    0.2
    """
    family = _checks.choice("family", family, FAMILIES)
    f = FAMILIES[family]
    try:
        return _checks.real(name, strength, minimum=f.minimum, maximum=f.maximum, max_inclusive=f.max_inclusive)
    except _checks.ParameterError as exc:  # say which family's parameter it is
        raise type(exc)(f"{exc} ({f.strength_name} of {family})") from None


def spring_factors(family: str, strength: float, size: int, rng) -> np.ndarray:
    """``size`` i.i.d. spring constants of mean 1 from a spring family (all 1 at strength 0)."""
    strength = check_strength(family, strength)
    gen = np.random.default_rng(_checks.rng("rng", rng))
    if FAMILIES[family].kind != "springs":
        raise _checks.ParameterError(f"'family' must be a spring family ({', '.join(k for k, f in FAMILIES.items() if f.kind == 'springs')}); got {family!r}")
    if family == "springs-uniform":
        return 1.0 + strength * (2.0 * gen.random(size) - 1.0)
    if family == "springs-lognormal":
        return np.exp(strength * gen.standard_normal(size) - 0.5 * strength**2)
    u = 1.0 - gen.random(size)  # in (0, 1]
    return (1.0 + strength) * u**strength


def spring_disorder(net: SpringNetwork, family: str, strength: float, *, rng=None) -> SpringNetwork:
    """Multiply every spring of ``net`` by an i.i.d. factor of mean 1 from a spring family.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.model.disorder import spring_disorder
    >>> net = spring_disorder(bosonpeak.network(10, 0.2, rng=1), "springs-uniform", 0.5, rng=2)
    >>> net.params["family"], net.params["strength"]
    ('springs-uniform', 0.5)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    k = spring_factors(family, strength, len(net.bonds), rng)
    params = dict(net.params, family=family, strength=float(strength), strength_name=FAMILIES[family].strength_name)
    return replace(net, stiffness=net.stiffness * k, params=params)


def disordered_network(L: int, family: str, strength: float, *, rng=None) -> SpringNetwork:
    """An ``L x L`` network with one disorder family at the given strength (module notes).

    Parameters
    ----------
    L : int
        Lattice sites per side (>= 3).
    family : str
        One of ``FAMILIES``.
    strength : float
        The family's strength (``w``, ``s``, ``alpha``, ``p``, ``x``, ``p`` or ``delta``).
    rng : int, SeedSequence or Generator, optional
        SPEC 7 random source.

    Returns
    -------
    SpringNetwork
        ``params`` holds ``family``, ``strength``, ``strength_name`` besides ``delta``,
        ``rule`` and ``spring``.

    Examples
    --------
    >>> from bosonpeak.model.disorder import disordered_network
    >>> net = disordered_network(20, "dilution", 0.25, rng=1)
    >>> len(net.bonds), float(net.coordination.mean())
    (600, 3.0)
    >>> crystal = disordered_network(20, "springs-power", 0.0, rng=1)
    >>> bool((crystal.stiffness == 1.0).all())
    True
    """
    L = _checks.integer("L", L, minimum=3)
    strength = check_strength(family, strength)
    gen = np.random.default_rng(_checks.rng("rng", rng))
    tag = dict(family=family, strength=strength, strength_name=FAMILIES[family].strength_name)
    if family == "paper":
        net = network(L, strength, rule="cutoff", spring="inverse", rng=gen)
        return replace(net, params=dict(net.params, **tag))
    ix, iy = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
    positions = np.column_stack([ix.ravel(), iy.ravel()]).astype(float)
    square = _lattice_bonds(L)
    params = dict(delta=0.0, rule="nearest", spring="constant", cutoff=None, a=1.0, t0=1.0, **tag)
    if FAMILIES[family].kind == "springs":
        return SpringNetwork(positions, square, spring_factors(family, strength, len(square), gen), float(L), L, params)
    n_remove = int(round(strength * len(square))) if family in ("dilution", "rewired") else 0
    n_add = n_remove if family == "rewired" else (int(round(strength * 2 * L * L)) if family == "diagonals" else 0)
    keep = np.ones(len(square), dtype=bool)
    keep[gen.choice(len(square), size=n_remove, replace=False)] = False
    diagonals = _diagonal_bonds(L)
    added = diagonals[np.sort(gen.choice(len(diagonals), size=n_add, replace=False))]
    bonds = np.concatenate([square[keep], added])
    bonds = bonds[np.lexsort((bonds[:, 1], bonds[:, 0]))]
    params["rule"] = "nearest" if n_add == 0 else "nearest+diagonals"
    return SpringNetwork(positions, bonds, np.ones(len(bonds)), float(L), L, params)


def _diagonal_bonds(L: int) -> np.ndarray:
    """Both diagonals of every plaquette of the periodic ``L x L`` lattice, ``(i, j)``, ``i < j``."""
    idx = np.arange(L * L).reshape(L, L)
    up = np.column_stack([idx.ravel(), np.roll(np.roll(idx, -1, axis=0), -1, axis=1).ravel()])
    down = np.column_stack([np.roll(idx, -1, axis=0).ravel(), np.roll(idx, -1, axis=1).ravel()])
    return np.sort(np.concatenate([up, down]), axis=1)


@dataclass(frozen=True)
class Connectivity:
    """Connectivity and percolation state of a periodic network.

    Attributes
    ----------
    components : int
        Connected components (= zero modes of the scalar model), isolated nodes included.
    isolated : int
        Nodes without a spring.
    largest_fraction : float
        Fraction of the nodes in the largest component.
    wraps : tuple of bool
        Whether the largest component wraps around the periodic box along x and along y
        (it percolates; otherwise the network has no sound speed).
    """

    components: int
    isolated: int
    largest_fraction: float
    wraps: tuple[bool, bool]

    @property
    def percolates(self) -> bool:
        """The largest component wraps along both axes."""
        return bool(self.wraps[0] and self.wraps[1])


def connectivity(net: SpringNetwork) -> Connectivity:
    """Components, isolated nodes and wrapping of the largest component (module notes).

    A component wraps along an axis when walking its bonds (minimum-image vectors) from a
    node can come back to that node displaced by a box vector along that axis.

    Examples
    --------
    >>> from bosonpeak.model.disorder import connectivity, disordered_network
    >>> connectivity(disordered_network(10, "dilution", 0.0)).percolates
    True
    >>> c = connectivity(disordered_network(10, "dilution", 0.9, rng=1))
    >>> c.percolates, c.components > 1
    (False, True)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    n = net.n_nodes
    i, j = net.bonds[:, 0], net.bonds[:, 1]
    A = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n)).tocsr()
    n_comp, labels = connected_components(A, directed=False)
    sizes = np.bincount(labels)
    big = int(np.argmax(sizes))
    root = int(np.flatnonzero(labels == big)[0])
    order, parent = breadth_first_order(A, root, directed=False, return_predecessors=True)
    # Unwrapped positions along the BFS tree, then every bond of the component checked against them.
    d = net.bond_vectors
    step = {}
    for (a, b), v in zip(net.bonds, d):
        step[(int(a), int(b))] = v
    unwrapped = np.zeros((n, 2))
    for node in order[1:]:
        p = int(parent[node])
        v = step[(p, int(node))] if p < node else -step[(int(node), p)]
        unwrapped[node] = unwrapped[p] + v
    inside = labels[i] == big
    mismatch = unwrapped[j[inside]] - unwrapped[i[inside]] - d[inside]
    shift = np.round(mismatch / net.box)
    wraps = (bool(np.any(shift[:, 0] != 0)), bool(np.any(shift[:, 1] != 0)))
    isolated = int(np.count_nonzero(net.coordination == 0))
    return Connectivity(int(n_comp), isolated, float(sizes[big] / n), wraps)


def coordination_moments(net: SpringNetwork) -> tuple[float, float]:
    """Mean and variance of the coordination ``z`` over the nodes."""
    z = net.coordination.astype(float)
    return float(z.mean()), float(z.var())


def is_crystal(net: SpringNetwork, *, tolerance: float = 0.0) -> bool:
    """Whether ``net`` is the perfect square-lattice crystal: nodes on the sites, the four
    nearest bonds, and one spring constant.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.model.disorder import is_crystal
    >>> is_crystal(bosonpeak.network(8, 0.0)), is_crystal(bosonpeak.network(8, 0.1, rng=1))
    (True, False)
    """
    L = net.L
    if net.n_nodes != L * L or len(net.bonds) != 2 * L * L:
        return False
    a = net.box / L
    ix, iy = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
    sites = a * np.column_stack([ix.ravel(), iy.ravel()])
    if np.max(np.abs(minimum_image(net.positions - sites, net.box))) > tolerance * a + 1e-12 * a:
        return False
    if not np.array_equal(np.sort(net.bonds, axis=1)[np.lexsort((net.bonds.max(1), net.bonds.min(1)))], _lattice_bonds(L)):
        return False
    t = net.stiffness
    return bool(np.ptp(t) <= tolerance * np.max(np.abs(t)) + 1e-15 * np.max(np.abs(t)))
