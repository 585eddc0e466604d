"""Sound attenuation from ``S(q, omega)``: peak position ``Omega(q)``, width ``Gamma(q)``,
phase velocity, the Ioffe-Regel frequency and the low-q (Rayleigh) exponent of ``Gamma``.

Line shape. The damped oscillator seen from ``|q>`` has a Lorentzian spectral measure in
``lambda = omega^2`` of width ``Omega Gamma``; per unit omega

    S(omega) = A (2 omega / pi) Omega Gamma / ((omega^2 - Omega^2)^2 + Omega^2 Gamma^2),

which is the damped-harmonic-oscillator shape ``(2/pi) omega^2 Gamma / ((omega^2 - Omega^2)^2
+ omega^2 Gamma^2)`` near the peak (same ``Omega``, ``Gamma`` = full width at half maximum in
omega for ``Gamma << Omega``) and has a closed-form integral,
``A/pi arctan((omega^2 - Omega^2) / (Omega Gamma))``. The fit compares bin averages with the
model's exact bin averages, convolved with a Gaussian of the KPM resolution (Gauss-Hermite
nodes), so ``Gamma`` is the network's width, not the kernel's. Fitted over the bins within
``FIT_HALF_WIDTHS`` half widths of the highest bin (at least ``FIT_MIN_BINS`` bins each side).
A fit with ``Gamma > OVERDAMPED x Omega`` (far past the Ioffe-Regel point) has no propagating peak
to measure and is flagged not ok. Uncertainties are the fit's standard errors (``scipy.optimize.curve_fit``; scaled by the
residuals unless the data carry errors).

A dense ``S(q, omega)`` whose exact lines within the fit window all sit within
``LINE_TOLERANCE`` of one frequency (ignoring round-off weights below ``WEIGHT_FLOOR``) is a single line: ``Gamma = 0`` exactly (the crystal).

Ioffe-Regel: the frequency where ``Gamma(q) = Omega(q) / pi`` (linear interpolation in q);
NaN when ``Gamma`` stays below ``Omega / pi`` over the q measured. Rayleigh: the slope of
``log Gamma`` against ``log q`` over the lowest q whose ``Gamma`` is resolved (at least the KPM
resolution or the bin width; 2D prediction 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

from .. import _checks
from ..spectra.structure import StructureFactor

#: Half widths (estimated from the data) each side of the peak that the fit sees.
FIT_HALF_WIDTHS = 4.0
#: Fewest bins each side of the highest bin in the fit window.
FIT_MIN_BINS = 4
#: A fitted width above this many times the peak frequency is no propagating peak: not ok.
OVERDAMPED = 2.0
#: Exact lines closer than this (in omega) count as one line.
LINE_TOLERANCE = 1e-8
#: Exact lines lighter than this fraction of the total weight are round-off, not lines.
WEIGHT_FLOOR = 1e-12
#: Gauss-Hermite nodes for the kernel convolution.
_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite.hermgauss(24)


@dataclass(frozen=True)
class Damping:
    """Fitted peak of ``S(q, omega)`` at each wave vector.

    Attributes
    ----------
    q : ndarray, shape (Q,)
        ``|q|``.
    omega, omega_error : ndarray, shape (Q,)
        Peak frequency ``Omega(q)`` and its standard error.
    gamma, gamma_error : ndarray, shape (Q,)
        Width ``Gamma(q)`` (FWHM in omega) and its standard error.
    amplitude : ndarray, shape (Q,)
        Weight ``A`` of the peak.
    ok : ndarray of bool, shape (Q,)
        Whether the fit converged.
    floor : float
        Narrowest width the data resolve: the KPM resolution, or the bin width of exact
        data. A fitted ``Gamma`` below it is an upper bound, not a measurement.
    """

    q: np.ndarray
    omega: np.ndarray
    omega_error: np.ndarray
    gamma: np.ndarray
    gamma_error: np.ndarray
    amplitude: np.ndarray
    ok: np.ndarray
    floor: float = 0.0

    @property
    def resolved(self) -> np.ndarray:
        """Converged fits with ``Gamma`` at or above ``floor``."""
        return self.ok & np.isfinite(self.gamma) & (self.gamma >= self.floor) & (self.gamma > 0)

    @property
    def velocity(self) -> np.ndarray:
        """Phase velocity ``Omega(q) / |q|``."""
        return self.omega / self.q


def line_shape_cdf(omega, Omega, Gamma):
    """``integral_0^omega`` of the unit-weight line shape (module notes), vectorised."""
    omega = np.maximum(np.asarray(omega, dtype=float), 0.0)
    width = Omega * Gamma
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(width > 0, (omega**2 - Omega**2) / np.where(width > 0, width, 1.0), np.sign(omega**2 - Omega**2) * np.inf)
        x0 = np.where(width > 0, -Omega**2 / np.where(width > 0, width, 1.0), -np.inf)
    return (np.arctan(x) - np.arctan(x0)) / np.pi


def _model(edges, resolution):
    widths = np.diff(edges)
    shifts = np.sqrt(2.0) * (resolution or 0.0) * _GH_NODES
    w = _GH_WEIGHTS / np.sqrt(np.pi)

    def f(_, A, Omega, Gamma):
        F = sum(wk * line_shape_cdf(edges - s, Omega, Gamma) for wk, s in zip(w, shifts)) if resolution else line_shape_cdf(edges, Omega, Gamma)
        return A * np.diff(F) / widths
    return f


def fit_peak(edges, density, *, resolution: float | None = None, error=None, omega_modes=None, weights=None) -> tuple:
    """Fit the line shape to one ``S(q, omega)`` (module notes).

    Returns
    -------
    tuple
        ``(A, Omega, Gamma, sd_Omega, sd_Gamma, ok)``.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.damping import fit_peak, line_shape_cdf
    >>> edges = np.linspace(0, 2, 401)
    >>> S = np.diff(line_shape_cdf(edges, 1.0, 0.05)) / np.diff(edges)
    >>> A, W, G, *_ = fit_peak(edges, S)
    >>> round(W, 6), round(G, 6)
    (1.0, 0.05)
    """
    edges = np.asarray(edges, dtype=float)
    S = np.asarray(density, dtype=float)
    centres = 0.5 * (edges[1:] + edges[:-1])
    j = int(np.argmax(S))
    half = S[j] / 2
    lo = j
    while lo > 0 and S[lo] > half:
        lo -= 1
    hi = j
    while hi < len(S) - 1 and S[hi] > half:
        hi += 1
    hw = max(0.5 * (centres[hi] - centres[lo]), np.diff(edges).mean())
    a = max(0, min(j - FIT_MIN_BINS, np.searchsorted(centres, centres[j] - FIT_HALF_WIDTHS * hw)))
    b = min(len(S), max(j + FIT_MIN_BINS + 1, np.searchsorted(centres, centres[j] + FIT_HALF_WIDTHS * hw)))
    if omega_modes is not None and weights is not None:
        inside = (omega_modes >= edges[a]) & (omega_modes < edges[b]) & (weights > WEIGHT_FLOOR * np.sum(weights))
        if inside.any() and np.ptp(omega_modes[inside]) <= LINE_TOLERANCE:
            wsum = float(weights[inside].sum())
            return wsum, float(np.average(omega_modes[inside], weights=weights[inside])), 0.0, 0.0, 0.0, True
    e = edges[a:b + 1]
    f = _model(e, resolution)
    deconvolved = max(2 * hw - 2.355 * (resolution or 0.0), 0.2 * np.diff(e).mean())
    p0 = (float(np.sum(S[a:b] * np.diff(e))), float(centres[j]), deconvolved)
    sigma = None
    if error is not None:
        err = np.asarray(error, dtype=float)[a:b]
        if np.all(np.isfinite(err)) and np.all(err > 0):
            sigma = err
    try:
        p, cov = curve_fit(f, None, S[a:b], p0=p0, sigma=sigma, absolute_sigma=sigma is not None,
                           bounds=([0.0, edges[a], 0.0], [np.inf, edges[b], np.inf]), max_nfev=2000)
        sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        ok = bool(np.all(np.isfinite(p)) and p[2] <= OVERDAMPED * p[1])
    except (RuntimeError, ValueError):
        p, sd, ok = np.array(p0), np.full(3, np.nan), False
    return float(p[0]), float(p[1]), float(p[2]), float(sd[1]), float(sd[2]), ok


def damping(sf: StructureFactor, *, error=None) -> Damping:
    """Fit every ``q`` of a ``StructureFactor`` (``error``: optional (Q, B) standard errors, e.g. over seeds).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.structure import lattice_wavevectors, structure_factor
    >>> from bosonpeak.analysis.damping import damping
    >>> sf = structure_factor(bosonpeak.network(10, 0.0), lattice_wavevectors(10, [1, 2]), np.linspace(0, 3, 61))
    >>> d = damping(sf)
    >>> d.gamma.tolist(), bool(np.allclose(d.omega, 2 * np.sin(np.pi * np.array([1, 2]) / 10)))
    ([0.0, 0.0], True)
    """
    if not isinstance(sf, StructureFactor):
        raise _checks.ParameterTypeError(f"'sf' must be a StructureFactor; got {type(sf).__name__}")
    rows = []
    for i in range(len(sf.q)):
        rows.append(fit_peak(sf.edges, sf.density[i], resolution=sf.resolution, error=None if error is None else error[i],
                             omega_modes=sf.omega_modes, weights=None if sf.weights is None else sf.weights[i]))
    A, W, G, sW, sG, ok = (np.array(x) for x in zip(*rows))
    floor = float(sf.resolution) if sf.resolution is not None else float(np.mean(np.diff(sf.edges)))
    return Damping(sf.q_norm, W, sW, G, sG, A, ok.astype(bool), floor)


@dataclass(frozen=True)
class IoffeRegel:
    """Ioffe-Regel crossing ``Gamma = Omega / pi``: ``omega`` and ``q`` (NaN if not reached), and why not."""

    omega: float
    q: float
    reason: str | None = None


def ioffe_regel(d: Damping) -> IoffeRegel:
    """Where ``Gamma(q)`` first reaches ``Omega(q) / pi`` (linear interpolation in q).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.damping import Damping, ioffe_regel
    >>> q = np.array([0.1, 0.2, 0.4, 0.8]); W = q.copy(); G = q - 0.1
    >>> ir = ioffe_regel(Damping(q, W, 0 * q, G, 0 * q, 1 + 0 * q, q > 0))
    >>> round(ir.omega, 4)  # q - 0.1 = q / pi at q = 0.1 / (1 - 1/pi) = 0.1467
    0.1467
    """
    use = np.flatnonzero(d.ok & np.isfinite(d.gamma) & np.isfinite(d.omega))
    if use.size == 0:
        return IoffeRegel(np.nan, np.nan, "no converged fit")
    q, W, G = d.q[use], d.omega[use], d.gamma[use]
    f = G - W / np.pi
    above = np.flatnonzero(f >= 0)
    if above.size == 0:
        return IoffeRegel(np.nan, np.nan, f"Gamma < Omega/pi up to q = {q[-1]:.3g}")
    k = int(above[0])
    if k == 0:
        return IoffeRegel(np.nan, np.nan, f"Gamma >= Omega/pi already at q = {q[0]:.3g}")
    t = f[k - 1] / (f[k - 1] - f[k])
    return IoffeRegel(float(W[k - 1] + t * (W[k] - W[k - 1])), float(q[k - 1] + t * (q[k] - q[k - 1])))


def rayleigh_exponent(d: Damping, points: int = 4) -> tuple[float, float]:
    """Slope of ``log Gamma`` against ``log q`` over the lowest ``points`` q whose ``Gamma`` is
    resolved (``Damping.resolved``), and its standard error (NaN if fewer than 2 such points;
    error NaN with exactly 2).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.damping import Damping, rayleigh_exponent
    >>> q = np.array([0.1, 0.2, 0.3, 0.4]); G = 0.5 * q**3
    >>> round(rayleigh_exponent(Damping(q, q, 0 * q, G, 0.01 * G, 1 + 0 * q, q > 0))[0], 9)
    3.0
    """
    points = _checks.integer("points", points, minimum=2)
    use = np.flatnonzero(d.resolved)[:points]
    if use.size < 2:
        return float("nan"), float("nan")
    x, y = np.log(d.q[use]), np.log(d.gamma[use])
    rel = d.gamma_error[use] / d.gamma[use]
    w = 1.0 / np.where(np.isfinite(rel) & (rel > 0), rel, np.nanmax(np.append(rel[np.isfinite(rel)], 1.0))) ** 2
    if use.size == 2:
        return float((y[1] - y[0]) / (x[1] - x[0])), float("nan")
    (slope, _), cov = np.polyfit(x, y, 1, w=np.sqrt(w), cov=True)
    return float(slope), float(np.sqrt(cov[0, 0]))
