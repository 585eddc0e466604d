"""What a jammed packing says: contacts, pressure, the plateau of D(omega), the Boson peak, power laws.

Conventions (O'Hern, Silbert, Liu & Nagel, PRE 68, 011306 (2003); Silbert, Liu & Nagel, PRL 95,
098301 (2005); Wyart, Nagel & Witten, EPL 72, 486 (2005)):

* **Contacts of the backbone.** Rattlers (fewer than ``d + 1`` contacts, removed iteratively) are
  left out; ``z = 2 N_c / N_b`` over the ``N_b`` backbone particles and their ``N_c`` contacts,
  ``Dz = z - 2 d``. A stable packing has at least ``N_c = d (N_b - 1) + 1`` contacts
  (Goodrich, Liu & Nagel, PRL 109, 095704 (2012)), so ``Dz >= -2 (d - 1) / N_b`` at any ``N``,
  and ``excess_contacts = N_c - d (N_b - 1) >= 1``.
* **Pressure** from the pair terms (virial): ``p = -(1 / (d V)) sum_pairs r V'(r)``.
* **Onset frequency** ``omega*``. ``D(omega)`` is read on bins that each hold 8 modes
  (from the cumulative count, so that a stray low mode in a narrow bin is no spike); the plateau
  level ``D_pl`` is the median of those between the 30th and the 70th percentile of the modes,
  and ``omega*`` the lowest frequency at which ``D(omega)`` reaches ``D_pl / 2`` (linear
  interpolation between bin middles).
* **Boson peak** of the reduced DOS ``D(omega) / omega**(d-1)``, read on the same equal-count
  bins: its maximum above the lowest transverse plane wave ``2 pi c_T / L``, and its height over
  the packing's own Debye level ``d / omega_D**d``.
* **Power laws** ``y = A x**b`` over an ensemble (``analysis.power_law``): each seed's series over the pressures is fitted
  by least squares in ``log y`` against ``log x``; the exponent is the mean of the per-seed slopes
  and its interval the Student-t interval over seeds (``S - 1`` degrees of freedom). Seeds are
  independent, so the interval has its nominal coverage whenever the per-seed slopes scatter
  normally. With one seed the interval is the t interval of the single least-squares slope
  (``P - 2`` degrees of freedom), which assumes independent residuals. Beside each exponent, the
  **local slopes** ``log(<y>_k+1 / <y>_k) / log(<x>_k+1 / <x>_k)`` of the means over seeds between
  successive points say where the power law holds.
* **Finite size.** ``omega*`` is limited by the box where it lies within a factor
  ``FINITE_SIZE_FACTOR`` (either way) of the lowest transverse plane wave
  ``omega_min = 2 pi sqrt(G / rho) / L``: there the box's first phonon shell falls on the onset.
  Contacts and moduli have their own crossover: below ``p N^2 ~ 1`` a packing holds a few excess
  contacts, ``Dz N`` and ``G N / B`` stop following ``p^(1/2)`` (Goodrich, Liu & Nagel, PRL 109,
  095704 (2012)); pressures with ``p N^2 < CROSSOVER_PN2`` are named as near it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .peak import vertex
from .power_law import PowerLaw, local_slopes, power_law_fit  # noqa: F401  (the power laws of jamming, kept importable here)

#: Quantiles of the mode count between which the plateau level is taken.
PLATEAU_QUANTILES = (0.3, 0.7)
#: ``omega*`` is where D(omega) first reaches this fraction of the plateau level.
ONSET_FRACTION = 0.5
#: Modes in each bin of the equal-count D(omega) that ``omega*`` is read from.
MODES_PER_BIN = 8
#: Share of the modes per equal-count bin when the number of modes is not given.
QUANTILE_STEP = 1 / 200
#: ``omega*`` within this factor (either way) of the box's lowest transverse phonon is flagged finite-size limited.
FINITE_SIZE_FACTOR = 2.0
#: Pressures with ``p N^2`` below this lie near the finite-size crossover ``p N^2 ~ 1`` of contacts and moduli.
CROSSOVER_PN2 = 10.0
#: Simple-shear orientations sampled in 3D by ``min_shear_modulus`` (and the seed of their stream).
SHEAR_FRAMES = 4000


@dataclass(frozen=True)
class Coordination:
    """Contact statistics of a packing's backbone.

    Attributes
    ----------
    z : float
        Mean contact number of the backbone, ``2 N_c / N_b``.
    delta_z : float
        ``z - 2 d``.
    z_variance : float
        Variance of the backbone particles' contact numbers.
    rattler_fraction : float
        Rattlers over all particles.
    n_backbone, n_contacts : int
        ``N_b`` and ``N_c``.
    excess_contacts : int
        ``N_c - d (N_b - 1)``: at least 1 for a stable packing.
    """

    z: float
    delta_z: float
    z_variance: float
    rattler_fraction: float
    n_backbone: int
    n_contacts: int
    excess_contacts: int


def coordination(i, j, rattler, dim: int) -> Coordination:
    """Contact statistics of the backbone from the contact list ``(i, j)`` and the rattler mask.

    Parameters
    ----------
    i, j : array_like of int, shape (E,)
        The two particles of every contact (each contact once).
    rattler : array_like of bool, shape (N,)
    dim : {2, 3}

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.jamming import coordination
    >>> i, j = np.array([0, 0, 1, 0]), np.array([1, 2, 2, 3])   # a triangle and a dangling particle
    >>> c = coordination(i, j, np.array([False, False, False, True]), 2)
    >>> c.z, c.delta_z, c.rattler_fraction, c.n_contacts
    (2.0, -2.0, 0.25, 3)
    """
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    rattler = np.asarray(rattler, dtype=bool)
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    if i.shape != j.shape or i.ndim != 1:
        raise _checks.ParameterError(f"'i' and 'j' must be 1-D arrays of the same length; got shapes {i.shape} and {j.shape}")
    keep = ~rattler[i] & ~rattler[j]
    n_b = int((~rattler).sum())
    n_c = int(keep.sum())
    zi = np.bincount(np.concatenate([i[keep], j[keep]]), minlength=rattler.size)[~rattler]
    z = 2.0 * n_c / n_b if n_b else 0.0
    return Coordination(z=z, delta_z=z - 2 * dim, z_variance=float(zi.var()) if n_b else 0.0,
                        rattler_fraction=float(rattler.mean()) if rattler.size else 0.0, n_backbone=n_b, n_contacts=n_c,
                        excess_contacts=n_c - dim * (n_b - 1))


def virial_pressure(r, dV, volume: float, dim: int) -> float:
    """Pressure from the pair terms: ``p = -(1 / (d V)) sum_pairs r V'(r)``.

    Examples
    --------
    >>> from bosonpeak.analysis.jamming import virial_pressure
    >>> virial_pressure([1.0, 0.5], [-0.2, -0.4], 2.0, 2)   # repulsive contacts push outwards
    0.1
    """
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    volume = _checks.real("volume", volume, minimum=0.0, min_inclusive=False)
    return float(-np.dot(np.asarray(r, dtype=float), np.asarray(dV, dtype=float)) / (dim * volume))


def _density(edges, density):
    edges = _checks.increasing_edges("edges", edges)
    density = np.asarray(density, dtype=float)
    if density.shape != (edges.size - 1,):
        raise _checks.ParameterError(f"'density' must have one value per bin ({edges.size - 1}); got shape {density.shape}")
    return edges, density


def equal_count_density(edges, density, *, step: float = QUANTILE_STEP) -> tuple[np.ndarray, np.ndarray]:
    """``D(omega)`` on bins that each hold the fraction ``step`` of the modes: ``(omega, D)``.

    The cumulative count of the histogram is interpolated linearly; each bin's density is its
    share of the modes over its width (the same normalisation as ``density``), placed at its
    middle. Unlike a fixed grid, no bin holds a single stray mode, so its noise is that of
    ``step`` times the mode count everywhere.
    """
    edges, density = _density(edges, density)
    count = np.concatenate([[0.0], np.cumsum(density * np.diff(edges))])
    if count[-1] <= 0:
        raise _checks.ParameterError("'density' holds no modes")
    rising = np.concatenate([[True], np.diff(count) > 0])
    q = np.linspace(0.0, 1.0, int(round(1 / step)) + 1) * count[-1]
    w = np.interp(q, count[rising], edges[rising])
    return 0.5 * (w[1:] + w[:-1]), np.diff(q) / np.diff(w)


def _step(modes):
    if modes is None:
        return QUANTILE_STEP
    return min(MODES_PER_BIN / _checks.integer("modes", modes, minimum=1), 0.1)


def plateau_level(edges, density, *, modes: int | None = None) -> float:
    """Median of the equal-count ``D(omega)`` between the 30th and the 70th percentile of the modes."""
    w, D = equal_count_density(edges, density, step=_step(modes))
    q = (np.arange(D.size) + 0.5) / D.size
    return float(np.median(D[(q >= PLATEAU_QUANTILES[0]) & (q <= PLATEAU_QUANTILES[1])]))


def onset_frequency(edges, density, *, modes: int | None = None, fraction: float = ONSET_FRACTION) -> float:
    """``omega*``: the lowest frequency at which ``D(omega)`` reaches ``fraction`` of its plateau.

    ``D`` is read on equal-count bins of ``MODES_PER_BIN`` of the ``modes`` the histogram counts
    (``equal_count_density``; 1/200 of them if ``modes`` is not given), and the crossing
    interpolated linearly between their middles (``nan`` if it never crosses).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.jamming import onset_frequency
    >>> edges = np.linspace(0, 2, 201)
    >>> w = 0.5 * (edges[1:] + edges[:-1])
    >>> D = np.where(w < 1.8, np.minimum(w / 0.4, 1.0), 0.0)   # Debye-like rise to a plateau at 0.4
    >>> round(onset_frequency(edges, D), 2)
    0.2
    """
    fraction = _checks.real("fraction", fraction, minimum=0.0, maximum=1.0, min_inclusive=False, max_inclusive=False)
    target = fraction * plateau_level(edges, density, modes=modes)
    centres, D = equal_count_density(edges, density, step=_step(modes))
    above = np.flatnonzero(D >= target)
    if above.size == 0:
        return float("nan")
    k = int(above[0])
    if k == 0:
        return float(centres[0])
    y0, y1 = D[k - 1], D[k]
    return float(centres[k - 1] + (target - y0) / (y1 - y0) * (centres[k] - centres[k - 1]))


def reduced_peak(edges, density, dim: int, level: float, *, omega_min: float = 0.0, modes: int | None = None) -> tuple[float, float]:
    """Position and height over ``level`` of the maximum of ``D / omega**(d-1)`` above ``omega_min``.

    ``D`` is read on the equal-count bins of ``onset_frequency`` (``MODES_PER_BIN`` of the
    ``modes``); the position is the vertex of the parabola through the highest bin and its
    neighbours. Returns ``(nan, nan)`` when no bin lies above ``omega_min``.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.jamming import reduced_peak
    >>> edges = np.linspace(0, 2, 401)
    >>> w = 0.5 * (edges[1:] + edges[:-1])
    >>> D = w * (1 + 2 * np.exp(-(w - 0.5) ** 2 / 0.02))   # 2D: g / omega is 1 plus a bump at 0.5
    >>> omega, height = reduced_peak(edges, D, 2, 1.0)
    >>> round(omega, 2), round(height, 1)
    (0.5, 3.0)
    """
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    level = _checks.real("level", level, minimum=0.0, min_inclusive=False)
    omega_min = _checks.real("omega_min", omega_min, minimum=0.0)
    centres, D = equal_count_density(edges, density, step=_step(modes))
    inside = np.flatnonzero(centres > omega_min)
    if inside.size == 0:
        return float("nan"), float("nan")
    omega, value = vertex(D / centres ** (dim - 1), centres, inside)
    return omega, value / level


def isotropic_shear_modulus(A) -> float:
    """The simple-shear modulus averaged over every orientation of the shear (direction ``n``, plane
    normal ``m``, ``n`` perpendicular to ``m``, uniformly): with ``<n_a m_b n_c m_d> = ((d+1) d_ac d_bd
    - d_ab d_cd - d_ad d_bc) / ((d-1) d (d+2))``, ``G = ((d+1) A_abab - A_aabb - A_abba) / ((d-1) d (d+2))``.

    ``A_abcd = (1/V) d2U / du_ab du_cd`` is the relaxed elastic tensor (``u`` the displacement
    gradient). For an isotropic solid this is its shear modulus; a small packing's moduli along the
    box axes scatter (and can be negative), and this average is the estimate of its macroscopic G.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.jamming import isotropic_shear_modulus
    >>> d, lam, mu = 3, 2.0, 0.7
    >>> I = np.eye(d)
    >>> A = lam * np.einsum("ab,cd->abcd", I, I) + mu * (np.einsum("ac,bd->abcd", I, I) + np.einsum("ad,bc->abcd", I, I))
    >>> round(isotropic_shear_modulus(A), 12)
    0.7
    """
    A = np.asarray(A, dtype=float)
    d = A.shape[0]
    if A.shape != (d, d, d, d) or d not in (2, 3):
        raise _checks.ParameterError(f"'A' must have shape (d, d, d, d) with d = 2 or 3; got {A.shape}")
    return float(((d + 1) * np.einsum("abab->", A) - np.einsum("aabb->", A) - np.einsum("abba->", A)) / ((d - 1) * d * (d + 2)))


def shear_frames(dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Orientations ``(n, m)`` of simple shears, ``n`` perpendicular to ``m``: in 2D 720 angles in
    ``[0, pi)``; in 3D ``SHEAR_FRAMES`` frames drawn uniformly once from a fixed stream."""
    if _checks.integer("dim", dim, minimum=2, maximum=3) == 2:
        t = np.linspace(0.0, np.pi, 720, endpoint=False)
        return np.stack([np.cos(t), np.sin(t)], axis=1), np.stack([-np.sin(t), np.cos(t)], axis=1)
    gen = np.random.default_rng(SHEAR_FRAMES)
    n = gen.standard_normal((SHEAR_FRAMES, 3))
    n /= np.linalg.norm(n, axis=1)[:, None]
    m = gen.standard_normal((SHEAR_FRAMES, 3))
    m -= np.einsum("ka,ka->k", m, n)[:, None] * n
    return n, m / np.linalg.norm(m, axis=1)[:, None]


