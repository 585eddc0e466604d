"""Local DOS averaged over the nodes of each coordination number ``z``.

The paper's toy model asks whether nodes with ``z != 4`` carry the Boson peak. This answers
it on whole networks: the local DOS per unit omega, ``g_i(omega) = -(2 omega / pi) Im G_ii``
(``greens.local_dos``, convention ``"omega"``), averaged over every node with ``z`` springs.
The average over all nodes is the DOS itself, so each class's ``g_z / omega`` compares
directly with the Debye level.

Engines are registered by name, like the DOS engines: ``"dense"`` (exact diagonalisation,
small networks) and ``"kpm"`` (``kpm.kpm_local_dos``, any size; options ``resolution``
in omega, ``vectors``, ...) are built in; another engine plugs in with
``register_engine(name, engine)``, ``engine(H, omega, groups, *, rng, **options) -> (G, W)``
array, the mean local DOS per unit omega over the node indices of each group.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from .. import _checks
from ..matrices.laplacian import as_matrix, dynamical_matrix
from ..model.lattice import SpringNetwork
from .kpm import DEFAULT_VECTORS, _kpm

_ENGINES: dict[str, Callable] = {}


def register_engine(name: str, engine: Callable) -> None:
    """Make ``engine(H, omega, groups, *, rng, **options) -> (G, W) array`` available as
    ``local_dos_by_coordination(..., method=name)``."""
    _ENGINES[name] = engine


def local_dos_by_coordination(net: SpringNetwork, omega, *, z=None, method: str = "dense", rng=None, **options):
    """Mean local DOS per unit omega of the nodes with each coordination number.

    Parameters
    ----------
    net : SpringNetwork
    omega : array_like, shape (W,)
        Frequencies, >= 0.
    z : array_like of int, optional
        Coordination numbers to report; default every ``z`` present.
    method : str
        Local-DOS engine: ``"dense"`` (``greens.local_dos``, N <= 8000; option ``eps``, the
        broadening in ``omega**2``, default 0.01), ``"kpm"`` (option ``resolution`` in omega,
        default 0.05) or a registered one.
    rng : int, SeedSequence or Generator, optional
        For stochastic engines.

    Returns
    -------
    z : ndarray of int, shape (Z,)
    ldos : ndarray, shape (Z, W)
        Mean ``g_i(omega)`` over the nodes of each ``z`` (nan where none has it).
    fraction : ndarray, shape (Z,)
        Fraction of nodes with each ``z``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.local import local_dos_by_coordination
    >>> z, g, f = local_dos_by_coordination(bosonpeak.network(10, 0.3, rng=1), np.linspace(0.1, 3, 30))
    >>> g.shape == (len(z), 30), round(float(f.sum()), 12)
    (True, 1.0)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    method = _checks.choice("method", method, _ENGINES)
    omega = np.atleast_1d(np.asarray(omega, dtype=float))
    coordination = net.coordination
    z = np.unique(coordination) if z is None else np.asarray([_checks.integer("z", int(v), minimum=0) for v in np.atleast_1d(z)])
    groups = [np.flatnonzero(coordination == v) for v in z]
    present = [g for g in groups if g.size]
    values = _ENGINES[method](dynamical_matrix(net), omega, present, rng=rng, **options) if present else np.zeros((0, omega.size))
    out = np.full((len(z), omega.size), np.nan)
    out[[i for i, g in enumerate(groups) if g.size]] = values
    fraction = np.array([g.size for g in groups]) / net.n_nodes
    return z, out, fraction


def _dense_engine(H, omega, groups, *, rng=None, eps: float = 0.01, modes=None):
    """``modes``: ``(lam, vec)`` of ``numpy.linalg.eigh(H)`` when the caller has them (not computed again)."""
    if modes is None:
        g = local_dos(H, omega, eps=eps, convention="omega")  # (W, N)
    else:
        g = _response(*modes, omega, _checks.real("eps", eps, minimum=0.0, min_inclusive=False), "omega")
    return np.stack([g[:, idx].mean(axis=1) for idx in groups])


