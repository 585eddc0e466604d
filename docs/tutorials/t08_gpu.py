"""
KPM on a GPU
============

The KPM engine runs its Chebyshev recursion with CuPy on an NVIDIA GPU when given
``device="cuda"``. Install the extra with ``python -m pip install ".[gpu]"`` (CuPy for CUDA
12); CuPy is imported only when a GPU run is asked for, so ``import bosonpeak`` never needs it.
The call is the CPU one with one more option::

    g = bosonpeak.dos(net, edges, method="kpm", resolution=0.01, vectors=16,
                      dtype="float32", device="cuda", rng=2)

On the command line: ``bosonpeak dos --method kpm --option device=cuda ...``.
The result is a ``DOS`` on the host like any other. Without CuPy or a GPU the call fails with
a message saying so; this page shows it on the build machine:
"""

# %%
import numpy as np

import bosonpeak

net = bosonpeak.network(20, 0.2, rng=1)
try:
    g = bosonpeak.dos(net, np.arange(0, 3.61, 0.05), method="kpm", resolution=0.05, device="cuda", rng=2)
    print("ran on the GPU:", g)
except Exception as exc:  # no CuPy or no GPU here
    print(type(exc).__name__, ":", exc)
