"""Memory of a KPM run, by part, from its matrix or its sizes (private; ``kpm.memory_estimate``)."""

from __future__ import annotations

import numpy as np

from ..matrices import _lean
from . import _fused


def _longest_row(H) -> int:
    """Stored entries of ``H``'s longest row."""
    if H.shape[0] == 0:
        return 0
    lens = np.diff(H.indptr) if getattr(H, "format", None) == "csr" else H.tocsr().getnnz(axis=1)
    return int(lens.max())


def memory_estimate(H, n_mom: int, columns: int, block: int, dtype, bins: int) -> dict:
    """Bytes a KPM run allocates beyond ``H``, by part: the peak of the checks on ``H`` (transposed
    and absolute-value copies, up to ~3 matrices; one past ``matrices._lean.LEAN_NNZ`` entries) or of the recursion (``2 H~``, 3 vector blocks of
    ``N x block``, per-node labels and signs), whichever is larger, plus the moments and bins.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.kpm import memory_estimate
    >>> H = bosonpeak.dynamical_matrix(bosonpeak.network(100, 0.2, rng=0))
    >>> m = memory_estimate(H, 200, 16, 16, np.float32, 80)
    >>> m["vectors"] == 3 * 100**2 * 16 * 4, m["total"] >= m["matrix"] + m["vectors"]
    (True, True)
    """
    if getattr(H, "format", None) == "bsr":  # the block kernel: 2 H~ in blocks, no checks' copies, no ELL tables
        parts = _parts(H.shape[0], H.nnz, 0, n_mom, columns, block, dtype, bins)
        parts.update(checks=0, ell=0, multi_step=0, matrix=H.nnz * np.dtype(dtype).itemsize + H.indices.nbytes + H.indptr.nbytes)
        parts["total"] = parts["matrix"] + parts["vectors"] + parts["nodes"] + parts["moments"]
        return parts
    return _parts(H.shape[0], H.nnz, _longest_row(H), n_mom, columns, block, dtype, bins)


def _parts(n, nnz, longest, n_mom, columns, block, dtype, bins) -> dict:
    index = np.dtype(np.int32 if max(nnz, n) < 2**31 else np.int64).itemsize
    matrix = nnz * (8 + index) + (n + 1) * index
    item = np.dtype(dtype).itemsize
    # checks: scipy's connected components of a Laplacian transpose it once (the other checks of a
    # matrix past matrices._lean.LEAN_NNZ entries walk it without copies; below, up to 3 copies)
    checks = matrix if nnz > _lean.LEAN_NNZ else 3 * matrix
    parts = {"checks": checks, "matrix": nnz * item + nnz * index + n * index, "vectors": 3 * n * min(block, columns) * item,
             "nodes": 16 * n, "multi_step": 14 * n + 32 * (nnz + n) * min(n, 1 << 16) // max(n, 1),  # _fused.multi_plan's arrays
             "ell": int(n * min(longest, _fused.ELL_MAX_FILL * nnz / max(n, 1)) * (4 + item))}  # _fused.ell_tables
    parts["moments"] = 8 * n_mom * (columns + 4 * (bins + 1))  # raw moments; the bin matrix and its temporaries
    parts["total"] = max(parts["checks"], parts["matrix"] + parts["vectors"] + parts["nodes"] + parts["multi_step"] + parts["ell"]) + parts["moments"]
    return parts
