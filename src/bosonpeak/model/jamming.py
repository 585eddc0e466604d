"""Jammed packings of soft spheres at a target pressure, in 2D and 3D.

A 50:50 bidisperse mixture (diameter ratio 1.4 by default; small diameter 1, the unit of length)
of harmonic, ``V = (eps/2)(1 - r/d_ij)**2``, or Hertzian, ``V = (eps/2.5)(1 - r/d_ij)**2.5``,
spheres (``eps = 1``, unit masses) in a periodic cubic box (O'Hern, Silbert, Liu & Nagel,
PRE 68, 011306 (2003)).

Protocol (O'Hern et al. 2003). Particles start at uniformly random positions (an infinite-temperature
quench) at the packing fraction ``start_fraction`` where the lowest target pressure is expected
(``PHI_J + 2.5 p**(1 / (alpha - 1))``; a start far above jamming, as a decompression from
p = 0.1, gives packings that jam 0.006 higher in 3D, N = 512) and are minimised by FIRE. The box is then rescaled
affinely (compression or decompression) and the packing re-minimised until the virial pressure
lies within ``rtol`` (default 1 %) of the target. Near jamming ``p ~ (phi - phi_J)**(alpha - 1)``
(``alpha`` = 2 harmonic, 5/2 Hertzian), so the next ``phi`` comes from a secant step on
``q = p**(1 / (alpha - 1))``, which is linear in ``phi``, kept inside the bracket of packing
fractions known to lie below and above the target (bisection when the secant leaves it), with
steps of at most ``MIN_STEP``-``MAX_STEP`` in phi (small near jamming, where a packing may
rearrange, after which the older end of the bracket is forgotten: ``STALE_AFTER``). The
search minimises to ``max |F_ia| < FTOL_SEARCH * p_target``; the packing returned to
``max |F_ia| < FTOL_RELATIVE * p_target`` (1e-7 p). A series of pressures (``jammed_series``) is
one packing made at the lowest pressure and then compressed step by step to the higher ones, as
O'Hern et al. follow a packing from its jamming point, so that a seed is one jammed state.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np

from .. import _checks
from .minimize import minimize, rattlers
from .particles import Particles, particles
from .potentials import pair_terms, potential

#: Potentials offered and their exponent alpha in V ~ (1 - r/d)**alpha.
POTENTIALS = {"harmonic": 2.0, "hertzian": 2.5}
#: Large-to-small diameter ratio of the default mixture.
DIAMETER_RATIO = 1.4
#: Jamming densities of the 50:50 mixture with ratio 1.4 (O'Hern et al. 2003), for the start only.
PHI_J = {2: 0.842, 3: 0.648}
#: The random start lies ``max(PHI_START_MIN, PHI_START_SLOPE * p**(1 / (alpha - 1)))`` above PHI_J,
#: close to where the lowest target pressure lies (phi - phi_J ~ 2.5 p for harmonic spheres).
PHI_START_MIN, PHI_START_SLOPE = 0.0, 2.5
#: The packing returned is minimised to ``max |F_ia|`` below this times the target pressure.
FTOL_RELATIVE = 1e-7
#: Minimisations of the search for the pressure stop at this times the target pressure.
FTOL_SEARCH = 1e-4
#: Default relative tolerance on the pressure.
RTOL = 0.01
#: Rescalings allowed per target pressure before giving up.
MAX_RESCALINGS = 150
#: A rescaling changes phi by at most ``phi * min(MAX_STEP, max(MIN_STEP, 10 q_target))``.
MAX_STEP, MIN_STEP = 0.1, 0.003
#: Relative compression of an unjammed packing whose search has nothing better (``_unstuck``).
UNSTUCK_STEP = 1e-4
#: After this many packings in a row on one side of the target, the bracket's other end is
#: forgotten (a packing that rearranged near jamming no longer has the pressure seen there).
STALE_AFTER = 4


@dataclass(frozen=True, eq=False)
class JammedPacking:
    """A mechanically stable packing at (close to) a target pressure.

    Attributes
    ----------
    particles : Particles
        Positions (wrapped into the box), the cubic ``cell``, unit masses, types (1 small,
        2 large) and diameters.
    potential : str
        ``"harmonic"`` or ``"hertzian"``.
    pressure : float
        Virial pressure reached (units ``eps / d_small**dim``).
    target_pressure : float
    phi : float
        Packing fraction.
    rattler : ndarray of bool, shape (N,)
        Particles with fewer than ``d + 1`` contacts, removed iteratively.
    energy, max_force : float
        Energy and largest remaining force.
    info : dict
        ``rescalings``, ``fire_steps``, ``seconds``.
    params : dict
        What built it.
    """

    particles: Particles
    potential: str
    pressure: float
    target_pressure: float
    phi: float
    rattler: np.ndarray
    energy: float
    max_force: float
    info: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"JammedPacking(N={self.particles.n}, dim={self.particles.dim}, {self.potential}, p={self.pressure:.4g} "
                f"(target {self.target_pressure:.4g}), phi={self.phi:.5f}, {int(self.rattler.sum())} rattlers, "
                f"max_force={self.max_force:.2g})")

    @property
    def box_length(self) -> float:
        """Side ``L`` of the cubic box."""
        return float(self.particles.cell[0, 0])

    def pair_potential(self):
        """The pair potential the packing was made with."""
        return potential(self.potential)


def bidisperse_diameters(N: int, ratio: float = DIAMETER_RATIO) -> np.ndarray:
    """Diameters of a 50:50 mixture: the first ``N // 2`` are 1, the rest ``ratio``.

    Examples
    --------
    >>> from bosonpeak.model.jamming import bidisperse_diameters
    >>> bidisperse_diameters(5, 1.4).tolist()
    [1.0, 1.0, 1.4, 1.4, 1.4]
    """
    d = np.ones(N)
    d[N // 2:] = ratio
    return d


def packing_fraction(diameters, volume: float, dim: int) -> float:
    """``sum_i v(d_i) / V`` with ``v = pi d^2 / 4`` (2D) or ``pi d^3 / 6`` (3D)."""
    d = np.asarray(diameters, dtype=float)
    unit = math.pi / 4 if dim == 2 else math.pi / 6
    return float(unit * np.sum(d**dim) / volume)


def start_fraction(dim: int, pressure: float, alpha: float) -> float:
    """Packing fraction of the random start for a lowest target ``pressure`` (see ``PHI_START_SLOPE``)."""
    return PHI_J[dim] + max(PHI_START_MIN, PHI_START_SLOPE * pressure ** (1 / (alpha - 1)))


def _pressure(p: Particles, pot) -> float:
    t = pair_terms(p, pot)
    return float(-np.dot(t.r, t.dV) / (p.dim * p.volume))


def _rescaled(p: Particles, phi_now: float, phi_new: float) -> Particles:
    s = (phi_now / phi_new) ** (1.0 / p.dim)
    return replace(p, positions=p.positions * s, cell=p.cell * s)


def _to_pressure(p, pot, phi, target, alpha, rtol, max_steps, points):
    """Rescale and re-minimise ``p`` (at ``phi``) until its pressure is within ``rtol`` of ``target``.

    ``points``: the ``(phi, q)`` met so far by this packing (the secant starts from them; the new ones
    are appended). While searching, minimisations stop at ``FTOL_SEARCH * target`` and the pressure
    must come within ``rtol / 2``; the packing found is then minimised to ``FTOL_RELATIVE * target``
    and accepted within ``rtol`` (else the search goes on at the tight tolerance).
    """
    lo, hi = None, None  # (phi, q) known below and above the target
    above = None  # the lowest phi seen above the target, never forgotten (see the stuck case below)
    steps, tight, side, was_below = 0, False, 0, None
    q_t = target ** (1 / (alpha - 1))
    for rescaling in range(MAX_RESCALINGS):
        m = minimize(p, pot, ftol=(FTOL_RELATIVE if tight else FTOL_SEARCH) * target, max_steps=max_steps)
        p, steps = m.particles, steps + m.steps
        pressure = _pressure(p, pot)
        if abs(pressure / target - 1) < (rtol if tight else 0.5 * rtol):
            if not tight:
                m = minimize(p, pot, ftol=FTOL_RELATIVE * target, max_steps=max_steps)
                p, steps, tight = m.particles, steps + m.steps, True
                pressure = _pressure(p, pot)
            if abs(pressure / target - 1) < rtol:
                return p, phi, pressure, m, rescaling, steps
        q = max(pressure, 0.0) ** (1 / (alpha - 1))
        below = q < q_t
        side = side + 1 if below == was_below else 1
        was_below = below
        if below:
            lo = (phi, q) if lo is None or phi > lo[0] else lo
        else:
            hi = (phi, q) if hi is None or phi < hi[0] else hi
            above = phi if above is None else min(above, phi)
        if side >= STALE_AFTER:  # the far end was seen before the packing rearranged: forget it
            lo, hi = (lo, None) if below else (None, hi)
        if q > 0:
            points.append((phi, q))
        (f0, q0), (f1, q1) = points[-2:] if len(points) >= 2 else ((0.0, 0.0), (0.0, 0.0))
        if (f1 - f0) * (q1 - q0) > 0:  # q rises with phi between the last two points: secant
            new = f1 + (q_t - q1) * (f1 - f0) / (q1 - q0)
        elif q > 0:
            guess = min(PHI_J[p.dim], phi - 1e-3)
            new = guess + (phi - guess) * q_t / q
        else:
            new = phi * 1.005
        if lo is not None and hi is not None and not (lo[0] < new < hi[0]):
            new = 0.5 * (lo[0] + hi[0])
        step = phi * min(MAX_STEP, max(MIN_STEP, 10.0 * q_t))  # near jamming, small steps
        new = min(max(new, phi - step), phi + step)
        if q == 0 and new == phi:  # unjammed, and the secant (through points that p = 0 does not add to) stays
            # put: the same packing would come back every time. Forget the points at or below this phi (a packing
            # barely jammed there sends the secant here) and compress.
            points[:] = [pt for pt in points if pt[0] > phi]
            new = _unstuck(phi, above)
        p, phi = _rescaled(p, phi, new), new
    raise _checks.RunError(f"the packing did not reach p = {target:g} within {rtol:g} in {MAX_RESCALINGS} rescalings "
                           f"(last p = {pressure:.3g} at phi = {phi:.6f}); raise 'rtol'")


def _unstuck(phi: float, above: float | None) -> float:
    """The next phi of an unjammed packing whose search would not move: halfway to the lowest phi
    seen above the target, or up by ``UNSTUCK_STEP`` when none was."""
    if above is not None and above > phi:
        return 0.5 * (phi + above)
    return phi * (1.0 + UNSTUCK_STEP)


def _check(N, dim, potential_name, ratio, rtol):
    N = _checks.integer("N", N, minimum=8)
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    name = _checks.choice("potential", potential_name, tuple(POTENTIALS))
    ratio = _checks.real("ratio", ratio, minimum=1.0, maximum=3.0)
    rtol = _checks.real("rtol", rtol, minimum=1e-6, maximum=0.5)
    return N, dim, name, ratio, rtol


def jammed_series(N: int, pressures, *, dim: int = 2, potential: str = "harmonic", ratio: float = DIAMETER_RATIO,
                  rtol: float = RTOL, max_steps: int = 2_000_000, rng=None) -> tuple[JammedPacking, ...]:
    """One packing brought to each target pressure in turn, from the lowest to the highest.

    Parameters
    ----------
    N : int
        Particles, ``N >= 8``; half of diameter 1, half of diameter ``ratio``.
    pressures : sequence of float
        Target pressures in ``[1e-7, 1]`` (units ``eps / d_small**dim``), any order.
    dim : {2, 3}
    potential : {"harmonic", "hertzian"}
    ratio : float
        Diameter ratio large / small, in ``[1, 3]``.
    rtol : float
        Relative tolerance on each pressure, in ``[1e-6, 0.5]``.
    max_steps : int
        FIRE steps allowed per minimisation.
    rng : int, SeedSequence or Generator, optional
        Source of the random start (SPEC 7): the same seed gives the same packings bit for bit.

    Returns
    -------
    tuple of JammedPacking
        In the order of ``pressures``.

    Examples
    --------
    >>> from bosonpeak.model.jamming import jammed_series
    >>> a, b = jammed_series(32, [1e-1, 1e-2], rng=1)
    >>> abs(a.pressure / 1e-1 - 1) < 0.01, abs(b.pressure / 1e-2 - 1) < 0.01, a.phi > b.phi
    (True, True, True)
    """
    N, dim, name, ratio, rtol = _check(N, dim, potential, ratio, rtol)
    targets = _checks.nonempty("pressures", pressures)
    for t in targets:
        _checks.real("pressures", float(t), minimum=1e-7, maximum=1.0)
    max_steps = _checks.integer("max_steps", max_steps, minimum=1)
    _checks.rng("rng", rng)
    gen = np.random.default_rng(rng)
    diameters = bidisperse_diameters(N, ratio)
    phi = start_fraction(dim, float(targets.min()), POTENTIALS[name])
    box = (packing_fraction(diameters, 1.0, dim) / phi) ** (1.0 / dim)
    p = particles(gen.uniform(0.0, box, size=(N, dim)), box * np.eye(dim), types=1 + (diameters > 1).astype(np.int64),
                  diameters=diameters, source=f"jammed packing (N = {N}, dim = {dim})")
    pot = _pair_potential(name)
    alpha = POTENTIALS[name]
    out, points = {}, []
    for k in np.argsort(targets, kind="stable"):
        start = time.perf_counter()
        p, phi, pressure, m, rescalings, steps = _to_pressure(p, pot, phi, float(targets[k]), alpha, rtol, max_steps, points)
        out[k] = JammedPacking(
            particles=p, potential=name, pressure=pressure, target_pressure=float(targets[k]),
            phi=packing_fraction(diameters, p.volume, dim), rattler=rattlers(p, pot), energy=m.energy, max_force=m.max_force,
            info=dict(rescalings=rescalings, fire_steps=steps, seconds=time.perf_counter() - start),
            params=dict(N=N, dim=dim, potential=name, ratio=ratio, rtol=rtol, ftol=FTOL_RELATIVE * float(targets[k])))
    return tuple(out[k] for k in range(len(targets)))


def jammed_packing(N: int, pressure: float, *, dim: int = 2, potential: str = "harmonic", ratio: float = DIAMETER_RATIO,
                   rtol: float = RTOL, rng=None) -> JammedPacking:
    """A jammed packing of ``N`` bidisperse spheres at one target pressure (see ``jammed_series``).

    Examples
    --------
    >>> from bosonpeak.model.jamming import jammed_packing
    >>> jp = jammed_packing(32, 1e-2, dim=3, rng=2)
    >>> jp.particles.positions.shape, abs(jp.pressure / 1e-2 - 1) < 0.01
    ((32, 3), True)
    """
    return jammed_series(N, [pressure], dim=dim, potential=potential, ratio=ratio, rtol=rtol, rng=rng)[0]


def _pair_potential(name: str):
    return potential(name)
