"""Hessian assembly and KPM of a 10^6-particle 3D Kob-Andersen configuration, against matscipy and the lattice networks.

    PYTHONPATH=src python benchmarks/bench_particles.py [--n 1000000] [--moments 64] [--vectors 4] [--dos] [--resolution 0.2]
        [--csr] [--no-matscipy] [--rounds 2]

Positions: a Kob-Andersen inherent structure of 1000 particles at number density 1.2 (FIRE from a
jittered lattice, types A:B = 80:20 at random) repeated periodically to 10^6 (``ka_glass``): the pair
distances and spectral range of a glass at any size. Memory a process frees goes back to the
hypervisor within seconds here (free page reporting), and first writing fresh memory costs up to
seconds per GB (system time, shown; about 5 s per GB in transparent huge pages, which numpy asks
for, against 1 s in 4 KiB pages, which the Hessian's arrays ask for): each timed step starts
after a pause of ``SETTLE`` seconds, so that each, matscipy's included, pays for the memory it
writes. Timings under load are noisy: run it alone (``uptime``).
Prints, from one run:

* the Hessian assembly (``bosonpeak.matrices.particle_hessian.hessian``) in 3 x 3 blocks
  (``format="bsr"``, 32-bit block indices) in float32, as ``bosonpeak solid --method kpm`` builds
  it past ``KPM_LARGE_DOF`` degrees of freedom, and in float64, each against matscipy's
  ``neighbour_list("ijD", atoms, cutoffs)`` alone on the same positions with the same
  per-type-pair cut-offs (target: ratio matscipy / ours >= 1), with the peak memory of each
  assembly (tracemalloc: numpy buffers; target <= 16 GB); with ``--csr`` also float64 CSR. Each
  is timed ``--rounds`` times, alternated with the others, and the fastest of each is compared;
* the cost per degree of freedom of building the matrix and of one KPM moment per vector
  (``--moments`` moments, ``--vectors`` vectors, the fused kernel on float32 CSR) for the
  particle Hessian (3N dof, built as float32 CSR for this) and for the paper's cut-off lattice
  network of about as many nodes (``bosonpeak.network`` + ``bosonpeak.dynamical_matrix``), same run;
* with ``--dos``: ``bosonpeak.dos(H, edges, method="kpm", resolution=..., dtype="float32")`` on the
  particle Hessian, its wall time and error bars (target: within 5 minutes on 2 cores, Hessian included).
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc

import numpy as np

KA_CUT = {(1, 1): 2.5, (1, 2): 2.0, (2, 2): 2.2}
#: Seconds to wait before each timed step: memory freed by the step before is handed back by then.
SETTLE = 8.0


def ka_lattice(n: int, rng: np.random.Generator, jitter: float = 0.05):
    """Jittered simple-cubic Kob-Andersen positions at number density 1.2, in lattice order."""
    from bosonpeak.model.particles import particles

    k = round(n ** (1 / 3))
    n = k**3
    L = (n / 1.2) ** (1 / 3)
    a = L / k
    x = (np.indices((k, k, k)).reshape(3, -1).T + 0.5) * a + jitter * a * rng.standard_normal((n, 3))
    types = np.where(rng.random(n) < 0.8, 1, 2)
    return particles(x, np.eye(3) * L, types=types, source=f"jittered KA lattice N = {n}")


def ka_glass(n: int, rng: np.random.Generator, cell_n: int = 1000):
    """A Kob-Andersen inherent structure of ``cell_n`` particles (FIRE from a jittered lattice,
    max |F| < 1e-8) repeated periodically to about ``n``: a glass's pair distances and spectral
    range (a stable minimum, omega_max ~ 40) at any size, in ~1 min."""
    from bosonpeak.model.minimize import minimize
    from bosonpeak.model.particles import particles
    from bosonpeak.model.potentials import potential

    small = minimize(ka_lattice(cell_n, rng, jitter=0.1), potential("kob-andersen"), ftol=1e-8).particles
    k = max(1, round((n / small.n) ** (1 / 3)))
    shifts = (np.indices((k, k, k)).reshape(3, -1).T @ small.cell)
    x = (small.positions[None, :, :] + shifts[:, None, :]).reshape(-1, 3)
    return particles(x, small.cell * k, types=np.tile(small.types, k**3),
                     source=f"KA inherent structure of {small.n} repeated {k}^3 = {small.n * k**3} particles")


class _NoBar:
    def update(self, _):
        pass


def timed(f):
    t = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t


def measured(f):
    """``f()`` after ``SETTLE`` seconds: its result, wall time, CPU time (user + system) and system time."""
    time.sleep(SETTLE)
    t0 = os.times()
    out = f()
    t1 = os.times()
    return out, t1.elapsed - t0.elapsed, (t1.user - t0.user) + (t1.system - t0.system), t1.system - t0.system


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--moments", type=int, default=64)
    ap.add_argument("--vectors", type=int, default=4)
    ap.add_argument("--dos", action="store_true", help="also the whole KPM DOS of the particle Hessian")
    ap.add_argument("--resolution", type=float, default=0.2)
    ap.add_argument("--no-matscipy", action="store_true")
    ap.add_argument("--csr", action="store_true", help="also time the float64 CSR assembly")
    ap.add_argument("--rounds", type=int, default=2, help="times each assembly is timed (alternated); the fastest counts")
    args = ap.parse_args()

    import bosonpeak
    from bosonpeak.matrices.particle_hessian import hessian
    from bosonpeak.model.potentials import potential
    from bosonpeak.spectra import _fused
    from bosonpeak.spectra._chebyshev import shifted
    from bosonpeak.spectra.spectrum import gershgorin_bound

    threads = len(os.sched_getaffinity(0))
    print(f"threads: {threads}")
    rng = np.random.default_rng(0)
    pot = potential("kob-andersen")
    hessian(ka_lattice(1000, rng), pot)  # compile / load the kernels outside the timings
    p, t_glass = timed(lambda: ka_glass(args.n, rng))
    print(f"{p.source}: made in {t_glass:.1f} s")
    steps = []
    if not args.no_matscipy:
        from ase import Atoms
        from matscipy.neighbours import neighbour_list

        atoms = Atoms(numbers=p.types, positions=p.positions, cell=p.cell, pbc=True)
        steps.append(("matscipy neighbour_list('ijD')", lambda: neighbour_list("ijD", atoms, KA_CUT)))
    builds = [("BSR float32", dict(format="bsr", dtype="float32")), ("BSR float64", dict(format="bsr"))]
    if args.csr:
        builds.append(("CSR float64", dict()))
    steps += [(f"our assembly, {name}", lambda kw=kw: hessian(p, pot, **kw)) for name, kw in builds]
    best = {}
    for r in range(args.rounds):  # alternated, so that each meets the machine in the same states
        for name, f in steps:
            tracemalloc.start()
            out, t, c, s = measured(f)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            if isinstance(out, tuple):
                what = f"{len(out[0])} ordered pairs, output {sum(a.nbytes for a in out) / 1e9:.2f} GB"
            else:
                what = (f"{out.nnz // np.prod(out.blocksize) - p.n if out.format == 'bsr' else out.nnz // 9 - p.n} pairs, "
                        f"{out.nnz / out.shape[0]:.1f} entries per row, index {out.indices.dtype}, matrix "
                        f"{(out.data.nbytes + out.indices.nbytes + out.indptr.nbytes) / 1e9:.2f} GB, peak memory "
                        f"(tracemalloc) {peak / 1e9:.2f} GB (target <= 16 GB)")
            print(f"round {r + 1}: {name}: {t:.2f} s wall, {c:.2f} s CPU ({s:.2f} s system; {threads} threads); {what}")
            best[name] = min(best.get(name, (np.inf,)), (t, c))
            del out
    if not args.no_matscipy:
        t_ms, c_ms = best[steps[0][0]]
        for name, _ in builds:
            t, c = best[f"our assembly, {name}"]
            print(f"ratio matscipy / our assembly {name} (fastest of {args.rounds}): {t_ms / t:.2f} wall (target >= 1), "
                  f"{c_ms / c:.2f} CPU")
    print("(BSR float32 is what `bosonpeak solid --method kpm` builds at this size)")
    H, t_hess = timed(lambda: hessian(p, pot, dtype="float32"))  # float32 CSR for the fused kernel below

    # lattice network of about as many degrees of freedom: build and KPM cost per dof
    L = int(round(np.sqrt(H.shape[0])))
    net, t_net = timed(lambda: bosonpeak.network(L, 0.2, rule="cutoff", rng=1))
    Hn, t_dm = timed(lambda: bosonpeak.dynamical_matrix(net))
    del net
    rows = []
    for name, M, t_build in (("particles 3D KA", H, t_hess), (f"network L = {L}", Hn, t_net + t_dm)):
        H2 = shifted(M, 1.01 * gershgorin_bound(M), np.dtype(np.float32))
        V = _fused.aligned_zeros((M.shape[0], args.vectors), np.float32)
        V[:] = 2.0 * rng.integers(0, 2, size=V.shape, dtype=np.int8) - 1
        op, t_prep = timed(lambda: _fused.prepare(H2, np.float32))
        _, t_kpm = timed(lambda: _fused.fused_moments(H2, V, args.moments, _NoBar(), threads, operator=op))
        per = t_kpm / (args.moments * args.vectors * M.shape[0])
        rows.append((name, M.shape[0], M.nnz, t_build / M.shape[0], per, per / M.nnz * M.shape[0], op.ell, t_prep))
        del H2, V, op
    print("cost per degree of freedom (same run, float32 vectors, fused kernel):")
    print(f"  {'system':18s} {'dof':>9s} {'nnz/row':>8s} {'build ns/dof':>13s} {'KPM ns/(dof moment vector)':>27s} "
          f"{'ns per entry':>12s} {'ELL':>4s}")
    for name, n, nnz, b, per, per_nnz, ell, _ in rows:
        print(f"  {name:18s} {n:9d} {nnz / n:8.1f} {b * 1e9:13.1f} {per * 1e9:27.2f} {per_nnz * 1e9:12.3f} {str(ell):>4s}")
    print(f"  ratio particle / network: build {rows[0][3] / rows[1][3]:.1f}x, KPM {rows[0][4] / rows[1][4]:.1f}x per dof, "
          f"{rows[0][5] / rows[1][5]:.2f}x per stored entry")
    del Hn
    if args.dos:
        edges = np.arange(0.0, 40.0 + 1e-9, 0.25)
        t0 = time.perf_counter()
        g = bosonpeak.dos(H, edges, method="kpm", resolution=args.resolution, vectors=args.vectors, dtype="float32", rng=2,
                          zero_modes=False, n_zero=3)  # the 3 translations of a glass without rattlers
        t_dos = time.perf_counter() - t0
        k = np.searchsorted(edges, 1.5)
        print(f"KPM DOS of the particle Hessian: {t_dos:.1f} s (+ assembly {t_hess:.1f} s = {t_dos + t_hess:.1f} s; target 300 s "
              f"on 2 cores); moments {g.info['moments']}, omega_max {g.info['omega_max']:.1f}, resolution {g.resolution:.3f}")
        print(f"  g(1.5) = {g.density[k]:.4g} +- {g.error[k]:.2g}; integral {g.integral():.6f}")


if __name__ == "__main__":
    main()
