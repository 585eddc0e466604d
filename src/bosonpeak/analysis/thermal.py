"""Harmonic heat capacity from a DOS, and its 2D Debye limit (hbar = k_B = 1, unit masses).

    C(T) = integral g(omega) E(omega / T) d omega,   E(x) = x^2 e^x / (e^x - 1)^2,

per node (one scalar degree of freedom each, so ``C -> 1`` at high T). Debye's law
``g_D = omega / (2 pi n c^2)`` gives ``C = 3 zeta(3) T^2 / (pi n c^2)``, so ``C / T^2`` is flat
at low T and the Boson peak shows up as a maximum of ``C / T^2``.

The low-frequency end is treated honestly: a finite network has no modes below its
finite-size cut-off ``omega_1 ~ 2 pi c / L`` and a smoothed DOS (KPM) none below its
resolution, so ``C(T)`` from the DOS alone is exponentially wrong for ``T << omega_1``. With
the network's ``c``, ``heat_capacity`` replaces the DOS below ``omega_low`` by Debye's law.
The zero modes (rigid translations of each component) carry no heat capacity and are
always taken out.
"""

from __future__ import annotations

import numpy as np
from scipy.special import zeta

from .. import _checks
from .elasticity import debye_level
from ..spectra.spectrum import DOS

#: Gauss-Legendre nodes per DOS bin and on the Debye segment.
QUADRATURE_NODES = 12
#: Default hand-over to Debye's law: this many times the finite-size cut-off 2 pi c / L, where
#: the DOS of one size is still a few degenerate shells.
SHELLS = 2.0
#: Gauss-Legendre nodes of the Debye segment, in x = omega / T on [0, min(omega_low / T, 60)].
DEBYE_NODES = 96
#: Above this x = omega / T a mode's heat capacity x^2 e^-x is below the smallest double.
EINSTEIN_ZERO_X = 800.0


def debye_limit(c: float = 1.0, n: float = 1.0) -> float:
    """Low-temperature limit of ``C / T^2`` in 2D: ``3 zeta(3) / (pi n c^2)``.

    Examples
    --------
    >>> from bosonpeak.analysis.thermal import debye_limit
    >>> round(debye_limit(), 6)
    1.14788
    """
    c = _checks.real("c", c, minimum=0.0, min_inclusive=False)
    n = _checks.real("n", n, minimum=0.0, min_inclusive=False)
    return 3.0 * float(zeta(3.0)) / (np.pi * n * c**2)


def einstein(x: np.ndarray) -> np.ndarray:
    """``x^2 e^x / (e^x - 1)^2``, the heat capacity of one mode at ``x = omega / T`` (1 at 0)."""
    x = np.asarray(x, dtype=float)
    small = x < 1e-6
    large = x > EINSTEIN_ZERO_X  # x^2 e^-x underflows: exactly 0 in double precision
    xs = np.where(small | large, 1.0, x)
    em = np.exp(-xs)
    out = xs**2 * em / (-np.expm1(-xs)) ** 2
    return np.where(small, 1.0 - np.where(small, x, 0.0) ** 2 / 12.0, np.where(large, 0.0, out))


