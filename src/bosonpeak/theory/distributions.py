"""Spring-constant distributions P(k) for the effective-medium theories, as weighted atoms.

A continuous P(k) is stored as a quadrature rule (values ``k_i``, weights ``w_i``, sum 1),
so that any average ``<f(k)>`` is ``sum_i w_i f(k_i)``; a finite weight at ``k = 0``
(dilution) is simply an atom there. The families carry the names of ``bosonpeak disorder``,
all with mean spring 1:

* ``springs-uniform`` ``w``: uniform on ``[1 - w, 1 + w]``, ``0 <= w <= 1``;
* ``springs-lognormal`` ``s``: ``k = exp(s xi - s^2 / 2)``, ``xi`` standard normal;
* ``springs-power`` ``alpha``: ``k = (1 + alpha) u^alpha``, ``u`` uniform on ``(0, 1)``;
* ``dilution`` ``p``: ``k = 0`` with probability ``p``, else ``k = 1``.

This module only describes P(k) for the theory; the networks are built in ``bosonpeak.model``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks

#: Families with a bond-CPA description (i.i.d. springs on the square lattice's bonds).
BOND_FAMILIES = ("springs-uniform", "springs-lognormal", "springs-power", "dilution")
#: Default number of quadrature nodes for a continuous distribution.
QUADRATURE_NODES = 96


@dataclass(frozen=True, eq=False)
class SpringDistribution:
    """A distribution of spring constants as weighted atoms.

    Attributes
    ----------
    values : ndarray, shape (A,)
        Spring constants ``k_i >= 0``.
    weights : ndarray, shape (A,)
        Probabilities ``w_i > 0``, summing to 1.
    name : str
        Family and strength, for labels.
    """

    values: np.ndarray
    weights: np.ndarray
    name: str = "custom"

    def __post_init__(self):
        for attr in ("values", "weights"):
            getattr(self, attr).setflags(write=False)

    @property
    def mean(self) -> float:
        """Mean spring constant ``<k>``."""
        return float(self.weights @ self.values)

    @property
    def weight_at_zero(self) -> float:
        """Probability of a missing bond, ``P(k = 0)``."""
        return float(self.weights[self.values == 0].sum())

    def average(self, f) -> np.ndarray:
        """``<f(k)>`` for a vectorised ``f``."""
        return self.weights @ f(self.values)


def atoms(values, weights=None, *, name: str = "custom") -> SpringDistribution:
    """A spring distribution from atoms (or from samples, with equal weights).

    Parameters
    ----------
    values : array_like, shape (A,)
        Spring constants, finite and ``>= 0``, not all zero.
    weights : array_like, shape (A,), optional
        Non-negative weights (normalised here); default equal weights, so that the spring
        constants of a network, ``atoms(net.stiffness)``, give their empirical distribution.
    name : str
        Label.

    Examples
    --------
    >>> from bosonpeak.theory import atoms
    >>> d = atoms([0.0, 1.0], [0.2, 0.8])
    >>> d.mean, d.weight_at_zero
    (0.8, 0.2)
    """
    k = np.asarray(values, dtype=float).ravel()
    w = np.full(k.size, 1.0) if weights is None else np.asarray(weights, dtype=float).ravel()
    if k.size == 0 or w.shape != k.shape:
        raise _checks.ParameterError(f"'values' and 'weights' must be non-empty and of one length; got {k.size} and {w.size}")
    if not (np.all(np.isfinite(k)) and np.all(k >= 0) and np.any(k > 0)):
        raise _checks.ParameterError("'values' must be finite spring constants >= 0, not all zero")
    if not (np.all(np.isfinite(w)) and np.all(w >= 0) and w.sum() > 0):
        raise _checks.ParameterError("'weights' must be finite, >= 0 and not all zero")
    keep = w > 0
    return SpringDistribution(k[keep], w[keep] / w.sum(), name)


def spring_distribution(family: str, strength: float, *, nodes: int = QUADRATURE_NODES) -> SpringDistribution:
    """P(k) of one disorder family of ``bosonpeak disorder`` (mean spring 1).

    Parameters
    ----------
    family : {"springs-uniform", "springs-lognormal", "springs-power", "dilution"}
    strength : float
        ``w`` in ``[0, 1]``, ``s >= 0``, ``alpha >= 0`` or ``p`` in ``[0, 1)``.
    nodes : int
        Gauss quadrature nodes for the continuous families (>= 8).

    Returns
    -------
    SpringDistribution

    Examples
    --------
    >>> from bosonpeak.theory import spring_distribution
    >>> d = spring_distribution("springs-uniform", 0.5)
    >>> round(d.mean, 12), round(float(d.average(lambda k: (k - 1) ** 2)), 12)   # variance w^2 / 3
    (1.0, 0.083333333333)
    >>> spring_distribution("dilution", 0.1).weight_at_zero
    0.1
    """
    family = _checks.choice("family", family, BOND_FAMILIES)
    nodes = _checks.integer("nodes", nodes, minimum=8)
    label = f"{family} {strength:g}" if isinstance(strength, (int, float)) else family
    if family == "dilution":
        p = _checks.real("strength", strength, minimum=0.0, maximum=1.0, max_inclusive=False)
        return atoms([0.0, 1.0], [p, 1.0 - p], name=label)
    if family == "springs-uniform":
        w = _checks.real("strength", strength, minimum=0.0, maximum=1.0)
        x, wt = np.polynomial.legendre.leggauss(nodes)
        return atoms(1.0 + w * x, wt, name=label)
    if family == "springs-lognormal":
        s = _checks.real("strength", strength, minimum=0.0, maximum=5.0)
        x, wt = np.polynomial.hermite_e.hermegauss(nodes)
        return atoms(np.exp(s * x - 0.5 * s * s), wt, name=label)
    alpha = _checks.real("strength", strength, minimum=0.0, maximum=50.0)
    # k = (1 + alpha) u^alpha: Gauss-Legendre in t = u^(1/2) (dt-weight 2t) resolves the small-k end.
    x, wt = np.polynomial.legendre.leggauss(nodes)
    t = 0.5 * (x + 1.0)
    return atoms((1.0 + alpha) * t ** (2.0 * alpha), wt * t, name=label)
