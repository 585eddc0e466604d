"""Dask clusters for sweeps: a local cluster on the loopback address, or an existing scheduler.

``connect`` yields a client; ``dashboard`` says where its dashboard is; ``worker_versions``
refuses workers that run another bosonpeak version, since only the same code guarantees
the same numbers.

Nothing here waits without a deadline: an address is first asked for its identity with a
timeout (a silent port, an HTTP server or a Dask worker is not a scheduler), and a cluster
must have a worker within ``timeout`` seconds; ``bosonpeak.workflows.sweep`` watches the
run the same way (``Watchdog``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import signal
import threading
import time
import warnings

from distributed.diagnostics.plugin import WorkerPlugin

from .. import _checks, _resources

#: Seconds to wait for a scheduler to answer its identity.
SCHEDULER_TIMEOUT_S = 10
#: Seconds a cluster may be without any worker (at the start, or after losing them all).
WORKER_TIMEOUT_S = 15


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None, *, timeout: float | None = None):
    """A Dask client: on an existing scheduler at ``scheduler``, or on a local cluster of
    ``workers`` single-threaded processes listening on 127.0.0.1 only.

    ``workers`` defaults to the number of CPU cores; it applies to the local cluster only.
    ``timeout`` (default ``SCHEDULER_TIMEOUT_S`` for the answer, ``WORKER_TIMEOUT_S`` for a
    worker) bounds every wait: an address that is not a Dask scheduler raises
    ``ParameterError``, a scheduler without a worker ``RunError``.
    """
    from distributed import Client, LocalCluster

    if timeout is not None:
        timeout = _checks.real("timeout", timeout, minimum=0.0, min_inclusive=False)
    if scheduler is not None:
        if workers is not None:
            raise _checks.ParameterError(f"'workers' applies only to the local cluster; got workers={workers} with scheduler={scheduler!r}")
        if not isinstance(scheduler, str) or not scheduler.strip():
            raise _checks.ParameterError(f"'scheduler' must be an address such as tcp://host:8786; got {scheduler!r}")
        identity(scheduler, timeout or SCHEDULER_TIMEOUT_S)
        try:
            client = Client(scheduler, timeout=timeout or SCHEDULER_TIMEOUT_S)
        except (OSError, ValueError, TypeError) as exc:
            raise _checks.ParameterError(f"'scheduler' could not be reached at {scheduler!r}: {exc}") from None
        with _quiet("distributed"), client:  # a lost scheduler is our one-line RunError, not pages of reconnect logs
            wait_for_worker(client, timeout or WORKER_TIMEOUT_S)
            yield client
        return
    n = _resources.usable_cores() if workers is None else _resources.check_workers("workers", workers)
    try:
        with warnings.catch_warnings():  # "port 8787 in use": another port is taken, and printed by ``dashboard``
            warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address="127.0.0.1:8787", silence_logs=logging.CRITICAL)
    except BaseException:  # an interrupt while the workers start: end them here, not in Dask's exit hook (a traceback)
        _abandon_local_clusters()
        raise
    with cluster, Client(cluster) as client:
        client.register_plugin(_IgnoreInterrupt())
        wait_for_worker(client, timeout or WORKER_TIMEOUT_S)
        yield client


def _abandon_local_clusters() -> None:
    """Close the local clusters of this process that failed to start, end the worker processes it
    started, and mark them closed so that Dask's exit hook finds nothing half-started to trip on."""
    import multiprocessing

    from distributed.core import Status
    from distributed.deploy.spec import SpecCluster

    for cluster in list(SpecCluster._instances):
        with _quiet("distributed"), contextlib.suppress(Exception, KeyboardInterrupt):
            cluster.close(timeout=5)
        cluster.status = Status.closed
    for child in multiprocessing.active_children():
        child.terminate()


