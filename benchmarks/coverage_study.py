"""Coverage of the 95 % intervals of omega_BP: independent seed sets at several sizes against
omega_BP of a larger size (docs/statistics.md quotes its output).

Run: PYTHONPATH=src python benchmarks/coverage_study.py [--sizes 24,28,32] [--runs 8] [--seeds 6] [--delta 0.3] [--ref-size 60]

For every size, ``runs`` independent ensembles of ``seeds`` networks (children of one root
SeedSequence); each gets ``boson_peak``'s interval and, for comparison, the seed-only percentile
bootstrap (the default smoothing and window only, what bosonpeak reported before issue 27). The
reference is ``boson_peak`` of ``--ref-seeds`` networks of ``--ref-size`` (default window). The window starts at 2 x 2 pi c / L (one
of the variations) so that the peak lies inside it at these small sizes.
"""

import argparse
import time

import numpy as np

import bosonpeak
from bosonpeak._random import seed_sequences
from bosonpeak.analysis._verdict import running_mean, vertex
from bosonpeak.analysis.elasticity import ensemble_sound_speed
from bosonpeak.analysis.peak import boson_peak


def seed_only(g, c, bp, rng, bootstrap=2000):
    """The percentile bootstrap over seeds alone, default smoothing and window."""
    k = g.samples.shape[0]
    idx = np.random.default_rng(rng).integers(0, k, size=(bootstrap, k))
    curves = running_mean(g.samples[idx].mean(axis=1) / g.centres, bp.smoothing_bins)
    inside = np.flatnonzero((g.centres > bp.window[0]) & (g.centres < bp.window[1]))
    w, _ = vertex(curves, g.centres, inside)
    return tuple(np.quantile(w, [0.025, 0.975]))


def study(sizes, runs, seeds, delta, ref_size, ref_seeds, root=2027):
    edges = np.arange(0, 1.65, 0.05)
    out = []
    for L, ss in zip(sizes, seed_sequences(root, len(sizes))):
        for r in ss.spawn(runs):
            g = bosonpeak.ensemble_dos(L, delta, edges, seeds=seeds, zero_modes=False, rng=r)
            c = ensemble_sound_speed(L, delta, seeds=seeds, rng=r)
            lo = 2 * 2 * np.pi * float(np.mean(c)) / L
            bp = boson_peak(g, c=c, omega_min=lo, rng=1)
            out.append((L, bp, seed_only(g, c, bp, 2)))
    g = bosonpeak.ensemble_dos(ref_size, delta, edges, seeds=ref_seeds, zero_modes=False, rng=root + 1)
    c = ensemble_sound_speed(ref_size, delta, seeds=ref_seeds, rng=root + 1)
    ref = boson_peak(g, c=c, rng=1)  # the default window at the larger size
    return ref, out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="24,28,32")
    p.add_argument("--runs", type=int, default=8)
    p.add_argument("--seeds", type=int, default=6)
    p.add_argument("--delta", type=float, default=0.3)
    p.add_argument("--ref-size", type=int, default=60)
    p.add_argument("--ref-seeds", type=int, default=10)
    a = p.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    t = time.perf_counter()
    ref, out = study(sizes, a.runs, a.seeds, a.delta, a.ref_size, a.ref_seeds)
    print(f"paper networks delta = {a.delta}, sizes {sizes}, {a.runs} runs of {a.seeds} seeds each; reference (L = {a.ref_size}, "
          f"{a.ref_seeds} seeds): {ref}")
    for L in sizes:
        rows = [(bp, so) for size, bp, so in out if size == L]
        full = sum(bp.omega_interval[0] <= ref.omega <= bp.omega_interval[1] for bp, _ in rows)
        seed = sum(so[0] <= ref.omega <= so[1] for _, so in rows)
        width = np.median([bp.omega_interval[1] - bp.omega_interval[0] for bp, _ in rows])
        wseed = np.median([so[1] - so[0] for _, so in rows])
        print(f"L = {L}: omega_BP {np.min([bp.omega for bp, _ in rows]):.3f}..{np.max([bp.omega for bp, _ in rows]):.3f}; "
              f"covered by the interval {full}/{len(rows)} (median width {width:.3f}), by the seed-only bootstrap {seed}/{len(rows)} "
              f"(median width {wseed:.3f})")
    total = sum(bp.omega_interval[0] <= ref.omega <= bp.omega_interval[1] for _, bp, _ in out)
    seed = sum(so[0] <= ref.omega <= so[1] for *_, so in out)
    print(f"all: interval {total}/{len(out)} = {total / len(out):.2f}, seed-only {seed}/{len(out)} = {seed / len(out):.2f} "
          f"(stated 0.95); {time.perf_counter() - t:.0f} s")


if __name__ == "__main__":
    main()
