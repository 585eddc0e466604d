"""The vector Hessian of a jammed packing and the scalar network of the same contacts.

For a pair potential ``V(r)`` the 2 x 2 block of the Hessian for a contact ``(i, j)`` with
unit vector ``n = (r_j - r_i) / r`` is

    H_ij = -[ V''(r) n n^T + (V'(r) / r) (I - n n^T) ],     H_ii = -sum_{j != i} H_ij,

unit masses, so the eigenvalues are ``omega**2``. The second term is the prestress (tension)
term: ``V' < 0`` for repulsive contacts, so it softens the transverse directions.
For the harmonic disks of ``bosonpeak.glass``, ``V'' = eps / sigma_ij**2`` and
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

import dataclasses

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from . import _checks
from .dynamical import as_matrix, dynamical_matrix
from .glass import DIM, Packing, pair_geometry
from .lattice import SpringNetwork
from .spectrum import DOS, dos

SPRINGS = ("curvature", "constant")
#: Directions of k over which ``debye_levels`` averages 1 / c**2.
DIRECTIONS = 8


def _check_packing(packing):
    if not isinstance(packing, Packing):
        raise _checks.ParameterTypeError(f"'packing' must be a Packing; got {type(packing).__name__}")
    if packing.rattler.all():
        raise _checks.ParameterError("'packing' has no rigid backbone (every particle is a rattler): raise phi")


def _backbone_bonds(packing: Packing):
    """Backbone contacts renumbered 0..M-1, their vectors, lengths and sigma."""
    index = np.full(packing.n_particles, -1)
    index[packing.backbone] = np.arange(len(packing.backbone))
    pairs = packing.backbone_contacts
    d, r, sigma = pair_geometry(packing.positions, packing.radii, packing.box, pairs)
    return index[pairs], d, r, sigma


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


def contact_network(packing: Packing, *, spring: str = "curvature") -> SpringNetwork:
    """The scalar spring network of the backbone contacts (the paper's simplification).

    Parameters
    ----------
    packing : Packing
    spring : {"curvature", "constant"}
        ``k_ij = V''(r_ij) = 1 / sigma_ij**2`` (the contact's longitudinal stiffness), or
        ``k_ij = 1`` (as the paper's Fig. 4 left).

    Returns
    -------
    SpringNetwork
        ``M`` nodes at the backbone positions, ``bonds`` the backbone contacts, ``L = 0``
        (not a lattice) and ``params["source"] = "jammed packing"``; ``bosonpeak.dos`` and
        ``bosonpeak.dynamical_matrix`` accept it.

    Examples
    --------
    >>> import bosonpeak
    >>> p = bosonpeak.jammed_packing(64, 0.9, rng=1)
    >>> net = bosonpeak.contact_network(p)
    >>> net.n_nodes == len(p.backbone), round(float(net.coordination.mean()), 12) == round(p.mean_contact_number, 12)
    (True, True)
    """
    _check_packing(packing)
    spring = _checks.choice("spring", spring, SPRINGS)
    bonds, _, _, sigma = _backbone_bonds(packing)
    stiffness = 1.0 / sigma**2 if spring == "curvature" else np.ones(len(bonds))
    params = dict(source="jammed packing", spring=spring, **packing.params)
    return SpringNetwork(packing.positions[packing.backbone].copy(), bonds.copy(), stiffness, packing.box, 0, params)


def glass_dos(H, edges, *, method: str = "dense", rng=None, progress: bool = False, **options) -> DOS:
    """DOS per mode of a vector Hessian with its ``d = 2`` translational zero modes removed.

    The engine is called with ``zero_modes=True`` (nothing removed: its zero-mode count is
    for scalar Laplacians) and the ``d`` translations are then taken out of the bin holding
    ``omega = 0``; ``zero_modes`` records ``d``. Normalisation stays per ``2 M`` modes. For a
    smoothed method (KPM) the zero modes' weight is spread over its resolution, so that
    subtraction is approximate there.

    Parameters
    ----------
    H : (2 M, 2 M) matrix
        From ``glass_hessian``.
    edges : array_like
        Increasing bin edges in omega, from 0.
    method, rng, progress, **options
        As for ``bosonpeak.dos``.

    Returns
    -------
    DOS

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.hessian import glass_dos
    >>> H = bosonpeak.glass_hessian(bosonpeak.jammed_packing(64, 0.9, rng=1))
    >>> g = glass_dos(H, np.linspace(0, 3, 61))
    >>> round(g.integral() * H.shape[0]) == H.shape[0] - 2, g.zero_modes
    (True, 2.0)
    """
    H = as_matrix(H, "H")
    g = dos(H, edges, method=method, zero_modes=True, rng=rng, progress=progress, **options)
    density = np.array(g.density, dtype=float)
    k = np.searchsorted(g.edges, 0.0, side="right") - 1
    if 0 <= k < len(density):
        density[k] -= DIM / (g.n_modes * g.widths[k])
    samples = None if g.samples is None else g.samples - (np.arange(len(density)) == k) * DIM / (g.n_modes * g.widths[k])
    return dataclasses.replace(g, density=density, samples=samples, zero_modes=float(DIM), zero_modes_removed=True)


def debye_levels(packing: Packing) -> dict:
    """Sound speeds from the long-wavelength limit of both Hessians, and their Debye levels.

    A displacement field ``u(x) = e (k . x)`` (a uniform gradient along the unit vector
    ``k``, polarisation ``e``) is imposed on the backbone and the particles relax
    (``H u' = f``, one particle pinned). The relaxed energy per area is
    ``(1/2) e^T Lambda(k) e`` with ``Lambda = (1 / A) [sum_c K_c (k . r_c)**2 - F^T H^+ F]``,
    the acoustic tensor, prestress included. Its eigenvalues are ``rho c_L**2`` and
    ``rho c_T**2`` (``rho = M / A``, unit masses); the scalar network's ``Lambda`` is
    ``rho c**2``. Speeds are averaged (as ``1 / c**2``, the Debye law's weight) over
``DIRECTIONS`` directions ``k`` evenly spaced in ``[0, pi)``. A small periodic packing can be
unstable to a shear along some direction although it is stable in its fixed box
(Dagois-Bohy et al., PRL 109, 095703 (2012)); then ``c_T`` and the vector Debye level are NaN.

    Returns
    -------
    dict
        ``c_L``, ``c_T`` (vector Hessian), ``c`` (scalar network, ``k = 1 / sigma**2``),
        ``density`` (``rho = M / A``), and the per-mode Debye levels of ``g / omega``:
        ``vector = (1 / c_L**2 + 1 / c_T**2) / (4 pi rho)``, ``scalar = 1 / (2 pi rho c**2)``.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.hessian import debye_levels
    >>> d = debye_levels(bosonpeak.jammed_packing(256, 0.9, rng=1))
    >>> bool(0 < d["c_T"] < d["c_L"])
    True
    """
    _check_packing(packing)
    bonds, r_c, r, sigma = _backbone_bonds(packing)
    m = len(packing.backbone)
    area = packing.box**2
    k_long = 1.0 / sigma**2
    t = -(1.0 - r / sigma) / (sigma * r)
    n = r_c / r[:, None]
    K = (k_long - t)[:, None, None] * (n[:, :, None] * n[:, None, :]) + t[:, None, None] * np.eye(DIM)[None]
    H = glass_hessian(packing).tocsc()[DIM:, DIM:]
    Hs = dynamical_matrix(contact_network(packing)).tocsc()[1:, 1:]
    lu, lu_s = splu(H), splu(Hs)
    inv_c2_vec, inv_c2_sca = [], []
    i, j = bonds[:, 0], bonds[:, 1]
    for theta in np.arange(DIRECTIONS) * np.pi / DIRECTIONS:
        s = r_c @ np.array([np.cos(theta), np.sin(theta)])  # k . r_c
        F = np.zeros((m, DIM, DIM))  # particle, component, polarisation e
        Ke = K * s[:, None, None]  # K e s for e = unit vectors (columns)
        np.add.at(F, i, Ke)
        np.add.at(F, j, -Ke)
        F = F.reshape(DIM * m, DIM)[DIM:]
        lam = (np.einsum("e,eab->ab", s**2, K) - F.T @ lu.solve(F)) / area
        rho_c2 = np.linalg.eigvalsh(0.5 * (lam + lam.T))
        inv_c2_vec.append(np.where(rho_c2 > 0, (m / area) / np.where(rho_c2 > 0, rho_c2, 1.0), np.nan))
        f = np.bincount(i, k_long * s, minlength=m) - np.bincount(j, k_long * s, minlength=m)
        f = f[1:]
        inv_c2_sca.append((m / area) / ((np.sum(k_long * s**2) - f @ lu_s.solve(f)) / area))
    inv_c2_vec = np.mean(inv_c2_vec, axis=0)  # (1 / c_T**2, 1 / c_L**2): eigvalsh sorts ascending
    rho = m / area
    c_T, c_L = 1.0 / np.sqrt(inv_c2_vec)
    c = 1.0 / np.sqrt(np.mean(inv_c2_sca))
    return dict(c_L=float(c_L), c_T=float(c_T), c=float(c), density=float(rho),
                vector=float((1 / c_L**2 + 1 / c_T**2) / (4 * np.pi * rho)), scalar=float(1 / (2 * np.pi * rho * c**2)))
