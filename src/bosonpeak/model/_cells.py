"""Cell lists and pair kernels of particle systems, compiled with numba (private).

Imported on first use only (``import bosonpeak`` does not import numba). The box is cut along
its fractional axes into ``n_a = floor(width_a / r_c)`` slabs per axis (``width_a`` the distance
between opposite faces), so that a partner within ``r_c`` lies in one of the 3^d neighbouring
cells of the unwrapped tiling: orthogonal and triclinic boxes alike, each image found through
its own (cell, shift) pair, so 1 or 2 cells per axis are right too. Pairs are found per row
(both partners), sorted by the partner's index: the rows come out ready for CSR.

The radial functions ``V``, ``V'``, ``V''`` of every potential live here (``radial``), so that the
pair terms, the forces of the minimiser and the Hessian share one implementation:

* ``CONTACT`` (``alpha``): ``V = (eps / alpha) (1 - r / s)**alpha`` for ``r < s``;
* ``LJ``: ``V = 4 eps ((s / r)**12 - (s / r)**6)``;
* ``IPL`` (``alpha = n``): ``V = eps (s / r)**n``;

shifted at the cut-off ``r_c``: ``SHIFT_ENERGY`` subtracts ``V(r_c)``, ``SHIFT_FORCE`` also
``(r - r_c) V'(r_c)`` (LAMMPS ``lj/smooth/linear``), so that ``V`` and ``V'`` vanish there.

2D systems run as 3D ones with one cell and no shift along z (``z = 0``).
"""

from __future__ import annotations

import numba
import numpy as np

CONTACT, LJ, IPL = 0, 1, 2
SHIFT_NONE, SHIFT_ENERGY, SHIFT_FORCE = 0, 1, 2
_JIT = dict(nogil=True, cache=True, boundscheck=False)


@numba.njit(**_JIT)
def _base(kind, alpha, eps, s, r):
    if kind == CONTACT:
        x = 1.0 - r / s
        if x <= 0.0:
            return 0.0, 0.0, 0.0
        return eps / alpha * x**alpha, -eps / s * x ** (alpha - 1.0), eps * (alpha - 1.0) / (s * s) * x ** (alpha - 2.0)
    q = s / r
    if kind == LJ:
        q2 = q * q
        q6 = q2 * q2 * q2
        q12 = q6 * q6
        return 4.0 * eps * (q12 - q6), 4.0 * eps * (6.0 * q6 - 12.0 * q12) / r, 4.0 * eps * (156.0 * q12 - 42.0 * q6) / (r * r)
    v = eps * q**alpha
    return v, -alpha * v / r, alpha * (alpha + 1.0) * v / (r * r)


@numba.njit(**_JIT)
def unit_shift(kind, alpha, cut):
    """``(V, V')`` at ``r = cut`` of the potential with ``eps = s = 1`` (``V(r_c) = eps V_1(r_c / s)``,
    ``V'(r_c) = eps V_1'(r_c / s) / s`` for the scale-free LJ and IPL)."""
    v, dv, _ = _base(kind, alpha, 1.0, 1.0, cut)
    return v, dv


@numba.njit(**_JIT)
def radial(kind, alpha, shift, p, r):
    """``(V, V', V'')`` at ``r < r_c`` of one pair with ``p = (eps, s, r_c, V_1(r_c / s), V_1'(r_c / s))``."""
    eps, s, rc = p[0], p[1], p[2]
    v, dv, d2v = _base(kind, alpha, eps, s, r)
    if shift != SHIFT_NONE:
        v -= eps * p[3]
        if shift == SHIFT_FORCE:
            dvc = eps * p[4] / s
            v -= (r - rc) * dvc
            dv -= dvc
    return v, dv, d2v


@numba.njit(**_JIT)
def pair_params(i, j, types, diam, use_d, tab):
    """``(eps, s, r_c, V_1(r_c / s), V_1'(r_c / s))`` of the pair ``(i, j)`` from the (5, T, T) table of
    ``eps``, ``s``, ``r_c / s`` and the unit shifts; with diameters ``s = (d_i + d_j) / 2``."""
    a = types[i]
    b = types[j]
    s = 0.5 * (diam[i] + diam[j]) if use_d else tab[1, a, b]
    return (tab[0, a, b], s, tab[2, a, b] * s, tab[3, a, b], tab[4, a, b])


