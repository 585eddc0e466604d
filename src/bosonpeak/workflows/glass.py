"""The simulated amorphous solid's data set, its cache and its figures (paper, Fig. 3 right).

``glass_dataset(packing)`` gathers what a reader checks about one jammed packing: contact and
Voronoi coordination, the DOS of its vector Hessian and of the scalar network of the same
contacts, their Debye levels and Boson-peak positions. ``glass_figure_data`` caches that data
set on disk (NetCDF, written atomically, keyed by the parameters and the code version) so
``bosonpeak reproduce`` builds the glass once; ``glass_figures`` and ``glass_summary`` draw
and state it.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import xarray as xr

from .. import _checks, _resources
from .._files import KEY_FILE, atomic_path, read_regular, remove_stale_parts, save_dataset, sign, verify
from ..analysis.elasticity import debye_levels
from ..matrices.hessian import glass_hessian
from ..matrices.laplacian import dynamical_matrix
from ..model.glass import (
    DEFAULT_PHI,
    DIAMETER_RATIO,
    Packing,
    contact_network,
    coordination_fractions,
    jammed_packing,
    voronoi_numbers,
)
from ..plotting.paper import plot_coordination, plot_coordination_map
from ..spectra.spectrum import dos, gershgorin_bound, methods
from ..spectra.vector import glass_dos
from ..analysis.peak import CUTOFF_MULTIPLE, OMEGA_MAX, SMOOTH_MIN_BINS, peak_verdict
from ._units import annotate

#: Largest cache file read back (a packing of 10^6 particles' spectra is a few MB).
MAX_CACHE_BYTES = 2**30
#: Bump when the data set's content changes, so old cache files are not reused.
GLASS_DATA_VERSION = 4  # 4: Boson-peak window and verdict as boson_peak's (3 c 2 pi / L .. 1.5, over the shell spacing)
#: Coordination numbers 0..Z_MAX are stored.
Z_MAX = 12
#: Default bin width in omega.
GLASS_BIN_WIDTH = 0.05


def glass_dataset(packing: Packing, *, bin_width: float = GLASS_BIN_WIDTH, method: str = "banded", rng=None, progress: bool = False,
                  timings: bool = False) -> xr.Dataset:
    """Coordination, DOS of the vector Hessian and of the scalar contact network, Debye levels.

    Parameters
    ----------
    packing : Packing
    bin_width : float
        Bin width in omega; the bins run from 0 past the top of both spectra.
    method : str
        DOS engine (``bosonpeak.methods()``), used for both matrices; default the exact
        ``"banded"``.
    rng : int, SeedSequence or Generator, optional
        For stochastic engines.
    progress : bool
        Progress bars of the DOS engines.
    timings : bool
        Add the wall-clock attributes ``fire_seconds`` and ``dos_seconds``; without them the
        data set, and the file written from it, is the same byte for byte on every run.

    Returns
    -------
    xarray.Dataset
        ``density_vector`` / ``density_scalar`` (omega) per mode with the zero modes removed
        (vector: per ``2 M`` modes), ``reduced_*`` = density / omega, ``excess_*`` = g / g_D,
        ``contact_fraction`` (over the backbone) and ``voronoi_fraction`` (over all particles)
        against ``z``, the structure (``positions``, ``radii``, ``rattler``, ``z_contact``,
        ``z_voronoi``), and attributes: Debye levels, sound speeds, ``omega_bp_*``, packing data.

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.workflows.glass import glass_dataset
    >>> ds = glass_dataset(bosonpeak.jammed_packing(64, 0.9, rng=1))
    >>> float(ds["contact_fraction"].sum()), float((ds["voronoi_fraction"] * ds["z"]).sum())
    (1.0, 6.0)
    """
    if not isinstance(packing, Packing):
        raise _checks.ParameterTypeError(f"'packing' must be a Packing; got {type(packing).__name__}")
    bin_width = _checks.bin_width("bin_width", bin_width)
    method = _checks.choice("method", method, methods())
    _checks.rng("rng", rng)
    t0 = time.perf_counter()
    Hv = glass_hessian(packing)
    Hs = dynamical_matrix(contact_network(packing))
    top = np.sqrt(max(gershgorin_bound(Hv), gershgorin_bound(Hs)))
    edges = bin_width * np.arange(_resources.check_bins("bin_width", bin_width, top, floor=True, offset=2))
    gv = glass_dos(Hv, edges, method=method, rng=rng, progress=progress)
    gs = dos(Hs, edges, method=method, zero_modes=False, rng=rng, progress=progress)
    t_dos = time.perf_counter() - t0
    levels = debye_levels(packing)
    omega = gv.centres
    k1 = 2 * np.pi / packing.box
    z_contact = packing.contact_numbers
    z_voronoi = voronoi_numbers(packing)
    backbone = ~packing.rattler

    upper = min(OMEGA_MAX, 0.5 * top)  # boson_peak's window: above CUTOFF_MULTIPLE x c 2 pi / L, below OMEGA_MAX

    def peak(reduced, omega_min):
        sel = (omega > omega_min) & (omega < upper)
        return float(omega[sel][np.argmax(reduced[sel])]) if sel.any() else float("nan")

    from .._version import __version__

    attrs = dict(
        title="bosonpeak simulated 2D amorphous solid: jammed 50:50 bidisperse harmonic disks",
        bosonpeak_version=__version__, glass_data_version=GLASS_DATA_VERSION, method=method, bin_width=bin_width,
        params=json.dumps(packing.params), N=packing.n_particles, phi=packing.phi, box=packing.box,
        backbone_particles=int(backbone.sum()), rattlers=int(packing.rattler.sum()),
        mean_contact_number=packing.mean_contact_number, isostatic_contact_number=4.0,
        contacts_minus_isostatic=int(len(packing.backbone_contacts) - (2 * (backbone.sum() - 1) + 1)),
        mean_voronoi_number=float(z_voronoi.mean()), pressure=packing.pressure, energy=packing.energy,
        max_force=packing.max_force, fire_steps=packing.info["steps"], c_L=levels["c_L"], c_T=levels["c_T"], c_scalar=levels["c"],
        debye_level_vector=levels["vector"], debye_level_scalar=levels["scalar"],
        omega_min_vector=CUTOFF_MULTIPLE * levels["c_T"] * k1, omega_min_scalar=CUTOFF_MULTIPLE * levels["c"] * k1, omega_max_window=upper,
        omega_bp_vector=peak(gv.reduced, CUTOFF_MULTIPLE * levels["c_T"] * k1), omega_bp_scalar=peak(gs.reduced, CUTOFF_MULTIPLE * levels["c"] * k1),
        no_peak_reason_vector=_no_peak_reason(omega, gv.reduced / levels["vector"], CUTOFF_MULTIPLE * levels["c_T"] * k1, upper, levels["c_T"] * k1 / bin_width),
        no_peak_reason_scalar=_no_peak_reason(omega, gs.reduced / levels["scalar"], CUTOFF_MULTIPLE * levels["c"] * k1, upper, levels["c"] * k1 / bin_width),
        scalar_stiffness="k_ij = V''(r_ij) = 1 / sigma_ij**2 (eps = 1)",
        conventions="density per mode (vector: per 2M modes), zero modes removed; reduced = density / omega at bin centres; "
        "excess = g / g_Debye; vector Debye level (1/c_L^2 + 1/c_T^2)/(4 pi rho), scalar 1/(2 pi rho c^2), rho = M / box^2",
    )
    if timings:
        attrs.update(fire_seconds=packing.info["seconds"], dos_seconds=t_dos)
    return annotate(xr.Dataset(
        {
            "density_vector": ("omega", gv.density, {"long_name": "g(omega) per mode of the vector Hessian (2M modes), zero modes removed"}),
            "density_scalar": ("omega", gs.density, {"long_name": "g(omega) per mode of the scalar contact network (M modes), zero mode removed"}),
            "reduced_vector": ("omega", gv.reduced),
            "reduced_scalar": ("omega", gs.reduced),
            "excess_vector": ("omega", gv.reduced / levels["vector"], {"long_name": "g / g_Debye, vector Hessian"}),
            "excess_scalar": ("omega", gs.reduced / levels["scalar"], {"long_name": "g / g_Debye, scalar network"}),
            "omega_edges": ("omega_edge", edges),
            "contact_fraction": ("z", coordination_fractions(z_contact[backbone], Z_MAX), {"long_name": "fraction of backbone particles with z contacts"}),
            "voronoi_fraction": ("z", coordination_fractions(z_voronoi, Z_MAX), {"long_name": "fraction of particles with z Voronoi neighbours"}),
            "positions": (("particle", "xy"), packing.positions),
            "radii": ("particle", packing.radii),
            "rattler": ("particle", packing.rattler.astype(np.int8)),
            "z_contact": ("particle", z_contact),
            "z_voronoi": ("particle", z_voronoi),
        },
        coords={"omega": omega, "z": np.arange(Z_MAX + 1), "particle": np.arange(packing.n_particles), "xy": ["x", "y"]},
        attrs=attrs,
    ), "glass")


def _no_peak_reason(omega, excess, omega_min, upper, shell_bins=1.0) -> str:
    """``peak_verdict`` on ``g / g_Debye`` in the search window: '' for a Boson peak, else the reason
    (no Debye level, a packing unstable to some shear: 'no Debye level'). Judged, as ``boson_peak``
    does, on the running mean over the plane-wave shell spacing ``c 2 pi / L`` (``shell_bins`` bins,
    at least ``SMOOTH_MIN_BINS``), so that one shell is not a peak."""
    if not np.all(np.isfinite(excess)) or not np.isfinite(omega_min) or not np.isfinite(shell_bins):
        return "no Debye level"
    inside = np.flatnonzero((omega > omega_min) & (omega < upper))
    if inside.size == 0:
        return "empty window"
    smooth = max(SMOOTH_MIN_BINS, 2 * int(round(shell_bins / 2)) + 1)
    return peak_verdict(excess, 1.0, inside, smooth=smooth) or ""


def _stored_reason(ds: xr.Dataset, kind: str) -> str:
    """The verdict stored with the data ('' for a Boson peak); recomputed for data without it."""
    a = ds.attrs
    if f"no_peak_reason_{kind}" in a:
        return str(a[f"no_peak_reason_{kind}"])
    omega = ds["omega"].values
    speed = a["c_T"] if kind == "vector" else a["c_scalar"]
    upper = a.get("omega_max_window", min(OMEGA_MAX, 0.5 * ds["omega_edges"].values[-1]))
    return _no_peak_reason(omega, ds[f"excess_{kind}"].values, a[f"omega_min_{kind}"], upper,
                           speed * 2 * np.pi / a["box"] / a["bin_width"])


def default_cache_dir() -> Path:
    """``$BOSONPEAK_CACHE``, else ``$XDG_CACHE_HOME/bosonpeak``, else ``~/.cache/bosonpeak``."""
    from .._cache import cache_dir

    return cache_dir()


def glass_figure_data(N: int = 1500, phi: float = DEFAULT_PHI, seed: int = 2026, *, method: str = "banded",
                      bin_width: float = GLASS_BIN_WIDTH, cache_dir=None, refresh: bool = False, progress: bool = False) -> xr.Dataset:
    """The data set of ``glass_dataset`` for one generated glass, from an on-disk cache if present.

    The cache file name holds a hash of the parameters, ``GLASS_DATA_VERSION`` and the
    package version, so a change of either computes afresh. Files are written atomically,
    with a sidecar ``<file>.sig``: the HMAC of the file's bytes under the cache folder's
    secret key (``_files.sign``). A file is used only if its signature verifies and its
    ``cache_key`` attribute holds these parameters; a corrupt, foreign or forged file is
    computed again and overwritten, never read as data.

    Parameters
    ----------
    N, phi, seed
        As ``jammed_packing(N, phi, rng=seed)``.
    method, bin_width
        As ``glass_dataset``.
    cache_dir : path, optional
        Default ``default_cache_dir()``.
    refresh : bool
        Recompute and overwrite the cached file.

    Examples
    --------
    >>> import tempfile
    >>> from bosonpeak.workflows.glass import glass_figure_data
    >>> d = tempfile.mkdtemp()
    >>> a = glass_figure_data(64, 0.9, 1, cache_dir=d)
    >>> b = glass_figure_data(64, 0.9, 1, cache_dir=d)   # read back from the cache
    >>> bool((a["density_vector"] == b["density_vector"]).all()), b.attrs["cached"]
    (True, 1)
    """
    from .._version import __version__

    N = _checks.integer("N", N, minimum=16)
    phi = _checks.real("phi", phi, minimum=0.5, maximum=1.2, min_inclusive=False)
    seed = _checks.seed("seed", seed)
    method = _checks.choice("method", method, methods())
    key = json.dumps(dict(N=N, phi=phi, seed=seed, method=method, bin_width=bin_width, ratio=DIAMETER_RATIO,
                          data=GLASS_DATA_VERSION, version=__version__), sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    folder = Path(cache_dir if cache_dir is not None else default_cache_dir())
    path = folder / f"glass-N{N}-phi{phi:g}-seed{seed}-{digest}.nc"
    for taken in (path, path.with_name(path.name + ".sig"), folder / KEY_FILE):  # checked before the work, not at the save
        if taken.is_dir():
            raise _checks.ParameterError(f"'cache_dir' holds a folder where a cache file goes, {str(taken)!r}; remove it or use another cache folder")
    if not refresh:
        ds = _cached(path, key)
        if ds is not None:
            ds = annotate(ds, "glass")  # files cached before units were added get them here
            ds.attrs["cached"] = 1
            return ds
    packing = jammed_packing(N, phi, rng=seed, progress=progress)
    ds = glass_dataset(packing, bin_width=bin_width, method=method, rng=seed, progress=progress)
    ds.attrs.update(seed=seed, cache_key=key)
    remove_stale_parts(folder)
    save_dataset(ds, path)
    with atomic_path(path.with_name(path.name + ".sig")) as tmp:
        tmp.write_text(sign(folder, path.read_bytes()))
    ds.attrs["cached"] = 0
    return ds


def _cached(path: Path, key: str) -> xr.Dataset | None:
    """The data set cached at ``path`` if its signature verifies and it was made with ``key``; else None."""
    try:
        data = read_regular(path, MAX_CACHE_BYTES, name="cache file")  # a FIFO or a link to /dev/zero: computed again, overwritten
        if not verify(path.parent, read_regular(path.with_name(path.name + ".sig"), 1024, name="signature").decode().strip(), data):
            return None
        with xr.open_dataset(path) as f:
            ds = f.load()
        if ds.attrs.get("cache_key") != key or not {"density_vector", "density_scalar", "omega_edges"} <= set(ds.data_vars):
            return None
        return ds
    except Exception:  # noqa: BLE001 - unreadable, truncated, foreign: computed again
        return None


def glass_summary(ds: xr.Dataset) -> str:
    """A few lines stating the glass's coordination, sound speeds and Boson-peak positions."""
    a = ds.attrs
    zc = ds["contact_fraction"]

    def bp(kind):
        w = a[f"omega_bp_{kind}"]
        if not np.isfinite(w):
            return "n/a (no Debye level: the packing is unstable to some shear)"
        reason = _stored_reason(ds, kind)
        if reason:
            return f"no peak ({reason})"
        return f"omega = {w:.3f} ({float(ds[f'excess_{kind}'].sel(omega=w)):.2f}x Debye)"
    return "\n".join([
        f"glass: N = {a['N']}, phi = {a['phi']:.4f}, {a['rattlers']} rattlers, FIRE {a['fire_steps']} steps, max |F| = {a['max_force']:.2e}, "
        f"pressure {a['pressure']:.3e}",
        f"  contacts: <z> = {a['mean_contact_number']:.4f} (isostatic 4; contacts - N_iso = {a['contacts_minus_isostatic']}), "
        f"most common z = {int(zc.idxmax('z'))}; Voronoi <z> = {a['mean_voronoi_number']:.4f}",
        f"  sound: c_L = {a['c_L']:.4f}, c_T = {a['c_T']:.4f} (vector), c = {a['c_scalar']:.4f} (scalar network)",
        f"  Boson peak, max of g/omega for {CUTOFF_MULTIPLE:g} c 2 pi / L < omega < {a.get('omega_max_window', OMEGA_MAX):g}: vector {bp('vector')}, scalar {bp('scalar')}",
    ])


