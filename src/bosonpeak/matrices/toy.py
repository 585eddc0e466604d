"""Green's function, on-node response and the paper's nine-node toy model (Fig. 4 right).

``G(omega) = [(omega**2 + i eps) I - H]^-1`` (paper, eq. 1). The paper plots ``-Im G_ii``,
a Lorentzian in ``lambda = omega**2`` (convention ``"paper"``). The local DOS per unit
omega is ``g_i(omega) = -(2 omega / pi) Im G_ii`` (convention ``"omega"``), which
integrates to 1 over omega for each node as ``eps -> 0``.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from .laplacian import laplacian

TOY_KINDS = ("square", "extra", "missing")

# Node (row, col) of the 3 x 3 toy grid has index 3 * row + col, row 0 at the top.
TOY_CENTRE, TOY_TOP_LEFT, TOY_LEFT = 4, 0, 3


def toy_model(kind: str = "square") -> np.ndarray:
    """The 9 x 9 dynamical matrix of the paper's toy model (Fig. 4 right).

    A 3 x 3 periodic square lattice with ``t = 1``; node ``3 * row + col``, row 0 at the top.

    Parameters
    ----------
    kind : {"square", "extra", "missing"}
        ``"square"``: the lattice (z = 4 everywhere). ``"extra"``: plus a spring between the
        centre (4) and the top-left node (0), both then z = 5. ``"missing"``: without the
        spring between the centre (4) and its left neighbour (3), both then z = 3.

    Returns
    -------
    ndarray, shape (9, 9)

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> np.round(np.linalg.eigvalsh(bosonpeak.toy_model("square")), 10).tolist()
    [0.0, 3.0, 3.0, 3.0, 3.0, 6.0, 6.0, 6.0, 6.0]
    """
    kind = _checks.choice("kind", kind, TOY_KINDS)
    idx = np.arange(9).reshape(3, 3)
    bonds = np.concatenate(
        [np.column_stack([idx.ravel(), np.roll(idx, -1, axis=1).ravel()]), np.column_stack([idx.ravel(), np.roll(idx, -1, axis=0).ravel()])]
    )
    bonds = {tuple(sorted(map(int, b))) for b in bonds}
    if kind == "extra":
        bonds.add((TOY_TOP_LEFT, TOY_CENTRE))
    elif kind == "missing":
        bonds.discard((TOY_LEFT, TOY_CENTRE))
    bonds = np.array(sorted(bonds))
    return laplacian(9, bonds, np.ones(len(bonds))).toarray()


def new_poles(kind: str, *, decimals: int = 9) -> np.ndarray:
    """Eigenfrequencies of toy model ``kind`` absent from the square lattice's spectrum.

    Examples
    --------
    >>> import bosonpeak
    >>> bosonpeak.new_poles("square").size
    0
    """
    decimals = _checks.integer("decimals", decimals, minimum=0, maximum=15)

    def frequencies(H):
        lam = np.linalg.eigvalsh(H)
        lam[np.abs(lam) < 10.0**-decimals] = 0.0
        return np.round(np.sqrt(lam), decimals)

    ref, w = frequencies(toy_model("square")), frequencies(toy_model(kind))
    return np.unique(w[~np.isin(w, ref)])
