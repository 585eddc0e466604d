"""The Boson peak of a DOS: excess over Debye's law, omega_BP, its height, their spread over seeds.

``omega_BP`` is where ``g(omega) / omega`` is largest inside a window above the finite-size
cut-off; the height is that maximum over the Debye level ``1 / (2 pi n c^2)``. Which ``c``
matters: the paper compares with the crystal (``c = 1``), but a disordered network is
softer (``c^2 ~ 0.6`` at ``delta = 0.2``), so its own Debye level is higher. Pass the
network's own ``c`` (``bosonpeak.sound_speed``) to measure the excess over the network's own
Debye law; ``c=None`` uses the crystal's, as the paper does.

For an ensemble (a ``DOS`` with ``samples``) a percentile bootstrap over the seeds gives an
interval for both numbers; per-sample sound speeds are resampled with their DOS.

A maximum is called a Boson peak only when it is one (``BosonPeak.found``). Judged on
``g / omega`` averaged over ``2 pi c / L`` (at least ``SMOOTH_MIN_BINS`` bins), so that a single
finite-size shell is not a peak, the maximum lies inside the
window (not in its first or last bin, and above both window ends by more than twice their
combined standard error when errors are known), its height over the Debye level is above 1,
and, for an ensemble, the lower end of the height's interval is above 1 too. Otherwise
``found`` is False and ``reason`` says why: ``"crystal"``, ``"below the Debye level"``,
``"monotone"``, ``"at the window edge"`` or ``"not above the Debye level at the given
confidence"``; ``omega`` and ``height`` then still hold where the maximum is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .elasticity import debye_level, ensemble_sound_speed
from ..spectra.ensemble import ensemble_dos
from .._random import seed_sequences
from ..spectra.spectrum import DOS

#: Upper end of the default search window for omega_BP.
OMEGA_MAX = 1.5
#: Reasons for "no Boson peak", in the order they are checked.
NO_PEAK_REASONS = ("crystal", "below the Debye level", "monotone", "at the window edge",
                   "not above the Debye level at the given confidence")
#: A maximum must beat the window's end values by this many combined standard errors.
EDGE_SIGMAS = 2.0
#: The verdict judges g/omega averaged over at least this many bins, or over 2 pi c / L if wider.
SMOOTH_MIN_BINS = 3
#: The window starts at this many times the finite-size cut-off 2 pi c / L: below it the DOS of
#: one size is a few degenerate shells (at L = 60 a shell spike at omega = 0.175 beat the peak).
CUTOFF_MULTIPLE = 3.0


@dataclass(frozen=True)
class BosonPeak:
    """Position and height of the Boson peak.

    Attributes
    ----------
    omega : float
        ``omega_BP``, the maximum of ``g / omega`` averaged over ``2 pi c / L`` (at least
        ``SMOOTH_MIN_BINS`` bins; parabola through the highest bin and its neighbours).
    height : float
        That maximum over the Debye level.
    c : float
        Sound speed behind the Debye level (the mean over samples if given per sample).
    debye_level : float
        ``g_D / omega`` used (the mean over samples of ``1 / (2 pi n c_k^2)``).
    reference : str
        ``"network"`` (the network's own ``c``) or ``"crystal"`` (``c = 1``).
    window : tuple of float
        ``(omega_min, omega_max)`` searched.
    omega_interval, height_interval : tuple of float or None
        Percentile-bootstrap intervals over the samples (None for a single network).
    confidence : float
        Coverage of the intervals.
    n_samples : int
        Samples (seeds) in the DOS.
    found : bool
        Whether the maximum is a Boson peak (interior, above the Debye level; see the module notes).
    reason : str or None
        Why there is no Boson peak (one of ``NO_PEAK_REASONS``); None when ``found``.
    """

    omega: float
    height: float
    c: float
    debye_level: float
    reference: str
    window: tuple[float, float]
    omega_interval: tuple[float, float] | None = None
    height_interval: tuple[float, float] | None = None
    confidence: float = 0.95
    n_samples: int = 1
    found: bool = True
    reason: str | None = None

    def __str__(self) -> str:
        if not self.found:
            return f"no Boson peak ({self.reason})"
        text = f"omega_BP = {self.omega:.3f}"
        if self.omega_interval is not None:
            text += f" [{self.omega_interval[0]:.3f}, {self.omega_interval[1]:.3f}]"
        text += f", height {self.height:.2f}x"
        if self.height_interval is not None:
            text += f" [{self.height_interval[0]:.2f}, {self.height_interval[1]:.2f}]"
        return text + f" the {self.reference}'s Debye level"

    def __repr__(self) -> str:
        """One line with 3 to 4 significant digits: the maximum and its intervals, whether it is a peak."""
        def span(x):
            return "" if x is None else f" [{x[0]:.4g}, {x[1]:.4g}]"

        verdict = "found" if self.found else f"not found: {self.reason}"
        return (f"BosonPeak(omega={self.omega:.4g}{span(self.omega_interval)}, height={self.height:.4g}{span(self.height_interval)} "
                f"over the {self.reference}'s Debye level {self.debye_level:.4g} (c={self.c:.4g}), window=[{self.window[0]:.4g}, "
                f"{self.window[1]:.4g}], {self.n_samples} samples, {verdict})")


def peak_verdict(reduced, level, inside=None, *, error=None, height_low: float | None = None, smooth: int = 1, crystal: bool = False) -> str | None:
    """Why the maximum of ``reduced`` in the window is not a Boson peak, or None if it is one.

    Parameters
    ----------
    reduced : array_like, shape (B,)
        ``g / omega`` at the bin centres.
    level : float
        Debye level ``g_D / omega`` the height is measured against.
    inside : array_like of int, optional
        Indices of the bins inside the search window (consecutive); default all.
    error : array_like, shape (B,), optional
        Standard error of ``reduced``: the maximum must beat both window ends by
        ``EDGE_SIGMAS`` combined errors, and a monotone run may wiggle within them.
    height_low : float, optional
        Lower end of the height's confidence interval (in Debye levels).
    smooth : int
        Judge the running mean over this many bins (odd), so that one finite-size shell
        spike is not taken for a peak.
    crystal : bool
        The spectrum is the perfect crystal's: never a Boson peak.

    Returns
    -------
    str or None
        One of ``NO_PEAK_REASONS``, or None for a Boson peak.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.peak import peak_verdict
    >>> level = 1 / (2 * np.pi)
    >>> peak_verdict(level * np.array([1.0, 1.3, 1.6, 1.4, 1.2]), level) is None
    True
    >>> peak_verdict(level * np.array([1.0, 1.1, 1.2, 1.3, 1.4]), level)
    'monotone'
    >>> peak_verdict(level * np.array([0.5, 0.6, 0.7, 0.6, 0.5]), level)
    'below the Debye level'
    """
    red = np.asarray(reduced, dtype=float)
    idx = np.arange(red.size) if inside is None else np.asarray(inside)
    smooth = _checks.integer("smooth", smooth, minimum=1)
    if crystal:
        return NO_PEAK_REASONS[0]
    err = np.zeros_like(red) if error is None else np.nan_to_num(np.asarray(error, dtype=float))
    r = _running_mean(red, smooth)[idx]
    err = np.sqrt(_running_mean(err**2, smooth) / smooth)[idx]
    j = int(np.argmax(r))
    if r[j] <= level:
        return NO_PEAK_REASONS[1]
    if j in (0, r.size - 1):
        steps = np.diff(r) if j == r.size - 1 else -np.diff(r)
        slack = EDGE_SIGMAS * np.hypot(err[1:], err[:-1])
        return NO_PEAK_REASONS[2] if np.all(steps >= -slack) else NO_PEAK_REASONS[3]
    for e in (0, r.size - 1):
        if r[j] - r[e] <= EDGE_SIGMAS * np.hypot(err[j], err[e]):
            return NO_PEAK_REASONS[3]
    if height_low is not None and height_low <= 1.0:
        return NO_PEAK_REASONS[4]
    return None


def excess_dos(dos: DOS, c: float = 1.0, n: float = 1.0) -> np.ndarray:
    """``g(omega) - g_D(omega)`` at the bin centres, with ``g_D = omega / (2 pi n c^2)``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> g = bosonpeak.dos(bosonpeak.network(30, 0.0), np.linspace(0, 3, 31), zero_modes=False)
    >>> bosonpeak.excess_dos(g).shape
    (30,)
    """
    _require_dos(dos)
    return dos.density - dos.centres * debye_level(c, n)


def _require_dos(dos):
    if not isinstance(dos, DOS):
        raise _checks.ParameterTypeError(f"'dos' must be a bosonpeak.DOS; got {type(dos).__name__}")


def boson_peak(dos_or_ensemble: DOS, *, c=None, omega_min: float | None = None, omega_max: float = OMEGA_MAX, bootstrap: int = 2000, confidence: float = 0.95,
               crystal: bool = False, rng=None) -> BosonPeak:
    """Locate the Boson peak of a DOS or an ensemble DOS and measure its height.

    Parameters
    ----------
    dos_or_ensemble : DOS
        From ``bosonpeak.dos`` (one network, any method) or ``bosonpeak.ensemble_dos``
        (``samples`` of shape (K, B): bootstrap intervals over the K seeds).
    c : float or array_like of shape (K,), optional
        Sound speed of the network (``bosonpeak.sound_speed``), or one per sample
        (``elasticity.ensemble_sound_speed``). Default: the crystal's, ``c = 1``.
    omega_min : float, optional
        Lower end of the search window; default ``3 x 2 pi c / L`` with ``L = sqrt(N)``, or
        twice the DOS's resolution if that is larger.
    omega_max : float
        Upper end of the search window.
    bootstrap : int
        Bootstrap resamples of the seeds (>= 100).
    confidence : float
        Coverage of the percentile intervals, in (0, 1).
    crystal : bool
        The DOS is the perfect crystal's (e.g. ``delta = 0``): reported as no peak, reason
        ``"crystal"``, whatever its finite-size shells do.
    rng : int, SeedSequence or Generator, optional
        For the bootstrap (SPEC 7).

    Returns
    -------
    BosonPeak
        With ``found`` and, if False, the ``reason`` (module notes).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> g = bosonpeak.ensemble_dos(20, 0.2, np.arange(0, 1.6, 0.1), seeds=4, zero_modes=False, rng=2)
    >>> bp = bosonpeak.boson_peak(g, c=0.8, rng=0)
    >>> bp.omega_interval[0] <= bp.omega <= bp.omega_interval[1]
    True
    >>> crystal = bosonpeak.dos(bosonpeak.network(20, 0.0), np.arange(0, 1.6, 0.1), zero_modes=False)
    >>> print(bosonpeak.boson_peak(crystal, crystal=True))
    no Boson peak (crystal)
    """
    dos = dos_or_ensemble
    _require_dos(dos)
    bootstrap = _checks.integer("bootstrap", bootstrap, minimum=100)
    confidence = _checks.real("confidence", confidence, minimum=0.0, maximum=1.0, min_inclusive=False, max_inclusive=False)
    k = 1 if dos.samples is None else dos.samples.shape[0]
    if c is None:
        speeds, reference = np.ones(k), "crystal"
    else:
        speeds = _checks.nonempty("c", c)
        if speeds.size == 1:
            speeds = np.full(k, float(speeds[0]))
        if speeds.shape != (k,) or not np.all(np.isfinite(speeds)) or np.any(speeds <= 0):
            got = np.array2string(np.asarray(c, dtype=float).ravel(), threshold=6) if np.size(c) <= 6 else f"an array of shape {np.shape(c)}"
            raise _checks.ParameterError(f"'c' must be one positive finite sound speed or one per sample ({k}); got {got}")
        reference = "network"
    levels = 1.0 / (2.0 * np.pi * speeds**2)
    if omega_min is None:
        omega_min = CUTOFF_MULTIPLE * 2.0 * np.pi * float(np.mean(speeds)) / np.sqrt(dos.n_modes)
        if dos.resolution is not None:
            omega_min = max(omega_min, 2.0 * dos.resolution)
    omega_min = _checks.real("omega_min", omega_min, minimum=0.0)
    if omega_min >= omega_max:
        raise _checks.ParameterError(
            f"'omega_min' ({omega_min:g}; default {CUTOFF_MULTIPLE} x 2 pi c / sqrt(N), N = {dos.n_modes}) must lie below "
            f"'omega_max' ({omega_max:g}): the network is too small for this window; pass omega_min or a larger network")
    omega_max = _checks.real("omega_max", omega_max, minimum=omega_min, min_inclusive=False)
    centres = dos.centres
    inside = np.flatnonzero((centres > omega_min) & (centres < omega_max))
    if inside.size < 1:
        raise _checks.ParameterError(f"no bin centre lies in the window ({omega_min:g}, {omega_max:g}); widen it or use finer edges")

    spacing = 2.0 * np.pi * float(np.mean(speeds)) / np.sqrt(dos.n_modes) / float(np.median(dos.widths))
    smooth = max(SMOOTH_MIN_BINS, 2 * int(round(spacing / 2)) + 1)
    omega, value = _peak(_running_mean(dos.reduced, smooth), centres, inside)
    level = float(np.mean(levels))
    result = dict(omega=omega, height=value / level, c=float(np.mean(speeds)), debye_level=level, reference=reference,
                  window=(float(omega_min), float(omega_max)), confidence=confidence, n_samples=k)
    if dos.samples is not None and k > 1:
        gen = np.random.default_rng(rng)
        idx = gen.integers(0, k, size=(bootstrap, k))
        reduced = _running_mean(dos.samples[idx].mean(axis=1) / centres, smooth)  # (bootstrap, B)
        w, v = _peak(reduced, centres, inside)
        h = v / levels[idx].mean(axis=1)
        q = [(1 - confidence) / 2, (1 + confidence) / 2]
        result["omega_interval"] = tuple(float(x) for x in np.quantile(w, q))
        result["height_interval"] = tuple(float(x) for x in np.quantile(h, q))
    error = dos.reduced_error
    if dos.samples is not None and k > 1:
        error = dos.reduced_samples.std(axis=0, ddof=1) / np.sqrt(k)
    low = result["height_interval"][0] if "height_interval" in result else None
    reason = peak_verdict(dos.reduced, level, inside, error=error, height_low=low, smooth=smooth, crystal=bool(crystal))
    return BosonPeak(**result, found=reason is None, reason=reason)


def _running_mean(values: np.ndarray, m: int) -> np.ndarray:
    """Mean over ``m`` bins centred on each bin (fewer at the ends), along the last axis."""
    if m == 1:
        return np.asarray(values, dtype=float)
    kernel = np.ones(m)
    count = np.convolve(np.ones(np.shape(values)[-1]), kernel, mode="same")
    smooth = lambda row: np.convolve(row, kernel, mode="same") / count  # noqa: E731
    return np.apply_along_axis(smooth, -1, np.asarray(values, dtype=float))


def _peak(reduced: np.ndarray, centres: np.ndarray, inside: np.ndarray):
    """Vertex of the parabola through the highest bin of ``reduced[..., inside]`` and its
    neighbours (the bin itself at the window's edge); works on (B,) or (R, B)."""
    red = np.atleast_2d(reduced)
    j = inside[np.argmax(red[:, inside], axis=1)]
    rows = np.arange(red.shape[0])
    omega, value = centres[j].astype(float), red[rows, j].astype(float)
    ok = (j - 1 >= inside[0]) & (j + 1 <= inside[-1])
    if np.any(ok):
        r, jj = rows[ok], j[ok]
        y0, y1, y2 = red[r, jj - 1], red[r, jj], red[r, jj + 1]
        x0, x1, x2 = centres[jj - 1], centres[jj], centres[jj + 1]
        # Lagrange parabola through three (possibly unevenly spaced) points.
        d0, d2 = x0 - x1, x2 - x1
        a = ((y0 - y1) / d0 - (y2 - y1) / d2) / (d0 - d2)
        b = (y0 - y1) / d0 - a * d0
        curved = a < 0
        shift = np.where(curved, -b / (2 * np.where(curved, a, -1.0)), 0.0)
        shift = np.clip(shift, d0, d2)
        omega[ok] = x1 + shift
        value[ok] = y1 + b * shift + a * shift**2
    if reduced.ndim == 1:
        return float(omega[0]), float(value[0])
    return omega, value


@dataclass(frozen=True)
class FiniteSizeScan:
    """The Boson peak against system size for one ``delta``.

    Attributes
    ----------
    L : ndarray of int, shape (S,)
    peaks : tuple of BosonPeak
        One per size, measured against each network's own sound speed.
    c : ndarray, shape (S, K)
        Sound speed of every sample.
    method : str
        DOS method used.
    """

    L: np.ndarray
    peaks: tuple
    c: np.ndarray
    method: str

    @property
    def omega(self) -> np.ndarray:
        """``omega_BP`` per size."""
        return np.array([p.omega for p in self.peaks])

    @property
    def height(self) -> np.ndarray:
        """Peak height over the network's own Debye level, per size."""
        return np.array([p.height for p in self.peaks])


def finite_size_scan(sizes, delta: float, *, seeds: int = 10, method: str = "dense", bin_width: float = 0.05, omega_max: float = OMEGA_MAX,
                     rule: str = "cutoff", spring: str = "inverse", rng=None, progress: bool = False, **options) -> FiniteSizeScan:
    """``omega_BP`` and the peak height over the own Debye level against ``L``.

    Every size uses the same root seed (its children are spawned afresh per size). Any
    registered DOS ``method`` works; large ``L`` needs a sparse one (``bosonpeak.methods()``).

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.analysis.peak import finite_size_scan
    >>> scan = finite_size_scan([12, 16], 0.2, seeds=3, bin_width=0.1, rng=1)
    >>> scan.omega.shape, scan.c.shape
    ((2,), (2, 3))
    """
    try:
        sizes = [int(_checks.integer("sizes", s, minimum=3)) for s in sizes]
    except TypeError as exc:
        raise _checks.ParameterTypeError(f"'sizes' must be a sequence of integers; got {sizes!r}") from exc
    width = _checks.real("bin_width", bin_width, minimum=0.0, min_inclusive=False)
    edges = width * np.arange(int(np.ceil(omega_max / width)) + 2)
    root = seed_sequences(rng, 1)[0]  # one root: c_k and DOS sample k come from the same network k
    peaks, speeds = [], []
    for L in sizes:
        c = ensemble_sound_speed(L, delta, seeds=seeds, rule=rule, spring=spring, rng=root)
        g = ensemble_dos(L, delta, edges, seeds=seeds, rule=rule, spring=spring, method=method, zero_modes=False, rng=root, progress=progress, **options)
        peaks.append(boson_peak(g, c=c, omega_max=omega_max, rng=root))
        speeds.append(c)
    return FiniteSizeScan(np.asarray(sizes), tuple(peaks), np.stack(speeds), method)