@contextlib.contextmanager
def _quiet(prefix: str):
    """Silence the loggers named ``prefix`` and ``prefix.*`` within the block."""
    names = [prefix] + [n for n in logging.root.manager.loggerDict if n.startswith(prefix + ".")]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def identity(address: str, timeout: float = SCHEDULER_TIMEOUT_S) -> dict:
    """The identity of the Dask scheduler at ``address``, asked with a deadline; raise
    ``ParameterError`` if nothing answers within ``timeout`` seconds or what answers is not a
    Dask scheduler."""
    from distributed.comm import connect as dial

    async def ask():
        comm = await asyncio.wait_for(dial(address, timeout=timeout), timeout)
        try:
            await asyncio.wait_for(comm.write({"op": "identity", "reply": True}), timeout)
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    pool = concurrent.futures.ThreadPoolExecutor(1)  # its own event loop, even under a running one
    try:
        info = pool.submit(asyncio.run, ask()).result(timeout=3 * timeout)
    except Exception as exc:  # noqa: BLE001 - refused, reset, silent, garbage: all say "no scheduler here"
        why = f"{type(exc).__name__}: {exc}" if str(exc) else f"no answer within {timeout:g} s"
        raise _checks.ParameterError(f"'scheduler' at {address!r} is not a reachable Dask scheduler ({why.splitlines()[0][:200]})") from None
    finally:
        pool.shutdown(wait=False)
    if not isinstance(info, dict) or info.get("type") != "Scheduler":
        kind = info.get("type") if isinstance(info, dict) else type(info).__name__
        raise _checks.ParameterError(f"'scheduler' at {address!r} is not a Dask scheduler (it answers as {kind!r})")
    return info


def n_workers(client) -> int:
    """Workers the client knows of now (from its periodically refreshed scheduler info)."""
    return len(client.scheduler_info(**_ALL).get("workers", {}))


_ALL = {"n_workers": -1} if "n_workers" in __import__("inspect").signature(__import__("distributed").Client.scheduler_info).parameters else {}


def wait_for_worker(client, timeout: float = WORKER_TIMEOUT_S) -> None:
    """Return once the cluster has a worker; raise ``RunError`` after ``timeout`` seconds."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, asyncio.TimeoutError, OSError):
        raise _checks.RunError(f"no Dask worker joined the scheduler at {client.scheduler.address} within {timeout:g} s; "
                               "start workers (dask worker ADDRESS) or use the local cluster (no --scheduler)") from None


def worker_memory(client) -> int | None:
    """The smallest memory limit in bytes of the cluster's workers (None if none is set)."""
    limits = [w.get("memory_limit") or 0 for w in client.scheduler_info(**_ALL).get("workers", {}).values()]
    limits = [m for m in limits if m > 0]
    return min(limits) if limits else None


class Watchdog:
    """Ends a run whose cluster cannot finish it: ``check()`` raises ``RunError`` once the
    client has lost its scheduler or the cluster has had no worker for ``timeout`` seconds."""

    def __init__(self, client, timeout: float = WORKER_TIMEOUT_S, *, what=lambda: "the run stopped"):
        self.client, self.timeout, self.what = client, timeout, what
        self.since = None

    def check(self) -> None:
        status = getattr(self.client, "status", "running")
        if status in ("closed", "closing", "failed"):
            raise _checks.RunError(f"the Dask scheduler went away (client {status}); {self.what()}")
        if status == "running" and n_workers(self.client):
            self.since = None
            return
        now = time.monotonic()
        self.since = now if self.since is None else self.since
        if now - self.since > self.timeout:
            lost = "the scheduler for" if status != "running" else "all its workers for"
            raise _checks.RunError(f"the Dask cluster has lost {lost} {self.timeout:g} s; {self.what()}")


class _IgnoreInterrupt(WorkerPlugin):
    """Ctrl-C in a terminal reaches the local workers too: they ignore it, and the client
    closes them in order (no tracebacks from every worker)."""

    name = "bosonpeak-ignore-sigint"

    def setup(self, worker):
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def dashboard(client) -> str:
    """The dashboard address of ``client``'s cluster, or why there is none."""
    try:
        import bokeh  # noqa: F401  (the dashboard needs it)
    except ImportError:
        return "unavailable (install bokeh: pip install 'bosonpeak[dashboard]')"
    return client.dashboard_link


def _package_version() -> str:
    from .._version import __version__

    return __version__


def worker_versions(client) -> dict[str, str]:
    """The bosonpeak version of every worker of ``client``; raise if one differs from ours,
    since only the same code guarantees the same numbers."""
    from .._version import __version__

    try:
        versions = client.run(_package_version)
    except Exception as exc:  # noqa: BLE001 - e.g. bosonpeak missing on a worker
        raise _checks.ParameterError(f"'scheduler': the workers cannot run bosonpeak ({exc.__class__.__name__}: {exc})") from None
    wrong = sorted({v for v in versions.values() if v != __version__})
    if wrong:
        raise _checks.ParameterError(f"'scheduler': workers run bosonpeak {', '.join(wrong)}, this client {__version__}; install the same version everywhere")
    return versions
