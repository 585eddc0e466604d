"""Green's function, on-node response and the paper's nine-node toy model (Fig. 4 right).

``G(omega) = [(omega**2 + i eps) I - H]^-1`` (paper, eq. 1). The paper plots ``-Im G_ii``,
a Lorentzian in ``lambda = omega**2`` (convention ``"paper"``). The local DOS per unit
omega is ``g_i(omega) = -(2 omega / pi) Im G_ii`` (convention ``"omega"``), which
integrates to 1 over omega for each node as ``eps -> 0``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import _checks
from .dynamical import as_matrix, laplacian

TOY_KINDS = ("square", "extra", "missing")
CONVENTIONS = ("paper", "omega")
#: Largest N for which ``local_dos`` diagonalises H densely.
LOCAL_DOS_MAX_NODES = 8_000

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


def local_dos(H, omega, *, eps: float, convention: str = "paper") -> np.ndarray:
    """On-node response of every node at the frequencies ``omega``.

    Parameters
    ----------
    H : (N, N) symmetric matrix or SpringNetwork
        Dynamical matrix, ``N <= LOCAL_DOS_MAX_NODES`` (diagonalised densely; use the KPM
        local DOS for large networks).
    omega : array_like, shape (W,)
        Frequencies, finite and >= 0.
    eps : float
        Broadening ``eps > 0`` added to ``omega**2``.
    convention : {"paper", "omega"}
        ``"paper"``: ``-Im G_ii`` as plotted in the paper; ``"omega"``:
        ``-(2 omega / pi) Im G_ii``, a local DOS per unit omega.

    Returns
    -------
    ndarray, shape (W, N)

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> H = bosonpeak.toy_model("square")
    >>> w = np.linspace(0, 4, 4001)
    >>> g = bosonpeak.local_dos(H, w, eps=0.01, convention="omega")
    >>> round(float(np.trapezoid(g[:, 4], w)), 2)  # 1 less half the zero mode's weight 1/9
    0.94
    """
    H = as_matrix(H, "H")
    if H.shape[0] > LOCAL_DOS_MAX_NODES:
        raise _checks.ParameterError(f"'H' must have N <= {LOCAL_DOS_MAX_NODES} for the dense local DOS; got N = {H.shape[0]}")
    eps = _checks.real("eps", eps, minimum=0.0, min_inclusive=False)
    convention = _checks.choice("convention", convention, CONVENTIONS)
    try:
        omega = np.asarray(omega, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterTypeError(f"'omega' must be an array of numbers; got {omega!r}") from exc
    if omega.ndim > 1 or not np.all(np.isfinite(omega)) or np.any(omega < 0):
        raise _checks.ParameterError("'omega' must be a 1-D array of finite values >= 0")
    omega = np.atleast_1d(omega)
    lam, vec = np.linalg.eigh(H.toarray() if sp.issparse(H) else H)
    weight = vec**2  # (N nodes, N modes)
    # -Im G_ii(z) = sum_k |v_ik|^2 eps / ((omega^2 - lambda_k)^2 + eps^2)
    lorentz = eps / ((omega[:, None] ** 2 - lam[None, :]) ** 2 + eps**2)  # (W, modes)
    response = lorentz @ weight.T
    if convention == "omega":
        response = response * (2.0 * omega[:, None] / np.pi)
    return response


def new_poles(kind: str, *, decimals: int = 9) -> np.ndarray:
    """Eigenfrequencies of toy model ``kind`` absent from the square lattice's spectrum.

    Examples
    --------
    >>> import bosonpeak
    >>> bosonpeak.new_poles("square").size
    0
    """
    def frequencies(H):
        lam = np.linalg.eigvalsh(H)
        lam[np.abs(lam) < 10.0**-decimals] = 0.0
        return np.round(np.sqrt(lam), decimals)

    ref, w = frequencies(toy_model("square")), frequencies(toy_model(kind))
    return np.unique(w[~np.isin(w, ref)])
