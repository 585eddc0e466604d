"""Inherent structures: FIRE energy minimisation of a particle system, and its rattlers.

FIRE 2.0 (Bitzek et al., PRL 97, 170201 (2006); the semi-implicit variant with the half-step
back-off of Guenole et al., Comput. Mater. Sci. 175, 109584 (2020)) with unit masses (the
minimum does not depend on them) and a Verlet list of the pairs within ``r_c + skin``; the pair
forces are a compiled kernel (``_cells.pair_forces``). Converged when the largest force component
``max_{i,a} |F_ia|`` is below ``ftol``; the time step scales with the potential's stiffness.

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
#: Steps between two progress updates.
REPORT_EVERY = 100
_N_DELAY, _F_INC, _F_DEC, _ALPHA_START, _F_ALPHA = 5, 1.1, 0.5, 0.1, 0.99


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
    from . import _cells, _pairs

    ftol = _checks.real("ftol", ftol, minimum=0.0, min_inclusive=False)
    max_steps = _checks.integer("max_steps", max_steps, minimum=0)
    scale, k_ref = _scales(p, pot)
    rc = pot.max_cutoff(p)
    skin = max(0.0, min(SKIN * scale, 0.499 * p.widths().min() - rc))
    dt_max = 1.0 / np.sqrt(2.0 * p.dim * k_ref)
    dt, dt_min, alpha, positive = 0.1 * dt_max, 1e-3 * dt_max, _ALPHA_START, 0
    x = np.array(p.positions)
    d = p.dim

    def build(x):
        i, j, d0, s = _pairs.half_pairs(replace(p, positions=x), pot, skin=skin)
        return i, j, d0, s, x.copy()

    i, j, d0, s, x_ref = build(x)
    f3, u3 = np.zeros((p.n, 3)), np.zeros((p.n, 3))

    def forces(x):
        u3[:, :d] = x - x_ref
        e = _cells.pair_forces(i, j, d0, u3, s.types, s.diam, s.use_d, s.tab, s.kind, s.alpha, s.shift, f3)
        return e, f3[:, :d].copy()

    bar = _bar(progress, max_steps)
    energy, f = forces(x)
    v = np.zeros_like(x)
    step = 0
    try:
        for step in range(max_steps + 1):
            fmax = float(np.abs(f).max())
            if bar is not None and step % REPORT_EVERY == 0:
                bar.update(step - bar.n)
                bar.set_postfix(max_force=f"{fmax:.2e}")
            if fmax < ftol or step == max_steps:
                break
            power = float(np.vdot(f, v))
            if power > 0:
                positive += 1
                if positive > _N_DELAY:
                    dt, alpha = min(dt * _F_INC, dt_max), alpha * _F_ALPHA
            else:
                positive, alpha = 0, _ALPHA_START
                dt = max(dt * _F_DEC, dt_min)
                x = x - 0.5 * dt * v
                v = np.zeros_like(v)
            v = v + dt * f
            if power > 0:
                fn, vn = np.sqrt(float(np.vdot(f, f))), np.sqrt(float(np.vdot(v, v)))
                if fn > 0:
                    v = (1.0 - alpha) * v + (alpha * vn / fn) * f
            x = x + dt * v
            if np.max(np.einsum("ij,ij->i", x - x_ref, x - x_ref)) > (0.5 * skin) ** 2:
                i, j, d0, s, x_ref = build(x)
            energy, f = forces(x)
    finally:
        if bar is not None:
            bar.close()
    if fmax >= ftol:
        raise _checks.RunError(f"{p.where()}FIRE did not reach max |F| < {ftol:g} in {max_steps} steps (reached {fmax:.3g}); "
                               "raise 'max_steps' or 'ftol'")
    return Minimized(particles=replace(p, positions=x), energy=float(energy), max_force=fmax, steps=step)


def rattlers(p: Particles, pot: PairPotential, *, min_contacts: int | None = None) -> np.ndarray:
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
    t = pair_terms(p, pot)
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
