"""Every variable and coordinate the workflows write to NetCDF carries CF ``units`` and ``long_name``."""

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import bosonpeak
from bosonpeak._files import save_dataset
from bosonpeak.workflows import _units, analyze, disorder, dos, glass, reproduce, solid, sweep, vector
from bosonpeak.workflows.spec import parse_spec


def _sweep():
    spec = parse_spec("[sweep]\nseeds = 2\n[grid]\nL = 6\ndelta = [0.0, 0.2]\nrule = ['nearest', 'cutoff']\n"
                      "[dos]\nomega_max = 4.0\nmethod = 'kpm'\n[dos.options]\nresolution = 0.2\nvectors = 2")
    tasks = sweep.plan(spec)
    return sweep.combine(spec, tasks, sweep.run_tasks(tasks))


WORKFLOWS = {
    "reproduce": lambda tmp: reproduce.compute(reproduce.PaperSettings(L=8, seeds=2, deltas=(0.0, 0.2), bin_width=0.2)),
    "analyze": lambda tmp: analyze.compute(analyze.AnalysisSettings(L=16, deltas=(0.2,), seeds=2, modes=4, bin_width=0.2)),
    "glass": lambda tmp: glass.glass_dataset(bosonpeak.jammed_packing(40, rng=1), bin_width=0.2),
    "glass-cached": lambda tmp: [glass.glass_figure_data(40, seed=1, cache_dir=tmp, bin_width=0.2) for _ in range(2)][-1],
    "dos": lambda tmp: dos.compute(8, 0.2, seeds=2, seed=1),
    "disorder": lambda tmp: disorder.compute(disorder.DisorderSettings(families=("springs-uniform", "dilution"), strengths=(0.0, 0.3),
                                                                       L=16, seeds=2)),
    "disorder-theory": lambda tmp: disorder.with_theory(disorder.compute(disorder.DisorderSettings(
        families=("springs-uniform", "dilution", "diagonals"), strengths=(0.0, 0.3), L=16, seeds=2))),
    "sweep": lambda tmp: _sweep(),
    "dos-3d": lambda tmp: dos.compute(4, 0.2, seeds=2, seed=1, dim=3),
    "vector": lambda tmp: vector.compute(6, 0.2, dim=2, cutoff=1.6),
    "solid": lambda tmp: solid.compute(Path(__file__).parent / "fixtures" / "lammps" / "harmonic2d.data", potential="harmonic",
                                       diameters={1: 1.0, 2: 1.4}, bin_width=0.1),
}


@pytest.mark.parametrize("name", list(WORKFLOWS))
def test_every_variable_has_units_and_long_name(name, tmp_path):
    ds = WORKFLOWS[name](tmp_path)
    if name == "glass-cached":
        assert ds.attrs["cached"] == 1
    path = save_dataset(ds, tmp_path / f"{name}.nc")
    with xr.open_dataset(path) as back:
        for var_name, var in {**back.data_vars, **back.coords}.items():
            assert var.attrs.get("long_name"), (name, var_name)
            assert var.attrs.get("units"), (name, var_name)
        assert back.attrs["units_note"]
        # a quantity in omega has the units of omega, wherever it appears
        omega_units = back["omega"].attrs["units"]
        for var_name in ("omega_edges", "omega_bp", "lowest_omega", "toy_omega", "resolution", "omega_s", "gamma", "omega_ir"):
            if var_name in back:
                assert back[var_name].attrs["units"] == omega_units, var_name


def test_every_name_has_a_kind_of_quantity_known_to_every_unit_system():
    for system, units in _units.SYSTEMS.items():
        assert set(units) == set(_units.SYSTEMS["lattice"]), system
        for name, (long_name, kind) in _units.VARIABLES.items():
            assert long_name and kind in units, (system, name)
