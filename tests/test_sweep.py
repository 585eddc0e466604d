"""Sweeps on Dask: the same numbers from any cluster, any interruption, any rerun."""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import bosonpeak
from bosonpeak._random import sample_streams
from bosonpeak.cli import main
from bosonpeak.workflows.cluster import connect
from bosonpeak.workflows.spec import parse_spec
from bosonpeak.workflows.store import load_result, task_path
from bosonpeak.workflows.sweep import (
    as_points,
    combine,
    compute_task,
    pending,
    plan,
    run_sweep,
    run_tasks,
)

psutil = pytest.importorskip("psutil")  # a dependency of distributed

SRC = str(Path(bosonpeak.__file__).parents[1])
SMALL = """
[sweep]
seed = 7
seeds = 3
[grid]
L = [8, 10]
delta = [0.0, 0.25]
rule = ["nearest", "cutoff"]
spring = ["inverse", "constant"]
[dos]
omega_max = 4.0
bin_width = 0.1
"""
# Tasks slow enough (N = 576, dense) that a kill lands in the middle of the sweep.
#: 48 tasks of about 0.1 s: after the first few are written, seconds of work remain for the
#: interruption tests to interrupt, even on a loaded machine.
SLOW = """
[sweep]
name = "slow"
seed = 11
seeds = 8
[grid]
L = 32
delta = [0.1, 0.2, 0.3]
rule = ["nearest", "cutoff"]
[dos]
omega_max = 4.0
"""


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small():
    spec = parse_spec(SMALL, name="small")
    tasks = plan(spec)
    return spec, tasks, combine(spec, tasks, run_tasks(tasks))  # in this process, no Dask


