"""``solid``: the whole Boson-peak analysis of a user's own glass, from a configuration file (and
a pair potential or a Hessian file), as an ``xarray.Dataset`` (what ``bosonpeak solid`` writes).

Steps: read the configuration (``model.particle_io.read``: every ASE format, GSD); with a
potential, minimise to an inherent structure (FIRE, unless ``minimize=False``) and find the
rattlers (fewer than d + 1 contacts; kept unless ``remove_rattlers``); the dynamical matrix from
the potential (``matrices.particle_hessian.hessian``) or from ``hessian_file``
(``matrices.hessian_files.read_hessian``, with the configuration's masses); the DOS per mode over
all ``d N`` modes with the zero modes left out (it integrates to ``1 - zero_modes / (d N)``, as
``bosonpeak dos`` does); the relaxed moduli G, M (``analysis.moduli``; with only a Hessian the
long-wavelength response, ``analysis.long_wavelength``, or the user's ``moduli``), the sound
speeds from the mass density, the Debye level ``d / omega_D**d`` of ``g / omega**(d-1)``, the Boson
peak against it (``analysis.peak.boson_peak``), the participation ratio of the lowest modes and
the heat capacity per mode ``C(T)`` with ``C / T**d``.

``zero_modes`` counts the zero modes of the analysed matrix: the ``d`` translations, plus for every
particle the rank deficit of its own ``d x d`` diagonal block (``d`` for a particle with no
contacts, a rattler in a cage).
"""

from __future__ import annotations

import numpy as np

from .. import _checks, _resources
from ._solid_steps import KPM_LARGE_DOF, KPM_RESOLUTION_PER_BIN, _Clock, _dos, kpm_options  # noqa: F401 - public here

#: What ``--json`` prints, at least.
SUMMARY_KEYS = ("n_particles", "dim", "dof", "zero_modes", "rattlers", "max_force", "number_density", "shear_modulus",
                "longitudinal_modulus", "c_T", "c_L", "debye_level", "omega_bp", "bp_height", "found", "edges", "density")
#: Largest force component (relative to the typical pair force) above which ``minimize=False`` warns.
FORCE_WARNING = 1e-6
#: CG for the moduli stops when each strain column's error estimate is below this fraction of its modulus.
MODULI_TOLERANCE = 1e-3
#: The lowest modes (shift-invert Lanczos: a sparse factorisation) are computed up to this many degrees of freedom.
LOWEST_MAX_DOF = {2: 400_000, 3: 30_000}
#: Temperatures of C(T) in units of omega_D.
T_RANGE = (1e-3, 1.0)


