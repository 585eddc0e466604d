"""Every figure of the paper, computed from first principles, with the data behind it.

``compute(settings)`` returns one ``xarray.Dataset`` holding the data of every figure;
``figures(ds)`` draws them; ``summary(ds)`` states the numbers a reader checks first.
``bosonpeak reproduce`` chains the three and writes PNG, PDF and NetCDF atomically.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .. import _checks, _resources
from .._random import sample_streams, seed_sequences
from ..matrices.laplacian import dynamical_matrix
from ..model.lattice import network
from ..matrices.toy import TOY_KINDS, new_poles, toy_model
from ..spectra.local import local_dos
from ..spectra.spectrum import DOS, dos, gershgorin_bound, methods
from ..analysis.peak import boson_peak
from ._units import annotate

#: The three network families of the paper: (rule, spring law, figure panel).
CASES = (
    ("nearest", "inverse", "Fig. 2 left"),
    ("cutoff", "inverse", "Fig. 2 right"),
    ("cutoff", "constant", "Fig. 4 left"),
)
DEBYE_CRYSTAL = 1.0 / (2.0 * np.pi)
Z_MAX = 12
FIG1_MAX_L = 20


@dataclass(frozen=True)
class PaperSettings:
    """Parameters of ``bosonpeak reproduce`` (defaults: the paper's)."""

    L: int = 60
    seeds: int = 10
    deltas: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3)
    bin_width: float = 0.05
    method: str = "dense"
    seed: int = 2026
    toy_eps: float = 0.02
    omega_plot_max: float = 3.5

    def __post_init__(self):
        _checks.integer("size", self.L, minimum=3)
        _checks.integer("seeds", self.seeds, minimum=1)
        if len(self.deltas) < 1:
            raise _checks.ParameterError("'deltas' must hold at least one value; got none")
        for d in self.deltas:
            _checks.real("deltas", d, minimum=0.0, maximum=1.0, max_inclusive=False)
        if len(set(self.deltas)) != len(self.deltas):
            raise _checks.ParameterError(f"'deltas' must be distinct; got {list(self.deltas)}")
        if self.L / 2 <= 1 + max(self.deltas):
            raise _checks.ParameterError(f"'size' must exceed 2 (1 + max delta) = {2 * (1 + max(self.deltas)):g} for the cut-off rule; got {self.L}")
        _checks.bin_width("bin_width", self.bin_width)
        _resources.check_bins("bin_width", self.bin_width, 4.0)
        _checks.choice("method", self.method, methods())
        _checks.seed("seed", self.seed)
        _checks.real("toy_eps", self.toy_eps, minimum=0.0, min_inclusive=False)
        _checks.real("omega_plot_max", self.omega_plot_max, minimum=0.0, min_inclusive=False)


