"""What every plotting function shares: colours, the Axes to draw on, the finishing step."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LinearSegmentedColormap  # noqa: E402

#: Colours from the crystal (black) to the most disordered network (red), as in the paper.
DELTA_CMAP = LinearSegmentedColormap.from_list("black_red", ["black", "tab:red"])


def delta_colours(n: int) -> list:
    """``n`` colours from black to red."""
    return [DELTA_CMAP(x) for x in (np.linspace(0, 1, n) if n > 1 else [1.0])]


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
