"""Intervals of ``omega_BP`` and of the peak height that include the systematics, and the
verdict's sensitivity to the window and the smoothing (``analysis.peak`` uses these).

Seed noise alone under-covers (``docs/statistics.md``): independent seed sets, the exact
and the KPM engine, and sizes fall outside each other's seed-only intervals, because a broad,
flat-topped maximum moves by a bin or a finite-size shell when the noise, the smoothing or the
window's ends change. The interval is therefore the union of

* ``bootstrap``: a percentile bootstrap of a mixture: every replicate resamples the seeds (an
  ensemble) or draws the DOS's own error bars (one smoothed DOS, e.g. KPM; noise correlated
  over its resolution) *and* one of the ``variants`` of smoothing width and window ends;
* ``plateau``: the bins around the maximum whose smoothed ``g / omega**(d-1)`` lies within
  ``z`` combined standard errors of it (``z`` the normal quantile of the confidence): where
  the data cannot tell the maximum apart;
* ``resolution``: half the smoothing width ``2 pi c / L`` either side (the finite-size
  shells are that far apart; nothing finer is resolved).

The omega interval is kept inside the range the variations search (``search_range``): it may reach
past the reported window's ends, since it includes those variations; the summaries say so. The
height interval is the bootstrap's, widened to ``z`` standard errors of the maximum.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri  # the normal quantile (scipy.stats.norm.ppf's own), without loading scipy.stats

from ._verdict import peak_verdict, running_mean, verdict_word, vertex

#: The window's low end is varied by these factors (a convention: a multiple of 2 pi c / L).
START_FACTORS = (2 / 3, 1.0, 4 / 3)
#: ... and its upper end by these.
END_FACTORS = (5 / 6, 1.0, 7 / 6)


def variants(smooth: int, omega_min: float, omega_max: float, top: float) -> list[tuple[int, float, float]]:
    """``(bins smoothed, omega_min, omega_max)`` of every variation: two smoothing widths times
    the window ends' factors (upper ends past the last edge ``top`` dropped)."""
    out = []
    for m in (smooth, 2 * smooth + 1):
        for f in START_FACTORS:
            for h in END_FACTORS:
                lo, hi = f * omega_min, min(h * omega_max, top)
                if hi > lo and (h == 1.0 or h * omega_max <= top):
                    out.append((m, lo, hi))
    return out


def search_range(windows) -> tuple[float, float]:
    """``(lowest omega_min, highest omega_max)`` over the variations: where their maxima can lie."""
    return float(min(w[1] for w in windows)), float(max(w[2] for w in windows))


def sensitivity(reduced, sigma_of, level: float, centres, windows, crystal: bool) -> tuple:
    """``((omega_min, omega_max, smoothing bins, word), ...)``: the verdict under every variation;
    ``sigma_of(m)`` is the standard error of ``reduced`` averaged over ``m`` bins."""
    out = []
    for m, lo, hi in windows:
        inside = np.flatnonzero((centres > lo) & (centres < hi))
        if inside.size < 1:
            continue
        r = running_mean(reduced, m)
        reason = peak_verdict(r, level, inside, error=sigma_of(m), crystal=crystal)
        j = int(np.argmax(r[inside]))
        out.append((float(lo), float(hi), int(m), verdict_word(reason, 0 < j < inside.size - 1)))
    return tuple(out)


def plateau(curve, sigma, inside, z: float) -> tuple[int, int]:
    """First and last index (of ``curve``) of the bins around the maximum in ``inside`` within
    ``z`` combined errors of it, contiguous."""
    j = int(inside[np.argmax(curve[inside])])
    near = curve >= curve[j] - z * np.hypot(sigma, sigma[j])
    lo = hi = j
    while lo - 1 >= inside[0] and near[lo - 1]:
        lo -= 1
    while hi + 1 <= inside[-1] and near[hi + 1]:
        hi += 1
    return lo, hi


def intervals(curves, levels, centres, windows, *, reduced, sigma, smooth, width, inside, omega, value, level,
              confidence: float, bootstrap: int, gen) -> dict:
    """The intervals of the module notes.

    ``curves(idx_rows) -> (R, B)`` draws ``R`` replicate curves (unsmoothed) and their levels;
    ``reduced`` and ``sigma`` are the smoothed curve and its standard error."""
    z = float(ndtri(0.5 + confidence / 2))
    pick = gen.integers(0, len(windows), size=bootstrap)
    reps, lev = curves(bootstrap)
    w, h = np.empty(bootstrap), np.empty(bootstrap)
    for v, (m, lo, hi) in enumerate(windows):
        rows = np.flatnonzero(pick == v)
        inner = np.flatnonzero((centres > lo) & (centres < hi))
        if rows.size == 0 or inner.size == 0:
            w[rows], h[rows] = omega, value / level
            continue
        wv, hv = vertex(running_mean(reps[rows], m), centres, inner)
        w[rows], h[rows] = wv, hv / lev[rows]
    q = [(1 - confidence) / 2, (1 + confidence) / 2]
    boot_w = tuple(float(x) for x in np.quantile(w, q))
    boot_h = tuple(float(x) for x in np.quantile(h, q))
    a, b = plateau(reduced, sigma, inside, z)
    flat = (float(centres[a]), float(centres[b]))
    half = 0.5 * smooth * width
    j = int(inside[np.argmax(reduced[inside])])
    spread = z * float(sigma[j]) / level
    parts = {"bootstrap": boot_w, "plateau": flat, "resolution": (omega - half, omega + half)}
    lo, hi = search_range(windows)
    return dict(omega_interval=(max(lo, min(p[0] for p in parts.values())), min(hi, max(p[1] for p in parts.values()))),
                height_interval=(min(boot_h[0], value / level - spread), max(boot_h[1], value / level + spread)),
                interval_parts={**parts, "height_bootstrap": boot_h})
