"""Exact DOS by spectrum slicing: eigenvalue counts from Sylvester's law of inertia.

The number of eigenvalues of ``H`` below ``sigma`` equals the number of negative pivots
``D_ii`` of a factorisation ``H - sigma I = P L D L^T P^T``. One sparse factorisation per bin
edge (``sigma = edge**2``) gives the exact histogram at any ``N`` whose factor fits in memory,
without a single eigenvalue.

Convention (shared with the dense engine, ``spectrum.edge_shifts``): an edge counts the
eigenvalues ``lambda < edge**2 - EDGE_TOLERANCE * gershgorin_bound(H)``. An eigenvalue that
lies on an edge within that round-off band (a degenerate crystal shell, say) falls in the bin
*above* the edge, whole. The edge ``omega = 0`` counts 0 (``H`` is positive semi-definite).

Factorisation: ``qdldl`` (simplicial LDL^T, AMD ordering); the symbolic analysis is done once
per process and reused for every shift (``Solver.update``). ``solver="superlu"`` uses scipy's
SuperLU (``MMD_AT_PLUS_A``, ``SymmetricMode``, no pivoting) instead. Neither pivots, so every
factorisation is checked: finite non-zero pivots, identical row and column orders, and the
growth ``max_i (|L||D||L^T|)_ii / gershgorin_bound(H)`` below ``GROWTH_LIMIT`` (then the
backward error, about ``eps * growth``, is far inside the edge band). A factorisation that
fails is redone with another elimination order (a random relabelling of the nodes); the
counts must then rise monotonically from 0 to N. Anything that cannot be certified raises
``SlicingError``: no count is ever returned unchecked.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from tqdm.auto import tqdm

from .. import _checks
from ..matrices.laplacian import as_matrix, zero_mode_count
from .spectrum import DOS, EDGE_TOLERANCE, edge_shifts, gershgorin_bound, histogram_dos, register_engine

#: Largest ``max_i (|L||D||L^T|)_ii / gershgorin_bound(H)`` accepted: round-off then moves
#: eigenvalues by about ``eps * GROWTH_LIMIT * bound``, 1/64 of the edge band. (A shell at the
#: band's distance from sigma alone gives a growth of about 1 / EDGE_TOLERANCE = 1e7 / 8.)
GROWTH_LIMIT = EDGE_TOLERANCE / (64 * np.finfo(float).eps)
#: Elimination orders tried per shift before ``SlicingError`` (the first is the solver's own).
MAX_ORDERINGS = 4
#: Below this N one process is faster than a pool (start-up and pickling dominate).
PARALLEL_MIN_NODES = 40_000
SOLVERS = ("qdldl", "superlu")


class SlicingError(ArithmeticError):
    """A shift whose inertia could not be certified (unstable pivots in every ordering tried)."""


@dataclass(frozen=True)
class _Pattern:
    """``H`` in one elimination order, as a CSC matrix with an explicit diagonal.

    ``shifted(sigma)`` only rewrites the diagonal values, so the sparsity pattern (and the
    solver's symbolic analysis) is identical for every shift.
    """

    A: sp.csc_matrix  # upper triangle (qdldl) or full matrix (superlu), explicit diagonal
    diag: np.ndarray  # positions of the diagonal in A.data

    def shifted(self, sigma: float) -> sp.csc_matrix:
        data = self.A.data.copy()
        data[self.diag] -= sigma
        return sp.csc_matrix((data, self.A.indices, self.A.indptr), shape=self.A.shape)


def _pattern(H: sp.csr_matrix, solver: str, relabel: np.ndarray | None) -> _Pattern:
    coo = sp.coo_matrix(H)
    r, c, v = coo.row, coo.col, coo.data
    if relabel is not None:
        r, c = relabel[r], relabel[c]
    keep = (r <= c) if solver == "qdldl" else np.ones(len(r), dtype=bool)
    off = keep & (r != c)
    n = H.shape[0]
    rows = np.concatenate([r[off], np.arange(n)])
    cols = np.concatenate([c[off], np.arange(n)])
    diag = np.zeros(n)
    np.add.at(diag, (r[r == c]), v[r == c])
    A = sp.csc_matrix((np.concatenate([v[off], diag]), (rows, cols)), shape=(n, n))
    A.sum_duplicates()
    A.sort_indices()
    col = np.repeat(np.arange(n), np.diff(A.indptr))
    pos = np.flatnonzero(A.indices == col)
    return _Pattern(A, pos)


class _Slicer:
    """Per-process cache of patterns and factorisation objects, one per elimination order."""

    def __init__(self, H: sp.csr_matrix, solver: str):
        self.H, self.solver = H, solver
        self.scale = max(gershgorin_bound(H), np.finfo(float).tiny)
        self.patterns: dict[int, _Pattern] = {}
        self.factors: dict[int, object] = {}

    def _get(self, k: int) -> _Pattern:
        if k not in self.patterns:
            relabel = None if k == 0 else np.random.default_rng(k).permutation(self.H.shape[0])
            self.patterns[k] = _pattern(self.H, self.solver, relabel)
        return self.patterns[k]

    def attempt(self, sigma: float, k: int) -> tuple[int | None, float]:
        """(negative pivots, growth) in order ``k``; ``None`` if the factorisation is not certified."""
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
        growth = float(np.max(absD + L @ absD)) / self.scale
        if not growth <= GROWTH_LIMIT:
            return None, growth
        return int(np.count_nonzero(D < 0)), growth

    def _qdldl(self, A, k):
        import qdldl

        F = self.factors.get(k)
        if F is None:
            self.factors[k] = F = qdldl.Solver(A)
        else:
            F.update(A)
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


def _init_worker(H, solver):
    _WORKER["slicer"] = _Slicer(H, solver)


def _worker_count(sigma, first=0):
    return _WORKER["slicer"].count(sigma, first)


def eigenvalue_counts(net_or_H, sigma, *, solver: str = "qdldl", workers: int | None = None, progress: bool = False) -> tuple[np.ndarray, dict]:
    """Number of eigenvalues of ``H`` below each ``sigma``, by Sylvester inertia.

    Parameters
    ----------
    net_or_H : SpringNetwork or (N, N) symmetric matrix
    sigma : array_like, shape (S,)
        Shifts in units of ``omega**2``. Shifts ``< 0`` count 0 without a factorisation
        (``H`` is positive semi-definite).
    solver : {"qdldl", "superlu"}
    workers : int, optional
        Processes factorising shifts side by side. Default: 1 below ``PARALLEL_MIN_NODES``
        nodes, else the number of cores (at most 2 per machine here).
    progress : bool
        Progress bar over the shifts.

    Returns
    -------
    counts : ndarray of int, shape (S,)
    info : dict
        ``orderings`` (elimination order used per shift, 0 = the solver's own), ``growth``,
        ``refactorised`` (shifts that needed another order), ``workers``, ``seconds``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.slicing import eigenvalue_counts
    >>> H = bosonpeak.dynamical_matrix(bosonpeak.network(6, 0.0))
    >>> counts, _ = eigenvalue_counts(H, [-1.0, 0.5, 3.9, 4.1, 9.0])
    >>> counts.tolist()  # lambda = 2 (2 - cos kx - cos ky) with k = 2 pi m / 6
    [0, 1, 13, 23, 36]
    """
    H = as_matrix(net_or_H)
    solver = _checks.choice("solver", solver, SOLVERS)
    sig = np.atleast_1d(np.asarray(sigma, dtype=float))
    if sig.ndim != 1 or not np.all(np.isfinite(sig)):
        raise _checks.ParameterError(f"'sigma' must be a 1-D array of finite numbers; got {sigma!r}")
    n = H.shape[0]
    if workers is None:
        workers = 1 if n < PARALLEL_MIN_NODES else max(1, min(2, os.cpu_count() or 1))
    workers = _checks.integer("workers", workers, minimum=1)
    t0 = time.perf_counter()
    todo = [i for i in range(len(sig)) if sig[i] >= 0]
    counts = np.zeros(len(sig), dtype=np.int64)
    meta: dict[int, dict] = {}
    bar = tqdm(total=len(todo), desc=f"slicing N={n}", unit="shift", disable=not progress, leave=False)
    if workers == 1 or len(todo) < 2:
        slicer = _Slicer(H, solver)
        for i in todo:
            counts[i], meta[i] = slicer.count(sig[i])
            bar.update()
    else:
        with ProcessPoolExecutor(min(workers, len(todo)), initializer=_init_worker, initargs=(H, solver)) as pool:
            jobs = {pool.submit(_worker_count, sig[i]): i for i in todo}
            for job in as_completed(jobs):
                counts[jobs[job]], meta[jobs[job]] = job.result()
                bar.update()
    bar.close()
    counts, meta = _certify(H, sig, counts, meta, solver)
    info = {
        "solver": solver,
        "workers": workers,
        "orderings": [meta.get(i, {}).get("ordering", -1) for i in range(len(sig))],
        "growth": [meta.get(i, {}).get("growth", 0.0) for i in range(len(sig))],
        "refactorised": [float(sig[i]) for i in todo if meta[i]["ordering"] != 0],
        "seconds": time.perf_counter() - t0,
    }
    return counts, info


def _certify(H, sig, counts, meta, solver):
    """Counts must lie in [0, N], rise with sigma, and reach N above the Gershgorin bound.

    A violation is refactorised once in fresh elimination orders; if it persists,
    ``SlicingError``.
    """
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
        slicer = _Slicer(H, solver)
        for i in suspects:
            counts[i], meta[i] = slicer.count(sig[i], first=MAX_ORDERINGS)
        if bad():
            raise SlicingError(f"inertia counts are not monotone in sigma even after refactorising {len(suspects)} shift(s)")
    return counts, meta


def _slicing_engine(H, edges, *, zero_modes, rng=None, progress=False, solver: str = "qdldl", workers: int | None = None) -> DOS:
    """``dos(..., method="slicing")``: exact counts at ``sigma = edges**2`` (see module doc).

    Parameters
    ----------
    solver : {"qdldl", "superlu"}
        Sparse ``L D L^T`` factorisation whose negative pivots are counted.
    workers : int, optional
        Processes sharing the shifts; default 2 from ``N = 40,000`` on, else 1.
    """
    sigma = edge_shifts(H, edges)
    below, info = eigenvalue_counts(H, sigma, solver=solver, workers=workers, progress=progress)
    return histogram_dos(below, edges, H.shape[0], n_zero=zero_mode_count(H, zero_modes), zero_modes=zero_modes, method="slicing", info=info)


register_engine("slicing", _slicing_engine)
