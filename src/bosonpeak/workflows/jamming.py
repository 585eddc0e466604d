"""The scaling laws near jamming: packings over pressures and seeds, their contacts, moduli and D(omega).

``jamming_study`` makes, for every seed (SPEC 7 children of one root), one packing made at the
lowest target pressure and compressed through the others (``model.jamming.jammed_series``) and measures each one
(``packing_numbers``): pressure, phi, backbone z, Dz, var z, rattler fraction, G and B (relaxed),
the DOS of the backbone Hessian on a logarithmic grid, omega* (``analysis.jamming``), and the Boson
peak of D/omega^(d-1) over the packing's own Debye level. ``jamming_exponents`` fits
Dz ~ p^a, G/B ~ p^b and omega* ~ Dz^c over the seeds (mean of per-seed slopes, t interval), each
with its local slopes between successive pressures; ``finite_size`` says at which pressures omega*
lies within a factor 2 of the box's lowest transverse phonon; the records give ``p N^2`` and the share
of packings stable to every simple shear (``min_shear_modulus > 0``) per pressure. ``method="none"``
leaves the DOS out (contacts and moduli only). Seeds run on a Dask client when one is given; a seed
whose pressure search gives up is left out and counted.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from .._random import seed_sequences
from ..analysis.debye import debye_level_nd
from ..analysis.jamming import (FINITE_SIZE_FACTOR, MODES_PER_BIN, coordination, equal_count_density, finite_size_limited,
                                isotropic_shear_modulus, min_shear_modulus, onset_frequency, reduced_peak)
from ..analysis.power_law import power_law_fit
from ..analysis.qlm import first_band
from ..analysis.moduli import elastic_tensor
from ..matrices.particle_hessian import hessian
from ..model.potentials import pair_terms
from ..model.jamming import POTENTIALS, JammedPacking, jammed_series
from ..spectra.spectrum import dos, methods

#: Default target pressures (units eps / d_small^dim): four decades near jamming, 1e-2 ... 1e-6.
#: Above 1e-2 the packings lie far above jamming (phi = 1.08 in 2D, 0.91 in 3D at p = 0.1) and B
#: still falls with p, so a fit that contains p = 0.1 pulls G/B below p^(1/2) (docs/jamming.md).
#: The lowest pressure needs N >~ sqrt(CROSSOVER_PN2 / 1e-6) ~ 3000 particles to stay clear of the
#: finite-size crossover p N^2 ~ 1, and G/B there tens of excess contacts per packing: N = 8192 in
#: 2D, 4096 in 3D (docs/jamming.md, "Near jamming").
PRESSURES = (1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
#: ``method="auto"``: the exact engine that is fastest for the backbone Hessians of each dimension
#: (slicing in 2D, 14x faster than dense at N = 2048; dense in 3D, where the factorisations fill in).
AUTO_METHODS = {2: "slicing", 3: "dense"}
#: ``method="none"``: no DOS (omega*, the Boson peak and the omega* law are left out, ``nan``): the
#: contacts and moduli alone, which reach larger N (in 3D the dense DOS, ~N^3, outweighs the packing).
NO_DOS = "none"
#: Logarithmic frequency grid of the DOS: ``[0, OMEGA_LOW]`` then ``BINS`` bins up to ``OMEGA_HIGH``.
OMEGA_LOW, OMEGA_HIGH, BINS = 1e-3, 10.0, 80
#: Per-packing numbers, in the order the JSON records give them.
NUMBERS = ("pressure", "phi", "z", "delta_z", "z_variance", "rattler_fraction", "shear_modulus", "bulk_modulus",
           "min_shear_modulus", "omega_star", "omega_bp", "bp_height", "debye_level", "omega_1", "mass_density", "box_length")
#: The fitted laws: name -> (x, y) of the per-packing numbers (``G_over_B`` is G / B). The issue's
#: three, then G and B alone against p, which say which of the two makes G / B depart from p^(1/2).
LAWS = {"delta_z_vs_p": ("pressure", "delta_z"), "G_over_B_vs_p": ("pressure", "G_over_B"),
        "omega_star_vs_delta_z": ("delta_z", "omega_star"), "shear_modulus_vs_p": ("pressure", "shear_modulus"),
        "bulk_modulus_vs_p": ("pressure", "bulk_modulus")}


#: Fit of each law (``analysis.jamming.power_law_fit``): G of a single small packing can be negative
#: (unstable to shear in its fixed box; Dagois-Bohy et al., PRL 109, 095703 (2012)), so G/B is
#: fitted on the means over seeds with a bootstrap over seeds (G too); the others seed by seed.
LAW_METHODS = {"G_over_B_vs_p": "means", "shear_modulus_vs_p": "means"}


def omega_edges() -> np.ndarray:
    """The DOS grid: 0, then ``BINS`` logarithmic bins from ``OMEGA_LOW`` to ``OMEGA_HIGH``."""
    return np.concatenate([[0.0], np.geomspace(OMEGA_LOW, OMEGA_HIGH, BINS)])


def sound_speeds(G: float, B: float, rho: float, dim: int) -> tuple[float, float]:
    """``(c_T, c_L)`` from the relaxed moduli: ``c_T^2 = G / rho``, ``c_L^2 = (B + G) / rho`` (2D) or
    ``(B + 4 G / 3) / rho`` (3D)."""
    M = B + (G if dim == 2 else 4 * G / 3)
    return float(np.sqrt(G / rho)), float(np.sqrt(M / rho))


def packing_numbers(jp: JammedPacking, *, method: str = "dense", edges=None, rng=None) -> dict:
    """What one packing says (``NUMBERS``, plus ``density`` on ``edges``).

    The Hessian, moduli and Debye level are those of the backbone (rattlers removed); the DOS is
    per ``d N_b`` modes with the ``d`` translations left out; sound speeds use the backbone's
    mass density ``N_b / V``. ``shear_modulus`` is the simple-shear modulus averaged over every
    orientation (``analysis.jamming.isotropic_shear_modulus``), ``min_shear_modulus`` its minimum over
    orientations (negative: unstable to that shear, ``analysis.jamming.min_shear_modulus``),
    ``bulk_modulus`` ``-V dp/dV``.
    """
    if not isinstance(jp, JammedPacking):
        raise _checks.ParameterTypeError(f"'packing' must be a JammedPacking; got {type(jp).__name__}")
    edges = omega_edges() if edges is None else np.asarray(edges, dtype=float)
    p, pot, dim = jp.particles, jp.pair_potential(), jp.particles.dim
    t = pair_terms(p, pot)
    c = coordination(t.i, t.j, jp.rattler, dim)
    keep = ~jp.rattler
    out = dict(pressure=jp.pressure, phi=jp.phi, z=c.z, delta_z=c.delta_z, z_variance=c.z_variance,
               rattler_fraction=c.rattler_fraction, excess_contacts=c.excess_contacts)
    e = elastic_tensor(p, pot, keep=keep)
    G, B = isotropic_shear_modulus(e.A), e.bulk
    rho = c.n_backbone / p.volume
    out.update(shear_modulus=G, bulk_modulus=B, min_shear_modulus=min_shear_modulus(e.A))
    if method == NO_DOS:
        density, out["omega_star"] = np.full(edges.size - 1, np.nan), float("nan")
    else:
        density = dos(hessian(p, pot, keep=keep), edges, method=method, zero_modes=False, n_zero=dim, rng=rng).density
        out["omega_star"] = onset_frequency(edges, density, modes=dim * (c.n_backbone - 1))
    out["density"] = density
    level = w1 = omega_bp = height = float("nan")
    if G > 0 and B > 0:
        c_T, c_L = sound_speeds(G, B, rho, dim)
        level = debye_level_nd(dim, model="vector", c_L=c_L, c_T=c_T, n=rho)
        w1 = first_band(c_T, jp.box_length)
        if method != NO_DOS:
            omega_bp, height = reduced_peak(edges, density, dim, level, omega_min=w1, modes=dim * (c.n_backbone - 1))
    out.update(omega_bp=omega_bp, bp_height=height, debye_level=level, omega_1=w1, mass_density=rho, box_length=jp.box_length)
    return out


def map_children(task, children, args, *, client=None, progress: bool = False, unit: str = "seed") -> list:
    """``[task(child, *args) for child in children]``, on the Dask ``client`` when one is given,
    else in this process with a progress bar when ``progress``."""
    if client is not None:
        return client.gather(client.map(task, children, *[[a] * len(children) for a in args], pure=False))
    from tqdm.auto import tqdm

    with tqdm(total=len(children), unit=unit, disable=not progress) as bar:
        rows = []
        for child in children:
            rows.append(task(child, *args))
            bar.update()
    return rows


def _seed_task(child, N, pressures, dim, potential, ratio, method):
    """One seed's packings, measured; the reason in a string when a pressure was not reached."""
    gen = np.random.default_rng(child)
    try:
        series = jammed_series(N, pressures, dim=dim, potential=potential, ratio=ratio, rng=gen)
    except _checks.RunError as err:   # the pressure search gave up (a packing rearranging near jamming)
        return str(err)
    return [packing_numbers(jp, method=method, rng=gen) for jp in series]


