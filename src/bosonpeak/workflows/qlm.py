"""Quasi-localized modes of small glasses: the modes below the first phonon band, pooled.

``qlm_study`` makes ``samples`` glasses (SPEC 7 children of one root): jammed packings at a
target pressure (``glass="packing"``: random positions quenched instantaneously by FIRE, then
brought to the pressure) or Lerner's inverse-power-law glass cooled by molecular dynamics at
``quench_rate`` (``glass="ipl"``, ``model.quench``). For each it computes the relaxed shear modulus,
the first transverse band ``omega_1 = 2 pi c_T / L`` (``c_T = sqrt(G / rho)``, backbone mass
density), and by shift-invert Lanczos every mode below ``band_fraction * omega_1`` (the number of
modes asked for doubles until one lies above the cut-off), with its participation ratio.
``qlm_exponent`` fits ``D(omega) ~ omega^beta`` to the pooled modes by maximum likelihood, each
mode against its own sample's cut-off, with a bootstrap over samples
(``analysis.qlm.low_frequency_exponent``). A packing that cannot be brought to the pressure
(a small packing can unjam on decompression) is left out and counted.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from .._random import seed_sequences
from ..analysis.moduli import elastic_tensor
from ..analysis.jamming import isotropic_shear_modulus
from ..analysis.qlm import QLM_PARTICIPATION, first_band, low_frequency_exponent, lowest_vector_modes, split_modes
from ..matrices.particle_hessian import hessian
from ..model.jamming import POTENTIALS, jammed_packing
from ..model.quench import ipl_glass
from .jamming import map_children

#: Modes below this fraction of the first transverse band are fitted.
BAND_FRACTION = 0.5
#: Modes asked for first, per sample.
FIRST_K = 8
#: Lowest modes of the first sample kept for the map figure.
MAP_MODES = 2


#: Glasses ``qlm_study`` makes.
GLASSES = ("packing", "ipl")
#: Default cooling rate of the IPL glass (units of eps / k_B per time unit).
QUENCH_RATE = 1e-2


def sample_modes(glass, *, band_fraction: float = BAND_FRACTION, rng=None) -> dict:
    """Modes of one glass (a ``JammedPacking`` or a quenched ``Glass``) below ``band_fraction * omega_1``,
    and the next one above.

    Returns ``omega``, ``participation`` (arrays), ``cutoff``, ``omega_1``, ``shear_modulus``,
    ``box_length``, ``map``.
    """
    p, dim = glass.particles, glass.particles.dim
    pot = glass.pair_potential() if callable(getattr(glass, "pair_potential", None)) else glass.potential
    keep = ~glass.rattler
    G = isotropic_shear_modulus(elastic_tensor(p, pot, keep=keep).A)
    rho = float(p.masses[keep].sum()) / p.volume
    w1 = first_band((G / rho) ** 0.5, glass.box_length) if G > 0 else float("nan")
    cutoff = band_fraction * w1
    H = hessian(p, pot, keep=keep)
    k = FIRST_K
    while True:
        k = min(k, H.shape[0] - dim - 2)
        m = lowest_vector_modes(H, k, dim, rng=rng)
        if not m.omega[-1] < cutoff or k >= H.shape[0] - dim - 2:  # G <= 0 (cut-off nan): the first k only
            break
        k *= 2
    diameters = p.diameters[keep] if p.diameters is not None else np.ones(int(keep.sum()))
    return dict(omega=m.omega, participation=m.participation, cutoff=cutoff, omega_1=w1, shear_modulus=G,
                box_length=glass.box_length, map=dict(positions=p.positions[keep], diameters=diameters,
                                                      vectors=m.vectors[:, :MAP_MODES], omega=m.omega[:MAP_MODES],
                                                      participation=m.participation[:MAP_MODES]))


def _sample_task(child, N, pressure, dim, potential, band_fraction, glass, quench_rate):
    from .._checks import RunError

    gen = np.random.default_rng(child)
    if glass == "ipl":
        g = ipl_glass(N, dim=dim, rate=quench_rate, rng=gen)
        out = sample_modes(g, band_fraction=band_fraction, rng=gen)
        out.update(pressure=float("nan"), phi=float("nan"), energy=g.energy / N)
        return out
    try:
        jp = jammed_packing(N, pressure, dim=dim, potential=potential, rng=gen)
    except RunError:  # did not reach the pressure (unjammed on decompression): counted by qlm_study
        return None
    out = sample_modes(jp, band_fraction=band_fraction, rng=gen)
    out.update(pressure=jp.pressure, phi=jp.phi, energy=jp.energy / N)
    return out


def qlm_study(N: int, *, pressure: float = 0.1, dim: int = 3, potential: str = "harmonic", samples: int = 100, rng=None,
              band_fraction: float = BAND_FRACTION, glass: str = "packing", quench_rate: float = QUENCH_RATE, client=None,
              progress: bool = False) -> dict:
    """Low modes of ``samples`` glasses of ``N`` particles, pooled.

    Parameters
    ----------
    N, samples, dim : int
    pressure : float
        Target pressure of the packings (``glass="packing"``).
    potential : {"harmonic", "hertzian"}
        Contact law of the packings.
    band_fraction : float
        Modes below this fraction of each sample's first band ``omega_1`` are fitted.
    glass : {"packing", "ipl"}
        Jammed packings at ``pressure``, or the IPL glass cooled at ``quench_rate`` (``model.quench``).
    quench_rate : float
        Cooling rate of the IPL glass, positive (``inf``: instantaneous quench).
    rng, client, progress
        Root seed (SPEC 7), Dask client, progress bar.

    Returns
    -------
    dict
        ``omega``, ``participation``, ``cutoff`` (per mode, every computed mode), ``sample``
        (its glass), per sample ``omega_1``, ``shear_modulus``, ``pressure``, ``phi``, ``energy``
        (per particle), ``failed`` (packings that did not reach the pressure), and ``map``: the
        first sample's backbone and its ``MAP_MODES`` lowest modes.

    Examples
    --------
    >>> from bosonpeak.workflows.qlm import qlm_study, qlm_exponent
    >>> s = qlm_study(64, pressure=0.1, dim=2, samples=3, rng=1)
    >>> bool((s["omega"] > 0).all()), len(s["omega_1"]), s["failed"]
    (True, 3, 0)
    """
    N = _checks.integer("N", N, minimum=16)
    samples = _checks.integer("samples", samples, minimum=1)
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    _checks.choice("potential", potential, tuple(POTENTIALS))
    _checks.choice("glass", glass, GLASSES)
    band_fraction = _checks.real("band_fraction", band_fraction, minimum=0.0, maximum=2.0, min_inclusive=False)
    if not (isinstance(quench_rate, (int, float)) and quench_rate > 0):
        raise _checks.ParameterError(f"'quench_rate' must be positive (inf: instantaneous); got {quench_rate!r}")
    children = seed_sequences(rng, samples)
    args = (N, float(pressure), dim, potential, band_fraction, glass, float(quench_rate))
    made = map_children(_sample_task, children, args, client=client, progress=progress, unit=glass)
    rows = [r for r in made if r is not None]
    if not rows:
        raise _checks.RunError(f"none of the {samples} packings reached p = {pressure:g}: raise --size or --pressure")
    out = {key: np.concatenate([r[key] for r in rows]) for key in ("omega", "participation")}
    out["cutoff"] = np.concatenate([np.full(r["omega"].size, r["cutoff"]) for r in rows])
    out["sample"] = np.concatenate([np.full(r["omega"].size, s) for s, r in enumerate(rows)])
    for key in ("omega_1", "shear_modulus", "pressure", "phi", "box_length", "energy"):
        out[key] = np.array([r[key] for r in rows])
    out.update(N=N, dim=dim, potential=potential if glass == "packing" else "ipl", target_pressure=float(pressure),
               band_fraction=band_fraction, glass=glass, quench_rate=float(quench_rate), failed=len(made) - len(rows),
               map=rows[0]["map"])
    return out


def qlm_exponent(study: dict, *, threshold: float = QLM_PARTICIPATION, confidence: float = 0.95) -> dict:
    """``beta`` of the pooled modes below their cut-off, with its interval; also the share of them
    that are quasi-localized (participation below ``threshold``)."""
    ok = np.isfinite(study["cutoff"])  # a sample unstable to shear (G <= 0) has no first band: left out
    below = study["omega"] < study["cutoff"]
    if below.sum() >= 2:
        sample = np.unique(study["sample"][ok], return_inverse=True)[1]
        f = low_frequency_exponent(study["omega"][ok], study["cutoff"][ok], samples=sample, confidence=confidence)
        beta, interval, gamma, method = f.beta, list(f.interval), list(f.gamma_interval), f.method
    else:  # too few modes for a fit: reported as such, the figures are still drawn
        beta, interval, gamma, method = None, None, None, "no fit: fewer than 2 modes below the cut-off"
    return dict(beta=beta, interval=interval, n_modes=int(below.sum()), confidence=confidence, method=method, gamma_interval=gamma,
                quasi_localized_fraction=float(split_modes(study["participation"][below], threshold).mean()) if below.any() else None,
                participation_threshold=threshold, samples=int(study["omega_1"].size),
                samples_without_band=int((~np.isfinite(study["omega_1"])).sum()), samples_failed=study["failed"], band_fraction=study["band_fraction"],
                N=study["N"], dim=study["dim"], glass=study["glass"],
                quench_rate=(study["quench_rate"] if np.isfinite(study["quench_rate"]) else "inf") if study["glass"] == "ipl" else None,
                pressure=float(np.mean(study["pressure"])) if study["glass"] == "packing" else None,
                phi=float(np.mean(study["phi"])) if study["glass"] == "packing" else None,
                energy_per_particle=float(np.mean(study["energy"])))


def qlm_outputs(out, study: dict, fit: dict) -> list:
    """Write ``qlm.nc`` (every mode) and ``qlm_modes.{png,pdf}`` (participation against omega / omega_c,
    the cumulative count with the fit) into the folder ``out``."""
    from pathlib import Path

    import matplotlib.pyplot as plt
    import xarray as xr

    from .._files import save_dataset, save_figure
    from ..plotting.jamming import plot_cumulative, plot_mode_map, plot_modes_participation

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ds = xr.Dataset({key: ("mode", study[key]) for key in ("omega", "participation", "cutoff", "sample")}
                    | {key: ("packing", study[key]) for key in ("omega_1", "shear_modulus", "pressure", "phi", "box_length", "energy")},
                    attrs={k: (v if not isinstance(v, list) else np.asarray(v)) for k, v in fit.items() if v is not None})
    written = [save_dataset(ds, out / "qlm.nc")]
    ratio = study["omega"] / study["cutoff"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    plot_modes_participation(study["omega"], study["participation"], ratio, threshold=fit["participation_threshold"], ax=axes[0])
    if fit["beta"] is not None:
        plot_cumulative(ratio, fit["beta"], ax=axes[1])
    what = (f"packings, N = {study['N']}, p = {study['target_pressure']:g}" if study["glass"] == "packing" else
            f"glasses, N = {study['N']}, quench rate {study['quench_rate']:g}")
    fig.suptitle(f"Low modes of {fit['samples']} {study['dim']}D {study['potential']} {what}: " + (f"beta = {fit['beta']:.2f} [{fit['interval'][0]:.2f}, "
                                                           f"{fit['interval'][1]:.2f}]" if fit["beta"] is not None else "no fit"))
    fig.tight_layout()
    written += save_figure(fig, out / "qlm_modes")
    plt.close(fig)
    if study["dim"] == 2:
        m = study["map"]
        fig, axes = plt.subplots(1, MAP_MODES, figsize=(5 * MAP_MODES, 5))
        for k, ax in enumerate(np.atleast_1d(axes)):
            plot_mode_map(m["positions"], m["diameters"], m["vectors"][:, k].reshape(-1, 2), ax=ax,
                          title=f"mode {k + 1}: omega = {m['omega'][k]:.3f}, P = {m['participation'][k]:.3f}")
        fig.suptitle(f"Lowest non-zero modes of one of the {what} (rattlers removed)")
        fig.tight_layout()
        written += save_figure(fig, out / "qlm_mode_map")
        plt.close(fig)
    return written
