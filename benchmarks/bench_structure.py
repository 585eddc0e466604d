"""S(q, omega) by KPM against the KPM DOS of the same network, timed in the same run.

    PYTHONPATH=src python benchmarks/bench_structure.py [--size 200] [--orders 6] [--resolution 0.005] [--vectors 16]

Both use the same Chebyshev recursion (``spectra._chebyshev``) and the same resolution in
omega, hence the same number of moments; S(q, omega) carries two start vectors per wave
vector (cosine and sine parts of the plane wave), the DOS ``--vectors`` random vectors. The
ratio of the two times should be about ``2 Q / R``: S(q, omega) of Q wave vectors costs what a
DOS with 2 Q random vectors costs. Also printed: the cost per start vector and moment of each,
and the dense path's time at a small size for scale.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import bosonpeak
from bosonpeak.model.disorder import disordered_network
from bosonpeak.spectra.structure import lattice_wavevectors, structure_factor


def best_time(f, repeat=3):
    f()
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=200)
    p.add_argument("--orders", type=int, default=6, help="wave vectors 2 pi m / L, m = 1..orders, along x")
    p.add_argument("--resolution", type=float, default=0.005)
    p.add_argument("--vectors", type=int, default=16, help="random vectors of the DOS")
    p.add_argument("--family", default="springs-uniform")
    p.add_argument("--strength", type=float, default=0.5)
    args = p.parse_args(argv)
    net = disordered_network(args.size, args.family, args.strength, rng=1)
    edges = np.arange(0, 3.2, args.resolution / 2)
    q = lattice_wavevectors(args.size, np.arange(1, args.orders + 1))
    t_dos, g = best_time(lambda: bosonpeak.dos(net, edges, method="kpm", resolution=args.resolution, vectors=args.vectors, rng=2))
    t_sq, sf = best_time(lambda: structure_factor(net, q, edges, method="kpm", resolution=args.resolution))
    M = sf.info["moments"]
    assert M == g.info["moments"], (M, g.info["moments"])
    print(f"network {args.family} {args.strength:g}, L = {args.size} (N = {net.n_nodes}), resolution {args.resolution:g} -> {M} moments")
    print(f"DOS (KPM, {args.vectors} random vectors): {t_dos:.3f} s = {1e9 * t_dos / (args.vectors * M * net.n_nodes):.2f} ns per (vector x moment x node)")
    print(f"S(q, omega) (KPM, {len(q)} q = {2 * len(q)} start vectors): {t_sq:.3f} s = {1e9 * t_sq / (2 * len(q) * M * net.n_nodes):.2f} ns per (vector x moment x node)")
    print(f"ratio S(q,omega) / DOS = {t_sq / t_dos:.2f} (start-vector count ratio {2 * len(q) / args.vectors:.2f})")
    small = disordered_network(32, args.family, args.strength, rng=1)
    t_dense, _ = best_time(lambda: structure_factor(small, lattice_wavevectors(32, np.arange(1, args.orders + 1)), edges), repeat=1)
    print(f"for scale: dense S(q, omega) at L = 32 (N = 1024, every eigenvector): {t_dense:.3f} s")


if __name__ == "__main__":
    main()
