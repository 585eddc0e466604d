"""Vibrational density of states: the ``dos`` entry, its engine registry and the exact histogram.

``dos`` dispatches to one engine per method. Every engine returns the same ``DOS`` record
(``density.py``), so the analysis and figures work on any of them. Conventions (``PHYSICS.md``):

* ``density`` is per mode: ``counts / (N * bin width)``; by default without the exact zero modes.
* A bin ``[e_k, e_k+1)`` counts the frequencies with ``e_k <= omega < e_k+1``, the same
  convention that Sylvester-inertia counting (``lambda < sigma``) gives. An eigenvalue within
  round-off (``EDGE_TOLERANCE`` times the Gershgorin bound) of ``e_k**2`` counts as on the edge,
  so a degenerate shell on an edge falls whole in the bin above (``edge_shifts``).
* ``reduced`` is ``density / omega`` at the bin centres, the paper's ``g(omega) / omega``.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from .. import _checks, _resources
from ..matrices import _lean
from ..matrices.laplacian import as_matrix
from ._docs import engine_options_doc
from .density import DOS
from ._labels import labels

#: Default bin width in omega.
DEFAULT_BIN_WIDTH = 0.05
#: Eigenvalues within this fraction of the Gershgorin bound of an edge's ``omega**2`` count as on it.
EDGE_TOLERANCE = 1e-7


def gershgorin_bound(H: sp.spmatrix) -> float:
    """Upper bound on the eigenvalues of ``H``: max over rows of ``H_ii + sum_j |H_ij|``."""
    H = sp.csr_matrix(H)
    if H.nnz > _lean.LEAN_NNZ:  # no absolute-value copy of a very large matrix
        return float(np.max(_lean.abs_row_sums(H)))
    return float(np.max(abs(H).sum(axis=1))) if H.nnz else 0.0


def edge_shifts(H: sp.spmatrix, edges: np.ndarray) -> np.ndarray:
    """Every engine counts ``lambda < sigma_k = e_k**2 - min(EDGE_TOLERANCE * bound, e_k**2 / 2)`` below edge k
    (``-EDGE_TOLERANCE * bound`` at ``e_k <= 0``): a zero mode lies below every positive edge, however narrow the bins."""
    sq, band = np.asarray(edges, dtype=float) ** 2, EDGE_TOLERANCE * gershgorin_bound(H)
    return np.where(np.asarray(edges) > 0, sq - np.minimum(band, 0.5 * sq), -band)


def default_edges(net_or_H, width: float = DEFAULT_BIN_WIDTH) -> np.ndarray:
    """Bins of ``width`` from 0 up past the top of the spectrum (Gershgorin bound).

    Examples
    --------
    >>> import bosonpeak
    >>> e = bosonpeak.default_edges(bosonpeak.network(5, 0.0))
    >>> float(e[0]), float(e[1]), bool(e[-1] >= 2 * 2 ** 0.5)
    (0.0, 0.05, True)
    """
    width = _checks.real("width", width, minimum=0.0, min_inclusive=False)
    H = as_matrix(net_or_H)
    top = np.sqrt(gershgorin_bound(H))
    n = _resources.check_bins("width", width, top, floor=True, offset=1)
    return width * np.arange(n + 1)


Engine = Callable[..., "DOS"]
_ENGINES: dict[str, Engine] = {}


def register_engine(name: str, engine: Engine) -> None:
    """Make ``engine(H, edges, *, zero_modes, rng, progress, **options) -> DOS`` available
    as ``dos(..., method=name)``."""
    _ENGINES[name] = engine
    dos.__doc__ = _OPTIONS_PLACEHOLDER.sub(lambda m: _engine_options_doc(m.group(1)), _DOS_DOC)


def methods() -> tuple[str, ...]:
    """Names of the available DOS methods."""
    return tuple(_ENGINES)


def dos(net_or_H, edges=None, *, method: str = "dense", zero_modes: bool = False, rng=None, progress: bool = False,
        n_zero: int | None = None, dim: int | None = None, model: str | None = None, **options) -> DOS:
    """Vibrational density of states of one network.

    Parameters
    ----------
    net_or_H : SpringNetwork or (N, N) symmetric matrix
        The network, or its dynamical matrix.
    edges : array_like, optional
        Increasing bin edges in omega, starting at 0 or above. Default: bins of 0.05 up past
        the top of the spectrum.
    method : str
        ``"dense"`` (exact, ``numpy.linalg.eigvalsh``) or another registered engine
        (see ``bosonpeak.methods()``).
    zero_modes : bool
        Take the exact zero modes (a Laplacian's components, or ``n_zero``) out of the bin at omega = 0 (False,
        the default, as ``bosonpeak dos``: integral ``1 - zero_modes / N``) or keep them (True: integral 1).
    rng : int, SeedSequence or Generator, optional
        For stochastic methods.
    progress : bool
        Show a progress bar where the method has one.
    n_zero : int, optional
        The exact number of zero modes of ``H`` when it is not a graph Laplacian (a vector
        matrix: ``bosonpeak.spectra.vector.vector_zero_modes``). The engine then runs with
        every mode kept and ``zero_modes=False`` takes ``n_zero`` modes out of the bin holding
        ``omega = 0`` (exact engines) or ``n_zero`` kernel-broadened deltas at 0 (KPM).
        For a Laplacian it must equal its number of connected components.
    dim, model : int, str, optional
        What a bare matrix is the dynamical matrix of (``DOS.dim``, ``DOS.model``); a network
        says it itself (its ``dim``, the scalar model).
    **options
        Method-specific options.

    Returns
    -------
    DOS

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> net = bosonpeak.network(12, 0.0)
    >>> g, kept = (bosonpeak.dos(net, np.linspace(0, 3, 61), zero_modes=z) for z in (False, True))
    >>> g.zero_modes, round(g.integral() * g.n_modes, 9), round(kept.integral(), 12)
    (1.0, 143.0, 1.0)
    """
    method = _checks.choice("method", method, _ENGINES)
    _checks.rng("rng", rng)
    engine = _ENGINES[method]
    params = inspect.signature(engine).parameters
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        unknown = sorted(set(options) - set(params))
        if unknown:
            allowed = sorted(k for k, p in params.items() if p.kind is p.KEYWORD_ONLY and k not in ("zero_modes", "rng", "progress"))
            raise _checks.ParameterError(f"method {method!r} has no option {', '.join(map(repr, unknown))}; its options: {', '.join(allowed) or 'none'}")
    H = as_matrix(net_or_H)
    edges = default_edges(H) if edges is None else _checks.increasing_edges("edges", edges)
    if not isinstance(zero_modes, bool):
        raise _checks.ParameterTypeError(f"'zero_modes' must be True or False; got {zero_modes!r}")
    n = H.shape[0]
    _resources.check(_resources.Plan(f"DOS of N = {n} modes by method {method!r}", memory_estimate(method, n, H.nnz, edges, H=H, **options),
                                     advice="another method (bosonpeak.methods())"))
    shape = labels(net_or_H, dim, model)
    if n_zero is None:
        return dataclasses.replace(engine(H, edges, zero_modes=zero_modes, rng=rng, progress=progress, **options), **shape)
    n_zero = _checks.integer("n_zero", n_zero, minimum=0, maximum=H.shape[0])
    g = engine(H, edges, zero_modes=True, rng=rng, progress=progress, **options)
    if g.zero_modes and g.zero_modes != n_zero:  # a Laplacian: the engine counted its components
        raise _checks.ParameterError(f"'n_zero' must equal the {g.zero_modes:g} connected components of this graph Laplacian; got {n_zero}")
    return dataclasses.replace(known_zero_modes(g, n_zero, zero_modes), **shape)


def known_zero_modes(g: DOS, n_zero: int, zero_modes: bool) -> DOS:
    """``g`` (every mode kept) with ``n_zero`` known zero modes recorded and, unless ``zero_modes``, taken
    out: the lowest modes of an exact histogram, ``n_zero`` kernel-broadened deltas at 0 (``info["zero_delta"]``) of a smoothed one."""
    density, removed = np.array(g.density, dtype=float), 0.0
    if not zero_modes and n_zero and g.resolution is not None and "zero_delta" in g.info:
        removed = n_zero / g.n_modes * np.asarray(g.info["zero_delta"], dtype=float)
    elif not zero_modes and n_zero:
        removed = density - without_lowest_modes(density, g.edges, n_zero / g.n_modes)
    samples = None if g.samples is None else g.samples - removed
    return dataclasses.replace(g, density=density - removed, samples=samples, zero_modes=float(n_zero),
                               zero_modes_removed=not zero_modes)


def without_lowest_modes(density, edges, fraction: float) -> np.ndarray:
    """``density`` less the lowest ``fraction`` of all modes (zero modes), from whichever bins hold it; never
    negative. Nothing is taken when the bins start above ``omega = 0`` (the zero modes lie below them)."""
    density, widths = np.asarray(density, dtype=float), np.diff(edges)
    if edges[0] > 0.0 or not fraction:
        return density.copy()
    return np.diff(np.maximum(np.cumsum(np.r_[0.0, density * widths]) - fraction, 0.0)) / widths


#: Options every engine receives from ``dos`` itself, not listed among its own options.
_COMMON = ("zero_modes", "rng", "progress")
#: The line of ``dos``'s docstring that ``register_engine`` replaces by every engine's options.
_OPTIONS_PLACEHOLDER = re.compile(r"^( *)Method-specific options\.\n", re.MULTILINE)
_DOS_DOC = dos.__doc__


def _engine_options_doc(indent: str = "        ") -> str:
    """The ``**options`` entry of ``dos``'s docstring, from every registered engine (``_docs``)."""
    return engine_options_doc(_ENGINES, _COMMON, indent)


