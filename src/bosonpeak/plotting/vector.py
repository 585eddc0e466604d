"""Plotting functions for scalar and vector networks in 2D and 3D: data in, Axes out, no physics."""

from __future__ import annotations

import numpy as np

from ._style import _axes, finish_axes

#: One style per model, so that scalar and vector curves of one network read apart.
STYLES = {"scalar": dict(color="black", ls="-"), "vector": dict(color="tab:red", ls="-")}


def plot_reduced_nd(omega, ratios: dict, dim: int, ax=None, *, cutoff=None, omega_max=None, title=None):
    """``(g / omega**(d-1)) / level`` per model, each over its own Debye level.

    Parameters
    ----------
    omega : (B,) array
    ratios : dict
        ``{"scalar": (B,) array, "vector": (B,) array}`` (either may be missing).
    dim : int
        2 or 3 (axis label only).
    cutoff : float, optional
        Finite-size cut-off; the region below is greyed.
    """
    ax = _axes(ax)
    power = "" if dim == 2 else "^2"
    for model, r in ratios.items():
        ax.plot(omega, r, lw=1.6, label=f"{model} model", **STYLES.get(model, {}))
    ax.axhline(1.0, color="0.4", ls="--", lw=1, label="own Debye level")
    if cutoff is not None:
        ax.axvspan(0, cutoff, color="0.85", lw=0, zorder=0, label=r"$\omega < 2\cdot 2\pi c_T / L$")
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(rf"$(g/\omega{power})\,/\,(g_D/\omega{power})$")
    ax.set_xlim(0, omega_max if omega_max is not None else float(np.max(omega)))
    ax.set_ylim(bottom=0)
    return finish_axes(ax, title)


def plot_heat_capacity_nd(T, ratios: dict, dim: int, ax=None, *, title=None):
    """``C / T**d`` over its own Debye limit per model, against ``T`` (log axis)."""
    ax = _axes(ax)
    for model, r in ratios.items():
        ax.plot(T, r, lw=1.6, label=f"{model} model", **STYLES.get(model, {}))
    ax.axhline(1.0, color="0.4", ls="--", lw=1, label="own Debye limit")
    ax.set_xscale("log")
    ax.set_xlabel(r"$T$")
    ax.set_ylabel(rf"$(C/T^{dim})\,/\,(C/T^{dim})_D$")
    ax.set_ylim(bottom=0)
    return finish_axes(ax, title)
