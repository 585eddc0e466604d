"""The Boson-peak analysis of one network family, as data, figures and a summary.

``compute(settings)`` measures, for each ``delta``: the sound speed of every seed (relaxed
conductivity), the ensemble DOS, the Boson peak against the network's own Debye level and
against the crystal's, the heat capacity, the participation ratio of the lowest modes and
the local DOS by coordination number; it returns one ``xarray.Dataset``. ``figures(ds)``
draws it; ``summary(ds)`` states the numbers. ``bosonpeak analyze`` chains the three.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .. import _checks, _resources
from .._random import sample_streams, seed_sequences
from ..analysis.elasticity import conductivity_tensor, debye_level
from ..analysis.participation import participation_ratio
from ..analysis._intervals import END_FACTORS, START_FACTORS
from ..analysis.peak import CUTOFF_MULTIPLE, OMEGA_MAX, boson_peak
from ..analysis.thermal import SHELLS, debye_limit, handover_temperature, heat_capacity
from ..matrices.laplacian import dynamical_matrix
from ..model.lattice import RULES, SPRINGS, network
from ..plotting.analysis import (
    plot_heat_capacity,
    plot_local_dos_by_z,
    plot_participation,
    plot_reduced_over_debye,
)
from ..spectra.ensemble import combine_samples
from ..spectra.local import local_dos_by_coordination
from ..spectra.modes import lowest_modes
from ..spectra.spectrum import default_edges, dos, gershgorin_bound, methods
from ._units import annotate

#: Largest N for which the participation ratio of every mode is added and the local DOS by z is
#: dense (Lorentzian of width eps in omega^2); above it the KPM local DOS (resolution eps in omega).
DENSE_EXTRAS_MAX_NODES = 4_000
Z_RANGE = np.arange(2, 8)
#: Frequencies of the local DOS by z.
LDOS_OMEGA = np.arange(0.025, 3.0, 0.025)


@dataclass(frozen=True)
class AnalysisSettings:
    """Parameters of ``bosonpeak analyze``."""

    L: int = 60
    deltas: tuple[float, ...] = (0.1, 0.2, 0.3)
    seeds: int = 10
    rule: str = "cutoff"
    spring: str = "inverse"
    method: str = "dense"
    bin_width: float = 0.05
    modes: int = 100
    eps: float = 0.01
    seed: int = 2026

    def __post_init__(self):
        _checks.integer("size", self.L, minimum=8)
        _checks.integer("seeds", self.seeds, minimum=2)
        for d in self.deltas:
            _checks.real("deltas", d, minimum=0.0, maximum=1.0, max_inclusive=False)
        _checks.choice("method", self.method, methods())
        _checks.bin_width("bin_width", self.bin_width)
        _resources.check_bins("bin_width", self.bin_width, 4.0)
        _checks.integer("modes", self.modes, minimum=1, maximum=self.L**2 // 2)
        _checks.real("eps", self.eps, minimum=0.0, min_inclusive=False)
        _checks.seed("seed", self.seed)
        if not self.deltas:
            raise _checks.ParameterError("'deltas' must hold at least one value; got none")
        if len(set(self.deltas)) != len(self.deltas):  # checked before the work: the Dataset's delta coordinate must be unique
            raise _checks.ParameterError(f"'deltas' must be distinct; got {list(self.deltas)}")
        _checks.choice("rule", self.rule, RULES)
        _checks.choice("spring", self.spring, SPRINGS)


def dense_extras(s: AnalysisSettings, delta: float) -> tuple:
    """What ``compute`` adds for the network of seed 0 at ``delta`` from one diagonalisation (``N <=
    DENSE_EXTRAS_MAX_NODES``): every mode's omega and participation ratio, the local DOS by z and the
    fraction of nodes with each z (``_extras``)."""
    net = network(s.L, delta, rule=s.rule, spring=s.spring, rng=sample_streams(seed_sequences(s.seed, s.seeds)[0])[0])
    return _extras(net, dynamical_matrix(net), s.eps)


def _extras(net, H, eps: float) -> tuple:
    """``dense_extras`` of ``net`` and its matrix ``H``, on one BLAS thread: the same rounding on every machine, in any
    process (LAPACK's divide and conquer ``syevd``, as ``numpy.linalg.eigh``; through SciPy, whose build is faster here)."""
    from scipy.linalg import eigh
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        lam, vec = eigh(H.toarray(), driver="evd", overwrite_a=True, check_finite=False)
        _, ld, frac = local_dos_by_coordination(net, LDOS_OMEGA, z=Z_RANGE, eps=eps, modes=(lam, vec))
        return np.sqrt(np.clip(lam[1:], 0, None)), participation_ratio(vec[:, 1:]), ld, frac


def compute(s: AnalysisSettings = AnalysisSettings(), *, progress: bool = False, spectra: dict | None = None,
            extras: dict | None = None) -> xr.Dataset:
    """Run the analysis; see the module notes. Sample ``k`` of every delta uses the ``k``-th
    child of ``SeedSequence(seed)``, as ``ensemble_dos`` does.

    ``spectra`` (optional) maps a delta to the DOS of its ``seeds`` networks, already computed
    with the same rule, springs, seeds and method on bins of ``bin_width`` from 0 (``bosonpeak
    reproduce`` passes those of Fig. 2 right): used wherever they cover this analysis's bins, so
    the numbers are those of a fresh computation. ``extras`` (optional) maps a delta to an object
    whose ``result()`` is ``dense_extras(s, delta)`` (``bosonpeak reproduce`` has another process
    compute them beside its own work); they are asked for after every delta's other steps. The
    progress bar names each step.
    """
    children = seed_sequences(s.seed, s.seeds)
    build = lambda delta, k: network(s.L, delta, rule=s.rule, spring=s.spring, rng=sample_streams(children[k])[0])  # noqa: E731
    T = np.geomspace(0.005, 3.0, 80)
    nk = s.seeds
    small = s.L**2 <= DENSE_EXTRAS_MAX_NODES
    steps = ("networks and sound speeds", f"DOS of {nk} networks ({s.method})", "Boson peak and C(T)", f"lowest {s.modes} modes",
             "every mode and local DOS by z (dense)" if small else "local DOS by z (kpm)")
    out = {k: [] for k in ("c", "sigma", "affine", "density", "bp", "bp_crystal", "C", "mode_omega", "mode_P", "ldos", "zfrac", "all_omega", "all_P")}
    firsts = []  # (network, matrix) of seed 0 per delta
    with tqdm(total=len(s.deltas) * len(steps), desc="analyze", disable=not progress, unit="step") as bar:
        def step(delta, k):
            bar.set_description_str(f"analyze delta={delta:g}: {steps[k]}")

        for delta in s.deltas:
            step(delta, 0)
            nets = [build(delta, k) for k in range(nk)]  # each network built once, its matrix assembled once
            Hs = [dynamical_matrix(net) for net in nets]
            cond = [conductivity_tensor(net, H=H) for net, H in zip(nets, Hs)]
            c = np.array([x.c for x in cond])
            bar.update()
            step(delta, 1)
            edges = default_edges(max(Hs, key=gershgorin_bound), s.bin_width)
            parts = _on_bins(None if spectra is None else spectra.get(float(delta)), edges, nk)
            if parts is None:
                parts = [dos(H, edges, method=s.method, zero_modes=False, rng=sample_streams(children[k])[1]) for k, H in enumerate(Hs)]
            g = combine_samples(parts)
            bar.update()
            step(delta, 2)
            out["c"].append(c)
            out["sigma"].append(np.stack([x.sigma for x in cond]))
            out["affine"].append(np.stack([x.affine for x in cond]))
            out["density"].append(g.samples)
            out["bp"].append(boson_peak(g, c=c, crystal=delta == 0, rng=s.seed))
            out["bp_crystal"].append(boson_peak(g, rng=s.seed, omega_min=out["bp"][-1].window[0], crystal=delta == 0))
            out["C"].append(heat_capacity(g, T, c=c))  # each seed's Debye level below 2 x 2 pi c / L
            bar.update()
            step(delta, 3)
            firsts.append((nets[0], Hs[0]))
            m = lowest_modes(Hs[0], s.modes, rng=sample_streams(children[0])[1])
            out["mode_omega"].append(m.omega)
            out["mode_P"].append(participation_ratio(m.vectors))
            bar.update()
        for delta, (net0, H0) in zip(s.deltas, firsts):  # last, as the diagonalisations take longest
            step(delta, 4)
            if small:  # one diagonalisation for both: every mode's participation and the local DOS by z
                ahead = None if extras is None else extras.get(float(delta))
                all_omega, all_P, ld, frac = ahead.result() if ahead is not None else _extras(net0, H0, s.eps)
                out["all_omega"].append(all_omega)
                out["all_P"].append(all_P)
            else:  # KPM local DOS at the resolution s.eps in omega
                _, ld, frac = local_dos_by_coordination(net0, LDOS_OMEGA, z=Z_RANGE, method="kpm", resolution=max(s.eps, 0.02),
                                                       rng=sample_streams(children[0])[1])
            out["ldos"].append(ld)
            out["zfrac"].append(frac)
            bar.update()
    bp, bpc = out["bp"], out["bp_crystal"]
    n_bins = max(d.shape[1] for d in out["density"])  # bins reach past each delta's own spectrum: pad with zeros
    out["density"] = [np.pad(d, ((0, 0), (0, n_bins - d.shape[1]))) for d in out["density"]]
    edges = s.bin_width * np.arange(n_bins + 1)
    interval = lambda x: x if x is not None else (np.nan, np.nan)  # noqa: E731
    data = {
        "sound_speed": (("delta", "seed"), np.stack(out["c"]), {"long_name": "c = det(sigma)^(1/4) / sqrt(n), relaxed conductivity"}),
        "conductivity": (("delta", "seed", "i", "j"), np.stack(out["sigma"]), {"long_name": "relaxed conductivity tensor"}),
        "conductivity_affine": (("delta", "seed", "i", "j"), np.stack(out["affine"])),
        "density": (("delta", "seed", "omega"), np.stack(out["density"]), {"long_name": "g(omega) per mode, zero modes removed"}),
        "omega_edges": (("omega_edge",), edges),
        "omega_bp": (("delta",), [b.omega for b in bp], {"long_name": "argmax of <g/omega>"}),
        "omega_bp_interval": (("delta", "bound"), [interval(b.omega_interval) for b in bp]),
        "height_own": (("delta",), [b.height for b in bp], {"long_name": "max <g/omega> over the own Debye level 1/(2 pi <c^-2>^-1)"}),
        "height_own_interval": (("delta", "bound"), [interval(b.height_interval) for b in bp]),
        "no_peak_reason": (("delta",), [b.reason or "" for b in bp], {"long_name": "why omega_bp is no Boson peak ('' when it is one)"}),
        "height_crystal": (("delta",), [b.height for b in bpc], {"long_name": "max <g/omega> over the crystal level 1/(2 pi)"}),
        "no_peak_reason_crystal": (("delta",), [b.reason or "" for b in bpc], {"long_name": "why the maximum over the crystal level is no Boson peak ('' when it is one)"}),
        "height_crystal_interval": (("delta", "bound"), [interval(b.height_interval) for b in bpc]),
        "window_min": (("delta",), [b.window[0] for b in bp]),
        "debye_level_own": (("delta",), [b.debye_level for b in bp]),
        "heat_capacity": (("delta", "T"), np.stack(out["C"]), {"long_name": "C per node of the mean DOS, each seed's Debye law below 2 x 2 pi c / L"}),
        "lowest_omega": (("delta", "mode"), np.stack(out["mode_omega"])),
        "lowest_participation": (("delta", "mode"), np.stack(out["mode_P"]), {"long_name": "participation ratio of the lowest non-zero modes, seed 0"}),
        "ldos_by_z": (("delta", "z", "ldos_omega"), np.stack(out["ldos"]), {"long_name": "mean local DOS per unit omega of nodes with z springs, seed 0",
                                                                              "eps": s.eps if s.L**2 <= DENSE_EXTRAS_MAX_NODES else max(s.eps, 0.02),
                                                                              "method": "dense" if s.L**2 <= DENSE_EXTRAS_MAX_NODES else "kpm"}),
        "z_fraction": (("delta", "z"), np.stack(out["zfrac"])),
    }
    if out["all_omega"]:
        data["all_omega"] = (("delta", "all_mode"), np.stack(out["all_omega"]))
        data["all_participation"] = (("delta", "all_mode"), np.stack(out["all_P"]))
    from .._version import __version__

    return annotate(xr.Dataset(
        data,
        coords={"delta": list(s.deltas), "seed": np.arange(nk), "omega": 0.5 * (edges[1:] + edges[:-1]), "T": T, "mode": np.arange(s.modes),
                "z": Z_RANGE, "ldos_omega": LDOS_OMEGA, "bound": ["low", "high"], "i": ["x", "y"], "j": ["x", "y"]},
        attrs={"title": "bosonpeak Boson-peak analysis (beyond the paper)", "bosonpeak_version": __version__, "settings": json.dumps(asdict(s)),
               "root_seed": s.seed, "confidence": bp[0].confidence, "debye_level_crystal": debye_level(1.0),
               "conventions": "density per mode; reduced = density/omega at bin centres; own Debye level uses each seed's c"},
    ))


def _on_bins(parts, edges: np.ndarray, seeds: int) -> list | None:
    """``parts`` (one DOS per seed) cut to ``edges`` when those are a prefix of theirs with no
    mode above; None (compute afresh) otherwise."""
    n = len(edges) - 1
    if parts is None or len(parts) != seeds:
        return None
    if any(len(p.edges) <= n or not np.array_equal(p.edges[: n + 1], edges) or np.any(p.density[n:]) or p.error is not None for p in parts):
        return None
    return [replace(p, edges=edges, density=p.density[:n]) for p in parts]


def _found_peaks(ds: xr.Dataset) -> np.ndarray:
    """``(omega_BP, height)`` per delta for the figure; NaN (not marked) where there is no Boson peak."""
    peaks = np.column_stack([ds["omega_bp"], ds["height_own"]]).astype(float)
    if "no_peak_reason" in ds:
        peaks[np.asarray(ds["no_peak_reason"].values, dtype=str) != ""] = np.nan
    return peaks


def summary(ds: xr.Dataset) -> str:
    """The numbers of the analysis as text."""
    s = json.loads(ds.attrs["settings"])
    lines = [f"bosonpeak {ds.attrs['bosonpeak_version']} analyze: L = {s['L']} (N = {s['L'] ** 2}), {s['seeds']} seeds, rule {s['rule']}, "
             f"springs {s['spring']}, DOS method {s['method']}",
             " delta  c^2 (mean+-sd)  own Debye/crystal  own: omega_BP [interval]     height/own Debye [int.]   crystal: height [int.]         "
             "max C/T^2 / own limit (T)  median P lowest"]
    for d in ds["delta"].values:
        x = ds.sel(delta=d)
        c2 = x["sound_speed"].values ** 2
        ct2 = x["heat_capacity"].values / ds["T"].values ** 2 / np.mean([debye_limit(v) for v in np.sqrt(c2)])
        j = int(np.argmax(ct2))
        lo, hi = x["omega_bp_interval"].values
        ho = x["height_own_interval"].values
        hc = x["height_crystal_interval"].values
        reason = str(x["no_peak_reason"].item()) if "no_peak_reason" in x else ""
        reason_c = str(x["no_peak_reason_crystal"].item()) if "no_peak_reason_crystal" in x else ""
        crystal_peak = f"crystal: {f'no peak ({reason_c})':22s}" if reason_c else f"crystal: {float(x['height_crystal']):.3f} [{hc[0]:.3f}, {hc[1]:.3f}]"
        peak = f"own: {f'no peak ({reason})':44s}" if reason else f"own: {float(x['omega_bp']):.3f} [{lo:.3f}, {hi:.3f}]    {float(x['height_own']):.3f} [{ho[0]:.3f}, {ho[1]:.3f}]"
        lines.append(f" {d:4.2f}   {c2.mean():.3f}+-{c2.std(ddof=1):.3f}    {float(x['debye_level_own']) / ds.attrs['debye_level_crystal']:.3f}"
                     f"              {peak}"
                     f"      {crystal_peak}  {ct2[j]:.3f} ({ds['T'].values[j]:.3f})"
                     f"               {float(np.median(x['lowest_participation'])):.3f}")
    w0, w1 = float(ds["window_min"].min()), float(ds["window_min"].max())
    lines.append(f"own: the verdict over each network's own Debye level 1/(2 pi c^2); crystal: over the crystal's 1/(2 pi) (the paper's "
                 f"reference; the two verdicts can differ, and neither requires what bosonpeak reproduce's summary does, that the variations "
                 f"below keep the peak). Both search omega_BP above {CUTOFF_MULTIPLE:g} x the finite-size cut-off "
                 f"2 pi c / L (= {w0:.3f}..{w1:.3f}) up to {OMEGA_MAX:g}; intervals {100 * ds.attrs['confidence']:.0f}% over the seeds and "
                 f"the window's and smoothing's variations, which search {min(START_FACTORS) * w0:.3f} < omega < {min(max(END_FACTORS) * OMEGA_MAX, float(ds['omega_edges'][-1])):.3f}")
    return "\n".join(lines)


def records(ds: xr.Dataset) -> list[dict]:
    """The numbers of ``summary`` as JSON-ready dicts, one per delta (NaN as None)."""
    def num(x):
        x = float(x)
        return x if np.isfinite(x) else None

    out = []
    for d in ds["delta"].values:
        x = ds.sel(delta=d)
        c2 = x["sound_speed"].values ** 2
        ct2 = x["heat_capacity"].values / ds["T"].values ** 2 / debye_limit(np.sqrt(np.mean(c2)))
        j = int(np.argmax(ct2))
        reason = str(x["no_peak_reason"].item()) if "no_peak_reason" in x else ""
        out.append(dict(
            delta=float(d), c2=num(c2.mean()), c2_sd=num(c2.std(ddof=1)) if len(c2) > 1 else None,
            debye_own_over_crystal=num(x["debye_level_own"] / ds.attrs["debye_level_crystal"]),
            found=not reason, no_peak_reason=reason or None, omega_bp=num(x["omega_bp"]),
            omega_bp_interval=[num(v) for v in x["omega_bp_interval"].values],
            height_own=num(x["height_own"]), height_own_interval=[num(v) for v in x["height_own_interval"].values],
            height_crystal=num(x["height_crystal"]), height_crystal_interval=[num(v) for v in x["height_crystal_interval"].values],
            heat_capacity_max_over_debye=num(ct2[j]), heat_capacity_max_T=num(ds["T"].values[j]),
            median_participation_lowest=num(np.median(x["lowest_participation"])),
        ))
    return out


def figures(ds: xr.Dataset) -> dict[str, plt.Figure]:
    """The analysis figures; keys are file stems."""
    s = json.loads(ds.attrs["settings"])
    labels = [rf"$\delta={d:g}$" for d in ds["delta"].values]
    omega = ds["omega"].values
    out = {}
    levels = 1.0 / (2 * np.pi * ds["sound_speed"] ** 2)
    red = ds["density"] / ds["omega"] / levels.mean("seed")
    fig, ax = plt.subplots(figsize=(6.5, 4.4))
    crystal = (ds.attrs["debye_level_crystal"] / levels.mean("seed")).values
    curves = red.mean("seed").values
    peaks = _found_peaks(ds)  # omega_BP is the maximum of a running mean: marked where it lies on the curve drawn
    peaks[:, 1] = [np.interp(w, omega, r) if np.isfinite(w) else np.nan for w, r in zip(peaks[:, 0], curves)]
    plot_reduced_over_debye(omega, curves, labels, ax, errors=(red.std("seed") / np.sqrt(red.sizes["seed"])).values,
                            crystal_ratios=crystal, peaks=peaks, cutoff=float(ds["window_min"].min()),
                            omega_max=2.0, title=rf"beyond the paper: $g/\omega$ over each network's own Debye level ($L={s['L']}$, {s['seeds']} seeds)")
    out["analysis_reduced_own_debye"] = fig
    fig, ax = plt.subplots(figsize=(6.5, 4.4))
    own = (3 * 1.2020569031595942 / (np.pi * ds["sound_speed"] ** 2)).mean("seed")  # mean of the seeds' Debye limits
    ratio = ds["heat_capacity"] / ds["T"] ** 2 / own
    low = SHELLS * 2 * np.pi * float(ds["sound_speed"].mean()) / s["L"]  # heat_capacity's default hand-over
    plot_heat_capacity(ds["T"].values, ratio.values, labels, ax, imposed_below=handover_temperature(low),
                       title=rf"beyond the paper: $C/T^2$ over the own 2D Debye limit ($L={s['L']}$)")
    out["analysis_heat_capacity"] = fig
    fig, ax = plt.subplots(figsize=(6.5, 4.4))
    background = [(ds["all_omega"].sel(delta=d).values, ds["all_participation"].sel(delta=d).values) for d in ds["delta"].values] if "all_omega" in ds else None
    plot_participation(ds["lowest_omega"].values, ds["lowest_participation"].values, labels, ax, background=background,
                       title=f"beyond the paper: participation ratio, lowest {s['modes']} modes, seed 0")
    out["analysis_participation"] = fig
    if np.isfinite(ds["ldos_by_z"].values).any():
        d = float(ds["delta"].values[-1])
        x = ds.sel(delta=d)
        lev = float(levels.sel(delta=d)[0])
        fig, ax = plt.subplots(figsize=(6.5, 4.4))
        ldos = (x["ldos_by_z"] / ds["ldos_omega"] / lev).values
        total = np.nansum(ldos * x["z_fraction"].values[:, None], axis=0) / np.nansum(x["z_fraction"].values)
        plot_local_dos_by_z(ds["ldos_omega"].values, ldos, ds["z"].values, x["z_fraction"].values, ax, total=total, omega_max=2.0,
                            title=rf"beyond the paper: local DOS by $z$, $\delta={d:g}$, seed 0, {x['ldos_by_z'].attrs['method']}, width ${x['ldos_by_z'].attrs['eps']:g}$")
        out["analysis_local_dos_by_z"] = fig
    return out
