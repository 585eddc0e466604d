"""Coordination disorder: a node with its whole star of springs as the random element.

In the paper's networks the disorder sits on the nodes: every node is moved by ``delta``
and all of its bonds (present or not, and their springs ``1/r``) depend on that one move, so
bonds sharing a node are correlated and a single-bond CPA misses it. Here the random unit is
a *star*: node 0 with its springs to the four nearest and four diagonal lattice neighbours,
``k_a`` (0 for a missing bond), drawn jointly. The star replaces the corresponding bonds of
the square-lattice medium (springs ``k_m`` on the nearest bonds, none on the diagonals), and
``k_m(omega)`` is fixed by asking that the stars scatter nothing on average, in the sense
of an embedded-cluster ("molecular") CPA (Blackman, Esterling & Berk, PRB 4, 2412 (1971);
Ducastelle, J. Phys. C 7, 1795 (1974)) projected on a uniform strain, Kirkpatrick's
uniform-field condition (RMP 45, 574 (1973)):

    sum_ab (r_a . r_b) < [Delta (1 - M Delta)^-1]_ab > = 0,    Delta = diag(k_a - k_m [a nearest]),

with ``r_a`` the bond vectors, the bond-space Green's matrix
``M_ab = b_a^T G_m b_b = (D_a + D_b - D_{a-b}) / (2 k_m)`` and ``D_r = 2 (G_00 - G_r)(omega^2 / k_m)``
from ``lattice_green``. A star with one random nearest bond gives back the single-bond CPA.
Nodes without springs (isolated zero modes) are left out. ``docs/theory.md`` compares this
theory with the networks, where it works and where it fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .cpa import _check_omega, _continue, _curve
from .curve import TheoryCurve
from .lattice_green import SQUARE_SITES, _green_sites, square_lattice

#: Lattice offsets of a star: four nearest neighbours, then four diagonal ones.
OFFSETS = np.array([(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, 1), (-1, -1), (1, -1)])
NEAREST = np.arange(4)
#: Monte Carlo stars drawn for the paper's model by default.
STAR_SAMPLES = 2000


@dataclass(frozen=True, eq=False)
class Stars:
    """Joint samples of the springs around one node.

    Attributes
    ----------
    stiffness : ndarray, shape (S, 8)
        Springs to the neighbours at ``OFFSETS`` (0 where there is no bond).
    weights : ndarray, shape (S,), optional
        Probability of each star (default: equal, for Monte Carlo or network samples).
    name : str
    """

    stiffness: np.ndarray
    weights: np.ndarray | None = None
    name: str = "stars"

    def __post_init__(self):
        k = np.asarray(self.stiffness, dtype=float)
        if k.ndim != 2 or k.shape[1] != 8 or not np.all(np.isfinite(k)) or np.any(k < 0):
            raise _checks.ParameterError(f"'stiffness' must be finite springs >= 0 of shape (S, 8); got shape {k.shape}")
        w = np.full(len(k), 1.0 / len(k)) if self.weights is None else np.asarray(self.weights, dtype=float)
        if w.shape != (len(k),) or np.any(w < 0) or not w.sum() > 0:
            raise _checks.ParameterError(f"'weights' must be {len(k)} non-negative numbers, not all zero")
        object.__setattr__(self, "stiffness", k)
        object.__setattr__(self, "weights", w / w.sum())
        self.stiffness.setflags(write=False)
        self.weights.setflags(write=False)


def paper_stars(delta: float, *, samples: int = STAR_SAMPLES, spring: str = "inverse", cutoff: float | None = None, rng=0) -> Stars:
    """Stars of the paper's perturbed lattice (cut-off rule) by Monte Carlo over the nine moves.

    Node 0 and its eight lattice neighbours are each moved by ``delta`` in a uniform
    direction; a pair is bonded if closer than ``r_c = 1 + delta`` (default), with spring
    ``1/r`` (``"inverse"``) or 1. Valid while no bond reaches beyond the diagonal
    (``r_c < 2 - 2 delta``).

    Examples
    --------
    >>> from bosonpeak.theory.node import paper_stars
    >>> st = paper_stars(0.0, samples=10)
    >>> st.stiffness[0].tolist()
    [1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """
    delta = _checks.real("delta", delta, minimum=0.0, maximum=0.5, max_inclusive=False)
    samples = _checks.integer("samples", samples, minimum=1)
    spring = _checks.choice("spring", spring, ("inverse", "constant"))
    r_c = 1.0 + delta if cutoff is None else _checks.real("cutoff", cutoff, minimum=0.0, min_inclusive=False)
    if r_c >= 2.0 - 2.0 * delta:
        raise _checks.ParameterError(f"'cutoff' must stay below 2 - 2 delta = {2 - 2 * delta:g} (bonds beyond the diagonal); got {r_c:g}")
    gen = np.random.default_rng(_checks.rng("rng", rng))
    theta = gen.uniform(0.0, 2.0 * np.pi, size=(samples, 9))
    move = delta * np.stack([np.cos(theta), np.sin(theta)], axis=-1)  # (S, 9, 2); column 0 is node 0
    d = OFFSETS[None, :, :] + move[:, 1:, :] - move[:, :1, :]
    r = np.hypot(d[..., 0], d[..., 1])
    bonded = r <= r_c * (1.0 + 1e-9)
    k = np.where(bonded, 1.0 / r if spring == "inverse" else 1.0, 0.0)
    return Stars(k, name=f"paper delta={delta:g}")


def lattice_stars(p_missing: float = 0.0, x_diagonal: float = 0.0) -> Stars:
    """Stars of a square lattice with independent unit bonds: every nearest bond missing with
    probability ``p_missing``, every diagonal present with probability ``x_diagonal``.

    All ``2^8`` configurations with their exact probabilities (no sampling): the families
    ``dilution`` (``p``), ``diagonals`` (``x``) and ``rewired`` (``p`` of each) of ``bosonpeak disorder``.

    Examples
    --------
    >>> from bosonpeak.theory.node import lattice_stars, star_effective_medium
    >>> round(star_effective_medium(lattice_stars(0.0, 0.0)), 12)
    1.0
    """
    p = _checks.real("p_missing", p_missing, minimum=0.0, maximum=1.0)
    x = _checks.real("x_diagonal", x_diagonal, minimum=0.0, maximum=1.0)
    bits = ((np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1).astype(float)
    prob = np.where(np.arange(8) < 4, 1.0 - p, x)
    weights = np.prod(np.where(bits > 0, prob, 1.0 - prob), axis=1)
    keep = weights > 0
    return Stars(bits[keep], weights[keep], name=f"lattice p={p:g} x={x:g}")


def network_stars(net) -> Stars:
    """The stars of a lattice-based network (``bosonpeak.network``): one row per node.

    Bonds are assigned to lattice offsets through the node's lattice site
    (``i = ix * L + iy``); a bond to anything beyond the diagonal neighbours is an error.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.theory.node import network_stars
    >>> network_stars(bosonpeak.network(6, 0.0)).stiffness.sum(axis=0).tolist()
    [36.0, 36.0, 36.0, 36.0, 0.0, 0.0, 0.0, 0.0]
    """
    from ..model.lattice import SpringNetwork

    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    L = net.L
    if net.n_nodes != L * L:
        raise _checks.ParameterError(f"'net' must have one node per lattice site (N = L^2 = {L * L}); got N = {net.n_nodes}")
    ix, iy = np.divmod(net.bonds, L)
    off = np.stack([ix[:, 1] - ix[:, 0], iy[:, 1] - iy[:, 0]], axis=-1)
    off = (off + L // 2) % L - L // 2
    code = {tuple(o): j for j, o in enumerate(OFFSETS)}
    stiffness = np.zeros((net.n_nodes, 8))
    for (i, j), o, k in zip(net.bonds, off, net.stiffness):
        a, b = code.get(tuple(o)), code.get(tuple(-o))
        if a is None:
            raise _checks.ParameterError(f"'net' has a bond beyond the diagonal neighbours (lattice offset {tuple(o)})")
        stiffness[i, a] += k
        stiffness[j, b] += k
    return Stars(stiffness, name="network")


def _key(o):
    return tuple(sorted((abs(int(o[0])), abs(int(o[1]))), reverse=True))


_SITES = SQUARE_SITES
_A = np.array([[_SITES.index(_key(oa)) for ob in OFFSETS] for oa in OFFSETS])
_B = _A.T
_AB = np.array([[_SITES.index(_key(oa - ob)) for ob in OFFSETS] for oa in OFFSETS])


def _bond_green(s):
    """Unit-medium bond matrix ``M_ab`` (8 x 8) at one ``s``: ``(D_a + D_b - D_{a-b}) / 2``."""
    g = _green_sites(s)
    D = 2.0 * (g[0] - g)
    return 0.5 * (D[_A] + D[_B] - D[_AB])


#: Unit-medium bond matrix at omega = 0: minus the resistances of the unit square lattice,
#: R(1,0) = 1/2, R(1,1) = 2/pi, R(2,0) = 2 - 4/pi, R(2,1) = 4/pi - 1/2, R(2,2) = 8/(3 pi).
_R = {(0, 0): 0.0, (1, 0): 0.5, (1, 1): 2 / np.pi, (2, 0): 2 - 4 / np.pi, (2, 1): 4 / np.pi - 0.5, (2, 2): 8 / (3 * np.pi)}


def _static_bond_green():
    R = np.array([_R[site] for site in _SITES])
    return -0.5 * (R[_A] + R[_B] - R[_AB])


#: Projections of the star's T-matrix that the self-consistency sets to zero on average.
PROJECTIONS = ("strain", "bond")
#: ``r_a . r_b`` of the star's bond vectors: the bond elongations of a uniform strain.
_STRAIN = (OFFSETS @ OFFSETS.T).astype(float)


class _StarResidual:
    """Mean over stars of the projected T-matrix over ``k_m``; stars without diagonal bonds use 4 x 4 blocks.

    ``"strain"``: ``sum_ab (r_a . r_b) T_ab`` (the star's extra energy under a uniform strain,
    Kirkpatrick's uniform-field condition); ``"bond"``: ``sum_{a nearest} T_aa``.
    """

    def __init__(self, stars: Stars, projection: str = "strain"):
        # A node without springs is an isolated zero mode (a pole of its T-matrix at omega = 0)
        # that does not load the medium: it is left out.
        keep = np.any(stars.stiffness > 0, axis=1)
        k, w = stars.stiffness[keep], stars.weights[keep]
        diagonal = np.any(k[:, 4:] > 0, axis=1)
        self.groups = [(k[~diagonal, :4], w[~diagonal], 4), (k[diagonal], w[diagonal], 8)]
        self.total_weight = float(w.sum())
        self.projection = projection

    def __call__(self, x, z, M_unit=None):
        if M_unit is None:
            M_unit = _static_bond_green() if z == 0 else _bond_green(z / x)
        total = 0.0
        for k, w, n in self.groups:
            if len(k) == 0:
                continue
            M = M_unit[:n, :n] / x
            nearest = np.zeros(n)
            nearest[:4] = 1.0
            delta = k - x * nearest  # (S, n): Delta of each bond against the medium
            inv = np.linalg.inv(np.eye(n)[None] - M[None] * delta[:, None, :])  # (1 - M Delta)^-1
            if self.projection == "bond":
                per_star = np.sum(delta[:, :4] * np.einsum("saa->sa", inv)[:, :4], axis=1)  # T_aa = Delta_a inv_aa
            else:
                per_star = np.einsum("sa,sab,ab->s", delta, inv, _STRAIN[:n, :n])  # T_ab = Delta_a inv_ab
            total = total + w @ per_star
        return complex(total) / (self.total_weight * x)


def star_effective_medium(stars: Stars, *, projection: str = "strain") -> float:
    """Static (``omega = 0``) star-CPA spring ``k_m`` (``c^2``); 0 if the star medium is floppy.

    Examples
    --------
    >>> from bosonpeak.theory.node import lattice_stars, star_effective_medium
    >>> round(star_effective_medium(lattice_stars(0.2, 0.0)), 3)   # near Kirkpatrick's 1 - 2p
    0.601
    """
    from scipy.optimize import brentq

    projection = _checks.choice("projection", projection, PROJECTIONS)
    res = _StarResidual(stars, projection)
    f = lambda x: res(x, 0.0).real
    hi = float(stars.weights @ stars.stiffness[:, :4].mean(axis=1) + 2.0 * stars.weights @ stars.stiffness[:, 4:].mean(axis=1))
    lo = hi
    while f(lo) < 0.0:
        lo *= 0.5
        if lo < 1e-8 * hi:
            return 0.0
    while f(hi) > 0.0:
        hi *= 2.0
    return float(brentq(f, lo, hi, xtol=1e-14 * hi, rtol=1e-14))


def node_cpa(stars: Stars, omega, *, projection: str = "strain", omega_max: float = 1.5, on_failure: str = "raise") -> TheoryCurve:
    """Star (node) CPA on the square lattice: ``k_m(omega)``, ``g``, ``g/omega``, ``c^2``, ``omega_BP``.

    Parameters
    ----------
    stars : Stars
        Joint spring samples around a node (``paper_stars``, ``network_stars``).
    omega : array_like
        Strictly increasing frequencies ``>= 0``.
    projection : {"strain", "bond"}
        What averages to zero: the stars' T-matrix projected on a uniform strain (default), or
        its diagonal on the nearest bonds (blind to diagonal bonds; for comparison).
    omega_max : float
        Upper end of the Boson-peak window.
    on_failure : {"raise", "truncate"}
        As for ``bond_cpa``.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.theory.node import node_cpa, paper_stars
    >>> curve = node_cpa(paper_stars(0.0, samples=4), np.linspace(0, 2, 5))   # the crystal
    >>> round(curve.c2, 12), bool(np.allclose(curve.k_eff, 1))
    (1.0, True)
    """
    if not isinstance(stars, Stars):
        raise _checks.ParameterTypeError(f"'stars' must be a Stars record (paper_stars, network_stars); got {type(stars).__name__}")
    omega = _check_omega(omega)
    omega_max = _checks.real("omega_max", omega_max, minimum=0.0, min_inclusive=False)
    c2 = star_effective_medium(stars, projection=projection)
    if c2 <= 0.0:
        raise _checks.ParameterError(f"the static star medium of {stars.name!r} is floppy; the node CPA needs a rigid medium")
    res = _StarResidual(stars, projection)
    k_eff, info = _continue(lambda x, z: res(x, z), omega, c2, "node CPA", on_failure=on_failure)
    return _curve(omega, k_eff, c2, square_lattice(), omega_max, f"node CPA, {stars.name}", info)
