"""The Boson peak of a DOS: excess over Debye's law, omega_BP, its height, their intervals.

``omega_BP`` is where ``g(omega) / omega**(d-1)`` is largest inside a window above the
finite-size cut-off; the height is that maximum over the Debye level of the DOS's own
dimension and model (``DOS.dim``, ``DOS.model``; PHYSICS.md "Vector model and 3D"): 2D scalar
``1 / (2 pi n c^2)``, 3D scalar ``1 / (2 pi^2 n c^3)``, vector from ``c_L`` and ``c_T``. Which
``c`` matters: the paper compares with the crystal (``c = 1``), but a disordered network is
softer (``c^2 ~ 0.6`` at ``delta = 0.2``), so its own Debye level is higher. Pass the
network's own ``c`` (``bosonpeak.sound_speed``) to measure the excess over the network's own
Debye law; ``c=None`` uses the crystal's, as the paper does (scalar model only: a vector
DOS needs its ``c_L`` and ``c_T``).

Conventions, stated on every ``BosonPeak`` (``window``, ``smoothing``): the window runs from
``CUTOFF_MULTIPLE x 2 pi c / L`` (``c_T`` for a vector DOS; at least twice a smoothed DOS's
resolution) to ``OMEGA_MAX``; the curve judged is ``g / omega**(d-1)`` averaged over
``2 pi c / L`` (at least ``SMOOTH_MIN_BINS`` bins), so that a single finite-size shell is not
a peak. ``sensitivity`` holds the verdict under the window's ends and the smoothing varied
(``_intervals.variants``).

Intervals (ensembles, and one DOS with error bars such as KPM's) include these systematics,
not only seed noise: the union of a mixture bootstrap over seeds (or the error bars) and the
variations, the plateau within the errors of the maximum and the finite-size resolution
(``bosonpeak.analysis._intervals``; coverage measured in ``docs/statistics.md``).

A maximum is called a Boson peak only when it is one (``BosonPeak.found``): the DOS is not the
perfect crystal's (``DOS.crystal``), the maximum lies inside the window (not in its first or
last bin), above the upper end by more than ``EDGE_SIGMAS`` combined standard errors (below
the window Debye's law brings the curve back down, see ``_verdict``), its height over the
Debye level is above 1, and the lower end of the height's interval is above 1 too. Otherwise
``found`` is False and ``reason`` says why: ``"crystal"``, ``"below the Debye level"``,
``"monotone"``, ``"at the window edge"`` or ``"not above the Debye level at the given
confidence"``; ``omega`` and ``height`` then still hold where the maximum is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .._random import seed_sequences
from ..spectra.ensemble import ensemble_dos
from ..spectra.spectrum import DOS
from ._intervals import intervals, search_range, sensitivity, variants
from ._verdict import EDGE_SIGMAS, NO_PEAK_REASONS, WORDS, peak_verdict, running_mean, verdict_word, vertex  # noqa: F401 - public here
from .debye import debye_level_nd
from .elasticity import ensemble_sound_speed

#: Upper end of the default search window for omega_BP.
OMEGA_MAX = 1.5
#: The verdict judges g/omega averaged over at least this many bins, or over 2 pi c / L if wider.
SMOOTH_MIN_BINS = 3
#: The window starts at this many times the finite-size cut-off 2 pi c / L: below it the DOS of
#: one size is a few degenerate shells (at L = 60 a shell spike at omega = 0.175 beat the peak).
CUTOFF_MULTIPLE = 3.0
#: A peak is ``robust`` when at least this fraction of the window and smoothing variations keep it one.
ROBUST_FRACTION = 2 / 3


@dataclass(frozen=True)
class BosonPeak:
    """Position and height of the Boson peak, with the conventions they were measured under.

    Attributes
    ----------
    omega : float
        ``omega_BP``, the maximum of ``g / omega**(d-1)`` averaged over ``smoothing``
        (parabola through the highest bin and its neighbours).
    height : float
        That maximum over the Debye level.
    c : float
        Sound speed behind the finite-size cut-off (scalar: ``c``; vector: ``c_T``; the mean over samples).
    debye_level : float
        ``g_D / omega**(d-1)`` used (the mean over samples).
    reference : str
        ``"network"`` (the network's own speeds) or ``"crystal"`` (``c = 1``).
    window : tuple of float
        ``(omega_min, omega_max)`` searched.
    omega_interval, height_interval : tuple of float or None
        Intervals including the systematics (module notes); None for one exact DOS.
    confidence : float
        Coverage the intervals are built for.
    n_samples : int
        Samples (seeds) in the DOS.
    found : bool
        Whether the maximum is a Boson peak (module notes).
    reason : str or None
        Why there is no Boson peak (one of ``NO_PEAK_REASONS``); None when ``found``.
    smoothing : float
        Width in omega of the running mean judged (``smoothing_bins`` bins).
    smoothing_bins : int
    dim, model : int, str
        The Debye law used: 2 or 3 dimensions, ``"scalar"`` or ``"vector"``.
    sensitivity : tuple of (float, float, int, str)
        ``(omega_min, omega_max, smoothing bins, word)`` for every variation of the window
        and the smoothing; ``word`` one of ``WORDS`` (peak, plateau, edge, below, crystal).
    interval_parts : dict or None
        The pieces of ``omega_interval`` (``bootstrap``, ``plateau``, ``resolution``) and the
        bootstrap's height interval.
    search_range : tuple of float or None
        The window's variations' ``(omega_min, omega_max)``: ``omega_interval`` (it includes them) lies in it, maybe past ``window``.
    verdict : str
        The verdict in one word (``WORDS``): ``"plateau"`` is an interior maximum within the
        errors of the window's upper end.
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
    smoothing: float = 0.0
    smoothing_bins: int = 1
    dim: int = 2
    model: str = "scalar"
    sensitivity: tuple = ()
    interval_parts: dict | None = None
    verdict: str = "peak"
    search_range: tuple[float, float] | None = None

    @property
    def robust(self) -> bool:
        """A Boson peak that stays one in at least ``ROBUST_FRACTION`` of the variations
        (a finite-size spike near an end of the window does not)."""
        words = [x[3] for x in self.sensitivity]
        return self.found and (not words or words.count("peak") >= ROBUST_FRACTION * len(words))

    def robustness(self) -> str:
        """How the verdict moves under the variations, e.g. ``"peak in 14 of 18, plateau in 4"``."""
        if not self.sensitivity:
            return "no variations"
        words = [s[3] for s in self.sensitivity]
        counts = [(w, words.count(w)) for w in WORDS if w in words]
        return ", ".join(f"{w} in {n}" + (f" of {len(words)}" if i == 0 else "") for i, (w, n) in enumerate(counts))

    def conventions(self) -> str:
        """The window and the smoothing in words."""
        return (f"window {self.window[0]:.3g} < omega < {self.window[1]:.3g}, g/omega^{self.dim - 1} averaged over "
                f"{self.smoothing:.3g} ({self.smoothing_bins} bins), {self.dim}D {self.model} Debye level {self.debye_level:.4g}")

    def to_dict(self) -> dict:
        """Plain numbers and strings for JSON: every field, and ``robustness``."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("window", "omega_interval", "height_interval", "search_range"):
            out[key] = None if out[key] is None else [float(x) for x in out[key]]
        out["sensitivity"] = [dict(omega_min=a, omega_max=b, smoothing_bins=m, verdict=w) for a, b, m, w in self.sensitivity]
        if self.interval_parts is not None:
            out["interval_parts"] = {k: [float(x) for x in v] for k, v in self.interval_parts.items()}
        out["robustness"], out["robust"] = self.robustness(), self.robust
        return out

    def __str__(self) -> str:
        varies = len({x[3] for x in self.sensitivity}) > 1
        if not self.found:
            return f"no Boson peak ({self.reason}" + (f"; {self.robustness()})" if varies else ")")
        text = f"omega_BP = {self.omega:.3f}"
        if self.omega_interval is not None:
            text += f" [{self.omega_interval[0]:.3f}, {self.omega_interval[1]:.3f}]"
        text += f", height {self.height:.2f}x"
        if self.height_interval is not None:
            text += f" [{self.height_interval[0]:.2f}, {self.height_interval[1]:.2f}]"
        return text + f" the {self.reference}'s Debye level" + (f" ({self.robustness()})" if varies else "")

    def __repr__(self) -> str:
        """One line with 3 to 4 significant digits: the maximum and its intervals, whether it is a peak."""
        def span(x):
            return "" if x is None else f" [{x[0]:.4g}, {x[1]:.4g}]"

        verdict = "found" if self.found else f"not found: {self.reason}"
        return (f"BosonPeak(omega={self.omega:.4g}{span(self.omega_interval)}, height={self.height:.4g}{span(self.height_interval)} "
                f"over the {self.reference}'s Debye level {self.debye_level:.4g} ({self.dim}D {self.model}, c={self.c:.4g}), "
                f"window=[{self.window[0]:.4g}, {self.window[1]:.4g}], smoothing {self.smoothing:.3g}, {self.n_samples} samples, "
                f"{verdict}; {self.robustness()})")


def excess_dos(dos: DOS, c: float = 1.0, n: float = 1.0) -> np.ndarray:
    """``g(omega) - g_D(omega)`` at the bin centres for a scalar DOS: ``g_D = omega / (2 pi n c^2)``
    in 2D, ``omega**2 / (2 pi^2 n c^3)`` in 3D (``DOS.dim``). A vector DOS needs two speeds:
    ``analysis.debye.excess_reduced_dos``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> g = bosonpeak.dos(bosonpeak.network(30, 0.0), np.linspace(0, 3, 31))
    >>> bosonpeak.excess_dos(g).shape
    (30,)
    """
    _require_dos(dos)
    if dos.model == "vector":
        raise _checks.ParameterError("'dos' is a vector DOS: its Debye law needs c_L and c_T; use "
                                     "bosonpeak.analysis.debye.excess_reduced_dos(dos, dim, debye_level_nd(dim, model='vector', c_L=, c_T=))")
    dim = dos.dim or 2
    return dos.density - dos.centres ** (dim - 1) * debye_level_nd(dim, c=c, n=n)


def _require_dos(dos):
    if not isinstance(dos, DOS):
        raise _checks.ParameterTypeError(f"'dos' must be a bosonpeak.DOS; got {type(dos).__name__}")


def _per_sample(name: str, value, k: int) -> np.ndarray:
    speeds = _checks.nonempty(name, value)
    if speeds.size == 1:
        speeds = np.full(k, float(speeds[0]))
    if speeds.shape != (k,) or not np.all(np.isfinite(speeds)) or np.any(speeds <= 0):
        got = np.array2string(np.asarray(value, dtype=float).ravel(), threshold=6) if np.size(value) <= 6 else f"an array of shape {np.shape(value)}"
        raise _checks.ParameterError(f"'{name}' must be one positive finite sound speed or one per sample ({k}); got {got}")
    return speeds


def _debye(dim: int, model: str, k: int, c, c_L, c_T):
    """Per-sample Debye levels, the speeds of the finite-size cut-off, and the reference."""
    if model == "vector":
        if c is not None or c_L is None or c_T is None:
            raise _checks.ParameterError(
                f"a vector DOS's Debye level needs 'c_L' and 'c_T' (bosonpeak.elastic_tensor(net).c_L, .c_T), not 'c'; got c={c!r}, "
                f"c_L={c_L!r}, c_T={c_T!r}")
        cl, ct = _per_sample("c_L", c_L, k), _per_sample("c_T", c_T, k)
        levels = np.array([debye_level_nd(dim, model="vector", c_L=a, c_T=b) for a, b in zip(cl, ct)])
        return levels, ct, "network"
    if c_L is not None or c_T is not None:
        raise _checks.ParameterError(f"'c_L' and 'c_T' are for a vector DOS; this one is scalar (pass 'c'); got c_L={c_L!r}, c_T={c_T!r}")
    speeds, reference = (np.ones(k), "crystal") if c is None else (_per_sample("c", c, k), "network")
    levels = np.array([debye_level_nd(dim, c=s) for s in speeds])
    return levels, speeds, reference


def _sigma(dos: DOS, power: np.ndarray, m: int, k: int) -> np.ndarray:
    """Standard error of ``g / omega**(d-1)`` averaged over ``m`` bins: over the seeds of an
    ensemble (bin correlations included), from a smoothed DOS's error bars (correlated over its
    resolution: not divided down), or zero for one exact DOS."""
    if k > 1:
        return running_mean(dos.samples / power, m).std(axis=0, ddof=1) / np.sqrt(k)
    if dos.error is not None:
        return np.sqrt(running_mean((np.nan_to_num(dos.error) / power) ** 2, m))
    return np.zeros(power.shape)


def boson_peak(dos_or_ensemble: DOS, *, c=None, c_L=None, c_T=None, dim: int | None = None, model: str | None = None,
               omega_min: float | None = None, omega_max: float = OMEGA_MAX, bootstrap: int = 2000, confidence: float = 0.95,
               crystal: bool | None = None, rng=None) -> BosonPeak:
    """Locate the Boson peak of a DOS or an ensemble DOS and measure its height.

    Parameters
    ----------
    dos_or_ensemble : DOS
        From ``bosonpeak.dos`` (one network, any method) or ``bosonpeak.ensemble_dos``
        (``samples`` of shape (K, B): intervals over the K seeds).
    c : float or array_like of shape (K,), optional
        Scalar model: sound speed of the network (``bosonpeak.sound_speed``), or one per
        sample (``elasticity.ensemble_sound_speed``). Default: the crystal's, ``c = 1``.
    c_L, c_T : float or array_like of shape (K,), optional
        Vector model (needed): longitudinal and transverse speeds (``bosonpeak.elastic_tensor``).
    dim, model : int, str, optional
        The DOS's dimension and model where the DOS does not carry them (a bare matrix's);
        default ``DOS.dim`` and ``DOS.model``, else 2 and ``"scalar"``.
    omega_min : float, optional
        Lower end of the search window; default ``3 x 2 pi c / L`` with ``L = N**(1/d)``, or
        twice the DOS's resolution if that is larger.
    omega_max : float
        Upper end of the search window.
    bootstrap : int
        Bootstrap replicates (>= 100).
    confidence : float
        Coverage of the intervals, in (0, 1).
    crystal : bool, optional
        The DOS is the perfect crystal's: no peak, reason ``"crystal"``, whatever its
        finite-size shells do. Default ``DOS.crystal`` (a crystal network says so itself).
    rng : int, SeedSequence or Generator, optional
        For the bootstrap (SPEC 7).

    Returns
    -------
    BosonPeak
        With ``found``, the ``reason`` if not, the conventions and the sensitivity (module notes).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> g = bosonpeak.ensemble_dos(20, 0.2, np.arange(0, 1.6, 0.1), seeds=4, rng=2)
    >>> bp = bosonpeak.boson_peak(g, c=0.8, rng=0)
    >>> bp.omega_interval[0] <= bp.omega <= bp.omega_interval[1]
    True
    >>> crystal = bosonpeak.dos(bosonpeak.network(20, 0.0), np.arange(0, 1.6, 0.1))
    >>> bosonpeak.boson_peak(crystal).reason
    'crystal'
    """
    dos = dos_or_ensemble
    _require_dos(dos)
    bootstrap = _checks.integer("bootstrap", bootstrap, minimum=100)
    confidence = _checks.real("confidence", confidence, minimum=0.0, maximum=1.0, min_inclusive=False, max_inclusive=False)
    dim = _checks.integer("dim", dim if dim is not None else (dos.dim or 2), minimum=2, maximum=3)
    model = _checks.choice("model", model if model is not None else (dos.model or "scalar"), ("scalar", "vector"))
    for name, mine, given in (("dim", dos.dim, dim), ("model", dos.model, model)):
        if mine is not None and mine != given:
            raise _checks.ParameterError(f"'{name}' must agree with the DOS's own {name} {mine!r}; got {given!r}")
    crystal = dos.crystal if crystal is None else crystal
    if not isinstance(crystal, (bool, np.bool_)):
        raise _checks.ParameterTypeError(f"'crystal' must be True, False or None; got {crystal!r}")
    k = 1 if dos.samples is None else dos.samples.shape[0]
    levels, speeds, reference = _debye(dim, model, k, c, c_L, c_T)
    side = (dos.n_modes / (dim if model == "vector" else 1)) ** (1.0 / dim)
    cut = 2.0 * np.pi * float(np.mean(speeds)) / side
    if omega_min is None:
        omega_min = CUTOFF_MULTIPLE * cut
        if dos.resolution is not None:
            omega_min = max(omega_min, 2.0 * dos.resolution)
    omega_min = _checks.real("omega_min", omega_min, minimum=0.0)
    if omega_min >= omega_max:
        raise _checks.ParameterError(
            f"'omega_min' ({omega_min:g}; default {CUTOFF_MULTIPLE} x 2 pi c / N^(1/d), N = {dos.n_modes}) must lie below "
            f"'omega_max' ({omega_max:g}): the network is too small for this window; pass omega_min or a larger network")
    omega_max = _checks.real("omega_max", omega_max, minimum=omega_min, min_inclusive=False)
    centres = dos.centres
    inside = np.flatnonzero((centres > omega_min) & (centres < omega_max))
    if inside.size < 1:
        raise _checks.ParameterError(f"no bin centre lies in the window ({omega_min:g}, {omega_max:g}); widen it or use finer edges")

    power = centres ** (dim - 1)
    width = float(np.median(dos.widths))
    smooth = max(SMOOTH_MIN_BINS, 2 * int(round(cut / width / 2)) + 1)
    curve = running_mean(dos.density / power, smooth)
    sigma = _sigma(dos, power, smooth, k)
    omega, value = vertex(curve, centres, inside)
    level = float(np.mean(levels))
    windows = variants(smooth, omega_min, omega_max, float(dos.edges[-1]))
    result = dict(omega=omega, height=value / level, c=float(np.mean(speeds)), debye_level=level, reference=reference,
                  window=(float(omega_min), float(omega_max)), confidence=confidence, n_samples=k, smoothing=smooth * width,
                  smoothing_bins=smooth, dim=dim, model=model, search_range=search_range(windows))
    if k > 1 or dos.error is not None:
        gen = np.random.default_rng(rng)
        if k > 1:
            def curves(r):
                idx = gen.integers(0, k, size=(r, k))
                return dos.samples[idx].mean(axis=1) / power, levels[idx].mean(axis=1)
        else:
            corr = max(1, 2 * int(round((dos.resolution or 0.0) / width / 2)) + 1)

            def curves(r):
                noise = running_mean(gen.standard_normal((r, centres.size)), corr) * np.sqrt(corr)
                return (dos.density + noise * np.nan_to_num(dos.error)) / power, np.full(r, level)
        result.update(intervals(curves, levels, centres, windows, reduced=curve, sigma=sigma, smooth=smooth, width=width, inside=inside,
                                omega=omega, value=value, level=level, confidence=confidence, bootstrap=bootstrap, gen=gen))
    low = result["height_interval"][0] if "height_interval" in result else None
    reason = peak_verdict(curve, level, inside, error=sigma, height_low=low, crystal=bool(crystal))
    j = int(np.argmax(curve[inside]))
    result["sensitivity"] = sensitivity(dos.density / power, lambda m: _sigma(dos, power, m, k), level, centres, windows, bool(crystal))
    return BosonPeak(**result, found=reason is None, reason=reason, verdict=verdict_word(reason, 0 < j < inside.size - 1))


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
