"""The vector Hessian of a jammed packing and the scalar network of the same contacts.

For a pair potential ``V(r)`` the 2 x 2 block of the Hessian for a contact ``(i, j)`` with
unit vector ``n = (r_j - r_i) / r`` is

    H_ij = -[ V''(r) n n^T + (V'(r) / r) (I - n n^T) ],     H_ii = -sum_{j != i} H_ij,

unit masses, so the eigenvalues are ``omega**2``. The second term is the prestress (tension)
term: ``V' < 0`` for repulsive contacts, so it softens the transverse directions.
For the harmonic disks of ``bosonpeak.model.glass``, ``V'' = eps / sigma_ij**2`` and
``V' = -(eps / sigma_ij) (1 - r / sigma_ij)``.

The paper's scalar simplification keeps the same contacts and one degree of freedom per
particle: ``H_ij = -k_ij``, ``H_ii = sum_j k_ij`` with ``k_ij = V''(r_ij) = eps / sigma_ij**2``
(the contact's longitudinal stiffness) or, with ``spring="constant"``, ``k_ij = 1``.

DOS normalisation: ``glass_dos`` counts per mode, so the vector DOS integrates to 1 over its
``2 M`` modes (``M`` backbone particles). Its 2D Debye law per mode is then
``g_D(omega) = omega (1 / c_L**2 + 1 / c_T**2) / (4 pi n)`` (two branches, per particle it
is twice that), against ``omega / (2 pi n c**2)`` for the one-branch scalar network.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .. import _checks
from ..model.glass import DIM, Packing, _backbone_bonds, _check_packing


def glass_hessian(packing: Packing, *, prestress: bool = True) -> sp.csr_matrix:
    """The ``2 M x 2 M`` Hessian of the backbone (rattlers removed), sparse.

    Degrees of freedom are ordered ``(x_0, y_0, x_1, y_1, ...)`` over the backbone particles
    ``packing.backbone``.

    Parameters
    ----------
    packing : Packing
    prestress : bool
        Include the tension term ``(V' / r) (I - n n^T)`` (True, the true Hessian), or drop it
        (the "unstressed" Hessian, stiffer in the transverse directions).

    Returns
    -------
    scipy.sparse.csr_matrix, shape (2 M, 2 M)
        Symmetric; every uniform translation is a zero mode.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> p = bosonpeak.jammed_packing(64, 0.9, rng=1)
    >>> H = bosonpeak.glass_hessian(p)
    >>> lam = np.linalg.eigvalsh(H.toarray())
    >>> H.shape[0] == 2 * len(p.backbone), int((abs(lam) < 1e-10).sum()), bool(lam.min() > -1e-10)
    (True, 2, True)
    """
    _check_packing(packing)
    if not isinstance(prestress, bool):
        raise _checks.ParameterTypeError(f"'prestress' must be True or False; got {prestress!r}")
    bonds, d, r, sigma = _backbone_bonds(packing)
    n = d / r[:, None]
    k = 1.0 / sigma**2  # V''
    t = -(1.0 - r / sigma) / (sigma * r) if prestress else np.zeros_like(r)  # V' / r
    # blocks[e] = V'' n n^T + (V'/r)(I - n n^T), shape (E, 2, 2); H_ij = -blocks, H_ii = +sum.
    nn = n[:, :, None] * n[:, None, :]
    blocks = (k - t)[:, None, None] * nn + t[:, None, None] * np.eye(DIM)[None]
    m = len(packing.backbone)
    a, b = np.meshgrid(np.arange(DIM), np.arange(DIM), indexing="ij")
    a, b = a.ravel(), b.ravel()
    i, j = bonds[:, 0], bonds[:, 1]
    diag = np.zeros((m, DIM * DIM))
    flat = blocks.reshape(-1, DIM * DIM)
    for c in range(DIM * DIM):
        diag[:, c] = np.bincount(i, flat[:, c], minlength=m) + np.bincount(j, flat[:, c], minlength=m)
    rows = np.concatenate([(DIM * i[:, None] + a).ravel(), (DIM * j[:, None] + a).ravel(), (DIM * np.arange(m)[:, None] + a).ravel()])
    cols = np.concatenate([(DIM * j[:, None] + b).ravel(), (DIM * i[:, None] + b).ravel(), (DIM * np.arange(m)[:, None] + b).ravel()])
    vals = np.concatenate([-flat.ravel(), -flat.ravel(), diag.ravel()])
    H = sp.csr_matrix((vals, (rows, cols)), shape=(DIM * m, DIM * m))
    H.sort_indices()
    return H


