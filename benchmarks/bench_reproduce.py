"""Benchmark of ``bosonpeak reproduce`` (issue 27: under 30 s on 2 cores with the glass cached).

Times the whole command of this checkout against the same command of an earlier commit
(default b99807a, before the analysis reused the paper's spectra and diagonalised each
network once), in the same run: the earlier code is checked out into a temporary
``git worktree``, each version first fills its own glass cache (not timed), then the two
commands run alternately, ``--repeat`` times each, in fresh processes (imports included).
Prints both best times, their ratio and the load average of the machine before and after,
since on a shared machine the load sets the times.

Run: ``python benchmarks/bench_reproduce.py [--baseline b99807a] [--size 60] [--seeds 10] [--repeat 1] [--cache DIR]``
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def command(src: Path, out: Path, cache: Path, size: int, seeds: int, extra=()) -> list[str]:
    return [sys.executable, "-m", "bosonpeak", "reproduce", "--size", str(size), "--seeds", str(seeds), "--out", str(out),
            "--cache", str(cache), "--no-progress", *extra]


def run(src: Path, argv: list[str]) -> float:
    env = dict(os.environ, PYTHONPATH=str(src))
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return elapsed


def main(baseline: str = "b99807a", size: int = 60, seeds: int = 10, repeat: int = 1, cache=None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="bench_reproduce_") as tmp:
        tmp = Path(tmp)
        caches = Path(cache) if cache is not None else tmp  # a kept folder spares the glass of the next run
        old = tmp / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), baseline], check=True, capture_output=True)
        try:
            versions = {f"{baseline} (before)": old / "src", "this checkout": ROOT / "src"}
            glass = min(1500, max(64, size**2))
            for k, (name, src) in enumerate(versions.items()):  # fill each version's glass cache (its key holds the code's version)
                print(f"filling the glass cache of {name} ({glass} disks) ...", file=sys.stderr, flush=True)
                run(src, command(src, tmp / f"warm{k}", caches / f"cache{k}", 8, 1, ("--deltas", "0", "--no-analysis", "--glass-particles", str(glass))))
            load_before = os.getloadavg()
            times = {name: [] for name in versions}
            for r in range(repeat):
                for k, (name, src) in enumerate(versions.items()):
                    times[name].append(run(src, command(src, tmp / f"out{k}_{r}", caches / f"cache{k}", size, seeds)))
                    print(f"{name}: {times[name][-1]:.1f} s", file=sys.stderr, flush=True)
            load_after = os.getloadavg()
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)
    before, after = (min(t) for t in times.values())
    print(f"bosonpeak reproduce --size {size} --seeds {seeds}, glass cached, best of {repeat}, {os.cpu_count()} cores:")
    print(f"  {baseline} (before): {before:.1f} s")
    print(f"  this checkout:      {after:.1f} s   ({before / after:.2f}x faster)")
    print(f"  load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
          f"after: {', '.join(f'{x:.2f}' for x in load_after)}")
    return before, after


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--baseline", default="b99807a", help="commit of the earlier code")
    p.add_argument("--size", type=int, default=60)
    p.add_argument("--seeds", type=int, default=10)
    p.add_argument("--repeat", type=int, default=1, help="runs of each version (alternating); the best is reported")
    p.add_argument("--cache", default=None, help="folder for the two glass caches, kept after the run (default: a temporary one)")
    a = p.parse_args()
    main(a.baseline, a.size, a.seeds, a.repeat, a.cache)