def load(path, *, format=None, dim=None, potential=None, diameters=None, hessian_file=None, hessian_format=None,
         minimize: bool = True,
         remove_rattlers: bool = False, moduli=None, progress: bool = False, plan=None, hessian_options=None) -> dict:
    """Configuration, potential, dynamical matrix, rattlers and moduli of one glass (a dict).

    Keys: ``particles``, ``potential`` (or None), ``D`` (mass-weighted, kept particles),
    ``keep``, ``rattler`` (bool per particle), ``max_force`` (None without a potential),
    ``minimized_steps``, ``zero_modes``, ``shear_modulus``, ``longitudinal_modulus``, ``bulk_modulus``
    (None unless from a potential), ``moduli_error`` (G's and M's estimated errors: 0 for a direct
    solve), ``moduli_iterations``, ``moduli_from``, ``warning`` ("" or one line), ``seconds`` (wall
    time per step). ``plan``: a function of ``(n_particles, dim)`` returning the
    ``_resources.Plan`` checked right after reading. ``hessian_options``: a function of the degrees
    of freedom giving keywords of ``hessian`` (``format="bsr"``, ``dtype``).
    """
    from .. import _resources
    from ..analysis.long_wavelength import dispersion_moduli
    from ..analysis.moduli import elastic_tensor
    from ..matrices.hessian_files import read_hessian
    from ..matrices.particle_hessian import hessian
    from ..model.minimize import _scales, rattlers
    from ..model.minimize import minimize as run_minimize
    from ..model.particle_io import read
    from ..model.potentials import energy_forces, pair_terms
    from ..model.potentials import potential as make_potential

    if potential is None and hessian_file is None:
        raise _checks.ParameterError("'potential' or 'hessian_file' is needed: name a pair potential (kob-andersen, "
                                     "harmonic, hertzian, ipl, lj) or give the Hessian file")
    if potential is not None and hessian_file is not None:
        raise _checks.ParameterError(f"give 'potential' or 'hessian_file', not both; got potential {potential!r} and "
                                     f"hessian_file {str(hessian_file)!r}")
    if remove_rattlers and potential is None:
        raise _checks.ParameterError("'remove_rattlers' needs 'potential' (contacts come from the pair potential)")
    clock = _Clock()
    p = clock("read", lambda: read(path, format=format, dim=dim))
    if plan is not None:
        _resources.check(plan(p.n, p.dim))
    out = dict(warning="", minimized_steps=0, max_force=None, potential=None, bulk_modulus=None, moduli_error=(0.0, 0.0),
               moduli_iterations=0, seconds=clock.seconds)
    terms = None
    if potential is not None:
        pot = make_potential(potential, **({"diameters": diameters} if diameters else {}))
        if minimize:
            m = clock("minimize", lambda: run_minimize(p, pot, progress=progress))
            p, out["max_force"], out["minimized_steps"] = m.particles, m.max_force, m.steps
        else:
            _, F = clock("forces", lambda: energy_forces(p, pot))
            out["max_force"] = float(np.abs(F).max()) if F.size else 0.0
            scale = _scales(p, pot)
            typical = scale[1] * scale[0]  # V'' times the interaction length: a typical pair force
            if out["max_force"] > FORCE_WARNING * typical:
                out["warning"] = (f"--no-minimize: the largest force component is {out['max_force']:.3g} "
                                  f"({out['max_force'] / typical:.2g} of a typical pair force): not an energy minimum, "
                                  "so the Hessian may have negative eigenvalues and the moduli are not those of a solid")
        terms = clock("pairs", lambda: pair_terms(p, pot))  # once, for the rattlers and the moduli
        rattler = clock("rattlers", lambda: rattlers(p, pot, terms=terms))
        keep = ~rattler if remove_rattlers else np.ones(p.n, bool)
        D = clock("hessian", lambda: hessian(p, pot, keep=None if not remove_rattlers else keep, **(hessian_options(p.n * p.dim) if hessian_options else {})))
        out["potential"] = pot
    else:
        D = clock("hessian", lambda: read_hessian(hessian_file, n=p.n, dim=p.dim, masses=p.masses, format=hessian_format))
        rattler = np.asarray(abs(D).sum(axis=1)).ravel().reshape(p.n, p.dim).sum(axis=1) == 0  # coupled to nothing
        keep = np.ones(p.n, bool)
    d = p.dim
    out.update(particles=p, D=D, keep=keep, rattler=rattler, zero_modes=clock("zero_modes", lambda: count_zero_modes(D, d)))
    if moduli is not None:
        G, M = (_checks.real(name, v, minimum=0.0, min_inclusive=False) for name, v in zip(("shear_modulus", "longitudinal_modulus"), moduli))
        out.update(shear_modulus=G, longitudinal_modulus=M, moduli_from="user")
    elif out["potential"] is not None:
        e = clock("moduli", lambda: elastic_tensor(p, out["potential"], keep=None if not remove_rattlers else keep, H=D, mass_weighted=True,
                                                   terms=terms, tolerance=MODULI_TOLERANCE, progress=progress))
        out.update(shear_modulus=e.shear, longitudinal_modulus=e.longitudinal, bulk_modulus=e.bulk,
                   moduli_error=(e.shear_error, e.longitudinal_error), moduli_iterations=e.iterations,
                   moduli_from="Hessian formula (Born - Xi^T H^+ Xi) / V" + (f", CG ({e.iterations} iterations)" if e.iterations else ""))
    else:
        dm = clock("moduli", lambda: dispersion_moduli(D, p.positions, p.cell, p.masses))
        out.update(shear_modulus=dm.shear, longitudinal_modulus=dm.longitudinal,
                   moduli_from="long-wavelength static response of the Hessian (estimate)")
    del terms
    return out


