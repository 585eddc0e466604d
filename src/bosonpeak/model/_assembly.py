"""The Hessian's compiled assembly (private): a cell list sorted by cell, partners found once per
row, rows written straight into CSR or BSR with columns sorted.

Cells are half the longest cut-off wide (``sorted_grid``), and the particles are stored in cell
order, so that the 5 cells along z next to one another are one contiguous run: a row's
candidates are 25 runs (5 x 5 in 2D: 5 runs of one cell) of about ``(5/2)^3 / 27`` of the
volume that 3^3 whole-cut-off cells hold. ``neighbours`` finds each row's partners (index and
image) once; ``hessian_blocks`` evaluates the pair terms and writes the row, columns sorted, the
diagonal block last (minus the sum of the others in column order), so that every row is computed
alone: the result does not depend on the number of threads. Image vectors are formed as in
``_cells``, so that the pair ``(j, i)`` has exactly minus the vector of ``(i, j)``: the matrix is
symmetric bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np

from . import _cells

_JIT = _cells._JIT


@numba.njit(**_JIT)
def _image(c, n, axis, cell, t):
    """Cell ``c`` along ``axis`` (``n`` cells) wrapped into ``[0, n)`` and its image shift (-1, 0, 1),
    whose box vector is added to ``t``."""
    if c < 0:
        for k in range(3):
            t[k] -= cell[axis, k]
        return c + n, -1
    if c >= n:
        for k in range(3):
            t[k] += cell[axis, k]
        return c - n, 1
    return c, 0


@numba.njit(**_JIT)
def count_partners(lo, hi, x, cell, ncell, home, start, reach, types, diam, use_d, tab, rows, counts):
    """Add one to ``counts[i]`` and ``counts[j]`` for every pair of (cell-sorted) particles within
    its cut-off, each pair once: ``i`` in ``lo:hi``, ``j`` in the half of the stencil after ``i``
    (cell offsets ``(ox, oy) > (0, 0)`` in lexicographic order, or ``(0, 0)`` and ``oz >= 0``, and
    ``j > i`` in ``i``'s own cell). Every image of a pair is met from exactly one of its two ends."""
    none = np.empty(0, np.int32)
    for i in range(lo, hi):
        _scan(i, True, x, cell, ncell, home, start, reach, types, diam, use_d, tab, rows, none, none.view(np.int8), counts)


@numba.njit(**_JIT)
def _partners(i, x, cell, ncell, home, start, reach, types, diam, use_d, tab, rows, nbr, code):
    """The partners of particle ``i`` within their cut-offs, in cell order, into ``nbr`` (index)
    and ``code`` (image ``sum (s_a + 1) 3^a``); returns their number (none where ``rows[i] < 0``)."""
    return _scan(i, False, x, cell, ncell, home, start, reach, types, diam, use_d, tab, rows, nbr, code, rows)


@numba.njit(**_JIT)
def _scan(i, half, x, cell, ncell, home, start, reach, types, diam, use_d, tab, rows, nbr, code, counts):
    """The partners of ``i`` within their cut-offs: all of them into ``nbr``, ``code`` (returns their
    number), or (``half``) those after ``i`` (``count_partners``), counted for both ends in ``counts``.

    ``x``, ``home``, ``types``, ``diam``, ``rows`` are in cell order (particles of a cell
    contiguous, cells z fastest), so that the ``2 reach_z + 1`` cells along z next to one another
    are one run of particles; ``rows[j] < 0``: left out (no partners, nor partner of any)."""
    if rows[i] < 0:
        return 0
    ty = np.zeros(3)
    nz = ncell[2]
    c = 0
    xi0, xi1, xi2 = x[i, 0], x[i, 1], x[i, 2]
    ti = types[i]
    for ox in range(0 if half else -reach[0], reach[0] + 1):
        for oy in range(0 if half and ox == 0 else -reach[1], reach[1] + 1):
            ty[:] = 0.0
            cx, sx = _image(home[i, 0] + ox, ncell[0], 0, cell, ty)
            cy, sy = _image(home[i, 1] + oy, ncell[1], 1, cell, ty)
            base = (cx * ncell[1] + cy) * nz
            own = half and ox == 0 and oy == 0  # the z run starts at i's own cell
            lo_z = home[i, 2] - (0 if own else reach[2])
            hi_z = home[i, 2] + reach[2]
            for seg in range(3):  # the z run: below the wrap, inside, above
                if seg == 0:
                    if lo_z >= 0:
                        continue
                    z0, z1, sz = lo_z + nz, nz - 1, -1
                elif seg == 1:
                    z0, z1, sz = max(lo_z, 0), min(hi_z, nz - 1), 0
                else:
                    if hi_z < nz:
                        continue
                    z0, z1, sz = 0, hi_z - nz, 1
                t0 = ty[0] + sz * cell[2, 0]
                t1 = ty[1] + sz * cell[2, 1]
                t2 = ty[2] + sz * cell[2, 2]
                img = (sx + 1) + 3 * (sy + 1) + 9 * (sz + 1)
                first = i + 1 if own and sz == 0 else start[base + z0]
                for j in range(first, start[base + z1 + 1]):
                    d0 = (x[j, 0] - xi0) + t0  # exactly minus the vector of the pair (j, i)
                    d1 = (x[j, 1] - xi1) + t1
                    d2 = (x[j, 2] - xi2) + t2
                    r2 = d0 * d0 + d1 * d1 + d2 * d2
                    if r2 < _cut2(i, j, ti, types, diam, use_d, tab) and j != i and rows[j] >= 0:
                        if half:
                            counts[i] += 1
                            counts[j] += 1
                        else:
                            nbr[c] = j
                            code[c] = img
                            c += 1
    return c


@numba.njit(**_JIT)
def _cut2(i, j, ti, types, diam, use_d, tab):
    """The squared cut-off of the pair ``(i, j)`` (``ti``: the type of ``i``)."""
    if use_d:
        rc = tab[2, ti, types[j]] * 0.5 * (diam[i] + diam[j])
        return rc * rc
    return tab[5, ti, types[j]]


@numba.njit(**_JIT)
def _images(cell):
    """The 27 image vectors ``sum_a s_a cell[a]``, ``s_a`` in (-1, 0, 1), by code ``sum (s_a + 1) 3^a``."""
    out = np.empty((27, 3))
    for img in range(27):
        for k in range(3):
            out[img, k] = (img % 3 - 1) * cell[0, k] + (img // 3 % 3 - 1) * cell[1, k] + (img // 9 - 1) * cell[2, k]
    return out


@numba.njit(**_JIT)
def hessian_blocks(lo, hi, room, x, cell, ncell, home, start, reach, types, diam, use_d, tab, kind, alpha, shift, dim,
                   inv_sqrt_m, rows, bptr, bsr, indices, data):
    """The rows of the (cell-sorted) particles ``lo:hi`` straight into CSR or BSR (``indices``,
    ``data``), columns sorted; ``room`` bounds a row's candidates.

    ``rows[i]``: the matrix row (and column) of particle ``i`` (-1: left out); ``bptr``: block-row
    pointer (blocks of the row, the diagonal included). CSR: block row ``i`` with ``m`` blocks
    starts, for its component ``a``, at ``dim * dim * bptr[i] + a * dim * m``; BSR (``bsr``): block
    ``q`` of the row is ``data[bptr[i] + q]`` (d x d, flattened row-major), its column
    ``indices[bptr[i] + q]``. ``dim = 1``: scalar ``-V''``. The diagonal block is minus the sum of
    the others, in column order. Returns the shortest pair distance met (0: overlapping particles)."""
    dd = dim * dim
    nbr = np.empty(room, np.int32)
    code = np.empty(room, np.int8)
    blk = np.empty((room + 2, dd))  # the row's blocks, then the diagonal block and a sink
    wj = np.empty(room)
    keys = np.empty(room, np.int64)
    shifts = _images(cell)
    rmin = np.inf
    for i in range(lo, hi):
        ii = rows[i]
        if ii < 0:
            continue
        m = _partners(i, x, cell, ncell, home, start, reach, types, diam, use_d, tab, rows, nbr, code)
        wi = inv_sqrt_m[i]
        for q in range(m):
            j = nbr[q]
            img = code[q]
            d0 = (x[j, 0] - x[i, 0]) + shifts[img, 0]  # as ``neighbours`` found it
            d1 = (x[j, 1] - x[i, 1]) + shifts[img, 1]
            d2 = (x[j, 2] - x[i, 2]) + shifts[img, 2]
            r = np.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
            rmin = min(rmin, r)
            _, dv, d2v = _cells.radial(kind, alpha, shift, _cells.pair_params(i, j, types, diam, use_d, tab), r)
            wj[q] = inv_sqrt_m[j]
            keys[q] = (np.int64(rows[j]) << 24) | q
            if dim == 1:
                blk[q, 0] = d2v
            else:  # V'' n n^T + (V'/r)(I - n n^T) = k d d^T + t I, k = (V'' - V'/r) / r^2, t = V'/r
                t = dv / r
                k = (d2v - t) / (r * r)
                if dim == 2:
                    blk[q, 0] = k * d0 * d0 + t
                    blk[q, 1] = blk[q, 2] = k * d0 * d1
                    blk[q, 3] = k * d1 * d1 + t
                else:
                    blk[q, 0] = k * d0 * d0 + t
                    blk[q, 1] = blk[q, 3] = k * d0 * d1
                    blk[q, 2] = blk[q, 6] = k * d0 * d2
                    blk[q, 4] = k * d1 * d1 + t
                    blk[q, 5] = blk[q, 7] = k * d1 * d2
                    blk[q, 8] = k * d2 * d2 + t
        _sort(keys, m)
        blk[m, :] = 0.0
        under = 0  # blocks left of the diagonal
        first = bptr[ii]
        for p in range(m + 1):  # the off-diagonal blocks in column order, their sum into blk[m]; then blk[m]
            if p < m:
                src = keys[p] & 0xFFFFFF
                col = keys[p] >> 24
                under += col < ii
                q, w, acc = p + (col > ii), -wi * wj[src], m
            else:
                src, col, q, w, acc = m, ii, under, wi * wi, m + 1
            if bsr:
                indices[first + q] = col
                at = (first + q) * dd
                for c in range(dd):
                    v = blk[src, c]
                    data[at + c] = v * w
                    blk[acc, c] += v
            else:
                for a in range(dim):
                    at = dd * first + a * dim * (m + 1) + q * dim
                    for b in range(dim):
                        v = blk[src, a * dim + b]
                        indices[at + b] = dim * col + b
                        data[at + b] = v * w
                        blk[acc, a * dim + b] += v
    return rmin


@numba.njit(**_JIT)
def _sort(keys, m):
    """Insertion sort of ``keys[:m]`` (rows are short)."""
    for p in range(1, m):
        k = keys[p]
        q = p - 1
        while q >= 0 and keys[q] > k:
            keys[q + 1] = keys[q]
            q -= 1
        keys[q + 1] = k


def sorted_grid(s: np.ndarray, cell: np.ndarray, widths: np.ndarray, cutoff: float, sub: int = 2):
    """Cell list of fractional coordinates ``s`` in ``[0, 1)`` (N, d), particles sorted by cell.

    Cells are ``cutoff / sub`` wide or wider, so that partners lie within ``reach`` cells along
    each axis (``sub``, or 1 where a coarser grid keeps the number of cells near ``N``).
    Returns ``(order, x, cell3, ncell, home, start, reach, room)``: the particles in cell order
    and, in that order, their wrapped Cartesian positions (N, 3) and cells (N, 3); the cell (3, 3),
    cells per axis (3,), cell starts, the reach (3,) and a bound on a row's candidates."""
    n, d = s.shape
    ncell = np.maximum(1, np.floor(sub * widths / cutoff)).astype(np.int64)
    reach = np.zeros(3, dtype=np.int64)
    reach[:d] = sub
    if ncell.min() < 2 * sub or np.prod(ncell, dtype=float) > 4.0 * n + 64:
        ncell = _cells.coarse_cells(widths, cutoff, n)
        reach[:d] = 1
    x, cell3, n3, h3, order, start = _cells.bins(s, cell, ncell)
    room = int(np.diff(start).max()) * int(np.prod(2 * reach + 1))
    return order, np.ascontiguousarray(x[order]), cell3, n3, np.ascontiguousarray(h3[order]), start, reach, room
