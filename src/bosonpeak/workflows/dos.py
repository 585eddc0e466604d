"""``dos``: the DOS of one ensemble of networks as an ``xarray.Dataset`` (what ``bosonpeak dos`` writes)."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ..spectra.ensemble import ensemble_dos
from ._units import annotate
from ..spectra.vector import MODELS, check_resources

#: Lower bound of the window in which ``summary`` reports the maximum of g/omega.
SUMMARY_OMEGA_MAX = 1.5


def compute(L: int, delta: float, *, edges=None, bin_width: float | None = None, seeds: int = 1, seed: int = 2026,
            rule: str = "cutoff", spring: str = "inverse", cutoff: float | None = None, method: str = "dense",
            keep_zero_modes: bool = False, progress: bool = False, dim: int = 2, model: str = "scalar",
            max_bytes: float | None = None, max_seconds: float | None = None, n_zero: int | None = None,
            client=None, parts: int | None = None, **options) -> xr.Dataset:
    """Every sample, the mean, its standard error and g/omega**(d-1) of ``seeds`` networks, with provenance.

    Each network is built once and its matrix assembled once. Without ``edges`` the bins of
    ``bin_width`` reach past the top of every sample's spectrum. ``dim`` (2 or 3) picks the
    square or simple-cubic lattice, ``model`` the scalar or vector dynamical matrix (DOS per
    degree of freedom). A 3D or vector problem is costed first
    (``bosonpeak.spectra.vector.check_resources``) and refused past ``max_bytes`` / ``max_seconds``.
    ``n_zero`` gives the zero modes per network when they are known (skips the exact count).
    With a Dask ``client`` (2D scalar networks, ``method="kpm"``) the seeds and random vectors
    are split across its workers in ``parts`` tasks per network
    (``bosonpeak.workflows.kpm_cluster.cluster_kpm_dos``); the result equals the local one.

    Examples
    --------
    >>> from bosonpeak.workflows.dos import compute
    >>> ds = compute(8, 0.2, seeds=2, seed=1, keep_zero_modes=True)
    >>> ds["density"].dims, round(float((ds["density_mean"] * ds["omega_edges"].diff("omega_edge").values).sum()), 9)
    (('seed', 'omega'), 1.0)
    """
    from .. import _checks
    from .._version import __version__

    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    model = _checks.choice("model", model, MODELS)
    L = _checks.integer("L", L, minimum=3)
    if dim == 3 or model == "vector":
        n_bins = 80 if edges is None else len(edges) - 1
        check_resources(L**dim, dim, model=model, method=method, mean_z=expected_z(dim, rule, delta, cutoff),
                        bins=n_bins, max_bytes=max_bytes, max_seconds=max_seconds, count_zero_modes=n_zero is None)
    if client is not None:
        if method != "kpm" or dim != 2 or model != "scalar" or n_zero is not None:
            raise _checks.ParameterError(f"a Dask cluster runs 2D scalar networks with method 'kpm' only; got method {method!r}, "
                                         f"dim {dim}, model {model!r}")
        from .kpm_cluster import cluster_kpm_dos

        g = cluster_kpm_dos(client, L, delta, edges, seeds=seeds, parts=parts, rule=rule, spring=spring, cutoff=cutoff,
                            zero_modes=keep_zero_modes, rng=seed, bin_width=bin_width, **options)
    else:
        g = ensemble_dos(L, delta, edges, seeds=seeds, rule=rule, spring=spring, cutoff=cutoff, method=method,
                         zero_modes=keep_zero_modes, rng=seed, progress=progress, bin_width=bin_width, dim=dim, model=model,
                         n_zero=n_zero, **options)
    reduced = g.density / g.centres ** (dim - 1)
    return annotate(xr.Dataset(
        {
            "density": (("seed", "omega"), g.samples, {"long_name": "g(omega) per mode"}),
            "density_mean": (("omega",), g.density, {"long_name": "mean g(omega) per mode over seeds"}),
            "density_error": (("omega",), g.error, {"long_name": "standard error of the mean over seeds"}),
            "reduced_mean": (("omega",), reduced, {"long_name": f"g(omega)/omega^{dim - 1}"}),
            "mean_z": (("seed",), np.asarray(g.info["mean_z"]), {"long_name": "mean coordination"}),
            "omega_edges": (("omega_edge",), g.edges),
        },
        coords={"omega": g.centres, "seed": np.arange(seeds)},
        attrs={
            "bosonpeak_version": __version__,
            "L": L, "delta": delta, "rule": rule, "spring": spring, "dim": dim, "model": model,
            "n_nodes": L**dim, "n_modes": g.n_modes,
            "cutoff": "default" if cutoff is None else cutoff,
            "method": method, "options": json.dumps(options), "root_seed": seed,
            "spawn_keys": json.dumps([list(k) for k in g.info["spawn_keys"]]),
            "zero_modes_per_network": g.zero_modes, "zero_modes_removed": int(g.zero_modes_removed),
            "zero_modes_given": int(n_zero is not None),
        },
    ), dim=dim)


def expected_z(dim: int, rule: str, delta: float, cutoff: float | None) -> float:
    """Mean coordination expected before a network is built (for the cost estimate): ``2 d``
    for the nearest rule, the number of sites within ``r_c`` at unit density otherwise."""
    if rule == "nearest":
        return 2.0 * dim
    r_c = 1.0 + delta if cutoff is None else float(cutoff)
    return float(np.pi * r_c**2 if dim == 2 else 4.0 / 3.0 * np.pi * r_c**3)


def summary_dict(ds: xr.Dataset) -> dict:
    """What ``bosonpeak dos --json`` prints: sizes, model, zero modes, mean z, integral, where
    g/omega**(d-1) is largest, and the per-bin ``edges`` and mean ``density``."""
    L, dim = int(ds.attrs["L"]), int(ds.attrs.get("dim", 2))
    widths = np.diff(ds["omega_edges"].values)
    omega = ds["omega"].values
    lo = 2 * np.sin(np.pi / L)
    sel = (omega > lo) & (omega < SUMMARY_OMEGA_MAX)
    peak = float(omega[sel][np.argmax(ds["reduced_mean"].values[sel])]) if sel.any() else None
    why = None if sel.any() else (f"L = {L} is too small: its lowest resolved frequency 2 sin(pi/L) = {lo:.3f} is past {SUMMARY_OMEGA_MAX:g}"
                                  if lo >= SUMMARY_OMEGA_MAX else f"no bin centre lies in the window (bins of {widths.max():g})")
    return {
        "n_nodes": L**dim, "n_modes": int(ds.attrs.get("n_modes", L**dim)), "dim": dim,
        "model": ds.attrs.get("model", "scalar"), "L": L, "delta": float(ds.attrs["delta"]), "rule": ds.attrs["rule"],
        "method": ds.attrs["method"], "seeds": int(ds.sizes["seed"]),
        "zero_modes": float(ds.attrs["zero_modes_per_network"]), "zero_modes_removed": bool(ds.attrs["zero_modes_removed"]),
        "mean_z": float(ds["mean_z"].values.mean()) if "mean_z" in ds else None,
        "integral": float(np.sum(ds["density_mean"].values * widths)),
        "reduced_peak_omega": peak, "reduced_window": [float(lo), SUMMARY_OMEGA_MAX], "reduced_peak_missing": why,
        "edges": ds["omega_edges"].values.tolist(), "density": ds["density_mean"].values.tolist(),
    }


def summary(ds: xr.Dataset, path=None) -> str:
    """One line: size, seeds, method, integral, zero modes and where g/omega**(d-1) is largest."""
    s = summary_dict(ds)
    lo, hi = s["reduced_window"]
    at = f"none: {s['reduced_peak_missing']}" if s["reduced_peak_omega"] is None else f"at omega = {s['reduced_peak_omega']:.3f}"
    where = f"; wrote {path}" if path is not None else ""
    kind = "" if (s["dim"], s["model"]) == (2, "scalar") else f"{s['dim']}D {s['model']}, "
    power = "omega" if s["dim"] == 2 else "omega^2"
    return (f"N = {s['n_nodes']}, {kind}{s['seeds']} seed(s), {s['method']}: integral {s['integral']:.6f}, "
            f"zero modes/network {s['zero_modes']:.1f}, max g/{power} in ({lo:.3f}, "
            f"{hi:g}) {at}{where}")