def count_zero_modes(D, dim: int) -> int:
    """``d`` translations plus, per particle, the rank deficit of its diagonal ``d x d`` block.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from bosonpeak.workflows.solid import count_zero_modes
    >>> H = np.kron(np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), np.eye(2))  # a dimer, a free one
    >>> count_zero_modes(sp.csr_matrix(H), 2)
    4
    """
    from ..analysis._relax_cg import diagonal_blocks

    blocks = diagonal_blocks(D, dim)
    eig = np.linalg.eigvalsh(blocks)
    scale = max(float(np.abs(eig).max(initial=0.0)), 1e-300)
    deficit = int(np.sum(np.abs(eig) <= 1e-10 * scale))
    return min(dim + deficit, D.shape[0])


def compute(path, *, format=None, dim=None, potential=None, diameters=None, hessian_file=None, hessian_format=None,
            minimize: bool = True,
            remove_rattlers: bool = False, moduli=None, method: str = "dense", bin_width: float = 0.05,
            omega_max: float | None = None, modes: int = 40, rng=None, progress: bool = False, check_plan: bool = True,
            **options):
    """The whole analysis of one glass as an ``xarray.Dataset`` (see the module notes).

    Examples
    --------
    >>> import numpy as np, ase, ase.io, tempfile, os
    >>> from bosonpeak.workflows.solid import compute, summary_dict
    >>> rng = np.random.default_rng(0)
    >>> atoms = ase.Atoms(numbers=[1] * 64, positions=np.c_[rng.uniform(0, 7, (64, 2)), np.zeros(64)],
    ...                   cell=[7, 7, 1], pbc=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "disks.extxyz")
    >>> ase.io.write(path, atoms)
    >>> ds = compute(path, potential="harmonic", diameters={1: 1.0})
    >>> s = summary_dict(ds)
    >>> s["dim"], s["dof"], s["zero_modes"] >= 2, bool(abs(np.diff(s["edges"]) @ s["density"] - (1 - s["zero_modes"] / 128)) < 1e-9)
    (2, 128, True, True)
    """
    import xarray as xr

    from .._version import __version__
    from ..analysis.debye import heat_capacity_nd
    from ..analysis.moduli import debye_frequency
    from ..spectra._bounds import gershgorin
    from ..spectra.spectrum import methods

    from ._plans import solid_plan

    bin_width = _checks.real("bin_width", bin_width, minimum=0.0, min_inclusive=False)
    if omega_max is not None:
        omega_max = _checks.real("omega_max", omega_max, minimum=bin_width)
    modes = _checks.integer("modes", modes, minimum=1)
    method = _checks.choice("method", method, methods())

    def plan(n, d):
        opts = kpm_options(n * d, bin_width, options) if method == "kpm" else options
        return solid_plan(n, d, method=method, bins=None if omega_max is None else _resources.check_bins("bin_width", bin_width, omega_max),
                          options=opts)

    s = load(path, format=format, dim=dim, potential=potential, diameters=diameters, hessian_file=hessian_file,
             hessian_format=hessian_format, minimize=minimize, remove_rattlers=remove_rattlers, moduli=moduli, progress=progress,
             plan=plan if check_plan else None,
             hessian_options=(lambda dof: dict(format="bsr", dtype=kpm_options(dof, bin_width, options)["dtype"])) if method == "kpm" else None)
    p, D, d = s["particles"], s["D"], s["particles"].dim
    clock = _Clock(s["seconds"])
    if method == "kpm":
        options = kpm_options(D.shape[0], bin_width, options)
    n_kept = int(s["keep"].sum())
    volume = p.volume
    n_density, rho = n_kept / volume, float(np.sum(p.masses[s["keep"]])) / volume
    G, M = s["shear_modulus"], s["longitudinal_modulus"]
    c_T, c_L = float(np.sqrt(max(G, 0.0) / rho)), float(np.sqrt(max(M, 0.0) / rho))
    omega_D = debye_frequency(d, c_L, c_T, n_density) if G > 0 and M > 0 else float("nan")
    level = d / omega_D**d
    top = float(np.sqrt(max(gershgorin(D), 0.0)))  # Gershgorin bound on omega (no copy of D)
    if omega_max is None:  # the bins are bounded before they are allocated (the top is known only now)
        edges = bin_width * np.arange(_resources.check_bins("bin_width", bin_width, top * 1.0001) + 1)
    else:
        omega_max = _checks.real("omega_max", omega_max, minimum=bin_width)
        edges = bin_width * np.arange(_resources.check_bins("bin_width", bin_width, omega_max) + 1)
    try:
        g = clock("dos", lambda: _dos(D, edges, method, s["zero_modes"], rng, progress, d, options))
    except _checks.ParameterError as exc:
        if "positive semi-definite" not in str(exc):
            raise
        raise _checks.ParameterError(f"{path}: the dynamical matrix has negative eigenvalues ({str(exc).split('; ')[-1]}): "
                                     "not an energy minimum; minimise it (leave out --no-minimize)") from None
    bp = clock("peak", lambda: _peak(g, d, c_L, c_T, n_density, omega_D))
    omega_low, P_low = clock("lowest_modes", lambda: _lowest(D, s["zero_modes"], modes, d))
    T = omega_D * np.geomspace(*T_RANGE, 60) if np.isfinite(omega_D) else np.geomspace(1e-3, 1.0, 60) * top
    C = heat_capacity_nd(g, T, d)
    width = g.info.get("resolution_at", np.full(len(g.density), np.nan if g.resolution is None else float(g.resolution)))
    reduced = g.density / g.centres ** (d - 1)
    error = np.full_like(g.density, np.nan) if g.error is None else g.error
    ds = xr.Dataset(
        {
            "density": (("omega",), g.density, {"long_name": "g(omega) per mode over all d N modes, zero modes left out"}),
            "density_error": (("omega",), error, {"long_name": "standard error of the density (KPM: stochastic and the kernel's "
                                                  "estimated bias in quadrature; NaN: exact)"}),
            "resolution": (("omega",), width, {"long_name": "standard deviation of the kernel broadening at each omega "
                                               "(NaN: a histogram of exact eigenvalues)"}),
            "reduced": (("omega",), reduced, {"long_name": "reduced DOS " + ("g(omega)/omega" if d == 2 else "g(omega)/omega^2")}),
            "omega_edges": (("omega_edge",), g.edges, {"long_name": "bin edges in omega"}),
            "lowest_omega": (("mode",), omega_low, {"long_name": "frequency of the lowest non-zero modes"}),
            "lowest_participation": (("mode",), P_low, {"long_name": "participation ratio of the lowest non-zero modes"}),
            "heat_capacity": (("temperature",), C, {"long_name": "heat capacity per mode (hbar = k_B = 1)"}),
            "heat_capacity_reduced": (("temperature",), C / T**d, {"long_name": f"C(T)/T^{d}"}),
        },
        coords={"omega": g.centres, "temperature": T, "mode": np.arange(len(omega_low))},
        attrs={
            "bosonpeak_version": __version__, "source": str(path), "format": format or "", "dim": d,
            "n_particles": p.n, "n_kept": n_kept, "dof": D.shape[0], "zero_modes": s["zero_modes"],
            "rattlers": int(s["rattler"].sum()), "rattlers_removed": int(bool(remove_rattlers)),
            "max_force": np.nan if s["max_force"] is None else s["max_force"], "minimized": int(bool(minimize and potential)),
            "minimize_steps": s["minimized_steps"], "potential": potential or "", "hessian_file": str(hessian_file or ""),
            "diameters": "" if not diameters else ",".join(f"{k}:{v:g}" for k, v in sorted(diameters.items())),
            "number_density": n_density, "mass_density": rho, "volume": volume,
            "shear_modulus": G, "longitudinal_modulus": M, "shear_modulus_error": s["moduli_error"][0],
            "longitudinal_modulus_error": s["moduli_error"][1], "moduli_iterations": s["moduli_iterations"],
            "bulk_modulus": np.nan if s["bulk_modulus"] is None else s["bulk_modulus"], "moduli_from": s["moduli_from"],
            "c_T": c_T, "c_L": c_L, "omega_D": omega_D, "debye_level": level,
            "omega_bp": bp["omega"], "bp_height": bp["height"], "found": int(bp["found"]), "no_peak_reason": bp["reason"],
            "window_min": bp["window"][0], "window_max": bp["window"][1],
            "method": method, "bin_width": bin_width, "warning": s["warning"],
            "dos_resolution": np.nan if g.resolution is None else float(g.resolution),
            "dos_moments": int(g.info.get("moments", 0)), "dos_vectors": int(g.info.get("vectors", 0)),
            "dos_omega_max": float(g.info.get("omega_max", np.nan)), "dos_bound": str(g.info.get("bound", "")),
            "lowest_modes_note": "" if len(omega_low) else f"lowest modes not computed above {LOWEST_MAX_DOF[d]} degrees of freedom "
                                 "(shift-invert factorisation out of reach)",
            **{f"seconds_{k}": v for k, v in clock.seconds.items()},
            "units_note": "units of the file: lengths l, energies eps, masses m of the configuration; omega in "
                          "sqrt(eps/m)/l, moduli in eps/l^d, hbar = k_B = 1",
        },
    )
    units = {"omega": "sqrt(eps/m)/l", "omega_edges": "sqrt(eps/m)/l", "lowest_omega": "sqrt(eps/m)/l",
             "density": "l sqrt(m/eps)", "density_error": "l sqrt(m/eps)", "reduced": f"(l sqrt(m/eps))^{d}", "lowest_participation": "1",
             "heat_capacity": "k_B", "heat_capacity_reduced": f"k_B (l sqrt(m/eps))^{d}", "temperature": "eps/k_B",
             "mode": "1"}
    for name, unit in units.items():
        ds[name].attrs["units"] = unit
    ds["temperature"].attrs["long_name"] = "temperature"
    ds["omega"].attrs["long_name"] = "angular frequency at the bin centre"
    ds["mode"].attrs["long_name"] = "index of the lowest non-zero modes"
    ds["resolution"].attrs["units"] = "sqrt(eps/m)/l"
    return ds


