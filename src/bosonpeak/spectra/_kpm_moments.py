"""The moments of a KPM run: how many a resolution in omega needs, the Jackson kernel, the bin
matrix that turns moments into bin averages, and the resolution reached at each omega (private; ``kpm``).

The density is rebuilt in ``y = omega / omega_max`` from ``K = 2 M`` y-moments (``M`` moments of
``H~``; ``T_2n(y) = T_n(2 y**2 - 1)``). The Jackson kernel broadens a delta at ``y_0`` to a
near-Gaussian of standard deviation ``sigma_y = (pi / K) sqrt(1 - y_0**2 + (3 y_0**2 - 2) / K)``
(Weisse et al., Rev. Mod. Phys. 78, 275 (2006), eq. 72), in omega ``sigma = omega_max sigma_y``: the
same ``~ pi omega_max / (2 M)`` from omega = 0 up to mid-band, finer towards ``omega_max``.
``resolution_at`` gives it per omega; the moments for a wanted resolution are set at omega = 0,
where it is coarsest (``_n_moments``).
"""

from __future__ import annotations

import numpy as np

from .. import _checks

#: Default resolution as a fraction of the mean bin width (at 1, the kernel's bias moved the exact
#: counts of an L = 200 network 3.5-5.4 error bars away; see docs/kpm.md).
RESOLUTION_PER_BIN = 0.25


#: Most moments a run may use (a resolution of ~1e-5 omega_max): finer is refused before any work.
MAX_MOMENTS = 1 << 20


def _n_moments(resolution, moments, omega_max, edges) -> int:
    """Moments of ``H~`` (even) for a resolution in omega, or as given."""
    if resolution is not None and moments is not None:
        raise _checks.ParameterError(f"give 'resolution' or 'moments', not both; got resolution={resolution!r}, moments={moments!r}")
    if moments is not None:
        m = _checks.integer("moments", moments, minimum=2)
        return m + m % 2
    res = RESOLUTION_PER_BIN * float(np.mean(np.diff(edges))) if resolution is None else _checks.real("resolution", resolution, minimum=0.0, min_inclusive=False)

    def width(m):  # the Jackson kernel's width in omega for 2 m moments in y, from g_2 in closed form
        q = np.pi / (2 * m + 1)
        g2 = ((2 * m - 1) * np.cos(2 * q) + 2 * np.cos(q) ** 2) / (2 * m + 1)
        return omega_max * np.sqrt(max(0.5 * (1.0 - g2), 0.0))

    m = max(2 * int(np.ceil(np.pi * omega_max / (4.0 * res))), 2)  # sigma ~ pi omega_max / (2 M)
    if width(m) > res:  # the smallest even m above with width(m) <= res, by doubling and bisection
        lo, hi = m, 2 * m
        while width(hi) > res and hi <= 4 * MAX_MOMENTS:
            lo, hi = hi, 2 * hi
        while hi - lo > 2:
            mid = lo + 2 * ((hi - lo) // 4)
            lo, hi = (mid, hi) if width(mid) > res else (lo, mid)
        m = hi
    if m > MAX_MOMENTS:
        raise _checks.ParameterError(
            f"'resolution' = {res:g} needs about {m:.3g} Chebyshev moments (omega_max = {omega_max:.3g}), more than {MAX_MOMENTS}: "
            f"about {8 * m * max(len(edges), 1) * 4 / 2**30:.3g} GiB of bin matrix alone; the finest resolution is {width(MAX_MOMENTS):.3g}")
    return m


def _jackson(m: int) -> np.ndarray:
    """Jackson kernel ``g_j``, ``j = 0 .. m - 1``, for an expansion of ``m`` moments."""
    j = np.arange(m)
    q = np.pi / (m + 1)
    return ((m - j + 1) * np.cos(q * j) + np.sin(q * j) / np.tan(q)) / (m + 1)


def _bin_matrix(edges, omega_max, n_mom) -> np.ndarray:
    """``A`` (M, B) with ``density = mu @ A``: the Jackson-smoothed density in ``y = omega /
    omega_max`` (y-moments ``2 n`` = ``mu_n``, odd ones 0), folded onto ``omega >= 0`` and
    integrated exactly over each bin, per unit omega."""
    theta = np.arccos(np.clip(np.asarray(edges, float) / omega_max, 0.0, 1.0))  # decreasing
    n = np.arange(n_mom)[:, None]
    g = _jackson(2 * n_mom)[::2][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        F = np.where(n == 0, theta[None, :], np.sin(2 * n * theta[None, :]) / np.where(n == 0, 1, 2 * n))
    F = F * g * np.where(n == 0, 1.0, 2.0)  # c_n = g_2n (2 - delta_n0)
    # counts in [w_a, w_b) = 2 * (1 / pi) * [F(theta_a) - F(theta_b)]
    return 2.0 / np.pi * (F[:, :-1] - F[:, 1:]) / np.diff(edges)[None, :]


def resolution_at(omega, omega_max: float, n_mom: int) -> np.ndarray:
    """The Jackson kernel's standard deviation in omega at each ``omega`` for ``n_mom`` moments of ``H~``.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.spectra._kpm_moments import resolution_at
    >>> s = resolution_at(np.array([0.0, 3.0, 5.9]), 6.0, 200)
    >>> bool(s[0] > s[1] > s[2]), round(float(s[0]) * 400 / (np.pi * 6.0), 3)
    (True, 0.997)
    """
    K = 2 * int(n_mom)
    y = np.clip(np.asarray(omega, dtype=float) / omega_max, 0.0, 1.0)
    return omega_max * np.pi / K * np.sqrt(np.maximum(1.0 - y**2 + (3.0 * y**2 - 2.0) / K, 0.0))
