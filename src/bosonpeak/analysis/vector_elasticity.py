"""Elastic moduli and sound speeds of a central-force network, relaxation included.

A homogeneous strain ``eps`` (symmetric d x d) moves node ``i`` to ``r_i + eps r_i + v_i``
with ``v`` periodic. Bond ``e`` of length ``r_e`` and direction ``n_e`` then stretches by
``r_e n_e^T eps n_e + n_e . (v_j - v_i)``. Minimising the spring energy over ``v``
(``K v = -F eps``, ``K`` the vector dynamical matrix) gives the relaxed stiffness tensor

    C_abcd = (1 / V) [ sum_e k_e r_e**2 n_a n_b n_c n_d  -  f_ab^T K^+ f_cd ],
    f_ab = R^T (k r n_a n_b),

the first term being the affine (Born) part, an upper bound; ``R`` is the rigidity matrix.
Its isotropic part gives the bulk and shear moduli ``B``, ``G`` (for an isotropic network they
are the moduli; for a cubic crystal ``B`` is exact and ``G`` the Voigt average of the two shear
constants), and with ``rho = n m = N / V``

    2D: c_L**2 = (B + G) / rho,       3D: c_L**2 = (B + 4 G / 3) / rho,      c_T**2 = G / rho.

Direction by direction the speeds are the eigenvalues of the Christoffel matrix
``Gamma_ac = C_abcd k_b k_d / rho`` (``Elasticity.christoffel``). ``low_q_speeds`` reads the
same speeds off the spectrum: the lowest eigenmodes' overlap with transverse and longitudinal
plane waves at the smallest ``q = 2 pi / L`` of the box (the vector ``S(q, omega)``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .. import _checks
from ..matrices.vector import bond_directions, rigidity_matrix, vector_dynamical_matrix
from ..model.lattice import SpringNetwork

SOLVERS = ("auto", "direct", "cg")
#: ``solver="auto"`` factorises up to this many degrees of freedom, above it runs CG.
DIRECT_MAX_DOF = 60_000
#: Relative residual at which CG stops.
CG_TOLERANCE = 1e-12


@dataclass(frozen=True, eq=False)
class Elasticity:
    """Relaxed stiffness tensor of a periodic central-force network (unit masses).

    Attributes
    ----------
    C : ndarray, shape (d, d, d, d)
        Relaxed (non-affine) stiffness tensor per volume.
    affine : ndarray, shape (d, d, d, d)
        Affine (Born) part.
    density : float
        Number density ``n = N / V`` (= mass density, unit masses).
    """

    C: np.ndarray
    affine: np.ndarray
    density: float

    @property
    def dim(self) -> int:
        """Space dimension ``d``."""
        return self.C.shape[0]

    def _lame(self, C) -> tuple[float, float]:
        d = self.dim
        i1, i2 = np.einsum("aabb->", C), np.einsum("abab->", C)
        mu = (i2 - i1 / d) / ((d - 1) * (d + 2))
        return (i1 - 2 * d * mu) / d**2, mu

    @property
    def bulk(self) -> float:
        """Bulk modulus ``B = C_aabb / d**2`` (isotropic compression, relaxed)."""
        lam, mu = self._lame(self.C)
        return float(lam + 2 * mu / self.dim)

    @property
    def shear(self) -> float:
        """Shear modulus ``G``: the isotropic (Voigt) average of the relaxed shear stiffness."""
        return float(self._lame(self.C)[1])

    @property
    def affine_shear(self) -> float:
        """Affine shear modulus (no relaxation)."""
        return float(self._lame(self.affine)[1])

    @property
    def c_L(self) -> float:
        """Longitudinal speed ``sqrt((B + 2 (d - 1) G / d) / rho)``."""
        return float(np.sqrt(max(self.bulk + 2 * (self.dim - 1) * self.shear / self.dim, 0.0) / self.density))

    @property
    def c_T(self) -> float:
        """Transverse speed ``sqrt(G / rho)``."""
        return float(np.sqrt(max(self.shear, 0.0) / self.density))

    @property
    def anisotropy(self) -> float:
        """``|C - C_iso| / |C|`` (Frobenius): 0 for an isotropic tensor."""
        d = self.dim
        lam, mu = self._lame(self.C)
        eye = np.eye(d)
        iso = lam * np.einsum("ab,cd->abcd", eye, eye) + mu * (np.einsum("ac,bd->abcd", eye, eye) + np.einsum("ad,bc->abcd", eye, eye))
        return float(np.linalg.norm(self.C - iso) / np.linalg.norm(self.C))

    def christoffel(self, direction) -> np.ndarray:
        """Speeds of the ``d`` plane-wave branches along ``direction``, ascending
        (``[c_T, c_L]`` in 2D, ``[c_T1, c_T2, c_L]`` in 3D for a symmetric direction)."""
        k = np.asarray(direction, dtype=float)
        if k.shape != (self.dim,) or not np.linalg.norm(k) > 0:
            raise _checks.ParameterError(f"'direction' must be a non-zero vector of length {self.dim}; got {direction!r}")
        k = k / np.linalg.norm(k)
        gamma = np.einsum("abcd,b,d->ac", self.C, k, k) / self.density
        return np.sqrt(np.clip(np.linalg.eigvalsh(0.5 * (gamma + gamma.T)), 0.0, None))


def elastic_tensor(net: SpringNetwork, *, solver: str = "auto") -> Elasticity:
    """Relaxed and affine stiffness tensors of a periodic central-force network.

    Parameters
    ----------
    net : SpringNetwork
        2D or 3D, unstressed central springs ``k = net.stiffness``.
    solver : {"auto", "direct", "cg"}
        ``"direct"``: sparse LU of ``K`` with one node pinned (the network must have no zero
        modes but its ``d`` translations; checked by the residual). ``"cg"``: conjugate
        gradients on the singular, consistent system (works with floppy modes).
        ``"auto"``: direct up to ``DIRECT_MAX_DOF`` degrees of freedom.

    Returns
    -------
    Elasticity

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.vector_elasticity import elastic_tensor
    >>> e = elastic_tensor(bosonpeak.network(6, 0.0, cutoff=np.sqrt(2), spring="constant", dim=3))
    >>> round(e.bulk, 12), round(e.shear, 12), round(e.anisotropy, 12)  # simple cubic + face diagonals
    (1.666666666667, 1.0, 0.0)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    solver = _checks.choice("solver", solver, SOLVERS)
    d, n_nodes = net.dim, net.n_nodes
    volume = net.box**d
    nvec = bond_directions(net)
    r = np.sqrt(np.sum(net.bond_vectors**2, axis=1))
    k = net.stiffness
    pairs = [(a, b) for a in range(d) for b in range(a, d)]
    S = np.column_stack([r * nvec[:, a] * nvec[:, b] for a, b in pairs])  # affine stretch per unit strain
    affine_v = (S * k[:, None]).T @ S
    F = np.asarray(rigidity_matrix(net).T @ (k[:, None] * S))  # (dN, m)
    F[np.abs(F) <= 1e-13 * np.abs(k[:, None] * S).max(initial=0.0)] = 0.0  # forces that cancel up to round-off
    X = _solve(vector_dynamical_matrix(net), F, d, solver)
    relaxed_v = affine_v - F.T @ X
    relaxed_v = 0.5 * (relaxed_v + relaxed_v.T)
    return Elasticity(_full(relaxed_v / volume, pairs, d), _full(affine_v / volume, pairs, d), n_nodes / volume)


