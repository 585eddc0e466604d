"""Plotting functions of the Boson-peak analysis (``bosonpeak analyze``).

Like ``figures``: they take data and an optional Axes, draw, return the Axes, and compute
nothing. Every curve is normalised by the network's *own* Debye law unless said otherwise.
"""

from __future__ import annotations

import numpy as np

from ._style import _axes, delta_colours, finish_axes


def plot_reduced_over_debye(omega, ratios, labels, ax=None, *, errors=None, crystal_ratios=None, peaks=None, cutoff=None, omega_max=None, title=None):
    """``(g / omega) / (g_D / omega)`` with the network's own Debye level ``1 / (2 pi c^2)``.

    Parameters
    ----------
    omega : (B,) array
    ratios : (C, B) array
        Reduced DOS over the own Debye level, one row per curve.
    errors : (C, B) array, optional
        Standard errors, drawn as bands.
    crystal_ratios : (C,) array, optional
        Crystal Debye level over the own one (``c^2``), drawn as dotted lines: where the
        paper's reference sits on this scale.
    peaks : (C, 2) array, optional
        Where to mark each curve's ``omega_BP`` (NaN: not marked); give points on the drawn curve.
    cutoff : float, optional
        Lower end of the physical window; the region below is hatched.
    """
    ax = _axes(ax)
    colours = delta_colours(len(ratios) + 1)[1:]
    for c, (r, label, colour) in enumerate(zip(ratios, labels, colours)):
        ax.plot(omega, r, color=colour, lw=1.6, label=label)
        if errors is not None:
            ax.fill_between(omega, r - errors[c], r + errors[c], color=colour, alpha=0.2, lw=0)
        if crystal_ratios is not None:
            ax.axhline(crystal_ratios[c], color=colour, ls=":", lw=1)
        if peaks is not None:
            ax.plot([peaks[c][0]], [peaks[c][1]], marker="o", ms=10, mew=1.6, mfc="none", color=colour, zorder=5)
    ax.axhline(1.0, color="0.3", ls="--", lw=1, label="own Debye level")
    if crystal_ratios is not None:
        ax.plot([], [], color="0.4", ls=":", lw=1, label=r"crystal Debye level ($c^2$)")
    if errors is not None:
        ax.fill_between([], [], color="0.4", alpha=0.2, lw=0, label=r"$\pm 1$ standard error (band)")
    if peaks is not None and np.isfinite(np.asarray(peaks, float)).all(axis=1).any():
        ax.plot([], [], ls="none", marker="o", ms=10, mew=1.6, mfc="none", color="0.3", label=r"Boson peak $\omega_\mathrm{BP}$ (on the curve)")
    if cutoff is not None:
        ax.axvspan(0, cutoff, facecolor="none", edgecolor="0.75", hatch="//", lw=0, zorder=0, label="below the search window")
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(r"$(g/\omega)\,/\,(1/2\pi c^2)$")
    ax.set_xlim(0, omega_max if omega_max is not None else omega[-1])
    ax.set_ylim(bottom=0)
    finish_axes(ax, title)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside: the curves fill the axes
    return ax


def plot_heat_capacity(T, ratios, labels, ax=None, *, crystal=None, imposed_below=None, title=None):
    """``C / T^2`` over the own 2D Debye limit ``3 zeta(3) / (pi n c^2)`` against ``T`` (log).

    Parameters
    ----------
    T : (M,) array
    ratios : (C, M) array
    crystal : (M,) array, optional
        The crystal's ``C / T^2`` over its Debye limit, drawn black.
    imposed_below : float, optional
        Temperature below which more than half of ``C / T^2`` is Debye's law imposed below the
        hand-over (``analysis.thermal.handover_temperature``): shaded, the limit 1 there is no result.
    """
    ax = _axes(ax)
    if imposed_below is not None:
        ax.axvspan(float(np.min(T)), imposed_below, color="0.88", lw=0, zorder=0,
                   label=r"Debye's law imposed below $2\times 2\pi c/L$ (limit 1 by construction)")
    if crystal is not None:
        ax.plot(T, crystal, color="k", lw=2, label=r"crystal ($\delta=0$)")
    for r, label, colour in zip(ratios, labels, delta_colours(len(ratios) + 1)[1:]):
        ax.plot(T, r, color=colour, lw=1.6, label=label)
    ax.axhline(1.0, color="0.3", ls="--", lw=1, label="Debye limit")
    ax.set_xscale("log")
    ax.set_xlabel(r"$T$ ($\hbar=k_B=1$)")
    ax.set_ylabel(r"$C/T^2\;/\;[3\zeta(3)/\pi n c^2]$")
    ax.set_ylim(bottom=0)
    return finish_axes(ax, title)


def plot_participation(omega, P, labels, ax=None, *, background=None, title=None):
    """Participation ratio against omega: markers per curve, optional faint background.

    Parameters
    ----------
    omega, P : (C, M) arrays
        Lowest modes of each curve.
    background : list of (omega, P) pairs, optional
        Every mode of a small network (dense), drawn as small grey points.
    """
    ax = _axes(ax)
    if background is not None:
        for k, (w, p) in enumerate(background):
            ax.scatter(w, p, s=2, color=delta_colours(len(background) + 1)[1:][k], alpha=0.15, lw=0)
    for w, p, label, colour in zip(omega, P, labels, delta_colours(len(P) + 1)[1:]):
        ax.scatter(w, p, s=10, color=colour, label=label)
    if background is not None:
        ax.scatter([], [], s=2, color="0.5", label="every mode, dense (faint)")
    ax.axhline(2 / 3, color="0.3", ls="--", lw=1, label=r"plane wave, $P=2/3$")
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(r"participation ratio $P$")
    ax.set_ylim(0, 1)
    return finish_axes(ax, title)


def plot_local_dos_by_z(omega, ratios, z, fraction, ax=None, *, total=None, omega_max=None, title=None):
    """Reduced local DOS of each coordination class over the own Debye level.

    Parameters
    ----------
    omega : (W,) array
    ratios : (Z, W) array
        ``(g_z / omega) / (1 / 2 pi c^2)``.
    z, fraction : (Z,) arrays
        Coordination numbers and the fraction of nodes with each.
    total : (W,) array, optional
        Same for all nodes, drawn black.
    """
    ax = _axes(ax)
    cmap = __import__("matplotlib").colormaps["viridis"]
    for k, (r, zz, f) in enumerate(zip(ratios, z, fraction)):
        if np.all(np.isnan(r)):
            continue
        ax.plot(omega, r, color=cmap(k / max(len(z) - 1, 1)), lw=1.4, label=rf"$z={zz}$ (${100 * f:.1f}\%$)")
    if total is not None:
        ax.plot(omega, total, color="k", lw=2, label="all nodes")
    ax.axhline(1.0, color="0.3", ls="--", lw=1, label="own Debye level")
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(r"$(g_z/\omega)\,/\,(1/2\pi c^2)$")
    top = omega_max if omega_max is not None else omega[-1]
    ax.set_xlim(0, top)
    seen = np.asarray(ratios)[:, np.asarray(omega) <= top]
    ax.set_ylim(0, 1.1 * np.nanmax(seen) if np.isfinite(seen).any() else None)
    return finish_axes(ax, title)
