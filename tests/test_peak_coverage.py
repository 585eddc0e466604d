"""The 95 % intervals of omega_BP cover: independent seed sets at two sizes against the
estimate at a larger size (benchmarks/coverage_study.py is the larger study, docs/statistics.md
its numbers)."""

import numpy as np

import bosonpeak
from bosonpeak._random import seed_sequences
from bosonpeak.analysis.elasticity import ensemble_sound_speed
from bosonpeak.analysis.peak import boson_peak

EDGES = np.arange(0, 1.65, 0.05)


def test_intervals_from_independent_seeds_and_sizes_cover_a_larger_size():
    runs = []
    for L, root in zip((24, 28), seed_sequences(2027, 2)):
        for r in root.spawn(4):
            g = bosonpeak.ensemble_dos(L, 0.3, EDGES, seeds=5, zero_modes=False, rng=r)
            c = ensemble_sound_speed(L, 0.3, seeds=5, rng=r)
            runs.append(boson_peak(g, c=c, omega_min=2 * 2 * np.pi * float(np.mean(c)) / L, bootstrap=400, rng=1))
    g = bosonpeak.ensemble_dos(40, 0.3, EDGES, seeds=4, zero_modes=False, rng=2028)  # a larger size: the finite-size drift
    ref = boson_peak(g, c=ensemble_sound_speed(40, 0.3, seeds=4, rng=2028), omega_min=2 * 2 * np.pi * 0.85 / 40, bootstrap=400, rng=1)
    covered = [bp.omega_interval[0] <= ref.omega <= bp.omega_interval[1] for bp in runs]
    assert sum(covered) >= 7, (ref.omega, [bp.omega_interval for bp in runs])  # 95 %: 8 of 8 expected, 7 allowed
    for bp in runs:  # informative, not the whole window, and each holds its own estimate and its parts
        lo, hi = bp.omega_interval
        assert lo <= bp.omega <= hi and hi - lo < 0.6 * (bp.window[1] - bp.window[0])
        assert all(lo <= p[0] and p[1] <= hi for k, p in bp.interval_parts.items() if k != "height_bootstrap")
        assert bp.height_interval[0] <= bp.height <= bp.height_interval[1]
