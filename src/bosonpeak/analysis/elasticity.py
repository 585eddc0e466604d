"""Sound speed of a spring network from its relaxed, non-affine effective conductivity.

The scalar dynamical matrix ``H`` is also the conductance matrix of a resistor network with
conductances ``t_ij``. Impose a uniform gradient ``G`` across the periodic cell,
``u_i = G . r_i + v_i`` with ``v`` periodic, and let the nodes relax. With ``B`` the
bond-node incidence matrix, ``D`` the (E, 2) minimum-image bond vectors and ``T = diag(t)``,

    H v = -F G,   F = B^T T D,
    sigma = (D^T T D - F^T H^+ F) / A,

the first term being the affine conductivity (no relaxation, an upper bound) and ``A`` the
box area. A long-wavelength plane wave then has ``omega^2 = k . C k`` with
``C = sigma / (n m)``, ``n = N / A``, ``m = 1``. The Debye DOS of this one-branch 2D model is
``g_D = omega / (2 pi n sqrt(det C))``; ``sound_speed`` returns ``c = det(C)^(1/4)``, which
is the usual ``c`` for an isotropic tensor and gives ``g_D / omega = 1 / (2 pi n c^2)``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from .. import _checks
from .._random import sample_streams, seed_sequences
from ..matrices.hessian import glass_hessian
from ..matrices.laplacian import dynamical_matrix
from ..model.glass import DIM, Packing, _backbone_bonds, _check_packing, contact_network
from ..model.lattice import SpringNetwork, network

SOLVERS = ("direct", "amg")
#: Relative residual at which the algebraic-multigrid solve stops.
AMG_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Conductivity:
    """Effective conductivity of a periodic spring network (unit masses).

    Attributes
    ----------
    sigma : ndarray, shape (2, 2)
        Relaxed (non-affine) conductivity tensor.
    affine : ndarray, shape (2, 2)
        Affine conductivity (every node following the imposed gradient).
    density : float
        Number density ``n = N / A``.
    """

    sigma: np.ndarray
    affine: np.ndarray
    density: float

    @property
    def c_squared(self) -> float:
        """``c^2 = (det sigma)^(1/d) / n``: the Debye average of the squared sound speed
        (``sqrt(det sigma) / n`` in 2D)."""
        d = self.sigma.shape[0]
        return float(max(np.linalg.det(self.sigma), 0.0) ** (1.0 / d) / self.density)

    @property
    def c(self) -> float:
        """Sound speed ``c = (det sigma)^(1/4) / sqrt(n)``."""
        return float(np.sqrt(self.c_squared))

    @property
    def anisotropy(self) -> float:
        """``(s_max - s_min) / (s_max + s_min)`` of the eigenvalues of ``sigma`` (0: isotropic)."""
        s = np.linalg.eigvalsh(self.sigma)
        return float((s[-1] - s[0]) / (s[-1] + s[0])) if s[-1] + s[0] > 0 else 0.0

    @property
    def debye_level(self) -> float:
        """Debye's ``g_D / omega = 1 / (2 pi n c^2)``."""
        return debye_level(self.c, self.density)