def glass_records(ds: xr.Dataset) -> dict:
    """The numbers of ``glass_summary`` as a JSON-ready dict (NaN as None)."""
    a = ds.attrs

    def num(x):
        x = float(x)
        return x if np.isfinite(x) else None

    out = dict(N=int(a["N"]), phi=num(a["phi"]), rattlers=int(a["rattlers"]), fire_steps=int(a["fire_steps"]),
               max_force=num(a["max_force"]), pressure=num(a["pressure"]), mean_contact_number=num(a["mean_contact_number"]),
               contacts_minus_isostatic=int(a["contacts_minus_isostatic"]), most_common_z=int(ds["contact_fraction"].idxmax("z")),
               mean_voronoi_number=num(a["mean_voronoi_number"]), c_L=num(a["c_L"]), c_T=num(a["c_T"]), c_scalar=num(a["c_scalar"]))
    omega = ds["omega"].values
    for kind in ("vector", "scalar"):
        inside = np.flatnonzero((omega > a[f"omega_min_{kind}"]) & (omega < 0.5 * ds["omega_edges"].values[-1]))
        reason = peak_verdict(ds[f"excess_{kind}"].values, 1.0, inside) if np.isfinite(a[f"omega_bp_{kind}"]) else "no Debye level"
        out[f"boson_peak_{kind}"] = dict(found=reason is None, no_peak_reason=reason, omega=num(a[f"omega_bp_{kind}"]))
    return out


