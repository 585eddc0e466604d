"""CF ``units`` and ``long_name`` for every variable the workflows write to NetCDF.

One table for all workflows, so that a name means the same quantity in every file. Units are
the model's own: on the lattice ``a = m = t0 = 1`` (omega in ``sqrt(t0/m)``); in the glass
``eps = m = 1`` and number density ``n = 1`` (lengths in ``l = n^(-1/2)``); ``hbar = k_B = 1``.
``annotate(ds)`` keeps a ``long_name`` a workflow already set and fills in the rest.
"""

from __future__ import annotations

from ..spectra._xarray import DENSITY_UNITS, OMEGA_UNITS, REDUCED_UNITS

#: Units of each kind of quantity, per unit system.
SYSTEMS = {
    "lattice": {
        "omega": OMEGA_UNITS, "density": DENSITY_UNITS, "reduced": REDUCED_UNITS, "length": "a",
        "speed": "a sqrt(t0/m)", "speed2": "a2 t0/m", "wavenumber": "1/a", "conductivity": "t0", "green": "m/t0", "temperature": "hbar sqrt(t0/m)/k_B",
        "heat": "k_B", "one": "1",
    },
    "glass": {
        "omega": "sqrt(eps/m)/l", "density": "l sqrt(m/eps)", "reduced": "l2 m/eps", "length": "l",
        "speed": "sqrt(eps/m)", "speed2": "eps/m", "wavenumber": "1/l", "conductivity": "eps/l2", "green": "l2 m/eps", "temperature": "hbar sqrt(eps/m)/(l k_B)",
        "heat": "k_B", "one": "1",
    },
}
#: Global attribute stating the unit system of a dataset.
SYSTEM_NOTES = {
    "lattice": "units: lattice constant a = 1, mass m = 1, spring scale t0 = 1 (omega in sqrt(t0/m)); hbar = k_B = 1",
    "glass": "units: energy eps = 1, mass m = 1, number density n = 1 (length l = n^-1/2); hbar = k_B = 1",
}

