"""The theory curve of one disorder family of ``bosonpeak disorder``, by name and strength.

``springs-uniform``, ``springs-lognormal``, ``springs-power`` and ``dilution`` have i.i.d.
springs on the square lattice's bonds: single-bond CPA (``cpa.bond_cpa``). ``paper`` is the
paper's perturbed lattice (cut-off rule, springs ``1/r``) whose disorder sits on the nodes:
node (star) CPA (``node.node_cpa``) over Monte Carlo stars of ``delta``. ``diagonals`` (a
fraction ``x`` of the diagonals added) and ``rewired`` (a fraction ``p`` of the bonds moved
to diagonals) have bonds beyond the square lattice's: node CPA over their exact stars.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from .cpa import bond_cpa
from .curve import TheoryCurve, peak_of_reduced
from .distributions import BOND_FAMILIES, spring_distribution

#: Every family with a theory curve.
FAMILIES = BOND_FAMILIES + ("diagonals", "rewired", "paper")
#: ``theory_arrays`` stops here (NaN above): twice the crystal's band top covers every Boson-peak window.
THEORY_OMEGA_MAX = 6.0
#: Default frequency grid of a theory curve.
DEFAULT_OMEGA = np.linspace(0.0, 3.0, 301)


def theory_curve(family: str, strength: float, omega=None, *, omega_max: float = 1.5, on_failure: str = "raise", rng=0) -> TheoryCurve:
    """Effective-medium ``k_eff``, ``g``, ``g/omega``, ``c^2``, ``omega_BP`` of one disorder family.

    Parameters
    ----------
    family : {"springs-uniform", "springs-lognormal", "springs-power", "dilution", "diagonals", "rewired", "paper"}
    strength : float
        ``w``, ``s``, ``alpha``, ``p`` (see ``spring_distribution``), ``x`` or ``p`` in
        ``[0, 1]``, or ``delta`` (``paper``: ``0 <= delta < 1/3``, no bonds beyond the diagonals).
    omega : array_like, optional
        Strictly increasing frequencies ``>= 0``; default 301 points on ``[0, 3]``.
    omega_max : float
        Upper end of the Boson-peak window (as ``bosonpeak.boson_peak``).
    on_failure : {"raise", "truncate"}
        See ``bond_cpa``.
    rng : int, SeedSequence or Generator
        For the Monte Carlo stars of ``paper`` (fixed by default, so the curve is reproducible).

    Returns
    -------
    TheoryCurve
        ``c2`` is ``k_eff(0)``; ``omega_bp`` is None without an interior maximum of ``g/omega``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> curve = bosonpeak.theory_curve("dilution", 0.3, np.linspace(0, 3, 301))
    >>> round(curve.c2, 12), round(curve.omega_bp, 2)
    (0.4, 0.4)
    """
    family = _checks.choice("family", family, FAMILIES)
    omega = DEFAULT_OMEGA if omega is None else omega
    if family == "paper":
        from .node import node_cpa, paper_stars

        delta = _checks.real("strength", strength, minimum=0.0, maximum=1.0 / 3.0, max_inclusive=False)
        return node_cpa(paper_stars(delta, rng=rng), omega, omega_max=omega_max, on_failure=on_failure)
    if family in ("diagonals", "rewired"):
        from .node import lattice_stars, node_cpa

        x = _checks.real("strength", strength, minimum=0.0, maximum=1.0)
        stars = lattice_stars(x if family == "rewired" else 0.0, x)
        return node_cpa(stars, omega, omega_max=omega_max, on_failure=on_failure)
    return bond_cpa(spring_distribution(family, strength), omega, omega_max=omega_max, on_failure=on_failure)


def theory_arrays(family: str, strength: float, omega, *, omega_max: float = 1.5, window_in_c: bool = False) -> dict:
    """The theory of one family as plain arrays, NaN where it has no answer.

    For ``workflows.disorder.add_theory``: ``dos``, ``reduced``, ``k_eff_real``, ``k_eff_imag``
    on ``omega``, and the scalars ``c2`` (``k_eff(0)``) and ``omega_bp`` (NaN without a peak).
    A strength outside the theory's range (``paper`` with ``delta >= 1/3``, a floppy medium)
    gives NaN everywhere rather than an error, so that a scan keeps its other points; the
    curve stops (NaN) above ``THEORY_OMEGA_MAX`` and from a frequency where the
    self-consistency fails (``on_failure="truncate"``). The Boson-peak window ends at
    ``omega_max``, or at ``omega_max`` times the theory's own ``c`` with ``window_in_c``
    (as ``bosonpeak disorder`` does for the networks).

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.theory import theory_arrays
    >>> t = theory_arrays("dilution", 0.6, np.linspace(0.025, 3, 60))   # floppy: no theory
    >>> bool(np.isnan(t["c2"])), bool(np.isnan(t["dos"]).all())
    (True, True)
    >>> round(float(theory_arrays("dilution", 0.2, [0.5, 1.0])["c2"]), 12)
    0.6
    """
    omega = _checks.increasing_edges("omega", omega)
    nan = np.full(omega.shape, np.nan)
    out = dict(dos=nan, reduced=nan.copy(), k_eff_real=nan.copy(), k_eff_imag=nan.copy(), c2=np.nan, omega_bp=np.nan)
    below = omega <= THEORY_OMEGA_MAX
    if np.count_nonzero(below) < 2:
        return out
    try:
        curve = theory_curve(family, strength, omega[below], on_failure="truncate")
    except _checks.ParameterError:
        return out
    for name, values in (("dos", curve.dos), ("reduced", curve.reduced), ("k_eff_real", curve.k_eff.real), ("k_eff_imag", curve.k_eff.imag)):
        out[name] = np.where(below, np.pad(values, (0, omega.size - values.size), constant_values=np.nan), np.nan)
    top = omega_max * np.sqrt(curve.c2) if window_in_c else omega_max
    peak = peak_of_reduced(curve.omega, curve.reduced, top)
    out["c2"] = curve.c2
    out["omega_bp"] = np.nan if peak is None else peak
    return out
