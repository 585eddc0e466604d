"""Plotting functions: they take data and an optional Axes, draw, and return the Axes.

Nothing here computes physics; the data come from the pipeline (see ``reproduce``).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from ._style import _axes, delta_colours, finish_axes  # noqa: E402


def plot_network(positions, bonds, box, ax=None, *, zoom=None, zoom_ax=None, node_size=4.0, title=None):
    """Draw nodes and minimum-image springs in the periodic box.

    A spring that crosses the box's edge is drawn from both of its nodes towards the other's
    periodic image, so it leaves the box on one side and comes back on the other.

    Parameters
    ----------
    positions : (N, 2) array
    bonds : (E, 2) int array
    box : float
    zoom : (x0, x1, y0, y1), optional
        Region enlarged, marked by a dashed box.
    zoom_ax : Axes, optional
        Where to draw the enlargement; default an inset beside ``ax`` (outside it, on the
        right), so that it hides no part of the network.
    """
    ax = _axes(ax)
    positions = np.asarray(positions)
    bonds = np.asarray(bonds)
    p0, p1 = positions[bonds[:, 0]], positions[bonds[:, 1]]
    d = p1 - p0
    d -= box * np.round(d / box)
    crossing = np.any(np.abs(p0 + d - p1) > 1e-9 * box, axis=1)
    segments = np.concatenate([np.stack([p0, p0 + d], axis=1), np.stack([p1[crossing], p1[crossing] - d[crossing]], axis=1)])

    def draw(target, s, lw):
        target.add_collection(LineCollection(segments, colors="0.6", linewidths=lw, zorder=1))
        target.scatter(positions[:, 0], positions[:, 1], s=s, c="k", zorder=2, linewidths=0)
        target.set_aspect("equal")

    draw(ax, node_size, 0.4)
    low = float(np.floor(positions.min() + 0.5)) - 0.5  # the periodic cell holding every node
    ax.set_xlim(low, low + box)
    ax.set_ylim(low, low + box)
    ax.set_xlabel(r"$x/a$")
    ax.set_ylabel(r"$y/a$")
    if title:
        ax.set_title(title, fontsize=10)
    if zoom is not None:
        x0, x1, y0, y1 = zoom
        inset = ax.inset_axes([1.04, 0.25, 0.5, 0.5]) if zoom_ax is None else zoom_ax
        draw(inset, node_size * 8, 1.2)
        inset.set_xlim(x0, x1)
        inset.set_ylim(y0, y1)
        inset.set_xticks([])
        inset.set_yticks([])
        for spine in inset.spines.values():
            spine.set_linestyle("--")
        ax.indicate_inset_zoom(inset, edgecolor="k", linestyle="--")
    return ax


def plot_reduced_dos(omega, curves, labels, ax=None, *, samples=None, debye_level=None, debye_label="Debye level", shade_below=None,
                     shade_curve: int = -1, omega_max=None, title=None):
    """Reduced DOS ``g / omega``: a thick line per curve, thin lines for its samples.

    Parameters
    ----------
    omega : (B,) array
        Bin centres.
    curves : (C, B) array
        Thick line of each curve (for example the mean over seeds of each delta); NaN is not drawn.
    labels : list of str
        One label per curve.
    samples : (C, K, B) array, optional
        ``g / omega`` of each sample, drawn thin.
    debye_level : float, optional
        Debye's ``g_D / omega``, drawn dashed.
    shade_below : float, optional
        Shade the excess of one curve over ``debye_level`` for ``omega < shade_below``, in that
        curve's colour; the legend names the curve.
    shade_curve : int
        Which curve's excess is shaded (default the last).
    """
    ax = _axes(ax)
    curves = np.atleast_2d(curves)
    colours = delta_colours(len(curves))
    for c, (curve, label, colour) in enumerate(zip(curves, labels, colours)):
        if samples is not None:
            for s in samples[c]:
                ax.plot(omega, s, color=colour, lw=0.4, alpha=0.35)
        ax.plot(omega, curve, color=colour, lw=2.2 if c == 0 else 1.6, label=label)
    if debye_level is not None:
        ax.axhline(debye_level, color="0.3", ls="--", lw=1, label=debye_label)
    if samples is not None:
        ax.plot([], [], color="0.4", lw=0.4, alpha=0.6, label="one seed each (thin)")
    if debye_level is not None and shade_below is not None:
        c = shade_curve % len(curves)
        sel = omega < shade_below
        ax.fill_between(omega[sel], debye_level, curves[c][sel], where=curves[c][sel] > debye_level, color=colours[c], alpha=0.3, lw=0,
                        label=rf"excess of {labels[c].split(',')[0]} over Debye, $\omega<{shade_below:g}$")
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(r"$g(\omega)/\omega$")
    right = omega_max if omega_max is not None else omega[-1]
    ax.set_xlim(0, right)
    drawn = np.concatenate([curves.ravel()] + ([] if samples is None else [np.asarray(samples).ravel()]))
    ax.set_ylim(0, 1.2 * np.nanmax(drawn) if np.isfinite(drawn).any() else None)  # room for the legend above the curves
    finish_axes(ax, title)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return ax


def plot_coordination(z, fractions, labels, ax=None, *, errors=None, title=None):
    """Distribution of coordination numbers: one line with markers per curve.

    Parameters
    ----------
    z : (Z,) int array
    fractions : (C, Z) array
        Fraction of nodes with each ``z``.
    errors : (C, Z) array, optional
        Standard errors, drawn as error bars; the legend gives the largest and says whether
        the bars are hidden by the markers.
    """
    from matplotlib.lines import Line2D

    ax = _axes(ax)
    colours = delta_colours(len(fractions) + 1)[1:]
    handles = []
    for c, (frac, label, colour) in enumerate(zip(fractions, labels, colours)):
        ax.errorbar(z, frac, yerr=None if errors is None else errors[c], color=colour, marker="o", ms=4, lw=1.4, capsize=2, label=label)
        handles.append(Line2D([], [], color=colour, marker="o", ms=4, lw=1.4, label=label))
    ax.set_xlabel(r"coordination number $z$")
    ax.set_ylabel("fraction of nodes")
    ax.set_ylim(0, 1.3 * float(np.nanmax(fractions)) if np.isfinite(fractions).any() and np.nanmax(fractions) > 0 else None)  # room for the legend
    if errors is not None and np.size(errors):
        largest = float(np.nanmax(errors))
        bar_px = 2 * largest * ax.bbox.height / np.diff(ax.get_ylim())[0]  # a bar's length on the page
        hidden = bar_px < 4 * ax.figure.dpi / 72  # shorter than a marker (ms = 4 points)
        handles.append(Line2D([], [], color="0.3", marker="|", ms=8, lw=1.4, ls="none",
                              label=f"standard error over seeds: at most {largest:.1g}" + ("\n(bars inside the markers)" if hidden else "")))
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper right")  # the tail of high z is empty
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_coordination_map(positions, radii, z, box, ax=None, *, rattler=None, z_range=(3, 7), colorbar=True, title=None):
    """Disks coloured by coordination number, one grey per integer ``z`` from light
    (``z_range[0]``, still visible on white) to black (``z_range[1]``), as the paper's Fig. 3
    right inset, with a discrete colour bar; rattlers drawn as empty dashed circles.

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
    from matplotlib.colors import BoundaryNorm, ListedColormap

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
    levels = np.arange(z_range[0], z_range[1] + 1)
    cmap = ListedColormap([str(g) for g in np.linspace(0.85, 0.05, len(levels))])
    norm = BoundaryNorm(np.append(levels - 0.5, levels[-1] + 0.5), cmap.N, extend="neither")
    solid = EllipseCollection(2 * r[~rat], 2 * r[~rat], 0, units="xy", offsets=xy[~rat], offset_transform=ax.transData,
                              cmap=cmap, norm=norm, edgecolors="0.3", linewidths=0.3)
    solid.set_array(np.clip(zz[~rat], z_range[0], z_range[1]).astype(float))
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
        bar = ax.figure.colorbar(solid, ax=ax, fraction=0.046, pad=0.02, ticks=levels)
        bar.set_label(rf"contact number $z$ (${z_range[1]}$: $\geq {z_range[1]}$)")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_toy_local_dos(omega, responses, highlight, poles, ax=None, *, structure=None, ymin=1e-7, ylabel=r"$-\mathrm{Im}\,G_{ii}(\omega)$", title=None):
    """The toy model's on-node response in its three situations (paper, Fig. 4 right), on a log scale.

    Parameters
    ----------
    omega : (W,) array
    responses : dict kind -> (W, 9) array
        Response of every node for ``"square"``, ``"extra"`` and ``"missing"``.
    highlight : dict kind -> list of int
        Nodes whose coordination changed, drawn darker and named in the legend.
    poles : dict kind -> array
        New pole frequencies, circled (dashed).
    structure : dict, optional
        The nine nodes, drawn as an inset: ``positions`` (9, 2), ``bonds`` (E, 2) of the square
        lattice (periodic: springs that wrap are short stubs), ``added`` and ``removed`` (K, 2)
        springs of the other two situations.
    ymin : float
        Lower end of the log axis (the legend and the inset sit below the curves); the upper
        end leaves room above the highest peak.
    """
    from matplotlib.lines import Line2D

    ax = _axes(ax)
    style = {
        "square": dict(color="0.55", lw=5, alpha=0.35, hi_color="0.55"),
        "extra": dict(color="0.45", lw=0.8, alpha=1.0, hi_color="black"),
        "missing": dict(color="#ff7f7f", lw=0.8, alpha=1.0, hi_color="darkred"),
    }
    names = {"square": "square lattice, every node ($z=4$)", "extra": "extra spring (inset: dashed)", "missing": "missing spring (inset: dotted)"}
    new_z = {"extra": 5, "missing": 3}
    top = max(float(r.max()) for r in responses.values())
    handles = []
    for kind, resp in responses.items():
        st = style[kind]
        special = list(highlight.get(kind, ()))
        for node in range(resp.shape[1]):
            hi = node in special
            ax.plot(omega, resp[:, node], color=st["hi_color"] if hi else st["color"], lw=st["lw"] * (1.6 if hi and kind != "square" else 1), alpha=st["alpha"], zorder=3 if hi else 2)
        if special:
            handles.append(Line2D([], [], color=st["color"], lw=st["lw"], label=f"{names[kind]}: other nodes"))
            nodes = ", ".join(str(n) for n in special)
            handles.append(Line2D([], [], color=st["hi_color"], lw=st["lw"] * 1.6, label=f"{names[kind]}: nodes {nodes} ($z={new_z.get(kind, 4)}$)"))
        else:
            handles.append(Line2D([], [], color=st["hi_color"], lw=st["lw"], alpha=st["alpha"], label=names[kind]))
        for w in poles.get(kind, ()):
            k = int(np.argmin(abs(omega - w)))
            h = float(resp[k].max())
            ax.scatter([w], [min(h, top) * 0.5], s=900, facecolors="none", edgecolors=st["hi_color"], linestyles="--", linewidths=1.2, zorder=4)
    if any(len(p) for p in poles.values()):
        handles.append(ax.scatter([], [], s=220, facecolors="none", edgecolors="0.3", linestyles="--", linewidths=1.2, label="new pole (dashed circle)"))
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(ylabel)
    ax.set_xlim(omega[0], omega[-1])
    ax.set_yscale("log")
    ax.set_ylim(ymin, top * 8.0)  # the thick lines' rounded tops and the circles stay inside
    ax.legend(handles=handles, frameon=False, fontsize=7, loc="lower left")
    if structure is not None:
        _toy_inset(ax.inset_axes([0.72, 0.02, 0.26, 0.4]), structure, highlight)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _toy_inset(ax, structure, highlight):
    """The nine nodes: square-lattice springs grey, the added one black dashed, the removed one red dotted."""
    pos = np.asarray(structure["positions"], float)
    for i, j in np.asarray(structure["bonds"]):
        d = pos[j] - pos[i]
        if np.max(np.abs(d)) > 1.5:  # wraps around the periodic 3 x 3 cell: a stub out of each node
            step = -np.sign(d) * (np.abs(d) > 1.5) * 0.4
            for p, s in ((pos[i], step), (pos[j], -step)):
                ax.plot([p[0], p[0] + s[0]], [p[1], p[1] + s[1]], color="0.6", lw=1)
        else:
            ax.plot(*pos[[i, j]].T, color="0.6", lw=1)
    for i, j in np.asarray(structure.get("added", np.empty((0, 2), int))):
        ax.plot(*pos[[i, j]].T, color="black", lw=1.6, ls="--")
    for i, j in np.asarray(structure.get("removed", np.empty((0, 2), int))):
        ax.plot(*pos[[i, j]].T, color="darkred", lw=1.6, ls=":")
    ax.scatter(*pos.T, s=18, color="0.5", zorder=3)
    for kind, colour in (("extra", "black"), ("missing", "darkred")):
        for n in highlight.get(kind, ()):
            ax.scatter(*pos[n], s=30, facecolors="none", edgecolors=colour, linewidths=1.2, zorder=4)
    for n, p in enumerate(pos):
        ax.annotate(str(n), p, xytext=(3, 3), textcoords="offset points", fontsize=6)
    ax.set_xlim(pos[:, 0].min() - 0.6, pos[:, 0].max() + 0.6)
    ax.set_ylim(pos[:, 1].min() - 0.6, pos[:, 1].max() + 0.6)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
