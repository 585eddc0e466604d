"""The spring network as data, and what every lattice builder shares.

``SpringNetwork`` is the container every model returns (the square lattice of ``lattice.py``,
the simple-cubic one of ``lattice3d.py``, a packing's contacts in ``glass.py``); the checks of
a lattice's arguments, the minimum image and the count of sites within a reach are the same in
two and three dimensions and live here, so that neither lattice module imports the other's
internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _checks

RULES = ("nearest", "cutoff")
SPRINGS = ("inverse", "constant")

#: Relative tolerance with which a pair at exactly the cut-off counts as connected, so that
#: ``delta = 0`` with the cut-off rule gives the crystal despite round-off.
CUTOFF_TOLERANCE = 1e-9
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
        k = np.asarray(self.stiffness)
        if np.iscomplexobj(k) or k.ndim != 1 or len(k) != len(self.bonds) or not np.all(np.isfinite(k)) or np.any(k < 0):
            bad = "complex" if np.iscomplexobj(k) else f"shape {k.shape}" if k.ndim != 1 or len(k) != len(self.bonds) else (
                f"{float(k[np.flatnonzero(~np.isfinite(k) | (k < 0))[0]]):g}")
            raise _checks.ParameterError(f"'stiffness' must hold one finite real spring constant >= 0 per bond ({len(self.bonds)}); got {bad}")
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


def lattice_arguments(L, delta, rule, spring, cutoff, a, t0):
    """Check the arguments of a lattice builder (``network``, ``network3d``).

    Returns ``(L, delta, rule, spring, a, t0, box, r_c)`` with ``box = L a`` and the cut-off
    ``r_c`` (``a + delta`` by default); raises ``ParameterError`` naming the argument.
    """
    L = _checks.integer("L", L, minimum=3)
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
    return L, delta, rule, spring, a, t0, box, r_c


def sites_within(reach: float, dim: int) -> int:
    """Sites of the unit square (cubic) lattice within ``reach`` of the origin, the origin included;
    beyond a reach of 64 the bound ``pi (reach + 1)^2`` (``4 pi (reach + 1)^3 / 3``).

    Examples
    --------
    >>> from bosonpeak.model.springs import sites_within
    >>> sites_within(1.0, 2), sites_within(1.5, 2), sites_within(1.0, 3)
    (5, 9, 7)
    """
    if reach > 64:
        return int(np.ceil((np.pi if dim == 2 else 4 * np.pi / 3) * (reach + 1) ** dim))
    g = np.arange(-int(np.floor(reach)), int(np.floor(reach)) + 1) ** 2
    r2 = g[:, None] + g[None, :] if dim == 2 else g[:, None, None] + g[None, :, None] + g[None, None, :]
    return int(np.count_nonzero(r2 <= reach * reach * (1 + 1e-12)))
