"""The FIRE loop of ``minimize``, compiled whole with numba (private).

Integration, forces, the Verlet list (half pairs within ``r_c + skin``, found through the cell
list of ``_cells`` and rebuilt when a particle has moved more than ``skin / 2`` since the last
build) and the convergence test all run in one compiled call of at most ``CHUNK`` steps, which
returns the full FIRE state; ``minimize`` calls it again until converged. The chunks are the same
whether or not progress is shown, and every sum runs in one fixed order on one thread, so a
minimisation is bit-for-bit reproducible. Arrays have 3 columns (2D: z = 0 throughout).
"""

from __future__ import annotations

import numba
import numpy as np

from ._cells import CONTACT, SHIFT_NONE, _row, pair_forces

_JIT = dict(nogil=True, cache=True, boundscheck=False)
#: FIRE steps per compiled call (the Verlet list is rebuilt at the start of each).
CHUNK = 2000
#: ``kind`` of the soft-sphere force path (``contact_kind``).
SOFT_SPHERES = -1
_N_DELAY, _F_INC, _F_DEC, ALPHA_START, _F_ALPHA = 5, 1.1, 0.5, 0.1, 0.99


@numba.njit(**_JIT)
def verlet_list(x, cell, inv, ncell, zr, dim, types, diam, use_d, tab, skin):
    """Half pairs ``i < j`` within ``r_c + skin`` of the unwrapped positions ``x`` (N, 3):
    ``(i, j, d0)`` with ``d0 = r_j - r_i`` under the minimum image (E, 3)."""
    n = x.shape[0]
    xw = np.zeros((n, 3))
    home = np.zeros((n, 3), np.int64)
    flat = np.empty(n, np.int64)
    s = np.zeros(3)
    for i in range(n):
        for a in range(dim):
            v = 0.0
            for b in range(dim):
                v += x[i, b] * inv[b, a]
            v -= np.floor(v)
            if v >= 1.0:
                v = 0.0
            s[a] = v
            home[i, a] = min(int(v * ncell[a]), ncell[a] - 1)
        for a in range(dim):
            v = 0.0
            for b in range(dim):
                v += s[b] * cell[b, a]
            xw[i, a] = v
        flat[i] = (home[i, 0] * ncell[1] + home[i, 1]) * ncell[2] + home[i, 2]
    n_cells = ncell[0] * ncell[1] * ncell[2]
    start = np.zeros(n_cells + 1, np.int64)
    for i in range(n):
        start[flat[i] + 1] += 1
    occupancy = 0
    for k in range(n_cells):
        occupancy = max(occupancy, start[k + 1])
        start[k + 1] += start[k]
    order = np.empty(n, np.int64)
    fill = start[:-1].copy()
    for i in range(n):  # counting sort: stable, so the order is that of the indices within a cell
        order[fill[flat[i]]] = i
        fill[flat[i]] += 1
    room = occupancy * 3**dim
    outj = np.empty(room, np.int64)
    outs = np.empty(room, np.int8)
    outd = np.empty((room, 3))
    cap = 16 * n + 16
    pi = np.empty(cap, np.int64)
    pj = np.empty(cap, np.int64)
    d0 = np.empty((cap, 3))
    e = 0
    for i in range(n):
        c = _row(i, xw, cell, ncell, home, order, start, zr, types, diam, use_d, tab, skin, outj, outs, outd)
        if e + c > cap:
            cap = 2 * (e + c)
            pi2, pj2, d2 = np.empty(cap, np.int64), np.empty(cap, np.int64), np.empty((cap, 3))
            pi2[:e], pj2[:e], d2[:e] = pi[:e], pj[:e], d0[:e]
            pi, pj, d0 = pi2, pj2, d2
        for q in range(c):
            j = outj[q]
            if j > i:
                pi[e], pj[e] = i, j
                d0[e, 0], d0[e, 1], d0[e, 2] = outd[q, 0], outd[q, 1], outd[q, 2]
                e += 1
    return pi[:e].copy(), pj[:e].copy(), d0[:e].copy()


@numba.njit(**_JIT)
def _forces(x, xref, u, pi, pj, d0, types, diam, use_d, tab, kind, alpha, shift, f):
    if kind == SOFT_SPHERES:
        return contact_forces(x, xref, pi, pj, d0, diam, tab[0, 0, 0], alpha, f)
    for k in range(x.shape[0]):
        for a in range(3):
            u[k, a] = x[k, a] - xref[k, a]
    return pair_forces(pi, pj, d0, u, types, diam, use_d, tab, kind, alpha, shift, f)


