"""The copy-free checks of very large matrices (matrices._lean) agree with scipy's on small ones."""

import numpy as np
import scipy.sparse as sp

from bosonpeak.matrices import _lean


def _matrices():
    rng = np.random.default_rng(0)
    A = sp.random(300, 300, density=0.05, format="csr", random_state=1)
    S = (A + A.T).tocsr()
    S.sort_indices()
    lopsided = S.tolil()
    lopsided[5, 200] = 3.0  # (200, 5) may be absent: a stored entry without partner
    lopsided = lopsided.tocsr()
    lopsided.sort_indices()
    nudged = S.copy()
    nudged.data[rng.integers(0, S.nnz)] += 1e-3
    empty_rows = sp.csr_matrix((np.array([1.0, -2.0]), (np.array([0, 2]), np.array([2, 0]))), shape=(5, 5))
    empty_rows.sort_indices()
    return [S, lopsided, nudged, empty_rows]


def test_lean_checks_equal_scipy():
    for H in _matrices():
        assert _lean.asymmetry(H) == abs(H - H.T).max()
        off = H - sp.diags(H.diagonal())
        assert _lean.max_off_diagonal(H) == (off.data.max() if off.nnz else -np.inf)
        np.testing.assert_array_equal(_lean.abs_row_sums(H), np.asarray(abs(H).sum(axis=1)).ravel())
