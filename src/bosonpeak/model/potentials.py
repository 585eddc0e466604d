"""Pair potentials of particle systems, their pair terms and forces (2D and 3D).

``potential(name, **params)`` returns a ``PairPotential``:

* ``"kob-andersen"``: the Kob-Andersen 80:20 binary Lennard-Jones mixture, types 1 (A) and 2 (B):
  eps_AA = 1, sigma_AA = 1, eps_AB = 1.5, sigma_AB = 0.8, eps_BB = 0.5, sigma_BB = 0.88, cut at
  ``2.5 sigma_ab`` and force-shifted, ``V_sf(r) = V(r) - V(r_c) - (r - r_c) V'(r_c)`` (LAMMPS
  ``lj/smooth/linear``), so that V and V' vanish at the cut-off;
* ``"lj"``: ``4 eps ((sigma / r)**12 - (sigma / r)**6)`` with per-type-pair ``eps``, ``sigma``,
  ``cutoff`` (in units of sigma, default 2.5) and ``shift`` (``"force"``, ``"energy"`` or ``"none"``);
* ``"harmonic"``: soft spheres ``(eps / 2) (1 - r / d_ij)**2`` for ``r < d_ij = (d_i + d_j) / 2``;
* ``"hertzian"``: ``(eps / 2.5) (1 - r / d_ij)**2.5``;
* ``"ipl"``: inverse power law ``eps (s / r)**n`` (``n`` default 12), ``s = d_ij`` from the
  diameters or per-type ``sigma``, cut at ``cutoff`` s (default 1.5), shifted as ``shift``.

Per-pair parameters are a number (every pair), a ``{(a, b): value}`` mapping over type ids, or a
symmetric (T, T) array; soft spheres take their diameters from the particles or from
``diameters={type: d}``. Units are those of the parameters (LJ units for Kob-Andersen).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _checks
from .particles import Particles

NAMES = ("kob-andersen", "lj", "harmonic", "hertzian", "ipl")
SHIFTS = ("force", "energy", "none")
_KIND = {"lj": 1, "harmonic": 0, "hertzian": 0, "ipl": 2, "kob-andersen": 1}
_KA_EPS = np.array([[1.0, 1.5], [1.5, 0.5]])
_KA_SIGMA = np.array([[1.0, 0.8], [0.8, 0.88]])


@dataclass(frozen=True, eq=False)
class PairPotential:
    """A radial pair potential with per-type-pair parameters (built by ``potential``).

    ``eps``, ``sigma``, ``cutoff`` are (T, T) tables over type ids 1..T (T = 0: one value for
    every pair, stored as (1, 1)); ``cutoff`` is in units of sigma. ``use_diameters``: sigma of a
    pair is ``(d_i + d_j) / 2``, from ``diameters`` (type -> d) when given, else the particles'.
    """

    name: str
    kind: int
    alpha: float
    eps: np.ndarray
    sigma: np.ndarray
    cutoff: np.ndarray
    shift: str
    use_diameters: bool
    diameters: dict | None = None
    params: dict = field(default_factory=dict)

    def tables(self, p: Particles):
        """``(types0, diam, eps_t, sig_t, cut_t)`` for the kernels: 0-based types (N,),
        diameters (N,) and (T, T) tables covering the particles' types; raises naming the problem."""
        t_max = int(p.types.max())
        tables = []
        for name, a in (("eps", self.eps), ("sigma", self.sigma), ("cutoff", self.cutoff)):
            if a.shape[0] > 1 and t_max > a.shape[0]:
                raise _checks.ParameterError(f"{p.where()}potential '{self.name}' has '{name}' for types 1..{a.shape[0]}; "
                                             f"got type {t_max}")
            full = np.full((t_max, t_max), a[0, 0]) if a.shape[0] == 1 else a[:t_max, :t_max]
            tables.append(np.ascontiguousarray(full, dtype=float))
        eps, sig, cut = tables
        diam = np.zeros(p.n)
        if self.use_diameters:
            if self.diameters is not None:
                missing = sorted(set(np.unique(p.types).tolist()) - set(self.diameters))
                if missing:
                    raise _checks.ParameterError(f"{p.where()}potential '{self.name}': no diameter for type(s) {missing}; "
                                                 f"got diameters for {sorted(self.diameters)}")
                lookup = np.zeros(t_max + 1)
                for t, v in self.diameters.items():
                    if t <= t_max:
                        lookup[t] = v
                diam = lookup[p.types]
            elif p.diameters is None:
                raise _checks.ParameterError(f"{p.where()}potential '{self.name}' needs diameters: the file has none; "
                                             "give diameters={type: d} (CLI: --diameters TYPE:D,...)")
            else:
                diam = np.asarray(p.diameters, dtype=float)
        return np.ascontiguousarray(p.types - 1), diam, eps, sig, cut

    def max_cutoff(self, p: Particles) -> float:
        """The largest interaction range of any pair in ``p``."""
        types0, diam, _, sig, cut = self.tables(p)
        if self.use_diameters:
            return float(cut.max() * diam.max())
        present = np.unique(types0)
        return float((cut * sig)[np.ix_(present, present)].max())


