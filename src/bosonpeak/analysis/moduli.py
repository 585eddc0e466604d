"""Relaxed elastic moduli, sound speeds and the Debye level of a particle system (2D and 3D).

A homogeneous deformation with displacement gradient ``u`` (``x -> (I + u) x``, ``u`` not
necessarily symmetric) followed by the non-affine relaxation of the particles changes the energy
of a pair-potential solid at a minimum by ``(V / 2) u_ab A_abcd u_cd``, with

    A_abcd = (1 / V) [ sum_pairs ( V'' n_a n_c r_b r_d + (V' / r) r_b r_d (delta_ac - n_a n_c) )
                       - Xi_ab^T H^+ Xi_cd ],

``r`` the pair vector ``r_j - r_i``, ``n = r / |r|``, ``H`` the Hessian ``d^2U / dx dx`` (no mass
weighting) and ``Xi_cd = d^2U / dx du_cd`` (for a pair, ``+-K e_c r_d`` with the pair stiffness
``K = V'' n n^T + (V'/r)(I - n n^T)``). The first term is the affine (Born) part. The stress
(prestress) terms are in it exactly: ``A`` is the second derivative of the energy itself, not of a
linearised strain, so it holds for a pre-stressed solid and the stress ``sigma_ab = (1/V) sum V'
n_a r_b`` (Cauchy, tension positive) is reported beside it.

From ``A`` (``ElasticTensor``):

* ``G = A_abab`` of simple shear ``a -> a + gamma b`` (``G = (1/V) d^2U/dgamma^2 = d sigma_ab /
  d gamma``), averaged over the ``d (d - 1) / 2`` planes ``a < b``;
* ``M = A_aaaa`` of uniaxial strain ``a -> (1 + eps) a`` (``= d sigma_aa / d eps``), averaged
  over the ``d`` axes;
* ``B = -V dp/dV = (sum_ab A_aabb + d (d - 1) p) / d**2`` (isotropic strain; ``p = -tr sigma / d``);
* ``c_T = sqrt(G / rho)``, ``c_L = sqrt(M / rho)`` with ``rho`` the mass density; the Debye
  level of ``g / omega**(d-1)`` per mode is ``d / omega_D**d`` with ``omega_D**2 = 8 pi n /
  (1/c_L**2 + 1/c_T**2)`` (2D) and ``omega_D**3 = 18 pi**2 n / (1/c_L**3 + 2/c_T**3)`` (3D).

These are exactly what LAMMPS's ``change_box`` + ``minimize`` gives by finite strain
(``benchmarks/lammps_reference.py``); ``rho c_T**2 = A_abab`` is also the transverse sound of a
plane wave along ``b`` polarised along ``a``.

The relaxation solves ``H X = Xi`` once for the ``d**2`` columns of ``Xi``, with the zero modes
projected out: particles that interact with nothing (free rattlers) are dropped, one particle is
pinned (the ``d`` translations), and a sparse LU factorisation is used up to ``DIRECT_MAX_DOF``
degrees of freedom (200,000 in 2D, 6,000 in 3D, where fill-in makes it slow); above, or where the factorisation meets further zero modes (rattlers with
contacts), Jacobi-preconditioned conjugate gradients on the singular, consistent system.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .. import _checks

SOLVERS = ("auto", "direct", "cg")
#: ``solver="auto"`` factorises up to this many degrees of freedom (by dimension), above it runs CG: a 3D
#: Kob-Andersen Hessian of 12,000 degrees of freedom (2.3 10^6 entries) took minutes to factorise (SuperLU
#: and qdldl alike: 3D fill-in), where Jacobi-preconditioned CG converged in 377 iterations per column.
DIRECT_MAX_DOF = {2: 200_000, 3: 6_000}
#: Relative residual at which CG stops (``_cg``, for ``long_wavelength``).
CG_TOLERANCE = 1e-10
#: ``elastic_tensor``'s CG stops when each column's error estimate is below this fraction of its modulus.
CG_RELATIVE = 1e-8


@dataclass(frozen=True, eq=False)
class ElasticTensor:
    """Relaxed second derivatives of the energy per volume under a homogeneous deformation.

    Attributes
    ----------
    A : ndarray, shape (d, d, d, d)
        ``A_abcd = (1/V) d^2U / du_ab du_cd`` with relaxation, ``u`` the displacement gradient.
    born : ndarray, shape (d, d, d, d)
        The affine (Born) part, no relaxation.
    stress : ndarray, shape (d, d)
        Cauchy stress ``(1/V) dU/du`` (tension positive; a repulsive packing has ``p > 0``).
    number_density, mass_density : float
        ``N / V`` and ``sum m / V`` (every particle, rattlers included).
    error : ndarray, shape (d, d, d, d), optional
        Estimated error of ``A`` where the relaxation came from conjugate gradients
        (``analysis._relax_cg``; ``sqrt(e_ab e_cd) / V`` from each column's error ``e``); None: direct.
    iterations : int
        CG iterations (0: direct solve).
    """

    A: np.ndarray
    born: np.ndarray
    stress: np.ndarray
    number_density: float
    mass_density: float
    error: np.ndarray | None = None
    iterations: int = 0

    @property
    def shear_error(self) -> float:
        """Estimated error of ``shear`` (0 for a direct solve)."""
        d = self.dim
        return 0.0 if self.error is None else float(np.mean([self.error[a, b, a, b] for a in range(d) for b in range(a + 1, d)]))

    @property
    def longitudinal_error(self) -> float:
        """Estimated error of ``longitudinal`` (0 for a direct solve)."""
        return 0.0 if self.error is None else float(np.mean([self.error[a, a, a, a] for a in range(self.dim)]))

    @property
    def dim(self) -> int:
        """Space dimension ``d``."""
        return self.A.shape[0]

    @property
    def pressure(self) -> float:
        """``p = -tr(sigma) / d``."""
        return float(-np.trace(self.stress) / self.dim)

    @property
    def shear_per_plane(self) -> dict:
        """``{"xy": G_xy, ...}``: ``A_abab`` of simple shear ``a -> a + gamma b``, ``a < b``."""
        return {"xyz"[a] + "xyz"[b]: float(self.A[a, b, a, b]) for a in range(self.dim) for b in range(a + 1, self.dim)}

    @property
    def longitudinal_per_axis(self) -> dict:
        """``{"x": M_x, ...}``: ``A_aaaa`` of uniaxial strain along each axis."""
        return {"xyz"[a]: float(self.A[a, a, a, a]) for a in range(self.dim)}

    @property
    def shear(self) -> float:
        """``G``: the simple-shear modulus averaged over the ``d (d - 1) / 2`` planes."""
        return float(np.mean(list(self.shear_per_plane.values())))

    @property
    def longitudinal(self) -> float:
        """``M``: the uniaxial-strain modulus averaged over the ``d`` axes."""
        return float(np.mean(list(self.longitudinal_per_axis.values())))

    @property
    def bulk(self) -> float:
        """``B = -V dp/dV`` under isotropic strain, relaxed."""
        d = self.dim
        return float((np.einsum("aabb->", self.A) + d * (d - 1) * self.pressure) / d**2)

    @property
    def voigt(self) -> np.ndarray:
        """``A`` symmetrised over ``(ab)`` and ``(cd)`` in Voigt order (xx, yy, [zz,] [yz, xz,] xy);
        for an unstressed solid this is the usual stiffness matrix."""
        d = self.dim
        pairs = [(0, 0), (1, 1), (0, 1)] if d == 2 else [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
        S = 0.25 * (self.A + self.A.transpose(1, 0, 2, 3) + self.A.transpose(0, 1, 3, 2) + self.A.transpose(1, 0, 3, 2))
        return np.array([[S[a, b, c, e] for c, e in pairs] for a, b in pairs])

    @property
    def c_T(self) -> float:
        """Transverse sound speed ``sqrt(G / rho)``."""
        return float(np.sqrt(max(self.shear, 0.0) / self.mass_density))

    @property
    def c_L(self) -> float:
        """Longitudinal sound speed ``sqrt(M / rho)``."""
        return float(np.sqrt(max(self.longitudinal, 0.0) / self.mass_density))

    @property
    def omega_D(self) -> float:
        """Debye frequency (see ``debye_frequency``)."""
        return debye_frequency(self.dim, self.c_L, self.c_T, self.number_density)

    @property
    def debye_level(self) -> float:
        """Debye level ``d / omega_D**d`` of ``g / omega**(d-1)`` per mode."""
        return float(self.dim / self.omega_D**self.dim)


def debye_frequency(dim: int, c_L: float, c_T: float, number_density: float) -> float:
    """``omega_D`` of ``d N`` modes: ``omega_D**2 = 8 pi n / (1/c_L**2 + 1/c_T**2)`` (2D),
    ``omega_D**3 = 18 pi**2 n / (1/c_L**3 + 2/c_T**3)`` (3D).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.moduli import debye_frequency
    >>> round(debye_frequency(3, 1.0, 1.0, 1.0), 6) == round((6 * np.pi**2) ** (1 / 3), 6)
    True
    """
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    c_L = _checks.real("c_L", c_L, minimum=0.0, min_inclusive=False)
    c_T = _checks.real("c_T", c_T, minimum=0.0, min_inclusive=False)
    n = _checks.real("number_density", number_density, minimum=0.0, min_inclusive=False)
    if dim == 2:
        return float(np.sqrt(8 * np.pi * n / (c_L**-2 + c_T**-2)))
    return float(np.cbrt(18 * np.pi**2 * n / (c_L**-3 + 2 * c_T**-3)))


def debye_level_particles(dim: int, c_L: float, c_T: float, number_density: float) -> float:
    """Debye level ``d / omega_D**d`` of ``g / omega**(d-1)`` per mode (``d N`` modes).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.moduli import debye_level_particles
    >>> bool(np.isclose(debye_level_particles(2, 1.0, 1.0, 1.0), 1 / (2 * np.pi)))  # (1/4 pi n)(1/c_L^2 + 1/c_T^2)
    True
    """
    return float(dim / debye_frequency(dim, c_L, c_T, number_density) ** dim)


def shear_modulus(e: ElasticTensor) -> float:
    """``G`` of an ``ElasticTensor`` (simple shear, averaged over the planes).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.moduli import ElasticTensor, bulk_modulus, longitudinal_modulus, shear_modulus
    >>> lam, mu = 2.0, 1.0  # an isotropic, unstressed 3D solid
    >>> I = np.eye(3)
    >>> A = lam * np.einsum("ab,cd->abcd", I, I) + mu * (np.einsum("ac,bd->abcd", I, I) + np.einsum("ad,bc->abcd", I, I))
    >>> e = ElasticTensor(A=A, born=A, stress=np.zeros((3, 3)), number_density=1.0, mass_density=1.0)
    >>> shear_modulus(e), longitudinal_modulus(e), bulk_modulus(e)  # mu, lam + 2 mu, lam + 2 mu / 3
    (1.0, 4.0, 2.6666666666666665)
    """
    return _tensor(e).shear


def longitudinal_modulus(e: ElasticTensor) -> float:
    """``M`` of an ``ElasticTensor`` (uniaxial strain, averaged over the axes)."""
    return _tensor(e).longitudinal


def bulk_modulus(e: ElasticTensor) -> float:
    """``B = -V dp/dV`` of an ``ElasticTensor``."""
    return _tensor(e).bulk


def _tensor(e) -> ElasticTensor:
    if not isinstance(e, ElasticTensor):
        raise _checks.ParameterTypeError(f"expected an ElasticTensor (bosonpeak.analysis.moduli.elastic_tensor); got "
                                         f"{type(e).__name__}")
    return e


def elastic_tensor(p, pot, *, H=None, keep=None, solver: str = "auto", terms=None, mass_weighted: bool = False,
                   tolerance: float = CG_RELATIVE, progress: bool = False) -> ElasticTensor:
    """The relaxed elastic tensor of particles ``p`` (at an energy minimum) under potential ``pot``.

    Parameters
    ----------
    p : Particles
    pot : PairPotential
    H : scipy.sparse matrix, optional
        The Hessian ``d^2U/dx dx`` without mass weighting, particle-major, of the kept particles
        (``(d M, d M)``, ``M = keep.sum()``); built with
        ``bosonpeak.matrices.particle_hessian.hessian(p, pot, mass_weighted=False, keep=keep)``
        if not given.
    keep : array_like of bool, shape (N,), optional
        Particles to keep (rattlers removed); densities are then those of the kept particles,
        the ones whose ``d M`` modes the spectrum holds.
    solver : {"auto", "direct", "cg"}
        ``"cg"``: every column in one pass per iteration (``analysis._relax_cg``), with its error
        estimate in ``ElasticTensor.error``.
    terms : PairTerms, optional
        ``pair_terms(p, pot)`` if already computed (saves a pass over the pairs).
    mass_weighted : bool
        ``H`` is the mass-weighted dynamical matrix (``hessian(p, pot, keep=keep)``, CSR or BSR,
        float32 allowed) instead of the unweighted one: the relaxation is solved in its coordinates.
    tolerance : float
        CG stops when each column's error estimate is below ``tolerance`` times its modulus.
    progress : bool
        Progress bar over the CG iterations.

    Returns
    -------
    ElasticTensor

    Examples
    --------
    A triangular crystal of unit harmonic disks compressed to spacing ``a``: nothing relaxes
    (one particle per cell) and the tension ``V'/r`` of the contacts softens the shear,
    ``G = sqrt(3)/4 + (9 / (4 sqrt(3))) V'(a)/a`` with ``V'(a) = -(1 - a)``:

    >>> import numpy as np
    >>> from bosonpeak.model.particles import particles
    >>> from bosonpeak.model.potentials import potential
    >>> from bosonpeak.analysis.moduli import elastic_tensor
    >>> a = 0.95
    >>> x = [[a * (i + 0.5 * (j % 2)), a * np.sqrt(3) / 2 * j] for i in range(4) for j in range(4)]
    >>> p = particles(x, np.diag([4 * a, 2 * np.sqrt(3) * a]), diameters=np.ones(16))
    >>> e = elastic_tensor(p, potential("harmonic"))
    >>> bool(np.isclose(e.shear, np.sqrt(3) / 4 - 9 / (4 * np.sqrt(3)) * (1 - a) / a)), round(e.pressure, 6)
    (True, 0.091161)
    """
    from ..model.potentials import PairTerms, pair_terms

    solver = _checks.choice("solver", solver, SOLVERS)
    tolerance = _checks.real("tolerance", tolerance, minimum=0.0, min_inclusive=False)
    terms = pair_terms(p, pot) if terms is None else terms
    mask = np.ones(p.n, bool) if keep is None else np.asarray(keep)
    if mask.shape != (p.n,) or mask.dtype != bool:
        raise _checks.ParameterError(f"'keep' must be a boolean mask of the {p.n} particles; got {mask.dtype} {mask.shape}")
    if H is None:
        from ..matrices.particle_hessian import hessian

        H = hessian(p, pot, mass_weighted=mass_weighted, keep=None if keep is None else mask)
    index = np.cumsum(mask) - 1
    sel = mask[terms.i] & mask[terms.j]
    kept = PairTerms(i=index[terms.i[sel]], j=index[terms.j[sel]], rij=terms.rij[sel], r=terms.r[sel], dV=terms.dV[sel],
                     d2V=terms.d2V[sel], V=terms.V[sel])
    return from_pair_terms(kept, n=int(mask.sum()), volume=p.volume, mass=float(np.sum(p.masses[mask])), H=H,
                           solver=solver, masses=p.masses[mask] if mass_weighted else None, tolerance=tolerance, progress=progress)



def from_pair_terms(terms, *, n: int, volume: float, mass: float, H, solver: str = "auto", masses=None,
                    tolerance: float = CG_RELATIVE, progress: bool = False) -> ElasticTensor:
    """``ElasticTensor`` from pair terms (``i, j, rij, r, dV, d2V`` as ``PairTerms`` holds them),
    the particle count, the volume, the total mass and the Hessian ``H``: unweighted, or
    mass-weighted with the particles' ``masses`` given."""
    solver = _checks.choice("solver", solver, SOLVERS)
    rij = np.asarray(terms.rij, dtype=float)
    d = rij.shape[1]
    if H.shape != (d * n, d * n):
        raise _checks.ParameterError(f"'H' must be ({d * n}, {d * n}) for {n} particles in {d}D; got {H.shape}")
    from ._affine import affine

    born, stress, Xi = affine(terms, n, d)
    born, stress = born / volume, stress / volume
    if masses is not None:  # D = M^-1/2 H M^-1/2: Xi^T H^+ Xi = b^T D^+ b with b = M^-1/2 Xi
        Xi = Xi / np.repeat(np.sqrt(np.asarray(masses, dtype=float)), d)[:, None]
    # at a force-free state the antisymmetric (rotation) parts of Xi vanish: the d (d + 1) / 2 symmetric columns suffice
    cols = [(c, e) for c in range(d) for e in range(c, d)]
    pick = np.array([cols.index((min(c, e), max(c, e))) for c in range(d) for e in range(d)])
    sym = np.stack([0.5 * (Xi[:, c * d + e] + Xi[:, e * d + c]) for c, e in cols], axis=1)
    if np.abs(Xi - sym[:, pick]).max(initial=0.0) > 1e-9 * np.abs(Xi).max(initial=0.0):
        cols, pick, sym = [(c, e) for c in range(d) for e in range(d)], np.arange(d * d), Xi
    error, iterations = None, 0
    if solver == "cg" or (solver == "auto" and n * d > DIRECT_MAX_DOF[d]):
        from ._relax_cg import relax_cg, translations

        born_diag = np.array([born[c, e, c, e] for c, e in cols]) * volume
        X, quad, err, iterations, res = relax_cg(H, sym, d, null=translations(np.ones(n) if masses is None else masses, d),
                                                 scale=lambda q: born_diag - q, tolerance=tolerance, progress=progress)
        error = np.sqrt(np.outer(err, err))[np.ix_(pick, pick)].reshape(d, d, d, d) / volume
        R = sym.T @ X + X.T @ res  # b_i.x_j + x_i.r_j: off by -e_i^T H e_j only (second order in the errors)
    else:
        X = _relax(sp.csr_matrix(H), sym, d, solver)
        R = sym.T @ X
    relax = (0.5 * (R + R.T))[np.ix_(pick, pick)] / volume
    A = born - relax.reshape(d, d, d, d)
    return ElasticTensor(A=A, born=born, stress=stress, number_density=n / volume, mass_density=mass / volume, error=error,
                         iterations=iterations)


def _relax(H: sp.csr_matrix, Xi: np.ndarray, d: int, solver: str) -> np.ndarray:
    """A solution ``X`` of ``H X = Xi`` (``Xi`` orthogonal to the translations), zero modes left out."""
    n_dof = H.shape[0]
    X = np.zeros_like(Xi)
    row_abs = np.asarray(abs(H).sum(axis=1)).ravel().reshape(-1, d).sum(axis=1)
    active = np.flatnonzero(row_abs > 0)  # particles that interact with something
    if len(active) < 2 or not np.any(Xi):
        return X
    dofs = (d * active[:, None] + np.arange(d)).ravel()
    Ha, Fa = H[dofs][:, dofs].tocsr(), Xi[dofs]
    scale = float(row_abs.max())
    if solver == "auto":
        solver = "direct" if len(dofs) <= DIRECT_MAX_DOF[d] else "cg"
    Xa = None
    if solver == "direct":
        free = np.arange(d, len(dofs))  # the first active particle pinned: no translations
        try:
            with np.errstate(all="ignore"):
                Xa = np.zeros_like(Fa)
                Xa[free] = spla.splu(Ha[free][:, free].tocsc(), permc_spec="COLAMD").solve(np.ascontiguousarray(Fa[free]))
        except RuntimeError:  # exactly singular: further zero modes
            Xa = None
        if Xa is not None and (not np.all(np.isfinite(Xa)) or
                               np.abs(Ha @ Xa - Fa).max() > 1e-8 * (scale * np.abs(Xa).max() + np.abs(Fa).max())):
            Xa = None  # zero modes beyond the translations (rattlers with contacts): CG below
    if Xa is None:
        Xa = _cg(Ha, Fa, d)
    X[dofs] = Xa
    return X


def _cg(H: sp.csr_matrix, F: np.ndarray, d: int) -> np.ndarray:
    """Jacobi-preconditioned CG on the singular consistent system, translations projected out."""
    diag = H.diagonal()
    inv = np.where(diag > 0, 1.0 / np.where(diag > 0, diag, 1.0), 0.0)
    M = spla.LinearOperator(H.shape, matvec=lambda v: inv * v, dtype=float)
    X = np.zeros_like(F)
    for k in range(F.shape[1]):
        b = F[:, k] - np.tile(F[:, k].reshape(-1, d).mean(axis=0), F.shape[0] // d)
        if not np.any(b):
            continue
        x, _ = spla.cg(H, b, rtol=CG_TOLERANCE, atol=0.0, maxiter=20 * H.shape[0], M=M)
        X[:, k] = x - np.tile(x.reshape(-1, d).mean(axis=0), F.shape[0] // d)
    return X
