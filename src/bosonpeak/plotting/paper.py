"""Plotting functions: they take data and an optional Axes, draw, and return the Axes.

Nothing here computes physics; the data come from the pipeline (see ``reproduce``).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from ._style import _axes, delta_colours, finish_axes  # noqa: E402


def plot_network(positions, bonds, box, ax=None, *, zoom=None, node_size=4.0, title=None):
    """Draw nodes and minimum-image springs in the periodic box.

    Parameters
    ----------
    positions : (N, 2) array
    bonds : (E, 2) int array
    box : float
    zoom : (x0, x1, y0, y1), optional
        Region enlarged in an inset, marked by a dashed box.
    """
    ax = _axes(ax)
    positions = np.asarray(positions)
    bonds = np.asarray(bonds)
    p0 = positions[bonds[:, 0]]
    d = positions[bonds[:, 1]] - p0
    d -= box * np.round(d / box)
    segments = np.stack([p0, p0 + d], axis=1)

    def draw(target, s, lw):
        target.add_collection(LineCollection(segments, colors="0.6", linewidths=lw, zorder=1))
        target.scatter(positions[:, 0], positions[:, 1], s=s, c="k", zorder=2, linewidths=0)
        target.set_aspect("equal")

    draw(ax, node_size, 0.4)
    ax.set_xlim(-0.5, box - 0.5)
    ax.set_ylim(-0.5, box - 0.5)
    ax.set_xlabel("x / a")
    ax.set_ylabel("y / a")
    if title:
        ax.set_title(title)
    if zoom is not None:
        x0, x1, y0, y1 = zoom
        inset = ax.inset_axes([0.52, 0.52, 0.45, 0.45])
        draw(inset, node_size * 8, 1.2)
        inset.set_xlim(x0, x1)
        inset.set_ylim(y0, y1)
        inset.set_xticks([])
        inset.set_yticks([])
        for spine in inset.spines.values():
            spine.set_linestyle("--")
        ax.indicate_inset_zoom(inset, edgecolor="k", linestyle="--")
    return ax


def plot_reduced_dos(omega, curves, labels, ax=None, *, samples=None, debye_level=None, debye_label="Debye level", shade_below=None, omega_max=None,
                     title=None):
    """Reduced DOS ``g / omega``: a thick line per curve, thin lines for its samples.

    Parameters
    ----------
    omega : (B,) array
        Bin centres.
    curves : (C, B) array
        Mean ``g / omega`` of each curve (for example each delta).
    labels : list of str
        One label per curve.
    samples : (C, K, B) array, optional
        ``g / omega`` of each sample, drawn thin.
    debye_level : float, optional
        Debye's ``g_D / omega``, drawn dashed.
    shade_below : float, optional
        Shade the excess over ``debye_level`` for ``omega < shade_below`` (grey).
    """
    ax = _axes(ax)
    curves = np.atleast_2d(curves)
    colours = delta_colours(len(curves))
    for c, (curve, label, colour) in enumerate(zip(curves, labels, colours)):
        if samples is not None:
            for s in samples[c]:
                ax.plot(omega, s, color=colour, lw=0.4, alpha=0.35)
        ax.plot(omega, curve, color=colour, lw=2.2 if c == 0 else 1.6, label=label)
        if debye_level is not None and shade_below is not None:
            sel = omega < shade_below
            ax.fill_between(omega[sel], debye_level, curve[sel], where=curve[sel] > debye_level, color="0.5", alpha=0.25, lw=0)
    if debye_level is not None:
        ax.axhline(debye_level, color="0.3", ls="--", lw=1, label=debye_label)
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(r"$g(\omega)/\omega$")
    ax.set_xlim(0, omega_max if omega_max is not None else omega[-1])
    ax.set_ylim(bottom=0)
    return finish_axes(ax, title)


def plot_coordination(z, fractions, labels, ax=None, *, errors=None, title=None):
    """Distribution of coordination numbers: one line with markers per curve.

    Parameters
    ----------
    z : (Z,) int array
    fractions : (C, Z) array
        Fraction of nodes with each ``z``.
    errors : (C, Z) array, optional
        Standard errors, drawn as error bars.
    """
    ax = _axes(ax)
    colours = delta_colours(len(fractions) + 1)[1:]
    for c, (frac, label, colour) in enumerate(zip(fractions, labels, colours)):
        ax.errorbar(z, frac, yerr=None if errors is None else errors[c], color=colour, marker="o", ms=4, lw=1.4, capsize=2, label=label)
    ax.set_xlabel("coordination number z")
    ax.set_ylabel("fraction of nodes")
    ax.set_ylim(bottom=0)
    return finish_axes(ax, title)


def plot_coordination_map(positions, radii, z, box, ax=None, *, rattler=None, z_range=(3, 7), colorbar=True, title=None):
    """Disks coloured by coordination number, white (``z_range[0]``) to black (``z_range[1]``),
    as the paper's Fig. 3 right inset; rattlers drawn as empty dashed circles.

    Parameters
    ----------
    positions : (N, 2) array
    radii : (N,) array
    z : (N,) int array
    box : float
        Side of the periodic box; disks crossing its edge are drawn with their images.
    rattler : (N,) bool array, optional
    """
    from matplotlib.collections import EllipseCollection
    from matplotlib.colors import Normalize

    ax = _axes(ax)
    positions, radii, z = np.asarray(positions), np.asarray(radii), np.asarray(z)
    rattler = np.zeros(len(z), dtype=bool) if rattler is None else np.asarray(rattler)
    shifts = [(sx, sy) for sx in (-1, 0, 1) for sy in (-1, 0, 1)]
    xy, r, zz, rat = [], [], [], []
    for sx, sy in shifts:
        p = positions + box * np.array([sx, sy])
        near = np.all((p > -radii[:, None]) & (p < box + radii[:, None]), axis=1)
        xy.append(p[near]), r.append(radii[near]), zz.append(z[near]), rat.append(rattler[near])
    xy, r, zz, rat = map(np.concatenate, (xy, r, zz, rat))
    norm = Normalize(*z_range)
    solid = EllipseCollection(2 * r[~rat], 2 * r[~rat], 0, units="xy", offsets=xy[~rat], offset_transform=ax.transData,
                              cmap="Greys", norm=norm, edgecolors="0.4", linewidths=0.3)
    solid.set_array(zz[~rat].astype(float))
    ax.add_collection(solid)
    if rat.any():
        ax.add_collection(EllipseCollection(2 * r[rat], 2 * r[rat], 0, units="xy", offsets=xy[rat], offset_transform=ax.transData,
                                            facecolors="none", edgecolors="tab:red", linewidths=0.6, linestyles="--"))
    ax.set_xlim(0, box)
    ax.set_ylim(0, box)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if colorbar:
        bar = ax.figure.colorbar(solid, ax=ax, fraction=0.046, pad=0.02, ticks=np.arange(z_range[0], z_range[1] + 1))
        bar.set_label("z")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_toy_local_dos(omega, responses, highlight, poles, ax=None, *, ylabel=r"$-\mathrm{Im}\,G_{ii}(\omega)$", title=None):
    """The toy model's on-node response in its three situations (paper, Fig. 4 right).

    Parameters
    ----------
    omega : (W,) array
    responses : dict kind -> (W, 9) array
        Response of every node for ``"square"``, ``"extra"`` and ``"missing"``.
    highlight : dict kind -> list of int
        Nodes whose coordination changed, drawn darker.
    poles : dict kind -> array
        New pole frequencies, circled (dashed).
    """
    ax = _axes(ax)
    style = {
        "square": dict(color="0.55", lw=5, alpha=0.35, hi_color="0.55"),
        "extra": dict(color="0.45", lw=0.8, alpha=1.0, hi_color="black"),
        "missing": dict(color="#ff7f7f", lw=0.8, alpha=1.0, hi_color="darkred"),
    }
    top = max(float(r.max()) for r in responses.values())
    for kind, resp in responses.items():
        st = style[kind]
        for node in range(resp.shape[1]):
            hi = node in highlight.get(kind, ())
            ax.plot(omega, resp[:, node], color=st["hi_color"] if hi else st["color"], lw=st["lw"] * (1.6 if hi and kind != "square" else 1), alpha=st["alpha"], zorder=3 if hi else 2)
        ax.plot([], [], color=st["hi_color"], lw=st["lw"], alpha=st["alpha"], label=kind)
        for w in poles.get(kind, ()):
            k = int(np.argmin(abs(omega - w)))
            h = float(resp[k].max())
            ax.scatter([w], [min(h, top) * 0.5], s=900, facecolors="none", edgecolors=st["hi_color"], linestyles="--", linewidths=1.2, zorder=4)
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(ylabel)
    ax.set_xlim(omega[0], omega[-1])
    ax.set_ylim(bottom=0)
    return finish_axes(ax, title)
