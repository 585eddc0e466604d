"""Single-bond coherent-potential approximation (CPA) for scalar spring networks.

Every bond of a lattice (coordination ``z``) carries an independent spring ``k`` drawn from
P(k). The CPA replaces them by one complex, frequency-dependent spring ``k_m(omega)`` chosen
so that a single true bond embedded in the medium scatters nothing on average:

    < (k - k_m) / ((1 - phi) k_m + phi k) > = 0,    phi(s) = (2/z) (1 - s G_00(s)),  s = omega^2 / k_m,

with ``G_00`` the local Green's function of the unit-spring lattice (``lattice_green``).
At ``omega = 0``, ``phi = 2/z`` and the condition is Kirkpatrick's static effective-medium
theory, ``<(k_m - k) / (k + (z/2 - 1) k_m)> = 0``; for dilution ``k_m = (p_present - 2/z) /
(1 - 2/z)``, ``1 - 2p`` on the square lattice. The medium's DOS per mode is
``g(omega) = -(2 omega / pi) Im G_00(s) / k_m`` and its Debye level ``1 / (2 pi k_m(0))``.
The derivation is in ``docs/theory.md``.

References
----------
Kirkpatrick, Rev. Mod. Phys. 45, 574 (1973); Webman, PRL 47, 1496 (1981); Schirmacher,
Diezemann & Ganter, PRL 81, 136 (1998); Koehler, Ruocco & Schirmacher, PRB 88, 064203 (2013).
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from .curve import TheoryCurve, peak_of_reduced
from .distributions import SpringDistribution
from .lattice_green import Lattice, square_lattice

#: Relative change of k_m that ends the iteration at one frequency.
TOLERANCE = 1e-12
#: Secant iterations allowed at one frequency before the step is split.
MAX_ITERATIONS = 60
#: Halvings of a frequency step allowed before giving up.
MAX_SPLITS = 12
#: Relative imaginary offsets of the guess tried when the previous root does not continue (band edges).
ROOT_TILTS = (1e-3, 1e-2, 0.1, 0.5)
#: What a failed frequency does: raise ``CPAConvergenceError``, or end the curve there (NaN above).
ON_FAILURE = ("raise", "truncate")


class CPAConvergenceError(RuntimeError):
    """The CPA self-consistency found no solution at some frequency."""


def effective_medium(distribution: SpringDistribution, z: int = 4) -> float:
    """Kirkpatrick's static effective spring ``k_m`` (the CPA at ``omega = 0``).

    Solves ``< (k - k_m) / ((1 - 2/z) k_m + (2/z) k) > = 0``; returns 0 where the medium is
    floppy (for dilution: ``p_present <= 2/z``). On the square lattice ``c^2 = k_m``.

    Parameters
    ----------
    distribution : SpringDistribution
    z : int
        Coordination of the lattice (>= 2; ``z = 2`` is the chain, where ``k_m`` is the harmonic mean).

    Returns
    -------
    float

    Examples
    --------
    >>> from bosonpeak.theory import effective_medium, spring_distribution
    >>> round(effective_medium(spring_distribution("dilution", 0.2)), 12)   # 1 - 2p
    0.6
    >>> round(effective_medium(spring_distribution("springs-lognormal", 0.8)), 12)  # duality: exp(-s^2/2)
    0.726149037074
    """
    from scipy.optimize import brentq

    _check_distribution(distribution)
    z = _checks.integer("z", z, minimum=2)
    k, w, phi = distribution.values, distribution.weights, 2.0 / z

    def residual(x):
        return float(w @ ((k - x) / ((1.0 - phi) * x + phi * k)))

    # The residual falls monotonically in k_m; the root lies between the harmonic and arithmetic
    # means (Reuss and Voigt bounds). Rigid iff the residual at k_m -> 0+ is positive.
    w0 = float(w[k == 0].sum())
    if w0 > 0 and (phi == 1.0 or (1.0 - w0) / phi - w0 / (1.0 - phi) <= 0.0):  # z = 2: one missing bond cuts the chain
        return 0.0
    hi = float(w @ k)
    if residual(hi) >= 0.0:  # a single spring value
        return hi
    lo = 0.5 * hi
    while residual(lo) <= 0.0:
        lo *= 0.5
    return float(brentq(residual, lo, hi, xtol=1e-16 * hi, rtol=1e-15, maxiter=500))


def kirkpatrick_dilution(p: float, z: int = 4) -> float:
    """Closed-form EMT for bond dilution: ``k_m = max(0, (1 - p - 2/z) / (1 - 2/z))``.

    Examples
    --------
    >>> from bosonpeak.theory import kirkpatrick_dilution
    >>> kirkpatrick_dilution(0.1), kirkpatrick_dilution(0.6)
    (0.8, 0.0)
    """
    p = _checks.real("p", p, minimum=0.0, maximum=1.0)
    z = _checks.integer("z", z, minimum=3)
    return max(0.0, (1.0 - p - 2.0 / z) / (1.0 - 2.0 / z))


def bond_cpa(distribution: SpringDistribution, omega, *, lattice: Lattice | None = None, omega_max: float = 1.5,
             on_failure: str = "raise") -> TheoryCurve:
    """Solve the single-bond CPA on a grid of frequencies: ``k_m(omega)``, ``g(omega)``, ``g/omega``.

    The solution is continued upwards in omega from Kirkpatrick's static ``k_m(0)``: each
    frequency starts from the previous solution and is solved by the secant method; a step
    that does not converge is halved (up to ``MAX_SPLITS`` times) before ``CPAConvergenceError``.

    Parameters
    ----------
    distribution : SpringDistribution
        P(k), e.g. ``spring_distribution("springs-uniform", 0.5)``.
    omega : array_like, shape (F,)
        Strictly increasing frequencies ``>= 0``.
    lattice : Lattice, optional
        Default ``square_lattice()``.
    omega_max : float
        Upper end of the window searched for the Boson peak (as ``bosonpeak.boson_peak``).
    on_failure : {"raise", "truncate"}
        At a frequency where no causal root is found: raise, or end the curve there (NaN from
        that frequency on, ``info["failed_at"]``). Very broad P(k) discretised into atoms (log-normal
        ``s >~ 2.5``) open artificial gaps between the atoms' bands, where this can happen.

    Returns
    -------
    TheoryCurve
        ``k_eff`` complex (``Im k_eff <= 0``), ``dos``, ``reduced``, ``c2 = k_eff(0)``,
        ``debye_level``, ``omega_bp`` (None without an interior maximum of ``g/omega``).

    Raises
    ------
    ParameterError
        If the static medium is floppy (no rigid CPA medium).
    CPAConvergenceError
        If the self-consistency fails at some frequency.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.theory import bond_cpa, spring_distribution
    >>> curve = bond_cpa(spring_distribution("springs-uniform", 0.5), np.linspace(0, 3, 61))
    >>> round(curve.c2, 6), bool(np.all(curve.k_eff.imag < 1e-12)), round(float(np.trapezoid(curve.dos, curve.omega)), 3)
    (0.956642, True, 1.0)
    """
    _check_distribution(distribution)
    lattice = square_lattice() if lattice is None else lattice
    if not isinstance(lattice, Lattice):
        raise _checks.ParameterTypeError(f"'lattice' must be a bosonpeak.theory.Lattice; got {type(lattice).__name__}")
    omega = _checks.increasing_edges("omega", omega)
    omega_max = _checks.real("omega_max", omega_max, minimum=0.0, min_inclusive=False)
    c2 = effective_medium(distribution, lattice.z)
    if c2 <= 0.0:
        raise _checks.ParameterError(
            f"the static effective medium of {distribution.name!r} is floppy (k_m(0) = 0 on the {lattice.name} lattice, "
            f"z = {lattice.z}); the bond CPA needs a rigid medium")
    solver = _BondResidual(distribution, lattice)
    k_eff, info = _continue(solver, omega, c2, "bond CPA", seed=solver.fixed_point, on_failure=on_failure)
    return _curve(omega, k_eff, c2, lattice, omega_max, f"bond CPA, {distribution.name}", info)


def _check_omega(omega):
    return _checks.increasing_edges("omega", omega)


def _continue(residual, omega, c2, label, seed=None, on_failure="raise"):
    """``k_m`` on every frequency, continued upwards from the static ``c2``; with ``on_failure="truncate"``
    the frequencies from the first failure on are NaN and ``info["failed_at"]`` names it."""
    on_failure = _checks.choice("on_failure", on_failure, ON_FAILURE)
    solver = _Solver(residual, label, seed)
    k_eff = np.full(omega.size, np.nan, dtype=complex)
    iterations, failed_at = 0, None
    prev_w, prev_x = 0.0, complex(c2)
    for i, w in enumerate(omega):
        if w == 0.0:
            k_eff[i] = c2
            continue
        try:
            prev_x, n = solver.continue_to(prev_w, prev_x, w)
        except CPAConvergenceError:
            if on_failure == "raise":
                raise
            failed_at = float(w)
            break
        prev_w = w
        k_eff[i] = prev_x
        iterations += n
    return k_eff, dict(iterations=iterations, max_residual=solver.max_residual, failed_at=failed_at)


def _curve(omega, k_eff, c2, lattice, omega_max, theory, info) -> TheoryCurve:
    dos = np.full(omega.size, np.nan)
    dos[omega == 0] = 0.0
    pos = (omega > 0) & np.isfinite(k_eff)
    s = omega[pos] ** 2 / k_eff[pos]
    dos[pos] = -(2.0 * omega[pos] / np.pi) * (_local_green(lattice, s) / k_eff[pos]).imag
    level = 1.0 / (2.0 * np.pi * c2)
    reduced = np.where(pos, dos / np.where(pos, omega, 1.0), level)
    return TheoryCurve(omega, k_eff, dos, reduced, c2, level, peak_of_reduced(omega, reduced, omega_max), theory, info)


def _local_green(lattice, s):
    """``G_00(s)`` on the physical sheet; ``s`` with a round-off negative imaginary part is put on
    the axis, and the crystal's singular points (0, the van Hove point 4) are moved off by ``1e-12 i``."""
    s = np.asarray(s, dtype=complex)
    s = np.where(s.imag < 0, s.real + 0j, s)
    return lattice.green(np.where((s == 0) | (s == 4), s + 1e-12j, s))


