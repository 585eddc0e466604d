"""Figures of jammed packings: power laws over pressure, D(omega) with omega*, low modes (draw only)."""

from __future__ import annotations

import numpy as np

from ._style import _axes, delta_colours, finish_axes


def plot_power_law(x, y, fit, *, ax=None, label: str = "", reference: float | None = None, xlabel: str = "", ylabel: str = "",
                   limited=None, unstable=None):
    """Every seed's points ``y`` against ``x`` (arrays (S, P)), the fitted ``PowerLaw`` and, if given,
    a reference slope through the fit's middle; log-log. ``limited`` (one flag per column): columns
    drawn as open markers (finite-size limited, still in the fit). Points with ``y <= 0`` cannot be
    drawn; the legend counts them. ``unstable`` (bool, shape (S, P)): packings unstable to some shear,
    drawn as crosses (still in the fit)."""
    ax = _axes(ax)
    x, y = np.atleast_2d(x), np.atleast_2d(y)
    ok = np.isfinite(x) & np.isfinite(y) & (x > 0) & (y > 0)
    open_ = np.zeros_like(ok) if limited is None else np.broadcast_to(np.asarray([bool(f) for f in limited]), ok.shape)
    hidden = int((np.isfinite(y) & (y <= 0)).sum())   # e.g. G <= 0: in the fit of the means, not on log axes
    note = f"; {hidden} with {ylabel or 'y'} <= 0 not drawn" if hidden else ""
    cross = np.zeros_like(ok) if unstable is None else np.asarray(unstable, dtype=bool) & ~open_
    ax.loglog(x[ok & ~open_ & ~cross], y[ok & ~open_ & ~cross], "o", ms=4, alpha=0.6,
              label=f"{label} packings ({x.shape[0]} seeds{note})".strip())
    if (ok & cross).any():
        ax.loglog(x[ok & cross], y[ok & cross], "x", ms=5, color="C1", label="unstable to some shear (in the fit)")
    if (ok & open_).any():
        ax.loglog(x[ok & open_], y[ok & open_], "o", ms=4, mfc="none", color="C3", label="finite-size limited (in the fit)")
    xs = np.geomspace(x[ok].min(), x[ok].max(), 50)
    lo, hi = fit.interval
    ax.loglog(xs, fit.prefactor * xs**fit.value, "-", color="black",
              label=f"fit: exponent {fit.value:.2f} [{lo:.2f}, {hi:.2f}]")
    if reference is not None:
        mid = np.sqrt(xs[0] * xs[-1])
        ax.loglog(xs, fit.prefactor * mid**fit.value * (xs / mid) ** reference, ":", color="grey",
                  label=f"slope {reference:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    from matplotlib.ticker import NullFormatter

    ax.xaxis.set_minor_formatter(NullFormatter())  # crowded minor labels over less than a decade
    return finish_axes(ax)


def plot_plateau(curves, labels, onsets, *, ax=None, reduced_dim: int | None = None, levels=None):
    """D(omega) per pressure on log axes with omega* marked (``curves``: one ``(omega, D)`` per
    pressure); with ``reduced_dim`` D / omega^(d-1) over each ``levels`` entry (the Debye level)."""
    ax = _axes(ax)
    colours = delta_colours(len(curves) + 1)[1:]
    for k, ((w_k, g), lab, w) in enumerate(zip(curves, labels, onsets)):
        y = g if reduced_dim is None else g / w_k ** (reduced_dim - 1) / levels[k]
        ax.loglog(w_k, y, "-", color=colours[k], label=lab)
        if reduced_dim is None and np.isfinite(w):
            ax.axvline(w, color=colours[k], ls=":", lw=1)
    if reduced_dim is None:
        ax.plot([], [], ":", color="grey", label="omega* (half the plateau)")
        ax.set_ylabel("D(omega) per mode")
    else:
        ax.axhline(1.0, color="grey", ls="--", lw=1, label="Debye level")
        ax.set_ylabel("D(omega) / omega^(d-1) / Debye level")
    ax.set_xlabel("omega")
    return finish_axes(ax)


def plot_modes_participation(omega, participation, cutoff_ratio, *, threshold: float, ax=None):
    """Participation ratio of the low modes against ``omega / omega_c``, the threshold dashed."""
    ax = _axes(ax)
    ax.semilogy(cutoff_ratio, participation, ".", ms=3, alpha=0.6, label="modes (pooled samples)")
    ax.axhline(threshold, color="grey", ls="--", lw=1, label=f"QLM threshold P = {threshold:g}")
    ax.axvline(1.0, color="black", ls=":", lw=1, label="cut-off")
    ax.set_xlabel("omega / omega_c")
    ax.set_ylabel("participation ratio")
    return finish_axes(ax)


def plot_cumulative(omega_over_cut, beta, *, ax=None):
    """The cumulative count of modes below ``omega / omega_c`` with the fitted ``omega^(beta + 1)``
    and the ``omega^5`` of D ~ omega^4."""
    ax = _axes(ax)
    u = np.sort(omega_over_cut[omega_over_cut < 1])
    n = np.arange(1, u.size + 1)
    ax.loglog(u, n, drawstyle="steps-post", label=f"{u.size} modes below the cut-off")
    ax.loglog(u, u.size * u ** (beta + 1), "-", color="black", label=f"fit: D ~ omega^{beta:.2f}")
    ax.loglog(u, u.size * u**5, ":", color="grey", label="D ~ omega^4")
    ax.set_xlabel("omega / omega_c")
    ax.set_ylabel("modes below omega")
    return finish_axes(ax)


def plot_mode_map(positions, diameters, mode, *, ax=None, title: str = ""):
    """A 2D packing (discs) with one mode's displacement arrows (``mode`` (N, 2))."""
    from matplotlib.collections import EllipseCollection

    ax = _axes(ax)
    ax.add_collection(EllipseCollection(diameters, diameters, 0, units="xy", offsets=positions,
                                        offset_transform=ax.transData, facecolors="none", edgecolors="0.7", lw=0.4))
    scale = 0.5 * diameters.max() / np.abs(mode).max()
    ax.quiver(positions[:, 0], positions[:, 1], scale * mode[:, 0], scale * mode[:, 1], angles="xy", scale_units="xy",
              scale=1, width=0.003)
    ax.set_aspect("equal")
    ax.set_xlim(positions[:, 0].min() - 1, positions[:, 0].max() + 1)
    ax.set_ylim(positions[:, 1].min() - 1, positions[:, 1].max() + 1)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
