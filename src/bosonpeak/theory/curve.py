"""The result of an effective-medium theory: ``k_eff(omega)``, ``g``, ``g/omega``, ``c^2``, ``omega_BP``;
and the sound it implies (dispersion and damping of a plane wave in the medium)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _checks


@dataclass(frozen=True, eq=False)
class TheoryCurve:
    """An effective medium on a grid of frequencies.

    Attributes
    ----------
    omega : ndarray, shape (F,)
        Frequencies.
    k_eff : ndarray of complex, shape (F,)
        Effective spring ``k_m(omega)`` of the square-lattice medium (``Im <= 0``).
    dos : ndarray, shape (F,)
        ``g(omega)`` per mode.
    reduced : ndarray, shape (F,)
        ``g(omega) / omega`` (the Debye level at ``omega = 0``).
    c2 : float
        ``k_eff(0)``: the effective-medium sound speed squared (``n = m = a = 1``).
    debye_level : float
        ``1 / (2 pi c2)``.
    omega_bp : float or None
        Maximum of ``g / omega`` inside the peak window; None if there is no interior maximum.
    theory : str
        Which theory and distribution.
    info : dict
        Solver details (iterations, residual).
    """

    omega: np.ndarray
    k_eff: np.ndarray
    dos: np.ndarray
    reduced: np.ndarray
    c2: float
    debye_level: float
    omega_bp: float | None
    theory: str
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in ("omega", "k_eff", "dos", "reduced"):
            getattr(self, name).setflags(write=False)

    def binned(self, edges) -> np.ndarray:
        """Mean of ``g`` over each bin ``[e_k, e_k+1)`` (trapezoid on the curve's grid), shape (B,).

        The grid must cover the bins; use it to compare with a histogram DOS.

        Examples
        --------
        >>> import numpy as np
        >>> from bosonpeak.theory import bond_cpa, spring_distribution
        >>> curve = bond_cpa(spring_distribution("springs-uniform", 0.5), np.linspace(0, 3.6, 721))
        >>> round(float(curve.binned([0.0, 3.6])[0] * 3.6), 4)   # all modes lie below 3.6
        1.0
        """
        edges = _checks.increasing_edges("edges", edges)
        if edges[0] < self.omega[0] or edges[-1] > self.omega[-1]:
            raise _checks.ParameterError(
                f"'edges' must lie inside the curve's grid [{self.omega[0]:g}, {self.omega[-1]:g}]; got [{edges[0]:g}, {edges[-1]:g}]")
        grid = np.union1d(self.omega, edges)
        g = np.interp(grid, self.omega, self.dos)
        cum = np.concatenate([[0.0], np.cumsum(0.5 * (g[1:] + g[:-1]) * np.diff(grid))])
        at = np.interp(edges, grid, cum)
        return np.diff(at) / np.diff(edges)


def peak_of_reduced(omega: np.ndarray, reduced: np.ndarray, omega_max: float) -> float | None:
    """``omega`` of the largest ``g/omega`` in ``(0, omega_max]``, refined by a parabola; None at the window's edge
    (or where the curve ends, NaN, inside the window)."""
    inside = np.flatnonzero((omega > 0) & (omega <= omega_max))
    if not np.all(np.isfinite(reduced[inside])):
        return None
    if inside.size < 3:
        return None
    j = inside[np.argmax(reduced[inside])]
    if j == inside[0] or j == inside[-1]:
        return None
    x0, x1, x2 = omega[j - 1: j + 2]
    y0, y1, y2 = reduced[j - 1: j + 2]
    d0, d2 = x0 - x1, x2 - x1
    a = ((y0 - y1) / d0 - (y2 - y1) / d2) / (d0 - d2)
    b = (y0 - y1) / d0 - a * d0
    return float(x1 + np.clip(-b / (2 * a), d0, d2)) if a < 0 else float(x1)


def sound_damping(curve: TheoryCurve, q) -> tuple[np.ndarray, np.ndarray]:
    """Dispersion ``Omega(q)`` and damping ``Gamma(q)`` of a plane wave along (1, 0) in the medium.

    A wave of wavevector ``q`` has the pole ``omega^2 = k_m(omega) lambda0(q)``,
    ``lambda0 = 4 sin^2(q/2)``. Writing the medium's response as a damped harmonic oscillator,
    ``1 / (Omega^2 - omega^2 - i omega Gamma)``, gives ``Omega^2 = Re k_m(Omega) lambda0`` and
    ``Gamma = -Im k_m(Omega) lambda0 / Omega``. ``Omega`` is the first crossing on the curve's
    grid (linear interpolation); NaN where there is none.

    Parameters
    ----------
    curve : TheoryCurve
    q : array_like
        Wavenumbers in ``(0, pi]``.

    Returns
    -------
    Omega, Gamma : ndarray, shape of ``q``

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.theory import bond_cpa, sound_damping, spring_distribution
    >>> curve = bond_cpa(spring_distribution("springs-uniform", 0.5), np.linspace(0, 3, 301))
    >>> Omega, Gamma = sound_damping(curve, [0.1, 0.2])
    >>> bool(abs(Omega[0] / 0.1 - np.sqrt(curve.c2)) < 0.01), bool(Gamma[1] / Gamma[0] > 4)   # Rayleigh-like growth
    (True, True)
    """
    if not isinstance(curve, TheoryCurve):
        raise _checks.ParameterTypeError(f"'curve' must be a TheoryCurve; got {type(curve).__name__}")
    return medium_damping(curve.omega, curve.k_eff, q)


def medium_damping(omega, k_eff, q) -> tuple[np.ndarray, np.ndarray]:
    """``sound_damping`` from a tabulated ``k_eff(omega)`` (e.g. a saved ``theory_k_eff_real/imag``); NaN
    entries of ``k_eff`` end the table.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.theory import medium_damping
    >>> Omega, Gamma = medium_damping(np.linspace(0, 3, 301), np.ones(301), [0.5])   # the crystal: no damping
    >>> round(float(Omega[0]), 4), round(float(2 * np.sin(0.25)), 4), abs(float(Gamma[0]))
    (0.4948, 0.4948, 0.0)
    """
    w = _checks.increasing_edges("omega", omega)
    k = np.asarray(k_eff, dtype=complex)
    if k.shape != w.shape:
        raise _checks.ParameterError(f"'k_eff' must have the shape of 'omega' {w.shape}; got {k.shape}")
    ok = np.isfinite(k)
    if not ok.all():
        end = int(np.argmin(ok))
        w, k = w[:end], k[:end]
    q = np.asarray(q, dtype=float)
    if np.any(~np.isfinite(q)) or np.any(q <= 0) or np.any(q > np.pi):
        raise _checks.ParameterError(f"'q' must lie in (0, pi]; got range [{np.min(q):g}, {np.max(q):g}]")
    lam = 4.0 * np.sin(0.5 * q) ** 2
    Omega, Gamma = np.full(q.shape, np.nan), np.full(q.shape, np.nan)
    for idx, l0 in np.ndenumerate(lam):
        f = w**2 - k.real * l0
        cross = np.flatnonzero((f[:-1] < 0) & (f[1:] >= 0))
        if cross.size == 0:
            continue
        i = cross[0]
        t = -f[i] / (f[i + 1] - f[i])
        Omega[idx] = w[i] + t * (w[i + 1] - w[i])
        Gamma[idx] = -np.interp(Omega[idx], w, k.imag) * l0 / Omega[idx]
    return Omega, Gamma
