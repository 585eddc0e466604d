"""``dos``: the DOS of one ensemble of networks as an ``xarray.Dataset`` (what ``bosonpeak dos`` writes)."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..spectra.ensemble import ensemble_dos
from ._units import annotate

#: Lower bound of the window in which ``summary`` reports the maximum of g/omega.
SUMMARY_OMEGA_MAX = 1.5


def compute(L: int, delta: float, *, edges=None, bin_width: float | None = None, seeds: int = 1, seed: int = 2026,
            rule: str = "cutoff", spring: str = "inverse", cutoff: float | None = None, method: str = "dense",
            keep_zero_modes: bool = False, progress: bool = False, **options) -> xr.Dataset:
    """Every sample, the mean, its standard error and g/omega of ``seeds`` networks, with provenance.

    Each network is built once and its matrix assembled once. Without ``edges`` the bins of
    ``bin_width`` reach past the top of every sample's spectrum.

    Examples
    --------
    >>> from bosonpeak.workflows.dos import compute
    >>> ds = compute(8, 0.2, seeds=2, seed=1, keep_zero_modes=True)
    >>> ds["density"].dims, round(float((ds["density_mean"] * ds["omega_edges"].diff("omega_edge").values).sum()), 9)
    (('seed', 'omega'), 1.0)
    """
    from .. import __version__

    g = ensemble_dos(L, delta, edges, seeds=seeds, rule=rule, spring=spring, cutoff=cutoff, method=method,
                     zero_modes=keep_zero_modes, rng=seed, progress=progress, bin_width=bin_width, **options)
    return annotate(xr.Dataset(
        {
            "density": (("seed", "omega"), g.samples, {"long_name": "g(omega) per mode"}),
            "density_mean": (("omega",), g.density, {"long_name": "mean g(omega) per mode over seeds"}),
            "density_error": (("omega",), g.error, {"long_name": "standard error of the mean over seeds"}),
            "reduced_mean": (("omega",), g.reduced, {"long_name": "g(omega)/omega"}),
            "omega_edges": (("omega_edge",), g.edges),
        },
        coords={"omega": g.centres, "seed": np.arange(seeds)},
        attrs={
            "bosonpeak_version": __version__,
            "L": L, "delta": delta, "rule": rule, "spring": spring,
            "cutoff": "default" if cutoff is None else cutoff,
            "method": method, "options": json.dumps(options), "root_seed": seed,
            "spawn_keys": json.dumps([list(k) for k in g.info["spawn_keys"]]),
            "zero_modes_per_network": g.zero_modes, "zero_modes_removed": int(g.zero_modes_removed),
        },
    ))


def records(ds: xr.Dataset) -> dict:
    """The numbers of ``summary`` as a JSON-ready dict."""
    L = int(ds.attrs["L"])
    omega = ds["omega"].values
    lo = 2 * np.sin(np.pi / L)
    sel = (omega > lo) & (omega < SUMMARY_OMEGA_MAX)
    return dict(L=L, N=L**2, seeds=int(ds.sizes["seed"]), method=ds.attrs["method"],
                integral=float(np.sum(ds["density_mean"].values * np.diff(ds["omega_edges"].values))),
                zero_modes_per_network=float(ds.attrs["zero_modes_per_network"]),
                reduced_max_omega=float(omega[sel][np.argmax(ds["reduced_mean"].values[sel])]) if sel.any() else None,
                reduced_max_window=[float(lo), SUMMARY_OMEGA_MAX])


def summary(ds: xr.Dataset, path=None) -> str:
    """One line: size, seeds, method, integral, zero modes and where g/omega is largest."""
    L, seeds = int(ds.attrs["L"]), ds.sizes["seed"]
    widths = np.diff(ds["omega_edges"].values)
    integral = float(np.sum(ds["density_mean"].values * widths))
    omega = ds["omega"].values
    lo = 2 * np.sin(np.pi / L)
    sel = (omega > lo) & (omega < SUMMARY_OMEGA_MAX)
    w = omega[sel][np.argmax(ds["reduced_mean"].values[sel])] if sel.any() else float("nan")
    where = f"; wrote {path}" if path is not None else ""
    return (f"N = {L ** 2}, {seeds} seed(s), {ds.attrs['method']}: integral {integral:.6f}, "
            f"zero modes/network {float(ds.attrs['zero_modes_per_network']):.1f}, max g/omega in ({lo:.3f}, "
            f"{SUMMARY_OMEGA_MAX:g}) at omega = {w:.3f}{where}")
