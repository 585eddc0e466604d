"""Dynamic structure factor ``S(q, omega)`` of the scalar model (``PHYSICS.md``, "Sound").

``S(q, omega) = sum_k |<q|e_k>|^2 delta(omega - omega_k)`` with the plane wave
``|q>_i = exp(i q . r_i) / sqrt(N)`` on the actual positions ``r_i``: the spectral measure of
``H`` seen from ``|q>``. ``H`` is real, so ``<q|f(H)|q> = <c|f(H)|c> + <s|f(H)|s>`` with
``c``, ``s`` the cosine and sine parts: two real start vectors per ``q``.

* ``method="dense"``: exact, from every eigenvector (``N <= DENSE_MAX_NODES``); the exact
  lines are kept (``omega_modes``, ``weights``).
* ``method="kpm"``: the Chebyshev recursion of ``kpm`` with ``c`` and ``s`` as start vectors
  (``_chebyshev``), expanded in ``y = omega / omega_max`` with the Jackson kernel: the same
  omega-space conventions, bin averages and resolution ``~ pi omega_max / (2 M)`` as
  ``dos(method="kpm")``. Deterministic: no stochastic error, only the kernel's broadening.

Conventions as for ``DOS``: ``density`` per unit omega in bins ``[e_k, e_k+1)``; the zero
modes (constants on each connected component) are projected out of ``|q>`` unless
``zero_modes=True``, so ``density`` integrates to ``1 - zero_weight`` (``info``).
Allowed wave vectors of the periodic box: ``2 pi (m, n) / (L a)`` (``lattice_wavevectors``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.csgraph import connected_components
from tqdm.auto import tqdm

from .. import _checks
from ..matrices.laplacian import dynamical_matrix
from ..model.lattice import SpringNetwork
from ._chebyshev import chebyshev_moments, shifted
from .dense import DENSE_MAX_NODES
from .kpm import SAFETY, _bin_matrix, _jackson, _n_moments, _project_out_zero_modes, _usable_cpus
from .spectrum import edge_shifts, gershgorin_bound

METHODS = ("dense", "kpm")


@dataclass(frozen=True, eq=False)
class StructureFactor:
    """``S(q, omega)`` on omega bins for a set of wave vectors.

    Attributes
    ----------
    q : ndarray, shape (Q, 2)
        Wave vectors.
    edges : ndarray, shape (B + 1,)
        Bin edges in omega.
    density : ndarray, shape (Q, B)
        ``S(q, omega)`` per unit omega (bin averages).
    n_modes : int
        Modes ``N`` of the network.
    method : str
        ``"dense"`` or ``"kpm"``.
    resolution : float or None
        Kernel resolution in omega (KPM); None for exact histograms.
    omega_modes : ndarray, shape (N,), optional
        Every eigenfrequency (dense only).
    weights : ndarray, shape (Q, N), optional
        ``|<q|e_k>|^2`` of every mode (dense only; zero modes' weights set to 0 when removed).
    info : dict
        ``zero_weight`` (Q,), ``moments``, ``omega_max``, ``seconds``.
    """

    q: np.ndarray
    edges: np.ndarray
    density: np.ndarray
    n_modes: int
    method: str
    resolution: float | None = None
    omega_modes: np.ndarray | None = None
    weights: np.ndarray | None = None
    info: dict = field(default_factory=dict)

    @property
    def centres(self) -> np.ndarray:
        """Bin centres, shape (B,)."""
        return 0.5 * (self.edges[1:] + self.edges[:-1])

    @property
    def q_norm(self) -> np.ndarray:
        """``|q|``, shape (Q,)."""
        return np.hypot(self.q[:, 0], self.q[:, 1])


def lattice_wavevectors(L: int, orders, direction=(1, 0), a: float = 1.0) -> np.ndarray:
    """Allowed wave vectors ``2 pi m (dx, dy) / (L a)`` for integer orders ``m``, shape (len(orders), 2).

    Examples
    --------
    >>> from bosonpeak.spectra.structure import lattice_wavevectors
    >>> lattice_wavevectors(10, [1, 2]).round(4).tolist()
    [[0.6283, 0.0], [1.2566, 0.0]]
    """
    L = _checks.integer("L", L, minimum=1)
    m = np.atleast_1d(np.asarray(orders))
    if m.ndim != 1 or not np.issubdtype(m.dtype, np.integer):
        raise _checks.ParameterTypeError(f"'orders' must be a 1-D sequence of integers; got {orders!r}")
    d = np.asarray(direction)
    if d.shape != (2,) or not np.issubdtype(d.dtype, np.integer):
        raise _checks.ParameterTypeError(f"'direction' must be two integers; got {direction!r}")
    return 2.0 * np.pi / (L * a) * m[:, None] * d[None, :]


def structure_factor(net: SpringNetwork, q, edges, *, method: str = "dense", zero_modes: bool = False, resolution: float | None = None,
                     moments: int | None = None, threads: int | None = None, progress: bool = False) -> StructureFactor:
    """Dynamic structure factor ``S(q, omega)`` of the scalar model (module notes).

    Parameters
    ----------
    net : SpringNetwork
    q : array_like, shape (Q, 2) or (2,)
        Wave vectors (use ``lattice_wavevectors`` for ones allowed by the box).
    edges : array_like, shape (B + 1,)
        Increasing bin edges in omega, from 0 or above.
    method : {"dense", "kpm"}
        Exact eigenvectors, or the Chebyshev recursion with ``|q>`` as start vector.
    zero_modes : bool
        Keep the overlap of ``|q>`` with the zero modes (a delta at omega = 0), or project it out.
    resolution, moments : optional
        KPM only, as for ``dos(method="kpm")``: resolution in omega (default the mean bin width)
        or the number of moments.
    threads : int, optional
        KPM only: CPU threads per Chebyshev step.
    progress : bool
        Progress bar (KPM).

    Returns
    -------
    StructureFactor

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.structure import lattice_wavevectors, structure_factor
    >>> crystal = bosonpeak.network(12, 0.0)
    >>> sf = structure_factor(crystal, lattice_wavevectors(12, [1]), np.linspace(0, 3, 301))
    >>> w = sf.omega_modes[np.argmax(sf.weights[0])]
    >>> bool(np.isclose(w, 2 * np.sin(np.pi / 12))), round(float(sf.weights.sum()), 12)
    (True, 1.0)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    method = _checks.choice("method", method, METHODS)
    edges = _checks.increasing_edges("edges", edges)
    if not isinstance(zero_modes, bool):
        raise _checks.ParameterTypeError(f"'zero_modes' must be True or False; got {zero_modes!r}")
    try:
        q = np.atleast_2d(np.asarray(q, dtype=float))
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterTypeError(f"'q' must be an array of wave vectors of shape (Q, 2); got {q!r}") from exc
    if q.ndim != 2 or q.shape[1] != 2 or not np.all(np.isfinite(q)):
        raise _checks.ParameterError(f"'q' must be finite wave vectors of shape (Q, 2); got shape {q.shape}")
    if method == "dense" and (resolution is not None or moments is not None):
        raise _checks.ParameterError("'resolution' and 'moments' apply only to method='kpm'")
    H = dynamical_matrix(net)
    n = H.shape[0]
    phase = net.positions @ q.T  # (N, Q)
    V = np.empty((n, 2 * len(q)))
    V[:, 0::2], V[:, 1::2] = np.cos(phase), np.sin(phase)
    V /= np.sqrt(n)
    n_comp, labels = connected_components(H, directed=False)
    sizes = np.bincount(labels)
    total = np.einsum("ij,ij->j", V, V).reshape(len(q), 2).sum(axis=1)
    P = _project_out_zero_modes(V.copy(), labels, sizes)
    zero_weight = total - np.einsum("ij,ij->j", P, P).reshape(len(q), 2).sum(axis=1)
    t0 = time.perf_counter()
    if method == "dense":
        if n > DENSE_MAX_NODES:
            raise _checks.ParameterError(f"method 'dense' needs N <= {DENSE_MAX_NODES}; got N = {n}: use method='kpm'")
        lam, vec = np.linalg.eigh(H.toarray())
        amp = vec.T @ V  # (N, 2Q)
        weights = (amp[:, 0::2] ** 2 + amp[:, 1::2] ** 2).T  # (Q, N)
        if not zero_modes:  # a Laplacian: the n_comp lowest eigenvalues are its zero modes
            weights[:, :n_comp] = 0.0
        omega = np.sqrt(np.clip(lam, 0.0, None))
        omega[:n_comp] = 0.0
        below = np.searchsorted(lam, edge_shifts(H, edges), side="left")
        bins = np.searchsorted(below, np.arange(n), side="right") - 1  # bin of mode k, -1 or B outside
        density = np.zeros((len(q), len(edges) - 1))
        inside = (bins >= 0) & (bins < len(edges) - 1)
        for i in range(len(q)):
            density[i] = np.bincount(bins[inside], weights[i, inside], minlength=len(edges) - 1)
        density /= np.diff(edges)[None, :]
        info = dict(zero_weight=zero_weight, seconds=time.perf_counter() - t0, components=int(n_comp))
        return StructureFactor(q, edges, density, n, "dense", None, omega, weights, info)
    threads = _usable_cpus() if threads is None else _checks.integer("threads", threads, minimum=1)
    lam_max = (1.0 + SAFETY) * max(gershgorin_bound(H), np.finfo(float).tiny)
    omega_max = float(np.sqrt(lam_max))
    n_mom = _n_moments(resolution, moments, omega_max, edges)
    start = V if zero_modes else P
    bar = tqdm(total=n_mom // 2, desc="S(q,w) KPM", disable=not progress, leave=False)
    mu = chebyshev_moments(shifted(H, lam_max, np.dtype("float64")), np.ascontiguousarray(start), n_mom, "cpu", bar, threads)
    bar.close()
    per = mu @ _bin_matrix(edges, omega_max, n_mom)  # (2Q, B)
    density = per[0::2] + per[1::2]
    sigma = float(omega_max * np.sqrt(0.5 * (1.0 - _jackson(2 * n_mom)[2])))
    info = dict(zero_weight=zero_weight, seconds=time.perf_counter() - t0, components=int(n_comp), moments=n_mom, omega_max=omega_max)
    return StructureFactor(q, edges, density, n, "kpm", sigma, None, None, info)