def memory_estimate(method: str, n: int, nnz: int, edges, *, H=None, **options) -> int:
    """Peak bytes of ``dos(H, edges, method=method, **options)`` for an ``n``-node matrix with
    ``nnz`` stored entries, from the sizes alone (``H``, if given, sharpens the KPM bound).

    The engine module's own ``memory_estimate`` if it has one: ``(n, nnz, edges, **options)``
    returning bytes, or, given ``H``, ``(H, n_mom, columns, block, dtype, bins)`` (KPM; without ``H``
    its ``sizes_estimate(n, nnz, edges, **options)``) and ``(H, *, solver, workers)`` (slicing)
    returning a dict with ``"total"`` or ``"bytes"``. Else ``bosonpeak._resources.dos_bytes``.

    Examples
    --------
    >>> from bosonpeak.spectra.spectrum import memory_estimate
    >>> round(memory_estimate("dense", 10_000, 50_000, [0.0, 1.0]) / 1e9, 1)  # 2.5 copies of 10^8 doubles
    2.0
    """
    engine = _ENGINES.get(method)
    module = sys.modules.get(getattr(engine, "__module__", ""), None)
    own = getattr(module, "memory_estimate", None)
    if callable(own) and own is not memory_estimate:
        try:
            value = _engine_estimate(own, module, n, nnz, edges, H, options)
        except Exception:  # noqa: BLE001 - an estimate that fails is no estimate; the engine reports bad options itself
            value = None
        if value is not None:
            return value
    omega_max = float(np.sqrt(gershgorin_bound(H))) if H is not None else 4.0
    return _resources.dos_bytes(method, n, nnz=nnz, bins=max(len(edges) - 1, 1), omega_max=omega_max, options=options)


