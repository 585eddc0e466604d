"""Multifrontal block ``L D L^T`` inertia along a nested-dissection tree (``slicing`` engine).

Front ``t`` eliminates its degrees of freedom ``V`` (a separator slab or a leaf box); ``B`` are
the later degrees of freedom coupled to ``V`` once everything below ``t`` is eliminated. Its
dense frontal matrix ``F = [[F_VV, F_VB], [F_BV, F_BB]]`` collects the entries of ``H - sigma I``
placed there plus the update matrices (Schur complements) of its children. ``F_VV`` is factorised
as ``L D L^T`` with symmetric diagonal pivoting (the largest remaining ``|diagonal|`` first, within
panels of ``PANEL`` pivots; a permutation inside a front is just another elimination order) and
the Schur complement ``F_BB - L_BV D L_BV^T`` goes to the parent. The negative pivots of all
fronts count the negative eigenvalues of ``H - sigma I`` (Sylvester), and the rows of ``L`` give
the same growth ``max_i (|L||D||L^T|)_ii`` as for the scalar solvers: each pivot ``d`` adds
``|d|`` to its own row and ``u_i**2 / |d|`` to every later row ``i`` of its front.

Fronts of the same height in the tree are stacked into one batch (padded to a common size)
so that each batch costs a handful of numpy calls; subtrees are grouped so that the update
matrices alive at any time stay small. Only the update matrices are kept, never the factor:
``peak_bytes`` is the exact size of the largest set of arrays alive during one shift.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from . import _ordering

#: Subtrees with at most this many degrees of freedom are batched level by level on their own.
GROUP_DOFS = 1 << 16
#: Largest frontal stack of one batch (bytes); larger batches are split.
BATCH_BYTES = 64 << 20
#: Pivots eliminated per panel; the rest of the front is updated by one matrix product.
PANEL = 96
#: Fronts up to this size are eliminated by compiled loops alone (small matrix products are slow).
SMALL_FRONT = 160
#: A batch's fronts differ in size by at most this factor (padding wastes less).
SIZE_RATIO = 1.25


@dataclass
class _Batch:
    nV: int
    nB: int
    a_dst: np.ndarray  # flat positions in the (P, n + 1, n + 1) stack of the entries of H
    a_val: np.ndarray
    diag_dst: np.ndarray  # flat positions of the true diagonal of the V blocks
    pad_dst: np.ndarray  # flat positions of the padded diagonal of the V blocks (set to 1)
    kids: list = field(default_factory=list)  # (child batch, child rows, parent rows, map (Pc, nBc))
    g_sel: np.ndarray | None = None  # flat positions in (P, m) of the true rows, V then B, front by front
    free_after: list = field(default_factory=list)  # batches whose updates are no longer needed
    P: int = 0


@dataclass
class Frontal:
    """Symbolic multifrontal analysis of one matrix in one nested-dissection order."""

    n: int
    batches: list
    g_dof: np.ndarray  # degree of freedom of each growth contribution, batch by batch
    scale: float
    peak_bytes: int
    symbolic_bytes: int
    fronts: int

    @property
    def estimate_bytes(self) -> int:
        """Memory of one factorisation: symbolic arrays plus the peak of the numeric phase."""
        return self.peak_bytes + self.symbolic_bytes


def analyse(H: sp.csr_matrix, geom: _ordering.LatticeGeometry, scale: float, offset: int = 0) -> Frontal | None:
    """Symbolic analysis of ``H`` in the nested-dissection order of ``geom``; ``None`` if a
    separator fails to separate (the geometry does not describe ``H``)."""
    n = H.shape[0]
    fronts, parent = _ordering.dissection(geom, offset)
    nf = len(fronts)
    front_of = np.empty(n, dtype=np.int64)
    for t, V in enumerate(fronts):
        front_of[V] = t
    first = np.arange(nf)
    height = np.zeros(nf, dtype=np.int64)
    size = np.array([len(V) for V in fronts], dtype=np.int64)
    for t in range(nf):  # postorder: children first
        p = parent[t]
        if p >= 0:
            first[p] = min(first[p], first[t])
            height[p] = max(height[p], height[t] + 1)
            size[p] += size[t]
    if not _ordering.separates(H, front_of, first):
        return None

    # B sets, and the entries of H owned by each front (those whose first-eliminated end is in V)
    H = sp.csr_matrix(H)
    H.sort_indices()
    indptr, indices, data = H.indptr, H.indices, H.data
    kids = [[] for _ in range(nf)]
    for t in range(nf):
        if parent[t] >= 0:
            kids[parent[t]].append(t)
    Bs: list[np.ndarray] = [None] * nf
    ent: list[tuple] = [None] * nf
    for t, V in enumerate(fronts):
        st, ln = indptr[V], indptr[V + 1] - indptr[V]
        pos = np.repeat(st - np.cumsum(ln) + ln, ln) + np.arange(ln.sum())
        rows, cols = np.repeat(V, ln), indices[pos].astype(np.int64)
        later = front_of[cols] >= t
        rows, cols, vals = rows[later], cols[later], data[pos[later]]
        cand = [cols[front_of[cols] > t]] + [Bs[c] for c in kids[t]]
        B = np.unique(np.concatenate(cand))
        Bs[t] = B[front_of[B] > t]
        ent[t] = (rows, cols, vals, front_of[cols] > t)

    plan, slot = _schedule(fronts, Bs, parent, height, size, first)
    where = np.zeros(n, dtype=np.int64)
    out, g_parts = [], []
    ops: dict = {}  # (child batch, parent batch, sibling rank) -> [(child row, parent row, map)]

    def cat(xs, dt=np.int64):
        return np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)

    for b, (ts, nV, nB) in enumerate(plan):
        m = nV + nB + 1  # + 1: a trash row and column for the padded rows of children
        a_dst, a_val, diag_dst, pad_dst, gv = [], [], [], [], []
        for p, t in enumerate(ts):
            V, B = fronts[t], Bs[t]
            where[V] = np.arange(len(V))
            where[B] = nV + np.arange(len(B))
            rows, cols, vals, off = ent[t]
            i, j = where[rows], where[cols]
            base = p * m * m
            a_dst += [base + i * m + j, base + (j * m + i)[off]]
            a_val += [vals, vals[off]]
            diag_dst.append(base + np.arange(len(V)) * (m + 1))
            pad_dst.append(base + np.arange(len(V), nV) * (m + 1))
            gv.append(p * m + np.concatenate([np.arange(len(V)), nV + np.arange(len(B))]))
            for rank, c in enumerate(kids[t]):
                cb, crow = slot[c]
                cmap = np.full(plan[cb][2], m - 1, dtype=np.intp)
                cmap[: len(Bs[c])] = where[Bs[c]]
                ops.setdefault((cb, b, rank), []).append((crow, p, cmap))
        out.append(_Batch(nV, nB, cat(a_dst), cat(a_val, float), cat(diag_dst), cat(pad_dst), P=len(ts), g_sel=cat(gv)))
        g_parts += [x for t in ts for x in (fronts[t], Bs[t])]
    # extend-add operations grouped by (child batch, sibling rank): no position is hit twice
    for (cb, pb, _), items in sorted(ops.items()):
        out[pb].kids.append((cb, np.array([x[0] for x in items]), np.array([x[1] for x in items]), np.stack([x[2] for x in items])))
    last_use: dict[int, int] = {}
    for pb, batch in enumerate(out):
        for cb, *_ in batch.kids:
            last_use[cb] = max(last_use.get(cb, -1), pb)
    for cb, pb in last_use.items():
        out[pb].free_after.append(cb)
    g_dof = np.concatenate(g_parts) if g_parts else np.zeros(0, np.int64)
    peak, symbolic = _memory(out, g_dof)
    return Frontal(n, out, g_dof, scale, peak, symbolic, nf)


def _schedule(fronts, Bs, parent, height, size, first):
    """Batches ``[(fronts, nV, nB)]`` in an order where children precede parents, and the
    (batch, row) of every front."""
    nf = len(fronts)
    group = np.full(nf, -1, dtype=np.int64)
    roots = [t for t in range(nf) if size[t] <= GROUP_DOFS and (parent[t] < 0 or size[parent[t]] > GROUP_DOFS)]
    g, acc = 0, 0
    for t in roots:  # pack consecutive small subtrees into groups of about GROUP_DOFS
        if acc + size[t] > GROUP_DOFS and acc:
            g, acc = g + 1, 0
        group[first[t] : t + 1] = g
        acc += size[t]
    top = g + 1
    group[group < 0] = top
    batches, slot = [], {}
    for gid in range(top + 1):
        members = np.flatnonzero(group == gid)
        for h in np.unique(height[members]):
            ts = members[height[members] == h]
            nv = np.array([len(fronts[t]) for t in ts])
            nb = np.array([len(Bs[t]) for t in ts])
            order = np.argsort(nv + nb, kind="stable")
            start = 0
            while start < len(order):  # split by size class and by memory
                stop = start + 1
                while stop < len(order):
                    sel = order[start : stop + 1]
                    tot = nv[sel].max() + nb[sel].max() + 1
                    if tot > SIZE_RATIO * (nv[order[start]] + nb[order[start]] + 1) or len(sel) * tot * tot * 8 > BATCH_BYTES:
                        break
                    stop += 1
                sel = order[start:stop]
                for row, t in enumerate(ts[sel]):
                    slot[int(t)] = (len(batches), row)
                batches.append((list(ts[sel]), int(nv[sel].max()), int(nb[sel].max())))
                start = stop
    return batches, slot


def _memory(batches, g_dof):
    """(peak bytes of the numeric phase, bytes of the symbolic arrays)."""
    symbolic = g_dof.nbytes
    alive, peak = {}, 0
    for b, B in enumerate(batches):
        symbolic += sum(x.nbytes for x in (B.a_dst, B.a_val, B.diag_dst, B.pad_dst, B.g_sel))
        symbolic += sum(k[1].nbytes + k[2].nbytes + k[3].nbytes for k in B.kids)
        m = B.nV + B.nB + 1
        work = B.P * (2 * m * m + 2 * m) * 8  # F, the product of the trailing update, growth
        peak = max(peak, sum(alive.values()) + work)
        alive[b] = B.P * B.nB * B.nB * 8
        for cb in B.free_after:
            alive.pop(cb, None)
    return int(peak + g_dof.size * 8), int(symbolic)


def _panel(F, k0, k1, rows, g):  # pragma: no cover - compiled by ``_compiled``
    """Eliminate pivots ``k0 .. k1 - 1`` of every front of the stack ``F``, updating rows
    ``k0 .. rows - 1`` (``rows = m``: the whole front, whose trailing block is then the Schur
    complement; ``rows = k1``: the panel only, the caller updates the rest by a matrix product).

    Symmetric diagonal pivoting within the panel: step ``k`` takes, of the columns ``k .. k1 - 1``,
    the one with the largest ``|diagonal|`` (a symmetric permutation inside a front is another
    elimination order, so the inertia is unchanged). Adds ``|d|`` to the growth ``g`` of the
    pivot's row and ``u_i**2 / |d|`` to every later row ``i``, and undoes the permutation of ``g``
    at the end. Returns the number of negative pivots, or -1 at a zero or non-finite pivot."""
    P, m = F.shape[0], F.shape[1]
    neg = 0
    perm = np.empty(k1 - k0, dtype=np.int64)
    tmp = np.empty(k1 - k0)
    for p in range(P):
        for i in range(k1 - k0):
            perm[i] = k0 + i
        for k in range(k0, k1):
            j = k
            for c in range(k + 1, k1):
                if abs(F[p, c, c]) > abs(F[p, j, j]):
                    j = c
            if j != k:  # swap rows and columns k and j (rows of the panel, all columns)
                for c in range(k0, m):
                    F[p, k, c], F[p, j, c] = F[p, j, c], F[p, k, c]
                for r in range(k0, rows):
                    F[p, r, k], F[p, r, j] = F[p, r, j], F[p, r, k]
                g[p, k], g[p, j] = g[p, j], g[p, k]
                perm[k - k0], perm[j - k0] = perm[j - k0], perm[k - k0]
            d = F[p, k, k]
            if d == 0.0 or not np.isfinite(d):
                return -1
            if d < 0.0:
                neg += 1
            ad = abs(d)
            g[p, k] += ad
            for i in range(k + 1, m):
                g[p, i] += F[p, k, i] * F[p, k, i] / ad
            for r in range(k + 1, rows):
                lr = F[p, k, r] / d
                if lr != 0.0:  # rows of the panel in full (they may be swapped), later rows upper only
                    for i in range(k + 1 if r < k1 else r, m):
                        F[p, r, i] -= lr * F[p, k, i]
        for r in range(k1, rows):  # the Schur complement, to the lower triangle
            for i in range(r + 1, m):
                F[p, i, r] = F[p, r, i]
        for i in range(k1 - k0):
            tmp[i] = g[p, k0 + i]
        for i in range(k1 - k0):
            g[p, perm[i]] = tmp[i]
    return neg


def _extend_add(F, U, crow, prow, cmap):  # pragma: no cover - compiled by ``_compiled``
    """``F[prow[c]][cmap[c]][:, cmap[c]] += U[crow[c]]`` for every child ``c``; rows mapped to the
    trash row ``m - 1`` (padding) are skipped."""
    trash = F.shape[1] - 1
    for c in range(crow.shape[0]):
        p, q = prow[c], crow[c]
        for a in range(cmap.shape[1]):
            ia = cmap[c, a]
            if ia == trash:
                continue
            for b in range(cmap.shape[1]):
                ib = cmap[c, b]
                if ib != trash:
                    F[p, ia, ib] += U[q, a, b]


_COMPILED: dict = {}


def _compiled():
    """The numba-compiled kernels, built (or loaded from numba's cache) on first use, so that
    ``import bosonpeak`` does not import numba."""
    if not _COMPILED:
        import numba

        _COMPILED["panel"] = numba.njit(cache=True, nogil=True)(_panel)
        _COMPILED["extend_add"] = numba.njit(cache=True, nogil=True)(_extend_add)
    return _COMPILED["panel"], _COMPILED["extend_add"]


def inertia(fr: Frontal, sigma: float) -> tuple[int | None, float]:
    """(negative eigenvalues of ``H - sigma I``, growth); ``None`` at a zero pivot."""
    panel, extend_add = _compiled()
    updates: dict[int, np.ndarray] = {}
    gvals = np.empty(fr.g_dof.size)
    at, neg = 0, 0
    for b, B in enumerate(fr.batches):
        nV, nB, m = B.nV, B.nB, B.nV + B.nB + 1
        F = np.zeros(B.P * m * m)
        F[B.a_dst] = B.a_val
        F[B.diag_dst] -= sigma
        F[B.pad_dst] = 1.0
        F = F.reshape(B.P, m, m)
        for cb, crow, prow, cmap in B.kids:
            extend_add(F, updates[cb], crow, prow, cmap)
        for cb in B.free_after:
            del updates[cb]
        g = np.zeros((B.P, m))
        if m <= SMALL_FRONT:  # one compiled pass over the whole front
            n_neg = panel(F, 0, nV, m, g)
            if n_neg < 0:
                return None, np.inf
            neg += n_neg
        for k0 in range(0, nV if m > SMALL_FRONT else 0, PANEL):  # panels, then one matrix product
            k1 = min(nV, k0 + PANEL)
            n_neg = panel(F, k0, k1, k1, g)
            if n_neg < 0:
                return None, np.inf
            neg += n_neg
            if k1 < m:
                U = F[:, k0:k1, k1:]
                d = np.diagonal(F[:, k0:k1, k0:k1], axis1=1, axis2=2)
                F[:, k1:, k1:] -= U.transpose(0, 2, 1) @ (U / d[:, :, None])
        k = B.g_sel.size
        gvals[at : at + k] = g.ravel()[B.g_sel]
        at += k
        if nB:
            updates[b] = F[:, nV : nV + nB, nV : nV + nB].copy()
    g = np.bincount(fr.g_dof, weights=gvals, minlength=fr.n)
    return neg, float(np.max(g, initial=0.0)) / fr.scale