def glass_figures(ds: xr.Dataset) -> dict[str, plt.Figure]:
    """Fig. 3 right (coordination of the glass, structure inset) and the scalar-vs-vector DOS figure."""
    a = ds.attrs
    out = {}
    z = ds["z"].values
    rattler = ds["rattler"].values.astype(bool)

    fig, (ax, inset) = plt.subplots(1, 2, figsize=(11, 4.8), gridspec_kw={"width_ratios": [1.25, 1]})
    plot_coordination(z, np.stack([ds["contact_fraction"].values, ds["voronoi_fraction"].values]),
                      [rf"contacts (backbone, $\langle z\rangle={a['mean_contact_number']:.2f}$)", rf"Voronoi neighbours ($\langle z\rangle={a['mean_voronoi_number']:.2f}$)"], ax,
                      title="coordination distribution")
    ax.set_xlim(-0.5, 10.5)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    plot_coordination_map(ds["positions"].values, ds["radii"].values, ds["z_contact"].values, a["box"], inset, rattler=rattler, colorbar=True)
    inset.set_title(r"structure: contact number $z$ (grey levels); dashed red: rattlers", fontsize=9)
    fig.suptitle(rf"Fig. 3 right: simulated 2D glass (bidisperse harmonic disks), $N={a['N']}$, $\phi={a['phi']:.3f}$")
    out["fig3_right_glass_coordination"] = fig

    fig, axes = plt.subplots(1, 3, figsize=(15, 5.6))
    omega = ds["omega"].values
    top = 0.5 * omega[-1]
    for ax, kind, label, level in ((axes[0], "scalar", r"scalar network of the contacts, $k=1/\sigma^2$", a["debye_level_scalar"]),
                                   (axes[1], "vector", "vector Hessian (with prestress)", a["debye_level_vector"])):
        ax.plot(omega, ds[f"reduced_{kind}"], color="k", lw=1.4, label=r"$g(\omega)/\omega$")
        lo = a[f"omega_min_{kind}"] if np.isfinite(a[f"omega_min_{kind}"]) else 0.0  # NaN: unstable to a shear
        if np.isfinite(level):
            ax.axhline(level, color="0.4", ls="--", lw=1, label=rf"Debye level ${level:.3g}$")
            reason = _stored_reason(ds, kind)
            if not np.isfinite(a[f"omega_bp_{kind}"]):  # nothing to search: the window is empty at this size
                ax.plot([], [], ls="none", label=f"no Boson peak ({reason})")
            elif reason:  # a maximum that is no Boson peak is not called one
                ax.axvline(a[f"omega_bp_{kind}"], color="0.5", ls=":", lw=1.0, label=rf"max of $g/\omega$ at $\omega={a[f'omega_bp_{kind}']:.3f}$:" + f"\nno Boson peak ({reason})")
            else:
                ax.axvline(a[f"omega_bp_{kind}"], color="tab:red", lw=0.8, label=rf"Boson peak, $\omega_\mathrm{{BP}}={a[f'omega_bp_{kind}']:.3f}$")
            ax.axvspan(0, lo, color="0.85", lw=0, label=rf"$\omega < {CUTOFF_MULTIPLE:g}\,c\,2\pi/L$: plane-wave shells")
        ax.set_xlim(0, top)
        shown = ds[f"reduced_{kind}"].sel(omega=slice(lo + 1e-12, top)).values  # empty for a tiny packing (lo >= top)
        shown = float(shown.max() if shown.size and shown.max() > 0 else ds[f"reduced_{kind}"].max())
        ax.set_ylim(0, 1.15 * max(shown, level if np.isfinite(level) else 0.0) or 1.0)  # the Debye line stays inside
        ax.set_xlabel(r"$\omega$")
        ax.set_ylabel(r"$g(\omega)/\omega$")
        ax.set_title(label, fontsize=10)
        if np.isfinite(level):  # below the axes: the spectrum fills them, shells and all
            ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    for kind, colour in (("scalar", "tab:blue"), ("vector", "tab:red")):
        sel = omega > a[f"omega_min_{kind}"]
        axes[2].plot(omega[sel], ds[f"excess_{kind}"].values[sel], color=colour, lw=1.4, label=kind)
    axes[2].axhline(1, color="0.4", ls="--", lw=1, label="own Debye law")
    axes[2].set_xlim(0, top)
    axes[2].set_ylim(0, None)
    axes[2].set_xlabel(r"$\omega$")
    axes[2].set_ylabel(r"$g(\omega)/g_\mathrm{Debye}(\omega)$")
    axes[2].set_title(rf"both, relative to their own Debye law (above ${CUTOFF_MULTIPLE:g}\,c\,2\pi/L$)", fontsize=10)
    axes[2].legend(frameon=False, fontsize=8)
    fig.subplots_adjust(bottom=0.3, wspace=0.25)
    fig.suptitle(rf"Reduced DOS of a jammed packing ($N={a['N']}$, $\phi={a['phi']:.3f}$, $\langle z\rangle={a['mean_contact_number']:.2f}$): scalar model vs vector Hessian")
    out["glass_reduced_dos"] = fig
    return out


def glass_outputs(out, particles: int, phi: float = DEFAULT_PHI, *, seed: int = 2026, bin_width: float = GLASS_BIN_WIDTH,
                  method: str = "banded", progress: bool = False, with_dataset: bool = False) -> tuple:
    """What ``bosonpeak glass`` makes: pack, compute, write ``glass_data.nc``, the figures and
    ``summary.txt`` to ``out``. Returns the paths written and the summary text (and the dataset,
    third, if ``with_dataset``)."""
    from .._files import save_figure

    out = Path(out)
    packing = jammed_packing(particles, phi, rng=seed, progress=progress)
    ds = glass_dataset(packing, bin_width=bin_width, method=method, rng=seed, progress=progress)
    ds.attrs["seed"] = seed
    written = [save_dataset(ds, out / "glass_data.nc")]
    for stem, fig in glass_figures(ds).items():
        written += save_figure(fig, out / stem)
        plt.close(fig)
    text = glass_summary(ds)
    with atomic_path(out / "summary.txt") as tmp:
        tmp.write_text(text + "\n")
    written.append(out / "summary.txt")
    return (written, text, ds) if with_dataset else (written, text)