@numba.njit(**_JIT)
def _wrap(c, n):
    """Cell ``c`` of an axis with ``n`` cells, wrapped, and the image shift (-1, 0 or 1) it took."""
    if c < 0:
        return c + n, -1
    if c >= n:
        return c - n, 1
    return c, 0


@numba.njit(**_JIT)
def _row(i, x, cell, ncell, home, order, start, zr, types, diam, use_d, tab, skin, outj, outs, outd):
    """Partners ``j != i`` of ``i`` closer than ``r_c(i, j) + skin``, in cell order, into ``outj``
    (index), ``outs`` (image code ``sum (s_a + 1) 3^a``) and ``outd`` (``r_j - r_i``, 3 columns);
    returns their number."""
    c = 0
    ti = types[i]
    for ox in range(-1, 2):
        cx, sx = _wrap(home[i, 0] + ox, ncell[0])
        for oy in range(-1, 2):
            cy, sy = _wrap(home[i, 1] + oy, ncell[1])
            for oz in range(-zr, zr + 1):
                cz, sz = _wrap(home[i, 2] + oz, ncell[2])
                t0 = sx * cell[0, 0] + sy * cell[1, 0] + sz * cell[2, 0]
                t1 = sx * cell[0, 1] + sy * cell[1, 1] + sz * cell[2, 1]
                t2 = sx * cell[0, 2] + sy * cell[1, 2] + sz * cell[2, 2]
                code = (sx + 1) + 3 * (sy + 1) + 9 * (sz + 1)
                k = (cx * ncell[1] + cy) * ncell[2] + cz
                for q in range(start[k], start[k + 1]):
                    j = order[q]
                    if j == i:
                        continue
                    d0 = (x[j, 0] - x[i, 0]) + t0  # exactly minus the vector of the pair (j, i)
                    d1 = (x[j, 1] - x[i, 1]) + t1
                    d2 = (x[j, 2] - x[i, 2]) + t2
                    r2 = d0 * d0 + d1 * d1 + d2 * d2
                    tj = types[j]
                    s = 0.5 * (diam[i] + diam[j]) if use_d else tab[1, ti, tj]
                    rc = tab[2, ti, tj] * s + skin
                    if r2 < rc * rc:
                        outj[c] = j
                        outs[c] = code
                        outd[c, 0] = d0
                        outd[c, 1] = d1
                        outd[c, 2] = d2
                        c += 1
    return c


@numba.njit(**_JIT)
def count_rows(lo, hi, room, x, cell, ncell, home, order, start, zr, types, diam, use_d, tab, skin, counts):
    """``counts[i]``: partners of each ``i`` in ``lo:hi``; ``room`` bounds a row's length."""
    outj = np.empty(room, np.int64)
    outs = np.empty(room, np.int8)
    outd = np.empty((room, 3))
    for i in range(lo, hi):
        counts[i] = _row(i, x, cell, ncell, home, order, start, zr, types, diam, use_d, tab, skin, outj, outs, outd)


@numba.njit(**_JIT)
def fill_rows(lo, hi, room, x, cell, ncell, home, order, start, zr, types, diam, use_d, tab, skin, ptr, nbr, img):
    """The partners of each ``i`` in ``lo:hi``, sorted, into ``nbr[ptr[i]:ptr[i + 1]]``, their image codes into ``img``."""
    outj = np.empty(room, np.int64)
    outs = np.empty(room, np.int8)
    outd = np.empty((room, 3))
    for i in range(lo, hi):
        c = _row(i, x, cell, ncell, home, order, start, zr, types, diam, use_d, tab, skin, outj, outs, outd)
        perm = np.argsort(outj[:c])
        for q in range(c):
            nbr[ptr[i] + q] = outj[perm[q]]
            img[ptr[i] + q] = outs[perm[q]]


