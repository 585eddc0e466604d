"""The ``DOS`` record: a vibrational density of states on a grid of omega bins.

Every engine of ``bosonpeak.dos`` returns one (``spectrum.py`` holds the entry and the engine
registry); the analysis and figures read any of them. Conventions (``docs/physics.md``):
``density`` is per mode, ``counts / (N * bin width)``, by default without the exact zero modes
(``zero_modes_removed``); ``reduced`` is ``density / omega**(d-1)`` at the bin centres, the
paper's ``g(omega) / omega`` in 2D.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, eq=False)
class DOS:
    """A vibrational density of states on a grid of omega bins.

    Attributes
    ----------
    edges : ndarray, shape (B + 1,)
        Bin edges in omega.
    density : ndarray, shape (B,)
        ``g(omega)`` per mode (the mean over ``samples`` for an ensemble).
    n_modes : int
        Modes per sample, ``N``.
    method : str
        Engine that produced it.
    error : ndarray, shape (B,), optional
        Standard error of ``density`` (over samples, or stochastic for KPM).
    samples : ndarray, shape (K, B), optional
        One density per sample of an ensemble.
    zero_modes : float
        Zero modes (connected components) per sample; included in ``density`` unless
        ``zero_modes_removed``.
    zero_modes_removed : bool
        Whether the exact zero modes were taken out of the lowest bin.
    resolution : float, optional
        Resolution in omega for smoothed methods (KPM); None for exact histograms.
    info : dict
        Method-specific details (timings, moments, shifts, ...).
    dim, model : int or None, str or None
        Space dimension (2, 3) and ``"scalar"`` or ``"vector"`` of the matrix, where known (a
        network's DOS; a bare matrix's only if ``dos(..., dim=, model=)`` says): the Debye law.
    crystal : bool
        The DOS of a perfect crystal (``model.lattice.is_crystal``): it has no Boson peak.
    """

    edges: np.ndarray
    density: np.ndarray
    n_modes: int
    method: str
    error: np.ndarray | None = None
    samples: np.ndarray | None = None
    zero_modes: float = 0.0
    zero_modes_removed: bool = False
    resolution: float | None = None
    info: dict = field(default_factory=dict)
    dim: int | None = None
    model: str | None = None
    crystal: bool = False

    @property
    def centres(self) -> np.ndarray:
        """Bin centres, shape (B,)."""
        return 0.5 * (self.edges[1:] + self.edges[:-1])

    @property
    def widths(self) -> np.ndarray:
        """Bin widths, shape (B,)."""
        return np.diff(self.edges)

    @property
    def reduced(self) -> np.ndarray:
        """Reduced DOS ``g / omega**(d-1)`` at the bin centres (``d = 2`` unless ``dim`` says 3): Debye's law is a constant."""
        return self.density / self.centres ** ((self.dim or 2) - 1)

    @property
    def reduced_error(self) -> np.ndarray | None:
        """Standard error of ``reduced``, if ``error`` is known."""
        return None if self.error is None else self.error / self.centres ** ((self.dim or 2) - 1)

    @property
    def reduced_samples(self) -> np.ndarray | None:
        """``g / omega**(d-1)`` of every sample, shape (K, B), for an ensemble."""
        return None if self.samples is None else self.samples / self.centres ** ((self.dim or 2) - 1)

    def integral(self) -> float:
        """``sum(density * widths)``: 1 when every mode falls inside the edges."""
        return float(np.sum(self.density * self.widths))

    def __repr__(self) -> str:
        """One line: method, N, the bins, samples, zero modes and resolution; never the arrays."""
        parts = [f"method={self.method!r}", f"N={self.n_modes}"]
        widths = self.widths
        width = f"width {widths[0]:g}" if len(widths) and np.allclose(widths, widths[0]) else "variable width"
        parts.append(f"{len(self.density)} bins on omega in [{self.edges[0]:g}, {self.edges[-1]:g}) ({width})")
        if self.samples is not None:
            parts.append(f"{len(self.samples)} samples")
        if self.error is not None:
            parts.append("with error")
        parts.append(f"zero_modes={self.zero_modes:g}" + (" (removed)" if self.zero_modes_removed else ""))
        if self.resolution is not None:
            parts.append(f"resolution={self.resolution:.3g}")
        parts.append(f"integral={self.integral():.6g}")
        return f"DOS({', '.join(parts)})"

    def to_xarray(self):
        """The DOS as an ``xarray.Dataset`` on the bin centres ``omega``.

        Variables carry CF ``units`` and ``long_name``: ``density`` and ``reduced`` (omega),
        ``error`` and ``reduced_error`` if known, ``samples`` (seed, omega) for an ensemble, and
        the CF bounds ``omega_bounds`` (omega, 2) holding the bin edges. The attributes hold
        ``method``, ``n_modes``, ``zero_modes``, ``zero_modes_removed`` (0 or 1), ``resolution``
        if any, and the scalar entries of ``info``; units are those of the model (``a = m = t0 = 1``).
        The Dataset writes to NetCDF as it is (``to_netcdf``).

        Returns
        -------
        xarray.Dataset

        Examples
        --------
        >>> import numpy as np, bosonpeak
        >>> g = bosonpeak.ensemble_dos(8, 0.2, seeds=3, edges=np.arange(0, 3.01, 0.1), rng=1)
        >>> ds = g.to_xarray()
        >>> ds.density.dims, ds.samples.dims, ds.omega.attrs["units"]
        (('omega',), ('seed', 'omega'), 'sqrt(t0/m)')
        """
        from ._xarray import dos_dataset  # xarray is heavy: imported only here

        return dos_dataset(self)

    def plot(self, ax=None, *, reduced: bool = False, samples: bool = False, error: bool = True, label=None, **line_kwargs):
        """Draw this DOS on ``ax`` (a new figure by default) and return the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        reduced : bool
            Draw ``g(omega) / omega`` instead of ``g(omega)``.
        samples : bool
            Also draw each sample of an ensemble, thin.
        error : bool
            Draw the standard error as a band, where it is known.
        label : str, optional
            Legend entry.
        **line_kwargs
            Passed to ``Axes.plot`` (``color``, ``lw``, ...).

        Returns
        -------
        matplotlib Axes

        Examples
        --------
        >>> import numpy as np, bosonpeak
        >>> g = bosonpeak.dos(bosonpeak.network(12, 0.2, rng=0), np.arange(0, 3.01, 0.1))
        >>> ax = g.plot(reduced=True)
        >>> print(ax.get_ylabel())
        $g(\\omega)/\\omega$
        """
        from ..plotting.spectrum import plot_dos  # the one rightward import: an accessor, as pandas' .plot

        values = self.reduced if reduced else self.density
        err = (self.reduced_error if reduced else self.error) if error else None
        smp = (self.reduced_samples if reduced else self.samples) if samples else None
        return plot_dos(self.centres, values, ax, error=err, samples=smp, reduced=reduced, label=label, **line_kwargs)
