"""Exact DOS by spectrum slicing: eigenvalue counts from Sylvester's law of inertia.

The number of eigenvalues of ``H`` below ``sigma`` equals the number of negative pivots
``D_ii`` of a factorisation ``H - sigma I = P L D L^T P^T``. One sparse factorisation per bin
edge (``sigma = edge**2``) gives the exact histogram at any ``N`` whose factor fits in memory,
without a single eigenvalue.

Convention (shared with the dense engine, ``spectrum.edge_shifts``): an edge counts the
eigenvalues ``lambda < edge**2 - EDGE_TOLERANCE * gershgorin_bound(H)``. An eigenvalue that
lies on an edge within that round-off band (a degenerate crystal shell, say) falls in the bin
*above* the edge, whole. The edge ``omega = 0`` counts 0 (``H`` is positive semi-definite).

Factorisation (``solver``): ``"frontal"`` is a multifrontal block ``L D L^T`` along a nested
dissection read from the lattice layout of ``H`` (``_ordering``, ``_multifrontal``): dense
fronts, symmetric diagonal pivoting inside each front, matrix products for the large ones; its
symbolic analysis (and the memory estimate) is done once per network and reused for every shift.
``"qdldl"`` is a simplicial LDL^T with AMD ordering (symbolic analysis reused through
``Solver.update``); ``"superlu"`` uses scipy's SuperLU (``MMD_AT_PLUS_A``, ``SymmetricMode``,
no pivoting). ``"auto"`` takes ``"frontal"`` for lattice networks from ``FRONTAL_MIN_NODES`` on
and ``"qdldl"`` otherwise. No solver pivots across fronts, so every factorisation is checked: finite
non-zero pivots, identical row and column orders, and the growth ``max_i (|L||D||L^T|)_ii /
gershgorin_bound(H)`` below ``GROWTH_LIMIT`` (the backward error, about ``eps * growth``, is far inside the edge band). A factorisation that fails is
redone in another elimination order (the dissection with its cuts moved, then qdldl's AMD
order, then random relabellings of the nodes); the counts must then rise monotonically from 0
to N. Anything that cannot be certified raises ``SlicingError``: no count is ever returned
unchecked. A shift within round-off of an eigenvalue (``H - sigma I`` singular) either raises
or counts that eigenvalue on either side, as for any backward-stable factorisation; the edge
convention keeps every bin edge a band's width away from such shifts.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np
import scipy.sparse as sp
from tqdm.auto import tqdm

from .. import _checks, _resources
from ..matrices.laplacian import as_matrix, zero_mode_count
from . import _multifrontal, _ordering
from .spectrum import (
    DOS,
    EDGE_TOLERANCE,
    edge_shifts,
    gershgorin_bound,
    histogram_dos,
    register_engine,
)

#: Largest ``max_i (|L||D||L^T|)_ii / gershgorin_bound(H)`` accepted: round-off then moves
#: eigenvalues by about ``eps * GROWTH_LIMIT * bound``, 1/64 of the edge band. (A shell at the
#: band's distance from sigma alone gives a growth of about 1 / EDGE_TOLERANCE = 1e7 / 8.)
GROWTH_LIMIT = EDGE_TOLERANCE / (64 * np.finfo(float).eps)
#: Elimination orders tried per shift before ``SlicingError`` (the first is the solver's own).
MAX_ORDERINGS = 4
#: Below this N one process is faster than a pool (start-up and pickling dominate).
PARALLEL_MIN_NODES = 40_000
SOLVERS = ("auto", "frontal", "qdldl", "superlu")
#: ``solver="auto"`` takes the multifrontal nested-dissection path from this many degrees of
#: freedom on (measured: 4x faster than qdldl on the nearest rule from L = 300, 6x on the
#: cut-off rule at L = 1000, but 2x slower on the cut-off rule at L = 300).
FRONTAL_MIN_NODES = 160_000
#: Nested-dissection orders (translated cuts) tried before falling back to qdldl's orders.
FRONTAL_ORDERINGS = 2


class SlicingError(ArithmeticError):
    """A shift whose inertia could not be certified (unstable pivots in every ordering tried)."""


class _Slicer:
    """Per-process cache of patterns and factorisation objects, one per elimination order.

    Orders ``0 .. frontal - 1`` are nested-dissection orders of the multifrontal solver (cuts
    translated by ``k * (L // 3 + 1)`` lattice planes); later orders are those of the scalar
    solver (``qdldl`` for ``"auto"`` and ``"frontal"``): first its own AMD order, then random
    relabellings of the nodes.
    """

    def __init__(self, H: sp.csr_matrix, solver: str):
        self.H = H
        self.scale = max(gershgorin_bound(H), np.finfo(float).tiny)
        wanted = solver == "frontal" or (solver == "auto" and H.shape[0] >= FRONTAL_MIN_NODES)
        self.geometry = _ordering.lattice_geometry(H) if wanted else None
        self.frontal = FRONTAL_ORDERINGS if self.geometry is not None else 0
        self.solver = "superlu" if solver == "superlu" else "qdldl"
        self.patterns: dict[int, _ordering.Pattern] = {}
        self.factors: dict[int, object] = {}
        self.fronts: dict[int, object] = {}

    def analysis(self, k: int = 0):
        """Symbolic multifrontal analysis in nested-dissection order ``k`` (``None``: not a lattice)."""
        if k not in self.fronts:
            offset = k * (self.geometry.shape[0] // 3 + 1)
            self.fronts[k] = _multifrontal.analyse(self.H, self.geometry, self.scale, offset)
        return self.fronts[k]

    def describe(self, k: int) -> str:
        if k < self.frontal:
            g = self.geometry
            return f"nested dissection of a {' x '.join(map(str, g.shape))} lattice (window {g.window}), cuts moved by {k * (g.shape[0] // 3 + 1)}"
        return f"{self.solver} {'own order' if k == self.frontal else 'random relabelling'}"

    def _get(self, k: int) -> _ordering.Pattern:
        if k not in self.patterns:
            relabel = None if k == self.frontal else np.random.default_rng(k).permutation(self.H.shape[0])
            self.patterns[k] = _ordering.pattern(self.H, self.solver, relabel)
        return self.patterns[k]

    def attempt(self, sigma: float, k: int) -> tuple[int | None, float]:
        """(negative pivots, growth) in order ``k``; ``None`` if the factorisation is not certified."""
        if k < self.frontal:
            fr = self.analysis(k)
            n_neg, growth = _multifrontal.inertia(fr, sigma) if fr is not None else (None, np.inf)
        else:
            n_neg, growth = self._scalar(sigma, k)
        if n_neg is None or not growth <= GROWTH_LIMIT:
            return None, growth
        return n_neg, growth

    def _scalar(self, sigma, k):
        A = self._get(k).shifted(sigma)
        try:
            if self.solver == "qdldl":
                L, D = self._qdldl(A, k)
            else:
                L, D = self._superlu(A)
        except RuntimeError:
            self.factors.pop(k, None)  # a failed qdldl object is not reused
            return None, np.inf
        if L is None or not np.all(np.isfinite(D)) or np.any(D == 0):
            return None, np.inf
        absD = np.abs(D)
        L.data **= 2  # L is a fresh copy: square in place
        return int(np.count_nonzero(D < 0)), float(np.max(absD + L @ absD)) / self.scale

    def _qdldl(self, A, k):
        import qdldl

        F = self.factors.get(k)
        if F is None:
            self.factors[k] = F = qdldl.Solver(A, upper=True)  # A is the upper triangle already: no copy through triu
        else:
            F.update(A, upper=True)
        L, D, _ = F.factors()
        return L, D

    def _superlu(self, A):
        from scipy.sparse.linalg import splu

        lu = splu(A, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options=dict(SymmetricMode=True))
        if not np.array_equal(lu.perm_r, lu.perm_c):  # a row interchange: U's diagonal is no LDL^T pivot
            return None, None
        return sp.tril(lu.L, k=-1, format="csc"), lu.U.diagonal()

    def count(self, sigma: float, first: int = 0) -> tuple[int, dict]:
        """Certified count of eigenvalues below ``sigma``, trying orders ``first, first+1, ...``."""
        growths = []
        for k in range(first, first + MAX_ORDERINGS):
            n_neg, growth = self.attempt(sigma, k)
            growths.append(growth)
            if n_neg is not None:
                return n_neg, {"ordering": k, "growth": growth, "tries": len(growths)}
        raise SlicingError(
            f"no certified factorisation of H - sigma I at sigma = {float(sigma)!r} in {MAX_ORDERINGS} elimination orders "
            f"(pivot growth {', '.join(f'{g:.3g}' for g in growths)}; limit {GROWTH_LIMIT:g})"
        )


_WORKER: dict = {}


def _init_worker(slicer):
    from threadpoolctl import threadpool_limits

    _WORKER["slicer"] = slicer
    _WORKER["limits"] = threadpool_limits(1)  # shifts run side by side: one BLAS thread each


def _worker_count(sigma, first=0):
    return _WORKER["slicer"].count(sigma, first)


def _dask_counts(sigmas, H, solver):
    """One Dask task: a slice of the shifts, with its own symbolic analysis."""
    from threadpoolctl import threadpool_limits

    slicer = _Slicer(H, solver)
    with threadpool_limits(1):
        return [slicer.count(s) for s in sigmas]


def memory_estimate(net_or_H, *, solver: str = "auto", workers: int = 1) -> dict:
    """Memory that slicing ``H`` will take, from the symbolic factorisation, before any shift.

    Parameters
    ----------
    net_or_H : SpringNetwork or (N, N) symmetric matrix
    solver : {"auto", "frontal", "qdldl", "superlu"}
    workers : int
        Processes factorising side by side (each holds its own copy).

    Returns
    -------
    dict
        ``bytes`` (total, all processes; ``None`` when the solver is not multifrontal, whose
        fill is only known after its first factorisation), ``per_process``, ``fronts`` and
        ``ordering``.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.spectra.slicing import memory_estimate
    >>> est = memory_estimate(bosonpeak.network(64, 0.2, rule="nearest", rng=1), solver="frontal")
    >>> est["ordering"].startswith("nested dissection"), 0 < est["bytes"] < 50e6
    (True, True)
    """
    H = as_matrix(net_or_H)
    solver = _checks.choice("solver", solver, SOLVERS)
    workers = _checks.integer("workers", workers, minimum=1)
    return _estimate(_Slicer(H, solver), workers)


def _estimate(slicer: _Slicer, workers: int) -> dict:
    H = slicer.H
    base = H.data.nbytes + H.indices.nbytes + H.indptr.nbytes
    if not slicer.frontal:
        return {"bytes": None, "per_process": None, "fronts": 0, "ordering": slicer.describe(0)}
    fr = slicer.analysis(0)
    if fr is None:
        return {"bytes": None, "per_process": None, "fronts": 0, "ordering": "nested dissection failed to separate"}
    per = base + fr.estimate_bytes
    return {"bytes": int(per * (workers + (workers > 1))), "per_process": int(per), "fronts": fr.fronts, "ordering": slicer.describe(0)}


def eigenvalue_counts(
    net_or_H,
    sigma,
    *,
    solver: str = "auto",
    workers: int | None = None,
    progress: bool = False,
    max_memory: float | None = None,
    client=None,
) -> tuple[np.ndarray, dict]:
    """Number of eigenvalues of ``H`` below each ``sigma``, by Sylvester inertia.

    Parameters
    ----------
    net_or_H : SpringNetwork or (N, N) symmetric matrix
    sigma : array_like, shape (S,)
        Shifts in units of ``omega**2``. Shifts ``< 0`` count 0 without a factorisation
        (``H`` is positive semi-definite); in one process, shifts above one that counts all N
        eigenvalues count N without one.
    solver : {"auto", "frontal", "qdldl", "superlu"}
        ``"frontal"``: multifrontal block ``L D L^T`` in a nested-dissection order read from the
        lattice layout of ``H`` (falls back to qdldl when ``H`` is no lattice network or a shift
        cannot be certified); ``"auto"`` (default) takes it from ``FRONTAL_MIN_NODES`` on and
        qdldl below.
    workers : int, optional
        Processes factorising shifts side by side. Default: 1 below ``PARALLEL_MIN_NODES``
        nodes, else the number of cores (at most 2 per machine here).
    progress : bool
        Progress bar over the shifts.
    max_memory : float, optional
        Largest memory (GiB) the factorisations may take, all processes together; the estimate
        from the symbolic factorisation is checked before any shift and a ``ResourceError``
        names it. Default: the limits of every plan (available memory, ``BOSONPEAK_MEMORY_LIMIT``
        or ``--memory-limit``; none with ``--force``).
    client : dask.distributed.Client, optional
        Split the shifts over the cluster's workers instead (``workers`` slices, default one
        per Dask worker); each slice repeats the symbolic analysis on its worker.

    Returns
    -------
    counts : ndarray of int, shape (S,)
    info : dict
        ``orderings`` (elimination order used per shift, see ``ordering``; -1 where none was
        factorised), ``growth``,
        ``refactorised`` (shifts that needed another order), ``workers``, ``seconds``,
        ``memory_estimate`` (bytes, ``None`` if not multifrontal).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.slicing import eigenvalue_counts
    >>> H = bosonpeak.dynamical_matrix(bosonpeak.network(8, 0.0))
    >>> counts, _ = eigenvalue_counts(H, [-1.0, 0.5, 3.9, 4.1, 9.0])
    >>> counts.tolist()  # lambda = 2 (2 - cos kx - cos ky) with k = 2 pi m / 8
    [0, 1, 25, 39, 64]
    >>> counts, info = eigenvalue_counts(H, [0.5, 3.9, 4.1], solver="frontal")
    >>> counts.tolist(), info["ordering"].startswith("nested dissection")
    ([1, 25, 39], True)
    """
    H = as_matrix(net_or_H)
    solver = _checks.choice("solver", solver, SOLVERS)
    sig = np.atleast_1d(np.asarray(sigma, dtype=float))
    if sig.ndim != 1 or not np.all(np.isfinite(sig)):
        raise _checks.ParameterError(f"'sigma' must be a 1-D array of finite numbers; got {sigma!r}")
    n = H.shape[0]
    if workers is None and client is not None:
        workers = max(1, len(client.scheduler_info()["workers"]))
    if workers is None:
        workers = 1 if n < PARALLEL_MIN_NODES else max(1, min(2, os.cpu_count() or 1))
    workers = _checks.integer("workers", workers, minimum=1) if client is not None else _resources.check_workers("workers", workers)
    if max_memory is not None:
        max_memory = _checks.real("max_memory", max_memory, minimum=0.0)
    t0 = time.perf_counter()
    slicer = _Slicer(H, solver)
    todo = [i for i in range(len(sig)) if sig[i] >= 0]
    workers = min(workers, max(1, len(todo)))
    est = _estimate(slicer, workers)
    if est["bytes"] is not None:  # the symbolic factorisation's size, against the same limits as every plan
        from .._resources import Plan, check

        check(Plan(f"slicing N = {n} with {workers} worker(s) ({est['per_process'] / 2**30:.2f} GiB per process, from the "
                   "symbolic factorisation)", int(est["bytes"]), advice="fewer workers, or method 'kpm'"),
              limit=None if max_memory is None else int(max_memory * 2**30),
              source=None if max_memory is None else f"'max_memory' = {max_memory:g} GiB")
    counts = np.zeros(len(sig), dtype=np.int64)
    meta: dict[int, dict] = {}
    bar = tqdm(total=len(todo), desc=f"slicing N={n}", unit="shift", disable=not progress, leave=False)
    if client is not None:
        H_future = client.scatter(H, broadcast=True)
        parts = [todo[w::workers] for w in range(workers) if todo[w::workers]]
        futures = client.map(_dask_counts, [[sig[i] for i in part] for part in parts], H=H_future, solver=solver, pure=False)
        for part, future in zip(parts, futures):
            for i, res in zip(part, future.result()):
                counts[i], meta[i] = res
            bar.update(len(part))
    elif workers == 1 or len(todo) < 2:
        todo = _serial_counts(slicer, sig, todo, counts, meta, bar)
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(slicer,)) as pool:
            jobs = {pool.submit(_worker_count, sig[i]): i for i in todo}
            for job in as_completed(jobs):
                counts[jobs[job]], meta[jobs[job]] = job.result()
                bar.update()
    bar.close()
    counts, meta = _certify(slicer, sig, counts, meta)
    info = {
        "solver": solver,
        "ordering": slicer.describe(0),
        "workers": workers,
        "orderings": [meta.get(i, {}).get("ordering", -1) for i in range(len(sig))],
        "growth": [meta.get(i, {}).get("growth", 0.0) for i in range(len(sig))],
        "refactorised": [float(sig[i]) for i in todo if meta[i]["ordering"] != 0],
        "memory_estimate": est["bytes"],
        "seconds": time.perf_counter() - t0,
    }
    return counts, info


def _serial_counts(slicer, sig, todo, counts, meta, bar) -> list[int]:
    """Counts at ``todo`` in rising sigma; above one that counts all N, N without a factorisation (the
    counts rise with sigma, as ``_certify`` checks). Returns the shifts factorised."""
    from threadpoolctl import threadpool_limits

    order, done = sorted(todo, key=lambda i: sig[i]), 0
    with threadpool_limits(1):
        for done, i in enumerate(order, 1):
            counts[i], meta[i] = slicer.count(sig[i])
            bar.update()
            if counts[i] == slicer.H.shape[0]:
                counts[order[done:]] = counts[i]
                bar.update(len(order) - done)
                break
    return order[:done]


def _certify(slicer, sig, counts, meta):
    """Counts must lie in [0, N], rise with sigma, and reach N above the Gershgorin bound.

    A violation is refactorised once in fresh elimination orders; if it persists,
    ``SlicingError``.
    """
    H = slicer.H
    n = H.shape[0]
    top = gershgorin_bound(H)

    def bad():
        order = np.argsort(sig, kind="stable")
        c = counts[order]
        wrong = set(order[np.flatnonzero(np.diff(c) < 0)]) | set(order[1:][np.diff(c) < 0])
        wrong |= {i for i in range(len(sig)) if not 0 <= counts[i] <= n or (sig[i] > top and counts[i] != n)}
        return sorted(wrong)

    suspects = bad()
    if suspects:
        for i in suspects:
            counts[i], meta[i] = slicer.count(sig[i], first=MAX_ORDERINGS)
        if bad():
            raise SlicingError(f"inertia counts are not monotone in sigma even after refactorising {len(suspects)} shift(s)")
    return counts, meta


def _slicing_engine(
    H, edges, *, zero_modes, rng=None, progress=False, solver: str = "auto", workers: int | None = None, max_memory: float | None = None
) -> DOS:
    """``dos(..., method="slicing")``: exact counts at ``sigma = edges**2`` (see module doc).

    Parameters
    ----------
    solver : {"auto", "frontal", "qdldl", "superlu"}
        Sparse ``L D L^T`` factorisation whose negative pivots are counted (``"auto"``: the
        multifrontal one where it is faster, see the module doc).
    workers : int, optional
        Processes sharing the shifts; default 2 from ``N = 40,000`` on, else 1.
    max_memory : float, optional
        Bytes the factorisations may hold at once.
    """
    sigma = edge_shifts(H, edges)
    below, info = eigenvalue_counts(H, sigma, solver=solver, workers=workers, progress=progress, max_memory=max_memory)
    return histogram_dos(below, edges, H.shape[0], n_zero=zero_mode_count(H, zero_modes), zero_modes=zero_modes, method="slicing", info=info)


register_engine("slicing", _slicing_engine)