def _engine_estimate(own, module, n, nnz, edges, H, options) -> int | None:
    params = inspect.signature(own).parameters
    if next(iter(params), None) not in ("H", "net_or_H"):
        out = own(n, nnz, edges, **options)
    elif H is None:  # an up-front plan: the engine's estimate from the sizes, else the generic one
        return int(module.sizes_estimate(n, nnz, edges, **options)) if hasattr(module, "sizes_estimate") else None
    elif "n_mom" in params:  # KPM: moments from the resolution, as the engine will choose them
        omega_max = float(np.sqrt((1.0 + module.SAFETY) * max(gershgorin_bound(H), np.finfo(float).tiny)))
        n_mom = module._n_moments(options.get("resolution"), options.get("moments"), omega_max, edges)
        vectors = options.get("vectors") or module.DEFAULT_VECTORS
        out = own(H, n_mom, vectors, options.get("block") or vectors, options.get("dtype", "float64"), len(edges) - 1)
    else:
        out = own(H, **{k: options[k] for k in ("solver", "workers") if k in params and options.get(k) is not None})
    if isinstance(out, dict):
        out = out.get("total", out.get("bytes"))
    return None if out is None else int(out)


def histogram_dos(below: np.ndarray, edges: np.ndarray, n: int, *, n_zero: int, zero_modes: bool, method: str, info=None) -> DOS:
    """Build a ``DOS`` from ``below[k]`` = number of modes with ``omega < edges[k]``; unless ``zero_modes``,
    the ``n_zero`` lowest modes (zero modes) leave whichever bins hold them."""
    if edges[0] <= 0 and below[0] > 0:  # counted below -EDGE_TOLERANCE * bound: H is not positive semi-definite
        raise _checks.ParameterError(f"'net_or_H' must be positive semi-definite (a dynamical matrix); it has {below[0]} negative eigenvalue(s)")
    counts = np.diff(np.maximum(np.asarray(below, dtype=float) - (0 if zero_modes else n_zero), 0.0))
    density = counts / (n * np.diff(edges))
    return DOS(edges, density, n, method, zero_modes=float(n_zero), zero_modes_removed=not zero_modes, info=info or {})


