"""The figures of the paper, drawn from the dataset of ``reproduce.compute`` (``reproduce.figures``)."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from ..analysis.peak import running_mean
from ..matrices.toy import TOY_CENTRE, TOY_LEFT, TOY_TOP_LEFT, toy_model
from ..plotting.paper import plot_coordination, plot_network, plot_reduced_dos, plot_toy_local_dos

DEBYE_LABEL = r"Debye, crystal: $1/(2\pi)$"

#: The crystal's curve is drawn as the mean of g over this many lattice spacings 2 pi / L (an odd
#: number of bins): a finite lattice's modes are degenerate shells about 2 pi / L apart, so bins
#: narrower than that alternate between full and empty and hide Debye's law.
CRYSTAL_SHELLS = 3


def crystal_curve(omega: np.ndarray, density: np.ndarray, L: int, bin_width: float) -> tuple[np.ndarray, float]:
    """``g / omega`` of the crystal with ``g`` averaged over ``CRYSTAL_SHELLS`` shell spacings; NaN
    where the window is not full. Returns the curve and the window's width in omega."""
    m = max(3, 2 * int(round(CRYSTAL_SHELLS * 2 * np.pi / L / bin_width / 2)) + 1)
    curve = running_mean(density, m) / omega
    curve[: m // 2] = np.nan
    curve[len(curve) - m // 2:] = np.nan
    return curve, m * bin_width


def _reduced_panel(ds: xr.Dataset, case: str, ax, *, shade: float | None, title: str):
    """Fig. 2 or 4 left: every seed thin, the mean thick; the crystal's mean over its shells (``crystal_curve``)."""
    s = json.loads(ds.attrs["settings"])
    omega = ds["omega"].values
    x = ds["density"].sel(case=case)
    curves = (x.mean("seed") / ds["omega"]).values
    labels = [rf"$\delta={d:g}$" for d in ds["delta"].values]
    if 0.0 in ds["delta"].values:
        d = list(ds["delta"].values).index(0.0)
        curves[d], width = crystal_curve(omega, x.isel(delta=d).mean("seed").values, s["L"], s["bin_width"])
        labels[d] += rf", shells averaged over $\Delta\omega={width:.2g}$"
    plot_reduced_dos(omega, curves, labels, ax, samples=(x / ds["omega"]).values, debye_level=ds.attrs["debye_level_crystal"], debye_label=DEBYE_LABEL,
                     shade_below=shade, omega_max=s["omega_plot_max"], title=title)


def paper_figures(ds: xr.Dataset) -> dict[str, plt.Figure]:
    """Every figure of the paper; keys are file stems."""
    s = json.loads(ds.attrs["settings"])
    out = {}

    # Fig. 1: each network with its enlargement beside it (nothing hidden)
    fig = plt.figure(figsize=(14, 4.6))
    grid = fig.add_gridspec(1, 4, width_ratios=[2.2, 1.2, 2.2, 1.2], wspace=0.4)
    box = float(ds.attrs["fig1_box"])
    mid = round(box / 2)
    zoom = (mid - 2.5, mid + 2.5, mid - 2.5, mid + 2.5)
    pos = ds["fig1_positions"].values
    fd = ds.attrs["fig1_delta"]
    for k, (bonds, title) in enumerate(((ds["fig1_bonds_nearest"].values, rf"nearest neighbours, $z=4$ ($\delta={fd:g}$)"),
                                        (ds["fig1_bonds_cutoff"].values, rf"all pairs with $r<a+\delta$ ($\delta={fd:g}$)"))):
        plot_network(pos, bonds, box, fig.add_subplot(grid[0, 2 * k]), zoom=zoom, zoom_ax=fig.add_subplot(grid[0, 2 * k + 1]), title=title)
    fig.suptitle(rf"Fig. 1: spring networks, $L={int(round(box))}$ (illustration), periodic box, $a=1$")
    out["fig1_networks"] = fig

    # Fig. 2
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharey=True)
    for ax, case, shade in ((axes[0], "nearest-inverse", None), (axes[1], "cutoff-inverse", 1.0)):
        _reduced_panel(ds, case, ax, shade=shade, title=(r"$z=4$ fixed, $t=1/r$" if case.startswith("nearest") else r"$z$ from $r<a+\delta$, $t=1/r$")
                       + rf"  ($L={s['L']}$, {s['seeds']} seeds)")
    axes[1].set_ylabel("")
    fig.suptitle(r"Fig. 2: reduced DOS $g(\omega)/\omega$, mean over seeds thick (zero modes removed)")
    out["fig2_reduced_dos"] = fig

    # Fig. 3 left
    fig, ax = plt.subplots(figsize=(5.5, 4.2))
    frac = ds["coordination_fraction"].sel(delta=[d for d in ds["delta"].values if d > 0])
    err = frac.std("seed") / np.sqrt(max(frac.sizes["seed"], 1))
    plot_coordination(ds["z"].values, frac.mean("seed").values, [rf"$\delta={d:g}$" for d in frac["delta"].values], ax, errors=err.values,
                      title=rf"Fig. 3 left: coordination, cut-off rule, $L={s['L']}$, {s['seeds']} seeds")
    ax.set_xlim(-0.5, 9.5)
    out["fig3_coordination"] = fig

    # Fig. 4
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    _reduced_panel(ds, "cutoff-constant", axes[0], shade=1.0, title=rf"left: as Fig. 2 right with every $t=1$ ($L={s['L']}$)")
    responses = {k: ds["toy_response"].sel(toy_kind=k).values for k in ds["toy_kind"].values}
    poles = {k: ds["toy_new_poles"].sel(toy_kind=k).values[np.isfinite(ds["toy_new_poles"].sel(toy_kind=k).values)] for k in ds["toy_kind"].values}
    highlight = {"square": [], "extra": [TOY_CENTRE, TOY_TOP_LEFT], "missing": [TOY_CENTRE, TOY_LEFT]}
    plot_toy_local_dos(ds["toy_omega"].values, responses, highlight, poles, axes[1], structure=_toy_structure(),
                       title=rf"right: nine-node toy model, $-\mathrm{{Im}}\,G_{{ii}}$, $\epsilon={ds['toy_response'].attrs['eps']:g}$")
    fig.suptitle("Fig. 4")
    out["fig4_constant_springs_and_toy"] = fig
    return out


def _toy_structure() -> dict:
    """Positions (node ``3 row + col`` at ``(col, -row)``) and springs of the toy model, for the inset of Fig. 4 right."""
    def springs(kind):
        H = toy_model(kind)
        return {(i, j) for i in range(9) for j in range(i + 1, 9) if H[i, j] != 0}

    square = springs("square")
    rows, cols = np.divmod(np.arange(9), 3)
    return {"positions": np.column_stack([cols, -rows]).astype(float), "bonds": np.array(sorted(square)),
            "added": np.array(sorted(springs("extra") - square)).reshape(-1, 2),
            "removed": np.array(sorted(square - springs("missing"))).reshape(-1, 2)}
