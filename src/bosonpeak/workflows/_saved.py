"""Checks of the data files a command reads back (``bosonpeak disorder --reanalyse``): the
expected variables with their dimensions, settings that parse, finite and valid values. A file
that fails is refused with one line naming the option and what is wrong, before any analysis.
"""

from __future__ import annotations

import json

import numpy as np

from .. import _checks
from ..spectra.spectrum import methods

#: Largest ``disorder_data.nc`` read back (a scan of thousands of points is a few hundred MB).
MAX_SAVED_BYTES = 2**32
#: Variables of a disorder scan's raw data and their dimensions.
DISORDER_VARIABLES = {
    "density": ("family", "strength", "seed", "omega"), "c2": ("family", "strength", "seed"),
    "percolates": ("family", "strength", "seed"), "dos_resolution": ("family", "strength", "seed"),
    "sq": ("family", "strength", "seed", "q", "omega_s"), "omega_edges": ("omega_edge",), "sq_edges": ("omega_s_edge",),
}
#: Settings a re-analysis reads, with their checks.
SETTINGS = {"L": lambda v: _checks.integer("settings.L", v, minimum=3), "seed": lambda v: _checks.seed("settings.seed", v),
            "method": lambda v: _checks.choice("settings.method", v, methods())}


def check_disorder_data(raw, name: str = "reanalyse") -> dict:
    """Refuse ``raw`` (an ``xarray.Dataset``) unless it holds a disorder scan's raw data that
    ``workflows.disorder.analyse`` can use; return its parsed settings. Errors name ``name``.

    Examples
    --------
    >>> import xarray as xr
    >>> from bosonpeak.workflows._saved import check_disorder_data
    >>> check_disorder_data(xr.Dataset(attrs={"settings": "{}"}))
    Traceback (most recent call last):
    ...
    bosonpeak._checks.ParameterError: 'reanalyse' is not the raw data of bosonpeak disorder: it lacks the variable(s) c2, density, dos_resolution, omega_edges, percolates, sq, sq_edges, q, strength
    """
    missing = sorted(set(DISORDER_VARIABLES) - set(raw.variables)) + sorted({"q", "strength"} - set(raw.coords))
    if missing:
        raise _checks.ParameterError(f"'{name}' is not the raw data of bosonpeak disorder: it lacks the variable(s) {', '.join(missing)}")
    for var, dims in DISORDER_VARIABLES.items():
        if raw[var].dims != dims:
            raise _checks.ParameterError(f"'{name}': variable {var} must have dimensions {dims}; got {raw[var].dims}")
    try:
        settings = json.loads(raw.attrs["settings"])
        if not isinstance(settings, dict):
            raise ValueError("not a table")
        for key, check in SETTINGS.items():
            check(settings[key])
    except (KeyError, ValueError, TypeError) as exc:
        raise _checks.ParameterError(f"'{name}': its settings attribute is malformed ({type(exc).__name__}: {exc})") from None
    _values(name, raw)
    return settings


def _values(name, raw) -> None:
    def bad(var, what):
        raise _checks.ParameterError(f"'{name}': variable {var} {what}")

    for var in ("omega_edges", "sq_edges"):
        edges = np.asarray(raw[var].values, dtype=float)
        if not np.all(np.isfinite(edges)) or edges.size < 2 or edges[0] < 0 or np.any(np.diff(edges) <= 0):
            bad(var, "must be finite, start at 0 or above and increase strictly")
    if raw.sizes["omega_edge"] != raw.sizes["omega"] + 1 or raw.sizes["omega_s_edge"] != raw.sizes["omega_s"] + 1:
        bad("omega_edges", "must hold one edge more than the bins")
    for var in ("density", "sq"):
        v = np.asarray(raw[var].values, dtype=float)
        if not np.all(np.isfinite(v)) or np.any(v < 0):
            bad(var, f"must be finite and >= 0; got {int(np.sum(~np.isfinite(v)))} non-finite, {int(np.sum(v < 0))} negative values")
    c2 = np.asarray(raw["c2"].values, dtype=float)
    if not np.all(np.isfinite(c2)) or np.any(c2 < 0):
        bad("c2", "must be finite and >= 0")
    res = np.asarray(raw["dos_resolution"].values, dtype=float)
    if np.any(res[~np.isnan(res)] <= 0):
        bad("dos_resolution", "must be NaN (an exact engine) or > 0")
    if not np.all(np.isin(np.asarray(raw["percolates"].values), (0, 1))):
        bad("percolates", "must hold 0 or 1")
    q = np.asarray(raw["q"].values, dtype=float)
    if not np.all(np.isfinite(q)) or np.any(q <= 0):
        bad("q", "must be finite and > 0")
    resolution = raw.attrs.get("sq_resolution", np.nan)
    if not isinstance(resolution, (int, float, np.number)) or (np.isfinite(resolution) and resolution <= 0):
        bad("sq_resolution", "(an attribute) must be NaN or a number > 0")