def _full(voigt: np.ndarray, pairs, d) -> np.ndarray:
    C = np.zeros((d, d, d, d))
    for p, (a, b) in enumerate(pairs):
        for q, (c, e) in enumerate(pairs):
            for x, y in {(a, b), (b, a)}:
                for u, w in {(c, e), (e, c)}:
                    C[x, y, u, w] = voigt[p, q]
    return C


def _solve(K: sp.csr_matrix, F: np.ndarray, d: int, solver: str) -> np.ndarray:
    """A solution of ``K X = F`` with ``F`` orthogonal to the null space of ``K``."""
    n = K.shape[0]
    if solver == "auto":
        solver = "direct" if n <= DIRECT_MAX_DOF else "cg"
    X = np.zeros_like(F)
    if not np.any(F):
        return X  # a Bravais crystal: every node a centre of inversion, nothing relaxes
    scale = float(abs(K).sum(axis=1).max())
    if solver == "direct":
        free = np.arange(d, n)  # node 0 pinned: removes the d translations
        try:
            with np.errstate(all="ignore"):
                X[free] = spla.splu(K[free][:, free].tocsc(), permc_spec="COLAMD").solve(np.ascontiguousarray(F[free]))
        except RuntimeError:  # exactly singular: floppy modes
            X[:] = np.nan
        if not np.all(np.isfinite(X)) or np.abs(K @ X - F).max() > 1e-9 * (scale * np.abs(X).max() + np.abs(F).max()):
            raise _checks.ParameterError("solver='direct' needs a network whose only zero modes are its d translations "
                                         "(this one has floppy modes); use solver='cg'")
        return X
    for j in range(F.shape[1]):
        X[:, j], _ = spla.cg(K, F[:, j], rtol=CG_TOLERANCE, atol=0.0, maxiter=20 * n)
    return X


