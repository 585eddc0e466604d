"""``vector``: the scalar and the vector model of one network side by side, in 2D or 3D.

One network; its scalar Laplacian and its vector central-force matrix; each model's DOS, its
own sound speed(s) (scalar: relaxed conductivity; vector: relaxed bulk and shear moduli) and
Debye level; ``g / omega**(d-1)`` and ``C / T**d`` over their own Debye laws. Figures:
``reduced_dos`` and ``heat_capacity`` (``figures``).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from .. import _checks, _resources
from ..analysis.debye import debye_level_nd, heat_capacity_limit, heat_capacity_nd, reduced_dos
from ..analysis.elasticity import conductivity_tensor
from ..analysis.peak import OMEGA_MAX, boson_peak
from ..analysis.vector_elasticity import elastic_tensor
from ..matrices.laplacian import dynamical_matrix
from ..matrices.vector import vector_dynamical_matrix
from ..model.lattice import is_crystal, network
from ..spectra.spectrum import DOS, dos
from ..spectra.vector import check_resources, vector_zero_modes
from ._units import annotate

#: What this dataset's variables are, where ``_units.VARIABLES`` means another thing by the name.
VARIABLES = {
    "reduced_scalar": ("scalar g/omega^(d-1) over its Debye level", "one"),
    "reduced_vector": ("vector g/omega^(d-1) over its Debye level", "one"),
    "density_scalar": ("g(omega) per mode of the scalar Laplacian", "density"),
    "density_vector": ("g(omega) per mode of the vector central-force matrix", "density"),
    "heat_scalar": ("C/T^d of the scalar model over its Debye limit", "one"),
    "heat_vector": ("C/T^d of the vector model over its Debye limit", "one"),
    "heat_capacity_vector": ("heat capacity per node of the vector model", "heat"),
}
#: Temperatures of the heat-capacity curves.
TEMPERATURES = np.geomspace(0.005, 3.0, 60)


def compute(L: int, delta: float, *, dim: int = 3, rule: str = "cutoff", spring: str = "inverse", cutoff: float | None = None,
            method: str = "dense", bin_width: float = 0.05, seed: int = 2026, max_bytes: float | None = None,
            **options) -> xr.Dataset:
    """Scalar and vector DOS, speeds, Debye levels and heat capacities of one network.

    Examples
    --------
    >>> from bosonpeak.workflows.vector import compute
    >>> ds = compute(5, 0.3, cutoff=1.6, seed=1)
    >>> ds.attrs["zero_modes_vector"], ds.attrs["dim"], bool(ds.attrs["c_T"] < ds.attrs["c_L"])
    (3, 3, True)
    """
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    L = _checks.integer("L", L, minimum=3)
    bin_width = _checks.bin_width("bin_width", bin_width)
    net = network(L, delta, rule=rule, spring=spring, cutoff=cutoff, rng=seed, dim=dim)
    z = float(np.mean(net.coordination))
    check_resources(net.n_nodes, dim, model="vector", method=method, mean_z=z, max_bytes=max_bytes)
    H, K = dynamical_matrix(net), vector_dynamical_matrix(net)
    n0 = vector_zero_modes(net)
    top = np.sqrt(float(abs(K).sum(axis=1).max()))
    edges = bin_width * np.arange(_resources.check_bins("bin_width", bin_width, top) + 1)
    g_s = dos(H, edges, method=method, zero_modes=False, rng=seed, dim=dim, model="scalar", **options)
    g_v = dos(K, edges, method=method, zero_modes=False, rng=seed, n_zero=n0, dim=dim, model="vector", **options)
    cond, el = conductivity_tensor(net), elastic_tensor(net)
    rigid = n0 == dim
    level_s = debye_level_nd(dim, c=cond.c, n=cond.density)
    level_v = debye_level_nd(dim, model="vector", c_L=el.c_L, c_T=el.c_T, n=el.density) if rigid else np.nan
    T = TEMPERATURES
    C_s = heat_capacity_nd(g_s, T, dim, level=level_s, omega_low=2 * 2 * np.pi * cond.c / net.box)
    C_v = heat_capacity_nd(g_v, T, dim, level=level_v, omega_low=2 * 2 * np.pi * el.c_T / net.box) if rigid else np.full(T.shape, np.nan)
    why = "" if rigid else (f"NaN: the network is floppy ({n0} vector zero modes > the {dim} rigid translations), so it has "
                            "no vector sound speeds, Debye level or low-T heat capacity")
    ds = annotate(xr.Dataset(
        {
            "reduced_scalar": (("omega",), reduced_dos(g_s, dim) / level_s, {"long_name": "scalar g/omega^(d-1) over its Debye level"}),
            "reduced_vector": (("omega",), reduced_dos(g_v, dim) / level_v, {"long_name": "vector g/omega^(d-1) over its Debye level"}),
            "density_scalar": (("omega",), g_s.density), "density_vector": (("omega",), g_v.density),
            "heat_scalar": (("T",), C_s / T**dim / heat_capacity_limit(dim, level_s)),
            "heat_vector": (("T",), C_v / T**dim / (heat_capacity_limit(dim, level_v) if rigid else np.nan)),
            "heat_capacity_vector": (("T",), C_v), "omega_edges": (("omega_edge",), edges),
        },
        coords={"omega": g_s.centres, "T": T},
        attrs={"L": L, "delta": delta, "dim": dim, "rule": rule, "spring": spring, "cutoff": "default" if cutoff is None else cutoff,
               "method": method, "options": json.dumps(options), "seed": seed, "mean_z": z, "n_nodes": net.n_nodes,
               "zero_modes_vector": n0, "zero_modes_scalar": int(g_s.zero_modes), "c": cond.c, "c_L": el.c_L, "c_T": el.c_T,
               "bulk": el.bulk, "shear": el.shear, "affine_shear": el.affine_shear, "anisotropy": el.anisotropy,
               "debye_level_scalar": level_s, "debye_level_vector": level_v, "box": net.box, "vector_nan_reason": why,
               "crystal": int(is_crystal(net))},
    ), dim=dim, names=VARIABLES)
    if not rigid:  # NaN is the value, and every NaN variable says why
        for name in ("reduced_vector", "heat_vector", "heat_capacity_vector"):
            ds[name].attrs["comment"] = why
    return ds


def summary(ds: xr.Dataset) -> str:
    """One line: the network, zero modes, speeds, and each model's Boson-peak verdict over its own Debye law
    (``boson_peak`` in ``(2 x 2 pi c / L, 1.5 c)``, ``c_T`` for the vector model), with its window."""
    a = ds.attrs
    parts = []
    for m in ("scalar", "vector"):
        speed = a["c"] if m == "scalar" else a["c_T"]
        lo, hi = 2 * 2 * np.pi * speed / a["box"], OMEGA_MAX * speed
        density = ds[f"density_{m}"].values
        if not (np.isfinite(speed) and speed > 0 and np.all(np.isfinite(density)) and hi > lo):
            why = a.get("vector_nan_reason") if m == "vector" else None
            parts.append(f"{m}: no verdict ({why or 'no sound speed, or the network is too small for a window'})")
            continue
        dof = a["n_nodes"] * (a["dim"] if m == "vector" else 1)
        g = DOS(ds["omega_edges"].values, density, dof, a["method"], zero_modes_removed=True, dim=a["dim"], model=m,
                crystal=bool(a.get("crystal", 0)))
        speeds = dict(c=a["c"]) if m == "scalar" else dict(c_L=a["c_L"], c_T=a["c_T"])
        try:
            bp = boson_peak(g, omega_min=lo, omega_max=hi, **speeds)
        except ValueError as exc:
            parts.append(f"{m}: no verdict ({exc})")
            continue
        verdict = (f"peak at omega = {bp.omega:.3f} ({bp.height:.2f}x)" if bp.robust else f"no peak ({bp.reason})" if not bp.found
                   else f"no robust peak (max at omega = {bp.omega:.3f}; {bp.robustness()})")
        parts.append(f"{m}: {verdict} in ({lo:.3f}, {hi:.3f})")
    return (f"{a['dim']}D N = {a['n_nodes']}, z = {a['mean_z']:.2f}: zero modes vector {a['zero_modes_vector']}, "
            f"c = {a['c']:.3f}, c_L = {a['c_L']:.3f}, c_T = {a['c_T']:.3f}; Boson peak of g/omega^{a['dim'] - 1} over its own Debye level: "
            + "; ".join(parts))


def figures(ds: xr.Dataset, outdir) -> list:
    """Write ``reduced_dos.png`` and ``heat_capacity.png`` into ``outdir``; return the paths."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .._files import save_figure
    from ..plotting.vector import plot_heat_capacity_nd, plot_reduced_nd

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    a, dim = ds.attrs, int(ds.attrs["dim"])
    title = f"{dim}D, L = {a['L']}, $\\delta$ = {a['delta']:g}, $\\bar z$ = {a['mean_z']:.2f}"
    paths = []
    fig, ax = plt.subplots(figsize=(5, 3.6))
    plot_reduced_nd(ds["omega"].values, {m: ds[f"reduced_{m}"].values for m in ("scalar", "vector")}, dim, ax,
                    cutoff=2 * 2 * np.pi * a["c_T"] / a["box"], title=title)
    paths += save_figure(fig, outdir / "reduced_dos", formats=("png",))
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    plot_heat_capacity_nd(ds["T"].values, {m: ds[f"heat_{m}"].values for m in ("scalar", "vector")}, dim, ax, title=title)
    paths += save_figure(fig, outdir / "heat_capacity", formats=("png",))
    plt.close(fig)
    return paths
