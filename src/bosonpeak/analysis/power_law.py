"""Power laws ``y = A x**b`` fitted over an ensemble of seeds, with their local slopes.

Each seed's series is fitted by least squares in ``log y`` against ``log x`` and the exponent is the
mean of the per-seed slopes with the Student-t interval over seeds; or, for quantities whose single
values can be negative, ``log`` of the means over seeds is fitted with a percentile bootstrap over
seeds. Beside the exponent, the local slopes of the means between successive points say where the
power law holds. Used by the jamming scaling laws (``analysis.jamming``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .. import _checks


@dataclass(frozen=True)
class PowerLaw:
    """A fitted power law ``y = prefactor * x**value``.

    Attributes
    ----------
    value : float
        The exponent.
    interval : tuple of float
        Its ``confidence`` interval.
    prefactor : float
        ``exp`` of the mean intercept of ``log y`` against ``log x``.
    n_seeds, n_points : int
        Seeds and points (finite, positive pairs) fitted.
    confidence : float
    method : str
        ``"mean of per-seed slopes, t interval over seeds"`` or ``"least squares, t interval"``.
    local : tuple of dict
        ``local_slopes`` of the data fitted: ``{"from", "to", "value"}`` between successive points.
    """

    value: float
    interval: tuple[float, float]
    prefactor: float
    n_seeds: int
    n_points: int
    confidence: float
    method: str
    local: tuple = ()

    def as_dict(self) -> dict:
        """``{"value": ..., "interval": [lo, hi]}`` plus the rest, for JSON."""
        return dict(value=self.value, interval=list(self.interval), prefactor=self.prefactor, n_seeds=self.n_seeds,
                    n_points=self.n_points, confidence=self.confidence, method=self.method, local=[dict(r) for r in self.local])


def local_slopes(x, y) -> tuple[dict, ...]:
    """Slopes of ``log <y>`` against ``log <x>`` between successive columns (``<.>``: mean over seeds).

    Parameters
    ----------
    x, y : array_like, shape (S, P) or (P,)
        Rows are seeds, columns the points of the series (non-finite values left out of the means).

    Returns
    -------
    tuple of dict
        ``P - 1`` entries ``{"from": <x>_k, "to": <x>_k+1, "value": slope}``; ``value`` is ``None``
        where a mean is not positive or the two ``<x>`` are equal.

    Examples
    --------
    >>> from bosonpeak.analysis.power_law import local_slopes
    >>> [r["value"] for r in local_slopes([1e-2, 1e-1, 1.0], [0.5, 0.5, 5.0])]
    [0.0, 1.0]
    """
    x, y = np.atleast_2d(np.asarray(x, dtype=float)), np.atleast_2d(np.asarray(y, dtype=float))
    if x.shape != y.shape or x.ndim != 2:
        raise _checks.ParameterError(f"'x' and 'y' must have the same shape (S, P); got {x.shape} and {y.shape}")
    with np.errstate(invalid="ignore"):
        mx, my = (np.array([np.mean(c[np.isfinite(c)]) if np.isfinite(c).any() else np.nan for c in a.T]) for a in (x, y))
    out = []
    for k in range(mx.size - 1):
        a, b = mx[k:k + 2], my[k:k + 2]
        ok = bool(np.all(a > 0) and np.all(b > 0) and a[0] != a[1])
        out.append({"from": float(a[0]), "to": float(a[1]), "value": float(np.log(b[1] / b[0]) / np.log(a[1] / a[0])) if ok else None})
    return tuple(out)


def power_law_fit(x, y, *, confidence: float = 0.95, method: str = "seeds", bootstrap: int = 4000, rng=0) -> PowerLaw:
    """Fit ``y = A x**b`` to an ensemble: rows are seeds, columns the points of each seed's series.

    Parameters
    ----------
    x, y : array_like, shape (S, P) or (P,)
        Positive values; non-finite or non-positive pairs are left out of their seed's fit.
        A seed needs two points with different ``x`` to count.
    confidence : float
        Coverage of the interval, in (0, 1).
    method : {"seeds", "means"}
        ``"seeds"``: fit each seed, as below. ``"means"``: fit ``log`` of the mean over seeds of
        ``y`` against ``log`` of the mean of ``x``, column by column, with a percentile bootstrap
        over seeds (``bootstrap`` resamples; resamples with a non-positive mean are left out).
        For quantities that single packings can have negative (a small packing's shear
        modulus), where only the ensemble mean has a logarithm.
    bootstrap : int
        Resamples of the ``"means"`` method.
    rng : int, SeedSequence or Generator
        Source of the resamples (SPEC 7).

    Returns
    -------
    PowerLaw
        ``"seeds"`` with two or more seeds: the mean of the per-seed least-squares slopes,
        Student-t interval over seeds. With one seed: its slope with the least-squares t
        interval (needs three points).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.power_law import power_law_fit
    >>> x = np.tile([1e-4, 1e-3, 1e-2, 1e-1], (3, 1))
    >>> fit = power_law_fit(x, 2 * x**0.5 * np.array([[1.0], [1.1], [0.9]]))
    >>> round(fit.value, 12), round(fit.interval[0], 12), fit.n_seeds
    (0.5, 0.5, 3)
    """
    confidence = _checks.real("confidence", confidence, minimum=0.0, maximum=1.0, min_inclusive=False, max_inclusive=False)
    x, y = np.atleast_2d(np.asarray(x, dtype=float)), np.atleast_2d(np.asarray(y, dtype=float))
    if x.shape != y.shape or x.ndim != 2:
        raise _checks.ParameterError(f"'x' and 'y' must have the same shape (S, P); got {x.shape} and {y.shape}")
    if _checks.choice("method", method, ("seeds", "means")) == "means":
        return _fit_means(x, y, confidence, _checks.integer("bootstrap", bootstrap, minimum=100), rng)
    slopes, intercepts, points, series = [], [], 0, []
    for xs, ys in zip(x, y):
        ok = np.isfinite(xs) & np.isfinite(ys) & (xs > 0) & (ys > 0)
        lx, ly = np.log(xs[ok]), np.log(ys[ok])
        if lx.size < 2 or np.ptp(lx) == 0:
            continue
        b, a = np.polyfit(lx, ly, 1)
        slopes.append(b)
        intercepts.append(a)
        series.append((lx, ly))
        points += lx.size
    s = len(slopes)
    if s >= 2:
        mean, se = float(np.mean(slopes)), float(np.std(slopes, ddof=1) / np.sqrt(s))
        half = stats.t.ppf(0.5 + confidence / 2, s - 1) * se
        method = "mean of per-seed slopes, t interval over seeds"
    elif s == 1 and series[0][0].size >= 3:
        lx, ly = series[0]
        res = stats.linregress(lx, ly)
        mean = float(res.slope)
        half = stats.t.ppf(0.5 + confidence / 2, lx.size - 2) * float(res.stderr)
        method = "least squares, t interval"
    else:
        raise _checks.ParameterError(f"'y' needs two seeds with two usable points each, or one seed with three; got {s} usable "
                                     f"seeds ({points} points)")
    return PowerLaw(value=mean, interval=(float(mean - half), float(mean + half)), prefactor=float(np.exp(np.mean(intercepts))),
                    n_seeds=s, n_points=points, confidence=confidence, method=method, local=local_slopes(x, y))


def _mean_slope(x, y):
    """Slopes and intercepts of log(mean y) against log(mean x) over the columns with both means
    positive; ``x``, ``y`` of shape (..., S, P), one fit per leading index (nan with < 2 columns)."""
    mx, my = np.nanmean(x, axis=-2), np.nanmean(y, axis=-2)
    w = ((mx > 0) & (my > 0)).astype(float)
    lx, ly = np.log(np.where(w > 0, mx, 1.0)), np.log(np.where(w > 0, my, 1.0))
    n = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cx, cy = (w * lx).sum(-1) / n, (w * ly).sum(-1) / n
        b = (w * (lx - cx[..., None]) * (ly - cy[..., None])).sum(-1) / (w * (lx - cx[..., None]) ** 2).sum(-1)
    b = np.where(n >= 2, b, np.nan)
    return b, cy - b * cx


def _fit_means(x, y, confidence, bootstrap, rng):
    s = x.shape[0]
    if s < 2:
        raise _checks.ParameterError(f"'y' needs two seeds for the bootstrap over seeds; got {s}")
    value, intercept = (float(v) for v in _mean_slope(x, y))
    if not np.isfinite(value):
        raise _checks.ParameterError("'y' needs two columns with positive means over the seeds")
    picks = np.random.default_rng(_checks.rng("rng", rng)).integers(0, s, size=(bootstrap, s))
    slopes = _mean_slope(x[picks], y[picks])[0]
    slopes = slopes[np.isfinite(slopes)]
    lo, hi = np.quantile(slopes, [0.5 - confidence / 2, 0.5 + confidence / 2])
    return PowerLaw(value=float(value), interval=(float(lo), float(hi)), prefactor=float(np.exp(intercept)), n_seeds=s,
                    n_points=int(np.isfinite(y).sum()), confidence=confidence,
                    method=f"log of the means over seeds, percentile bootstrap over seeds ({slopes.size} resamples)",
                    local=local_slopes(x, y))
