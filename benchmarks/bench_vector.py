"""Vector DOS engines on 3D networks, and the cost estimate against the measured cost.

    PYTHONPATH=src python benchmarks/bench_vector.py [L ...]    # default L = 6 8 10

For each L: the 3D cut-off network (delta = 0.3, r_c = 1.5), its vector matrix, and every
exact engine (dense, banded, slicing) and KPM on the same 40 bins, timed in this run. Prints
each engine's time, its ratio to dense, and ``vector_resources``' estimate over the measured
time (the estimate is meant to be right within a factor of ~10, to refuse hopeless runs).
The exact engines' counts are asserted identical.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import bosonpeak
from bosonpeak.matrices.vector import vector_dynamical_matrix
from bosonpeak.spectra.vector import vector_resources, vector_zero_modes


def main(sizes) -> None:
    print("| L | dof | method | seconds | / dense | estimate / measured |")
    print("|---|---|---|---|---|---|")
    for L in sizes:
        net = bosonpeak.network(L, 0.3, cutoff=1.5, rng=1, dim=3)
        K = vector_dynamical_matrix(net)
        n0 = vector_zero_modes(net)
        edges = np.linspace(0, np.sqrt(float(abs(K).sum(axis=1).max())) * 1.001, 41)
        z = float(net.coordination.mean())
        times, counts = {}, {}
        for method in ("dense", "banded", "slicing", "kpm"):
            options = dict(moments=400, vectors=8, rng=1) if method == "kpm" else {}
            t0 = time.perf_counter()
            g = bosonpeak.dos(K, edges, method=method, zero_modes=False, n_zero=n0, **options)
            times[method] = time.perf_counter() - t0
            counts[method] = np.rint(g.density * K.shape[0] * np.diff(edges))
            est = vector_resources(net.n_nodes, 3, method=method, mean_z=z, bins=40, count_zero_modes=False)["seconds"]
            print(f"| {L} | {K.shape[0]} | {method} | {times[method]:.3g} | {times[method] / times['dense']:.3g} | "
                  f"{est / times[method]:.3g} |")
        assert np.array_equal(counts["dense"], counts["banded"]) and np.array_equal(counts["dense"], counts["slicing"])


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [6, 8, 10])