def compute(settings: PaperSettings = PaperSettings(), *, progress: bool = False, client=None, helper=None) -> xr.Dataset:
    """Compute the data behind every figure of the paper.

    Sample ``k`` of every (case, delta) uses the ``k``-th child of ``SeedSequence(seed)``,
    so the three network families share their random directions, as in the paper.
    With a Dask ``client`` the spectra are tasks of the sweep engine (``bosonpeak.workflows.sweep``)
    on its cluster; the numbers are the same. A ``helper`` (an executor of one process) shares the
    slicing engine's spectra with this process (``Shared``); exact counts, the same whichever computes them.

    Returns
    -------
    xarray.Dataset
        ``density`` (case, delta, seed, omega) per mode, ``zero_modes``, the cut-off
        rule's ``coordination_fraction`` (delta, seed, z), the toy model's ``toy_response``
        (toy_kind, toy_omega, toy_node), the structures of Fig. 1, and the parameters as
        attributes.

    Examples
    --------
    >>> from bosonpeak.workflows.reproduce import PaperSettings, compute
    >>> ds = compute(PaperSettings(L=8, seeds=2, deltas=(0.0, 0.2)))
    >>> ds["density"].dims
    ('case', 'delta', 'seed', 'omega')
    """
    s = settings
    children = seed_sequences(s.seed, s.seeds)
    cases = [f"{rule}-{spring}" for rule, spring, _ in CASES]

    def build(rule, spring, delta, k):
        return network(s.L, delta, rule=rule, spring=spring, rng=sample_streams(children[k])[0])

    # Common bins for every curve, up past the top of every spectrum.
    keys = [(c, d, k) for c in range(len(CASES)) for d in range(len(s.deltas)) for k in range(s.seeds)]
    nets = {(c, d, k): dynamical_matrix(build(*CASES[c][:2], s.deltas[d], k))
            for c, d, k in tqdm(keys, desc="paper: networks", disable=not progress, unit="net")}
    top = max(gershgorin_bound(H) for H in nets.values())
    n_bins = int(np.floor(np.sqrt(top) / s.bin_width)) + 1
    edges = s.bin_width * np.arange(n_bins + 1)

    density = np.zeros((len(CASES), len(s.deltas), s.seeds, n_bins))
    zero = np.zeros((len(CASES), len(s.deltas), s.seeds), dtype=np.int64)
    first: dict[bytes, tuple] = {}  # identical matrices (every seed at delta = 0) are computed once
    for ckd, H in nets.items():
        first.setdefault(_matrix_key(H), ckd)
    if client is not None:
        done = _dos_on_cluster(client, s, nets, first, edges, progress)
    else:  # queued for the helper last first, taken back here first to last: the two meet in the middle
        share = helper if s.method == "slicing" else None
        done = {key: Shared(share, _dos_task, nets[ckd], edges, s.method, children[ckd[2]]) for key, ckd in reversed(first.items())}
    with tqdm(total=len(nets), desc=f"paper: DOS ({s.method})", disable=not progress, unit="net") as bar:
        for (c, d, k), H in nets.items():
            key = _matrix_key(H)
            if isinstance(done[key], Shared):
                done[key] = done[key].result()
            density[c, d, k], zero[c, d, k] = done[key]
            bar.update()

    z = np.arange(Z_MAX + 1)
    coord = np.zeros((len(s.deltas), s.seeds, len(z)))
    for d, delta in enumerate(s.deltas):
        for k in range(s.seeds):
            net = build("cutoff", "inverse", delta, k)
            coord[d, k] = np.bincount(net.coordination, minlength=len(z))[: len(z)] / net.n_nodes

    toy_omega = np.linspace(0.0, 3.0, 3001)
    toy = np.stack([local_dos(toy_model(kind), toy_omega, eps=s.toy_eps) for kind in TOY_KINDS])
    toy_eig = np.stack([np.sqrt(np.clip(np.linalg.eigvalsh(toy_model(kind)), 0, None)) for kind in TOY_KINDS])
    poles = {kind: new_poles(kind) for kind in TOY_KINDS}

    # Fig. 1 is an illustration: a FIG1_MAX_L x FIG1_MAX_L corner-sized network (or L if smaller) is legible.
    fig1_delta, fig1_L = max(s.deltas), min(s.L, FIG1_MAX_L)
    fig1_rng = sample_streams(children[0])[0]
    near = network(fig1_L, fig1_delta, rule="nearest", rng=fig1_rng)
    fig1_rng = sample_streams(children[0])[0]
    cut = network(fig1_L, fig1_delta, rule="cutoff", rng=fig1_rng)

    from .._version import __version__

    ds = xr.Dataset(
        {
            "density": (("case", "delta", "seed", "omega"), density, {"long_name": "g(omega) per mode, zero modes removed", "units": "1/omega"}),
            "zero_modes": (("case", "delta", "seed"), zero, {"long_name": "exact zero modes (connected components), removed from density"}),
            "omega_edges": (("omega_edge",), edges, {"long_name": "bin edges in omega"}),
            "coordination_fraction": (("delta", "seed", "z"), coord, {"long_name": "fraction of nodes with z springs, cut-off rule (Fig. 3 left)"}),
            "toy_response": (("toy_kind", "toy_omega", "toy_node"), toy, {"long_name": "-Im G_ii(omega) of the toy model (Fig. 4 right)", "eps": s.toy_eps}),
            "toy_eigenfrequency": (("toy_kind", "toy_mode"), toy_eig),
            "toy_new_poles": (("toy_kind", "toy_pole"), _pad([poles[k] for k in TOY_KINDS])),
            "fig1_positions": (("fig1_node", "xy"), near.positions),
            "fig1_bonds_nearest": (("fig1_bond_nearest", "pair"), near.bonds),
            "fig1_bonds_cutoff": (("fig1_bond_cutoff", "pair"), cut.bonds),
        },
        coords={
            "case": cases,
            "case_figure": ("case", [fig for _, _, fig in CASES]),
            "delta": np.asarray(s.deltas, dtype=float),
            "seed": np.arange(s.seeds),
            "omega": 0.5 * (edges[1:] + edges[:-1]),
            "z": z,
            "toy_kind": list(TOY_KINDS),
            "toy_omega": toy_omega,
            "toy_node": np.arange(9),
        },
        attrs={
            "title": "bosonpeak reproduction of 'Microscopic origin of Boson peak in amorphous solids'",
            "bosonpeak_version": __version__,
            "settings": json.dumps(asdict(s)),
            "root_seed": s.seed,
            "spawn_keys": json.dumps([list(c.spawn_key) for c in children]),
            "fig1_delta": fig1_delta,
            "fig1_box": near.box,
            "debye_level_crystal": DEBYE_CRYSTAL,
            "conventions": "density per mode, counts/(N bin width); bins [e_k, e_k+1); reduced = density/omega at bin centres",
        },
    )
    return annotate(ds)


