"""Plotting functions of the disorder laboratory (``bosonpeak disorder``).

They take data and Axes, draw, and return the Axes; they compute nothing. One colour per
family throughout; filled markers are Boson peaks (interior maxima above the own Debye
level), open markers maxima that are not.
"""

from __future__ import annotations

import numpy as np
from matplotlib.container import ErrorbarContainer
from matplotlib.lines import Line2D
from matplotlib.ticker import NullFormatter

from ._style import finish_axes

#: One colour per family, in the order given.
FAMILY_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:grey")


def _colour(i):
    return FAMILY_COLOURS[i % len(FAMILY_COLOURS)]


def plot_peak_vs_strength(strength, peak_ratio, omega_bp, omega_ir, interior, labels, axes, *, c2=None, crystal=None, title=None):
    """Three panels: peak height against strength; ``omega_BP`` (solid) and ``omega_IR``
    (dashed) against strength; peak height against ``c^2`` (the fair comparison across families).

    Parameters
    ----------
    strength : (S,) array
    peak_ratio, omega_bp, omega_ir : (F, S) arrays
        Max of ``g/omega`` over the own Debye level, where it is, and the Ioffe-Regel frequency.
    interior : (F, S) bool array
        Whether each maximum is a Boson peak.
    labels : F strings
    axes : three Axes
    c2 : (F, S) array, optional
        Mean ``c^2``; without it the third panel stays empty.
    crystal : (F, S) bool array, optional
        Points that are the perfect crystal: their maximum is a finite-size shell, drawn as a
        cross off the lines and left out of the axis range (a triangle at the top edge when above it).

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> from bosonpeak.plotting.disorder import plot_peak_vs_strength
    >>> fig, axes = plt.subplots(1, 3)
    >>> s, h = np.array([0.0, 0.2]), np.array([[1.1, 1.3]])
    >>> axes = plot_peak_vs_strength(s, h, h - 0.5, h * np.nan, np.array([[False, True]]), ["dilution ($p$)"], axes, c2=np.array([[1.0, 0.6]]))
    >>> axes[0].get_legend() is not None
    True
    """
    ax_h, ax_w, ax_c = axes
    interior = np.asarray(interior, dtype=bool)
    crystal = np.zeros_like(interior) if crystal is None else np.asarray(crystal, dtype=bool)
    panels = lambda i: ((ax_h, strength, peak_ratio[i]), (ax_w, strength, omega_bp[i])) + (((ax_c, c2[i], peak_ratio[i]),) if c2 is not None else ())  # noqa: E731
    for i, label in enumerate(labels):
        col, keep = _colour(i), ~crystal[i]
        for ax, x, y in panels(i):
            x, y = np.asarray(x), np.asarray(y)
            ax.plot(x[keep], y[keep], color=col, lw=1.2, label=label if ax is not ax_w else None)
            ax.plot(x[interior[i] & keep], y[interior[i] & keep], "o", color=col, ms=6)
            ax.plot(x[~interior[i] & keep], y[~interior[i] & keep], "o", color=col, mfc="none", ms=6)
        ax_w.plot(strength, omega_ir[i], color=col, ls="--", marker="s", ms=4, lw=1.2)
    for ax in (ax_h, ax_c):
        ax.axhline(1.0, color="0.3", ls=":", lw=1)
    for i in range(len(labels)):  # the crystal last: inside the range the others set, or at its top edge
        for ax, x, y in panels(i):
            x, y = np.asarray(x)[crystal[i]], np.asarray(y)[crystal[i]]
            top = ax.get_ylim()[1]
            ax.plot(x[y <= top], y[y <= top], "x", color=_colour(i), ms=7, mew=1.5, scaley=False)
            ax.plot(x[y > top], np.full(int(np.sum(y > top)), top), "^", color=_colour(i), ms=7, clip_on=False, scaley=False)
    extra = [Line2D([], [], color="0.3", ls=":", lw=1, label="own Debye level"),
             Line2D([], [], color="k", marker="o", ls="", label="Boson peak (interior maximum)"),
             Line2D([], [], color="k", marker="o", mfc="none", ls="", label="no peak: edge / monotone / below")]
    if crystal.any():
        extra.append(Line2D([], [], color="k", marker="x", mew=1.5, ls="", label=r"crystal: lattice shells, no peak ($\blacktriangle$: above)"))
    below = dict(frameon=False, fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.16))  # under the panel: nothing hidden
    ax_h.set_xlabel("disorder strength")
    ax_h.set_ylabel(r"max $(g/\omega)\,/\,(1/2\pi c^2)$")
    finish_axes(ax_h, title)
    ax_h.legend(handles=ax_h.get_legend_handles_labels()[0] + extra, **below)
    ax_w.set_xlabel("disorder strength")
    ax_w.set_ylabel(r"$\omega$")
    ax_w.legend(handles=[Line2D([], [], color="k", marker="o", lw=1.2, label=r"$\omega_{BP}$ (location of the maximum)"),
                         Line2D([], [], color="k", ls="--", marker="s", ms=4, lw=1.2, label=r"$\omega_{IR}$: $\Gamma = \Omega/\pi$")] + extra[1:],
                **below)
    ax_w.set_title(r"$\omega_{BP}$ and $\omega_{IR}$ (missing: not reached)", fontsize=10)
    ax_c.set_xlabel(r"$c^2$ (relaxed)")
    ax_c.set_ylabel(r"max $(g/\omega)\,/\,(1/2\pi c^2)$")
    ax_c.set_title("the same heights against the softening", fontsize=10)
    ax_c.invert_xaxis()
    if c2 is not None:
        ax_c.legend(handles=ax_c.get_legend_handles_labels()[0] + extra, **below)
    return axes


