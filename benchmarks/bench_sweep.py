"""Cost of running a sweep on Dask, as ratios against a plain loop timed in the same run.

1. Overhead per task for tiny tasks (L = 8, N = 64, dense): the same tasks in a plain
   in-process loop (``compute_task``), and through ``run_tasks`` on a local cluster of one
   worker, without and with the results store (one NetCDF file per task).
2. Speed-up of 2 workers over 1 on tasks big enough to matter (default L = 40, N = 1600).

Each timing is the least of ``--repeat`` runs. Every process runs BLAS on one thread (as Dask's workers do), so the loop is a fair
baseline. Cluster start-up is timed apart and not counted in the ratios.

    PYTHONPATH=src python benchmarks/bench_sweep.py [--tiny 200] [--big-L 40] [--big 8] [--repeat 3]
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bosonpeak.workflows.cluster import connect
from bosonpeak.workflows.spec import parse_spec
from bosonpeak.workflows.sweep import compute_task, plan, run_tasks  # noqa: E402


def tasks_of(L: int, n: int):
    deltas = ", ".join(f"{0.05 + 0.9 * i / n:.6f}" for i in range(n))
    spec = parse_spec(f"[grid]\nL = {L}\ndelta = [{deltas}]\nrule = 'cutoff'\n[dos]\nomega_max = 4.0\n")
    return plan(spec)


def timed(fn, repeat: int = 1) -> float:
    """Least wall time of ``repeat`` runs (the runs least disturbed by other jobs)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiny", type=int, default=200, help="number of tiny tasks (L = 8)")
    ap.add_argument("--big-L", type=int, default=40, help="L of the big tasks")
    ap.add_argument("--big", type=int, default=8, help="number of big tasks")
    ap.add_argument("--repeat", type=int, default=3, help="timings are the least of this many runs")
    args = ap.parse_args()

    tiny = tasks_of(8, args.tiny)
    big = tasks_of(args.big_L, args.big)
    compute_task(tiny[0])  # imports and first-call costs out of the way
    r = args.repeat
    loop_tiny = timed(lambda: [compute_task(t) for t in tiny], r)
    loop_big = timed(lambda: [compute_task(t) for t in big], r)

    t0 = time.perf_counter()
    with connect(workers=1) as client:
        start = time.perf_counter() - t0
        client.submit(compute_task, tiny[0], pure=False).result()  # warm the worker
        dask_tiny = timed(lambda: run_tasks(tiny, client), r)

        def with_store():
            with tempfile.TemporaryDirectory() as store:  # a fresh store: every task is computed and written
                run_tasks(tiny, client, store=store)

        dask_tiny_store = timed(with_store, r)
        one_big = timed(lambda: run_tasks(big, client), r)
    with connect(workers=2) as client:
        client.run(compute_task, tiny[0])  # warm both workers
        two_big = timed(lambda: run_tasks(big, client), r)

    n = len(tiny)
    print(f"local cluster start-up (1 worker): {start:.2f} s")
    print(f"tiny tasks (L = 8, {n} tasks): plain loop {loop_tiny / n * 1e3:.2f} ms/task")
    print(f"  Dask, 1 worker, no store:   {dask_tiny / n * 1e3:.2f} ms/task, overhead {(dask_tiny - loop_tiny) / n * 1e3:.2f} ms/task, "
          f"ratio to loop {dask_tiny / loop_tiny:.2f}")
    print(f"  Dask, 1 worker, with store: {dask_tiny_store / n * 1e3:.2f} ms/task, overhead {(dask_tiny_store - loop_tiny) / n * 1e3:.2f} ms/task, "
          f"ratio to loop {dask_tiny_store / loop_tiny:.2f}")
    print(f"big tasks (L = {args.big_L}, {len(big)} tasks): plain loop {loop_big / len(big):.3f} s/task; "
          f"1 worker {one_big:.2f} s (ratio to loop {one_big / loop_big:.2f}); 2 workers {two_big:.2f} s")
    print(f"  speed-up of 2 workers over 1: {one_big / two_big:.2f} (ideal 2 on 2 idle cores; os.cpu_count() = {os.cpu_count()})")


if __name__ == "__main__":
    main()