@pytest.fixture(scope="module")
def client():
    with connect(workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def slow_reference(client, tmp_path_factory):
    spec = parse_spec(SLOW)
    store = tmp_path_factory.mktemp("slow-reference")
    ds, path = run_sweep(spec, client, store=store)
    return spec, ds, sha256(path)


def test_tasks_are_the_networks_and_spectra_of_the_public_api(small):
    spec, tasks, ds = small
    assert ds["density"].dims == ("L", "delta", "rule", "spring", "seed", "omega")
    assert ds["density"].shape == (2, 2, 2, 2, 3, 40)
    children = bosonpeak.seed_sequences(7, 3)
    cell = dict(L=10, delta=0.25, rule="cutoff", spring="constant", seed=2)
    net = bosonpeak.network(10, 0.25, rule="cutoff", spring="constant", rng=sample_streams(children[2])[0])
    g = bosonpeak.dos(net, ds["omega_edges"].values, zero_modes=False)
    np.testing.assert_array_equal(ds["density"].sel(cell), g.density)
    assert float(ds["mean_coordination"].sel(cell)) == pytest.approx(2 * len(net.bonds) / 100)
    assert float(ds["cutoff"].sel(delta=0.25, rule="cutoff")) == 1.25 and np.isnan(ds["cutoff"].sel(delta=0.25, rule="nearest"))
    # sum rule: every mode but the removed zero modes lies inside the bins
    total = (ds["density"] * np.diff(ds["omega_edges"].values)).sum("omega")
    np.testing.assert_allclose(total, 1 - ds["zero_modes"] / ds["n_modes"], atol=1e-12)
    # delta = 0 is the crystal for every rule, spring law and seed (t = 1/r = 1 at r = 1)
    crystal = ds["density"].sel(delta=0.0)
    for L in (8, 10):
        c = crystal.sel(L=L)
        assert float(abs(c - c.isel(rule=0, spring=0, seed=0)).max()) == 0
    assert set(ds.attrs) >= {"bosonpeak_version", "spec", "root_seed", "spawn_keys", "grid_dims"}
    assert ds.attrs["spec"] == SMALL and ds.attrs["spawn_keys"] == "[[0], [1], [2]]"


def test_grid_layout_holds_every_task_once_and_stacks_back_to_points(small):
    spec, tasks, ds = small
    points = as_points(ds)
    assert points.sizes["point"] == len(spec.points) == 16
    # every task's key sits in exactly the cell of its parameters
    for t in tasks:
        cell = dict(L=t.L, delta=t.delta, rule=t.rule, spring=t.spring, seed=t.spawn_key[0], part=0)
        assert ds["task_key"].sel(cell).item() == t.key


def test_swept_cutoff_is_a_dimension_and_the_nearest_rule_repeats_along_it():
    text = "[sweep]\nseeds = 2\n[grid]\nL = 8\ndelta = 0.2\nrule = ['nearest', 'cutoff']\ncutoff = [1.2, 1.5]\n[dos]\nomega_max = 4.0"
    spec = parse_spec(text)
    tasks = plan(spec)
    assert len(tasks) == 3 * 2  # nearest once, cut-off at two r_c
    ds = combine(spec, tasks, run_tasks(tasks))
    assert ds["density"].dims == ("L", "delta", "rule", "spring", "cutoff", "seed", "omega")
    near = ds["density"].sel(rule="nearest")
    assert near.sel(cutoff=1.2).values.tobytes() == near.sel(cutoff=1.5).values.tobytes()
    cut = ds["mean_coordination"].sel(rule="cutoff")
    assert (cut.sel(cutoff=1.5) > cut.sel(cutoff=1.2)).all()  # a longer reach joins more pairs


def test_bins_split_over_tasks_give_the_same_numbers(small):
    spec, tasks, reference = small
    split = parse_spec(SMALL.replace("[dos]", "[dos]\nsplit = 3"), name="small")
    parts = plan(split)
    assert len(parts) == 3 * len(tasks) and len({t.key for t in parts}) == len(parts)
    assert [len(t.edges) for t in parts[:3]] == [15, 14, 14]  # 40 bins: 14 + 13 + 13
    ds = combine(split, parts, run_tasks(parts))
    for name in ("density", "zero_modes", "coordination_fraction", "omega_bp"):
        assert ds[name].values.tobytes() == reference[name].values.tobytes(), name


def test_local_cluster_one_and_two_workers_bit_identical(small, client, tmp_path):
    spec, tasks, reference = small
    paths = []
    with connect(workers=1) as one:
        assert len(one.scheduler_info()["workers"]) == 1
        assert one.scheduler.address.startswith("tcp://127.0.0.1:")
        paths.append(run_sweep(spec, one, store=tmp_path / "one")[1])
    assert len(client.scheduler_info()["workers"]) == 2
    paths.append(run_sweep(spec, client, store=tmp_path / "two")[1])
    for path in paths:
        with xr.open_dataset(path) as ds:
            assert ds["density"].values.tobytes() == reference["density"].values.tobytes()
            assert ds.attrs["spec"] == SMALL
    assert sha256(paths[0]) == sha256(paths[1])


def test_resume_skips_done_and_recomputes_corrupt_files(small, client, tmp_path):
    spec, tasks, reference = small
    first = run_sweep(spec, client, store=tmp_path)[1]
    digest = sha256(first)
    assert pending(tasks, tmp_path) == []
    # a truncated file, garbage, and another task's result under this task's name
    keys = [t.key for t in tasks]
    raw = task_path(tmp_path, keys[0]).read_bytes()
    task_path(tmp_path, keys[0]).write_bytes(raw[: len(raw) // 2])
    task_path(tmp_path, keys[1]).write_bytes(b"CDF\x01 not a file")
    task_path(tmp_path, keys[2]).write_bytes(task_path(tmp_path, keys[5]).read_bytes())
    old, new = (tmp_path / "tasks" / f".{keys[n]}.nc.x.part" for n in (3, 4))
    old.write_bytes(b"left by a kill an hour ago")
    new.write_bytes(b"being written by another sweep")
    os.utime(old, (time.time() - 3600,) * 2)
    assert pending(tasks, tmp_path) == [0, 1, 2]
    again = run_sweep(spec, client, store=tmp_path)[1]
    assert sha256(again) == digest
    assert pending(tasks, tmp_path) == [] and list((tmp_path / "tasks").glob(".*.part")) == [new]
    assert load_result(tmp_path, keys[2])["density"].tobytes() == compute_task(tasks[2])["density"].tobytes()


def test_sigkill_mid_sweep_then_rerun_is_bit_identical(slow_reference, client, tmp_path):
    spec, reference, digest = slow_reference
    path = tmp_path / "slow.toml"
    path.write_text(SLOW)
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": SRC}
    cmd = [sys.executable, "-m", "bosonpeak", "sweep", str(path), "--workers", "1", "--out", str(store), "--no-progress"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(list((store / "tasks").glob("*.nc"))) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = len(list((store / "tasks").glob("*.nc")))
    assert 3 <= done < 48, proc.stderr.read().decode()
    assert not (store / "slow.nc").exists()
    _, alive = psutil.wait_procs(children, timeout=20)
    assert not alive, "worker processes outlived the killed sweep"
    # rerun, here on the running cluster through --scheduler
    assert main(["sweep", str(path), "--scheduler", client.scheduler.address, "--out", str(store), "--no-progress"]) == 0
    assert sha256(store / "slow.nc") == digest


def test_sigint_then_rerun_is_bit_identical(slow_reference, client, tmp_path):
    spec, reference, digest = slow_reference
    path = tmp_path / "slow.toml"
    path.write_text(SLOW)
    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": SRC}
    # its own cluster: the shared one may still hold these tasks' results from an earlier test,
    # and would then finish the sweep before the signal arrives
    # as from an interactive shell: SIGINT raises KeyboardInterrupt even when this test runs with
    # SIGINT ignored (a background job of a non-interactive shell), which a child would inherit
    start = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
             "runpy.run_module('bosonpeak', run_name='__main__', alter_sys=True)")
    cmd = [sys.executable, "-c", start, "sweep", str(path), "--workers", "2", "--out", str(store), "--no-progress"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(list((store / "tasks").glob("*.nc"))) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "run the same command again to resume" in err and "Traceback" not in err
    assert main(["sweep", str(path), "--scheduler", client.scheduler.address, "--out", str(store), "--no-progress"]) == 0
    assert sha256(store / "slow.nc") == digest


def test_worker_killed_mid_task_is_retried(slow_reference, client, tmp_path):
    spec, reference, digest = slow_reference
    pids = client.run(os.getpid)
    killed = {}

    def kill_one_busy_worker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            if len(list((tmp_path / "tasks").glob("*.nc"))) >= 2:
                busy = [w for w, tasks in client.processing().items() if tasks]
                if busy:
                    killed[busy[0]] = client.processing()[busy[0]]
                    os.kill(pids[busy[0]], signal.SIGKILL)
            time.sleep(0.005)

    killer = threading.Thread(target=kill_one_busy_worker)
    killer.start()
    ds, path = run_sweep(spec, client, store=tmp_path)
    killer.join()
    assert killed and next(iter(killed.values())), "no worker was killed while it held a task"
    assert sha256(path) == digest
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_reproduce_through_the_engine_gives_the_same_numbers(client):
    from bosonpeak.workflows.reproduce import PaperSettings, compute

    s = PaperSettings(L=8, seeds=2, deltas=(0.0, 0.2))
    here, there = compute(s), compute(s, client=client)
    for name in ("density", "zero_modes", "omega_edges", "coordination_fraction"):
        assert here[name].values.tobytes() == there[name].values.tobytes(), name


def test_cli_reproduce_on_a_scheduler(client, tmp_path):
    from bosonpeak.workflows.reproduce import PaperSettings, compute

    argv = ["reproduce", "--size", "8", "--seeds", "2", "--deltas", "0,0.2", "--method", "dense", "--no-progress"]
    assert main([*argv, "--scheduler", client.scheduler.address, "--out", str(tmp_path)]) == 0
    with xr.open_dataset(tmp_path / "paper_data.nc") as ds:
        here = compute(PaperSettings(L=8, seeds=2, deltas=(0.0, 0.2)))
        assert ds["density"].values.tobytes() == here["density"].values.tobytes()


@pytest.mark.parametrize(
    "edit, words",
    [
        (("[grid]", "[grid]\nsize = 4"), "unknown key 'grid.size'"),
        (("[dos]", "[dos]\nmethod = 'magic'"), "'dos.method' must be one of"),
        (("seeds = 3", "seeds = 2.5"), "'sweep.seeds' must be an integer"),
        (("delta = [0.0, 0.25]", "delta = [0.0, 1.5]"), "'grid.delta' must lie in [0, 1)"),
        (("L = [8, 10]", "L = [8, 2]"), "'grid.L' must be an integer in [3, inf]"),
        (("[dos]", "cutoff = [4.5]\n[dos]"), "'grid.L' must exceed 2 r_c = 9"),
        (("omega_max = 4.0", "omega_max = '4'"), "'dos.omega_max' must be a real number"),
        (("omega_max = 4.0", ""), "'dos.omega_max' is required"),
        (("[dos]", "[dos.options]\nmoments = 10\n[dos]"), "'dos.options' rejected by method 'dense'"),
        (("[sweep]", "[sweep\n"), "'spec' is not valid TOML"),
        (("[sweep]", "[analysis]\n[sweep]"), "unknown key 'analysis'"),
        (("bin_width = 0.1", "bin_width = 0.1\nsplit = 41"), "'dos.split' must be an integer in [1, 40]"),
    ],
)
def test_bad_spec_one_line_exit_2_before_any_work(edit, words, tmp_path, capsys):
    # ``python -m bosonpeak`` is ``raise SystemExit(main())``: the exit code is main's
    path = tmp_path / "bad.toml"
    path.write_text(SMALL.replace(*edit, 1))
    assert main(["sweep", str(path), "--out", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err, err
    assert not (tmp_path / "store").exists()
