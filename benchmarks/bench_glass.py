"""Benchmark: generate and analyse a 4,000-particle 2D glass (target: under 2 minutes on 2 cores).

"Analyse" is everything ``bosonpeak glass`` computes: FIRE minimisation, rattlers, contact and
Voronoi coordination, the exact DOS of the 8,000 x 8,000 vector Hessian and of the
4,000 x 4,000 scalar contact network, and the sound speeds (Debye levels).

Prints each stage's time and the ratio to the target. As a baseline timed in the same run it
also diagonalises the vector Hessian of a 1,000-particle glass with the dense engine and with
the engine benchmarked, and prints their ratio.

Run: ``PYTHONPATH=src python benchmarks/bench_glass.py [--particles 4000] [--method banded]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import bosonpeak
from bosonpeak.workflows.glass import glass_dataset

TARGET_S = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=4000)
    parser.add_argument("--phi", type=float, default=0.86)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--method", default="slicing" if "slicing" in bosonpeak.methods() else "banded")
    args = parser.parse_args()

    t0 = time.perf_counter()
    packing = bosonpeak.jammed_packing(args.particles, args.phi, rng=args.seed)
    t_pack = time.perf_counter() - t0
    t1 = time.perf_counter()
    ds = glass_dataset(packing, method=args.method, rng=args.seed, timings=True)
    t_analyse = time.perf_counter() - t1
    total = t_pack + t_analyse
    print(f"N = {args.particles}, phi = {args.phi}, method {args.method}: FIRE {packing.info['steps']} steps {t_pack:.1f} s, "
          f"max |F| = {packing.max_force:.1e}; analysis {t_analyse:.1f} s (DOS of both Hessians {ds.attrs['dos_seconds']:.1f} s)")
    print(f"<z> = {packing.mean_contact_number:.4f}, rattlers {int(packing.rattler.sum())}, "
          f"c_L = {ds.attrs['c_L']:.4f}, c_T = {ds.attrs['c_T']:.4f}, c = {ds.attrs['c_scalar']:.4f}")
    print(f"total {total:.1f} s; target {TARGET_S:.0f} s; time / target = {total / TARGET_S:.2f} "
          f"({'met' if total < TARGET_S else 'NOT met'})")

    small = bosonpeak.glass_hessian(bosonpeak.jammed_packing(1000, args.phi, rng=args.seed))
    edges = np.arange(0, 4.0, 0.05)
    times = {}
    for method in ("dense", args.method):
        t = time.perf_counter()
        bosonpeak.glass_dos(small, edges, method=method)
        times[method] = time.perf_counter() - t
    print(f"baseline, vector Hessian of N = 1000 ({small.shape[0]} x {small.shape[0]}): dense {times['dense']:.2f} s, "
          f"{args.method} {times[args.method]:.2f} s, dense / {args.method} = {times['dense'] / times[args.method]:.1f}")


if __name__ == "__main__":
    main()
