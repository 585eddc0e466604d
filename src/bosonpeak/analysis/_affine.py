"""The affine (Born) part of the elastic tensor, the stress and the relaxation forces ``Xi`` from the pair terms (private; ``moduli``)."""

from __future__ import annotations

import functools

import numpy as np


#: Pairs per chunk of the affine terms (the temporaries stay ~100 MB whatever the number of pairs).
PAIR_CHUNK = 1 << 20


def affine(terms, n: int, d: int):
    """``V born``, ``V stress`` and ``Xi`` (n d, d**2) from the pair terms, in chunks of ``PAIR_CHUNK`` pairs.

    The pair stiffness ``K = V'' n n^T + (V'/r)(I - n n^T)``; ``born_abcd = sum K_ac r_b r_d``,
    ``stress_ab = sum (V'/r) r_a r_b``; ``Xi[:, (c, e)] = d^2U / dx du_ce``: a pair adds ``K e_c r_e``
    on ``j``, minus it on ``i`` (one ``bincount`` per component: no (pairs, d, d**2) array)."""
    born, stress = np.zeros((d * d, d * d)), np.zeros((d, d))
    Xi = np.zeros((n, d, d, d))  # [particle, a, c, e]
    kernel = _affine_kernel()
    for lo in range(0, len(terms.r), PAIR_CHUNK):
        if kernel is not None:  # one compiled pass over the pairs, no temporaries
            sl = slice(lo, lo + PAIR_CHUNK)
            kernel(np.asarray(terms.i[sl]), np.asarray(terms.j[sl]), np.asarray(terms.rij[sl], dtype=float), np.asarray(terms.r[sl], dtype=float),
                   np.asarray(terms.dV[sl], dtype=float), np.asarray(terms.d2V[sl], dtype=float), born, stress, Xi)
            continue
        sl = slice(lo, lo + PAIR_CHUNK)
        rij = np.asarray(terms.rij[sl], dtype=float)
        r = np.asarray(terms.r[sl], dtype=float)
        t = np.asarray(terms.dV[sl], dtype=float) / r
        nv = rij / r[:, None]
        K = (np.asarray(terms.d2V[sl], dtype=float) - t)[:, None, None] * nv[:, :, None] * nv[:, None, :] + t[:, None, None] * np.eye(d)
        rr = rij[:, :, None] * rij[:, None, :]
        born += K.reshape(-1, d * d).T @ rr.reshape(-1, d * d)  # [(a, c), (b, e)]
        stress += (t[:, None] * rij).T @ rij
        i, j = np.asarray(terms.i[sl]), np.asarray(terms.j[sl])
        for a in range(d):
            for c in range(d):
                for e in range(d):
                    w = K[:, a, c] * rij[:, e]
                    Xi[:, a, c, e] += np.bincount(j, w, minlength=n) - np.bincount(i, w, minlength=n)
    born = born.reshape(d, d, d, d).transpose(0, 2, 1, 3)  # [a, c, b, e] -> [a, b, c, e]
    return born, stress, Xi.reshape(n * d, d * d)


@functools.lru_cache(maxsize=1)
def _affine_kernel():
    """``affine``'s loop over pairs compiled with numba (None without numba)."""
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(cache=True, nogil=True, boundscheck=False)
    def affine(i, j, rij, r, dV, d2V, born, stress, Xi):
        d = rij.shape[1]
        K = np.empty((d, d))
        for p in range(r.shape[0]):
            t = dV[p] / r[p]
            for a in range(d):
                for c in range(d):
                    K[a, c] = (d2V[p] - t) * rij[p, a] * rij[p, c] / (r[p] * r[p]) + (t if a == c else 0.0)
            for a in range(d):
                for b in range(d):
                    stress[a, b] += t * rij[p, a] * rij[p, b]
            for a in range(d):
                for c in range(d):
                    for e in range(d):
                        w = K[a, c] * rij[p, e]
                        Xi[j[p], a, c, e] += w
                        Xi[i[p], a, c, e] -= w
                        for b in range(d):
                            born[a * d + c, b * d + e] += K[a, c] * rij[p, b] * rij[p, e]
        return 0

    return affine
