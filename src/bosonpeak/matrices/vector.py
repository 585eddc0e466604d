"""The vector dynamical matrix of a central-force spring network in 2D or 3D.

Unstressed central springs (rest length = bond length): with ``n_ij`` the unit bond vector,

    K_ij = -k_ij n_ij n_ij^T   (d x d),     K_ii = -sum_{j != i} K_ij,

unit masses, so the ``d N`` eigenvalues are ``omega**2``. Degrees of freedom are ordered
``(x_0, y_0[, z_0], x_1, ...)``. ``K = R^T diag(k) R`` with the rigidity matrix ``R`` (E x dN,
row ``e``: ``n_e^T (u_j - u_i)``), so the zero modes are the null space of ``R`` and

    N_0 = d N - rank R = d N - E + S,

``S`` the number of states of self-stress. Maxwell's count ``d N - E`` is a lower bound on
``N_0 - S``; the ``d`` uniform translations are always zero modes. ``maxwell_count`` gives the
counting side; the exact ``N_0`` (a rank) is ``bosonpeak.spectra.vector.vector_zero_modes``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .. import _checks
from ..model.lattice import SpringNetwork


def _check_net(net) -> SpringNetwork:
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    return net


def bond_directions(net: SpringNetwork) -> np.ndarray:
    """Unit minimum-image bond vectors ``n_ij``, shape (E, d)."""
    d = _check_net(net).bond_vectors
    return d / np.sqrt(np.sum(d**2, axis=1))[:, None]


def vector_dynamical_matrix(net: SpringNetwork) -> sp.csr_matrix:
    """The ``d N x d N`` vector dynamical matrix of unstressed central springs.

    Parameters
    ----------
    net : SpringNetwork
        2D or 3D; ``stiffness`` gives ``k_ij``.

    Returns
    -------
    scipy.sparse.csr_matrix, shape (d N, d N)
        Symmetric, positive semi-definite; every uniform translation is a zero mode.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.matrices.vector import vector_dynamical_matrix
    >>> K = vector_dynamical_matrix(bosonpeak.network(4, 0.0, rule="nearest"))
    >>> K.shape, float(K[0, 0]), float(K[1, 1]), bool(np.allclose(K @ np.tile([1.0, 0.0], 16), 0))
    ((32, 32), 2.0, 2.0, True)
    """
    net = _check_net(net)
    dim, m = net.dim, net.n_nodes
    n = bond_directions(net)
    blocks = (net.stiffness[:, None, None] * n[:, :, None] * n[:, None, :]).reshape(-1, dim * dim)
    a, b = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    a, b = a.ravel(), b.ravel()
    i, j = net.bonds[:, 0], net.bonds[:, 1]
    diag = np.zeros((m, dim * dim))
    for c in range(dim * dim):
        diag[:, c] = np.bincount(i, blocks[:, c], minlength=m) + np.bincount(j, blocks[:, c], minlength=m)
    node = np.arange(m)[:, None]
    rows = np.concatenate([(dim * i[:, None] + a).ravel(), (dim * j[:, None] + a).ravel(), (dim * node + a).ravel()])
    cols = np.concatenate([(dim * j[:, None] + b).ravel(), (dim * i[:, None] + b).ravel(), (dim * node + b).ravel()])
    vals = np.concatenate([-blocks.ravel(), -blocks.ravel(), diag.ravel()])
    K = sp.csr_matrix((vals, (rows, cols)), shape=(dim * m, dim * m))
    K.eliminate_zeros()  # axis-aligned bonds couple one component only: their graph must say so
    K.sort_indices()
    return K


def rigidity_matrix(net: SpringNetwork) -> sp.csr_matrix:
    """Rigidity (compatibility) matrix ``R``, shape (E, d N): bond ``e = (i, j)`` stretches by
    ``n_e . (u_j - u_i)``; ``vector_dynamical_matrix = R^T diag(k) R``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.matrices.vector import rigidity_matrix, vector_dynamical_matrix
    >>> net = bosonpeak.network(4, 0.2, rng=1)
    >>> R = rigidity_matrix(net)
    >>> bool(abs(R.T @ sp.diags(net.stiffness) @ R - vector_dynamical_matrix(net)).max() < 1e-12)
    True
    """
    net = _check_net(net)
    dim, e = net.dim, len(net.bonds)
    n = bond_directions(net)
    rows = np.repeat(np.arange(e), 2 * dim)
    cols = np.concatenate([dim * net.bonds[:, :1] + np.arange(dim), dim * net.bonds[:, 1:] + np.arange(dim)], axis=1).ravel()
    vals = np.concatenate([-n, n], axis=1).ravel()
    return sp.csr_matrix((vals, (rows, cols)), shape=(e, dim * net.n_nodes))


def translations(n_nodes: int, dim: int) -> np.ndarray:
    """Orthonormal uniform translations, shape (d N, d): the trivial zero modes."""
    T = np.zeros((dim * n_nodes, dim))
    for a in range(dim):
        T[a::dim, a] = 1.0 / np.sqrt(n_nodes)
    return T


def maxwell_count(net: SpringNetwork) -> dict:
    """Maxwell's constraint counting for a central-force network.

    Returns
    -------
    dict
        ``dof`` (d N), ``constraints`` (E, springs with ``k > 0``), ``mean_z`` (2 E / N),
        ``isostatic_z`` (2 d), ``maxwell_floppy`` (``d N - E``: modes left unconstrained by
        the count, a lower bound on zero modes minus states of self-stress), and
        ``lower_bound`` (``max(d N - E, d)``: zero modes are at least this many).

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.matrices.vector import maxwell_count
    >>> c = maxwell_count(bosonpeak.network(6, 0.0, rule="nearest"))
    >>> c["mean_z"], c["isostatic_z"], c["maxwell_floppy"]
    (4.0, 4, 0)
    """
    net = _check_net(net)
    e = int(np.count_nonzero(net.stiffness > 0))
    dof = net.dim * net.n_nodes
    return dict(dof=dof, constraints=e, mean_z=2.0 * e / net.n_nodes, isostatic_z=2 * net.dim,
                maxwell_floppy=dof - e, lower_bound=max(dof - e, net.dim))
