"""Rigidity of central-force networks: floppy modes against the mean coordination, the
isostatic point, and the Boson-peak frequency against the distance from it.

Maxwell: ``d N`` degrees of freedom, ``E = N z / 2`` constraints, so at least
``d N - N z / 2`` zero modes; exactly ``N_0 = d N - E + S`` with ``S`` states of self-stress
(``bosonpeak.matrices.vector``). The network is rigid when ``N_0 = d`` (translations only),
which needs ``z >= 2 d`` (isostatic point). Above it, marginal-stability arguments (Wyart,
Nagel and Witten, EPL 72, 486 (2005)) predict an excess of modes above
``omega* ~ z - 2 d``: the Boson peak of the vector model moves down as the network
approaches isostaticity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _checks
from .._random import sample_streams, seed_sequences
from ..matrices.vector import maxwell_count
from ..model.lattice import network
from ..spectra.spectrum import dos
from ..spectra.vector import vector_zero_modes
from ..matrices.vector import vector_dynamical_matrix
from .debye import debye_level_nd, reduced_dos
from .vector_elasticity import elastic_tensor


def rigidity(net) -> dict:
    """Constraint counting and the exact zero modes of one network.

    Returns
    -------
    dict
        ``maxwell_count`` entries plus ``zero_modes`` (exact), ``floppy`` (``zero_modes - d``),
        ``self_stress`` (``zero_modes - (d N - E)``) and ``rigid`` (only translations).

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.analysis.rigidity import rigidity
    >>> r = rigidity(bosonpeak.network(6, 0.0, rule="nearest"))
    >>> r["zero_modes"], r["floppy"], r["self_stress"], r["rigid"]
    (12, 10, 12, False)
    """
    count = maxwell_count(net)
    n0 = vector_zero_modes(net)
    return {**count, "zero_modes": n0, "floppy": n0 - net.dim, "self_stress": n0 - count["maxwell_floppy"],
            "rigid": n0 == net.dim}


@dataclass(frozen=True, eq=False)
class RigidityScan:
    """Floppy modes of cut-off networks against their mean coordination.

    Attributes
    ----------
    cutoffs : ndarray, shape (C,)
    mean_z : ndarray, shape (C, S)
        Mean coordination of each network (S seeds).
    floppy_fraction : ndarray, shape (C, S)
        ``(N_0 - d) / (d N)``: non-trivial zero modes per degree of freedom.
    maxwell_fraction : ndarray, shape (C, S)
        Maxwell's lower bound on it, ``max(d N - E - d, 0) / (d N)``.
    dim : int
    """

    cutoffs: np.ndarray
    mean_z: np.ndarray
    floppy_fraction: np.ndarray
    maxwell_fraction: np.ndarray
    dim: int

    @property
    def rigidity_window(self) -> tuple[float, float]:
        """``(z_floppy, z_rigid)``: the largest seed-mean ``z`` with floppy modes left and the
        smallest one without; the rigidity transition lies between (Maxwell: ``2 d``)."""
        z, f = self.mean_z.mean(axis=1), self.floppy_fraction.mean(axis=1)
        floppy, rigid = z[f > 0], z[f <= 0]
        return (float(floppy.max()) if floppy.size else float("nan"), float(rigid.min()) if rigid.size else float("nan"))


def rigidity_scan(L: int, cutoffs, *, delta: float = 0.3, dim: int = 2, seeds: int = 1, spring: str = "inverse",
                  rng=None) -> RigidityScan:
    """Exact floppy-mode fraction of perturbed-lattice networks with each cut-off.

    Sample ``k`` uses child ``k`` of ``rng`` for every cut-off (the same node positions), so
    only the bonds change along a row.

    Examples
    --------
    >>> from bosonpeak.analysis.rigidity import rigidity_scan
    >>> s = rigidity_scan(6, [1.0, 1.3, 1.6], delta=0.3, rng=1)
    >>> bool(s.floppy_fraction[0, 0] >= s.maxwell_fraction[0, 0] > 0), float(s.floppy_fraction[-1, 0])
    (True, 0.0)
    >>> z_floppy, z_rigid = s.rigidity_window
    >>> bool(z_floppy < z_rigid)
    True
    """
    cutoffs = np.atleast_1d(np.asarray(cutoffs, dtype=float))
    children = seed_sequences(rng, seeds)
    shape = (len(cutoffs), len(children))
    z, floppy, maxwell = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    for s, child in enumerate(children):
        for c, r_c in enumerate(cutoffs):
            net = network(L, delta, cutoff=float(r_c), spring=spring, rng=sample_streams(child)[0], dim=dim)
            r = rigidity(net)
            z[c, s] = r["mean_z"]
            floppy[c, s] = r["floppy"] / r["dof"]
            maxwell[c, s] = max(r["maxwell_floppy"] - dim, 0) / r["dof"]
    return RigidityScan(cutoffs, z, floppy, maxwell, dim)


def boson_peak_scan(L: int, cutoffs, *, delta: float = 0.3, dim: int = 2, rng=None, bin_width: float = 0.05,
                    spring: str = "constant", window: float = 0.4) -> dict:
    """Boson-peak frequency of the vector model against ``z - 2 d`` for rigid cut-off networks.

    For each cut-off (one network, the same positions): the vector DOS (dense), the relaxed
    speeds and vector Debye level, and ``omega*`` = the maximum of ``g / omega**(d-1)`` above
    twice the transverse finite-size cut-off ``2 pi c_T / L`` and below ``window`` times the
    top of the spectrum (above it the reduced DOS of a well-connected network rises to the
    band's own van Hove peaks, which are no Boson peak). Floppy networks (no sound) are
    skipped (NaN).

    Returns
    -------
    dict of arrays, one entry per cut-off
        ``mean_z``, ``dz`` (``z - 2 d``), ``omega_star``, ``height`` (peak over the Debye level),
        ``c_L``, ``c_T``.

    Examples
    --------
    >>> from bosonpeak.analysis.rigidity import boson_peak_scan
    >>> s = boson_peak_scan(8, [1.6], delta=0.3, rng=1)
    >>> bool(s["dz"][0] > 0 and s["omega_star"][0] > 0)
    True
    """
    cutoffs = np.atleast_1d(np.asarray(cutoffs, dtype=float))
    bin_width = _checks.real("bin_width", bin_width, minimum=0.0, min_inclusive=False)
    window = _checks.real("window", window, minimum=0.0, maximum=1.0, min_inclusive=False)
    child = seed_sequences(rng, 1)[0]
    out = {k: np.full(len(cutoffs), np.nan) for k in ("mean_z", "dz", "omega_star", "height", "c_L", "c_T")}
    for c, r_c in enumerate(cutoffs):
        net = network(L, delta, cutoff=float(r_c), spring=spring, rng=sample_streams(child)[0], dim=dim)
        r = rigidity(net)
        out["mean_z"][c], out["dz"][c] = r["mean_z"], r["mean_z"] - 2 * dim
        if not r["rigid"]:
            continue
        e = elastic_tensor(net)
        K = vector_dynamical_matrix(net)
        top = np.sqrt(float(abs(K).sum(axis=1).max()))
        g = dos(K, bin_width * np.arange(int(np.ceil(top / bin_width)) + 1), zero_modes=False, n_zero=r["zero_modes"])
        level = debye_level_nd(dim, model="vector", c_L=e.c_L, c_T=e.c_T, n=e.density)
        red = reduced_dos(g, dim)
        sel = (g.centres > 2 * (2 * np.pi * e.c_T / net.box)) & (g.centres < window * top)
        k = int(np.argmax(np.where(sel, red, -np.inf)))
        out["omega_star"][c], out["height"][c] = g.centres[k], red[k] / level
        out["c_L"][c], out["c_T"][c] = e.c_L, e.c_T
    return out