def _peak(g, d, c_L, c_T, n, omega_D) -> dict:
    """``boson_peak`` against this solid's Debye level. ``analysis.peak`` takes unit number
    density; the speeds scaled by ``n**(1/d)`` give the same level ``d / omega_D**d`` and the same
    finite-size cut-off ``2 pi c / L``."""
    from ..analysis.peak import boson_peak

    if not np.isfinite(omega_D):
        return dict(omega=np.nan, height=np.nan, found=False, reason="no Debye level (a modulus is not positive)",
                    window=(np.nan, np.nan))
    scale = n ** (1.0 / d)
    top = min(omega_D, float(g.edges[-1]))
    try:
        bp = boson_peak(g, c_L=c_L * scale, c_T=c_T * scale, dim=d, model="vector", omega_max=top, rng=0)
    except ValueError:  # the window above the finite-size cut-off is empty
        return dict(omega=np.nan, height=np.nan, found=False, window=(np.nan, top),
                    reason=f"box too small: its finite-size cut-off (3 x 2 pi c / L) lies above omega_D = {omega_D:.4g}")
    return dict(omega=bp.omega, height=bp.height, found=bool(bp.found), reason=bp.reason or "", window=bp.window)


def _lowest(D, n_zero: int, k: int, d: int):
    """Frequencies and participation ratios of the ``k`` lowest non-zero modes (shift-invert Lanczos)."""
    import scipy.sparse.linalg as spla

    from ..analysis.debye import vector_participation

    n = D.shape[0]
    k = min(k, n - n_zero - 1)
    if k < 1 or n > LOWEST_MAX_DOF[d]:
        return np.zeros(0), np.zeros(0)
    D = D.tocsr()
    bound = float(abs(D).sum(axis=1).max())
    if n <= 600:
        lam, vec = np.linalg.eigh(D.toarray())
    else:
        lam, vec = spla.eigsh(D, k=n_zero + k, sigma=-1e-6 * bound, which="LM", v0=np.ones(n))
    order = np.argsort(lam)[n_zero:n_zero + k]
    return np.sqrt(np.clip(lam[order], 0.0, None)), vector_participation(vec[:, order], d)


