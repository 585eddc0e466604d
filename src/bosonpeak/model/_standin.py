"""TEMPORARY numpy stand-in for the particle-system core of issue 24 (Particles, soft-sphere pair
terms, FIRE, rattlers, sparse Hessian), with the names of docs/particles_api; removed when
model/particles.py, model/potentials.py, model/minimize.py and matrices/particle_hessian.py land.
Orthogonal boxes, harmonic and Hertzian spheres only."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree


@dataclass(frozen=True, eq=False)
class Particles:
    positions: np.ndarray
    cell: np.ndarray
    masses: np.ndarray
    types: np.ndarray
    diameters: np.ndarray | None = None
    source: str = ""

    @property
    def dim(self) -> int:
        return int(self.positions.shape[1])

    @property
    def n(self) -> int:
        return int(self.positions.shape[0])

    @property
    def volume(self) -> float:
        return float(abs(np.linalg.det(self.cell)))


def particles(positions, cell, *, masses=None, types=None, diameters=None, source="") -> Particles:
    x = np.asarray(positions, dtype=float)
    n = len(x)
    return Particles(x, np.asarray(cell, dtype=float), np.ones(n) if masses is None else np.asarray(masses, float),
                     np.ones(n, np.int64) if types is None else np.asarray(types, np.int64),
                     None if diameters is None else np.asarray(diameters, float), source)


@dataclass(frozen=True)
class PairPotential:
    name: str
    alpha: float
    eps: float = 1.0
    params: dict = field(default_factory=dict)


def potential(name: str, **params) -> PairPotential:
    return PairPotential(name, 2.0 if name == "harmonic" else 2.5, float(params.get("eps", 1.0)), dict(params))


@dataclass(frozen=True, eq=False)
class PairTerms:
    i: np.ndarray
    j: np.ndarray
    rij: np.ndarray
    r: np.ndarray
    dV: np.ndarray
    d2V: np.ndarray
    V: np.ndarray


def _box(p):
    return np.diag(p.cell).copy()


def _candidates(x, box, cutoff):
    w = np.mod(x, box)
    w[w >= box] = 0.0
    pairs = cKDTree(w, boxsize=box).query_pairs(cutoff, output_type="ndarray").astype(np.int64)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _terms(x, box, diam, pot, pairs):
    i, j = pairs[:, 0], pairs[:, 1]
    d = x[j] - x[i]
    d -= box * np.round(d / box)
    r = np.sqrt(np.einsum("ij,ij->i", d, d))
    s = 0.5 * (diam[i] + diam[j])
    on = r < s
    i, j, d, r, s = i[on], j[on], d[on], r[on], s[on]
    a, e = pot.alpha, pot.eps
    h = 1.0 - r / s
    return PairTerms(i, j, d, r, -e * h ** (a - 1) / s, e * (a - 1) * h ** (a - 2) / s**2, e / a * h**a)


def pair_terms(p: Particles, pot: PairPotential) -> PairTerms:
    return _terms(p.positions, _box(p), p.diameters, pot, _candidates(p.positions, _box(p), p.diameters.max()))


def _forces(t: PairTerms, n, dim):
    g = (t.dV / t.r)[:, None] * t.rij
    f = np.zeros((n, dim))
    for a in range(dim):
        f[:, a] = np.bincount(t.i, g[:, a], minlength=n) - np.bincount(t.j, g[:, a], minlength=n)
    return f


def energy_forces(p: Particles, pot: PairPotential):
    t = pair_terms(p, pot)
    return float(t.V.sum()), _forces(t, p.n, p.dim)


@dataclass(frozen=True, eq=False)
class Minimized:
    particles: Particles
    energy: float
    max_force: float
    steps: int


def minimize(p: Particles, pot: PairPotential, *, ftol: float = 1e-10, max_steps: int = 10**6, progress=False) -> Minimized:
    """FIRE 2.0 with a Verlet list (as model/_fire.py, in d dimensions)."""
    box, diam, n, dim = _box(p), p.diameters, p.n, p.dim
    skin = 0.3 * diam.min()
    x = p.positions.copy()
    pairs, ref = _candidates(x, box, diam.max() + skin), x.copy()
    v = np.zeros_like(x)
    dt, dt_max, alpha, positive = 0.05, 0.5, 0.1, 0
    t = _terms(x, box, diam, pot, pairs)
    f = _forces(t, n, dim)
    for step in range(max_steps):
        fmax2 = float(np.max(np.einsum("ij,ij->i", f, f)))
        if fmax2 < ftol**2:
            break
        power = float(np.vdot(f, v))
        if power > 0:
            positive += 1
            if positive > 5:
                dt, alpha = min(dt * 1.1, dt_max), alpha * 0.99
        else:
            positive, dt, alpha = 0, max(dt * 0.5, 1e-4), 0.1
            x = x - 0.5 * dt * v
            v[:] = 0.0
        v = v + dt * f
        if power > 0:
            fn, vn = np.sqrt(float(np.vdot(f, f))), np.sqrt(float(np.vdot(v, v)))
            if fn > 0:
                v = (1.0 - alpha) * v + (alpha * vn / fn) * f
        x = x + dt * v
        if np.max(np.einsum("ij,ij->i", x - ref, x - ref)) > (0.5 * skin) ** 2:
            pairs, ref = _candidates(x, box, diam.max() + skin), x.copy()
        t = _terms(x, box, diam, pot, pairs)
        f = _forces(t, n, dim)
    else:
        raise RuntimeError(f"FIRE did not reach max |F| < {ftol:g} in {max_steps} steps")
    x = np.mod(x, box)
    x[x >= box] = 0.0
    return Minimized(replace(p, positions=x), float(t.V.sum()), float(np.sqrt(fmax2)), step)


def rattlers(p: Particles, pot: PairPotential, *, min_contacts=None) -> np.ndarray:
    t = pair_terms(p, pot)
    need = p.dim + 1 if min_contacts is None else min_contacts
    out = np.zeros(p.n, bool)
    while True:
        keep = ~out[t.i] & ~out[t.j]
        z = np.bincount(np.concatenate([t.i[keep], t.j[keep]]), minlength=p.n)
        new = ~out & (z < need)
        if not new.any():
            return out
        out |= new


def hessian(p: Particles, pot: PairPotential, *, mass_weighted=True, scalar=False, keep=None) -> sp.csr_matrix:
    t = pair_terms(p, pot)
    dim, n = p.dim, p.n
    index = np.arange(n)
    if keep is not None:
        keep = np.asarray(keep, bool)
        sel = keep[t.i] & keep[t.j]
        t = PairTerms(*(a[sel] for a in (t.i, t.j, t.rij, t.r, t.dV, t.d2V, t.V)))
        index = np.full(n, -1)
        index[keep] = np.arange(int(keep.sum()))
        n = int(keep.sum())
    u = t.rij / t.r[:, None]
    nn = np.einsum("ea,eb->eab", u, u)
    K = -(t.d2V[:, None, None] * nn + (t.dV / t.r)[:, None, None] * (np.eye(dim) - nn))
    i, j = index[t.i], index[t.j]
    a, b = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    rows = np.concatenate([(i[:, None, None] * dim + a), (j[:, None, None] * dim + a), (i[:, None, None] * dim + a),
                           (j[:, None, None] * dim + a)]).ravel()
    cols = np.concatenate([(j[:, None, None] * dim + b), (i[:, None, None] * dim + b), (i[:, None, None] * dim + b),
                           (j[:, None, None] * dim + b)]).ravel()
    vals = np.concatenate([K, K, -K, -K]).ravel()
    H = sp.csr_matrix((vals, (rows, cols)), shape=(n * dim, n * dim))
    if mass_weighted:
        m = np.repeat((p.masses if keep is None else p.masses[keep]) ** -0.5, dim)
        H = sp.diags(m) @ H @ sp.diags(m)
    return H.tocsr()
