"""Harmonic heat capacity from a DOS, and its 2D Debye limit (hbar = k_B = 1, unit masses).

    C(T) = integral g(omega) E(omega / T) d omega,   E(x) = x^2 e^x / (e^x - 1)^2,

per mode of the DOS (per node for the scalar model, so ``C -> 1 - zero modes / N`` at high T without the
Debye hand-over below; ``handover_modes`` with it). Debye's law
``g_D = omega / (2 pi n c^2)`` gives ``C = 3 zeta(3) T^2 / (pi n c^2)``, so ``C / T^2`` is flat
at low T and the Boson peak shows up as a maximum of ``C / T^2``.

The low-frequency end is treated honestly: a finite network has no modes below its
finite-size cut-off ``omega_1 ~ 2 pi c / L`` and a smoothed DOS (KPM) none below its
resolution, so ``C(T)`` from the DOS alone is exponentially wrong for ``T << omega_1``. With
the network's ``c``, ``heat_capacity`` replaces the DOS below ``omega_low`` by Debye's law.
The zero modes (rigid translations of each component) carry no heat capacity and are
always taken out: from the lowest bin of an exact histogram, as the recorded kernel-broadened
delta of a KPM DOS. Every step stays finite for any ``T > 0``: ``x^2 e^-x`` is 0 past
``EINSTEIN_ZERO_X`` (where it underflows), the Debye segment is integrated in ``omega / min(omega_low, 60 T)``,
and ``reduced=True`` gives ``C / T^2`` without forming ``T^2``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import zeta

from .. import _checks
from .elasticity import debye_level
from ..spectra.spectrum import DOS, without_lowest_modes

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
    """``x^2 e^x / (e^x - 1)^2``, the heat capacity of one mode at ``x = omega / T`` (1 at 0, finite for any ``x >= 0``, inf included)."""
    x = np.asarray(x, dtype=float)
    small = x < 1e-6
    large = x > EINSTEIN_ZERO_X  # x^2 e^-x underflows: exactly 0 in double precision
    xs = np.where(small | large, 1.0, x)
    em = np.exp(-xs)
    out = xs**2 * em / (-np.expm1(-xs)) ** 2
    return np.where(small, 1.0 - np.where(small, x, 0.0) ** 2 / 12.0, np.where(large, 0.0, out))


def _x2_einstein(x: np.ndarray) -> np.ndarray:
    """``x^2 E(x)`` without overflow (``E / T^2 = x^2 E / omega^2``); 0 past ``EINSTEIN_ZERO_X``."""
    x = np.asarray(x, dtype=float)
    large = x > EINSTEIN_ZERO_X
    xs = np.where(large, 1.0, x)
    return np.where(large, 0.0, xs**2 * einstein(xs))


def heat_capacity(dos: DOS, T, *, c=None, omega_low: float | None = None, n: float = 1.0, reduced: bool = False,
                  level: float | None = None) -> np.ndarray:
    """Heat capacity per mode at temperatures ``T`` from a DOS.

    Parameters
    ----------
    dos : DOS
        Any DOS bosonpeak makes: exact or smoothed (KPM), one network or an ensemble (the
        heat capacity of the mean DOS, the mean of the samples' heat capacities). Zero modes
        carry no heat capacity and are taken out: from the bin holding ``omega = 0`` for an
        exact histogram, as the recorded kernel-broadened delta (``info["zero_delta"]``; an ensemble's ``info["zero_mode_density"]``)
        for KPM.
    T : float or array_like
        Temperatures, finite and > 0 (any magnitude: ``1e-200`` and ``1e300`` give the
        Debye and Dulong-Petit limits).
    c : float or array_like of shape (K,), optional
        Sound speed of the network, or one per sample of an ensemble (as ``boson_peak``
        takes them). When given, the DOS below ``omega_low`` is replaced by Debye's law
        ``omega / (2 pi n c^2)`` (with per-sample speeds: the mean of the samples' levels);
        without it the DOS is used as it is. So ``C / T^2`` at ``T << omega_low`` is Debye's
        limit by construction, not a result, and the high-T limit is ``1 - zero modes / N``
        plus the modes the hand-over adds (``handover_modes``: Debye's below ``omega_low``
        minus the DOS's).
    omega_low : float, optional
        Where Debye's law hands over to the DOS; default twice the finite-size cut-off
        ``2 pi c / L`` (``L = sqrt(N / n)``, the mean ``c``) or the DOS's resolution if
        larger. Only with ``c``.
    n : float
        Number density.
    reduced : bool
        Return ``C / T^2`` instead of ``C``, computed without forming ``T^2`` (so it stays
        exact where ``T^2`` under- or overflows).
    level : float, optional
        Debye level ``g_D / omega`` per mode to use below ``omega_low`` instead of
        ``1 / (2 pi n c^2)``, for a DOS that is not the scalar model's: a vector Hessian's
        (``(1 / c_L^2 + 1 / c_T^2) / (4 pi n)``, ``analysis.elasticity.debye_levels``). Needs
        ``omega_low``; not with ``c``.

    Returns
    -------
    ndarray, same shape as ``T``
        Per mode of the DOS: per node for a scalar network, per degree of freedom for a
        vector Hessian. At high T: ``1 - zero modes / N`` without ``c`` or ``level``, plus
        ``handover_modes`` with them.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.thermal import debye_limit
    >>> g = bosonpeak.dos(bosonpeak.network(40, 0.0), np.linspace(0, 3, 301))
    >>> C = bosonpeak.heat_capacity(g, [0.02, 100.0], c=1.0)
    >>> bool(np.isclose(C[0] / 0.02**2, debye_limit(), rtol=1e-3)), round(float(C[1]), 2)
    (True, 1.0)
    >>> r = bosonpeak.heat_capacity(g, 1e-200, c=1.0, reduced=True)  # C / T^2: Debye's limit
    >>> bool(np.isclose(r, debye_limit(), rtol=1e-9))
    True
    """
    if not isinstance(dos, DOS):
        raise _checks.ParameterTypeError(f"'dos' must be a bosonpeak.DOS; got {type(dos).__name__}")
    if isinstance(T, (bool, np.bool_)) or np.asarray(T).dtype == bool:
        raise _checks.ParameterTypeError(f"'T' must be a temperature or an array of them, not a boolean; got {T!r}")
    try:
        T = np.asarray(T, dtype=float)
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterTypeError(f"'T' must be a number or an array of numbers; got {T!r}") from exc
    if T.size == 0:
        raise _checks.ParameterError("'T' must hold at least one temperature; got none")
    if not np.all(np.isfinite(T)) or np.any(T <= 0):
        raise _checks.ParameterError(f"'T' must be finite and > 0; got min {np.min(T) if T.size else 'empty'}")
    n = _checks.real("n", n, minimum=0.0, min_inclusive=False)
    if not isinstance(reduced, bool):
        raise _checks.ParameterTypeError(f"'reduced' must be True or False; got {reduced!r}")
    density = _without_zero_modes(dos)
    edges = dos.edges
    low = 0.0
    if level is not None:
        if c is not None or omega_low is None:
            raise _checks.ParameterError(
                f"'level' needs 'omega_low' (where the DOS hands over to Debye's law) and replaces 'c'; got c={c!r}, omega_low={omega_low!r}")
        level = _checks.real("level", level, minimum=0.0, min_inclusive=False)
        low = _checks.real("omega_low", omega_low, minimum=0.0)
    elif c is not None:
        speeds = _speeds(c, dos)
        level = float(np.mean([debye_level(s, n) for s in speeds]))
        if omega_low is None:
            omega_low = SHELLS * 2.0 * np.pi * float(np.mean(speeds)) / np.sqrt(dos.n_modes / n)
            if dos.resolution is not None:
                omega_low = max(omega_low, float(dos.resolution))
        low = _checks.real("omega_low", omega_low, minimum=0.0)
    elif omega_low is not None:
        raise _checks.ParameterError("'omega_low' needs 'c' or 'level' (Debye's law below omega_low)")
    else:
        level = 0.0

    x, w = np.polynomial.legendre.leggauss(QUADRATURE_NODES)
    # DOS part: constant density on each bin, clipped to [low, edge_k+1).
    a = np.clip(edges[:-1], low, None)
    b = np.clip(edges[1:], low, None)
    half = 0.5 * (b - a)
    omega = (0.5 * (a + b))[:, None] + half[:, None] * x[None, :]  # (B, q)
    weight = (density * half)[:, None] * w[None, :]
    keep = weight.ravel() != 0
    nodes, weights = omega.ravel()[keep], weight.ravel()[keep]
    flat = T.reshape(-1)
    with np.errstate(over="ignore"):  # omega / T = inf for a T below the smallest normal double: E = 0
        if reduced:  # E(omega / T) / T^2 = (x^2 E(x)) / omega^2
            C = np.array([np.dot(weights, _x2_einstein(nodes / t) / nodes**2) for t in flat])
        else:
            C = np.array([np.dot(weights, einstein(nodes / t)) for t in flat])
    if low > 0:
        # Debye segment: level * integral_0^W omega E(omega / T) d omega, W = min(omega_low, 60 T)
        # (E < 1e-22 beyond x = 60); in u = omega / W: level * W^2 * integral_0^1 u E(u W / T) du.
        xg, wg = np.polynomial.legendre.leggauss(DEBYE_NODES)
        u = 0.5 * (xg + 1.0)
        W = 60.0 * np.minimum(low / 60.0, flat)  # 60 T overflows near the largest double
        with np.errstate(over="ignore"):
            X = np.minimum(low / flat, 60.0)
        integral = np.sum(0.5 * wg[None, :] * u[None, :] * einstein(X[:, None] * u[None, :]), axis=1)
        C = C + level * (X if reduced else W) ** 2 * integral
    return C.reshape(T.shape)


#: ``x = omega_low / T`` below which half of Debye's ``C / T^2`` (2D) comes from ``omega < omega_low``.
HANDOVER_X = 3.2702


def handover_temperature(omega_low: float) -> float:
    """The temperature below which more than half of ``C / T^2`` is Debye's law imposed below
    ``omega_low`` (``heat_capacity`` with ``c``): ``omega_low / HANDOVER_X``. Below it ``C / T^2``
    over the Debye limit tends to 1 by construction, not as a result.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.thermal import handover_temperature, einstein
    >>> x = np.linspace(1e-9, 3.2702, 200001)  # half of 6 zeta(3) = integral_0^inf x^3 e^x / (e^x - 1)^2 dx
    >>> f = x * einstein(x)
    >>> round(float(np.sum((f[1:] + f[:-1]) / 2 * np.diff(x)) / (6 * 1.2020569)), 3), round(handover_temperature(0.5), 4)
    (0.5, 0.1529)
    """
    return _checks.real("omega_low", omega_low, minimum=0.0, min_inclusive=False) / HANDOVER_X


def handover_modes(dos: DOS, omega_low: float, level: float, dim: int = 2) -> float:
    """Modes per mode that the hand-over to Debye's law below ``omega_low`` adds: Debye's
    ``level omega_low**d / d`` minus the DOS's own there (zero modes out). ``heat_capacity``'s
    high-T limit is ``1 - zero modes / N`` plus this: Debye's law for the infinite medium
    replaces the finite network's few shells there.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.analysis.thermal import handover_modes
    >>> g = bosonpeak.dos(bosonpeak.network(16, 0.2, rng=1), zero_modes=False)
    >>> low = 2 * 2 * np.pi * 0.8 / 16
    >>> C = bosonpeak.heat_capacity(g, 1e300, c=0.8, omega_low=low)
    >>> bool(np.isclose(C, 1 - 1 / 256 + handover_modes(g, low, bosonpeak.debye_level(0.8)), rtol=1e-12))
    True
    """
    edges = dos.edges
    below = np.clip(np.clip(edges[1:], None, omega_low) - np.clip(edges[:-1], None, omega_low), 0.0, None)
    return level * omega_low**dim / dim - float(np.sum(_without_zero_modes(dos) * below))


def _speeds(c, dos: DOS) -> np.ndarray:
    """One positive sound speed, or one per sample of an ensemble DOS."""
    k = 1 if dos.samples is None else dos.samples.shape[0]
    speeds = np.atleast_1d(np.asarray(c, dtype=float)) if not isinstance(c, str) else np.array([np.nan])
    if speeds.ndim != 1 or speeds.size not in (1, k) or not np.all(np.isfinite(speeds)) or np.any(speeds <= 0):
        raise _checks.ParameterError(
            f"'c' must be one positive finite sound speed or one per sample ({k}); got {c!r}")
    return speeds


def _without_zero_modes(dos: DOS) -> np.ndarray:
    """``density`` with the zero modes it keeps taken out (they carry no heat capacity)."""
    density = np.array(dos.density, dtype=float)
    if dos.zero_modes_removed or not dos.zero_modes:
        return density
    if dos.resolution is not None:  # an ensemble records its mean broadened zero modes, one DOS its unit delta
        profile = dos.info.get("zero_mode_density")
        if profile is None and "zero_delta" in dos.info:
            profile = dos.zero_modes / dos.n_modes * np.asarray(dos.info["zero_delta"], dtype=float)
        if profile is None or np.shape(profile) != density.shape:
            raise _checks.ParameterError(
                f"'dos' from method {dos.method!r} keeps {dos.zero_modes:g} zero modes broadened over an unknown "
                "kernel; compute it with zero_modes=False for the heat capacity")
        return density - np.asarray(profile, dtype=float)
    return without_lowest_modes(density, dos.edges, dos.zero_modes / dos.n_modes)