@numba.njit(**_JIT)
def pair_values(i, j, r, types, diam, use_d, tab, kind, alpha, shift, out):
    """``out[e] = (V, V', V'')`` of the pairs ``(i[e], j[e])`` at distances ``r[e]``."""
    for e in range(i.shape[0]):
        p = pair_params(i[e], j[e], types, diam, use_d, tab)
        if r[e] < p[2]:
            out[e, 0], out[e, 1], out[e, 2] = radial(kind, alpha, shift, p, r[e])
        else:
            out[e, 0] = out[e, 1] = out[e, 2] = 0.0


@numba.njit(**_JIT)
def pair_forces(i, j, d0, u, types, diam, use_d, tab, kind, alpha, shift, f):
    """Forces ``f`` (N, 3), zeroed first, and the energy of the pairs ``(i, j)``: the vectors are
    ``d0 + u_j - u_i`` (``d0``: ``r_j - r_i`` when the list was made, ``u``: displacements since)."""
    f[:] = 0.0
    energy = 0.0
    d = np.empty(3)
    for e in range(i.shape[0]):
        a, b = i[e], j[e]
        for k in range(3):
            d[k] = d0[e, k] + u[b, k] - u[a, k]
        r = np.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
        p = pair_params(a, b, types, diam, use_d, tab)
        if r < p[2]:
            v, dv, _ = radial(kind, alpha, shift, p, r)
            energy += v
            for k in range(3):
                g = dv * d[k] / r  # force on a; minus it on b
                f[a, k] += g
                f[b, k] -= g
    return energy


def grid(s: np.ndarray, cell: np.ndarray, widths: np.ndarray, cutoff: float):
    """Cell list of fractional coordinates ``s`` in ``[0, 1)``, shape (N, d), for a cut-off.

    Returns ``(x, cell3, ncell, home, order, start, zr, room)``: wrapped Cartesian positions
    (N, 3), the cell (3, 3), cells per axis (3,), each particle's cell (N, 3), particles in cell
    order, cell starts, the z-offset range (0 in 2D) and a bound on any row's length."""
    d = s.shape[1]
    x, cell3, n3, h3, order, start = bins(s, cell, coarse_cells(widths, cutoff, len(s)))
    room = int(np.diff(start).max()) * 3**d
    return x, cell3, n3, h3, order, start, 1 if d == 3 else 0, room


def coarse_cells(widths: np.ndarray, cutoff: float, n: int) -> np.ndarray:
    """Cells per axis at least ``cutoff`` wide, fewer (larger) where there would be far more than ``n``."""
    ncell = np.maximum(1, np.floor(widths / cutoff)).astype(np.int64)
    while np.prod(ncell, dtype=float) > 2.0 * n + 8:  # tiny cut-offs: fewer, larger cells
        ncell = np.maximum(1, ncell // 2)
    return ncell


def bins(s: np.ndarray, cell: np.ndarray, ncell: np.ndarray):
    """``(x, cell3, ncell3, home, order, start)`` of fractional coordinates ``s`` (N, d) on ``ncell``
    cells per axis, padded to 3D (one cell along z in 2D): wrapped Cartesian positions (N, 3), the
    cell (3, 3), cells per axis (3,), each particle's cell (N, 3), the particles in cell order
    (cells z fastest), cell starts."""
    n, d = s.shape
    home = np.minimum((s * ncell).astype(np.int64), ncell - 1)
    cell3, x = np.eye(3), np.zeros((n, 3))
    cell3[:d, :d] = cell
    x[:, :d] = s @ cell
    n3, h3 = np.ones(3, dtype=np.int64), np.zeros((n, 3), dtype=np.int64)
    n3[:d], h3[:, :d] = ncell, home
    flat = (h3[:, 0] * n3[1] + h3[:, 1]) * n3[2] + h3[:, 2]
    order = np.argsort(flat, kind="stable")
    start = np.searchsorted(flat[order], np.arange(int(np.prod(n3)) + 1))
    return x, cell3, n3, h3, order, start
