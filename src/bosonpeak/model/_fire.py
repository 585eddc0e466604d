"""FIRE 2.0 energy minimisation of harmonic disks (Bitzek et al. 2006; Guenole et al. 2020).

Private to ``model.glass``: forces, contact pairs with a Verlet list, the minimiser.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from .lattice import minimum_image

#: Space dimension of the packing.
DIM = 2

# FIRE parameters (Bitzek et al. 2006; Guenole et al. 2020), times in sqrt(m sigma_s**2 / eps).
_DT_START, _DT_MAX, _DT_MIN = 0.05, 0.5, 1e-4
_N_DELAY, _F_INC, _F_DEC, _ALPHA_START, _F_ALPHA = 5, 1.1, 0.5, 0.1, 0.99
#: Verlet-list skin, in units of the small diameter.
_SKIN = 0.3


def pair_geometry(positions, radii, box, pairs):
    """Minimum-image vectors ``r_j - r_i`` (P, 2), distances (P,) and ``sigma_ij`` (P,) of ``pairs``."""
    d = minimum_image(positions[pairs[:, 1]] - positions[pairs[:, 0]], box)
    r = np.sqrt(np.einsum("ij,ij->i", d, d))
    return d, r, radii[pairs[:, 0]] + radii[pairs[:, 1]]


def _pairs(x, box, cutoff) -> np.ndarray:
    """Pairs ``i < j`` closer than ``cutoff`` (minimum image), sorted; x must lie in ``[0, box)``."""
    pairs = cKDTree(x, boxsize=box).query_pairs(cutoff, output_type="ndarray").astype(np.int64)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _forces(x, radii, box, pairs):
    """Forces (N, 2) and energy of the harmonic contacts among ``pairs``."""
    d, r, sigma = pair_geometry(x, radii, box, pairs)
    on = r < sigma
    d, r, sigma = d[on], r[on], sigma[on]
    overlap = 1.0 - r / sigma
    fvec = (overlap / (sigma * r))[:, None] * d  # force on j, -V'(r) d / r; minus that on i
    i, j = pairs[on, 0], pairs[on, 1]
    n = len(x)
    f = np.empty((n, DIM))
    for a in range(DIM):
        f[:, a] = np.bincount(j, fvec[:, a], minlength=n) - np.bincount(i, fvec[:, a], minlength=n)
    return f, float(0.5 * np.sum(overlap**2))


def _fire(x, radii, box, ftol, max_steps):
    """FIRE 2.0 (semi-implicit Euler, half-step back-off) with a Verlet list; returns (x, steps, rebuilds)."""
    n = len(x)
    list_cut = 2.0 * radii.max() + _SKIN * 2.0 * radii.min()
    half_skin = 0.5 * _SKIN * 2.0 * radii.min()

    def rebuild(x):
        wrapped = np.mod(x, box)
        wrapped[wrapped >= box] -= box
        return _pairs(wrapped, box, list_cut), x.copy()

    pairs, x_ref = rebuild(x)
    rebuilds = 1
    v = np.zeros_like(x)
    dt, alpha, positive = _DT_START, _ALPHA_START, 0
    f, _ = _forces(x, radii, box, pairs)
    for step in range(max_steps):
        fmax2 = float(np.max(np.einsum("ij,ij->i", f, f)))
        if fmax2 < ftol**2:
            return x, step, rebuilds
        power = float(np.vdot(f, v))
        if power > 0:
            positive += 1
            if positive > _N_DELAY:
                dt = min(dt * _F_INC, _DT_MAX)
                alpha *= _F_ALPHA
        else:
            positive = 0
            dt = max(dt * _F_DEC, _DT_MIN)
            alpha = _ALPHA_START
            x = x - 0.5 * dt * v
            v = np.zeros_like(v)
        v = v + dt * f
        if power > 0:
            fnorm = np.sqrt(float(np.vdot(f, f)))
            vnorm = np.sqrt(float(np.vdot(v, v)))
            if fnorm > 0:
                v = (1.0 - alpha) * v + (alpha * vnorm / fnorm) * f
        x = x + dt * v
        if np.max(np.einsum("ij,ij->i", x - x_ref, x - x_ref)) > half_skin**2:
            pairs, x_ref = rebuild(x)
            rebuilds += 1
        f, _ = _forces(x, radii, box, pairs)
    raise RuntimeError(f"FIRE did not reach max |F| < {ftol:g} in {max_steps} steps (N = {n}); "
                       "raise 'max_steps' or 'ftol', or move 'phi' further from jamming")