def _matrix_key(H) -> bytes:
    return H.data.tobytes() + H.indices.tobytes() + H.indptr.tobytes()


class Shared:
    """Work queued for a helper process that this process takes back and does itself if it gets
    there first (a queued future can still be cancelled): two processes share the work without a
    fixed split. ``result()`` returns ``fn(*args)`` from whichever did it; with no helper, from here."""

    def __init__(self, helper, fn, *args):
        self.fn, self.args = fn, args
        self.future = None if helper is None else helper.submit(fn, *args)

    def result(self):
        if self.future is None or self.future.cancel():
            return self.fn(*self.args)
        return self.future.result()

    def cancel(self) -> None:
        if self.future is not None:
            self.future.cancel()


def _dos_task(H, edges: np.ndarray, method: str, child) -> tuple:
    """The DOS of one network of ``compute`` (per mode, zero modes out), with its seed's stream."""
    g = dos(H, edges, method=method, zero_modes=False, rng=sample_streams(child)[1])
    return g.density, g.zero_modes


def _dos_on_cluster(client, s: PaperSettings, nets: dict, first: dict, edges: np.ndarray, progress: bool) -> dict[bytes, tuple]:
    """``compute``'s DOS of every distinct matrix of ``nets``, as sweep tasks on ``client``;
    each from its first (case, delta, seed) (``first``), with that seed's streams, as the loop does."""
    from .sweep import Task, run_tasks

    tasks = [Task(s.L, float(s.deltas[d]), CASES[c][0], CASES[c][1], None, s.method, "{}", False, tuple(map(float, edges)), s.seed, (k,))
             for c, d, k in first.values()]
    results = run_tasks(tasks, client, progress=progress)
    return {key: (r["density"], r["zero_modes"]) for key, r in zip(first, results)}


def _spectra(ds: xr.Dataset, case: str) -> dict:
    """The DOS of every seed of ``case`` in the dataset of ``compute``, per delta (for ``analyze.compute``)."""
    s, edges = json.loads(ds.attrs["settings"]), ds["omega_edges"].values
    x = ds.sel(case=case)
    return {float(d): [DOS(edges, x["density"].values[i, k], s["L"] ** 2, s["method"], zero_modes=float(x["zero_modes"].values[i, k]),
                           zero_modes_removed=True, dim=2, model="scalar", crystal=bool(d == 0)) for k in range(x.sizes["seed"])] for i, d in enumerate(x["delta"].values)}


def _pad(rows):
    width = max(1, max(len(r) for r in rows))
    out = np.full((len(rows), width), np.nan)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def peak_table(ds: xr.Dataset, omega_min: float | None = None, omega_max: float = 1.5) -> xr.DataArray:
    """omega at the maximum of the mean ``g / omega`` in ``(omega_min, omega_max)`` per case and delta.

    ``omega_min`` defaults to three times the crystal's finite-size cut-off ``2 pi / L``:
    below it a finite network's spectrum is a set of degenerate plane-wave shells, whose
    spikes in ``g / omega`` are not a Boson peak.
    """
    L = json.loads(ds.attrs["settings"])["L"]
    lo = _peak_floor(L) if omega_min is None else omega_min
    red = (ds["density"].mean("seed") / ds["omega"]).sel(omega=slice(lo, omega_max))
    return red.idxmax("omega")


