"""Lattice Green's functions of the crystal with unit springs, in closed form.

For the scalar model the crystal's dynamical matrix is the graph Laplacian ``H0`` of the
lattice (unit springs). Its Green's function at a complex squared frequency ``s``,

    G_r(s) = [(s - H0)^-1]_{0, r} = (1/N) sum_q cos(q . r) / (s - lambda0(q)),

is what the effective-medium theories need: a medium of uniform complex springs ``k``
has ``G_medium(z) = G(z / k) / k``. On the square lattice, ``lambda0 = 4 - 2 cos qx - 2 cos qy``
and with ``E = s - 4``, ``m = 16 / E^2`` (Morita 1971; Economou, *Green's Functions in
Quantum Physics*, ch. 5)

    G_00 = 2 K(m) / (pi E),
    G_11 = (2 / (pi E)) [(2/m - 1) K(m) - (2/m) E(m)],

with ``K``, ``E`` the complete elliptic integrals of the first and second kind (parameter
``m``, principal branch, cut ``m >= 1``). The other short separations follow from the
equation of motion ``E G_r + sum_{nn r'} G_r' = delta_{r0}``; ``G_22`` from the fourth
moment integral. Complex ``K`` and ``E`` come from the arithmetic-geometric mean. A real
``s`` means ``s + i0``: the retarded Green's function, whose ``-Im G_00 / pi`` is the
crystal's spectral density in ``lambda = omega^2``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import _checks

#: Arithmetic-geometric-mean steps; convergence is quadratic, 40 is far more than needed.
AGM_MAX_STEPS = 40
#: Relative size below which ``|a - b|`` ends the arithmetic-geometric mean.
AGM_TOLERANCE = 1e-16

#: Separations (m, n) of the square lattice with closed forms here.
SQUARE_SITES = ((0, 0), (1, 0), (1, 1), (2, 0), (2, 1), (2, 2))


def elliptic_ke(m) -> tuple[np.ndarray, np.ndarray]:
    """Complete elliptic integrals ``K(m)``, ``E(m)`` for complex parameter ``m``.

    Principal branch, cut along real ``m >= 1``; a real ``m > 1`` is taken as ``m - i0``
    (the side a retarded square-lattice Green's function with ``E > 0`` approaches).

    Parameters
    ----------
    m : array_like of complex
        Parameter (``k^2``), ``m != 1``.

    Returns
    -------
    K, E : ndarray of complex, shape of ``m``

    Examples
    --------
    >>> from bosonpeak.theory.lattice_green import elliptic_ke
    >>> K, E = elliptic_ke(0.5)
    >>> round(float(K.real), 12), round(float(E.real), 12)
    (1.854074677301, 1.350643881048)
    """
    m = np.asarray(m, dtype=complex)
    a = np.ones_like(m)
    b = np.sqrt(1.0 - m)
    c2_sum = 0.5 * m  # sum_n 2^(n-1) c_n^2, c_0^2 = m
    power = 0.5
    for _ in range(AGM_MAX_STEPS):
        if np.all(np.abs(a - b) <= AGM_TOLERANCE * np.abs(a)):
            break
        c = 0.5 * (a - b)
        a, g = 0.5 * (a + b), np.sqrt(a * b)
        # The "right" square root (|a' - g| <= |a' + g|) keeps the principal branch.
        b = np.where(np.abs(a - g) <= np.abs(a + g), g, -g)
        power *= 2.0
        c2_sum = c2_sum + power * c * c
    K = np.pi / (2.0 * a)
    return K, K * (1.0 - c2_sum)


def square_lattice_green(s, site=(0, 0)) -> np.ndarray:
    """Green's function ``G_r(s)`` of the unit-spring square lattice (scalar Laplacian).

    Parameters
    ----------
    s : array_like of complex
        Squared frequency in units of the spring constant, ``Im s >= 0`` (real means
        ``s + i0``); ``s`` must avoid the band's singular points 0 and 4.
    site : tuple of int
        Separation ``(m, n)``; any of ``(0,0) (1,0) (1,1) (2,0) (2,1) (2,2)`` up to the
        lattice's symmetries (signs and order).

    Returns
    -------
    ndarray of complex, shape of ``s``

    Examples
    --------
    Far outside the band ``G_00 ~ 1/s``; the spectral density ``-Im G_00 / pi`` of a
    midband point is the closed form ``K(1 - (s-4)^2/16) / (2 pi^2)``:

    >>> import numpy as np
    >>> from bosonpeak.theory.lattice_green import square_lattice_green
    >>> round(float((1000 * square_lattice_green(1000.0)).real), 3)
    1.004
    >>> from scipy.special import ellipk
    >>> rho = -square_lattice_green(3.0).imag / np.pi
    >>> bool(abs(rho - ellipk(1 - 1 / 16) / (2 * np.pi**2)) < 1e-13)
    True
    """
    key = tuple(sorted((abs(int(site[0])), abs(int(site[1]))), reverse=True)) if len(site) == 2 else None
    if key not in SQUARE_SITES:
        raise _checks.ParameterError(f"'site' must be one of {SQUARE_SITES} up to sign and order; got {site!r}")
    s = np.asarray(s, dtype=complex)
    if np.any(s.imag < 0):
        raise _checks.ParameterError(f"'s' must have Im s >= 0 (retarded Green's function); got min Im s = {s.imag.min():g}")
    E = s - 4.0
    if np.any((E == 0) | (s == 0)):
        raise _checks.ParameterError("'s' must avoid the singular points 0 and 4 of the square lattice")
    if key == (0, 0):
        return _square_sites(s, local=True)
    return _square_sites(s)[SQUARE_SITES.index(key)]


def _green_sites(s: complex) -> np.ndarray:
    """``G_r(s)`` at one ``s`` for all ``SQUARE_SITES`` at once (no validation), shape (6,).

    The singular points ``s = 0, 4`` are moved off the axis by ``1e-12 i`` (finite, log-large values)."""
    s = complex(s)
    return _square_sites(np.asarray(s + 1e-12j if s in (0, 4) else s))


def _square_sites(s: np.ndarray, local: bool = False) -> np.ndarray:
    """``G_r(s)`` for every separation in ``SQUARE_SITES``, stacked on a new first axis (``G_00`` alone if ``local``)."""
    E = s - 4.0
    m = 16.0 / (E * E)
    # On the band (real 0 < s < 8, m > 1 real) take the limit Im s -> 0+: Im m -> -0 sign(E).
    on_cut = (s.imag == 0) & (m.real > 1.0)
    m = np.where(on_cut, m.real - 1j * np.copysign(1e-300, E.real), m)
    K, Ee = elliptic_ke(m)
    g00 = 2.0 * K / (np.pi * E)
    if local:
        return g00
    g10 = (1.0 - E * g00) / 4.0
    g11 = (2.0 / (np.pi * E)) * ((2.0 / m - 1.0) * K - (2.0 / m) * Ee)
    g20 = -E * g10 - g00 - 2.0 * g11
    g21 = -(E * g11 + 2.0 * g10) / 2.0
    # (2, 2): cos(2(qx+qy)) = T4(cos q1); <a^4 / sqrt(E^2 - 16 a^2)> from the fourth-moment integral.
    a4 = (2.0 / (np.pi * E)) * ((2.0 + m) * K - 2.0 * (1.0 + m) * Ee) / (3.0 * m * m)
    a2 = (2.0 / (np.pi * E)) * (K - Ee) / m
    g22 = 8.0 * a4 - 8.0 * a2 + g00
    return np.stack([g00, g10, g11, g20, g21, g22])


@dataclass(frozen=True)
class Lattice:
    """A Bravais lattice with equivalent nearest-neighbour bonds, as the CPA needs it.

    Attributes
    ----------
    name : str
    z : int
        Coordination (bonds per node).
    green : callable
        ``green(s)``: local Green's function ``G_00(s)`` of the unit-spring lattice, ``Im s >= 0``.
    band_top : float
        Largest eigenvalue of the unit-spring Laplacian (``omega_max^2``).
    """

    name: str
    z: int
    green: Callable[[np.ndarray], np.ndarray]
    band_top: float


def square_lattice() -> Lattice:
    """The square lattice (``z = 4``, band ``0 <= lambda <= 8``).

    Examples
    --------
    >>> from bosonpeak.theory.lattice_green import square_lattice
    >>> lat = square_lattice()
    >>> lat.z, lat.band_top
    (4, 8.0)
    """
    return Lattice("square", 4, square_lattice_green, 8.0)


def chain_green(s) -> np.ndarray:
    """Local Green's function of the unit-spring chain, ``G_00(s) = 1 / (s sqrt(1 - 4/s))`` (``Im s >= 0``).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.theory.lattice_green import chain_green
    >>> round(float(-chain_green(2.0).imag / np.pi), 12), round(1 / (2 * np.pi), 12)   # rho(2) = 1 / (pi sqrt(4))
    (0.159154943092, 0.159154943092)
    """
    s = np.asarray(s, dtype=complex)
    inside = (s.imag == 0) & (s.real > 0) & (s.real < 4)
    root = np.where(inside, 1j * np.sqrt(np.abs(4.0 / np.where(inside, s.real, 1.0) - 1.0)), np.sqrt(1.0 - 4.0 / s))
    return 1.0 / (s * root)


def chain_lattice() -> Lattice:
    """The linear chain (``z = 2``, band ``0 <= lambda <= 4``): a second lattice for the CPA.

    Its static CPA is the exact series (harmonic-mean) spring of a random chain.

    Examples
    --------
    >>> from bosonpeak.theory.lattice_green import chain_lattice
    >>> chain_lattice().z
    2
    """
    return Lattice("chain", 2, chain_green, 4.0)


def crystal_dos(omega, t: float = 1.0) -> np.ndarray:
    """DOS per mode ``g(omega)`` of the infinite square-lattice crystal with springs ``t``.

    ``g = 2 omega rho(omega^2 / t) / t`` with ``rho(lambda) = K(1 - (lambda - 4)^2 / 16) / (2 pi^2)``
    on ``0 < lambda < 8`` (real ``K``, ``scipy.special.ellipk``); zero outside the band.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.theory.lattice_green import crystal_dos
    >>> round(float(crystal_dos(1e-3) / 1e-3), 6), round(1 / (2 * np.pi), 6)   # Debye level
    (0.159155, 0.159155)
    """
    from scipy.special import ellipk

    omega = np.asarray(omega, dtype=float)
    t = _checks.real("t", t, minimum=0.0, min_inclusive=False)
    lam = omega**2 / t
    inside = (lam > 0) & (lam < 8) & (lam != 4)
    m = np.where(inside, 1.0 - (lam - 4.0) ** 2 / 16.0, 0.0)
    rho = np.where(inside, ellipk(m) / (2.0 * np.pi**2), 0.0)
    return 2.0 * omega * rho / t