@numba.njit(**_JIT)
def fire_chunk(x, v, state, ftol, steps, cell, inv, ncell, zr, dim, types, diam, use_d, tab, kind, alpha_pot, shift, skin):
    """At most ``steps`` FIRE 2.0 steps from ``x``, ``v`` (N, 3; changed in place) and
    ``state = [dt, alpha, positive, dt_max, dt_min]`` (changed in place); stops early when
    ``max |F_ia| < ftol``. Returns ``(steps taken, max |F_ia|, energy)``. ``kind`` as in ``_cells``,
    or ``SOFT_SPHERES`` (``contact_kind``) for those ``contact_forces`` evaluates."""
    n = x.shape[0]
    dt, alpha, positive, dt_max, dt_min = state[0], state[1], int(state[2]), state[3], state[4]
    pi, pj, d0 = verlet_list(x, cell, inv, ncell, zr, dim, types, diam, use_d, tab, skin)
    xref = x.copy()
    u = np.zeros((n, 3))
    f = np.zeros((n, 3))
    limit = (0.5 * skin) ** 2
    energy = _forces(x, xref, u, pi, pj, d0, types, diam, use_d, tab, kind, alpha_pot, shift, f)
    step = 0
    fmax = 0.0
    while True:
        fmax = 0.0
        for k in range(n):
            for a in range(3):
                fmax = max(fmax, abs(f[k, a]))
        if fmax < ftol or step == steps:
            break
        power = 0.0
        for k in range(n):
            for a in range(3):
                power += f[k, a] * v[k, a]
        if power > 0.0:
            positive += 1
            if positive > _N_DELAY:
                dt = min(dt * _F_INC, dt_max)
                alpha *= _F_ALPHA
        else:
            positive = 0
            alpha = ALPHA_START
            dt = max(dt * _F_DEC, dt_min)
            for k in range(n):
                for a in range(3):
                    x[k, a] -= 0.5 * dt * v[k, a]
                    v[k, a] = 0.0
        for k in range(n):
            for a in range(3):
                v[k, a] += dt * f[k, a]
        if power > 0.0:
            fn, vn = 0.0, 0.0
            for k in range(n):
                for a in range(3):
                    fn += f[k, a] * f[k, a]
                    vn += v[k, a] * v[k, a]
            if fn > 0.0:
                c = alpha * np.sqrt(vn) / np.sqrt(fn)
                for k in range(n):
                    for a in range(3):
                        v[k, a] = (1.0 - alpha) * v[k, a] + c * f[k, a]
        moved = 0.0
        for k in range(n):
            m = 0.0
            for a in range(3):
                x[k, a] += dt * v[k, a]
                w = x[k, a] - xref[k, a]
                m += w * w
            moved = max(moved, m)
        if moved > limit:
            pi, pj, d0 = verlet_list(x, cell, inv, ncell, zr, dim, types, diam, use_d, tab, skin)
            xref[:] = x
        energy = _forces(x, xref, u, pi, pj, d0, types, diam, use_d, tab, kind, alpha_pot, shift, f)
        step += 1
    state[0], state[1], state[2] = dt, alpha, positive
    return step, fmax, energy


def contact_kind(s) -> int:
    """``fire_chunk``'s ``kind`` for a ``_pairs.Setup``: ``SOFT_SPHERES`` for soft spheres with
    diameters, one ``eps``, cut at contact and unshifted (harmonic, Hertzian); else ``s.kind``."""
    eps = s.tab[0].ravel()
    if s.kind == CONTACT and s.use_d and s.shift == SHIFT_NONE and np.all(s.tab[2] == 1.0) and np.all(eps == eps[0]):
        return SOFT_SPHERES
    return s.kind


@numba.njit(**_JIT)
def contact_forces(x, xref, pi, pj, d0, diam, eps, alpha, f):
    """Forces ``f`` (N, 3) and energy of soft spheres ``V = (eps / alpha) (1 - r / s)**alpha``,
    ``s = (d_i + d_j) / 2``, over the listed pairs (harmonic ``alpha = 2`` without a power)."""
    f[:] = 0.0
    energy = 0.0
    harmonic = alpha == 2.0
    for e in range(pi.shape[0]):
        a, b = pi[e], pj[e]
        r0 = d0[e, 0] + (x[b, 0] - xref[b, 0]) - (x[a, 0] - xref[a, 0])
        r1 = d0[e, 1] + (x[b, 1] - xref[b, 1]) - (x[a, 1] - xref[a, 1])
        r2 = d0[e, 2] + (x[b, 2] - xref[b, 2]) - (x[a, 2] - xref[a, 2])
        rr = r0 * r0 + r1 * r1 + r2 * r2
        s = 0.5 * (diam[a] + diam[b])
        if rr >= s * s:
            continue
        r = np.sqrt(rr)
        h = 1.0 - r / s
        if harmonic:
            energy += 0.5 * eps * h * h
            dv = -eps / s * h
        else:
            g = h ** (alpha - 1.0)
            energy += eps / alpha * g * h
            dv = -eps / s * g
        c = dv / r  # force on a along r_j - r_i; minus it on b
        f[a, 0] += c * r0
        f[a, 1] += c * r1
        f[a, 2] += c * r2
        f[b, 0] -= c * r0
        f[b, 1] -= c * r1
        f[b, 2] -= c * r2
    return energy
