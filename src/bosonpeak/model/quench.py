"""Glasses made by a continuous quench: molecular dynamics cooled at a fixed rate, then minimised.

The inverse-power-law (IPL) glass of the quasi-localized-mode literature (Lerner, Duering &
Bouchbinder, PRL 117, 035501 (2016); Kapteijns, Bouchbinder & Lerner, PRL 121, 055501 (2018)):
a 50:50 binary mixture, unit masses, ``V = eps (lambda_ab / r)**10`` with ``lambda_SS = 1``,
``lambda_SL = 1.18``, ``lambda_LL = 1.4``, cut at ``1.48 lambda_ab``, at number density 0.82.
Here the cut is force-shifted (``V`` and ``V'`` vanish at ``r_c``; the literature's polynomial
also makes ``V''`` vanish, so the pair stiffness here jumps by ``~1 %`` of its value at contact).

Protocol (``ipl_glass``). Uniformly random positions; their overlaps are pushed apart by a short
FIRE on harmonic spheres (diameters 1 and 1.4, to ``max |F| < 0.01``); molecular dynamics
(velocity Verlet, ``dt = 0.005``) then holds the liquid at ``t_start`` for ``hold`` time units
and cools it linearly, ``T(t) = t_start - rate t``, to ``t_end``, under a Berendsen thermostat
(time constant ``TAU``); FIRE finally takes it to its inherent structure (``max |F_ia| < 1e-10``).
``rate = inf`` skips the dynamics: an instantaneous quench of the random start. Lerner &
Bouchbinder (PRE 96, 020104 (2017)) find ``D(omega) ~ omega^3`` below the first band for
instantaneous quenches from high temperature and ``omega^4`` for continuous quenches.

The dynamics is one compiled loop (``numba``) over the Verlet list of ``_pairs.half_pairs``,
rebuilt when a particle has moved half the skin; serial, so a seed gives the same glass bit for bit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .. import _checks
from .minimize import minimize, rattlers
from .particles import Particles, particles
from .potentials import PairPotential, energy_forces, potential

#: Lerner's IPL mixture: exponent, per-type-pair lambda, cut-off (units of lambda), number density.
IPL_EXPONENT, IPL_SIGMA, IPL_CUTOFF, IPL_DENSITY = 10.0, {(1, 1): 1.0, (1, 2): 1.18, (2, 2): 1.4}, 1.48, 0.82
#: Time step and Berendsen time constant (units sqrt(m lambda_SS^2 / eps)); Verlet skin (lambda_SS).
DT, TAU, SKIN = 0.005, 0.1, 0.3
#: Default protocol: liquid temperature, end temperature, hold time at t_start.
T_START, T_END, HOLD = 1.0, 0.3, 10.0
#: Residual force of the final minimisation.
FTOL = 1e-10


@dataclass(frozen=True, eq=False)
class Glass:
    """An inherent structure of a quenched liquid.

    Attributes
    ----------
    particles : Particles
    potential : PairPotential
    rattler : ndarray of bool, shape (N,)
        Particles with fewer than ``d + 1`` partners within the cut-off (none in a dense IPL glass).
    energy, max_force : float
    info : dict
        ``md_steps``, ``fire_steps``, ``rebuilds``.
    params : dict
        What built it.
    """

    particles: Particles
    potential: PairPotential
    rattler: np.ndarray
    energy: float
    max_force: float
    info: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    @property
    def box_length(self) -> float:
        """Side ``L`` of the cubic box."""
        return float(self.particles.cell[0, 0])


def ipl_potential() -> PairPotential:
    """Lerner's IPL pair potential (``r^-10``, lambda per type pair, cut at 1.48 lambda, force-shifted)."""
    return potential("ipl", n=IPL_EXPONENT, sigma=IPL_SIGMA, cutoff=IPL_CUTOFF, shift="force")


