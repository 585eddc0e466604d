"""Whole Boson-peak analysis of one L = 300 cut-off network (issue 5 target: < 60 s on 2 cores).

Stages: network + H, sound speed (relaxed conductivity, sparse LU), DOS (the fastest sparse
method registered: "kpm", else "slicing"; skipped if only "dense" exists), omega_BP, C(T),
participation ratio of the lowest 100 modes (shift-invert Lanczos). The baseline, timed in
the same run, is one sparse LU factorisation of H + 1e-5 I (COLAMD), the unit of work of
both the sound-speed solve and the Lanczos iteration.

    PYTHONPATH=src python benchmarks/bench_analysis.py [L]
"""

import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import bosonpeak
from bosonpeak.analysis.thermal import debye_limit

TARGET_S = 60.0


def main(L: int = 300, delta: float = 0.2) -> None:
    times = {}
    t = time.perf_counter()
    net = bosonpeak.network(L, delta, rng=2026)
    H = bosonpeak.dynamical_matrix(net)
    times["network + H"] = time.perf_counter() - t

    t = time.perf_counter()
    spla.splu((H + 1e-5 * sp.identity(H.shape[0], format="csr")).tocsc(), permc_spec="COLAMD")
    baseline = time.perf_counter() - t

    t = time.perf_counter()
    c = bosonpeak.sound_speed(net)
    times["sound speed"] = time.perf_counter() - t

    method = next((m for m in ("kpm", "slicing") if m in bosonpeak.methods()), None)
    edges = np.arange(0.0, 1.55, 0.01)
    t = time.perf_counter()
    g = bosonpeak.dos(H, edges, method=method, zero_modes=False, rng=1) if method else None
    times[f"DOS ({method or 'skipped: no sparse engine registered'})"] = time.perf_counter() - t

    t = time.perf_counter()
    bp = bosonpeak.boson_peak(g, c=c) if g is not None else None
    T = np.geomspace(0.005, 1.0, 60)
    C = bosonpeak.heat_capacity(g, T, c=c) if g is not None else None
    times["omega_BP + C(T)"] = time.perf_counter() - t

    t = time.perf_counter()
    m = bosonpeak.lowest_modes(H, 100, rng=0)
    P = bosonpeak.participation_ratio(m.vectors)
    times["lowest 100 modes + P"] = time.perf_counter() - t

    total = sum(times.values())
    print(f"L = {L} (N = {L * L}), delta = {delta}, cutoff rule: c^2 = {c * c:.4f}, lowest omega {m.omega[0]:.4f}..{m.omega[-1]:.4f}, median P {np.median(P):.3f}")
    if bp is not None:
        print(f"omega_BP = {bp.omega:.3f}, height over own Debye level {bp.height:.3f}, max C/T^2 over own limit {np.max(C / T**2) / debye_limit(c):.3f}")
    for name, s in times.items():
        print(f"  {name:45s} {s:7.2f} s  ({s / baseline:6.1f} x baseline)")
    print(f"baseline (one sparse LU of H + 1e-5 I): {baseline:.2f} s")
    print(f"total {total:.1f} s = {total / TARGET_S:.2f} x the {TARGET_S:.0f} s target; {total / baseline:.1f} x baseline")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