def potential(name: str, **params) -> PairPotential:
    """A pair potential by name (see the module docstring for the formulas and parameters).

    Examples
    --------
    >>> from bosonpeak.model.potentials import potential
    >>> ka = potential("kob-andersen")
    >>> ka.eps.tolist(), ka.sigma.tolist(), ka.shift
    ([[1.0, 1.5], [1.5, 0.5]], [[1.0, 0.8], [0.8, 0.88]], 'force')
    >>> potential("harmonic", diameters={1: 1.0, 2: 1.4}).diameters
    {1: 1.0, 2: 1.4}
    """
    name = _checks.choice("potential", name, NAMES)
    allowed = {"kob-andersen": (), "lj": ("eps", "sigma", "cutoff", "shift"), "harmonic": ("eps", "diameters"),
               "hertzian": ("eps", "diameters"), "ipl": ("eps", "n", "sigma", "cutoff", "shift", "diameters")}[name]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise _checks.ParameterError(f"potential '{name}' takes {', '.join(map(repr, allowed)) or 'no parameters'}; "
                                     f"got {', '.join(map(repr, unknown))}")
    one = np.ones((1, 1))
    if name == "kob-andersen":
        return PairPotential(name, 1, 0.0, _KA_EPS.copy(), _KA_SIGMA.copy(), np.full((2, 2), 2.5), "force", False)
    eps = _table("eps", params.get("eps", 1.0))
    diameters = _diameters(params.get("diameters"))
    if name in ("harmonic", "hertzian"):
        alpha = 2.0 if name == "harmonic" else 2.5
        return PairPotential(name, 0, alpha, eps, one, one, "none", True, diameters, dict(params))
    shift = _checks.choice("shift", params.get("shift", "force"), SHIFTS)
    if name == "lj":
        sigma, cut = _table("sigma", params.get("sigma", 1.0)), _table("cutoff", params.get("cutoff", 2.5))
        return PairPotential(name, 1, 0.0, eps, sigma, cut, shift, False, None, dict(params))
    n = _checks.real("n", params.get("n", 12.0), minimum=0.0, min_inclusive=False)
    cut = _table("cutoff", params.get("cutoff", 1.5))
    if params.get("sigma") is None:
        return PairPotential(name, 2, n, eps, one, cut, shift, True, diameters, dict(params))
    return PairPotential(name, 2, n, eps, _table("sigma", params["sigma"]), cut, shift, False, None, dict(params))


@dataclass(frozen=True, eq=False)
class PairTerms:
    """Every interacting pair once, ``i < j``, with its geometry and radial derivatives.

    Attributes: ``i``, ``j`` (E,) int64; ``rij`` (E, d) ``r_j - r_i`` under the minimum image;
    ``r`` (E,); ``V``, ``dV``, ``d2V`` (E,): ``V(r)``, ``V'(r)``, ``V''(r)`` of the shifted potential.
    """

    i: np.ndarray
    j: np.ndarray
    rij: np.ndarray
    r: np.ndarray
    dV: np.ndarray
    d2V: np.ndarray
    V: np.ndarray