def jamming_study(N: int, pressures=PRESSURES, *, dim: int = 2, potential: str = "harmonic", seeds: int = 4, rng=None,
                  ratio: float = 1.4, method: str = "auto", client=None, progress: bool = False):
    """Packings of ``seeds`` seeds at every target pressure, measured; an ``xarray.Dataset``.

    Parameters
    ----------
    N : int
        Particles per packing.
    pressures : sequence of float
        Target pressures in ``[1e-7, 1]``.
    dim : {2, 3}
    potential : {"harmonic", "hertzian"}
    seeds : int
        Independent packings per pressure (each seed one packing compressed from the lowest pressure).
    rng : int or SeedSequence, optional
        Root of the seeds' streams (SPEC 7).
    ratio : float
        Diameter ratio.
    method : str
        DOS engine of the backbone Hessian (``bosonpeak.methods()``), ``"auto"`` (``AUTO_METHODS[dim]``)
        or ``"none"`` (no DOS: ``NO_DOS``).
    client : distributed.Client, optional
        Run the seeds on this Dask client.
    progress : bool
        A progress bar over the seeds.

    Returns
    -------
    xarray.Dataset
        ``NUMBERS`` on ``(seed, target)``, ``density`` on ``(seed, target, omega)``, ``omega_edges``.
        A seed whose packing search gives up at some pressure (``model.jamming.MAX_RESCALINGS``) is
        left out: ``seed`` holds the indices of the others and ``attrs["seeds_failed"]`` their number;
        ``RunError`` when none is left.

    Examples
    --------
    >>> from bosonpeak.workflows.jamming import jamming_study
    >>> ds = jamming_study(32, [1e-1, 1e-2], seeds=2, rng=3)
    >>> ds["delta_z"].dims, bool((ds["delta_z"].sel(target=1e-1) > ds["delta_z"].sel(target=1e-2)).all())
    (('seed', 'target'), True)
    """
    import xarray as xr

    targets = _checks.nonempty("pressures", pressures)
    seeds = _checks.integer("seeds", seeds, minimum=1)
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    method = AUTO_METHODS[dim] if method == "auto" else _checks.choice("method", method, methods() + ("auto", NO_DOS))
    _checks.choice("potential", potential, tuple(POTENTIALS))
    children = seed_sequences(rng, seeds)
    args = (N, tuple(float(t) for t in targets), dim, potential, ratio, method)
    rows = map_children(_seed_task, children, args, client=client, progress=progress, unit="seed")
    failed = [k for k, row in enumerate(rows) if isinstance(row, str)]
    if len(failed) == seeds:
        raise _checks.RunError(f"no seed reached every pressure; the first: {rows[0]}")
    index = np.array([k for k in range(seeds) if k not in failed])
    rows = [rows[k] for k in index]
    edges = omega_edges()
    data = {name: (("seed", "target"), np.array([[r[name] for r in row] for row in rows], dtype=float))
            for name in NUMBERS + ("excess_contacts",)}
    data["density"] = (("seed", "target", "omega"), np.array([[r["density"] for r in row] for row in rows]))
    data["omega_edges"] = ("omega_edge", edges)
    ds = xr.Dataset(data, coords=dict(seed=index, target=np.asarray(targets, dtype=float),
                                      omega=0.5 * (edges[1:] + edges[:-1])))
    ds.attrs.update(N=N, dim=dim, potential=potential, ratio=ratio, method=method, seeds_failed=len(failed),
                    title=f"bosonpeak jamming: {dim}D {potential} 50:50 bidisperse packings")
    return ds


