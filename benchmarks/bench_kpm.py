"""KPM DOS of an L = 1000 network (N = 10**6): time, memory, error, cost per moment, kernels, peer ratio.

    PYTHONPATH=src python benchmarks/bench_kpm.py [--size 1000] [--vectors 16] [--no-peer]

Prints, from one run on one matrix:
* the fused recursion (numba) against the reference (scipy, the engine of e47d006) on the same
  ``2 H~`` and the same R vectors, same moments: each one's time and their ratio (target >= 3),
  the cost per (vector x moment) against one scipy CSR mat-vec (target <= 0.03), the effective
  bandwidth against a plain 2-thread numpy copy timed here (target >= 60 %), site-moments per
  second. Traffic model of one step (two moments): the matrix once (values in the working
  dtype, 32- or 64-bit indices, row pointers) + 3 vector blocks (read ``v_n``, read and
  write ``v_n-1``); the copy moves 2 x its bytes (read + write).
* the cut-off network's construction at ``--build-size`` (default L = 3162, N = 10**7): the
  stencil search of ``bosonpeak.network`` against the cKDTree search it replaced, on the same
  positions; and the whole build against the same build with the cKDTree search; whether the
  bonds and the networks are identical (target >= 4x, identical).
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
import os
import time
from concurrent.futures import ThreadPoolExecutor
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


def copy_bandwidth(nbytes, threads):
    """GB/s of a plain numpy copy of ``nbytes`` shared among ``threads`` threads (2 x bytes moved)."""
    a = np.ones(nbytes // 4, np.float32)
    b = np.empty_like(a)
    cuts = np.linspace(0, a.size, threads + 1).astype(int)
    with ThreadPoolExecutor(threads) as pool:
        t = best_time(lambda: list(pool.map(lambda k: np.copyto(b[cuts[k]:cuts[k + 1]], a[cuts[k]:cuts[k + 1]]), range(threads))))
    return 2 * a.nbytes / t / 1e9


def compare_builds(L, delta):
    """The stencil neighbour search against the cKDTree search, same positions, same radius; and the
    whole ``bosonpeak.network`` against the same build with cKDTree in place of the stencil."""
    from scipy.spatial import cKDTree

    from bosonpeak.model import lattice

    def tree_bonds(positions, L, a, delta, r, box, lengths=False):  # the search before the stencil
        ref = cKDTree(positions, boxsize=box).query_pairs(r, output_type="ndarray").astype(np.int64)
        ref = ref[np.lexsort((ref[:, 1], ref[:, 0]))]
        return (ref, None) if lengths else ref

    t = time.perf_counter()
    net = bosonpeak.network(L, delta, rule="cutoff", rng=2026)
    t_net = time.perf_counter() - t
    r = net.params["cutoff"] * (1.0 + lattice.CUTOFF_TOLERANCE)
    t = time.perf_counter()
    bonds = lattice._cutoff_bonds(net.positions, L, 1.0, delta, r, net.box)
    t_stencil = time.perf_counter() - t
    t = time.perf_counter()
    ref = tree_bonds(net.positions, L, 1.0, delta, r, net.box)
    t_tree = time.perf_counter() - t
    same = np.array_equal(bonds, ref)
    del bonds, ref
    stencil, lattice._cutoff_bonds = lattice._cutoff_bonds, tree_bonds
    try:
        t = time.perf_counter()
        old = bosonpeak.network(L, delta, rule="cutoff", rng=2026)
        t_old = time.perf_counter() - t
    finally:
        lattice._cutoff_bonds = stencil
    same_net = np.array_equal(old.bonds, net.bonds) and np.array_equal(old.stiffness, net.stiffness)
    print(f"network L={L} (N={L * L}) delta={delta} cutoff: neighbour search: stencil {t_stencil:.2f} s, cKDTree {t_tree:.2f} s: "
          f"{t_tree / t_stencil:.1f}x, identical bonds: {same}; whole bosonpeak.network {t_net:.2f} s, the same build with cKDTree "
          f"{t_old:.2f} s: {t_old / t_net:.1f}x (target >= 4), identical network: {same_net}; {len(net.bonds)} bonds")
    del net, old


class NoBar:
    def update(self, k):
        pass


def compare_kernels(H, args, t_mv, threads):
    """The fused recursion against the reference on one 2 H~ and one block of R vectors."""
    from bosonpeak.spectra import _chebyshev, _fused, kpm

    dtype = np.dtype(args.dtype)
    lam_max = (1.0 + kpm.SAFETY) * gershgorin_bound(H)
    n_mom = kpm._n_moments(args.resolution, None, np.sqrt(lam_max), None)
    H2 = _chebyshev.shifted(H, lam_max, dtype)
    n, r = H.shape[0], args.vectors
    V = np.random.default_rng(1).choice(np.array([-1.0, 1.0], dtype=dtype), size=(n, r))
    step_bytes = H2.data.nbytes + H2.indices.nbytes + H2.indptr.nbytes + 3 * V.nbytes
    gbs_copy = copy_bandwidth(V.nbytes, threads)
    print(f"plain numpy copy of one vector block ({V.nbytes / 2**20:.0f} MiB), {threads} thread(s): {gbs_copy:.1f} GB/s")
    t = time.perf_counter()
    small = _chebyshev.shifted(bosonpeak.dynamical_matrix(bosonpeak.network(40, 0.2, rng=0)), 8.0, dtype)
    for stages, layout in ((1, "csr"), (2, "auto"), (_fused.STAGES, "auto")):  # JIT of each: compile or load the cache
        _fused.fused_moments(small, V[:small.shape[0]].copy(), 8, NoBar(), threads, stages=stages, layout=layout)
    print(f"fused kernel: numba import + JIT (or cache load) {time.perf_counter() - t:.2f} s (once per process)")
    times, mus = {}, {}
    for name, f in (("reference (scipy, e47d006)", lambda W: _chebyshev.chebyshev_moments(H2, W, n_mom, "cpu", NoBar(), threads)),
                    ("fused, CSR, one step per pass", lambda W: _fused.fused_moments(H2, W, n_mom, NoBar(), threads, stages=1, layout="csr")),
                    ("fused, ELL, two steps per pass", lambda W: _fused.fused_moments(H2, W, n_mom, NoBar(), threads, stages=2)),
                    ("fused (numba)", lambda W: _fused.fused_moments(H2, W, n_mom, NoBar(), threads))):
        W = _fused.aligned_zeros(V.shape, dtype)  # as the engine allocates its block: rows on cache lines
        W[:] = V
        t = time.perf_counter()
        mus[name] = f(W)
        times[name] = time.perf_counter() - t
        del W
        per = times[name] / (r * n_mom)
        gbs = (n_mom // 2) * step_bytes / times[name] / 1e9
        print(f"{name}: {n_mom} moments x {r} vectors, {dtype.name}, {threads} thread(s): {times[name]:.2f} s; "
              f"per (vector x moment) {per / t_mv:.4f} x a CSR mat-vec; effective {gbs:.1f} GB/s = {100 * gbs / gbs_copy:.0f} % of the copy; "
              f"{n * r * n_mom / times[name] / 1e9:.2f} G site-moments/s")
    old, one, two, new = times.values()
    print(f"ELL tables and {_fused.STAGES} steps per pass over CSR and one step: {one / new:.2f}x, over ELL and two steps: {two / new:.2f}x "
          "(the effective GB/s above counts one CSR pass per step)")
    diff = np.max(np.abs(mus["fused (numba)"] - mus["reference (scipy, e47d006)"])) / n
    print(f"fused / reference speed-up {old / new:.2f}x (target >= 3); cost per (vector x moment) "
          f"{new / (r * n_mom) / t_mv:.4f} x a mat-vec (target <= 0.03); bandwidth "
          f"{100 * (n_mom // 2) * step_bytes / new / 1e9 / gbs_copy:.0f} % of the copy (target >= 60 %); "
          f"max |moment difference| / N = {diff:.1e}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000)
    p.add_argument("--delta", type=float, default=0.2)
    p.add_argument("--resolution", type=float, default=0.01)
    p.add_argument("--vectors", type=int, default=16)
    p.add_argument("--block", type=int, default=None, help="vectors per block (default: all)")
    p.add_argument("--dtype", default="float32")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (default: all usable)")
    p.add_argument("--peer-vectors", type=int, default=1)
    p.add_argument("--no-peer", action="store_true", help="skip the peer")
    p.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    p.add_argument("--no-kernels", action="store_true", help="skip the fused-vs-reference comparison")
    p.add_argument("--build-size", type=int, default=3162, help="L of the neighbour-search comparison (0: skip)")
    args = p.parse_args(argv)
    threads = args.threads or len(os.sched_getaffinity(0))

    if args.build_size:
        compare_builds(args.build_size, args.delta)

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

    if not args.no_kernels:
        compare_kernels(H, args, t_mv, threads)

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
        from bosonpeak.spectra import kpm

        need = kpm.memory_estimate(H, n_mom, n_vec, info["block"], np.dtype(args.dtype), len(edges) - 1)
        blocks = need["vectors"] / 3
        print(f"KPM peak extra memory {peak / 2**20:.1f} MiB = {peak / matrix_bytes:.2f} x the CSR matrix; "
              f"matrix + 3 vector blocks = {(matrix_bytes + 3 * blocks) / 2**20:.1f} MiB (target: peak <= that + O(moments)); "
              f"estimate made before the run {need['total'] / 2**20:.1f} MiB")

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