def _kpm_engine(H, omega, groups, *, rng=None, resolution: float = 0.05, **options):
    """KPM local DOS (``kpm.kpm_local_dos``) on bins centred on ``omega``, read at ``omega``."""
    from .local import kpm_local_dos

    step = float(np.min(np.diff(omega))) if omega.size > 1 else resolution
    lo = max(float(omega[0]) - step / 2, 0.0)
    edges = np.arange(lo, float(omega[-1]) + step, step)
    parts = kpm_local_dos(H, list(groups), edges, zero_modes=True, rng=rng, resolution=resolution, **options)  # every mode, as the Green function
    return np.stack([np.interp(omega, p.centres, p.density) for p in parts])


register_engine("dense", _dense_engine)
register_engine("kpm", _kpm_engine)


CONVENTIONS = ("paper", "omega")


#: Largest N for which ``local_dos`` diagonalises H densely.
LOCAL_DOS_MAX_NODES = 8_000


def local_dos(H, omega, *, eps: float, convention: str = "paper") -> np.ndarray:
    """On-node response of every node at the frequencies ``omega``.

    Parameters
    ----------
    H : (N, N) symmetric matrix or SpringNetwork
        Dynamical matrix, ``N <= LOCAL_DOS_MAX_NODES`` (diagonalised densely; use the KPM
        local DOS for large networks).
    omega : array_like, shape (W,)
        Frequencies, finite and >= 0.
    eps : float
        Broadening ``eps > 0`` added to ``omega**2``.
    convention : {"paper", "omega"}
        ``"paper"``: ``-Im G_ii`` as plotted in the paper; ``"omega"``:
        ``-(2 omega / pi) Im G_ii``, a local DOS per unit omega.

    Returns
    -------
    ndarray, shape (W, N)

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> H = bosonpeak.toy_model("square")
    >>> w = np.linspace(0, 4, 4001)
    >>> g = bosonpeak.local_dos(H, w, eps=0.01, convention="omega")
    >>> round(float(np.trapezoid(g[:, 4], w)), 2)  # 1 less half the zero mode's weight 1/9
    0.94
    """
    H = as_matrix(H, "H")
    if H.shape[0] > LOCAL_DOS_MAX_NODES:
        raise _checks.ParameterError(f"'H' must have N <= {LOCAL_DOS_MAX_NODES} for the dense local DOS; got N = {H.shape[0]}")
    eps = _checks.real("eps", eps, minimum=0.0, min_inclusive=False)
    convention = _checks.choice("convention", convention, CONVENTIONS)
    try:
        omega = np.asarray(omega, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterTypeError(f"'omega' must be an array of numbers; got {omega!r}") from exc
    if omega.ndim > 1 or not np.all(np.isfinite(omega)) or np.any(omega < 0):
        raise _checks.ParameterError("'omega' must be a 1-D array of finite values >= 0")
    omega = _checks.nonempty("omega", omega)
    lam, vec = np.linalg.eigh(H.toarray() if sp.issparse(H) else H)
    return _response(lam, vec, omega, eps, convention)


def _response(lam: np.ndarray, vec: np.ndarray, omega: np.ndarray, eps: float, convention: str) -> np.ndarray:
    """``local_dos`` from the eigenpairs ``lam``, ``vec`` (columns) of H: shape (W, N)."""
    weight = vec**2  # (N nodes, N modes)
    # -Im G_ii(z) = sum_k |v_ik|^2 eps / ((omega^2 - lambda_k)^2 + eps^2)
    lorentz = eps / ((omega[:, None] ** 2 - lam[None, :]) ** 2 + eps**2)  # (W, modes)
    response = lorentz @ weight.T
    if convention == "omega":
        response = response * (2.0 * omega[:, None] / np.pi)
    return response


def kpm_local_dos(net_or_H, groups, edges=None, *, zero_modes: bool = False, rng=None, progress: bool = False,
                  resolution: float | None = None, moments: int | None = None, vectors: int = DEFAULT_VECTORS,
                  dtype="float64", device: str = "cpu", block: int | None = None, threads: int | None = None):
    """KPM local DOS per unit omega of one node, or averaged over a class of nodes.

    For a group ``S`` the result is ``(1 / |S|) sum_{i in S} g_i(omega)`` with
    ``g_i(omega) = sum_k e_ik**2 delta(omega - omega_k)`` (each ``g_i`` integrates to 1 with the
    zero modes kept, ``zero_modes=True``; by default they are taken out, as in ``bosonpeak.dos``, and
    a node of a connected network keeps ``1 - 1/N``). A
    group of at most ``vectors`` nodes is expanded exactly with one unit vector per node
    (``error`` is 0); a larger group with ``vectors`` random-sign vectors restricted to it.
    Every group goes through the same Chebyshev recursion, one matrix pass per step.

    Parameters
    ----------
    net_or_H : SpringNetwork or (N, N) symmetric matrix
    groups : int, array_like of int or bool, list or dict of these
        One node, one group (indices, or a boolean mask of length N), or several groups; the
        result has the same shape (one DOS, a list, or a dict with the same keys).
    edges : array_like, optional
        Bin edges in omega (default: as ``bosonpeak.default_edges``).
    zero_modes, rng, progress, resolution, moments, vectors, dtype, device, block, threads
        As for ``bosonpeak.dos(..., method="kpm")``.

    Returns
    -------
    DOS, list of DOS or dict of DOS
        ``method`` is ``"kpm-local"``; ``info["nodes"]`` is the size of the group.

    Examples
    --------
    Do nodes with z != 4 carry the low-frequency modes? Average the local DOS per class:

    >>> import numpy as np, bosonpeak
    >>> net = bosonpeak.network(20, 0.2, rule="cutoff", rng=0)
    >>> z = net.coordination
    >>> by_z = {k: z == k for k in np.unique(z)}
    >>> g = bosonpeak.kpm_local_dos(net, by_z, np.linspace(0, 4, 41), resolution=0.1, rng=1)
    >>> sorted(int(k) for k in g), round(g[4].integral() * net.n_nodes, 6)  # 1 - 1/N: the zero mode taken out
    ([2, 3, 4, 5, 6], 399.0)
    """
    from .. import _resources
    from ..matrices.laplacian import as_matrix
    from .spectrum import default_edges, memory_estimate

    H = as_matrix(net_or_H)
    n = H.shape[0]
    edges = default_edges(H) if edges is None else _checks.increasing_edges("edges", edges)
    if not isinstance(zero_modes, bool):
        raise _checks.ParameterTypeError(f"'zero_modes' must be True or False; got {zero_modes!r}")
    if isinstance(groups, dict):
        keys, items = list(groups), list(groups.values())
    elif isinstance(groups, (list, tuple)) and groups and all(np.ndim(g) >= 1 for g in groups):
        keys, items = None, list(groups)
    else:
        keys, items = "one", [groups]
    nodes = [_group("groups", g, n) for g in items]
    _checks.rng("rng", rng)
    vec = _checks.integer("vectors", vectors, minimum=1)
    columns = sum(len(g) if len(g) <= vec else vec for g in nodes)
    memory = memory_estimate("kpm", n, H.nnz, edges, H=H, vectors=columns, moments=moments, resolution=resolution, dtype=dtype, block=block)
    _resources.check(_resources.Plan(f"KPM local DOS of {len(nodes)} group(s), {columns} vectors of N = {n}", memory,
                                     advice="fewer groups or vectors, or a smaller block"))
    out = _kpm(H, edges, nodes, zero_modes=zero_modes, rng=rng, progress=progress, resolution=resolution,
               moments=moments, vectors=vectors, dtype=dtype, device=device, block=block, threads=threads, method="kpm-local")
    if keys == "one":
        return out[0]
    return out if keys is None else dict(zip(keys, out))


def _group(name, g, n) -> np.ndarray:
    """Node indices of one group: an int, indices, or a boolean mask of length n."""
    arr = np.asarray(g)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise _checks.ParameterError(f"a boolean mask in '{name}' must have shape ({n},); got {arr.shape}")
        arr = np.flatnonzero(arr)
    if not np.issubdtype(arr.dtype, np.integer) or arr.ndim > 1:
        raise _checks.ParameterTypeError(f"'{name}' must hold node indices (int) or boolean masks; got {g!r}")
    arr = np.unique(np.atleast_1d(arr))
    if arr.size == 0 or arr[0] < 0 or arr[-1] >= n:
        raise _checks.ParameterError(f"'{name}' must hold at least one node index in [0, {n - 1}]; got {g!r}")
    return arr
