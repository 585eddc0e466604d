"""One density of states on one Axes: what ``DOS.plot`` draws.

Like every plotting function it takes data (bin centres and values already computed by the
``DOS``) and an optional Axes, draws, and returns the Axes.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)

import numpy as np  # noqa: E402

from ._style import _axes  # noqa: E402


def plot_dos(omega, values, ax=None, *, error=None, samples=None, reduced=False, label=None, omega_max=None, title=None, **line_kwargs):
    """Draw ``g(omega)`` (or ``g(omega) / omega``) against omega, with its error band and samples.

    Parameters
    ----------
    omega : (B,) array
        Bin centres.
    values : (B,) array
        ``g`` per mode at the bin centres, or ``g / omega`` when ``reduced``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure's Axes by default.
    error : (B,) array, optional
        Standard error of ``values``, drawn as a band of plus or minus one error.
    samples : (K, B) array, optional
        One curve per sample, drawn thin in the same colour.
    reduced : bool
        Only sets the y label: ``g(omega)/omega`` instead of ``g(omega)``.
    label : str, optional
        Legend entry of the curve (a legend is drawn when given).
    omega_max : float, optional
        Right end of the omega axis; default the last bin centre.
    title : str, optional
    **line_kwargs
        Passed to ``Axes.plot`` for the main curve (``color``, ``lw``, ...).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.plotting.spectrum import plot_dos
    >>> omega = np.linspace(0.05, 2.95, 30)
    >>> ax = plot_dos(omega, omega / (2 * np.pi), label="Debye")
    >>> print(ax.get_xlabel(), len(ax.lines))
    $\\omega$ 1
    """
    ax = _axes(ax)
    omega = np.asarray(omega, dtype=float)
    values = np.asarray(values, dtype=float)
    (line,) = ax.plot(omega, values, label=label, **{"lw": 1.6, **line_kwargs})
    colour = line.get_color()
    if samples is not None:
        for s in np.atleast_2d(samples):
            ax.plot(omega, s, color=colour, lw=0.4, alpha=0.35)
    if error is not None:
        error = np.asarray(error, dtype=float)
        ax.fill_between(omega, values - error, values + error, color=colour, alpha=0.25, lw=0)
    ax.set_xlabel(r"$\omega$")
    ax.set_ylabel(r"$g(\omega)/\omega$" if reduced else r"$g(\omega)$")
    ax.set_xlim(0, omega_max if omega_max is not None else omega[-1])
    ax.set_ylim(bottom=0)
    if label is not None:
        ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return ax
