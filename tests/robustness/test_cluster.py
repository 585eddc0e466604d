"""Sweeps always end: fake and dead clusters, a cluster that loses its workers, a task that
kills every worker (issue 13, class 3). Every fake scheduler listens on 127.0.0.1."""

import os
import socket
import sys
import threading
import time

import cloudpickle
import dask
import pytest
from distributed import LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from bosonpeak._checks import RunError
from bosonpeak.spectra.spectrum import _ENGINES
from bosonpeak.workflows import cluster as cluster_mod
from bosonpeak.workflows import sweep as sweep_mod
from bosonpeak.workflows.spec import parse_spec
from bosonpeak.workflows.sweep import Task, pending, plan, run_tasks

#: Every wait in these tests is bounded by this --timeout; a run ends well within 5 x it.
TIMEOUT_S = 2.0
SPEC = "[sweep]\nseeds = 2\n[grid]\nL = 6\ndelta = 0.1\n[dos]\nomega_max = 3.0\n"
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the plugin below travels to the workers


def _fake_scheduler(mode):
    """A TCP server on 127.0.0.1 that is no Dask scheduler: it refuses, resets, stays silent or speaks HTTP."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    if mode == "refused":
        sock.close()
        return f"tcp://127.0.0.1:{port}", None
    sock.listen(8)
    held = []

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            if mode == "reset":
                conn.close()
            elif mode == "http":
                conn.recv(64)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
                conn.close()
            else:
                held.append(conn)

    threading.Thread(target=serve, daemon=True).start()
    return f"tcp://127.0.0.1:{port}", sock


@pytest.fixture
def spec_file(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SPEC)
    return path


@pytest.mark.parametrize("mode", ["refused", "reset", "silent", "http"])
def test_an_address_that_is_no_scheduler_ends_at_once(cli, spec_file, tmp_path, mode):
    address, sock = _fake_scheduler(mode)
    try:
        t0 = time.perf_counter()
        rc, _, err = cli("sweep", spec_file, "--scheduler", address, "--timeout", TIMEOUT_S, "--out", tmp_path / "store")
        assert time.perf_counter() - t0 < 5 * TIMEOUT_S
    finally:
        if sock is not None:
            sock.close()
    assert rc == 2 and f"'--scheduler' at '{address}' is not a reachable Dask scheduler" in err, err


def test_a_worker_address_and_a_scheduler_without_workers(cli, spec_file, tmp_path):
    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as lc:
        worker = next(iter(lc.workers.values())).address
        rc, _, err = cli("sweep", spec_file, "--scheduler", worker, "--timeout", TIMEOUT_S, "--out", tmp_path / "store")
        assert rc == 2 and "is not a Dask scheduler (it answers as 'Worker')" in err, err
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as lc:
        t0 = time.perf_counter()
        rc, _, err = cli("sweep", spec_file, "--scheduler", lc.scheduler_address, "--timeout", TIMEOUT_S, "--out", tmp_path / "store")
        assert time.perf_counter() - t0 < 5 * TIMEOUT_S
        assert rc == 1 and f"no Dask worker joined the scheduler at {lc.scheduler_address} within 2 s" in err, err


def test_default_waits_end_within_30_seconds():
    assert cluster_mod.SCHEDULER_TIMEOUT_S + cluster_mod.WORKER_TIMEOUT_S < 30


def _slow_dense(H, edges, **kw):
    time.sleep(0.2)
    return _ENGINES["dense"](H, edges, **kw)


def test_a_cluster_that_loses_all_workers_ends_and_the_store_resumes(tmp_path, monkeypatch):
    monkeypatch.setitem(_ENGINES, "slow", _slow_dense)  # the workers are threads of this process
    tasks = plan(parse_spec("[sweep]\nseeds = 6\n[grid]\nL = 8\ndelta = 0.2\n[dos]\nmethod = 'slow'\nomega_max = 4.0\n"))
    store = tmp_path / "store"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as lc, lc.get_client() as client:
        done = []

        def kill_when_one_is_stored():
            while not list((store / "tasks").glob("*.nc")) and time.monotonic() < deadline:
                time.sleep(0.01)
            done.append(len(list((store / "tasks").glob("*.nc"))))
            lc.scale(0)

        deadline = time.monotonic() + 60
        killer = threading.Thread(target=kill_when_one_is_stored)
        killer.start()
        t0 = time.perf_counter()
        with pytest.raises(RunError, match=r"lost all its workers for 2 s; \d of 6 tasks are in .*store/: run the same command again"):
            run_tasks(tasks, client, store=store, timeout=TIMEOUT_S)
        assert time.perf_counter() - t0 < 30
        killer.join()
    left = pending(tasks, store)
    assert 0 < len(left) < len(tasks)
    resumed = run_tasks(tasks, store=store)  # in this process: only the missing tasks are computed
    fresh = run_tasks(tasks)
    assert all(a["density"].tobytes() == b["density"].tobytes() for a, b in zip(resumed, fresh))


class _DeadlyEngine(WorkerPlugin):
    """Registers a DOS method 'die' on every worker, also on those started after a death."""

    name = "bosonpeak-test-deadly"

    def setup(self, worker):
        from bosonpeak.spectra.spectrum import register_engine

        register_engine("die", lambda H, edges, **kw: os._exit(1))


def test_a_task_that_kills_every_worker_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_mod, "RESUBMITS", 0)
    good = plan(parse_spec(SPEC))
    bad = Task(7, 0.25, "nearest", "constant", None, "die", "{}", True, good[0].edges, 5, (3,))
    store = tmp_path / "store"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as lc, lc.get_client() as client:
        client.register_plugin(_DeadlyEngine())
        run_tasks(good, client, store=store)  # (with allowed-failures 0, tasks queued on a dying worker would fail too)
        t0 = time.perf_counter()
        with pytest.raises(RunError) as err:
            run_tasks(good + [bad], client, store=store, timeout=10)
        assert time.perf_counter() - t0 < 60
    message = str(err.value)
    assert f"task {bad.key} killed the Dask worker running it, on each of its 1 submission(s)" in message
    assert "L=7, delta=0.25, rule=nearest, spring=constant, method=die" in message and "sample [3]" in message
    assert f"{len(good)} of {len(good) + 1} tasks are in" in message and pending(good, store) == []


def test_a_scheduler_that_dies_mid_run_ends_the_run(tmp_path, monkeypatch, capfd):
    monkeypatch.setitem(_ENGINES, "slow", _slow_dense)
    tasks = plan(parse_spec("[sweep]\nseeds = 8\n[grid]\nL = 8\ndelta = 0.2\n[dos]\nmethod = 'slow'\nomega_max = 4.0\n"))
    store = tmp_path / "store"
    lc = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1", dashboard_address=":0")
    try:
        def kill_the_scheduler():
            while not list((store / "tasks").glob("*.nc")) and time.monotonic() < deadline:
                time.sleep(0.01)
            lc.close()

        deadline = time.monotonic() + 60
        threading.Thread(target=kill_the_scheduler, daemon=True).start()
        t0 = time.perf_counter()
        with pytest.raises(RunError, match=r"scheduler .*; \d of 8 tasks are in .*: run the same command again to resume"):
            with cluster_mod.connect(lc.scheduler_address, timeout=TIMEOUT_S) as client:
                run_tasks(tasks, client, store=store, timeout=TIMEOUT_S)
        assert time.perf_counter() - t0 < 30
    finally:
        lc.close()
    assert 0 < len(pending(tasks, store)) < len(tasks)
    assert "Traceback" not in capfd.readouterr().err
