"""The disorder laboratory: one kind of disorder at a time, its Boson peak and its sound attenuation.

``compute(settings)`` scans every family of ``settings.families`` over ``settings.strengths``
on ``seeds`` networks each (``bosonpeak.model.disorder``). Per network (one task, on Dask
when a client is given): mean and variance of ``z``, connectivity and percolation, ``c^2``
from the relaxed conductivity, the DOS, and ``S(q, omega)`` at ``|q| = 2 pi m / L`` along x
and y (averaged). Per (family, strength): the Boson-peak verdict over the own Debye level
(``analysis.peak.boson_peak`` in ``(3 x 2 pi c / L, 1.5 c)``; a network that does not percolate
has no Debye level), the
fitted ``Omega(q)``, ``Gamma(q)`` of the seed-averaged ``S(q, omega)``, ``omega_IR`` and the
low-q exponent of ``Gamma`` (``analysis.damping``). Sample ``k`` of every point uses child
``k`` of ``SeedSequence(seed)`` (network from its first stream, KPM from its second).

The result is one ``xarray.Dataset`` with grid dimensions ``(family, strength, ...)``;
``analyse(ds)`` redoes the per-point analysis from the per-network data (also of a saved
file); ``add_theory(ds, theory)`` adds a theory curve per (family, strength) as a separate step;
``records`` / ``summary`` / ``figures`` report it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .. import _checks, _resources
from .._random import sample_streams, seed_sequences
from ..analysis.damping import damping, ioffe_regel, rayleigh_exponent
from ..analysis.elasticity import conductivity_tensor
from ..analysis.peak import OMEGA_MAX, boson_peak
from ..matrices.laplacian import dynamical_matrix
from ..model.disorder import FAMILIES, check_strength, connectivity, coordination_moments, disordered_network
from ..spectra.spectrum import DOS, dos, gershgorin_bound, methods
from ..spectra.structure import StructureFactor, lattice_wavevectors, structure_factor
from ._units import annotate

#: Largest N for which S(q, omega) is exact (dense eigenvectors); KPM above.
SQ_DENSE_MAX_NODES = 400
#: Orders m of ``|q| = 2 pi m / L`` (those below L / 2 are used).
Q_ORDERS = (1, 2, 3, 4, 6, 8, 11, 15, 20, 26, 33, 42)
#: Wave vectors (orders) whose Gamma the summary and JSON print.
REPORT_ORDERS = (2, 4, 8)


@dataclass(frozen=True)
class DisorderSettings:
    """Parameters of ``bosonpeak disorder``."""

    families: tuple[str, ...] = ("springs-uniform", "dilution")
    strengths: tuple[float, ...] = (0.0, 0.25, 0.5)
    L: int = 40
    seeds: int = 4
    seed: int = 2026
    method: str = "slicing"
    bin_width: float = 0.05
    sq_resolution: float = 0.005

    def __post_init__(self):
        _checks.integer("size", self.L, minimum=16)  # the Boson-peak window starts at 3 x 2 pi c / L < 1.5
        _checks.integer("seeds", self.seeds, minimum=1)
        _checks.seed("seed", self.seed)
        for name, values in (("family", self.families), ("strengths", self.strengths)):
            if not values:
                raise _checks.ParameterError(f"'{name}' needs at least one entry; got {list(values)}")
            if len(set(values)) != len(values):
                raise _checks.ParameterError(f"'{name}' must not repeat entries; got {list(values)}")
        for f in self.families:
            for s in self.strengths:
                check_strength(f, s, name="strengths")
        _checks.choice("method", self.method, methods())
        _checks.bin_width("bin-width", self.bin_width)
        _resources.check_bins("bin-width", self.bin_width, 4.0)
        _checks.real("sq_resolution", self.sq_resolution, minimum=0.0, maximum=0.1, min_inclusive=False)

    @property
    def orders(self) -> np.ndarray:
        """Orders m of the wave vectors used."""
        return np.array([m for m in Q_ORDERS if m < self.L / 2])


def network_task(L, family, strength, child, edges, sq_edges, orders, method, sq_resolution) -> dict:
    """Everything measured on one network (a pure function: a Dask task)."""
    build, stream = sample_streams(child)
    net = disordered_network(L, family, strength, rng=build)
    mean_z, var_z = coordination_moments(net)
    conn = connectivity(net)
    c2 = conductivity_tensor(net).c_squared if conn.percolates else 0.0
    g = dos(net, edges, method=method, zero_modes=False, rng=stream)
    q = np.concatenate([lattice_wavevectors(L, orders, (1, 0)), lattice_wavevectors(L, orders, (0, 1))])
    sq_method = "dense" if L * L <= SQ_DENSE_MAX_NODES else "kpm"
    sf = structure_factor(net, q, sq_edges, method=sq_method, resolution=sq_resolution if sq_method == "kpm" else None)
    half = len(orders)
    return dict(mean_z=mean_z, var_z=var_z, components=conn.components, isolated=conn.isolated, largest=conn.largest_fraction,
                percolates=conn.percolates, c2=c2, density=g.density, resolution=g.resolution if g.resolution is not None else np.nan,
                sq=0.5 * (sf.density[:half] + sf.density[half:]), sq_method=sf.method, sq_resolution=sf.resolution or np.nan)


def _run_task(a):
    return network_task(*a)


def _edges(s: DisorderSettings):
    """Common omega bins for every network: past the largest spectrum top (Gershgorin) of all of them."""
    children = seed_sequences(s.seed, s.seeds)
    top = max(np.sqrt(gershgorin_bound(dynamical_matrix(disordered_network(s.L, f, st, rng=sample_streams(c)[0]))))
              for f in s.families for st in s.strengths for c in children)
    edges = s.bin_width * np.arange(int(np.floor(top / s.bin_width)) + 2)
    width = s.sq_resolution / 2
    return children, edges, width * np.arange(int(np.floor(top / width)) + 2)


def compute(s: DisorderSettings = DisorderSettings(), *, client=None, progress: bool = False) -> xr.Dataset:
    """Run the scan (module notes) and ``analyse`` it; with a Dask ``client`` every network is one task.

    Examples
    --------
    >>> from bosonpeak.workflows.disorder import DisorderSettings, add_theory, compute, records
    >>> ds = compute(DisorderSettings(families=("dilution",), strengths=(0.0, 0.2), L=16, seeds=2))
    >>> dict(ds["density"].sizes)
    {'family': 1, 'strength': 2, 'seed': 2, 'omega': 57}
    >>> [(r["strength"], r["mean_z"], r["no_peak_reason"]) for r in records(ds)][0]
    (0.0, 4.0, 'crystal')
    >>> add_theory(ds, lambda family, p, omega: {"c2": 1 - 2 * p})["theory_c2"].values.tolist()
    [[1.0, 0.6]]
    """
    children, edges, sq_edges = _edges(s)
    orders = s.orders
    jobs = [(f, st, k) for f in s.families for st in s.strengths for k in range(s.seeds)]
    args = [(s.L, f, st, children[k], edges, sq_edges, orders, s.method, s.sq_resolution) for f, st, k in jobs]
    if client is None:
        results = [network_task(*a) for a in tqdm(args, desc="disorder", disable=not progress)]
    else:
        futures = client.map(_run_task, args, pure=False)
        results = client.gather(futures)
    F, S, K = len(s.families), len(s.strengths), s.seeds

    def grid(name, dtype=float):
        return np.array([r[name] for r in results], dtype=dtype).reshape((F, S, K) + np.shape(results[0][name]))

    fs = ("family", "strength")
    sq_res = grid("sq_resolution")
    data = {
        "density": (fs + ("seed", "omega"), grid("density"), {"long_name": "g(omega) per mode, zero modes removed"}),
        "dos_resolution": (fs + ("seed",), grid("resolution"), {"long_name": "resolution of the DOS in omega (NaN: exact histogram)"}),
        "omega_edges": (("omega_edge",), edges),
        "sq": (fs + ("seed", "q", "omega_s"), grid("sq"), {"long_name": "S(q, omega) per unit omega, mean over the x and y directions"}),
        "sq_edges": (("omega_s_edge",), sq_edges),
        "mean_z": (fs + ("seed",), grid("mean_z")), "var_z": (fs + ("seed",), grid("var_z"), {"long_name": "variance of z over the nodes"}),
        "c2": (fs + ("seed",), grid("c2"), {"long_name": "c^2 from the relaxed conductivity (0 if the network does not percolate)"}),
        "components": (fs + ("seed",), grid("components", int)), "isolated": (fs + ("seed",), grid("isolated", int)),
        "largest_fraction": (fs + ("seed",), grid("largest")), "percolates": (fs + ("seed",), grid("percolates", bool).astype(np.int8)),
    }
    from .._version import __version__

    raw = xr.Dataset(
        data,
        coords={"family": list(s.families), "strength": list(s.strengths), "seed": np.arange(K), "omega": 0.5 * (edges[1:] + edges[:-1]),
                "q": 2 * np.pi * orders / s.L, "omega_s": 0.5 * (sq_edges[1:] + sq_edges[:-1])},
        attrs={"title": "bosonpeak disorder laboratory", "bosonpeak_version": __version__, "settings": json.dumps(asdict(s)), "root_seed": s.seed,
               "families": json.dumps({f: dict(strength=FAMILIES[f].strength_name, description=FAMILIES[f].description) for f in s.families}),
               "sq_method": results[0]["sq_method"], "sq_resolution": float(np.nanmax(sq_res)) if np.isfinite(sq_res).any() else np.nan,
               "conventions": "density and S per unit omega, bins [e_k, e_k+1); peak_ratio = max of smoothed g/omega over the own Debye "
                              "level 1/(2 pi c^2) in (3 x 2 pi c / L, 1.5 c); Gamma = FWHM of the Lorentzian-in-omega^2 fit; "
                              "omega_IR where Gamma = Omega/pi"},
    )
    return analyse(raw)


def analyse(raw: xr.Dataset) -> xr.Dataset:
    """The per-point analysis of a scan's per-network data (``compute`` calls it; rerun it on a
    saved ``disorder_data.nc`` to redo the analysis without the networks).

    Boson peak: ``boson_peak`` of the seeds' DOS against each seed's own Debye level, searched
    up to ``OMEGA_MAX x c`` (mean c): the effective medium's van Hove peak sits near ``2 c``, so
    a window that scales with ``c`` keeps the softened van Hove peak out of it.
    """
    s = json.loads(raw.attrs["settings"])
    F, S, K = raw.sizes["family"], raw.sizes["strength"], raw.sizes["seed"]
    q = raw["q"].values
    edges, sq_edges = raw["omega_edges"].values, raw["sq_edges"].values
    point = {k: np.full((F, S), np.nan) for k in ("peak_ratio", "omega_bp", "omega_bp_low", "omega_bp_high", "height_low", "height_high",
                                                   "window_min", "window_max", "smoothing", "omega_ir", "q_ir", "rayleigh", "rayleigh_error")}
    found = np.zeros((F, S), dtype=bool)
    reason = np.full((F, S), "", dtype=object)
    robustness = np.full((F, S), "", dtype=object)
    ir_reason = np.full((F, S), "", dtype=object)
    fits = {k: np.full((F, S, len(q)), np.nan) for k in ("omega_q", "omega_q_error", "gamma", "gamma_error")}
    resolved = np.zeros((F, S, len(q)), dtype=bool)
    sq_res = raw.attrs["sq_resolution"] if np.isfinite(raw.attrs["sq_resolution"]) else None
    for i in range(F):
        for j, st in enumerate(raw["strength"].values):
            x = raw.isel(family=i, strength=j)
            density, c2, perc = x["density"].values, x["c2"].values, x["percolates"].values.astype(bool)
            res = x["dos_resolution"].values
            g = DOS(edges, density.mean(0), s["L"] ** 2, s["method"], error=density.std(0, ddof=1) / np.sqrt(K) if K > 1 else None,
                    samples=density, zero_modes_removed=True, resolution=float(np.nanmax(res)) if np.isfinite(res).any() else None)
            if perc.all() and np.all(c2 > 0):
                top = OMEGA_MAX * float(np.mean(np.sqrt(c2)))
                bp = boson_peak(g, c=np.sqrt(c2), omega_max=top, crystal=bool(st == 0), rng=s["seed"])
                point["peak_ratio"][i, j], point["omega_bp"][i, j] = bp.height, bp.omega
                point["window_min"][i, j], point["window_max"][i, j] = bp.window
                point["smoothing"][i, j], robustness[i, j] = bp.smoothing, bp.robustness()
                if bp.omega_interval is not None:
                    point["omega_bp_low"][i, j], point["omega_bp_high"][i, j] = bp.omega_interval
                    point["height_low"][i, j], point["height_high"][i, j] = bp.height_interval
                found[i, j], reason[i, j] = bp.found, bp.reason or ""
            else:
                reason[i, j] = f"no Debye level: {int((~perc).sum())} of {K} networks do not percolate"
            if not perc.all():  # no sound to attenuate: S(q, omega) is stored, not fitted
                ir_reason[i, j] = "no sound: a network does not percolate"
                continue
            sq = x["sq"].values
            mean, err = (sq.mean(0), sq.std(0, ddof=1) / np.sqrt(K) if K > 1 else None) if "seed" in x["sq"].dims else (sq, None)
            d = damping(StructureFactor(np.column_stack([q, 0 * q]), sq_edges, mean, s["L"] ** 2, raw.attrs["sq_method"], sq_res), error=err)
            fits["omega_q"][i, j], fits["omega_q_error"][i, j], fits["gamma"][i, j], fits["gamma_error"][i, j] = d.omega, d.omega_error, d.gamma, d.gamma_error
            resolved[i, j] = d.resolved
            ir = ioffe_regel(d)
            point["omega_ir"][i, j], point["q_ir"][i, j], ir_reason[i, j] = ir.omega, ir.q, ir.reason or ""
            point["rayleigh"][i, j], point["rayleigh_error"][i, j] = rayleigh_exponent(d)
    fs = ("family", "strength")
    return annotate(raw.assign({
        "interior_peak": (fs, found.astype(np.int8), {"long_name": "1 where the maximum of g/omega over the own Debye level is a Boson peak"}),
        "no_peak_reason": (fs, reason.astype(str)), "ir_reason": (fs, ir_reason.astype(str)),
        "peak_robustness": (fs, robustness.astype(str), {"long_name": "the verdict under the window's ends and the smoothing varied"}),
        **{k: (fs, v) for k, v in point.items()},
        **{k: (fs + ("q",), v) for k, v in fits.items()},
        "gamma_resolved": (fs + ("q",), resolved.astype(np.int8), {"long_name": "1 where Gamma is at or above the resolution"}),
    }))


def add_theory(ds: xr.Dataset, theory) -> xr.Dataset:
    """A new dataset with a theory curve per (family, strength) added (the data are untouched).

    ``theory(family, strength, omega) -> dict`` maps names to arrays over ``omega`` (the DOS bin
    centres) or to scalars; they become ``theory_<name>`` with dims ``(family, strength[, omega])``.
    """
    omega = ds["omega"].values
    rows = {}
    for f in ds["family"].values:
        for st in ds["strength"].values:
            for name, value in theory(str(f), float(st), omega).items():
                rows.setdefault(name, []).append(np.asarray(value, dtype=float))
    F, S = ds.sizes["family"], ds.sizes["strength"]
    new = {}
    for name, vals in rows.items():
        arr = np.stack(vals).reshape((F, S) + vals[0].shape)
        new[f"theory_{name}"] = (("family", "strength") + (("omega",) if arr.ndim == 3 else ()), arr)
    return ds.assign(new)


def with_theory(ds: xr.Dataset) -> xr.Dataset:
    """``add_theory`` with the effective-medium theory of every family (``bosonpeak.theory``, docs/theory.md).

    Bond CPA for the i.i.d. spring families and dilution, node (star) CPA for ``diagonals``,
    ``rewired`` and ``paper``; NaN where the theory has no answer (``paper`` at
    ``delta >= 1/3``, a floppy medium). Adds ``theory_dos``, ``theory_reduced``,
    ``theory_k_eff_real``, ``theory_k_eff_imag`` over ``omega``, ``theory_c2``,
    ``theory_omega_bp`` per point (in the networks' window, ``omega <= analysis.peak.OMEGA_MAX``), and
    the medium's ``theory_omega_q``, ``theory_gamma`` on the scan's ``q`` (``theory.medium_damping``:
    ``Gamma = -Im k_eff lambda0(q) / Omega``, the same Lorentzian-in-omega^2 width the fit measures).
    """
    from ..analysis.peak import OMEGA_MAX
    from ..theory.curve import medium_damping
    from ..theory.families import theory_arrays

    out = add_theory(ds, lambda family, strength, omega: theory_arrays(family, strength, omega, omega_max=OMEGA_MAX))
    k = out["theory_k_eff_real"].values + 1j * out["theory_k_eff_imag"].values
    q, omega = out["q"].values, out["omega"].values
    shape = k.shape[:2] + q.shape
    omega_q, gamma = np.full(shape, np.nan), np.full(shape, np.nan)
    for i, j in np.ndindex(k.shape[:2]):
        if np.isfinite(k[i, j, 0]):
            omega_q[i, j], gamma[i, j] = medium_damping(omega, k[i, j], q)
    out = out.assign(theory_omega_q=(("family", "strength", "q"), omega_q), theory_gamma=(("family", "strength", "q"), gamma))
    out.attrs["theory"] = "bond CPA (springs-*, dilution), node (star) CPA (diagonals, rewired, paper); see docs/theory.md"
    return annotate(out)


def _num(x):
    x = float(x)
    return x if np.isfinite(x) else None


def records(ds: xr.Dataset) -> list[dict]:
    """The per-point summary as JSON-ready dicts (NaN as None)."""
    out = []
    orders = REPORT_ORDERS
    L = json.loads(ds.attrs["settings"])["L"]
    fams = json.loads(ds.attrs["families"])
    for f in ds["family"].values:
        for st in ds["strength"].values:
            x = ds.sel(family=f, strength=st)
            gamma = [dict(q=_num(qq), omega=_num(x["omega_q"].sel(q=qq)), gamma=_num(x["gamma"].sel(q=qq)), gamma_error=_num(x["gamma_error"].sel(q=qq)),
                          resolved=bool(x["gamma_resolved"].sel(q=qq))) for qq in ds["q"].values
                     if int(round(qq * L / (2 * np.pi))) in orders]
            out.append(dict(
                family=str(f), strength=float(st), strength_name=fams[str(f)]["strength"],
                mean_z=_num(x["mean_z"].mean()), var_z=_num(x["var_z"].mean()), c2=_num(x["c2"].mean()),
                c2_sd=_num(x["c2"].std(ddof=1)) if x.sizes["seed"] > 1 else None,
                percolating_fraction=_num(x["percolates"].mean()), components=_num(x["components"].mean()),
                peak_ratio=_num(x["peak_ratio"]), omega_bp=_num(x["omega_bp"]), interior_peak=bool(x["interior_peak"]),
                omega_bp_interval=[_num(x["omega_bp_low"]), _num(x["omega_bp_high"])], peak_ratio_interval=[_num(x["height_low"]), _num(x["height_high"])],
                no_peak_reason=str(x["no_peak_reason"].item()) or None, omega_ir=_num(x["omega_ir"]),
                window=[_num(x["window_min"]), _num(x["window_max"])], smoothing=_num(x["smoothing"]),
                peak_robustness=str(x["peak_robustness"].item()) if "peak_robustness" in x else None,
                ir_note=str(x["ir_reason"].item()) or None, gamma_exponent=_num(x["rayleigh"]), gamma_exponent_error=_num(x["rayleigh_error"]),
                gamma=gamma))
            if "theory_c2" in ds:
                out[-1].update(c2_theory=_num(x["theory_c2"]), omega_bp_theory=_num(x["theory_omega_bp"]))
    return out


def summary(ds: xr.Dataset) -> str:
    """The numbers of the scan as text, one line per (family, strength)."""
    s = json.loads(ds.attrs["settings"])
    lines = [f"bosonpeak {ds.attrs['bosonpeak_version']} disorder: L = {s['L']} (N = {s['L'] ** 2}), {s['seeds']} seeds, DOS {s['method']}, "
             f"S(q,w) {ds.attrs['sq_method']}; peak over each network's own Debye level in (3 x 2 pi c / L, 1.5 c), g/omega averaged over "
             "2 pi c / L; [the verdict with the window's ends and the smoothing varied]",
             f"{'family':18s} {'strength':>10s} {'<z>':>6s} {'var z':>6s} {'c^2':>6s}  {'Boson peak':70s} {'omega_IR':>9s} {'Gamma ~ q^n':>12s}"]
    for r in records(ds):
        bp = (f"omega_BP = {r['omega_bp']:.3f}, {r['peak_ratio']:.2f}x Debye" if r["interior_peak"]
              else f"no peak ({r['no_peak_reason']})") + (f" [{r['peak_robustness']}]" if r.get("peak_robustness") else "")
        ir = f"{r['omega_ir']:.3f}" if r["omega_ir"] is not None else "-"
        n = f"{r['gamma_exponent']:.2f}" + (f"+-{r['gamma_exponent_error']:.2f}" if r["gamma_exponent_error"] is not None else "") if r["gamma_exponent"] is not None else "-"
        c2 = f"{r['c2']:.3f}" if r["c2"] is not None else "-"
        theory = ""
        if "c2_theory" in r:
            c2t, bpt = r["c2_theory"], r["omega_bp_theory"]
            theory = f"   theory: c^2 = {c2t:.3f}" if c2t is not None else "   theory: -"
            theory += f", omega_BP = {bpt:.3f}" if bpt is not None else (", no peak" if c2t is not None else "")
        lines.append(f"{r['family']:18s} {r['strength_name']}={r['strength']:<8g} {r['mean_z']:6.3f} {r['var_z']:6.3f} {c2:>6s}  {bp:70s} {ir:>9s} {n:>12s}{theory}")
    lines.append("omega_IR '-': Gamma stays below Omega/pi over the q measured (or is above it already at the lowest q); see ir_reason in the NetCDF")
    return "\n".join(lines)


def figures(ds: xr.Dataset) -> dict:
    """The scan's figures; keys are file stems."""
    from ..plotting.disorder import plot_damping, plot_peak_vs_strength, plot_reduced_by_family

    import matplotlib.pyplot as plt

    s = json.loads(ds.attrs["settings"])
    fams = [str(f) for f in ds["family"].values]
    names = json.loads(ds.attrs["families"])
    labels = [f"{f} (${_math(names[f]['strength'])}$)" for f in fams]
    st = ds["strength"].values
    fig, axes = plt.subplots(1, 3, figsize=(14, 5.0))
    c2 = ds["c2"].mean("seed").values
    plot_peak_vs_strength(st, ds["peak_ratio"].values, ds["omega_bp"].values, ds["omega_ir"].values, ds["interior_peak"].values.astype(bool),
                          labels, axes, c2=c2, crystal=ds["no_peak_reason"].values.astype(str) == "crystal",
                          title=rf"disorder scan, $L={s['L']}$, {s['seeds']} seeds")
    fig.subplots_adjust(left=0.06, right=0.98, top=0.93, bottom=0.27, wspace=0.32)  # the legends sit under the panels
    out = {"disorder_peak": fig}
    ncol = min(3, len(fams))
    nrow = -(-len(fams) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 5.3 * nrow), squeeze=False)
    level = 1.0 / (2 * np.pi * np.where(c2 > 0, c2, np.nan))
    red = ds["density"].mean("seed").values / ds["omega"].values / level[:, :, None]
    theory = ds["theory_reduced"].values / level[:, :, None] if "theory_reduced" in ds else None
    plot_reduced_by_family(ds["omega"].values, red, st, labels, axes.ravel(), window=(ds["window_min"].values, ds["window_max"].values), omega_max=2.2,
                           theory=theory)
    for ax in axes.ravel()[len(fams):]:
        ax.set_visible(False)
    fig.tight_layout()
    out["disorder_reduced_dos"] = fig
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.6 * ncol, 5.3 * nrow), squeeze=False)
    plot_damping(ds["q"].values, ds["omega_q"].values, ds["gamma"].values, ds["gamma_error"].values, ds["gamma_resolved"].values.astype(bool),
                 st, labels, axes.ravel(), floor=float(ds.attrs["sq_resolution"]) if np.isfinite(ds.attrs["sq_resolution"]) else None,
                 theory=ds["theory_gamma"].values if "theory_gamma" in ds else None)
    for ax in axes.ravel()[len(fams):]:
        ax.set_visible(False)
    fig.tight_layout()
    out["disorder_damping"] = fig
    if "theory_reduced" in ds:
        out["disorder_theory"] = _theory_figure(ds, labels)
    return out


