"""Quasi-localized modes: the lowest modes of a particle Hessian, their participation and D ~ omega^beta.

Below the first phonon band of a small glass, ``omega_1 = 2 pi c_T / L`` (the lowest transverse
plane wave of the periodic box of side ``L``), the modes are not plane waves but quasi-localized
(QLMs), and their density grows as ``omega**4`` (Lerner, Duering & Bouchbinder, PRL 117, 035501
(2016); Mizuno, Shiba & Ikeda, PNAS 114, E9767 (2017)); near jamming the exponent falls towards 2
(Charbonneau et al., PRL 117, 045503 (2016)).

* ``lowest_vector_modes``: shift-invert Lanczos (``scipy.sparse.linalg.eigsh`` with a small negative
  ``sigma``: ``H - sigma I`` is positive definite and factorised once by SuperLU), the ``n_zero``
  zero modes (the ``d`` translations of a backbone without rattlers) dropped.
* ``participation``: ``P = (sum_i |e_i|^2)^2 / (N sum_i |e_i|^4)``; extended modes have ``P`` of
  order one, QLMs ``P ~ 1/N`` times their core size. ``split_modes`` separates them at a
  threshold.
* ``low_frequency_exponent``: a maximum-likelihood fit of ``D(omega) ~ omega**beta`` on the list
  of modes below a cut-off ``omega_c``. Under that law ``u = omega / omega_c`` has the cumulative
  distribution ``u**(beta + 1)``, so ``-log u`` is exponential with rate ``beta + 1`` and
  ``(beta + 1) S`` with ``S = -sum log u`` follows a Gamma(n, 1) law: the estimate
  ``beta + 1 = n / S`` and an exact interval from the Gamma quantiles for independent modes.
  Each mode may have its own cut-off (its sample's ``omega_1``). Given each mode's sample, the
  reported interval is the percentile bootstrap over samples instead (a sample's modes are not
  independent, and its cut-off scatters). A histogram fit would weight the sparse lowest bins
  arbitrarily; this estimator uses every mode once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy import stats

from .. import _checks
from .debye import vector_participation

#: Default threshold on the participation ratio below which a mode counts as quasi-localized.
QLM_PARTICIPATION = 0.2
#: Shift of the shift-invert Lanczos, relative to the largest diagonal entry of H.
SHIFT_FRACTION = 1e-6


@dataclass(frozen=True, eq=False)
class LowModes:
    """The lowest non-zero modes of a ``(d N, d N)`` Hessian.

    Attributes
    ----------
    omega : ndarray, shape (k,)
        Ascending frequencies ``sqrt(lambda)``.
    vectors : ndarray, shape (d N, k)
        Orthonormal modes, particle-major components ``(x_0, y_0[, z_0], x_1, ...)``.
    participation : ndarray, shape (k,)
        Participation ratio of each mode over the ``N`` particles.
    dim, n_zero : int
        Space dimension; zero modes left out.
    """

    omega: np.ndarray
    vectors: np.ndarray
    participation: np.ndarray
    dim: int
    n_zero: int

    def __repr__(self) -> str:
        return (f"LowModes({self.omega.size} modes of dN={self.vectors.shape[0]}, omega in "
                f"[{self.omega.min():.4g}, {self.omega.max():.4g}], {self.n_zero} zero modes left out)")


def lowest_vector_modes(H, k: int, dim: int, *, n_zero: int | None = None, sigma: float | None = None, rng=None) -> LowModes:
    """The ``k`` lowest non-zero modes of a particle Hessian by shift-invert Lanczos.

    Parameters
    ----------
    H : sparse or dense (d N, d N) symmetric matrix
        Mass-weighted Hessian of a system without rattlers.
    k : int
        Non-zero modes wanted, ``1 <= k < d N - n_zero``.
    dim : {2, 3}
    n_zero : int, optional
        Zero modes to leave out; default ``dim`` (the translations). Raises if the spectrum has
        more (rattlers left in, a floppy backbone).
    sigma : float, optional
        Shift, negative; default ``-1e-6`` times the largest diagonal entry.
    rng : int, SeedSequence or Generator, optional
        Start vector of the Lanczos iteration (SPEC 7).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from bosonpeak.analysis.qlm import lowest_vector_modes
    >>> ring = sp.diags([-np.ones(7), 2 * np.ones(8), -np.ones(7)], [-1, 0, 1]).tolil()
    >>> ring[0, 7] = ring[7, 0] = -1                     # a periodic chain of 8: one zero mode
    >>> m = lowest_vector_modes(sp.kron(ring.tocsr(), sp.identity(2)), 2, 2, n_zero=2, rng=0)
    >>> np.round(m.omega, 6).tolist() == [round(2 * np.sin(np.pi / 8), 6)] * 2
    True
    """
    H = sp.csr_matrix(H, dtype=float)
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    n = H.shape[0]
    if H.shape != (n, n) or n % dim:
        raise _checks.ParameterError(f"'H' must be square with a multiple of dim = {dim} rows; got shape {H.shape}")
    n_zero = dim if n_zero is None else _checks.integer("n_zero", n_zero, minimum=0)
    k = _checks.integer("k", k, minimum=1, maximum=max(n - n_zero - 1, 1))
    _checks.rng("rng", rng)
    top = float(np.abs(H.diagonal()).max())
    sigma = -SHIFT_FRACTION * top if sigma is None else _checks.real("sigma", sigma, maximum=0.0, max_inclusive=False)
    v0 = np.random.default_rng(rng).standard_normal(n)
    lam, vec = spla.eigsh(H, k=k + n_zero + 1, sigma=sigma, which="LM", v0=v0)
    order = np.argsort(lam)
    lam, vec = lam[order], vec[:, order]
    if n_zero and abs(lam[n_zero]) < 1e-9 * top:
        raise _checks.ParameterError(f"'H' has more than n_zero = {n_zero} zero modes (lambda_{n_zero} = {lam[n_zero]:.2g}): "
                                     "remove the rattlers, or raise 'n_zero'")
    lam, vec = lam[n_zero:n_zero + k], np.ascontiguousarray(vec[:, n_zero:n_zero + k])
    return LowModes(np.sqrt(np.clip(lam, 0.0, None)), vec, vector_participation(vec, dim), dim, n_zero)


def first_band(c_T: float, box_length: float) -> float:
    """``omega_1 = 2 pi c_T / L``: the lowest transverse plane wave of a periodic box of side ``L``.

    Examples
    --------
    >>> from bosonpeak.analysis.qlm import first_band
    >>> round(first_band(0.5, 10.0), 6)
    0.314159
    """
    c_T = _checks.real("c_T", c_T, minimum=0.0, min_inclusive=False)
    box_length = _checks.real("box_length", box_length, minimum=0.0, min_inclusive=False)
    return 2 * np.pi * c_T / box_length


def split_modes(participation, threshold: float = QLM_PARTICIPATION) -> np.ndarray:
    """Mask of the quasi-localized modes: participation ratio below ``threshold``.

    Examples
    --------
    >>> from bosonpeak.analysis.qlm import split_modes
    >>> split_modes([0.02, 0.5, 0.15]).tolist()
    [True, False, True]
    """
    threshold = _checks.real("threshold", threshold, minimum=0.0, maximum=1.0)
    return np.asarray(participation, dtype=float) < threshold


@dataclass(frozen=True)
class Exponent:
    """``beta`` of ``D(omega) ~ omega**beta`` with its interval.

    Attributes
    ----------
    beta : float
        Maximum-likelihood estimate.
    interval : tuple of float
        ``confidence`` interval: the percentile bootstrap over samples when the modes' samples are
        given (modes of one sample are not independent draws), else the exact Gamma interval.
    n_modes : int
        Modes fitted (those below their cut-off).
    confidence : float
    method : str
    gamma_interval : tuple of float
        The exact interval for independent modes (Gamma quantiles), for comparison.
    """

    beta: float
    interval: tuple[float, float]
    n_modes: int
    confidence: float
    method: str = "maximum likelihood on the mode list below the cut-off, exact Gamma interval"
    gamma_interval: tuple[float, float] | None = None


#: Bootstrap resamples of the samples in ``low_frequency_exponent``.
BOOTSTRAP = 4000


def low_frequency_exponent(omega, cutoff, *, samples=None, confidence: float = 0.95, n_boot: int = BOOTSTRAP,
                           rng=0) -> Exponent:
    """Maximum-likelihood ``beta`` of ``D(omega) ~ omega**beta`` for the modes below ``cutoff``.

    Parameters
    ----------
    omega : array_like, shape (M,)
        Mode frequencies (zero modes left out), pooled over samples.
    cutoff : float or array_like, shape (M,)
        The cut-off ``omega_c``, one for all or one per mode (its sample's first band).
    samples : array_like of int, shape (M,), optional
        The sample (``0 .. S - 1``) of each mode, every sample listed at least once (with a mode
        above its cut-off when it has none below). Given, the interval is the percentile bootstrap
        over samples (``n_boot`` resamples): it carries the correlation of one sample's modes
        and the scatter of the cut-offs, which the exact Gamma interval for independent modes omits.
    confidence : float
    n_boot : int
        Bootstrap resamples.
    rng : int, SeedSequence or Generator
        Source of the bootstrap resamples (SPEC 7); the default 0 makes the interval reproducible.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.qlm import low_frequency_exponent
    >>> u = np.random.default_rng(0).uniform(size=4000) ** (1 / 5)   # D ~ omega^4 on (0, 1)
    >>> fit = low_frequency_exponent(u, 1.0)
    >>> fit.interval[0] < 4 < fit.interval[1], fit.n_modes
    (True, 4000)
    >>> fit = low_frequency_exponent(u, 1.0, samples=np.arange(4000) % 400)   # 400 samples of 10 modes
    >>> fit.interval[0] < 4 < fit.interval[1], fit.method.startswith("maximum likelihood")
    (True, True)
    """
    confidence = _checks.real("confidence", confidence, minimum=0.0, maximum=1.0, min_inclusive=False, max_inclusive=False)
    n_boot = _checks.integer("n_boot", n_boot, minimum=100)
    _checks.rng("rng", rng)
    omega = np.asarray(omega, dtype=float).ravel()
    cutoff = np.broadcast_to(np.asarray(cutoff, dtype=float), omega.shape)
    if np.any(~np.isfinite(cutoff) | (cutoff <= 0)):
        raise _checks.ParameterError("'cutoff' must be positive and finite")
    keep = np.isfinite(omega) & (omega > 0) & (omega < cutoff)
    n = int(keep.sum())
    if n < 2:
        raise _checks.ParameterError(f"'omega' needs at least 2 modes below the cut-off; got {n}")
    s = float(-np.sum(np.log(omega[keep] / cutoff[keep])))
    a = 0.5 - confidence / 2
    lo, hi = stats.gamma.ppf([a, 1 - a], n) / s
    gamma = (float(lo - 1), float(hi - 1))
    method = "maximum likelihood on the mode list below the cut-off"
    if samples is None:
        return Exponent(n / s - 1, gamma, n, confidence, method + ", exact Gamma interval", gamma)
    labels = np.asarray(samples).ravel()
    if labels.shape != omega.shape or labels.dtype.kind not in "iu" or labels.min() < 0:
        raise _checks.ParameterError(f"'samples' must be non-negative integers, one per mode ({omega.size}); "
                                     f"got {labels.dtype} {labels.shape}")
    count = np.bincount(labels[keep], minlength=labels.max() + 1).astype(float)
    total = np.bincount(labels[keep], weights=-np.log(omega[keep] / cutoff[keep]), minlength=labels.max() + 1)
    draw = np.random.default_rng(rng).integers(0, count.size, size=(n_boot, count.size))
    boot = count[draw].sum(axis=1) / np.maximum(total[draw].sum(axis=1), np.finfo(float).tiny) - 1
    lo, hi = np.quantile(boot, [a, 1 - a])
    return Exponent(n / s - 1, (float(lo), float(hi)), n, confidence,
                    method + f", percentile bootstrap over {count.size} samples", gamma)