def summary_dict(ds) -> dict:
    """What ``bosonpeak solid --json`` prints (``SUMMARY_KEYS`` and more)."""
    a = ds.attrs

    def num(x):
        x = float(x)
        return None if not np.isfinite(x) else x

    return {
        "n_particles": int(a["n_particles"]), "dim": int(a["dim"]), "dof": int(a["dof"]), "zero_modes": int(a["zero_modes"]),
        "rattlers": int(a["rattlers"]), "rattlers_removed": bool(a["rattlers_removed"]), "max_force": num(a["max_force"]),
        "number_density": num(a["number_density"]), "mass_density": num(a["mass_density"]),
        "shear_modulus": num(a["shear_modulus"]), "longitudinal_modulus": num(a["longitudinal_modulus"]),
        "bulk_modulus": num(a["bulk_modulus"]), "moduli_from": a["moduli_from"], "c_T": num(a["c_T"]), "c_L": num(a["c_L"]),
        "omega_D": num(a["omega_D"]), "debye_level": num(a["debye_level"]), "omega_bp": num(a["omega_bp"]),
        "bp_height": num(a["bp_height"]), "found": bool(a["found"]), "no_peak_reason": a["no_peak_reason"] or None,
        "method": a["method"], "warning": a["warning"] or None,
        "edges": ds["omega_edges"].values.tolist(), "density": ds["density"].values.tolist(),
        "density_error": None if not np.isfinite(ds["density_error"].values).any() else ds["density_error"].values.tolist(),
        "dos_resolution": num(a["dos_resolution"]),
        "shear_modulus_error": num(a.get("shear_modulus_error", np.nan)),
        "longitudinal_modulus_error": num(a.get("longitudinal_modulus_error", np.nan)),
        "moduli_iterations": int(a.get("moduli_iterations", 0)),
        "resolution": [num(v) for v in ds["resolution"].values] if "resolution" in ds else None,
        "dos_moments": int(a.get("dos_moments", 0)), "dos_vectors": int(a.get("dos_vectors", 0)),
        "dos_omega_max": num(a.get("dos_omega_max", np.nan)), "dos_bound": a.get("dos_bound") or None,
        "seconds": {k[len("seconds_"):]: float(v) for k, v in a.items() if k.startswith("seconds_")},
    }


