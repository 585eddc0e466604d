"""The stencil neighbour search compiled with numba (private; see ``lattice._cutoff_bonds``).

One pass over the nodes in order: node ``i`` tries every site offset of the whole stencil
(both signs), keeps the partners ``j > i`` within the cut-off, sorts its few partners and
writes its bonds: the bond list comes out sorted, with no keys to sort. The distance test is
that of the vectorised search (``d = x_j - x_i``, ``-= box`` above ``box / 2``, then ``+= box``
below ``-box / 2``, per axis; joined when ``dx*dx + dy*dy <= r*r``, without fused
multiply-adds); it is symmetric in ``i`` and ``j`` (``x_i - x_j`` is ``-(x_j - x_i)`` exactly,
and so is each correction), so it joins the same pairs. The lengths are ``hypot`` of the same differences (for a bond the
corrections are those of ``lattice.minimum_image``). numba is imported on first use only.
"""

from __future__ import annotations

import functools
import math

import numpy as np


@functools.lru_cache(maxsize=1)
def _kernel():
    import numba

    @numba.njit(nogil=True, cache=True, boundscheck=False)
    def sorted_bonds(x, y, L, odx, ody, box, half, rr, out, lengths):
        """Write the bonds ``(i, j)``, ``i < j``, sorted, into ``out`` and their lengths
        ``hypot(dx, dy)`` into ``lengths``; return their number."""
        n = L * L
        m = 0
        found = np.empty(odx.shape[0], dtype=np.int64)
        dist = np.empty(odx.shape[0], dtype=np.float64)
        for i in range(n):
            ix = i // L
            iy = i - ix * L
            xi = x[i]
            yi = y[i]
            c = 0
            for k in range(odx.shape[0]):
                jx = ix + odx[k]
                if jx >= L:
                    jx -= L
                jy = iy + ody[k]
                if jy >= L:
                    jy -= L
                j = jx * L + jy
                if j <= i:
                    continue
                d0 = x[j] - xi
                if d0 > half:
                    d0 -= box
                if d0 < -half:
                    d0 += box
                d1 = y[j] - yi
                if d1 > half:
                    d1 -= box
                if d1 < -half:
                    d1 += box
                if d0 * d0 + d1 * d1 <= rr:
                    p = c  # insertion into the sorted partners; a site met twice (small L) once
                    while p > 0 and found[p - 1] > j:
                        p -= 1
                    if p > 0 and found[p - 1] == j:
                        continue
                    for q in range(c, p, -1):
                        found[q] = found[q - 1]
                        dist[q] = dist[q - 1]
                    found[p] = j
                    dist[p] = math.hypot(d0, d1)
                    c += 1
            for q in range(c):
                out[m, 0] = i
                out[m, 1] = found[q]
                lengths[m] = dist[q]
                m += 1
        return m

    return sorted_bonds


def sorted_bonds(positions: np.ndarray, L: int, stencil: list[tuple[int, int]], box: float, r: float) -> tuple[np.ndarray, np.ndarray]:
    """Bonds ``(i, j)``, ``i < j``, sorted by ``i`` then ``j``, among the offsets of the half
    ``stencil`` and their mirrors, at periodic distance ``<= r``, and their minimum-image lengths."""
    offsets = sorted({(s * dx % L, s * dy % L) for dx, dy in stencil for s in (1, -1)} - {(0, 0)})
    odx = np.array([o[0] for o in offsets], dtype=np.int64)
    ody = np.array([o[1] for o in offsets], dtype=np.int64)
    room = L * L * len(stencil)  # every candidate; only the pages written are touched
    out, lengths = np.empty((room, 2), dtype=np.int64), np.empty(room)
    x, y = np.ascontiguousarray(positions[:, 0]), np.ascontiguousarray(positions[:, 1])
    m = _kernel()(x, y, np.int64(L), odx, ody, float(box), 0.5 * float(box), float(r) * float(r), out, lengths)
    return out[:m], lengths[:m]