def _theory_figure(ds: xr.Dataset, labels) -> "object":
    """One panel per (family, strength): the ensemble's g/omega against the theory's, with both Debye levels."""
    from ..plotting.theory import plot_theory_vs_numerics, theory_legend_handles

    import matplotlib.pyplot as plt

    s = json.loads(ds.attrs["settings"])
    F, S = ds.sizes["family"], ds.sizes["strength"]
    ncol = 5 if S >= 3 else 2  # the shared legend below: one row under three panels or more, else three rows
    legend_h = 0.15 + 0.22 * -(-5 // ncol)  # inches
    fig, axes = plt.subplots(F, S, figsize=(max(3.6 * S, 7.0), 3.1 * F + legend_h), squeeze=False)
    omega = ds["omega"].values
    for i, f in enumerate(ds["family"].values):
        for j, st in enumerate(ds["strength"].values):
            x = ds.sel(family=f, strength=st)
            K = x.sizes["seed"]
            red = x["density"].mean("seed").values / omega
            err = x["density"].std("seed", ddof=1).values / np.sqrt(K) / omega if K > 1 else None
            plot_theory_vs_numerics(omega, red, err, omega, x["theory_reduced"].values, c2=float(x["c2"].mean()),
                                    c2_theory=float(x["theory_c2"]), omega_bp_theory=float(x["theory_omega_bp"]),
                                    omega_max=min(3.0, float(omega[-1])), ax=axes[i, j], title=f"{labels[i]} = {float(st):g}")
            axes[i, j].get_legend().remove()
            if not np.isfinite(float(x["theory_c2"])):
                axes[i, j].text(0.5, 0.92, "no theory (floppy or out of range)", transform=axes[i, j].transAxes, ha="center", fontsize=8)
    fig.legend(theory_legend_handles(), [f"networks, $L = {s['L']}$, {s['seeds']} seeds", "effective-medium theory",
                                         r"Debye, measured $c^2$", r"Debye, theory $c^2$", r"theory $\omega_{\rm BP}$"],
               loc="lower center", ncol=ncol, frameon=False)
    fig.tight_layout(rect=(0, legend_h / fig.get_figheight(), 1, 1))
    return fig



def _math(name: str) -> str:
    return {"alpha": r"\alpha", "delta": r"\delta"}.get(name, name)