def conductivity_tensor(net: SpringNetwork, *, solver: str = "direct", H=None) -> Conductivity:
    """Relaxed and affine effective conductivity of a periodic spring network.

    Parameters
    ----------
    net : SpringNetwork
    solver : {"direct", "amg"}
        Sparse LU of ``H`` with one node pinned per connected component (exact), or
        conjugate gradients preconditioned by smoothed-aggregation multigrid (``pyamg``,
        relative residual ``AMG_TOLERANCE``).
    H : scipy.sparse matrix, optional
        ``dynamical_matrix(net)`` when the caller has it already (not assembled twice).

    Returns
    -------
    Conductivity

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.elasticity import conductivity_tensor
    >>> s = conductivity_tensor(bosonpeak.network(10, 0.0))
    >>> bool(np.allclose(s.sigma, np.eye(2))), round(s.c, 12)
    (True, 1.0)
    >>> round(conductivity_tensor(bosonpeak.network(6, 0.3, rule="nearest", spring="constant", rng=1, dim=3)).c, 12)
    1.0
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    solver = _checks.choice("solver", solver, SOLVERS)
    n = net.n_nodes
    area = net.box**net.dim  # the volume in 3D
    d = net.bond_vectors
    t = net.stiffness
    td = t[:, None] * d
    affine = d.T @ td
    # F = B^T T D: each bond pushes -t d onto its first node and +t d onto its second.
    F = np.zeros((n, net.dim))
    np.add.at(F, net.bonds[:, 0], -td)
    np.add.at(F, net.bonds[:, 1], td)
    if H is None:
        H = dynamical_matrix(net)
    elif H.shape != (n, n):
        raise _checks.ParameterError(f"'H' must be the {n} x {n} dynamical matrix of 'net'; got shape {H.shape}")
    X = _solve_pinned(H.tocsr(), F, solver)
    sigma = (affine - F.T @ X) / area
    sigma = 0.5 * (sigma + sigma.T)
    return Conductivity(sigma, affine / area, n / area)


def _solve_pinned(H: sp.csr_matrix, F: np.ndarray, solver: str) -> np.ndarray:
    """A solution of ``H X = F`` for ``F`` orthogonal to the null space (one node pinned per
    component; ``F^T X`` does not depend on which)."""
    n = H.shape[0]
    _, labels = connected_components(H, directed=False)
    pinned = np.zeros(n, dtype=bool)
    pinned[np.unique(labels, return_index=True)[1]] = True
    free = np.flatnonzero(~pinned)
    X = np.zeros_like(F)
    if free.size == 0:
        return X
    Hr = H[free][:, free].tocsc()
    if solver == "direct":
        X[free] = spla.splu(Hr, permc_spec="COLAMD").solve(np.ascontiguousarray(F[free]))
    else:
        try:
            import pyamg
        except ImportError as exc:
            raise ImportError("solver='amg' needs pyamg: pip install 'bosonpeak[amg]' (or use solver='direct')") from exc

        ml = pyamg.smoothed_aggregation_solver(Hr.tocsr(), symmetry="symmetric")
        for j in range(F.shape[1]):
            X[free, j] = ml.solve(F[free, j], tol=AMG_TOLERANCE, accel="cg", maxiter=500)
    return X


def sound_speed(net: SpringNetwork, *, solver: str = "direct") -> float:
    """Sound speed ``c`` of a network from its relaxed conductivity (see the module notes).

    Examples
    --------
    >>> import bosonpeak
    >>> round(bosonpeak.sound_speed(bosonpeak.network(12, 0.3, rule="nearest", spring="constant", rng=1)), 12)
    1.0
    """
    c = conductivity_tensor(net, solver=solver).c
    if not c > 1e-6 * np.sqrt(float(np.max(net.stiffness, initial=0.0))):
        warnings.warn(f"the network does not percolate across the box (c = {c:.3g}): it has no sound speed and no Debye level",
                      RuntimeWarning, stacklevel=2)
    return c


def debye_level(c: float, n: float = 1.0) -> float:
    """Debye's reduced DOS ``g_D / omega = 1 / (2 pi n c^2)`` of the one-branch 2D model.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> bool(np.isclose(bosonpeak.debye_level(1.0), 1 / (2 * np.pi)))
    True
    """
    c = _checks.real("c", c, minimum=0.0, min_inclusive=False)
    n = _checks.real("n", n, minimum=0.0, min_inclusive=False)
    return finite_level(1.0 / (2.0 * np.pi), [(n, 1), (c, 2)], "1 / (2 pi n c^2)", c=c, n=n)


def finite_level(factor: float, powers, formula: str, **given) -> float:
    """``factor / prod(x**p)`` computed in logarithms, or a ``ParameterError`` naming the inputs
    when it is not a finite positive double (``c = 1e-300`` overflows ``1 / c**2``)."""
    log = np.log(factor) - sum(p * np.log(x) for x, p in powers)
    if not np.log(np.finfo(float).tiny) < log < np.log(np.finfo(float).max):
        got = ", ".join(f"{k} = {v!r}" for k, v in given.items())
        raise _checks.ParameterError(f"the Debye level {formula} is not a finite positive double for {got}: use speeds and densities "
                                     "within ~1e-100 .. 1e100 of the model's units")
    return float(np.exp(log))


def ensemble_sound_speed(
    L: int, delta: float, *, seeds: int = 10, rule: str = "cutoff", spring: str = "inverse", cutoff: float | None = None, rng=None, solver: str = "direct"
) -> np.ndarray:
    """Sound speed of each network of an ensemble, shape (seeds,).

    The networks are those of ``ensemble_dos`` with the same arguments (the same spawned
    children), so ``c[k]`` belongs to ``ensemble_dos(...).samples[k]``.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.analysis.elasticity import ensemble_sound_speed
    >>> ensemble_sound_speed(8, 0.2, seeds=3, rng=1).shape
    (3,)
    """
    out = []
    for child in seed_sequences(rng, seeds):
        net = network(L, delta, rule=rule, spring=spring, cutoff=cutoff, rng=sample_streams(child)[0])
        out.append(sound_speed(net, solver=solver))
    return np.asarray(out)


#: Directions of k over which ``debye_levels`` averages 1 / c**2.
DIRECTIONS = 8


def debye_levels(packing: Packing) -> dict:
    """Sound speeds from the long-wavelength limit of both Hessians, and their Debye levels.

    A displacement field ``u(x) = e (k . x)`` (a uniform gradient along the unit vector
    ``k``, polarisation ``e``) is imposed on the backbone and the particles relax
    (``H u' = f``, one particle pinned). The relaxed energy per area is
    ``(1/2) e^T Lambda(k) e`` with ``Lambda = (1 / A) [sum_c K_c (k . r_c)**2 - F^T H^+ F]``,
    the acoustic tensor, prestress included. Its eigenvalues are ``rho c_L**2`` and
    ``rho c_T**2`` (``rho = M / A``, unit masses); the scalar network's ``Lambda`` is
    ``rho c**2``. Speeds are averaged (as ``1 / c**2``, the Debye law's weight) over
    ``DIRECTIONS`` directions ``k`` evenly spaced in ``[0, pi)``. A small periodic packing can be
    unstable to a shear along some direction although it is stable in its fixed box
    (Dagois-Bohy et al., PRL 109, 095703 (2012)); then ``c_T`` and the vector Debye level are NaN.

    Returns
    -------
    dict
        ``c_L``, ``c_T`` (vector Hessian), ``c`` (scalar network, ``k = 1 / sigma**2``),
        ``density`` (``rho = M / A``), and the per-mode Debye levels of ``g / omega``:
        ``vector = (1 / c_L**2 + 1 / c_T**2) / (4 pi rho)``, ``scalar = 1 / (2 pi rho c**2)``.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.analysis.elasticity import debye_levels
    >>> d = debye_levels(bosonpeak.jammed_packing(256, 0.9, rng=1))
    >>> bool(0 < d["c_T"] < d["c_L"])
    True
    """
    _check_packing(packing)
    bonds, r_c, r, sigma = _backbone_bonds(packing)
    m = len(packing.backbone)
    area = packing.box**2
    k_long = 1.0 / sigma**2
    t = -(1.0 - r / sigma) / (sigma * r)
    n = r_c / r[:, None]
    K = (k_long - t)[:, None, None] * (n[:, :, None] * n[:, None, :]) + t[:, None, None] * np.eye(DIM)[None]
    H = glass_hessian(packing).tocsc()[DIM:, DIM:]
    Hs = dynamical_matrix(contact_network(packing)).tocsc()[1:, 1:]
    lu, lu_s = splu(H), splu(Hs)
    inv_c2_vec, inv_c2_sca = [], []
    i, j = bonds[:, 0], bonds[:, 1]
    for theta in np.arange(DIRECTIONS) * np.pi / DIRECTIONS:
        s = r_c @ np.array([np.cos(theta), np.sin(theta)])  # k . r_c
        F = np.zeros((m, DIM, DIM))  # particle, component, polarisation e
        Ke = K * s[:, None, None]  # K e s for e = unit vectors (columns)
        np.add.at(F, i, Ke)
        np.add.at(F, j, -Ke)
        F = F.reshape(DIM * m, DIM)[DIM:]
        lam = (np.einsum("e,eab->ab", s**2, K) - F.T @ lu.solve(F)) / area
        rho_c2 = np.linalg.eigvalsh(0.5 * (lam + lam.T))
        inv_c2_vec.append(np.where(rho_c2 > 0, (m / area) / np.where(rho_c2 > 0, rho_c2, 1.0), np.nan))
        f = np.bincount(i, k_long * s, minlength=m) - np.bincount(j, k_long * s, minlength=m)
        f = f[1:]
        inv_c2_sca.append((m / area) / ((np.sum(k_long * s**2) - f @ lu_s.solve(f)) / area))
    inv_c2_vec = np.mean(inv_c2_vec, axis=0)  # (1 / c_T**2, 1 / c_L**2): eigvalsh sorts ascending
    rho = m / area
    c_T, c_L = 1.0 / np.sqrt(inv_c2_vec)
    c = 1.0 / np.sqrt(np.mean(inv_c2_sca))
    return dict(c_L=float(c_L), c_T=float(c_T), c=float(c), density=float(rho),
                vector=float((1 / c_L**2 + 1 / c_T**2) / (4 * np.pi * rho)), scalar=float(1 / (2 * np.pi * rho * c**2)))