def min_shear_modulus(A) -> float:
    """The smallest simple-shear modulus ``n_a m_b n_c m_d A_abcd`` over the orientations of
    ``shear_frames``: negative when the packing is unstable to some shear in its box (Dagois-Bohy,
    Tighe, Simon, Henkes & van Hecke, PRL 109, 095703 (2012)), though it is at rest at positive
    pressure. ``isotropic_shear_modulus`` is the mean of the same function over all orientations.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.analysis.jamming import isotropic_shear_modulus, min_shear_modulus
    >>> I = np.eye(2)
    >>> iso = 2.0 * np.einsum("ab,cd->abcd", I, I) + 0.7 * (np.einsum("ac,bd->abcd", I, I) + np.einsum("ad,bc->abcd", I, I))
    >>> round(min_shear_modulus(iso), 12)
    0.7
    >>> A = iso.copy(); A[0, 1, 0, 1] = A[1, 0, 1, 0] = -0.2    # soft to shear along the box axes
    >>> bool(min_shear_modulus(A) < 0 < isotropic_shear_modulus(A))
    True
    """
    A = np.asarray(A, dtype=float)
    d = A.shape[0]
    if A.shape != (d, d, d, d) or d not in (2, 3):
        raise _checks.ParameterError(f"'A' must have shape (d, d, d, d) with d = 2 or 3; got {A.shape}")
    n, m = shear_frames(d)
    return float(np.einsum("ka,kb,kc,kd,abcd->k", n, m, n, m, A).min())