def _peak_floor(L: int) -> float:
    """3 x 2 pi / L, or for networks too small for that, the lowest crystal frequency 2 sin(pi / L)."""
    lo = 3 * 2 * np.pi / L
    return lo if lo < 1.0 else 2 * np.sin(np.pi / L)


def summary(ds: xr.Dataset) -> str:
    """A short text summary: coordination, zero modes and where ``g / omega`` peaks."""
    s = json.loads(ds.attrs["settings"])
    lines = [f"bosonpeak {ds.attrs['bosonpeak_version']}: L = {s['L']} (N = {s['L'] ** 2}), {s['seeds']} seeds, method {s['method']}"]
    zmean = (ds["coordination_fraction"] * ds["z"]).sum("z").mean("seed")
    zmode = ds["coordination_fraction"].mean("seed").idxmax("z")
    lo = _peak_floor(s["L"])
    lines.append("cut-off rule: delta  <z>   most common z   zero modes/network")
    for d in ds["delta"].values:
        zm = float(ds["zero_modes"].sel(case="cutoff-inverse", delta=d).mean())
        lines.append(f"               {d:4.2f}  {float(zmean.sel(delta=d)):.3f}  {int(zmode.sel(delta=d)):d}               {zm:.1f}")
    edges = ds["omega_edges"].values
    rows, searched = [], set()
    for case in ds["case"].values:
        cells = []
        for d in ds["delta"].values:
            x = ds["density"].sel(case=case, delta=d).values  # (seed, omega)
            g = DOS(edges, x.mean(0), s["L"] ** 2, s["method"], samples=x if len(x) > 1 else None, zero_modes_removed=True,
                    dim=2, model="scalar", crystal=bool(d == 0))
            bp = boson_peak(g, omega_min=lo, rng=s["seed"])
            searched.add((*bp.search_range, bp.confidence))
            if bp.robust:
                w = bp.omega_interval
                cells.append(f"delta {d:.1f}: omega {bp.omega:.3f}" + (f" [{w[0]:.3f}, {w[1]:.3f}]" if w else "") + f" ({bp.height:.2f}x)")
            elif bp.found:
                cells.append(f"delta {d:.1f}: no robust peak (omega {bp.omega:.3f}; {bp.robustness()})")
            else:
                cells.append(f"delta {d:.1f}: no peak ({bp.reason})")
        rows.append(f"  {case:16s} over the crystal's Debye level: " + "; ".join(cells))
    a, b, confidence = min(r[0] for r in searched), max(r[1] for r in searched), max(r[2] for r in searched)
    lines.append(f"Boson peak over the crystal's Debye level 1/(2 pi) = {DEBYE_CRYSTAL:.4f} (boson_peak: max of <g/omega> averaged over 2 pi / L "
                 f"in the window {lo:.3f} < omega < 1.5; a peak only where varying the window's ends and the smoothing keeps it one; "
                 f"intervals {100 * confidence:.0f} % over the seeds and those variations, which search {a:.3f} < omega < {b:.3f}):")
    lines += rows
    poles = ", ".join(
        f"{k}: " + (" ".join(f"{w:.3f}" for w in ds["toy_new_poles"].sel(toy_kind=k).values if np.isfinite(w)) or "none")
        for k in ds["toy_kind"].values
    )
    lines.append(f"toy model new poles (omega): {poles}")
    return "\n".join(lines)


def figures(ds: xr.Dataset) -> dict[str, plt.Figure]:
    """Draw every figure of the paper from the dataset of ``compute``; keys are file stems."""
    from ._paper_figures import paper_figures

    return paper_figures(ds)


