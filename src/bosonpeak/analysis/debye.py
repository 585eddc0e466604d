"""Debye's law in d = 2 or 3 dimensions, scalar or vector: levels, reduced and excess DOS,
heat capacity and its low-temperature limit (hbar = k_B = 1, unit masses, per mode).

Per mode (``N`` modes scalar, ``d N`` vector) at number density ``n``:

* scalar, one branch: ``g_D = S_d omega**(d-1) / ((2 pi)**d n c**d)``, so ``g/omega`` is
  ``1 / (2 pi n c**2)`` in 2D and ``g/omega**2`` is ``1 / (2 pi**2 n c**3)`` in 3D;
* vector, one longitudinal and ``d - 1`` transverse branches, averaged over ``d`` modes:
  2D ``(1 / (4 pi n)) (1/c_L**2 + 1/c_T**2)``, 3D ``(1 / (6 pi**2 n)) (1/c_L**3 + 2/c_T**3)``.

With ``g_D = A omega**(d-1)`` the heat capacity per mode is
``C = A T**d int x**(d+1) e**x / (e**x - 1)**2 dx = A (d+1)! zeta(d+1) T**d``: ``C / T**d`` is
flat at low T (``C / T**2`` in 2D, ``C / T**3`` in 3D) and the Boson peak is its maximum.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import zeta

from .. import _checks
from ..spectra.spectrum import DOS, without_lowest_modes
from .elasticity import finite_level
from .thermal import DEBYE_NODES, QUADRATURE_NODES, einstein

MODELS = ("scalar", "vector")


def _dim(dim) -> int:
    return _checks.integer("dim", dim, minimum=2, maximum=3)


def debye_level_nd(dim: int, *, model: str = "scalar", c: float | None = None, c_L: float | None = None,
                   c_T: float | None = None, n: float = 1.0) -> float:
    """Debye level ``g_D / omega**(d-1)`` per mode.

    Parameters
    ----------
    dim : {2, 3}
    model : {"scalar", "vector"}
        ``c`` for the scalar model, ``c_L`` and ``c_T`` for the vector one.
    n : float
        Number density.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.debye import debye_level_nd
    >>> bool(np.isclose(debye_level_nd(3, c=1.0), 1 / (2 * np.pi**2)))
    True
    >>> bool(np.isclose(debye_level_nd(2, model="vector", c_L=1.0, c_T=1.0), 1 / (2 * np.pi)))
    True
    """
    dim = _dim(dim)
    model = _checks.choice("model", model, MODELS)
    n = _checks.real("n", n, minimum=0.0, min_inclusive=False)
    sphere = 2 * np.pi if dim == 2 else 4 * np.pi
    unit = sphere / ((2 * np.pi) ** dim * n)
    if model == "scalar":
        if c is None:
            raise _checks.ParameterError("the scalar Debye level needs 'c'")
        c = _checks.real("c", c, minimum=0.0, min_inclusive=False)
        return finite_level(unit, [(c, dim)], f"S_d / ((2 pi)^d n c^{dim})", c=c, n=n)
    if c_L is None or c_T is None:
        raise _checks.ParameterError("the vector Debye level needs 'c_L' and 'c_T'")
    c_L = _checks.real("c_L", c_L, minimum=0.0, min_inclusive=False)
    c_T = _checks.real("c_T", c_T, minimum=0.0, min_inclusive=False)
    slow = min(c_L, c_T)  # the slower branch dominates: factor it out so that nothing overflows
    ratio = ((slow / c_L) ** dim + (dim - 1) * (slow / c_T) ** dim) / dim
    return finite_level(unit * ratio, [(slow, dim)], "(1/c_L^d + (d-1)/c_T^d) S_d / ((2 pi)^d n d)", c_L=c_L, c_T=c_T, n=n)


def reduced_dos(dos: DOS, dim: int) -> np.ndarray:
    """``g(omega) / omega**(d-1)`` at the bin centres (Debye's law: a constant).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.debye import reduced_dos
    >>> g = bosonpeak.dos(bosonpeak.network(6, 0.0, dim=3), np.linspace(0, 3.6, 19))
    >>> bool(np.allclose(reduced_dos(g, 3), g.density / g.centres**2))
    True
    """
    if not isinstance(dos, DOS):
        raise _checks.ParameterTypeError(f"'dos' must be a bosonpeak.DOS; got {type(dos).__name__}")
    return dos.density / dos.centres ** (_dim(dim) - 1)


def excess_reduced_dos(dos: DOS, dim: int, level: float) -> np.ndarray:
    """``g / omega**(d-1) - level``: the excess over Debye's law (the Boson peak is its maximum).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.debye import excess_reduced_dos
    >>> g = bosonpeak.dos(bosonpeak.network(6, 0.0, dim=3), np.linspace(0, 3.6, 19))
    >>> excess_reduced_dos(g, 3, 0.05).shape
    (18,)
    """
    level = _checks.real("level", level, minimum=0.0)
    return reduced_dos(dos, dim) - level


def heat_capacity_limit(dim: int, level: float) -> float:
    """Low-temperature limit of ``C / T**d`` for ``g = level * omega**(d-1)``:
    ``level (d+1)! zeta(d+1)``.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.debye import heat_capacity_limit, debye_level_nd
    >>> bool(np.isclose(heat_capacity_limit(3, debye_level_nd(3, c=1.0)), 2 * np.pi**2 / 15))
    True
    """
    dim = _dim(dim)
    level = _checks.real("level", level, minimum=0.0)
    return level * math.factorial(dim + 1) * float(zeta(dim + 1.0))


def heat_capacity_nd(dos: DOS, T, dim: int, *, level: float | None = None, omega_low: float = 0.0) -> np.ndarray:
    """Heat capacity per mode from a DOS in ``d`` dimensions, zero modes taken out.

    Below ``omega_low`` (needs ``level``) the DOS is replaced by ``level * omega**(d-1)``:
    a finite network has no modes below its finite-size cut-off, so ``C`` from the DOS alone
    is exponentially wrong there; ``C / T**d`` at ``T << omega_low`` is then Debye's limit by
    construction, and the high-T limit is ``1 - zero modes / N`` plus Debye's modes below
    ``omega_low`` (``level omega_low**d / d``) minus the DOS's (``thermal.handover_modes``). In 2D with ``level = 1 / (2 pi n c**2)`` this is
    ``bosonpeak.heat_capacity``.

    Parameters
    ----------
    dos : DOS
        An exact histogram or a DOS computed with ``zero_modes=False``.
    T : float or array_like
        Temperatures > 0.
    dim : {2, 3}
    level : float, optional
        Debye level ``g_D / omega**(d-1)`` (``debye_level_nd``).
    omega_low : float
        Hand-over from Debye's law to the DOS.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.debye import heat_capacity_nd
    >>> g = bosonpeak.dos(bosonpeak.network(8, 0.0, dim=3), np.linspace(0, 3.6, 73))
    >>> round(float(heat_capacity_nd(g, 200.0, 3)), 3)  # every non-zero mode carries 1
    0.998
    """
    if not isinstance(dos, DOS):
        raise _checks.ParameterTypeError(f"'dos' must be a bosonpeak.DOS; got {type(dos).__name__}")
    dim = _dim(dim)
    T = np.asarray(T, dtype=float)
    if not np.all(np.isfinite(T)) or np.any(T <= 0):
        raise _checks.ParameterError("'T' must be finite and > 0")
    omega_low = _checks.real("omega_low", omega_low, minimum=0.0)
    if omega_low > 0 and level is None:
        raise _checks.ParameterError("'omega_low' > 0 needs 'level' (Debye's law below omega_low)")
    if not dos.zero_modes_removed and dos.zero_modes and dos.resolution is not None:
        raise _checks.ParameterError(f"'dos' from method {dos.method!r} keeps its zero modes broadened; compute it with zero_modes=False")
    density = np.array(dos.density, dtype=float)
    edges = dos.edges
    if not dos.zero_modes_removed and dos.zero_modes:
        density = without_lowest_modes(density, edges, dos.zero_modes / dos.n_modes)
    x, w = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
    a, b = np.clip(edges[:-1], omega_low, None), np.clip(edges[1:], omega_low, None)
    half = 0.5 * (b - a)
    nodes = ((0.5 * (a + b))[:, None] + half[:, None] * x[None, :]).ravel()
    weights = ((density * half)[:, None] * w[None, :]).ravel()
    flat = T.reshape(-1)
    C = np.array([np.dot(weights, einstein(nodes / t)) for t in flat])
    if omega_low > 0:
        level = _checks.real("level", level, minimum=0.0)
        xg, wg = np.polynomial.legendre.leggauss(DEBYE_NODES)
        X = np.minimum(omega_low / flat, 60.0)
        xs = 0.5 * X[:, None] * (xg[None, :] + 1.0)
        C = C + flat**dim * level * np.sum(0.5 * X[:, None] * wg[None, :] * xs ** (dim - 1) * einstein(xs), axis=1)
    return C.reshape(T.shape)


def vector_participation(vectors, dim: int) -> np.ndarray:
    """Participation ratio of vector modes over nodes: ``P = (sum_i |e_i|**2)**2 / (N sum_i |e_i|**4)``,
    ``|e_i|**2`` summed over the ``d`` components of node ``i``.

    Parameters
    ----------
    vectors : array_like, shape (d N, M)
        Modes as columns, components ordered ``(x_0, y_0[, z_0], x_1, ...)``.
    dim : {2, 3}

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.debye import vector_participation
    >>> vector_participation(np.tile([1.0, 0.0], 5)[:, None], 2).tolist()  # a translation: every node
    [1.0]
    """
    dim = _dim(dim)
    e = np.asarray(vectors, dtype=float)
    if e.ndim == 1:
        e = e[:, None]
    if e.ndim != 2 or e.shape[0] % dim or not np.all(np.isfinite(e)):
        raise _checks.ParameterError(f"'vectors' must be a finite (d N, M) array with d = {dim}; got shape {e.shape}")
    node = np.sum(e.reshape(-1, dim, e.shape[1]) ** 2, axis=1)  # (N, M)
    norm4 = np.sum(node**2, axis=0)
    if np.any(norm4 == 0):
        raise _checks.ParameterError("'vectors' must not contain an all-zero column")
    return np.sum(node, axis=0) ** 2 / (node.shape[0] * norm4)
