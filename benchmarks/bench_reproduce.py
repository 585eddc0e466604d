"""Benchmark of the paper reproduction (issue: foundation).

Times one L = 60 dense DOS (the baseline: numpy.linalg.eigvalsh of one 3600 x 3600
matrix) and a whole ``bosonpeak reproduce`` run with its default engine, in the same
process, and prints how many baseline DOS computations the whole run costs.

Run: ``python benchmarks/bench_reproduce.py [--size 60] [--seeds 10] [--method M]``
"""

from __future__ import annotations

import argparse
import tempfile
import time

import bosonpeak
from bosonpeak.cli import main


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(size=60, seeds=10, method=None):
    net = bosonpeak.network(size, 0.2, rng=1)
    H = bosonpeak.dynamical_matrix(net)
    edges = bosonpeak.default_edges(H)
    t_dense = best_of(lambda: bosonpeak.dos(H, edges, method="dense"))
    argv = ["reproduce", "--size", str(size), "--seeds", str(seeds), "--no-progress"]
    if method:
        argv += ["--method", method]
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        main(argv + ["--out", out])
        t_rep = time.perf_counter() - t0
    n_dos = 3 * 4 * seeds - 3 * (seeds - 1) - 2  # distinct matrices: delta = 0 is one crystal
    print(f"\none dense DOS, L = {size} (N = {size**2}): {t_dense:.2f} s (baseline)")
    print(f"bosonpeak reproduce --size {size} --seeds {seeds}: {t_rep:.1f} s = {t_rep / t_dense:.1f}x the baseline "
          f"(for {n_dos} distinct spectra + figures; {t_rep / n_dos / t_dense:.2f}x baseline per spectrum)")
    return t_dense, t_rep


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=60)
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--method", default=None)
    a = p.parse_args()
    run(a.size, a.seeds, a.method)