def _strength_label(family_label: str, strength: float) -> str:
    """``$w = 0.3$`` from a family label ``"springs-uniform ($w$)"``; the bare number without a symbol."""
    import re

    m = re.search(r"\(\$([^$]+)\$\)", family_label)
    return rf"${m.group(1)} = {strength:g}$" if m else f"{strength:g}"


def plot_reduced_by_family(omega, reduced, strength, labels, axes, *, window=None, omega_max=2.0, theory=None):
    """One panel per family: ``(g/omega)`` over the own Debye level, one line per strength.

    Parameters
    ----------
    omega : (B,) array
    reduced : (F, S, B) array
    strength : (S,) array
    window : pair of (F, S) arrays, optional
        Ends of each point's Boson-peak window: grey below the smallest lower end, a tick
        on each curve at its upper end.
    theory : (F, S, B) array, optional
        A theory's ``(g/omega)`` on the same scale, dashed in the strength's colour.

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> from bosonpeak.plotting.disorder import plot_reduced_by_family
    >>> fig, ax = plt.subplots()
    >>> w = np.linspace(0.05, 2, 40)
    >>> axes = plot_reduced_by_family(w, np.ones((1, 2, 40)), np.array([0.0, 0.2]), ["dilution"], [ax])
    >>> bool(ax.get_ylim()[0] < 1 < ax.get_ylim()[1])
    True
    """
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("viridis")
    for i, (ax, label) in enumerate(zip(axes, labels)):
        for j, st in enumerate(strength):
            col = cmap(j / max(len(strength) - 1, 1))
            ax.plot(omega, reduced[i, j], color=col, lw=1.3, label=_strength_label(label, st))
            if theory is not None:
                ax.plot(omega, theory[i, j], color=col, lw=1.0, ls="--")
            if window is not None and np.isfinite(window[1][i, j]):
                k = min(np.searchsorted(omega, window[1][i, j]), len(omega) - 1)
                ax.plot([window[1][i, j]], [reduced[i, j, k]], marker="|", ms=12, mew=2, color=col)
        ax.axhline(1.0, color="0.3", ls=":", lw=1, label="own Debye level")
        if theory is not None:
            ax.plot([], [], color="0.3", lw=1.0, ls="--", label="effective-medium theory")
        if window is not None and np.isfinite(window[0][i]).any():
            ax.axvspan(0, float(np.nanmin(window[0][i])), color="0.88", lw=0, zorder=0, label="below the window")
            ax.plot([], [], marker="|", ms=10, mew=2, color="0.3", ls="", label=r"window end $1.5\,c$")
        ax.set_xlim(0, omega_max)
        finite = reduced[i][:, omega <= omega_max]
        top = np.nanmax(finite[np.isfinite(finite)]) if np.isfinite(finite).any() else 2.0
        ax.set_ylim(0, max(1.2, 1.1 * top))
        ax.set_xlabel(r"$\omega$")
        ax.set_ylabel(r"$(g/\omega)\,/\,(1/2\pi c^2)$")
        finish_axes(ax, label)
        ax.legend(frameon=False, fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.17))  # below: the curves fill the axes
    return axes


