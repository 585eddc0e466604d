"""Every size is bounded up front from the options, in the CLI and the API alike: bins, seeds,
particles and worker processes are refused before anything is allocated, with the estimate;
long work says how long before it starts (issue 27)."""

import time
from pathlib import Path

import pytest

import bosonpeak
from bosonpeak import _resources
from bosonpeak._random import seed_sequences
from bosonpeak._resources import ResourceError, check, limits
from bosonpeak.model.glass import jammed_packing
from bosonpeak.spectra.slicing import eigenvalue_counts
from bosonpeak.workflows._plans import disorder_plan, dos_plan, glass_plan
from bosonpeak.workflows.cluster import connect

#: A refusal comes before any allocation or work: well under a second in process.
REFUSE_WITHIN_S = 1.0


def _refused(call, *words):
    t0 = time.perf_counter()
    with pytest.raises(ResourceError) as err:
        call()
    assert time.perf_counter() - t0 < REFUSE_WITHIN_S
    for word in words:
        assert word in str(err.value), str(err.value)
    return str(err.value)


@pytest.mark.parametrize("args", [["--omega-max", "1e15"], ["--bin-width", "1e-12"], ["--bin-width", "1e-320"]],
                         ids=["omega-max", "bin-width", "denormal"])
def test_cli_refuses_bins_beyond_the_cap_before_allocating(cli, tmp_path, args):
    rc, _, err = cli("dos", "--size", "8", *args, "--out", tmp_path / "o.nc")
    assert rc == 2 and "'--bin-width'" in err and "bins (about" in err and "MAX_BINS" in err, err
    assert not (tmp_path / "o.nc").exists()


@pytest.mark.parametrize("command", [["reproduce", "--size", "8"], ["glass", "--particles", "32"], ["vector", "--size", "6"],
                                     ["analyze", "--size", "8"], ["disorder", "--size", "16"]], ids=lambda a: a[0])
def test_every_command_bounds_its_bins(cli, tmp_path, command):
    rc, _, err = cli(*command, "--bin-width", "1e-12", "--out", tmp_path / "o")
    assert rc == 2 and "'--bin-width'" in err and "bins" in err, err


def test_api_bounds_bins_seeds_and_particles():
    net = bosonpeak.network(4, 0.1, rng=0)
    _refused(lambda: bosonpeak.default_edges(net, width=1e-15), "'width'", "bins")
    _refused(lambda: bosonpeak.ensemble_dos(8, 0.2, bin_width=1e-12), "'bin_width'", "bins")
    _refused(lambda: bosonpeak.ensemble_dos(8, 0.2, seeds=10**9), "'seeds'", "MAX_TASKS")
    _refused(lambda: seed_sequences(0, 10**10), "'seeds'")
    with limits(10**15):  # past any memory: refused for its time alone
        _refused(lambda: jammed_packing(10**7), "days", "MAX_SECONDS")
    with limits(force=True):  # --force lifts the caps, not a count that cannot exist
        assert len(seed_sequences(0, 3)) == 3
        _refused(lambda: bosonpeak.default_edges(net, width=1e-320), "inf bins")


def test_worker_processes_are_bounded_by_the_cores(cli, tmp_path):
    cores = _resources.usable_cores()
    rc, _, err = cli("dos", "--size", "8", "--method", "kpm", "--workers", "1000", "--out", tmp_path / "o.nc")
    assert rc == 2 and f"'--workers' must be at most the {cores} CPU core(s)" in err and "got 1000" in err, err
    (tmp_path / "s.toml").write_text("[grid]\nL = 6\ndelta = 0.1\n[dos]\nomega_max = 3.0\n")
    for command in (["sweep", tmp_path / "s.toml"], ["reproduce", "--size", "8"], ["disorder", "--size", "16"]):
        rc, _, err = cli(*command, "--workers", "1000", "--out", tmp_path / "x")
        assert rc == 2 and "'--workers' must be at most" in err, (command, err)
    with pytest.raises(ResourceError, match="'workers' must be at most"):
        with connect(workers=1000):
            pass
    H = bosonpeak.dynamical_matrix(bosonpeak.network(4, 0.1, rng=0))
    with pytest.raises(ResourceError, match="'workers' must be at most"):
        eigenvalue_counts(H, [0.5, 1.0], workers=1000)


@pytest.mark.parametrize("plan", [lambda: dos_plan(150, method="dense"), lambda: dos_plan(8, seeds=10**5),
                                  lambda: disorder_plan(16, families=2, strengths=10**4, seeds=4, method="dense", bin_width=0.05),
                                  lambda: glass_plan(20_000)], ids=["dense-L150", "1e5-seeds", "1e4-strengths", "glass-2e4"])
def test_long_work_prints_its_time_before_it_starts(capsys, plan):
    with limits(10**15):  # memory is not what is tested here
        check(plan())
        check(plan())  # once per run, not at every check
    err = capsys.readouterr().err
    assert err.count("of computing on one core") == 1 and "about" in err, err


def test_short_work_prints_no_estimate(capsys):
    check(dos_plan(8, seeds=2))
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("args", [["--bin-width", "1e-12"], ["--omega-max", "1e15"]], ids=["bin-width", "omega-max"])
def test_solid_bounds_its_bins(cli, tmp_path, args):
    data = Path(__file__).resolve().parents[1] / "fixtures" / "lammps" / "harmonic2d.data"
    rc, _, err = cli("solid", data, "--potential", "harmonic", "--diameters", "1:1.0,2:1.4", "--no-minimize", *args)
    assert rc == 2 and "bins (about" in err and "MAX_BINS" in err, err