def quench(p: Particles, pot: PairPotential, *, rate: float, t_start: float = T_START, t_end: float = T_END,
           hold: float = HOLD, tau: float = TAU, rng=None) -> tuple[Particles, dict]:
    """Molecular dynamics of ``p`` held at ``t_start`` for ``hold``, then cooled at ``rate`` to ``t_end``
    (unit masses; velocities drawn from ``rng`` at ``t_start``; Berendsen time constant ``tau``, ``inf``:
    no thermostat). Returns the final positions and ``md_steps``, ``rebuilds``, the last kinetic
    ``temperature``, the total energy at the start and the end (``energy_start``, ``energy``)."""
    from . import _md, _pairs

    rate = _checks.real("rate", rate, minimum=0.0, min_inclusive=False)
    t_start = _checks.real("t_start", t_start, minimum=0.0, min_inclusive=False)
    t_end = _checks.real("t_end", t_end, minimum=0.0, maximum=t_start)
    hold = _checks.real("hold", hold, minimum=0.0)
    tau = float(tau) if tau == math.inf else _checks.real("tau", tau, minimum=DT)
    if not np.allclose(p.masses, 1.0):
        raise _checks.ParameterError(f"{p.where()}quench takes unit masses; got masses in [{p.masses.min():g}, {p.masses.max():g}]")
    if not np.allclose(p.cell, np.diag(np.diag(p.cell))):
        raise _checks.ParameterError(f"{p.where()}quench takes an orthogonal box; got cell {p.cell.tolist()}")
    d, n = p.dim, p.n
    steps = int(math.ceil((hold + (t_start - t_end) / rate) / DT))
    reach = pot.max_cutoff(p) + SKIN
    _pairs.check_box(p, reach, "the cut-off plus the Verlet skin")
    s = _pairs.setup(p, pot)
    x, v = np.zeros((n, 3)), np.zeros((n, 3))
    x[:, :d] = p.positions
    v[:, :d] = np.random.default_rng(rng).standard_normal((n, d)) * math.sqrt(t_start)
    v[:, :d] -= v[:, :d].mean(axis=0)
    box = np.ones(3)
    box[:d] = np.diag(p.cell)
    start = energy_forces(p, pot)[0] + 0.5 * float(np.sum(v**2))
    rebuilds, temperature, energy = _md.md_run(x, v, box, d, s.types, s.diam, s.use_d, s.tab, s.kind, s.alpha, s.shift, reach, SKIN,
                                       DT, steps, t_start, t_end, rate, hold, tau)
    return replace(p, positions=x[:, :d].copy()), dict(md_steps=steps, rebuilds=int(rebuilds),
                                                       temperature=float(temperature), energy_start=start, energy=float(energy))


def min_particles(dim: int, density: float = IPL_DENSITY) -> int:
    """Fewest particles whose cubic box exceeds twice the IPL cut-off plus the skin (the minimum image).

    Examples
    --------
    >>> from bosonpeak.model.quench import min_particles
    >>> min_particles(3), min_particles(2)
    (88, 19)
    """
    reach = IPL_CUTOFF * max(IPL_SIGMA.values()) + SKIN
    return int(math.floor(density * (2 * reach) ** dim)) + 1


def ipl_glass(N: int, *, dim: int = 3, density: float = IPL_DENSITY, rate: float = 1e-2, t_start: float = T_START,
              t_end: float = T_END, hold: float = HOLD, rng=None) -> Glass:
    """Lerner's IPL glass of ``N`` particles quenched from ``t_start`` at ``rate`` (see the module docstring).

    Parameters
    ----------
    N : int
        Particles, at least ``min_particles(dim, density)``; the first ``N // 2`` small (type 1), the rest large (type 2).
    dim : {2, 3}
    density : float
        Number density ``N / V``, in ``[0.5, 1.2]``.
    rate : float
        Cooling rate ``-dT/dt``, positive; ``inf`` for an instantaneous quench of the random start.
    t_start, t_end, hold : float
        Liquid temperature, temperature where the cooling stops, time held at ``t_start``.
    rng : int, SeedSequence or Generator, optional
        Positions and velocities (SPEC 7): one seed gives one glass, bit for bit.

    Examples
    --------
    >>> from bosonpeak.model.quench import ipl_glass
    >>> g = ipl_glass(100, rate=0.5, rng=1)
    >>> g.max_force < 1e-10, int(g.rattler.sum()), g.info["md_steps"]
    (True, 0, 2280)
    """
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    density = _checks.real("density", density, minimum=0.5, maximum=1.2)
    N = _checks.integer("N", N, minimum=min_particles(dim, density))
    rate = float(rate) if rate == math.inf else _checks.real("rate", rate, minimum=0.0, min_inclusive=False)
    _checks.rng("rng", rng)
    gen = np.random.default_rng(rng)
    L = (N / density) ** (1.0 / dim)
    types = 1 + (np.arange(N) >= N // 2).astype(np.int64)
    p = particles(gen.uniform(0.0, L, size=(N, dim)), L * np.eye(dim), types=types,
                  diameters=np.where(types == 1, 1.0, IPL_SIGMA[(2, 2)]), source=f"IPL glass (N = {N}, dim = {dim})")
    p = minimize(p, potential("harmonic"), ftol=1e-2, max_steps=10**6).particles
    pot = ipl_potential()
    info = dict(md_steps=0, rebuilds=0)
    if rate != math.inf:
        p, info = quench(p, pot, rate=rate, t_start=t_start, t_end=t_end, hold=hold, rng=gen)
    m = minimize(p, pot, ftol=FTOL, max_steps=10**7)
    info["fire_steps"] = m.steps
    return Glass(m.particles, pot, rattlers(m.particles, pot), m.energy, m.max_force, info,
                 dict(N=N, dim=dim, density=density, rate=rate, t_start=t_start, t_end=t_end, hold=hold))