def summary(ds, out=None) -> str:
    """A few lines for the terminal."""
    s = summary_dict(ds)
    power = "omega" if s["dim"] == 2 else "omega^2"
    peak = (f"omega_BP = {s['omega_bp']:.4g}, g/{power} {s['bp_height']:.3g}x the Debye level" if s["found"]
            else f"no Boson peak ({s['no_peak_reason']})")
    lo = ds.attrs.get("window_min", np.nan)
    if np.isfinite(lo):  # the window starts at the box's finite-size cut-off: say so, a peak may lie below
        peak += f" in omega = {lo:.3g} to {ds.attrs['window_max']:.3g} (below {lo:.3g}, 3 x 2 pi c / L, this box resolves no peak)"
    lines = [f"{s['n_particles']} particles in {s['dim']}D, {s['dof']} modes ({s['zero_modes']} zero), "
             f"{s['rattlers']} rattlers{' removed' if s['rattlers_removed'] else ''}, max force "
             f"{'n/a' if s['max_force'] is None else format(s['max_force'], '.3g')}",
             f"G = {s['shear_modulus']:.5g}, M = {s['longitudinal_modulus']:.5g} ({s['moduli_from']}); c_T = {s['c_T']:.4g}, "
             f"c_L = {s['c_L']:.4g}; Debye level {s['debye_level']:.4g} (omega_D = {s['omega_D']:.4g})",
             peak + (f"; wrote {out}" if out is not None else "")]
    return "\n".join(lines)


def figures(ds, out) -> list:
    """g(omega), the reduced DOS with the Debye level, the participation ratio against omega:
    ``dos.png``, ``reduced_dos.png``, ``participation.png`` in ``out``."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from .._files import save_figure
    from ..plotting import solid as plot

    out = Path(out)
    written = []
    for name, draw in (("dos", plot.dos_axes), ("reduced_dos", plot.reduced_axes), ("participation", plot.participation_axes)):
        fig, ax = plt.subplots(figsize=(5, 3.6))
        if name == "participation" and ds.sizes.get("mode", 0) == 0:  # not computed at this size: say so in the figure
            import textwrap

            ax.text(0.5, 0.5, textwrap.fill(ds.attrs.get("lowest_modes_note") or "no lowest modes", 44), ha="center", va="center",
                    fontsize=9, transform=ax.transAxes)
            ax.set(xlabel="omega", ylabel="participation ratio", xticks=[], yticks=[])
        else:
            draw(ds, ax=ax)
        written += save_figure(fig, out / name, formats=("png",))
        plt.close(fig)
    return written