def finite_size_limited(omega_star, omega_min, *, factor: float = FINITE_SIZE_FACTOR):
    """Whether each ``omega*`` lies within a factor ``factor`` of the box's lowest phonon ``omega_min``,
    ``omega_min / factor <= omega* <= factor omega_min`` (``None`` where either is not finite: no
    sound speed, no onset).

    There the box's first shell of plane waves falls on the onset of the plateau and shapes it. Far
    below ``omega_min`` the onset is read from the excess modes alone, with no phonon near it, and is
    not flagged (the other finite-size limit, ``N Dz ~ 1``, is not judged here).

    Examples
    --------
    >>> from bosonpeak.analysis.jamming import finite_size_limited
    >>> finite_size_limited([0.5, 0.05, 0.01, 0.1], [0.1, 0.04, 0.04, float("nan")])
    [False, True, False, None]
    """
    factor = _checks.real("factor", factor, minimum=1.0)
    w, w0 = np.asarray(omega_star, dtype=float), np.asarray(omega_min, dtype=float)
    if w.shape != w0.shape or w.ndim != 1:
        raise _checks.ParameterError(f"'omega_star' and 'omega_min' must be 1-D of the same length; got shapes {w.shape} and {w0.shape}")
    return [bool(b / factor <= a <= factor * b) if np.isfinite(a) and np.isfinite(b) else None for a, b in zip(w, w0)]
