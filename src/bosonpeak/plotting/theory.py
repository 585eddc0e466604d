"""Effective-medium theory on the same axes as the numerics."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from ._style import _axes, finish_axes


def plot_theory_vs_numerics(centres, reduced, error, omega, reduced_theory, *, c2=None, c2_theory=None, omega_bp_theory=None,
                            theory_label="theory", data_label="networks", omega_max=None, ax=None, title=None):
    """``g/omega`` of an ensemble (points with error bars) and of a theory (line), with both Debye levels.

    Parameters
    ----------
    centres, reduced, error : (B,) arrays
        Bin centres, ensemble ``g/omega`` and its standard error (or None).
    omega, reduced_theory : (F,) arrays
        The theory curve (``TheoryCurve.omega``, ``TheoryCurve.reduced``).
    c2, c2_theory : float, optional
        Measured and theory ``c^2``: dotted and dashed Debye levels ``1 / (2 pi c^2)``.
    omega_bp_theory : float, optional
        The theory's Boson peak (vertical line; omitted for None or NaN).
    omega_max : float, optional
        Right end of the axis.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.plotting.theory import plot_theory_vs_numerics
    >>> w = np.linspace(0, 3, 31)
    >>> ax = plot_theory_vs_numerics(w[1:], 0 * w[1:] + 0.2, None, w, 0 * w + 0.2, c2=0.8, c2_theory=0.8)
    >>> len(ax.get_lines()) >= 3
    True
    """
    ax = _axes(ax)
    ax.errorbar(centres, reduced, error, fmt="o", ms=3, color="k", label=data_label)
    ax.plot(omega, reduced_theory, color="C0", lw=1.5, label=theory_label)
    if c2 is not None and np.isfinite(c2) and c2 > 0:
        ax.axhline(1.0 / (2.0 * np.pi * c2), color="k", ls=":", lw=1, label=r"Debye, measured $c^2$")
    if c2_theory is not None and np.isfinite(c2_theory) and c2_theory > 0:
        ax.axhline(1.0 / (2.0 * np.pi * c2_theory), color="C0", ls="--", lw=1, label=r"Debye, theory $c^2$")
    if omega_bp_theory is not None and np.isfinite(omega_bp_theory):
        ax.axvline(omega_bp_theory, color="C1", lw=1, label=r"theory $\omega_{\rm BP}$")
    finite = np.concatenate([np.asarray(reduced, float)[np.isfinite(reduced)], np.asarray(reduced_theory, float)[np.isfinite(reduced_theory)]])
    ax.set_ylim(0, 1.15 * float(finite.max()) if finite.size else 1.0)
    ax.set_xlim(0, omega_max if omega_max is not None else float(np.max(centres)))
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(r"$g(\omega)/\omega$")
    return finish_axes(ax, title)


def theory_legend_handles():
    """Proxy artists for a shared legend: data points, theory line, the two Debye levels, the theory peak."""
    return [Line2D([], [], color="k", marker="o", ls="", ms=3), Line2D([], [], color="C0"), Line2D([], [], color="k", ls=":"),
            Line2D([], [], color="C0", ls="--"), Line2D([], [], color="C1")]