def pair_terms(p: Particles, pot: PairPotential) -> PairTerms:
    """The interacting pairs of ``p`` (``r < r_c``), each once with ``i < j``, sorted.

    Raises a one-line error naming ``p.source`` when the box is too small for the cut-off
    (minimum image) or two particles overlap.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.model.particles import particles
    >>> from bosonpeak.model.potentials import pair_terms, potential
    >>> p = particles([[0.0, 0.0], [0.9, 0.0], [2.5, 2.5]], [5.0, 5.0], diameters=[1.0, 1.0, 1.0])
    >>> t = pair_terms(p, potential("harmonic"))
    >>> t.i.tolist(), t.j.tolist(), np.round(t.dV, 3).tolist(), np.round(t.d2V, 3).tolist()
    ([0], [1], [-0.1], [1.0])
    """
    from . import _pairs

    i, j, d, setup = _pairs.half_pairs(p, pot)
    rij = np.ascontiguousarray(d[:, :p.dim])
    r = np.sqrt(np.einsum("ij,ij->i", rij, rij))
    vals = _pairs.values(setup, i, j, r)
    return PairTerms(i=i, j=j, rij=rij, r=r, dV=vals[:, 1], d2V=vals[:, 2], V=vals[:, 0])


def energy_forces(p: Particles, pot: PairPotential) -> tuple[float, np.ndarray]:
    """Total energy ``U`` and forces ``F = -dU/dx``, shape (N, d).

    Examples
    --------
    >>> from bosonpeak.model.particles import particles
    >>> from bosonpeak.model.potentials import energy_forces, potential
    >>> p = particles([[0.0, 0.0], [0.9, 0.0]], [5.0, 5.0], diameters=[1.0, 1.0])
    >>> U, F = energy_forces(p, potential("harmonic"))
    >>> round(U, 6), F.round(6).tolist()
    (0.005, [[-0.1, 0.0], [0.1, 0.0]])
    """
    t = pair_terms(p, pot)
    g = (t.dV / t.r)[:, None] * t.rij  # force on i; minus it on j
    f = np.zeros((p.n, p.dim))
    for a in range(p.dim):
        f[:, a] = np.bincount(t.i, g[:, a], minlength=p.n) - np.bincount(t.j, g[:, a], minlength=p.n)
    return float(t.V.sum()), f


def _table(name, value) -> np.ndarray:
    """A symmetric (T, T) table from a number, a ``{(a, b): v}`` mapping or an array."""
    if isinstance(value, dict):
        keys = list(value)
        if not all(isinstance(k, tuple) and len(k) == 2 and all(isinstance(t, (int, np.integer)) and t >= 1 for t in k)
                   for k in keys):
            raise _checks.ParameterError(f"'{name}' keys must be pairs of type ids >= 1; got {keys!r}")
        size = max(max(k) for k in keys)
        out = np.full((size, size), np.nan)
        for (a, b), v in value.items():
            out[a - 1, b - 1] = out[b - 1, a - 1] = _checks.real(f"{name}[{a}, {b}]", v)
        if np.isnan(out).any():
            a, b = np.argwhere(np.isnan(out))[0] + 1
            raise _checks.ParameterError(f"'{name}' has no value for the type pair ({a}, {b})")
    elif np.ndim(value) == 0:
        out = np.full((1, 1), _checks.real(name, value))
    else:
        out = np.array(value, dtype=float)
        if out.ndim != 2 or out.shape[0] != out.shape[1] or not np.allclose(out, out.T):
            raise _checks.ParameterError(f"'{name}' must be a number, a {{(a, b): value}} mapping or a symmetric (T, T) "
                                         f"array; got shape {out.shape}")
    if not (np.isfinite(out).all() and (out > 0).all()):
        raise _checks.ParameterError(f"'{name}' must be positive and finite; got {out.tolist()}")
    return out


def _diameters(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise _checks.ParameterTypeError(f"'diameters' must be a {{type: diameter}} mapping; got {value!r}")
    out = {}
    for t, v in value.items():
        out[_checks.integer("diameters type", t, minimum=1)] = _checks.real(f"diameters[{t}]", v, minimum=0.0,
                                                                           min_inclusive=False)
    return out
