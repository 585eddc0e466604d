"""Whether the maximum of a reduced DOS in a window is a Boson peak, and how that verdict
moves when the window or the smoothing changes (``analysis.peak`` uses these).

The low end of every window is a convention (a multiple of the finite-size cut-off
``2 pi c / L``); Debye's law is not: ``g / omega**(d-1)`` returns to the Debye level as
``omega -> 0``. So an interior maximum above the Debye level that beats the window's upper end
is a Boson peak even when the curve is flat (within its error) down to the low end: its
position is then bounded, not cut off, and the interval of ``omega_BP`` reaches down that
plateau. The upper end is different: the curve may go on rising to the van Hove peak, so the
maximum must beat the upper end by ``EDGE_SIGMAS`` combined errors.
"""

from __future__ import annotations

import numpy as np

from .. import _checks

#: Reasons for "no Boson peak", in the order they are checked.
NO_PEAK_REASONS = ("crystal", "below the Debye level", "monotone", "at the window edge",
                   "not above the Debye level at the given confidence")
#: A maximum must beat the window's upper end by this many combined standard errors.
EDGE_SIGMAS = 2.0
#: Short words for a verdict: a peak, a plateau reaching the upper end, a maximum at an end, ...
WORDS = ("peak", "plateau", "edge", "below", "crystal")


def peak_verdict(reduced, level, inside=None, *, error=None, height_low: float | None = None, smooth: int = 1, crystal: bool = False) -> str | None:
    """Why the maximum of ``reduced`` in the window is not a Boson peak, or None if it is one.

    Parameters
    ----------
    reduced : array_like, shape (B,)
        ``g / omega**(d-1)`` at the bin centres.
    level : float
        Debye level the height is measured against.
    inside : array_like of int, optional
        Indices of the bins inside the search window (consecutive); default all.
    error : array_like, shape (B,), optional
        Standard error of ``reduced`` (of the smoothed curve if ``smooth`` is 1 and the
        caller smoothed it): the maximum must beat the upper end by ``EDGE_SIGMAS``
        combined errors, and a monotone run may wiggle within them.
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
    r = running_mean(red, smooth)[idx]
    err = np.sqrt(running_mean(err**2, smooth) / smooth)[idx]
    j = int(np.argmax(r))
    if r[j] <= level:
        return NO_PEAK_REASONS[1]
    if j in (0, r.size - 1):
        steps = np.diff(r) if j == r.size - 1 else -np.diff(r)
        slack = EDGE_SIGMAS * np.hypot(err[1:], err[:-1])
        return NO_PEAK_REASONS[2] if np.all(steps >= -slack) else NO_PEAK_REASONS[3]
    e = r.size - 1  # only the upper end: below the window Debye's law brings the curve down (module notes)
    if r[j] - r[e] <= EDGE_SIGMAS * np.hypot(err[j], err[e]):
        return NO_PEAK_REASONS[3]
    if height_low is not None and height_low <= 1.0:
        return NO_PEAK_REASONS[4]
    return None


def verdict_word(reason: str | None, interior: bool) -> str:
    """One of ``WORDS`` for a verdict: ``interior`` is whether the maximum lies inside the window."""
    if reason is None:
        return "peak"
    if reason == NO_PEAK_REASONS[0]:
        return "crystal"
    if reason in (NO_PEAK_REASONS[1], NO_PEAK_REASONS[4]):
        return "below"
    return "plateau" if interior and reason == NO_PEAK_REASONS[3] else "edge"


def running_mean(values: np.ndarray, m: int) -> np.ndarray:
    """Mean over ``m`` bins centred on each bin (fewer at the ends), along the last axis."""
    if m == 1:
        return np.asarray(values, dtype=float)
    kernel = np.ones(m)
    count = np.convolve(np.ones(np.shape(values)[-1]), kernel, mode="same")
    smooth = lambda row: np.convolve(row, kernel, mode="same") / count  # noqa: E731
    return np.apply_along_axis(smooth, -1, np.asarray(values, dtype=float))


def vertex(reduced: np.ndarray, centres: np.ndarray, inside: np.ndarray):
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
