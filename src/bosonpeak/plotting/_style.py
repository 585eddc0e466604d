"""What every plotting function shares: colours, the Axes to draw on, the finishing step."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

#: Colours of the disordered networks, from weak (purple) to strong (orange) disorder; the crystal is black.
DELTA_CMAP = matplotlib.colormaps["plasma"]
#: The part of ``DELTA_CMAP`` used: far enough from black and from a pale yellow on white.
DELTA_RANGE = (0.2, 0.8)


def delta_colours(n: int) -> list:
    """``n`` colours: black (the crystal, first), then steps of ``DELTA_CMAP`` that stay
    distinguishable (purple, magenta, orange for n = 4)."""
    if n <= 1:
        return [DELTA_CMAP(DELTA_RANGE[1])]
    return ["black"] + [DELTA_CMAP(x) for x in np.linspace(*DELTA_RANGE, n - 1)]


def finish_axes(ax, title=None):
    """The common last step of every plotting function: a frameless legend, the title; returns ``ax``."""
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax
