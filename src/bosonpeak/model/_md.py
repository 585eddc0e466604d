"""The compiled loop of ``quench.quench`` (private): velocity Verlet with a Berendsen thermostat.

The Verlet list (half pairs within the longest cut-off plus the skin, minimum image in an
orthogonal box) is made by a direct O(N^2) search inside the loop, whenever a particle has moved
half the skin since the last one: the glasses quenched here are small (N of 10^2 - 10^3), where
that search costs less than leaving the compiled loop. Serial, one summation order: a run is
bit-for-bit reproducible.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._cells import pair_forces

_JIT = dict(nogil=True, cache=True, boundscheck=False)


@numba.njit(**_JIT)
def _image(x, a, b, box, dim, d):
    """``d = r_b - r_a`` under the minimum image of the orthogonal box ``box``; returns ``|d|^2``."""
    r2 = 0.0
    for k in range(dim):
        d[k] = x[b, k] - x[a, k]
        d[k] -= box[k] * np.floor(d[k] / box[k] + 0.5)
        r2 += d[k] * d[k]
    return r2


@numba.njit(**_JIT)
def verlet_pairs(x, box, dim, reach):
    """Half pairs ``i < j`` closer than ``reach`` under the minimum image of the orthogonal box with
    sides ``box``: ``(i, j, d0)``, ``d0 = r_j - r_i`` (E, 3)."""
    n = x.shape[0]
    reach2 = reach * reach
    d = np.zeros(3)
    count = 0
    for a in range(n):
        for b in range(a + 1, n):
            count += _image(x, a, b, box, dim, d) < reach2
    i = np.empty(count, np.int64)
    j = np.empty(count, np.int64)
    d0 = np.zeros((count, 3))
    e = 0
    for a in range(n):
        for b in range(a + 1, n):
            if _image(x, a, b, box, dim, d) < reach2:
                i[e], j[e] = a, b
                d0[e, :] = d
                e += 1
    return i, j, d0


@numba.njit(**_JIT)
def md_run(x, v, box, dim, types, diam, use_d, tab, kind, alpha, shift, reach, skin, dt, steps, t_start, t_end, rate, hold, tau):
    """``steps`` steps of velocity Verlet (unit masses) from ``x``, ``v`` (N, 3, updated in place),
    the pairs within ``reach`` (the longest cut-off plus ``skin``) listed again when a particle has
    moved ``skin / 2``; a Berendsen thermostat (time constant ``tau``) at ``T(t) = max(t_end, t_start - rate
    max(0, t - hold))`` (none when ``tau`` is infinite). Returns the list rebuilds, the last kinetic
    temperature and the last total energy."""
    n = x.shape[0]
    dof = dim * (n - 1.0)
    limit2 = (0.5 * skin) ** 2
    f = np.zeros((n, 3))
    u = np.zeros((n, 3))
    x_ref = x.copy()
    i, j, d0 = verlet_pairs(x, box, dim, reach)
    rebuilds = 1
    temp = 0.0
    potential = pair_forces(i, j, d0, u, types, diam, use_d, tab, kind, alpha, shift, f)
    kinetic = 0.0
    for step in range(steps):
        far = 0.0
        for a in range(n):
            r2 = 0.0
            for k in range(dim):
                v[a, k] += 0.5 * dt * f[a, k]
                x[a, k] += dt * v[a, k]
                u[a, k] = x[a, k] - x_ref[a, k]
                r2 += u[a, k] * u[a, k]
            far = max(far, r2)
        if far > limit2:
            x_ref[:] = x
            u[:] = 0.0
            i, j, d0 = verlet_pairs(x, box, dim, reach)
            rebuilds += 1
        potential = pair_forces(i, j, d0, u, types, diam, use_d, tab, kind, alpha, shift, f)
        kinetic = 0.0
        for a in range(n):
            for k in range(dim):
                v[a, k] += 0.5 * dt * f[a, k]
                kinetic += v[a, k] * v[a, k]
        target = max(t_end, t_start - rate * max(0.0, (step + 1) * dt - hold))
        temp = kinetic / dof
        if temp > 0.0 and tau < np.inf:
            scale = math.sqrt(max(0.0, 1.0 + dt / tau * (target / temp - 1.0)))
            for a in range(n):
                for k in range(dim):
                    v[a, k] *= scale
            kinetic *= scale * scale
    return rebuilds, temp, potential + 0.5 * kinetic
