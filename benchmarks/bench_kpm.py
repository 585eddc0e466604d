"""KPM DOS of an L = 1000 network (N = 10**6): time, memory, error, cost per moment, peer ratio.

    PYTHONPATH=src python benchmarks/bench_kpm.py [--size 1000] [--vectors 32] [--block 32]

Prints, from one run on one matrix:
* the time of ``bosonpeak.dos(H, method="kpm", resolution=0.01, dtype="float32")`` (target 60 s),
* its peak memory (tracemalloc, numpy buffers) against the CSR matrix's bytes (target 3x),
* the stochastic error (standard error / density) in the 0.01-wide bins near omega = 0.5 (target 1 %),
* the cost per (vector x moment) against one scipy CSR mat-vec ``H @ x`` (float64) timed here
  (target 0.5x),
* the ratio against a peer: kwant's KPM if it imports, otherwise a plain numpy/scipy
  lambda-KPM (one vector at a time, one moment per mat-vec, expansion in lambda = omega**2,
  as kwant and pybinding do), run with the moments it needs for the same omega-resolution
  at omega = 0.5, for ``--peer-vectors`` vectors and scaled linearly to the same number of
  vectors (its cost is exactly linear in them: it treats them one by one).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

import bosonpeak
from bosonpeak.spectra.spectrum import gershgorin_bound

OMEGA_BP = 0.5


def best_time(f, repeat=5):
    f()
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t)
    return best


def lambda_kpm_plain(H, lam_max, n_moments, n_vectors, rng):
    """Textbook KPM in lambda: moments <r|T_n(H~)|r>, one vector and one moment per mat-vec."""
    from scipy.sparse import identity

    Ht = (2.0 / lam_max) * H - identity(H.shape[0], format="csr")
    mu = np.zeros(n_moments)
    for _ in range(n_vectors):
        r = rng.choice([-1.0, 1.0], size=H.shape[0])
        prev, cur = r, Ht @ r
        mu[0] += r @ r
        mu[1] += r @ cur
        for n in range(2, n_moments):
            prev, cur = cur, 2.0 * (Ht @ cur) - prev
            mu[n] += r @ cur
    return mu / (n_vectors * H.shape[0])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--delta", type=float, default=0.2)
    p.add_argument("--resolution", type=float, default=0.01)
    p.add_argument("--vectors", type=int, default=32)
    p.add_argument("--block", type=int, default=None, help="vectors per block (default: all)")
    p.add_argument("--dtype", default="float32")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: all usable)")
    p.add_argument("--peer-vectors", type=int, default=1)
    p.add_argument("--no-peer", action="store_true", help="skip the peer")
    p.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    args = p.parse_args(argv)

    t = time.perf_counter()
    net = bosonpeak.network(args.size, args.delta, rule="cutoff", rng=2026)
    H = bosonpeak.dynamical_matrix(net)
    n = H.shape[0]
    matrix_bytes = H.data.nbytes + H.indices.nbytes + H.indptr.nbytes
    print(f"network L={args.size} delta={args.delta} cutoff: N={n}, nnz={H.nnz}, CSR float64 {matrix_bytes / 2**20:.1f} MiB, "
          f"built in {time.perf_counter() - t:.1f} s")

    x = np.random.default_rng(0).standard_normal(n)
    t_mv = best_time(lambda: H @ x)
    print(f"scipy CSR mat-vec H @ x (float64): {1e3 * t_mv:.2f} ms")

    edges = np.arange(0.0, np.sqrt(1.02 * gershgorin_bound(H)) + 0.01, 0.01)
    opts = dict(method="kpm", resolution=args.resolution, vectors=args.vectors, dtype=args.dtype, block=args.block, threads=args.threads, rng=1)
    t = time.perf_counter()
    g = bosonpeak.dos(H, edges, **opts)
    t_kpm = time.perf_counter() - t
    info = g.info
    n_mom, n_vec = info["moments"], info["vectors"]
    print(f"KPM: {n_mom} moments, {n_vec} vectors, block {info['block']}, {args.dtype}, {info['threads']} thread(s): resolution {g.resolution:.4f}, "
          f"omega_max {info['omega_max']:.3f}, omega_limit {info['omega_limit']:.4f}")
    print(f"KPM time {t_kpm:.1f} s (recursion {info['recursion_seconds']:.1f} s); target 60 s: ratio {t_kpm / 60:.2f}")

    near = np.abs(g.centres - OMEGA_BP) <= 0.05
    rel = g.info["stochastic_error"][near] / g.density[near]  # the kernel bias is in g.error too
    print(f"stochastic error / density in the {near.sum()} bins of width 0.01 in [0.45, 0.55]: "
          f"mean {100 * rel.mean():.2f} %, max {100 * rel.max():.2f} %; g(0.5) = {g.density[near].mean():.4f}, "
          f"g/omega = {g.reduced[near].mean():.4f}")

    per = info["recursion_seconds"] / (n_vec * n_mom)
    print(f"cost per (vector x moment) {1e3 * per:.3f} ms = {per / t_mv:.3f} x one scipy mat-vec (target <= 0.5)")

    if not args.no_memory:
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        bosonpeak.dos(H, edges, **opts)
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        print(f"KPM peak extra memory {peak / 2**20:.1f} MiB = {peak / matrix_bytes:.2f} x the CSR matrix (target <= 3)")

    if args.no_peer:
        return
    # Peer: moments in lambda needed for sigma_omega = resolution at omega = 0.5: sigma_lambda = 2 omega sigma_omega,
    # sigma_lambda ~ pi lambda_max / (2 M)  =>  M = pi lambda_max / (4 omega sigma_omega)
    lam_max = info["lambda_max"]
    m_peer = int(np.ceil(np.pi * lam_max / (4 * OMEGA_BP * g.resolution)))
    try:
        import kwant.kpm

        peer = "kwant.kpm.SpectralDensity (lambda)"
        t = time.perf_counter()
        kwant.kpm.SpectralDensity(H, num_vectors=args.peer_vectors, num_moments=m_peer, rng=0)
        t_peer = time.perf_counter() - t
    except Exception as exc:  # noqa: BLE001 - any failure to import or run the peer
        print(f"kwant unavailable ({type(exc).__name__}: {exc}); peer = plain numpy/scipy lambda-KPM")
        peer = "plain numpy/scipy lambda-KPM"
        t = time.perf_counter()
        lambda_kpm_plain(H, lam_max, m_peer, args.peer_vectors, np.random.default_rng(0))
        t_peer = time.perf_counter() - t
    t_peer_all = t_peer * n_vec / args.peer_vectors
    print(f"peer {peer}: {m_peer} moments for the same omega-resolution at omega = 0.5; {args.peer_vectors} vector(s) "
          f"in {t_peer:.1f} s -> {n_vec} vectors {t_peer_all:.0f} s")
    print(f"ratio peer / bosonpeak KPM, same matrix, resolution and vectors: {t_peer_all / t_kpm:.1f}x; "
          f"per (vector x moment): peer {t_peer / (args.peer_vectors * m_peer) / t_mv:.2f}x a mat-vec")


if __name__ == "__main__":
    main()
