"""w_BP intervals of the paper's networks (delta = 0.2, cut-off rule) at L = 60 and L = 300: do they overlap?

Run: PYTHONPATH=src python benchmarks/peak_intervals.py [L:seeds:method ...]   (default 60:10:dense 300:4:kpm; minutes)
Prints each size's BosonPeak with its interval parts (seeds, plateau, resolution) and the seed-only
bootstrap for comparison.
"""

import sys
import time

import numpy as np

import bosonpeak
from bosonpeak.analysis.elasticity import ensemble_sound_speed

edges = np.arange(0, 1.65, 0.05)
sizes = [(int(a), int(b), m) for a, b, m in (x.split(":") for x in sys.argv[1:])] or [(60, 10, "dense"), (300, 4, "kpm")]
for L, seeds, method in sizes:
    t = time.perf_counter()
    g = bosonpeak.ensemble_dos(L, 0.2, edges, seeds=seeds, method=method, zero_modes=False, rng=2026)
    c = ensemble_sound_speed(L, 0.2, seeds=seeds, rng=2026)
    bp = bosonpeak.boson_peak(g, c=c, rng=1)
    print(f"L = {L}, {seeds} seeds, {method} ({time.perf_counter() - t:.0f} s): {bp}")
    print(f"    {bp.conventions()}; parts {({k: tuple(round(x, 3) for x in v) for k, v in bp.interval_parts.items()})}")
