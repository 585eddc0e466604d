"""An independent numpy reference for particle systems, used only by the tests.

Reads a LAMMPS ``write_data`` file (atomic style) by hand, finds every pair by brute force over
all ``N (N - 1) / 2`` pairs (minimum image through fractional coordinates), evaluates the two
potentials of the LAMMPS fixtures in closed form and assembles the dense Hessian pair by pair.
Nothing here imports bosonpeak.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).parent / "fixtures" / "lammps"
HARMONIC_DIAMETERS = {1: 1.0, 2: 1.4}
KA = {(1, 1): (1.0, 1.0), (1, 2): (1.5, 0.8), (2, 1): (1.5, 0.8), (2, 2): (0.5, 0.88)}


def read_data(path, dim):
    """positions (N, d), cell rows (d, d), types (N,), masses (N,) of an atomic data file."""
    lines = Path(path).read_text().splitlines()
    bounds, tilt, masses, atoms = {}, (0.0, 0.0, 0.0), {}, []
    section = None
    for line in lines[1:]:
        s = line.split("#")[0].split()
        if not s:
            continue
        if s[-1] in ("xhi", "yhi", "zhi"):
            bounds[s[-1][0]] = float(s[1]) - float(s[0])
        elif s[-1] == "yz" and len(s) == 6:
            tilt = tuple(float(v) for v in s[:3])
        elif s[0] in ("Masses", "Atoms", "Velocities"):
            section = s[0]
        elif section == "Masses" and len(s) == 2:
            masses[int(s[0])] = float(s[1])
        elif section == "Atoms" and len(s) >= 5:
            atoms.append([float(v) for v in s[:5]])
    atoms = np.array(sorted(atoms))
    xy, xz, yz = tilt
    cell = np.array([[bounds["x"], 0, 0], [xy, bounds["y"], 0], [xz, yz, bounds["z"]]])[:dim, :dim]
    types = atoms[:, 1].astype(int)
    return atoms[:, 2:2 + dim].copy(), cell, types, np.array([masses[t] for t in types])


def pair_terms(positions, cell, types, kind):
    """i, j, rij, r, V, dV, d2V of every interacting pair (brute force, minimum image)."""
    n = len(positions)
    i, j = np.triu_indices(n, 1)
    frac = (positions[j] - positions[i]) @ np.linalg.inv(cell)
    rij = (frac - np.round(frac)) @ cell
    r = np.sqrt((rij**2).sum(1))
    ti, tj = types[i], types[j]
    if kind == "harmonic":
        diam = np.array([0.0, HARMONIC_DIAMETERS[1], HARMONIC_DIAMETERS[2]])
        d = 0.5 * (diam[ti] + diam[tj])
        keep = r < d
        x = 1 - r / d
        V, dV, d2V = 0.5 * x**2, -x / d, 1 / d**2 + 0 * r
    else:
        table = np.zeros((3, 3, 2))
        for (a, b), v in KA.items():
            table[a, b] = v
        eps, sig = table[ti, tj, 0], table[ti, tj, 1]
        rc = 2.5 * sig
        keep = r < rc

        def lj(x):
            s6 = (sig / x) ** 6
            return 4 * eps * (s6**2 - s6), 4 * eps * (-12 * s6**2 + 6 * s6) / x, 4 * eps * (156 * s6**2 - 42 * s6) / x**2

        V, dV, d2V = lj(r)
        Vc, dVc, _ = lj(rc)
        V = V - Vc - (r - rc) * dVc
        dV = dV - dVc
    k = keep
    return dict(i=i[k], j=j[k], rij=rij[k], r=r[k], V=V[k], dV=dV[k], d2V=d2V[k])


def hessian(t, n, dim, masses=None):
    """Dense Hessian from pair terms, mass-weighted when masses are given."""
    H = np.zeros((n, dim, n, dim))
    nv = t["rij"] / t["r"][:, None]
    nn = nv[:, :, None] * nv[:, None, :]
    K = t["d2V"][:, None, None] * nn + (t["dV"] / t["r"])[:, None, None] * (np.eye(dim) - nn)
    i, j = t["i"], t["j"]
    np.add.at(H, (i, slice(None), j), -K)
    np.add.at(H, (j, slice(None), i), -K.transpose(0, 2, 1))
    np.add.at(H, (i, slice(None), i), K)
    np.add.at(H, (j, slice(None), j), K)
    H = H.reshape(n * dim, n * dim)
    if masses is not None:
        w = 1 / np.sqrt(np.repeat(masses, dim))
        H = H * w[:, None] * w[None, :]
    return H


class Terms:
    """Attribute access to a pair-terms dict (what ``PairTerms`` offers)."""

    def __init__(self, t):
        self.__dict__.update(t)


def eigenvalues(D):
    """Eigenvalues of a dense symmetric matrix on one BLAS thread (on a shared, loaded machine
    two threads fighting for the cores took 15 s where one takes 1.5 s)."""
    import scipy.linalg
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return scipy.linalg.eigh(D, eigvals_only=True, driver="evr")
