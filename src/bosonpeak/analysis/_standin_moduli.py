"""TEMPORARY stand-in for analysis/moduli.py of issue 24: relaxed G, B, M of a pair-potential solid.

For a homogeneous deformation ``r -> (I + t E) r`` of every pair vector, with ``w = E r`` and
``s = n . w``: ``dr/dt = s``, ``d2r/dt2 = (|w|^2 - s^2) / r``, so the affine term is
``sum V'' s^2 + V' (|w|^2 - s^2) / r``; the non-affine relaxation subtracts ``Xi^T H^+ Xi`` with
``Xi_j = V'' s n + V' (w - s n) / r = -Xi_i``. G = (1/V) d2U/dgamma2 over the d(d-1)/2 planes,
M = (1/V) d2U/deps2 over the axes, B from the dilation ``E = I``:
``B = (d2U/dt2 + p V d (d - 1)) / (d^2 V)``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse.linalg as spla

from ..model._standin import hessian, pair_terms


def _second(t, keep, E, H_solve, n_keep, dim, index):
    w = t.rij @ E.T
    u = t.rij / t.r[:, None]
    s = np.einsum("ea,ea->e", u, w)
    affine = np.sum(t.d2V * s**2 + t.dV * (np.einsum("ea,ea->e", w, w) - s**2) / t.r)
    xi = (t.d2V * s - t.dV * s / t.r)[:, None] * u + (t.dV / t.r)[:, None] * w
    b = np.zeros((n_keep, dim))
    for a in range(dim):
        b[:, a] = np.bincount(index[t.j], xi[:, a], minlength=n_keep) - np.bincount(index[t.i], xi[:, a], minlength=n_keep)
    b = b.ravel()[dim:]  # particle 0 pinned
    return affine - float(b @ H_solve(b))


@dataclass(frozen=True, eq=False)
class ElasticTensor:
    A: np.ndarray
    pressure: float

    @property
    def bulk(self) -> float:
        d = self.A.shape[0]
        return float((np.einsum("aabb->", self.A) + d * (d - 1) * self.pressure) / d**2)


def elastic_tensor(p, pot, *, keep) -> ElasticTensor:
    """A_abcd = (1/V) d2U/du_ab du_cd, relaxed (polarisation of the second derivative along u)."""
    keep = np.asarray(keep, bool)
    dim = p.dim
    t = pair_terms(p, pot)
    sel = keep[t.i] & keep[t.j]
    t = type(t)(*(a[sel] for a in (t.i, t.j, t.rij, t.r, t.dV, t.d2V, t.V)))
    index = np.full(p.n, -1)
    index[keep] = np.arange(int(keep.sum()))
    n_keep = int(keep.sum())
    solve = spla.splu(hessian(p, pot, mass_weighted=False, keep=keep)[dim:, dim:].tocsc()).solve
    V = p.volume
    basis = [np.eye(dim * dim)[k].reshape(dim, dim) for k in range(dim * dim)]
    q = {k: _second(t, keep, basis[k], solve, n_keep, dim, index) for k in range(dim * dim)}
    A = np.zeros((dim * dim, dim * dim))
    for k in range(dim * dim):
        A[k, k] = q[k]
        for m in range(k + 1, dim * dim):
            A[k, m] = A[m, k] = 0.5 * (_second(t, keep, basis[k] + basis[m], solve, n_keep, dim, index) - q[k] - q[m])
    return ElasticTensor(A.reshape(dim, dim, dim, dim) / V, -float(np.dot(t.r, t.dV)) / (dim * V))