def heat_capacity(dos: DOS, T, *, c: float | None = None, omega_low: float | None = None, n: float = 1.0) -> np.ndarray:
    """Heat capacity per node at temperatures ``T`` from a DOS.

    Parameters
    ----------
    dos : DOS
        Any method; a DOS with ``samples`` gives the heat capacity of the mean DOS.
    T : float or array_like
        Temperatures, > 0.
    c : float, optional
        Sound speed of the network. When given, the DOS below ``omega_low`` is replaced by
        Debye's law ``omega / (2 pi n c^2)``; without it the DOS is used as it is.
    omega_low : float, optional
        Where Debye's law hands over to the DOS; default twice the finite-size cut-off
        ``2 pi c / L`` (``L = sqrt(N / n)``) or the DOS's resolution if larger. Only with ``c``.
    n : float
        Number density.

    Returns
    -------
    ndarray, same shape as ``T``

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.thermal import debye_limit
    >>> g = bosonpeak.dos(bosonpeak.network(40, 0.0), np.linspace(0, 3, 301))
    >>> C = bosonpeak.heat_capacity(g, [0.02, 100.0], c=1.0)
    >>> bool(np.isclose(C[0] / 0.02**2, debye_limit(), rtol=1e-3)), round(float(C[1]), 2)
    (True, 1.0)
    """
    if not isinstance(dos, DOS):
        raise _checks.ParameterTypeError(f"'dos' must be a bosonpeak.DOS; got {type(dos).__name__}")
    try:
        T = np.asarray(T, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterTypeError(f"'T' must be a number or an array of numbers; got {T!r}") from exc
    if T.size == 0:
        raise _checks.ParameterError("'T' must hold at least one temperature; got none")
    if not np.all(np.isfinite(T)) or np.any(T <= 0):
        raise _checks.ParameterError(f"'T' must be finite and > 0; got min {np.min(T) if T.size else 'empty'}")
    n = _checks.real("n", n, minimum=0.0, min_inclusive=False)
    density = dos.density.astype(float).copy()
    edges = dos.edges
    if not dos.zero_modes_removed and dos.zero_modes and dos.resolution is not None:
        raise _checks.ParameterError(
            f"'dos' from method {dos.method!r} keeps {dos.zero_modes:g} zero modes broadened over several bins; "
            "compute it with zero_modes=False for the heat capacity")
    if not dos.zero_modes_removed and dos.zero_modes:
        k = np.searchsorted(edges, 0.0, side="right") - 1
        if 0 <= k < density.size:
            density[k] -= dos.zero_modes / (dos.n_modes * (edges[k + 1] - edges[k]))
    low = 0.0
    if c is not None:
        c = _checks.real("c", c, minimum=0.0, min_inclusive=False)
        if omega_low is None:
            omega_low = SHELLS * 2.0 * np.pi * c / np.sqrt(dos.n_modes / n)
            if dos.resolution is not None:
                omega_low = max(omega_low, float(dos.resolution))
        low = _checks.real("omega_low", omega_low, minimum=0.0)
    elif omega_low is not None:
        raise _checks.ParameterError("'omega_low' needs 'c' (Debye's law below omega_low uses the sound speed)")

    x, w = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
    # DOS part: constant density on each bin, clipped to [low, edge_k+1).
    a = np.clip(edges[:-1], low, None)
    b = np.clip(edges[1:], low, None)
    half = 0.5 * (b - a)
    omega = (0.5 * (a + b))[:, None] + half[:, None] * x[None, :]  # (B, q)
    weight = (density * half)[:, None] * w[None, :]
    nodes, weights = omega.ravel(), weight.ravel()
    flat = T.reshape(-1)
    with np.errstate(over="ignore"):  # omega / T = inf for a T below the smallest normal double: E = 0
        C = np.array([np.dot(weights, einstein(nodes / t)) for t in flat])
    if low > 0:
        # Debye segment in x = omega / T: T^2 / (2 pi n c^2) * integral_0^X x E(x) dx, X = omega_low / T
        # (E(x) < 1e-24 beyond x = 60); with x = X u: (T X)^2 integral_0^1 u E(X u) du, T X = min(omega_low, 60 T),
        # which neither overflows at large T nor underflows to 0 * inf at small T.
        xg, wg = np.polynomial.legendre.leggauss(DEBYE_NODES)
        with np.errstate(over="ignore"):
            X = np.minimum(low / flat, 60.0)
        u = 0.5 * (xg + 1.0)
        TX = 60.0 * np.minimum(low / 60.0, flat)
        C = C + TX**2 * debye_level(c, n) * np.sum(0.5 * wg[None, :] * u[None, :] * einstein(X[:, None] * u[None, :]), axis=1)
    return C.reshape(T.shape)