def directions(dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Lattice directions (integer vectors, so ``q = 2 pi m / L`` is allowed in the box) and
    weights of a spherical design exact for the quartic averages of the Christoffel matrix:
    2D: the axes and diagonals (weights 1/4); 3D: the 26-point Lebedev rule folded onto
    ``+-k`` (axes 2/21, face diagonals 8/105, body diagonals 9/140). With them the weighted mean
    of ``omega_L**2 / q**2`` (``omega_T**2``) is ``(B + 2 (d - 1) G / d) / rho`` (``G / rho``)."""
    if dim == 2:
        return np.array([[1, 0], [0, 1], [1, 1], [1, -1]]), np.full(4, 0.25)
    axes = np.eye(3, dtype=int)
    faces = np.array([[1, 1, 0], [1, -1, 0], [1, 0, 1], [1, 0, -1], [0, 1, 1], [0, 1, -1]])
    corners = np.array([[1, 1, 1], [1, 1, -1], [1, -1, 1], [-1, 1, 1]])
    return np.vstack([axes, faces, corners]), np.concatenate([np.full(3, 2 / 21), np.full(6, 8 / 105), np.full(4, 9 / 140)])


def _plane_waves(net: SpringNetwork, m: np.ndarray) -> tuple[np.ndarray, float]:
    """cos and sin plane waves for every polarisation, shape (d N, 2 d), columns of unit norm."""
    d, n_nodes = net.dim, net.n_nodes
    q = 2 * np.pi * m / net.box
    phase = net.positions @ q
    W = np.zeros((d * n_nodes, 2 * d))
    for p in range(d):
        W[p::d, p], W[p::d, d + p] = np.cos(phase), np.sin(phase)
    return W / np.sqrt(n_nodes / 2.0), float(np.linalg.norm(q))


def _speeds(per: np.ndarray, weights: np.ndarray) -> dict:
    """Weighted means of ``omega**2 / q**2`` per branch -> speeds."""
    return dict(c_L=float(np.sqrt(weights @ per[:, 0])), c_T=float(np.sqrt(weights @ per[:, 1])), per_direction=np.sqrt(per))


def low_q_speeds(net: SpringNetwork, *, n_modes: int = 120) -> dict:
    """Sound speeds read off the spectrum: plane-wave weight of the lowest eigenmodes.

    For each direction of ``directions(d)`` and the smallest allowed ``q`` along it, the
    plane waves ``p exp(i q . r_j) / sqrt(N)`` (``p`` along ``q``: longitudinal; ``p``
    across: transverse) are expanded in the ``n_modes`` lowest eigenmodes of the vector
    matrix (shift-invert Lanczos); a branch's ``omega**2`` is the weighted mean of their
    eigenvalues (the first moment of the vector ``S(q, omega)`` within those modes).

    Returns
    -------
    dict
        ``c_L``, ``c_T`` (design averages of ``<omega**2> / q**2``, comparable with
        ``Elasticity.c_L``, ``c_T``), ``per_direction`` (``(c_L, c_T)`` per direction),
        ``captured`` (smallest plane-wave weight found in the modes; near 1 when
        ``n_modes`` sufficed).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.vector_elasticity import low_q_speeds
    >>> s = low_q_speeds(bosonpeak.network(12, 0.0, cutoff=np.sqrt(2), spring="constant"), n_modes=40)
    >>> bool(abs(s["per_direction"][0, 1] - np.sin(np.pi / 12) * 12 / np.pi) < 1e-9), s["captured"] > 0.999
    (True, True)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    K = vector_dynamical_matrix(net)
    d = net.dim
    n_modes = _checks.integer("n_modes", n_modes, minimum=d + 1, maximum=K.shape[0] - 1)
    bound = float(abs(K).sum(axis=1).max())
    lam, vec = spla.eigsh(K, k=n_modes, sigma=-1e-3 * bound, which="LM")
    dirs, weights = directions(d)
    per, captured = [], 1.0
    for m in dirs:
        W, q = _plane_waves(net, m)
        k = m / np.linalg.norm(m)
        overlap = W.T @ vec  # (2 d, modes)
        w2 = []
        for pol in _polarisations(k):  # longitudinal first
            weight = (pol @ overlap[:d]) ** 2 + (pol @ overlap[d:]) ** 2
            captured = min(captured, float(weight.sum()) / 2.0)
            w2.append(float(weight @ lam / weight.sum()) / q**2)
        per.append([w2[0], float(np.mean(w2[1:]))])
    return {**_speeds(np.array(per), weights), "captured": captured}


def _polarisations(k: np.ndarray) -> np.ndarray:
    """Unit polarisations: ``k`` itself, then an orthonormal basis of the plane across it."""
    basis = np.linalg.qr(np.column_stack([k, np.eye(len(k))]))[0]
    basis[:, 0] = k
    return basis.T[: len(k)]


def plane_wave_speeds(net: SpringNetwork) -> dict:
    """Sound speeds from the vector matrix restricted to the plane waves of the smallest
    ``q`` along each of ``directions(d)`` (a ``2 d x 2 d`` Rayleigh-Ritz problem per
    direction, mat-vecs only).

    For a Bravais crystal the plane waves of one ``q`` span an invariant subspace, so these are
    exact eigenfrequencies of the network's spectrum; for a disordered network they are the
    affine (unrelaxed) upper bounds. The longitudinal branch is the one whose polarisation
    lies closest to ``q``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.vector_elasticity import plane_wave_speeds
    >>> s = plane_wave_speeds(bosonpeak.network(20, 0.0, cutoff=np.sqrt(2), spring="constant", dim=3))
    >>> round(s["c_T"], 3), round(s["c_L"], 3)  # sqrt(G), sqrt(B + 4 G / 3) = 1, sqrt(3), minus lattice dispersion
    (0.994, 1.714)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    K = vector_dynamical_matrix(net)
    d = net.dim
    dirs, weights = directions(d)
    per = []
    for m in dirs:
        W, q = _plane_waves(net, m)
        lam, vec = np.linalg.eigh(W.T @ (K @ W))
        k = m / np.linalg.norm(m)
        along = (k @ vec[:d]) ** 2 + (k @ vec[d:]) ** 2  # longitudinal weight of each Ritz vector
        lam = lam[np.argsort(-along, kind="stable")]  # the (cos, sin) pair of the L branch first
        per.append([float(np.mean(lam[:2])) / q**2, float(np.mean(lam[2:])) / q**2])
    return _speeds(np.array(per), weights)