#: name -> (long_name, kind of quantity).
VARIABLES = {
    # spectra
    "omega": ("angular frequency at the bin centre", "omega"),
    "omega_edges": ("bin edges in omega, bins [e_k, e_k+1)", "omega"),
    "density": ("vibrational density of states g(omega) per mode", "density"),
    "density_mean": ("mean g(omega) per mode over seeds", "density"),
    "density_error": ("standard error of the density", "density"),
    "density_sem": ("standard error of density_mean over seeds", "density"),
    "reduced_mean": ("reduced density of states g(omega)/omega of the mean", "reduced"),
    "zero_modes": ("exact zero modes (connected components) per network", "one"),
    "n_modes": ("modes per network", "one"),
    "resolution": ("resolution in omega of a smoothed method", "omega"),
    # ensembles, grids and indices
    "seed": ("sample index k (child k of the root SeedSequence)", "one"),
    "delta": ("displacement of every node from its lattice site", "length"),
    "L": ("lattice sites per side", "one"),
    "rule": ("spring rule: nearest neighbours or cut-off", "one"),
    "spring": ("spring law: t0/r (inverse) or t0 (constant)", "one"),
    "cutoff": ("cut-off distance r_c of the cut-off rule (NaN: nearest rule)", "length"),
    "point": ("grid point index", "one"),
    "part": ("part of the bins computed by one task", "one"),
    "task_key": ("file tasks/<key>.nc of the results store", "one"),
    "case": ("network family (rule and spring law)", "one"),
    "case_figure": ("figure panel of the network family", "one"),
    # coordination
    "z": ("coordination number (springs or contacts per node)", "one"),
    "coordination_fraction": ("fraction of nodes with z springs", "one"),
    "mean_coordination": ("mean coordination number <z>", "one"),
    "z_fraction": ("fraction of nodes with z springs", "one"),
    # Boson peak
    "omega_bp": ("Boson-peak frequency, argmax of g/omega", "omega"),
    "omega_bp_interval": ("bootstrap interval of omega_bp", "omega"),
    "reduced_bp": ("g/omega at omega_bp", "reduced"),
    "height_own": ("max g/omega over the network's own Debye level", "one"),
    "height_own_interval": ("bootstrap interval of height_own", "one"),
    "height_crystal": ("max g/omega over the crystal's Debye level 1/(2 pi)", "one"),
    "height_crystal_interval": ("bootstrap interval of height_crystal", "one"),
    "window_min": ("lower end of the Boson-peak search window", "omega"),
    "window_max": ("upper end of the Boson-peak search window", "omega"),
    "smoothing": ("width in omega of the running mean of g/omega the Boson peak is judged on", "omega"),
    "dos_resolution": ("resolution of the DOS in omega (NaN: exact histogram)", "omega"),
    "debye_level_own": ("network's own Debye level g_D/omega = 1/(2 pi n c^2)", "reduced"),
    "peak_robustness": ("the verdict under the window's ends and the smoothing varied", "one"),
    "no_peak_reason": ("why omega_bp is no Boson peak ('' when it is one)", "one"),
    "no_peak_reason_crystal": ("why the maximum over the crystal level is no Boson peak ('' when it is one)", "one"),
    # effective-medium theory (bosonpeak disorder --theory)
    "theory_dos": ("effective-medium theory g(omega) per mode", "density"),
    "theory_reduced": ("effective-medium theory g(omega)/omega", "reduced"),
    "theory_k_eff_real": ("real part of the effective-medium spring k_m(omega)", "conductivity"),
    "theory_k_eff_imag": ("imaginary part of the effective-medium spring k_m(omega)", "conductivity"),
    "theory_c2": ("c^2 = k_m(0) of the effective medium", "speed2"),
    "theory_omega_bp": ("Boson-peak frequency of the effective medium (NaN: none in the window)", "omega"),
    "theory_omega_q": ("sound frequency Omega(q) of the effective medium", "omega"),
    "theory_gamma": ("sound damping Gamma(q) of the effective medium", "omega"),
    "bound": ("lower or upper end of an interval", "one"),
    # elasticity and heat
    "sound_speed": ("sound speed c from the relaxed conductivity", "speed"),
    "conductivity": ("relaxed conductivity tensor sigma", "conductivity"),
    "conductivity_affine": ("affine (unrelaxed) conductivity tensor", "conductivity"),
    "i": ("tensor row (x, y)", "one"),
    "j": ("tensor column (x, y)", "one"),
    "T": ("temperature", "temperature"),
    "heat_capacity": ("heat capacity per node", "heat"),
    # modes and local DOS
    "mode": ("index of the lowest non-zero modes", "one"),
    "lowest_omega": ("frequency of the lowest non-zero modes", "omega"),
    "lowest_participation": ("participation ratio of the lowest non-zero modes", "one"),
    "all_mode": ("mode index", "one"),
    "all_omega": ("frequency of every mode", "omega"),
    "all_participation": ("participation ratio of every mode", "one"),
    "ldos_by_z": ("mean local DOS per unit omega of nodes with z springs", "density"),
    "ldos_omega": ("angular frequency of the local DOS", "omega"),
    # the disorder laboratory
    "family": ("disorder family (bosonpeak.model.disorder.FAMILIES)", "one"),
    "strength": ("disorder strength of the family (delta, in units of a, for the paper's family)", "one"),
    "mean_z": ("mean coordination number <z> of the network", "one"),
    "var_z": ("variance of z over the nodes", "one"),
    "c2": ("c^2 from the relaxed conductivity (0 if the network does not percolate)", "speed2"),
    "components": ("connected components of the network", "one"),
    "isolated": ("isolated nodes of the network", "one"),
    "largest_fraction": ("fraction of nodes in the largest component", "one"),
    "percolates": ("1 if the network percolates, else 0", "one"),
    "interior_peak": ("1 where the maximum of g/omega over the own Debye level is a Boson peak", "one"),
    "ir_reason": ("why there is no Ioffe-Regel crossover ('' when there is one)", "one"),
    "peak_ratio": ("max of smoothed g/omega over the own Debye level", "one"),
    "omega_bp_low": ("lower end of the bootstrap interval of omega_bp", "omega"),
    "omega_bp_high": ("upper end of the bootstrap interval of omega_bp", "omega"),
    "height_low": ("lower end of the bootstrap interval of peak_ratio", "one"),
    "height_high": ("upper end of the bootstrap interval of peak_ratio", "one"),
    "omega_ir": ("Ioffe-Regel frequency, where Gamma = Omega / pi", "omega"),
    "q_ir": ("wave number at the Ioffe-Regel crossover", "wavenumber"),
    "rayleigh": ("low-q exponent of Gamma(q)", "one"),
    "rayleigh_error": ("standard error of the low-q exponent of Gamma(q)", "one"),
    "q": ("wave number |q| = 2 pi m / L", "wavenumber"),
    "omega_s": ("angular frequency of S(q, omega) (bin centre)", "omega"),
    "sq": ("dynamic structure factor S(q, omega) per unit omega", "density"),
    "sq_edges": ("bin edges in omega of S(q, omega)", "omega"),
    "omega_q": ("sound frequency Omega(q), fitted to S(q, omega)", "omega"),
    "omega_q_error": ("standard error of Omega(q)", "omega"),
    "gamma": ("sound damping Gamma(q), FWHM of the fit in omega", "omega"),
    "gamma_error": ("standard error of Gamma(q)", "omega"),
    "gamma_resolved": ("1 where Gamma is at or above the resolution", "one"),
    # the paper's toy model and Fig. 1
    "toy_kind": ("toy model: square lattice, extra or missing spring", "one"),
    "toy_omega": ("angular frequency of the toy-model response", "omega"),
    "toy_node": ("node of the 3 x 3 toy model", "one"),
    "toy_response": ("-Im G_ii(omega) of the toy model", "green"),
    "toy_eigenfrequency": ("eigenfrequencies of the toy model", "omega"),
    "toy_new_poles": ("eigenfrequencies absent from the square lattice's toy model", "omega"),
    "fig1_positions": ("node positions of the Fig. 1 network", "length"),
    "fig1_bonds_nearest": ("node pairs joined by a spring, nearest rule", "one"),
    "fig1_bonds_cutoff": ("node pairs joined by a spring, cut-off rule", "one"),
    # the glass
    "density_vector": ("g(omega) per mode of the vector Hessian (2M modes)", "density"),
    "density_scalar": ("g(omega) per mode of the scalar contact network (M modes)", "density"),
    "reduced_vector": ("g(omega)/omega of the vector Hessian", "reduced"),
    "reduced_scalar": ("g(omega)/omega of the scalar contact network", "reduced"),
    "excess_vector": ("g/g_Debye of the vector Hessian", "one"),
    "excess_scalar": ("g/g_Debye of the scalar contact network", "one"),
    "contact_fraction": ("fraction of backbone particles with z contacts", "one"),
    "voronoi_fraction": ("fraction of particles with z Voronoi neighbours", "one"),
    "particle": ("particle index", "one"),
    "positions": ("particle centres", "length"),
    "radii": ("disk radii", "length"),
    "rattler": ("1 for a rattler (fewer than 3 contacts), else 0", "one"),
    "z_contact": ("contacts of each particle with the backbone", "one"),
    "z_voronoi": ("Voronoi neighbours of each particle", "one"),
    "xy": ("Cartesian component", "one"),
}


def annotate(ds, system: str = "lattice", dim: int = 2, names: dict | None = None):
    """Give every data variable and coordinate of ``ds`` CF ``units`` and ``long_name``
    (in place, and returned). A ``long_name`` already set is kept; names missing from
    ``VARIABLES`` are left as they are (``tests/test_units.py`` finds them). In ``dim``
    dimensions the reduced DOS is ``g / omega**(dim - 1)``. ``names`` gives ``{name: (long_name,
    kind)}`` for a workflow whose variable means something else than ``VARIABLES`` says."""
    units = dict(SYSTEMS[system])
    if dim == 3:
        units["reduced"] = f"({units['density']})^3"
    for name, var in {**ds.data_vars, **ds.coords}.items():
        table = {**VARIABLES, **(names or {})}
        if name not in table:
            continue
        long_name, kind = table[name]
        var.attrs.setdefault("long_name", long_name)
        var.attrs["units"] = units[kind]
    ds.attrs.setdefault("units_note", SYSTEM_NOTES[system])
    return ds