def plot_damping(q, omega_q, gamma, gamma_error, resolved, strength, labels, axes, *, floor=None, theory=None):
    """One panel per family: ``Gamma(q)`` (log-log) per strength, the Ioffe-Regel line
    ``Omega/pi`` (dotted) and a ``q^3`` guide; open markers are unresolved widths.

    Parameters
    ----------
    q : (Q,) array
    omega_q, gamma, gamma_error : (F, S, Q) arrays
    resolved : (F, S, Q) bool array
    floor : float, optional
        Resolution of S(q, omega), drawn as a grey line.

    Examples
    --------
    >>> import numpy as np, matplotlib.pyplot as plt
    >>> from bosonpeak.plotting.disorder import plot_damping
    >>> fig, ax = plt.subplots()
    >>> q = np.array([0.2, 0.4, 0.8]); g = (0.1 * q**3)[None, None]
    >>> axes = plot_damping(q, q[None, None], g, 0.1 * g, g > 0.001, np.array([0.5]), ["springs"], [ax], floor=0.001)
    >>> ax.get_xscale()
    'log'
    """
    import matplotlib.pyplot as plt

    cmap = plt.get_cmap("viridis")
    for i, (ax, label) in enumerate(zip(axes, labels)):
        anchor = None
        for j, st in enumerate(strength):
            col = cmap(j / max(len(strength) - 1, 1))
            g = np.where(gamma[i, j] > 0, gamma[i, j], np.nan)
            r = resolved[i, j]
            ax.errorbar(q[r], g[r], yerr=gamma_error[i, j][r], color=col, marker="o", ms=4, lw=1, label=_strength_label(label, st))
            ax.plot(q[~r], g[~r], color=col, marker="o", mfc="none", ls="", ms=4)
            ax.plot(q, omega_q[i, j] / np.pi, color=col, ls=":", lw=1)
            if theory is not None:
                ax.plot(q, np.where(theory[i, j] > 0, theory[i, j], np.nan), color=col, ls="--", lw=1)
            if r.any() and anchor is None:
                anchor = (q[r][0], g[r][0])
        if anchor is not None:
            ax.plot(q, anchor[1] * (q / anchor[0]) ** 3, color="k", ls="-.", lw=0.8, label=r"$\propto q^3$")
        if floor is not None:
            ax.axhline(floor, color="0.6", lw=0.8, label="resolution")
        ax.plot([], [], color="0.4", ls=":", lw=1, label=r"$\Omega/\pi$ (Ioffe-Regel)")
        ax.plot([], [], color="0.4", marker="o", mfc="none", ls="", label="unresolved")
        if theory is not None:
            ax.plot([], [], color="0.4", ls="--", lw=1, label="effective-medium theory")
        ax.set_xlabel(r"$|q|$")
        ax.set_ylabel(r"$\Gamma$")
        finite = gamma[i][np.isfinite(gamma[i]) & (gamma[i] > 0)]
        if finite.size:
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
            bottom = 0.1 * floor if floor else 0.5 * finite.min()  # unresolved widths below a tenth of the resolution are clipped
            ax.set_ylim(bottom, 2 * max(finite.max(), np.nanmax(omega_q[i]) / np.pi))
        else:
            ax.text(0.5, 0.5, "no fit: no sound\n(networks do not percolate)", ha="center", va="center", transform=ax.transAxes)
        finish_axes(ax, label)
        handles = [h.lines[0] if isinstance(h, ErrorbarContainer) else h for h in ax.get_legend_handles_labels()[0]]  # bars: one entry below
        if ax.containers:
            handles.append(Line2D([], [], color="0.4", marker="|", ms=8, ls="", label="bars: standard error of the width (may hide in the marker)"))
        ax.legend(handles=handles, frameon=False, fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.17))  # below: the points fill the axes
    return axes
