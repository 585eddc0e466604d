"""Elimination orders: a nested dissection of a lattice network read from the sparsity pattern
of ``H`` (multifrontal solver), and ``H`` relabelled into a fixed pattern (scalar solvers).

Node ``i`` of an ``L x L`` network (``L x L x L`` in 3D, ``k`` degrees of freedom per node)
sits near lattice site ``i // k``, whose coordinates are ``np.unravel_index(i // k, shape)``
(``model.lattice`` numbers its nodes ``i * L + j``). If every coupling of ``H`` joins sites
within a periodic distance ``w`` (the *window*) along every axis, slabs of ``w`` lattice
planes separate the network: cutting every periodic axis once, then halving the longest side
of each box recursively, gives a nested-dissection tree whose separators are known without a
graph partitioner. The ordering only decides the elimination order (and so the speed); the
multifrontal factorisation reads every coupling from ``H`` itself and ``separates`` checks that
each separator does separate, so a wrong guess costs speed, never a wrong count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Boxes with at most this many sites are eliminated as one dense front.
LEAF_SITES = 48
#: Networks with fewer sites per axis are left to the AMD ordering.
MIN_SIDE = 8


@dataclass(frozen=True)
class LatticeGeometry:
    """Layout of the degrees of freedom on a periodic lattice.

    Attributes
    ----------
    shape : tuple of int
        Sites per axis, ``(L, L)`` or ``(L, L, L)``.
    dofs : int
        Degrees of freedom per site (1 for a scalar Laplacian, ``d`` for a vector one).
    window : int
        Largest periodic lattice distance, along any axis, of a coupling in ``H``.
    """

    shape: tuple[int, ...]
    dofs: int
    window: int


def lattice_geometry(H: sp.csr_matrix) -> LatticeGeometry | None:
    """The lattice layout of ``H``'s couplings, or ``None`` if none with a small window fits."""
    n = H.shape[0]
    coo = H.tocoo()
    off = coo.row != coo.col
    rows, cols = coo.row[off].astype(np.int64), coo.col[off].astype(np.int64)
    for dofs in (1, 2, 3):
        if n % dofs:
            continue
        sites = n // dofs
        for dim in (2, 3):
            side = round(sites ** (1.0 / dim))
            if side**dim != sites or side < MIN_SIDE:
                continue
            si, sj = rows // dofs, cols // dofs
            window = 1
            for axis in range(dim):
                stride = side ** (dim - 1 - axis)
                d = np.abs((si // stride) % side - (sj // stride) % side)
                window = max(window, int(np.max(np.minimum(d, side - d), initial=0)))
            if 4 * window <= side:
                return LatticeGeometry((side,) * dim, dofs, window)
    return None


def dissection(geom: LatticeGeometry, offset: int = 0, leaf_sites: int | None = None) -> tuple[list[np.ndarray], np.ndarray]:
    """Nested-dissection tree of the lattice: fronts in postorder and the parent of each.

    Parameters
    ----------
    geom : LatticeGeometry
    offset : int
        Lattice planes by which every cut is translated (another, equally good, ordering).
    leaf_sites : int
        Boxes of at most this many sites are not dissected further.

    Returns
    -------
    fronts : list of ndarray of int
        Degrees of freedom eliminated in each front (a separator slab or a leaf box), children
        before parents.
    parent : ndarray of int
        Index of each front's parent front, ``-1`` for the root.
    """
    shape, w, k = geom.shape, geom.window, geom.dofs
    leaf_sites = LEAF_SITES if leaf_sites is None else leaf_sites
    fronts: list[np.ndarray] = []
    parents: list[int] = []

    def dofs_of(box):
        grids = np.meshgrid(*[np.arange(lo, hi) % n for (lo, hi), n in zip(box, shape)], indexing="ij")
        sites = np.ravel_multi_index(tuple(g.ravel() for g in grids), shape)
        return (sites[:, None] * k + np.arange(k)).ravel()

    def add(box, kids):
        me = len(fronts)
        fronts.append(dofs_of(box))
        parents.append(-1)
        for c in kids:
            if c is not None:
                parents[c] = me
        return me

    def rec(box, periodic):
        lengths = [hi - lo for lo, hi in box]
        if min(lengths) <= 0:
            return None
        if any(periodic):
            ax = periodic.index(True)
            lo, hi = box[ax]
            sep = box[:ax] + [(lo, lo + w)] + box[ax + 1 :]
            rest = box[:ax] + [(lo + w, hi)] + box[ax + 1 :]
            kid = rec(rest, periodic[:ax] + [False] + periodic[ax + 1 :])
            return add(sep, [kid])
        ax = int(np.argmax(lengths))
        if np.prod(lengths) <= leaf_sites or lengths[ax] <= 2 * w:
            return add(box, [])
        lo, hi = box[ax]
        m = lo + (lengths[ax] - w) // 2
        a = rec(box[:ax] + [(lo, m)] + box[ax + 1 :], periodic)
        b = rec(box[:ax] + [(m + w, hi)] + box[ax + 1 :], periodic)
        return add(box[:ax] + [(m, m + w)] + box[ax + 1 :], [a, b])

    rec([(offset, offset + n) for n in shape], [True] * len(shape))
    return fronts, np.array(parents, dtype=np.int64)


def separates(H: sp.csr_matrix, front_of: np.ndarray, first: np.ndarray) -> bool:
    """True if every coupling ``(i, j)`` of ``H`` joins a front to itself or to an ancestor.

    ``first[t]`` is the smallest postorder index in the subtree of front ``t``, so ``s`` is an
    ancestor of ``t`` (or ``t`` itself) exactly when ``first[s] <= t <= s``.
    """
    coo = H.tocoo()
    a, b = front_of[coo.row], front_of[coo.col]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return bool(np.all((first[hi] <= lo) & (lo <= hi)))


@dataclass(frozen=True)
class Pattern:
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


def pattern(H: sp.csr_matrix, solver: str, relabel: np.ndarray | None) -> Pattern:
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
    return Pattern(A, pos)
