"""Figures of ``bosonpeak solid``: g(omega), the reduced DOS against the Debye level, the
participation ratio of the lowest modes. Each takes the dataset of ``workflows.solid.compute``
and ``ax=None``, draws, and returns the Axes."""

from __future__ import annotations

import numpy as np

from ._style import _axes, finish_axes


def _title(ds) -> str:
    return f"{int(ds.attrs['n_particles'])} particles, {int(ds.attrs['dim'])}D ({ds.attrs['method']})"


def _band(ax, ds, values, scale=1.0):
    """The +- one standard error band of a histogram, where the dataset has ``density_error``."""
    if "density_error" not in ds:
        return
    err = ds["density_error"].values * scale
    if np.isfinite(err).any():
        err = np.nan_to_num(err)
        ax.stairs(values + err, ds["omega_edges"].values, baseline=values - err, fill=True, color="C0", alpha=0.3, lw=0,
                  label="+- 1 standard error")


def dos_axes(ds, ax=None):
    """g(omega) per mode as a histogram (with its error band where the engine gives one)."""
    ax = _axes(ax)
    edges = ds["omega_edges"].values
    ax.stairs(ds["density"].values, edges, color="C0", label="g(omega), per mode")
    _band(ax, ds, ds["density"].values)
    ax.set_xlabel("omega")
    ax.set_ylabel("g(omega)")
    filled = np.flatnonzero(ds["density"].values > 0)
    ax.set_xlim(0, edges[filled[-1] + 1] * 1.05 if filled.size else edges[-1])
    return finish_axes(ax, _title(ds))


def reduced_axes(ds, ax=None):
    """g / omega**(d-1) with its error band (KPM), the Debye level and, if found, the Boson peak."""
    ax = _axes(ax)
    d = int(ds.attrs["dim"])
    edges, reduced = ds["omega_edges"].values, ds["reduced"].values
    power = "omega" if d == 2 else "omega^2"
    ax.stairs(reduced, edges, color="C0", label=f"g(omega)/{power}")
    _band(ax, ds, reduced, 1.0 / ds["omega"].values ** (d - 1))
    level = float(ds.attrs["debye_level"])
    if np.isfinite(level):
        ax.axhline(level, color="k", ls="--", lw=1, label=f"Debye level {level:.3g}")
    lo = float(ds.attrs.get("window_min", np.nan))
    if np.isfinite(lo) and lo > 0:
        ax.axvspan(0, lo, color="0.85", zorder=0, label="below the finite-size cut-off 3 x 2 pi c / L")
    if int(ds.attrs["found"]):
        ax.axvline(float(ds.attrs["omega_bp"]), color="C3", ls=":", lw=1.2, label=f"omega_BP = {float(ds.attrs['omega_bp']):.3g}")
    top = float(ds.attrs["omega_D"]) if np.isfinite(float(ds.attrs["omega_D"])) else edges[-1]
    ax.set_xlim(0, min(edges[-1], top))
    shown = reduced[(ds["omega"].values > 2 * (edges[1] - edges[0])) & (ds["omega"].values < top)]
    if shown.size and np.isfinite(shown).any():
        ax.set_ylim(0, 1.3 * max(np.nanmax(shown), level if np.isfinite(level) else 0))
    ax.set_xlabel("omega")
    ax.set_ylabel(f"g(omega) / {power}")
    return finish_axes(ax, _title(ds))


def participation_axes(ds, ax=None):
    """Participation ratio of the lowest non-zero modes against their frequency."""
    ax = _axes(ax)
    ax.plot(ds["lowest_omega"].values, ds["lowest_participation"].values, "o", ms=3, color="C2",
            label=f"lowest {ds.sizes['mode']} modes")
    ax.set_yscale("log")
    ax.set_xlabel("omega")
    ax.set_ylabel("participation ratio")
    return finish_axes(ax, _title(ds))