def jamming_exponents(ds, *, confidence: float = 0.95) -> dict:
    """The fitted ``LAWS`` (``PowerLaw`` each) over the seeds of a ``jamming_study`` data set."""
    values = {name: ds[name].values for name in NUMBERS}
    values["G_over_B"] = values["shear_modulus"] / values["bulk_modulus"]  # B > 0 always
    return {law: power_law_fit(values[x], values[y], confidence=confidence, method=LAW_METHODS.get(law, "seeds"))
            for law, (x, y) in LAWS.items() if np.isfinite(values[y]).any()}   # no omega* law without the DOS


def finite_size(ds) -> tuple[np.ndarray, list]:
    """Per target pressure, the box's lowest transverse phonon ``omega_min = 2 pi sqrt(<G> / <rho>) / <L>``
    (means over seeds; ``nan`` where ``<G> <= 0``) and whether the mean ``omega*`` lies within a factor
    ``FINITE_SIZE_FACTOR`` of it, either way (``analysis.jamming.finite_size_limited``)."""
    G, rho, L = (np.nanmean(ds[k].values, axis=0) for k in ("shear_modulus", "mass_density", "box_length"))
    with np.errstate(invalid="ignore"):
        omega_min = np.where(G > 0, 2 * np.pi * np.sqrt(np.abs(G) / rho) / L, np.nan)
    w = ds["omega_star"].values
    onset = np.array([np.mean(c[np.isfinite(c)]) if np.isfinite(c).any() else np.nan for c in w.T])  # nan without the DOS
    return omega_min, finite_size_limited(onset, omega_min)