class _BondResidual:
    """The single-bond CPA condition ``F(k_m)`` at one squared frequency."""

    def __init__(self, distribution, lattice):
        self.k, self.w = distribution.values, distribution.weights
        self.lattice, self.two_over_z = lattice, 2.0 / lattice.z

    def _denominator(self, x, z):
        s = z / x
        phi = self.two_over_z * (1.0 - s * complex(_local_green(self.lattice, s)))
        return (1.0 - phi) * x + phi * self.k

    def __call__(self, x, z):
        return complex(self.w @ ((self.k - x) / self._denominator(x, z)))

    def fixed_point(self, x, z):
        """``<k Q> / <Q>``, ``Q = 1 / denominator``: one step of the natural fixed-point map."""
        q = 1.0 / self._denominator(x, z)
        return complex((self.w * self.k) @ q / (self.w @ q))


class _Solver:
    """Secant solution of a CPA condition at one frequency, with step halving."""

    def __init__(self, residual, label, seed=None):
        self.residual, self.label, self.seed = residual, label, seed
        self.max_residual = 0.0

    def solve(self, guess, z):
        """Root near ``guess``; None if the secant iteration does not converge to a causal root."""
        x0 = complex(guess)
        f0 = self.residual(x0, z)
        x1 = self.seed(x0, z) if self.seed is not None else x0 * (1.0 + 1e-6)
        if x1 == x0:
            x1 = x0 * (1.0 + 1e-9)
        for n in range(1, MAX_ITERATIONS + 1):
            f1 = self.residual(x1, z)
            if f1 == f0 or not np.isfinite(f1):
                return (x1, n) if f1 == 0 else None
            x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
            if not np.isfinite(x2) or x2 == 0:
                return None
            if abs(x2 - x1) <= TOLERANCE * abs(x2):
                f2 = self.residual(x2, z)
                causal = (z / x2).imag >= -1e-9 * abs(z / x2)
                if abs(f2) > 1e-8 or not causal:
                    return None
                self.max_residual = max(self.max_residual, abs(f2))
                return x2, n
            x0, f0, x1 = x1, f1, x2
        return None

    def continue_to(self, w0, x0, w1):
        """Follow the root from ``(w0, x0)`` to ``w1``, halving steps that fail."""
        stack, total, splits = [w1], 0, 0
        while stack:
            target = stack[-1]
            z = complex(target * target)
            found = self.solve(x0, z)
            # At a band edge two roots meet and move off the real axis: look below it (Im k_m < 0).
            for tilt in ROOT_TILTS if found is None else ():
                found = self.solve(x0 * (1.0 - 1j * tilt), z)
                if found is not None:
                    break
            if found is None:
                splits += 1
                if splits > MAX_SPLITS * 8 or target - w0 < 2.0**-MAX_SPLITS * max(w1 - w0, 1e-300):
                    raise CPAConvergenceError(
                        f"{self.label} did not converge at omega = {target:.6g} (last solution k_m = {x0:.6g} at "
                        f"omega = {w0:.6g}); try a finer omega grid or a smoother P(k)")
                stack.append(0.5 * (w0 + target))
                continue
            x0, n = found
            total += n
            w0 = stack.pop()
        return x0, total


def _check_distribution(distribution):
    if not isinstance(distribution, SpringDistribution):
        raise _checks.ParameterTypeError(
            f"'distribution' must be a SpringDistribution (bosonpeak.theory.spring_distribution or atoms); "
            f"got {type(distribution).__name__}")
