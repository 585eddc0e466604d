"""First use of the fused KPM kernels against their reuse by the next process.

    PYTHONPATH=src python benchmarks/bench_kernel_cache.py [--size 100] [--vectors 16] [--moments 200]

The kernels are generated at first use into the user's cache (``_fused_source.kernel_module``)
and compiled by numba, which caches the machine code beside them. Each line below is one fresh
Python process running the same ``bosonpeak.dos(net, method="kpm", kernel="fused")`` on an
``L x L`` network, against one cache folder (``$BOSONPEAK_CACHE``) that starts empty:

* first use: the folder is empty: the source is written, imported and the kernels compiled;
* reuse: a second process on the same folder: the source is read back, the kernels loaded;
* run alone: the same call again inside the reuse process (no generation, no compilation).

Printed: the seconds of each (importing numba, writing or reading and importing the source, the
first ``dos`` call: compilation or loading, and the run; ``import bosonpeak`` excluded), and the
ratio first use / reuse.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

CHILD = """
import json, sys, time
import numpy as np
import bosonpeak
from bosonpeak.spectra import _fused_source
L, vectors, moments = {size}, {vectors}, {moments}
net = bosonpeak.network(L, 0.2, rng=1)
edges = np.linspace(0, 3.6, 73)
t = time.perf_counter()
import numba
numba_import = time.perf_counter() - t
t = time.perf_counter()
module = _fused_source.kernel_module()
generate = time.perf_counter() - t
t = time.perf_counter()
g = bosonpeak.dos(net, edges, method="kpm", kernel="fused", moments=moments, vectors=vectors, rng=2)
first = time.perf_counter() - t
t = time.perf_counter()
h = bosonpeak.dos(net, edges, method="kpm", kernel="fused", moments=moments, vectors=vectors, rng=2)
again = time.perf_counter() - t
assert np.array_equal(g.density, h.density)
print(json.dumps(dict(numba_import=numba_import, generate=generate, first=first, again=again, file=module.__file__, density=g.density.tolist())))
"""


def run(code: str, cache: str) -> dict:
    env = dict(os.environ, BOSONPEAK_CACHE=cache)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--vectors", type=int, default=16)
    p.add_argument("--moments", type=int, default=200)
    a = p.parse_args()
    code = CHILD.format(size=a.size, vectors=a.vectors, moments=a.moments)
    with tempfile.TemporaryDirectory() as cache:
        first = run(code, cache)
        reuse = run(code, cache)
    assert first["density"] == reuse["density"], "the cached kernels gave other numbers"
    total = lambda r: r["numba_import"] + r["generate"] + r["first"]  # noqa: E731
    print(f"fused KPM kernels, L = {a.size}, {a.vectors} vectors, {a.moments} moments, python {sys.version.split()[0]}")
    print(f"  first use (import numba, write + import the source, compile, run): {total(first):7.2f} s "
          f"(numba {first['numba_import']:.2f} s, source {first['generate']:.2f} s)")
    print(f"  reuse by the next process (import numba, read + import, load, run): {total(reuse):7.2f} s "
          f"(numba {reuse['numba_import']:.2f} s, source {reuse['generate']:.2f} s)")
    print(f"  the same run again in that process (kernels loaded):               {reuse['again']:7.2f} s")
    print(f"  ratio first use / reuse: {total(first) / total(reuse):.1f}x; same densities: {first['density'] == reuse['density']}")

if __name__ == "__main__":
    main()