def _resolved_onset_fit(ds, limited, confidence: float = 0.95) -> dict | None:
    """omega* ~ Dz^c over the pressures whose omega* is not finite-size limited (``None`` when none
    is limited or fewer than two are left)."""
    keep = np.array([flag is False for flag in limited])
    if keep.all() or keep.sum() < 2:
        return None
    fit = power_law_fit(ds["delta_z"].values[:, keep], ds["omega_star"].values[:, keep], confidence=confidence).as_dict()
    targets = ds["target"].values[keep]
    fit.update(pressures=[float(t) for t in targets], decades=float(np.log10(targets.max() / targets.min())),
               method=fit["method"] + f", over the pressures where omega* is not within a factor {FINITE_SIZE_FACTOR:g} of omega_min only")
    return fit


def jamming_records(ds, exponents: dict | None = None) -> list[dict]:
    """JSON records: one per target pressure (means over seeds, with ``omega_min`` and
    ``finite_size_limited`` from ``finite_size``; ``p_N2``, the target pressure times ``N^2``:
    below ``CROSSOVER_PN2`` it lies near the finite-size crossover of contacts and moduli; and
    ``shear_stable_fraction``, the share of the seeds' packings stable to every simple shear), then ``{"exponents": ...}``; the omega* law carries
    the pressures whose omega* is finite-size limited and its fit without them."""
    exponents = jamming_exponents(ds) if exponents is None else exponents
    omega_min, limited = finite_size(ds)
    keys = ("pressure", "phi", "z", "delta_z", "z_variance", "rattler_fraction", "shear_modulus", "bulk_modulus",
            "omega_star", "omega_bp", "bp_height")
    records = []
    for k, target in enumerate(ds["target"].values):
        rec = {"target_pressure": float(target)}
        for key in keys:
            v = ds[key].values[:, k]
            rec[key] = float(np.nanmean(v)) if np.isfinite(v).any() else None
        rec.update(omega_min=float(omega_min[k]) if np.isfinite(omega_min[k]) else None, finite_size_limited=limited[k],
                   p_N2=float(target) * int(ds.attrs["N"]) ** 2, shear_stable_fraction=_stable_fraction(ds, k),
                   seeds=int(ds.sizes["seed"]), seeds_failed=int(ds.attrs.get("seeds_failed", 0)))
        records.append(rec)
    fits = {law: fit.as_dict() for law, fit in exponents.items()}
    if "omega_star_vs_delta_z" in fits:
        fits["omega_star_vs_delta_z"].update(
            finite_size_limited=[float(t) for t, flag in zip(ds["target"].values, limited) if flag],
            without_finite_size_limited=_resolved_onset_fit(ds, limited))
    records.append({"exponents": fits})
    return records