def reproduce_all(settings: PaperSettings, out, *, glass_particles: int = 1500, glass_method: str = "banded", cache=None,
                  analysis: bool = True, progress: bool = False, client=None, report=lambda text: None) -> list:
    """Everything ``bosonpeak reproduce`` makes: the paper's figures and data, the glass of Fig. 3
    right (``glass_particles`` = 0 skips it), and the analysis beyond the paper; written to ``out``.

    ``report`` receives each summary as it is ready. Returns the paths written.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .._files import save_dataset, save_figure

    out = Path(out)
    beyond = analysis and settings.L >= 16 and settings.seeds >= 2 and any(d > 0 for d in settings.deltas)
    count, total = iter(range(1, 7)), 2 + 2 * bool(glass_particles) + 2 * beyond
    stage = lambda text: progress and print(f"reproduce [{next(count)}/{total}]: {text}", file=sys.stderr, flush=True)  # noqa: E731

    def write(ds, name, figs, prefix="", mark=False):
        paths = [save_dataset(ds, out / name)]
        for stem, fig in figs.items():
            if mark:
                fig.text(0.995, 0.005, "beyond the paper", ha="right", va="bottom", fontsize=8, color="tab:blue", style="italic")
            paths += save_figure(fig, out / f"{prefix}{stem}")
            plt.close(fig)
        return paths

    # One helper process beside this one (forked: it starts with this one's imports) shares the paper's spectra, then takes
    # two thirds of the analysis's dense diagonalisations (one BLAS thread each: the rounding of any machine); what it has not
    # started when this process needs it, this process does (``Shared``): the numbers are those of one process.
    helper = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        stage(f"the paper's {3 * len(settings.deltas) * settings.seeds} networks (L = {settings.L}) and their DOS ({settings.method})")
        ds = compute(settings, progress=progress, client=client, helper=helper if client is None else None)
        if beyond:
            from .analyze import DENSE_EXTRAS_MAX_NODES, AnalysisSettings, dense_extras

            plan = AnalysisSettings(L=settings.L, deltas=tuple(d for d in settings.deltas if d > 0), seeds=settings.seeds,
                                    method=settings.method, bin_width=settings.bin_width, seed=settings.seed, modes=min(100, settings.L**2 // 2))
            ahead = None
            if settings.L**2 <= DENSE_EXTRAS_MAX_NODES:  # the first third of the deltas here, the rest queued for the helper
                mine = len(plan.deltas) // 3
                ahead = {float(d): Shared(helper if i >= mine else None, dense_extras, plan, d) for i, d in enumerate(plan.deltas)}
        stage("the paper's figures and paper_data.nc")
        written = write(ds, "paper_data.nc", figures(ds))
        report(summary(ds))
        if glass_particles:
            from .glass import glass_figure_data, glass_figures, glass_summary

            stage(f"the glass of Fig. 3 right ({glass_particles} disks; from the cache if there)")
            glass = glass_figure_data(glass_particles, seed=settings.seed, method=glass_method, cache_dir=cache, progress=progress)
            cached = glass.attrs.pop("cached")  # not in the file: a rerun from the cache writes the same bytes
            stage("the glass's figures and glass_data.nc")
            written += write(glass, "glass_data.nc", glass_figures(glass))
            report(glass_summary(glass) + (" [from cache]" if cached else ""))
        if analysis and not beyond:
            report("beyond the paper: skipped (needs --size >= 16, --seeds >= 2 and a delta > 0)")
        elif analysis:
            from .analyze import compute as analyze
            from .analyze import figures as analysis_figures
            from .analyze import summary as analysis_summary

            stage("beyond the paper: analysis of the cut-off networks of Fig. 2 right")
            ads = analyze(plan, progress=progress, spectra=_spectra(ds, "cutoff-inverse"), extras=ahead)  # Fig. 2 right's spectra, not computed again
            ads.attrs["note"] = "beyond the paper: analysis of the cut-off networks of Fig. 2 right (same seeds)"
            stage("beyond the paper: figures and beyond_paper_analysis.nc")
            written += write(ads, "beyond_paper_analysis.nc", analysis_figures(ads), prefix="beyond_paper_", mark=True)
            report("beyond the paper:\n" + analysis_summary(ads))
    finally:
        helper.shutdown(wait=False, cancel_futures=True)  # an error or an interrupt: what has not started is dropped
    return written
