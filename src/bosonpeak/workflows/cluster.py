"""Dask clusters for sweeps: a local cluster on the loopback address, or an existing scheduler.

``connect`` yields a client; ``dashboard`` says where its dashboard is; ``worker_versions``
refuses workers that run another bosonpeak version, since only the same code guarantees
the same numbers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import warnings

from distributed.diagnostics.plugin import WorkerPlugin

from .. import _checks

#: Seconds to wait for an existing scheduler to answer.
SCHEDULER_TIMEOUT_S = 30


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None):
    """A Dask client: on an existing scheduler at ``scheduler``, or on a local cluster of
    ``workers`` single-threaded processes listening on 127.0.0.1 only.

    ``workers`` defaults to the number of CPU cores; it applies to the local cluster only.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        if workers is not None:
            raise _checks.ParameterError(f"'workers' applies only to the local cluster; got workers={workers} with scheduler={scheduler!r}")
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
        except (OSError, ValueError, TypeError) as exc:
            raise _checks.ParameterError(f"'scheduler' could not be reached at {scheduler!r}: {exc}") from None
        with client:
            yield client
        return
    n = (os.cpu_count() or 1) if workers is None else _checks.integer("workers", workers, minimum=1)
    with warnings.catch_warnings():  # "port 8787 in use": another port is taken, and printed by ``dashboard``
        warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address="127.0.0.1:8787", silence_logs=logging.CRITICAL)
    with cluster, Client(cluster) as client:
        client.register_plugin(_IgnoreInterrupt())
        yield client


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
    from .. import __version__

    return __version__


def worker_versions(client) -> dict[str, str]:
    """The bosonpeak version of every worker of ``client``; raise if one differs from ours,
    since only the same code guarantees the same numbers."""
    from .. import __version__

    try:
        versions = client.run(_package_version)
    except Exception as exc:  # noqa: BLE001 - e.g. bosonpeak missing on a worker
        raise _checks.ParameterError(f"'scheduler': the workers cannot run bosonpeak ({exc.__class__.__name__}: {exc})") from None
    wrong = sorted({v for v in versions.values() if v != __version__})
    if wrong:
        raise _checks.ParameterError(f"'scheduler': workers run bosonpeak {', '.join(wrong)}, this client {__version__}; install the same version everywhere")
    return versions
