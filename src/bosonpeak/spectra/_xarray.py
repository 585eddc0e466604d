"""``DOS.to_xarray``: the DOS as an ``xarray.Dataset`` with CF ``units`` and ``long_name``.

Units are those of the model: lattice constant ``a``, mass ``m`` and spring scale ``t0`` are 1,
so omega is in ``sqrt(t0/m)``, a density per unit omega in ``sqrt(m/t0)`` and ``g / omega`` in
``m/t0``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: CF units of omega, of a density per unit omega and of the reduced DOS ``g / omega``.
OMEGA_UNITS = "sqrt(t0/m)"
DENSITY_UNITS = "sqrt(m/t0)"
REDUCED_UNITS = "m/t0"


def _attrs(long_name: str, units: str) -> dict:
    return {"long_name": long_name, "units": units}


def _scalar_info(info: dict) -> dict:
    """The entries of ``info`` that NetCDF can store as attributes (numbers and strings)."""
    out = {}
    for key, value in info.items():
        if isinstance(value, (bool, np.bool_)):
            out[f"info_{key}"] = int(value)
        elif isinstance(value, (int, float, str, np.integer, np.floating)):
            out[f"info_{key}"] = value
    return out


def dos_dataset(g) -> xr.Dataset:
    """The Dataset of ``DOS.to_xarray`` (see there)."""
    omega = xr.Variable("omega", g.centres, {**_attrs("angular frequency (bin centre)", OMEGA_UNITS), "bounds": "omega_bounds"})
    data = {
        "density": (("omega",), g.density, _attrs("vibrational density of states per mode", DENSITY_UNITS)),
        "reduced": (("omega",), g.reduced, _attrs(f"reduced density of states g(omega)/omega^{(g.dim or 2) - 1}", REDUCED_UNITS)),
        "omega_bounds": (("omega", "bound"), np.column_stack([g.edges[:-1], g.edges[1:]]),
                         _attrs("bin edges in omega, [lower, upper)", OMEGA_UNITS)),
    }
    if g.error is not None:
        data["error"] = (("omega",), g.error, _attrs("standard error of density", DENSITY_UNITS))
        data["reduced_error"] = (("omega",), g.reduced_error, _attrs("standard error of reduced", REDUCED_UNITS))
    coords = {"omega": omega}
    if g.samples is not None:
        data["samples"] = (("seed", "omega"), g.samples, _attrs("density of states of each sample", DENSITY_UNITS))
        coords["seed"] = ("seed", np.arange(len(g.samples)), _attrs("sample index k (child k of the root SeedSequence)", "1"))
    attrs = {
        "method": g.method,
        "n_modes": int(g.n_modes),
        "zero_modes": float(g.zero_modes),
        "zero_modes_removed": int(g.zero_modes_removed),
        "zero_modes_note": "exact zero modes (one per connected component) per sample; "
                           + ("taken out of the lowest bin" if g.zero_modes_removed else "included in density"),
    }
    if g.resolution is not None:
        attrs["resolution"] = float(g.resolution)
    if g.dim is not None:
        attrs["dim"] = int(g.dim)
    if g.model is not None:
        attrs["model"] = g.model
    attrs["crystal"] = int(g.crystal)
    if "spawn_keys" in g.info:
        attrs["spawn_keys"] = repr(list(g.info["spawn_keys"]))
    attrs.update(_scalar_info(g.info))
    return xr.Dataset(data, coords=coords, attrs=attrs)
