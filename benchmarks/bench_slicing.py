"""Spectrum slicing against dense diagonalisation: speed, identical counts, scaling to N = 10^6.

    PYTHONPATH=src python benchmarks/bench_slicing.py l60            # L = 60 full histogram, ratio
    PYTHONPATH=src python benchmarks/bench_slicing.py scan [L ...]   # time and peak memory vs N
    PYTHONPATH=src python benchmarks/bench_slicing.py one METHOD L   # one measurement (used by scan)

``l60``: one L = 60 network (cut-off rule, delta = 0.2), bins of 0.05 up past the top of the
spectrum; slicing against ``numpy.linalg.eigvalsh`` on the same matrix, both timed in this run
(best of 3), counts asserted identical, ratio printed.

``scan``: the L = 1000 target workload at every size (cut-off rule, delta = 0.2, 30 bins over
omega <= 1.5), one fresh subprocess per (method, L) so that ``ru_maxrss`` is that run's peak
resident memory (tracemalloc cannot see qdldl's or LAPACK's C allocations). With a process
pool the peak is the parent's plus each worker's (``RUSAGE_CHILDREN`` reports the largest
worker), so ``peak`` is ``self + workers * largest child``: an upper bound. Writes a markdown
table to stdout, ``docs/slicing_scaling.json`` and the log-log plot ``docs/slicing_scaling.png``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import bosonpeak
from bosonpeak.spectra.slicing import eigenvalue_counts
from bosonpeak.spectra.spectrum import default_edges, edge_shifts

DOCS = Path(__file__).resolve().parents[1] / "docs"
DENSE_MAX_L = 80  # dense diagonalisation beyond this takes many minutes on a loaded 2-core machine
SCAN_SIZES = (60, 80, 100, 200, 400, 700, 1000)
TARGET_EDGES = np.linspace(0.0, 1.5, 31)


def target_matrix(L: int):
    return bosonpeak.dynamical_matrix(bosonpeak.network(L, 0.2, rule="cutoff", rng=2026))


def best_of(fn, repeats=3):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def dense_counts(H, edges):
    lam = np.linalg.eigvalsh(H.toarray())
    return np.searchsorted(lam, edge_shifts(H, edges), side="left")


def l60() -> None:
    H = target_matrix(60)
    edges = default_edges(H, 0.05)
    t_dense, ref = best_of(lambda: dense_counts(H, edges))
    t_slice, (got, info) = best_of(lambda: eigenvalue_counts(H, edge_shifts(H, edges), workers=1))
    assert np.array_equal(got, ref), "slicing counts differ from dense"
    print(f"L = 60 (N = {H.shape[0]}), {len(edges)} edges of width 0.05 up to omega = {edges[-1]:.2f}: counts identical")
    print(f"numpy.linalg.eigvalsh {t_dense:.3f} s   slicing (qdldl) {t_slice:.3f} s   ratio {t_dense / t_slice:.1f}x")


def one(method: str, L: int) -> dict:
    t0 = time.perf_counter()
    H = target_matrix(L)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    if method == "dense":
        counts, workers = dense_counts(H, TARGET_EDGES), 1
    else:
        counts, info = eigenvalue_counts(H, edge_shifts(H, TARGET_EDGES), solver=method)
        workers = info["workers"]
    seconds = time.perf_counter() - t0
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    own, child = me.ru_maxrss / 2**20, kids.ru_maxrss / 2**20  # KiB -> GiB
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime  # includes building the network
    peak = own + (workers * child if workers > 1 else 0.0)
    return {"method": method, "L": L, "N": L * L, "seconds": seconds, "build_seconds": t_build, "cpu_seconds": cpu, "workers": workers,
            "peak_GiB": peak, "self_GiB": own, "child_GiB": child, "counts": np.asarray(counts).tolist()}


def scan(sizes) -> None:
    """Measure ``sizes``; rows of other sizes already in ``docs/slicing_scaling.json`` are kept."""
    path = DOCS / "slicing_scaling.json"
    rows = [r for r in json.loads(path.read_text()) if r["L"] not in sizes] if path.exists() else []
    for L in sizes:
        for method in (("dense", "qdldl") if L <= DENSE_MAX_L else ("qdldl",)):
            cmd = [sys.executable, __file__, "one", method, str(L)]
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
            if res.returncode:
                print(f"L = {L} {method}: failed\n{res.stderr[-2000:]}")
                continue
            rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
            r = rows[-1]
            print(f"L = {L:5d} N = {r['N']:8d} {method:6s} {r['seconds']:9.2f} s (cpu {r.get('cpu_seconds', float('nan')):.1f} s, "
                  f"network {r['build_seconds']:.1f} s)  peak {r['peak_GiB']:6.2f} GiB", flush=True)
    rows.sort(key=lambda r: (r["N"], r["method"]))
    for L in sizes:
        both = [r for r in rows if r["L"] == L]
        if len(both) == 2:
            assert both[0]["counts"] == both[1]["counts"], f"counts differ at L = {L}"
    DOCS.mkdir(exist_ok=True)
    path.write_text(json.dumps(rows, indent=1))
    print("\n| L | N | method | workers | time (s) | CPU time, all processes (s) | peak memory (GiB) |\n|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['L']} | {r['N']:,} | {'numpy eigvalsh' if r['method'] == 'dense' else 'slicing (' + r['method'] + ')'} "
              f"| {r['workers']} | {r['seconds']:.2f} | {r.get('cpu_seconds', float('nan')):.1f} | {r['peak_GiB']:.2f} |")
    plot(rows)


def plot(rows) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(9, 3.8))
    for method, style in (("dense", "s--"), ("qdldl", "o-")):
        sel = sorted((r for r in rows if r["method"] == method), key=lambda r: r["N"])
        if not sel:
            continue
        label = "numpy.linalg.eigvalsh" if method == "dense" else "slicing (qdldl LDL$^T$)"
        N = [r["N"] for r in sel]
        ax_t.loglog(N, [r["seconds"] for r in sel], style, label=label)
        ax_m.loglog(N, [r["peak_GiB"] for r in sel], style, label=label)
    ax_t.axhline(300, color="grey", lw=0.8, ls=":", label="target: 5 min")
    ax_m.axhline(24, color="grey", lw=0.8, ls=":", label="target: 24 GB")
    ax_t.set(xlabel="N = L$^2$", ylabel="time for 30 bins, omega <= 1.5 (s)")
    ax_m.set(xlabel="N = L$^2$", ylabel="peak resident memory (GiB)")
    ax_t.legend(fontsize=8)
    ax_m.legend(fontsize=8)
    fig.suptitle("Exact DOS by spectrum slicing vs dense diagonalisation (cut-off rule, delta = 0.2)", fontsize=10)
    fig.tight_layout()
    fig.savefig(DOCS / "slicing_scaling.png", dpi=120)


if __name__ == "__main__":
    part = sys.argv[1] if len(sys.argv) > 1 else "l60"
    if part == "l60":
        l60()
    elif part == "one":
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]))))
    elif part == "scan":
        scan([int(x) for x in sys.argv[2:]] or SCAN_SIZES)
    elif part == "plot":
        plot(json.loads((DOCS / "slicing_scaling.json").read_text()))
    else:
        sys.exit(__doc__)