def _stable_fraction(ds, k: int) -> float | None:
    """Share of the packings at the ``k``-th pressure whose ``min_shear_modulus`` is positive (``None``
    for a data set without it)."""
    if "min_shear_modulus" not in ds:
        return None
    return float(np.mean(ds["min_shear_modulus"].values[:, k] > 0))


def jamming_outputs(out, ds, exponents: dict) -> list:
    """Write ``jamming.nc`` and the figures ``jamming_laws.{png,pdf}`` (Dz, G/B against p, omega*
    against Dz, D(omega)) and ``jamming_reduced_dos.{png,pdf}`` into the folder ``out``."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .._files import save_dataset, save_figure
    from ..plotting.jamming import plot_plateau, plot_power_law

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [save_dataset(ds, out / "jamming.nc")]
    v = {name: ds[name].values for name in NUMBERS}
    title = f"{ds.attrs['dim']}D {ds.attrs['potential']}, N = {ds.attrs['N']}"
    with_dos = "omega_star_vs_delta_z" in exponents
    fig, axes = plt.subplots(2 if with_dos else 1, 2, figsize=(10, 8 if with_dos else 4.2), squeeze=False)
    plot_power_law(v["pressure"], v["delta_z"], exponents["delta_z_vs_p"], ax=axes[0, 0], reference=0.5, xlabel="p",
                   ylabel="Dz = z - 2d")
    plot_power_law(v["pressure"], v["shear_modulus"] / v["bulk_modulus"], exponents["G_over_B_vs_p"], ax=axes[0, 1],
                   reference=0.5, xlabel="p", ylabel="G / B", unstable=v["min_shear_modulus"] <= 0)
    if not with_dos:
        fig.suptitle(f"Scaling near jamming: {title} (no DOS)")
        fig.tight_layout()
        written += save_figure(fig, out / "jamming_laws")
        plt.close(fig)
        return written
    plot_power_law(v["delta_z"], v["omega_star"], exponents["omega_star_vs_delta_z"], ax=axes[1, 0], reference=1.0,
                   xlabel="Dz", ylabel="omega*", limited=finite_size(ds)[1])
    edges = ds["omega_edges"].values
    labels = [f"p = {t:g}" for t in ds["target"].values]
    # D(omega) of the seed-mean on equal-count bins of MODES_PER_BIN modes of every seed together
    curves = [equal_count_density(edges, g, step=MODES_PER_BIN / (ds.sizes["seed"] * ds.attrs["dim"] * ds.attrs["N"]))
              for g in ds["density"].mean("seed").values]
    plot_plateau(curves, labels, np.nanmean(v["omega_star"], axis=0), ax=axes[1, 1])
    fig.suptitle(f"Scaling near jamming: {title}")
    fig.tight_layout()
    written += save_figure(fig, out / "jamming_laws")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    plot_plateau(curves, labels, np.nanmean(v["omega_star"], axis=0), ax=ax, reduced_dim=int(ds.attrs["dim"]),
                 levels=np.nanmean(v["debye_level"], axis=0))
    ax.set_title(f"Reduced DOS over each packing's Debye level: {title}", fontsize=10)
    written += save_figure(fig, out / "jamming_reduced_dos")
    plt.close(fig)
    return written
