"""A full effective-medium curve against baselines timed in the same run.

    PYTHONPATH=src python benchmarks/bench_cpa.py

Times (best of 3) the single-bond CPA on 500 frequencies for uniform springs (w = 0.5) and
dilution (p = 0.3), the node (star) CPA on 131 frequencies for the paper's delta = 0.2, and
two baselines: the crystal's local Green's function on the same 500 frequencies (one
vectorised call, the theory's unit of work) and the dense DOS of one L = 60 network
(``numpy.linalg.eigvalsh``, what a numerical curve of that size costs). Prints the ratios.
"""

from __future__ import annotations

import time

import numpy as np

import bosonpeak
from bosonpeak.theory import bond_cpa, spring_distribution, square_lattice_green
from bosonpeak.theory.node import node_cpa, paper_stars


def best_of(fn, repeats=3):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    omega = np.linspace(0.0, 3.0, 500)
    net = bosonpeak.network(60, 0.2, rule="cutoff", rng=2026)
    edges = np.arange(0.0, 3.05, 0.05)
    stars = paper_stars(0.2)
    t_green = best_of(lambda: square_lattice_green(omega[1:] ** 2))
    t_dense = best_of(lambda: bosonpeak.dos(net, edges, method="dense"))
    t_uniform = best_of(lambda: bond_cpa(spring_distribution("springs-uniform", 0.5), omega))
    t_dilution = best_of(lambda: bond_cpa(spring_distribution("dilution", 0.3), omega))
    t_node = best_of(lambda: node_cpa(stars, np.linspace(0.0, 2.6, 131)), repeats=1)
    print(f"crystal G_00 on 500 frequencies (baseline): {t_green * 1e3:8.2f} ms")
    print(f"dense DOS, one L = 60 network (baseline):   {t_dense:8.3f} s")
    print(f"bond CPA, springs-uniform 0.5, 500 freqs:   {t_uniform:8.3f} s  = {t_uniform / t_green:6.0f} x G_00, "
          f"{t_uniform / t_dense:5.2f} x dense L=60")
    print(f"bond CPA, dilution 0.3, 500 freqs:          {t_dilution:8.3f} s  = {t_dilution / t_green:6.0f} x G_00, "
          f"{t_dilution / t_dense:5.2f} x dense L=60")
    print(f"node CPA, paper delta 0.2, 131 freqs:       {t_node:8.3f} s  = {t_node / t_dense:5.2f} x dense L=60")


if __name__ == "__main__":
    main()
