"""Inherent structures: FIRE energy minimisation of a particle system, and its rattlers.

FIRE 2.0 (Bitzek et al., PRL 97, 170201 (2006); the semi-implicit variant with the half-step
back-off of Guenole et al., Comput. Mater. Sci. 175, 109584 (2020)) with unit masses (the
minimum does not depend on them) and a Verlet list of the pairs within ``r_c + skin`` (cell
list; rebuilt when a particle has moved ``skin / 2``). The whole loop (integration, forces, list,
convergence test) is compiled (``_fire_compiled``), serial and bit-for-bit reproducible.
Converged when the largest force component ``max_{i,a} |F_ia|`` is below ``ftol``; the time
step scales with the potential's stiffness.

Rattlers: particles with fewer than ``d + 1`` interacting partners, removed iteratively (a
removed particle's partners lose a contact), as is usual for jammed packings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import _checks
from .particles import Particles
from .potentials import PairPotential, pair_terms

#: Verlet skin in units of the smallest interaction length (sigma or diameter).
SKIN = 0.3
#: Largest FIRE time step in units of 1 / sqrt(2 d V"(sigma)).
DT_MAX = 1.0  # 0.7 and 2 take 10 % and 140 % more steps (3D harmonic packing, N = 1000)


@dataclass(frozen=True, eq=False)
class Minimized:
    """An inherent structure: ``particles`` at the minimum, its ``energy``, the largest remaining
    force component ``max_force`` and the FIRE ``steps`` taken."""

    particles: Particles
    energy: float
    max_force: float
    steps: int


def minimize(p: Particles, pot: PairPotential, *, ftol: float = 1e-10, max_steps: int = 100_000,
             progress: bool = False) -> Minimized:
    """Minimise the energy with FIRE until ``max |F_ia| < ftol``.

    Parameters
    ----------
    p : Particles
    pot : PairPotential
    ftol : float
        Residual force: the largest force component allowed at the end (energy / length units).
    max_steps : int
        FIRE steps before giving up (``RunError``).
    progress : bool
        Progress bar with the largest force component.

    Returns
    -------
    Minimized

    Examples
    --------
    >>> from bosonpeak.model.particles import particles
    >>> from bosonpeak.model.potentials import potential
    >>> from bosonpeak.model.minimize import minimize
    >>> p = particles([[0.0, 0.0], [0.9, 0.0]], [5.0, 5.0], diameters=[1.0, 1.0])
    >>> m = minimize(p, potential("harmonic"), ftol=1e-12)
    >>> m.energy < 1e-20, m.max_force < 1e-12
    (True, True)
    """
    from . import _fire_compiled, _pairs

    ftol = _checks.real("ftol", ftol, minimum=0.0, min_inclusive=False)
    max_steps = _checks.integer("max_steps", max_steps, minimum=0)
    scale, k_ref = _scales(p, pot)
    rc = pot.max_cutoff(p)
    skin = max(0.0, min(SKIN * scale, 0.499 * p.widths().min() - rc))
    dt_max = DT_MAX / np.sqrt(2.0 * p.dim * k_ref)
    s = _pairs.setup(p, pot, skin=skin)
    d = p.dim
    x = np.zeros((p.n, 3))
    x[:, :d] = p.positions
    v = np.zeros_like(x)
    state = np.array([0.1 * dt_max, _fire_compiled.ALPHA_START, 0.0, dt_max, 1e-3 * dt_max])
    args = (s.cell, np.linalg.inv(s.cell), s.ncell, s.zr, d, s.types, s.diam, s.use_d, s.tab, _fire_compiled.contact_kind(s), s.alpha, s.shift, skin)
    bar = _bar(progress, max_steps)
    step = 0
    try:
        while True:
            taken, fmax, energy = _fire_compiled.fire_chunk(x, v, state, ftol, min(_fire_compiled.CHUNK, max_steps - step), *args)
            step += taken
            if bar is not None:
                bar.update(step - bar.n)
                bar.set_postfix(max_force=f"{fmax:.2e}")
            if fmax < ftol or step >= max_steps:
                break
    finally:
        if bar is not None:
            bar.close()
    x = np.ascontiguousarray(x[:, :d])
    if fmax >= ftol:
        raise _checks.RunError(f"{p.where()}FIRE did not reach max |F| < {ftol:g} in {max_steps} steps (reached {fmax:.3g}); "
                               "raise 'max_steps' or 'ftol'")
    return Minimized(particles=replace(p, positions=x), energy=float(energy), max_force=fmax, steps=step)


def rattlers(p: Particles, pot: PairPotential, *, min_contacts: int | None = None, terms=None) -> np.ndarray:
    """Particles with fewer than ``min_contacts`` (default ``d + 1``) interacting partners,
    found iteratively: removing a rattler takes a contact from each of its partners.

    Returns
    -------
    ndarray of bool, shape (N,)

    Examples
    --------
    >>> from bosonpeak.model.particles import particles
    >>> from bosonpeak.model.potentials import potential
    >>> from bosonpeak.model.minimize import rattlers
    >>> p = particles([[0.0, 0.0], [0.9, 0.0], [3.0, 3.0]], [6.0, 6.0], diameters=[1.0, 1.0, 1.0])
    >>> rattlers(p, potential("harmonic")).tolist()
    [True, True, True]
    """
    need = p.dim + 1 if min_contacts is None else _checks.integer("min_contacts", min_contacts, minimum=0)
    t = pair_terms(p, pot) if terms is None else terms  # ``terms``: pair_terms(p, pot) if already computed
    on = (t.dV != 0) | (t.d2V != 0)
    i, j = t.i[on], t.j[on]
    z = np.bincount(i, minlength=p.n) + np.bincount(j, minlength=p.n)
    out = np.zeros(p.n, dtype=bool)
    while True:
        new = (~out) & (z < need)
        if not new.any():
            return out
        out |= new
        gone_i, gone_j = new[i], new[j]
        z -= np.bincount(j[gone_i & ~out[j]], minlength=p.n) + np.bincount(i[gone_j & ~out[i]], minlength=p.n)
        keep = ~(gone_i | gone_j)
        i, j = i[keep], j[keep]


def _scales(p: Particles, pot: PairPotential) -> tuple[float, float]:
    """The smallest interaction length and a reference stiffness ``V''`` of the potential."""
    types0, diam, eps, sig, _ = pot.tables(p)
    present = np.unique(types0)
    e = float(eps[np.ix_(present, present)].max())
    length = float(diam.min()) if pot.use_diameters else float(sig[np.ix_(present, present)].min())
    factor = {0: 1.0, 1: 456.0, 2: pot.alpha * (pot.alpha + 1.0)}[pot.kind]  # V"(s) / (eps / s^2)
    return length, factor * e / length**2


def _bar(progress: bool, total: int):
    if not isinstance(progress, bool):
        raise _checks.ParameterTypeError(f"'progress' must be True or False; got {progress!r}")
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="FIRE", unit="step")
