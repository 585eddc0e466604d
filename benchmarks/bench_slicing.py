"""Spectrum slicing against dense diagonalisation: speed, identical counts, scaling to N = 10^6.

    PYTHONPATH=src python benchmarks/bench_slicing.py l60                 # L = 60, four families, ratio
    PYTHONPATH=src python benchmarks/bench_slicing.py scan [L ...]        # time and peak memory vs N
    PYTHONPATH=src python benchmarks/bench_slicing.py one METHOD L [RULE] # one measurement (used by scan)
    PYTHONPATH=src python benchmarks/bench_slicing.py estimate L [RULE]   # memory estimate, one shift
    PYTHONPATH=src python benchmarks/bench_slicing.py orders L [L ...]     # fill and time of one shift per solver
    PYTHONPATH=src python benchmarks/bench_slicing.py kpm L [RULE]        # scan's exact counts against KPM

``l60``: one L = 60 network (delta = 0.2) of each family (nearest/cutoff x inverse/constant),
bins of 0.05 up past the top of the spectrum; slicing (``solver="auto"`` and ``"frontal"``)
against ``numpy.linalg.eigvalsh`` on the same matrix, all timed in this run (best of 3), counts
asserted identical, ratios printed.

``orders``: for both rules, the fill and flops of qdldl's AMD order and of the geometric nested
dissection (simplicial, through SuperLU with that order), the flops of the dense fronts, and
the time of one shift (omega = 1) with qdldl and with the multifrontal solver, alternated.

``kpm``: the exact counts that ``scan`` stored for ``L`` against KPM on the same network (the
30 target bins, resolution 0.025, 16 random vectors): per bin the deviation in units of KPM's
standard error.

``estimate``: the memory estimate from the symbolic factorisation for ``workers = 2`` and the
time of one shift (``omega = 1.5``), without running the whole workload.

``scan``: the L = 1000 target workload at every size (cut-off rule, delta = 0.2, 30 bins over
omega <= 1.5; ``BENCH_RULE=nearest`` for the other rule, ``BENCH_METHODS=auto,qdldl`` for the
solvers), one fresh subprocess per (method, L) so that ``ru_maxrss`` is that run's peak
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


FAMILIES = [(rule, spring) for rule in ("nearest", "cutoff") for spring in ("inverse", "constant")]


def target_matrix(L: int, rule: str = "cutoff", spring: str = "inverse"):
    return bosonpeak.dynamical_matrix(bosonpeak.network(L, 0.2, rule=rule, spring=spring, rng=2026))


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
    print("| family | shifts | numpy eigvalsh (s) | slicing auto (s) | ratio | slicing frontal (s) | ratio | counts |")
    print("|---|---|---|---|---|---|---|---|")
    for rule, spring in FAMILIES:
        H = target_matrix(60, rule, spring)
        edges = default_edges(H, 0.05)
        sigma = edge_shifts(H, edges)
        t_dense, ref = best_of(lambda H=H, edges=edges: dense_counts(H, edges))
        t_auto, (got, _) = best_of(lambda H=H, sigma=sigma: eigenvalue_counts(H, sigma, workers=1))
        t_front, (got_f, _) = best_of(lambda H=H, sigma=sigma: eigenvalue_counts(H, sigma, solver="frontal", workers=1))
        assert np.array_equal(got, ref) and np.array_equal(got_f, ref), f"slicing counts differ from dense ({rule}/{spring})"
        print(f"| {rule}/{spring} | {int(np.sum(sigma >= 0))} | {t_dense:.3f} | {t_auto:.3f} | {t_dense / t_auto:.1f}x "
              f"| {t_front:.3f} | {t_dense / t_front:.1f}x | identical |", flush=True)


def estimate(L: int, rule: str) -> None:
    from bosonpeak.spectra.slicing import memory_estimate

    t0 = time.perf_counter()
    H = target_matrix(L, rule)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    est = memory_estimate(H, workers=2)
    t_sym = time.perf_counter() - t0
    print(f"L = {L} ({rule}), N = {H.shape[0]:,}: network {t_build:.1f} s; symbolic analysis {t_sym:.1f} s, {est['fronts']} fronts, "
          f"{est['ordering']}", flush=True)
    if est["bytes"] is not None:
        print(f"memory estimate: {est['per_process'] / 2**30:.2f} GiB per process, {est['bytes'] / 2**30:.2f} GiB with 2 workers", flush=True)
    t0 = time.perf_counter()
    counts, info = eigenvalue_counts(H, edge_shifts(H, np.array([1.5])), workers=1)
    t_one = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"one shift (omega = 1.5, symbolic included): {t_one:.1f} s, count {counts[0]}, growth {info['growth'][0]:.3g}; "
          f"peak resident {own:.2f} GiB; 30 shifts on 2 workers ~ {t_sym + 15 * (t_one - t_sym):.0f} s")


def orders(sizes) -> None:
    import qdldl
    import scipy.sparse as sp
    from scipy.sparse.linalg import splu
    from threadpoolctl import threadpool_limits

    from bosonpeak.spectra import _ordering, slicing

    def flops(Lfac):
        cc = np.diff(sp.csc_matrix(Lfac).indptr).astype(float)
        return Lfac.nnz, float(np.sum(cc**2))

    print("| L | rule | AMD nnz(L) | AMD flops | ND nnz(L) | ND flops | dense-front flops | qdldl shift (s) | frontal shift (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for L in sizes:
        for rule in ("nearest", "cutoff"):
            H = target_matrix(L, rule)
            n = H.shape[0]
            A = (H + 20.0 * sp.eye(n)).tocsr()  # positive definite: same pattern, no pivoting anywhere
            amd = flops(qdldl.Solver(sp.triu(A, format="csc")).factors()[0])
            geom = _ordering.lattice_geometry(H)
            perm = np.concatenate(_ordering.dissection(geom)[0])
            lu = splu(A[perm][:, perm].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
            nd = flops(lu.L)
            slicer = slicing._Slicer(H, "frontal")
            fr = slicer.analysis(0)
            dense = sum(b.P * (b.nV * (b.nV + b.nB) ** 2 - b.nV**2 * (b.nV + b.nB) + b.nV**3 / 3) for b in fr.batches)
            scalar = slicing._Slicer(H, "qdldl")
            sigma = edge_shifts(H, np.array([1.0]))[0]
            with threadpool_limits(1):
                slicer.attempt(sigma, 0), scalar.attempt(sigma, 0)  # compile, first factorisation
                t_q = t_f = np.inf
                for _ in range(3 if n < 10**5 else 1):
                    t0 = time.perf_counter()
                    a = scalar.attempt(sigma, 0)[0]
                    t_q = min(t_q, time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    b = slicer.attempt(sigma, 0)[0]
                    t_f = min(t_f, time.perf_counter() - t0)
            assert a == b, "qdldl and frontal disagree"
            print(f"| {L} | {rule} | {amd[0]:.3g} | {amd[1]:.3g} | {nd[0]:.3g} | {nd[1]:.3g} | {dense:.3g} | {t_q:.4f} | {t_f:.4f} |", flush=True)


def kpm(L: int, rule: str) -> None:
    rows = [r for r in json.loads((DOCS / "slicing_scaling.json").read_text()) if r["L"] == L and r.get("rule", "cutoff") == rule]
    if not rows:
        sys.exit(f"no exact counts for L = {L} ({rule}) in docs/slicing_scaling.json: run scan {L} first")
    exact = np.diff(np.asarray(rows[0]["counts"]))
    H = target_matrix(L, rule)
    t0 = time.perf_counter()
    g = bosonpeak.dos(H, TARGET_EDGES, method="kpm", resolution=0.025, vectors=16, rng=7)
    t_kpm = time.perf_counter() - t0
    width, n = np.diff(TARGET_EDGES), H.shape[0]
    est, err = g.density * width * n, g.error * width * n
    z = (est - exact)[1:] / err[1:]  # the first bin holds the zero mode, a kernel-broadened delta in KPM
    print(f"L = {L} ({rule}), N = {n:,}: KPM {t_kpm:.1f} s ({g.info['moments']} moments, 16 vectors); "
          f"bins 2-30: |z| median {np.median(np.abs(z)):.2f}, max {np.max(np.abs(z)):.2f}, within 2 sigma {np.mean(np.abs(z) < 2):.0%}, "
          f"within 3 sigma {np.mean(np.abs(z) < 3):.0%}")
    for k in range(0, 30, 5):
        print(f"  bin [{TARGET_EDGES[k]:.2f}, {TARGET_EDGES[k + 1]:.2f}): exact {exact[k]}, KPM {est[k]:.1f} +- {err[k]:.1f}")


def one(method: str, L: int, rule: str = "cutoff") -> dict:
    t0 = time.perf_counter()
    H = target_matrix(L, rule)
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
    return {"method": method, "rule": rule, "L": L, "N": L * L, "seconds": seconds, "build_seconds": t_build, "cpu_seconds": cpu, "workers": workers,
            "peak_GiB": peak, "self_GiB": own, "child_GiB": child, "counts": np.asarray(counts).tolist()}


def scan(sizes) -> None:
    """Measure ``sizes``; rows of other sizes, rules or methods already in ``docs/slicing_scaling.json`` are kept."""
    import os

    rule = os.environ.get("BENCH_RULE", "cutoff")
    methods = tuple(os.environ.get("BENCH_METHODS", "auto").split(","))
    path = DOCS / "slicing_scaling.json"
    rows = json.loads(path.read_text()) if path.exists() else []
    for L in sizes:
        for method in (("dense",) if L <= DENSE_MAX_L else ()) + methods:
            cmd = [sys.executable, __file__, "one", method, str(L), rule]
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, check=False)
            if res.returncode:
                print(f"L = {L} {method}: failed\n{res.stderr[-2000:]}")
                continue
            r = json.loads(res.stdout.strip().splitlines()[-1])
            rows = [x for x in rows if (x["L"], x["method"], x.get("rule", "cutoff")) != (L, method, rule)] + [r]
            print(f"L = {L:5d} N = {r['N']:8d} {rule} {method:7s} {r['seconds']:9.2f} s (cpu {r['cpu_seconds']:.1f} s, "
                  f"network {r['build_seconds']:.1f} s)  peak {r['peak_GiB']:6.2f} GiB", flush=True)
    rows.sort(key=lambda r: (r.get("rule", "cutoff"), r["N"], r["method"]))
    for r in rows:
        same = [x for x in rows if (x["L"], x.get("rule", "cutoff")) == (r["L"], r.get("rule", "cutoff"))]
        assert all(x["counts"] == r["counts"] for x in same), f"counts differ at L = {r['L']}"
    DOCS.mkdir(exist_ok=True)
    path.write_text(json.dumps(rows, indent=1))
    print("\n| rule | L | N | method | workers | time (s) | CPU time, all processes (s) | peak memory (GiB) |\n|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.get('rule', 'cutoff')} | {r['L']} | {r['N']:,} | {'numpy eigvalsh' if r['method'] == 'dense' else 'slicing (' + r['method'] + ')'} "
              f"| {r['workers']} | {r['seconds']:.2f} | {r.get('cpu_seconds', float('nan')):.1f} | {r['peak_GiB']:.2f} |")
    plot(rows)


def plot(rows) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(9, 3.8))
    styles = {"dense": "s--", "qdldl": "o-", "auto": "^-", "frontal": "v-"}
    for (method, rule), style in ((k, styles.get(k[0], "x-")) for k in sorted({(r["method"], r.get("rule", "cutoff")) for r in rows})):
        sel = sorted((r for r in rows if r["method"] == method and r.get("rule", "cutoff") == rule), key=lambda r: r["N"])
        label = ("numpy.linalg.eigvalsh" if method == "dense" else f"slicing ({method})") + f", {rule}"
        N = [r["N"] for r in sel]
        ax_t.loglog(N, [r["seconds"] for r in sel], style, label=label)
        ax_m.loglog(N, [r["peak_GiB"] for r in sel], style, label=label)
    ax_t.axhline(120, color="grey", lw=0.8, ls=":", label="target: 2 min at N = 10$^6$")
    ax_m.axhline(20, color="grey", lw=0.8, ls=":", label="target: 20 GB")
    ax_t.set(xlabel="N = L$^2$", ylabel=r"time for 30 bins, $\omega \leq 1.5$ (s)")
    ax_m.set(xlabel="N = L$^2$", ylabel="peak resident memory (GiB)")
    ax_t.legend(fontsize=8)
    ax_m.legend(fontsize=8)
    fig.suptitle(r"Exact DOS by spectrum slicing vs dense diagonalisation ($\delta = 0.2$)", fontsize=10)
    fig.tight_layout()
    fig.savefig(DOCS / "slicing_scaling.png", dpi=120)


if __name__ == "__main__":
    part = sys.argv[1] if len(sys.argv) > 1 else "l60"
    if part == "l60":
        l60()
    elif part == "one":
        print(json.dumps(one(sys.argv[2], int(sys.argv[3]), *sys.argv[4:5])))
    elif part == "orders":
        orders([int(x) for x in sys.argv[2:]] or [60, 300])
    elif part == "kpm":
        kpm(int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "cutoff")
    elif part == "estimate":
        estimate(int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "cutoff")
    elif part == "scan":
        scan([int(x) for x in sys.argv[2:]] or SCAN_SIZES)
    elif part == "plot":
        plot(json.loads((DOCS / "slicing_scaling.json").read_text()))
    else:
        sys.exit(__doc__)
