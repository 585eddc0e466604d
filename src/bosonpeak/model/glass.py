"""A simulated 2D amorphous solid: jammed bidisperse harmonic disks (paper, Fig. 3 right).

50:50 mixture of small and large disks (diameter ratio 1.4) in a periodic square box,
placed at random and brought to a mechanically stable packing at packing fraction ``phi``
by minimising the harmonic contact energy (O'Hern et al., Phys. Rev. E 68, 011306 (2003))

    V(r) = (eps / 2) (1 - r / sigma_ij)**2   for r < sigma_ij = R_i + R_j,   else 0,

with FIRE (Bitzek et al., PRL 97, 170201 (2006); the semi-implicit FIRE 2.0 variant of
Guenole et al., Comput. Mater. Sci. 175, 109584 (2020)) on numpy arrays with a
``scipy.spatial.cKDTree`` Verlet list. Units: ``eps = 1``, mass ``m = 1``, and lengths such
that the number density is ``n = N / box**2 = 1``, as for the spring networks (``a = 1``).

Rattlers, particles with fewer than ``d + 1 = 3`` contacts, are removed iteratively; the
remaining particles are the rigid backbone whose Hessian ``bosonpeak.matrices.hessian`` builds.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import Delaunay

from .. import _checks, _resources
from ._fire import DIM, _fire, _forces, _pairs, pair_geometry
from .lattice import SpringNetwork

#: Large-to-small diameter ratio of the bidisperse mixture.
DIAMETER_RATIO = 1.4
#: Default packing fraction, a little above jamming (phi_J ~ 0.84 in 2D).
DEFAULT_PHI = 0.86
#: Default force-balance tolerance: max over particles of ``|F_i|`` (units eps / sigma_small).
DEFAULT_FTOL = 1e-12
#: Fewer contacts than this make a particle a rattler (d + 1 in d dimensions).
MIN_CONTACTS = DIM + 1


@dataclass(frozen=True, eq=False)
class Packing:
    """A mechanically stable packing of soft disks in a periodic square box.

    Attributes
    ----------
    positions : ndarray, shape (N, 2)
        Centres, wrapped into ``[0, box)``.
    radii : ndarray, shape (N,)
        Disk radii; the first half small, the second half large.
    box : float
        Side of the periodic box; ``N / box**2 = 1``.
    contacts : ndarray of int, shape (E, 2)
        Overlapping pairs ``(i, j)``, ``i < j``, ``r_ij < R_i + R_j``, rattlers included.
    rattler : ndarray of bool, shape (N,)
        Particles removed by the iterative ``z < 3`` rule.
    energy : float
        Total contact energy ``sum V`` (units eps).
    max_force : float
        ``max_i |F_i|`` at the end of the minimisation.
    phi : float
        Packing fraction ``sum pi R_i**2 / box**2``.
    params : dict
        Arguments that built it (``N``, ``phi``, ``ratio``, ``ftol``).
    info : dict
        Minimiser details (``steps``, ``seconds``, ``neighbour_rebuilds``).
    """

    positions: np.ndarray
    radii: np.ndarray
    box: float
    contacts: np.ndarray
    rattler: np.ndarray
    energy: float
    max_force: float
    phi: float
    params: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in ("positions", "radii", "contacts", "rattler"):
            getattr(self, name).setflags(write=False)

    def __repr__(self) -> str:
        """One line: size, packing fraction, rattlers, contacts and the force reached; never the arrays."""
        return (f"Packing(N={self.n_particles}, phi={self.phi:.4g}, box={self.box:.4g}, {int(self.rattler.sum())} rattlers, "
                f"{len(self.contacts)} contacts, mean z={self.mean_contact_number:.4g} (backbone), "
                f"max_force={self.max_force:.2g}, energy={self.energy:.4g})")

    @property
    def n_particles(self) -> int:
        """Number of particles ``N``, rattlers included."""
        return self.positions.shape[0]

    @property
    def backbone(self) -> np.ndarray:
        """Indices of the non-rattlers, shape (M,)."""
        return np.flatnonzero(~self.rattler)

    @property
    def backbone_contacts(self) -> np.ndarray:
        """Contacts between two non-rattlers, in the original particle indices, shape (E', 2)."""
        keep = ~self.rattler[self.contacts[:, 0]] & ~self.rattler[self.contacts[:, 1]]
        return self.contacts[keep]

    @property
    def contact_numbers(self) -> np.ndarray:
        """Contacts of each particle with non-rattlers, shape (N,) (0 to 2 for rattlers)."""
        return np.bincount(self.backbone_contacts.ravel(), minlength=self.n_particles)

    @property
    def mean_contact_number(self) -> float:
        """``<z>`` over the backbone: ``2 E' / M`` (isostatic value ``2 d = 4``)."""
        m = int((~self.rattler).sum())
        return 2.0 * len(self.backbone_contacts) / m if m else 0.0

    @property
    def pressure(self) -> float:
        """Virial pressure ``p = -(1 / (d A)) sum_contacts r V'(r)`` (units eps / length**2)."""
        d, r, sigma = pair_geometry(self.positions, self.radii, self.box, self.contacts)
        return float(np.sum(r * (1.0 - r / sigma) / sigma) / (DIM * self.box**2))


@contextmanager
def _force_bar(ftol: float, show: bool):
    """A progress bar over the decades of ``max |F|`` from the first report down to ``ftol``;
    yields the ``report(step, max_force)`` callback for ``_fire`` (None when not shown)."""
    if not show:
        yield None
        return
    from tqdm.auto import tqdm

    state = {}
    with tqdm(desc="FIRE", unit="decade", bar_format="{l_bar}{bar}| {elapsed}{postfix}") as bar:
        def report(step, max_force):
            if "start" not in state:
                state["start"] = max(max_force, ftol)
                bar.total = round(float(np.log10(state["start"] / ftol)), 1)
            gained = round(float(np.log10(state["start"] / max(max_force, ftol))), 1)
            bar.n = min(bar.total, max(bar.n, gained))  # the best reached so far: max |F| is not monotone
            bar.set_postfix_str(f"step {step}, max|F| = {max_force:.1e}", refresh=True)

        yield report


def bidisperse_radii(N: int, phi: float, ratio: float = DIAMETER_RATIO) -> np.ndarray:
    """Radii of a 50:50 mixture at number density 1 and packing fraction ``phi``.

    ``phi = (pi / 4) sum_i d_i**2 / N`` with ``d_l = ratio d_s``; the first ``N // 2`` are small.

    Examples
    --------
    >>> from bosonpeak.model.glass import bidisperse_radii
    >>> R = bidisperse_radii(4, 0.86)
    >>> round(float(R[-1] / R[0]), 12), round(float((3.141592653589793 * R**2).sum() / 4), 12)
    (1.4, 0.86)
    """
    n_small = N // 2
    d_small = np.sqrt(4.0 * phi * N / (np.pi * (n_small + (N - n_small) * ratio**2)))
    radii = np.full(N, 0.5 * d_small)
    radii[n_small:] *= ratio
    return radii


def jammed_packing(N: int, phi: float = DEFAULT_PHI, *, ratio: float = DIAMETER_RATIO, ftol: float = DEFAULT_FTOL,
                   max_steps: int = 1_000_000, rng=None, progress: bool = False) -> Packing:
    """A jammed packing of ``N`` bidisperse harmonic disks at packing fraction ``phi``.

    Particles start at uniformly random positions and are relaxed by FIRE until
    ``max_i |F_i| < ftol``; contacts are then found and rattlers removed iteratively.

    Parameters
    ----------
    N : int
        Number of disks, ``N >= 16``; half small, half large.
    phi : float
        Packing fraction in ``(0.5, 1.2]``. Above jamming (``phi_J ~ 0.84``) the packing is
        rigid; close to it the minimisation slows down.
    ratio : float
        Diameter ratio large / small, in ``[1, 3]``.
    ftol : float
        Force-balance tolerance on ``max_i |F_i|``, in ``[1e-15, 1e-3]``.
    max_steps : int
        FIRE steps allowed before giving up (raises ``RuntimeError``).
    rng : int, SeedSequence or Generator, optional
        Source of the initial positions (SPEC 7). The same seed gives bit-identical packings.
    progress : bool
        Show the minimisation's progress: decades of ``max |F|`` gained towards ``ftol``.

    Returns
    -------
    Packing

    Examples
    --------
    >>> import bosonpeak
    >>> p = bosonpeak.jammed_packing(64, 0.9, rng=1)
    >>> p.max_force < 1e-12, p.positions.shape
    (True, (64, 2))
    """
    N = _checks.integer("N", N, minimum=16)
    phi = _checks.real("phi", phi, minimum=0.5, maximum=1.2, min_inclusive=False)
    ratio = _checks.real("ratio", ratio, minimum=1.0, maximum=3.0)
    ftol = _checks.real("ftol", ftol, minimum=1e-15, maximum=1e-3)
    max_steps = _checks.integer("max_steps", max_steps, minimum=1)
    _checks.rng("rng", rng)
    _resources.check(_resources.Plan(f"a packing of {N} particles", _resources.network_bytes(N), advice="fewer particles",
                                     seconds=_resources.packing_seconds(N)))
    gen = np.random.default_rng(rng)
    radii = bidisperse_radii(N, phi, ratio)
    box = float(np.sqrt(N))
    start = time.perf_counter()
    with _force_bar(ftol, progress) as report:
        x, steps, rebuilds = _fire(gen.uniform(0.0, box, size=(N, DIM)), radii, box, ftol, max_steps, report)
    x = np.mod(x, box)
    x[x >= box] -= box
    pairs = _pairs(x, box, 2.0 * radii.max())
    _, r, sigma = pair_geometry(x, radii, box, pairs)
    contacts = pairs[r < sigma]
    forces, energy = _forces(x, radii, box, contacts)
    info = dict(steps=steps, seconds=time.perf_counter() - start, neighbour_rebuilds=rebuilds, minimiser="FIRE 2.0")
    return Packing(
        positions=x, radii=radii, box=box, contacts=contacts, rattler=rattlers(N, contacts), energy=energy,
        max_force=float(np.sqrt((forces**2).sum(axis=1)).max()), phi=float(np.pi * np.sum(radii**2) / box**2),
        params=dict(N=N, phi=phi, ratio=ratio, ftol=ftol), info=info,
    )


def rattlers(N: int, contacts: np.ndarray, min_contacts: int = MIN_CONTACTS) -> np.ndarray:
    """Boolean mask of rattlers: remove particles with ``< min_contacts`` contacts until none is left.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.model.glass import rattlers
    >>> tri = np.array([[0, 1], [0, 2], [1, 2], [2, 3]])   # node 3 has one contact
    >>> rattlers(4, tri, 2).tolist()
    [False, False, False, True]
    """
    out = np.zeros(N, dtype=bool)
    while True:
        keep = ~out[contacts[:, 0]] & ~out[contacts[:, 1]]
        z = np.bincount(contacts[keep].ravel(), minlength=N)
        new = ~out & (z < min_contacts)
        if not new.any():
            return out
        out |= new


def voronoi_neighbours(packing: Packing) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, whose Voronoi cells share an edge (periodic Delaunay edges).

    The Delaunay triangulation is built on the particles plus their periodic images within a
    margin of 4 (about 4 mean spacings) around the box. Rattlers are included. On a torus a
    triangulation has exactly ``3 N`` edges, so the mean Voronoi coordination is exactly 6.

    Returns
    -------
    ndarray of int, shape (3 N, 2) for a triangulation in general position

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.model.glass import voronoi_neighbours
    >>> p = bosonpeak.jammed_packing(64, 0.9, rng=1)
    >>> len(voronoi_neighbours(p)) == 3 * p.n_particles
    True
    """
    if not isinstance(packing, Packing):
        raise _checks.ParameterTypeError(f"'packing' must be a Packing; got {type(packing).__name__}")
    x, box, n = packing.positions, packing.box, packing.n_particles
    margin = min(4.0, 0.5 * box)
    points, owner = [x], [np.arange(n)]
    for sx in (-1, 0, 1):
        for sy in (-1, 0, 1):
            if sx == sy == 0:
                continue
            shifted = x + box * np.array([sx, sy])
            near = np.all((shifted > -margin) & (shifted < box + margin), axis=1)
            points.append(shifted[near])
            owner.append(np.flatnonzero(near))
    owner = np.concatenate(owner)
    tri = Delaunay(np.concatenate(points))
    s = tri.simplices
    edges = np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    edges = edges[(edges < n).any(axis=1)]
    pairs = np.sort(owner[edges], axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return np.unique(pairs, axis=0)


def voronoi_numbers(packing: Packing) -> np.ndarray:
    """Number of Voronoi neighbours of every particle, shape (N,), rattlers included."""
    return np.bincount(voronoi_neighbours(packing).ravel(), minlength=packing.n_particles)


def coordination_fractions(z: np.ndarray, z_max: int = 12) -> np.ndarray:
    """Fraction of entries of ``z`` equal to ``0, 1, ..., z_max``, shape (z_max + 1,).

    Examples
    --------
    >>> from bosonpeak.model.glass import coordination_fractions
    >>> coordination_fractions([3, 4, 4, 5], 6).tolist()
    [0.0, 0.0, 0.0, 0.25, 0.5, 0.25, 0.0]
    """
    z = np.asarray(z, dtype=np.int64)
    z_max = _checks.integer("z_max", z_max, minimum=0)
    return np.bincount(np.clip(z, 0, z_max), minlength=z_max + 1)[: z_max + 1] / max(len(z), 1)


def contact_network(packing: Packing, *, spring: str = "curvature") -> SpringNetwork:
    """The scalar spring network of the backbone contacts (the paper's simplification).

    Parameters
    ----------
    packing : Packing
    spring : {"curvature", "constant"}
        ``k_ij = V''(r_ij) = 1 / sigma_ij**2`` (the contact's longitudinal stiffness), or
        ``k_ij = 1`` (as the paper's Fig. 4 left).

    Returns
    -------
    SpringNetwork
        ``M`` nodes at the backbone positions, ``bonds`` the backbone contacts, ``L = 0``
        (not a lattice) and ``params["source"] = "jammed packing"``; ``bosonpeak.dos`` and
        ``bosonpeak.dynamical_matrix`` accept it.

    Examples
    --------
    >>> import bosonpeak
    >>> p = bosonpeak.jammed_packing(64, 0.9, rng=1)
    >>> net = bosonpeak.contact_network(p)
    >>> net.n_nodes == len(p.backbone), round(float(net.coordination.mean()), 12) == round(p.mean_contact_number, 12)
    (True, True)
    """
    _check_packing(packing)
    spring = _checks.choice("spring", spring, SPRINGS)
    bonds, _, _, sigma = _backbone_bonds(packing)
    stiffness = 1.0 / sigma**2 if spring == "curvature" else np.ones(len(bonds))
    params = dict(source="jammed packing", spring=spring, **packing.params)
    return SpringNetwork(packing.positions[packing.backbone].copy(), bonds.copy(), stiffness, packing.box, 0, params)


SPRINGS = ("curvature", "constant")


def _check_packing(packing):
    if not isinstance(packing, Packing):
        raise _checks.ParameterTypeError(f"'packing' must be a Packing; got {type(packing).__name__}")
    if packing.rattler.all():
        raise _checks.ParameterError("'packing' has no rigid backbone (every particle is a rattler): raise phi")


def _backbone_bonds(packing: Packing):
    """Backbone contacts renumbered 0..M-1, their vectors, lengths and sigma."""
    index = np.full(packing.n_particles, -1)
    index[packing.backbone] = np.arange(len(packing.backbone))
    pairs = packing.backbone_contacts
    d, r, sigma = pair_geometry(packing.positions, packing.radii, packing.box, pairs)
    return index[pairs], d, r, sigma
