"""Local DOS averaged over the nodes of each coordination number ``z``.

The paper's toy model asks whether nodes with ``z != 4`` carry the Boson peak. This answers
it on whole networks: the local DOS per unit omega, ``g_i(omega) = -(2 omega / pi) Im G_ii``
(``greens.local_dos``, convention ``"omega"``), averaged over every node with ``z`` springs.
The average over all nodes is the DOS itself, so each class's ``g_z / omega`` compares
directly with the Debye level.

Engines are registered by name, like the DOS engines: ``"dense"`` (exact diagonalisation,
small networks) and ``"kpm"`` (``kpm.kpm_local_dos``, any size; options ``resolution``
in omega, ``vectors``, ...) are built in; another engine plugs in with
``register_engine(name, engine)``, ``engine(H, omega, groups, *, rng, **options) -> (G, W)``
array, the mean local DOS per unit omega over the node indices of each group.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import _checks
from .dynamical import dynamical_matrix
from .greens import local_dos
from .lattice import SpringNetwork

_ENGINES: dict[str, Callable] = {}


def register_engine(name: str, engine: Callable) -> None:
    """Make ``engine(H, omega, groups, *, rng, **options) -> (G, W) array`` available as
    ``local_dos_by_coordination(..., method=name)``."""
    _ENGINES[name] = engine


def local_dos_by_coordination(net: SpringNetwork, omega, *, z=None, method: str = "dense", rng=None, **options):
    """Mean local DOS per unit omega of the nodes with each coordination number.

    Parameters
    ----------
    net : SpringNetwork
    omega : array_like, shape (W,)
        Frequencies, >= 0.
    z : array_like of int, optional
        Coordination numbers to report; default every ``z`` present.
    method : str
        Local-DOS engine: ``"dense"`` (``greens.local_dos``, N <= 8000; option ``eps``, the
        broadening in ``omega**2``, default 0.01), ``"kpm"`` (option ``resolution`` in omega,
        default 0.05) or a registered one.
    rng : int, SeedSequence or Generator, optional
        For stochastic engines.

    Returns
    -------
    z : ndarray of int, shape (Z,)
    ldos : ndarray, shape (Z, W)
        Mean ``g_i(omega)`` over the nodes of each ``z`` (nan where none has it).
    fraction : ndarray, shape (Z,)
        Fraction of nodes with each ``z``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.localdos import local_dos_by_coordination
    >>> z, g, f = local_dos_by_coordination(bosonpeak.network(10, 0.3, rng=1), np.linspace(0.1, 3, 30))
    >>> g.shape == (len(z), 30), round(float(f.sum()), 12)
    (True, 1.0)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    method = _checks.choice("method", method, _ENGINES)
    omega = np.atleast_1d(np.asarray(omega, dtype=float))
    coordination = net.coordination
    z = np.unique(coordination) if z is None else np.asarray([_checks.integer("z", int(v), minimum=0) for v in np.atleast_1d(z)])
    groups = [np.flatnonzero(coordination == v) for v in z]
    present = [g for g in groups if g.size]
    values = _ENGINES[method](dynamical_matrix(net), omega, present, rng=rng, **options) if present else np.zeros((0, omega.size))
    out = np.full((len(z), omega.size), np.nan)
    out[[i for i, g in enumerate(groups) if g.size]] = values
    fraction = np.array([g.size for g in groups]) / net.n_nodes
    return z, out, fraction


def _dense_engine(H, omega, groups, *, rng=None, eps: float = 0.01):
    g = local_dos(H, omega, eps=eps, convention="omega")  # (W, N)
    return np.stack([g[:, idx].mean(axis=1) for idx in groups])


def _kpm_engine(H, omega, groups, *, rng=None, resolution: float = 0.05, **options):
    """KPM local DOS (``kpm.kpm_local_dos``) on bins centred on ``omega``, read at ``omega``."""
    from .kpm import kpm_local_dos

    step = float(np.min(np.diff(omega))) if omega.size > 1 else resolution
    lo = max(float(omega[0]) - step / 2, 0.0)
    edges = np.arange(lo, float(omega[-1]) + step, step)
    parts = kpm_local_dos(H, list(groups), edges, rng=rng, resolution=resolution, **options)
    return np.stack([np.interp(omega, p.centres, p.density) for p in parts])


register_engine("dense", _dense_engine)
register_engine("kpm", _kpm_engine)
