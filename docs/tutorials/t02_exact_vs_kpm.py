"""
Exact DOS or the kernel polynomial method
=========================================

``bosonpeak.dos(net, edges, method=...)`` runs one of several engines behind one interface;
``bosonpeak.methods()`` lists them and ``help(bosonpeak.dos)`` lists each engine's options.

* ``"dense"``: every eigenvalue by ``numpy.linalg.eigvalsh`` (N up to about 30,000).
* ``"banded"``: every eigenvalue from the reverse Cuthill-McKee band form.
* ``"slicing"``: exact counts below every bin edge by Sylvester's law of inertia, one sparse
  ``L D L^T`` factorisation per edge (N = 10^6 in minutes; :doc:`/slicing`).
* ``"kpm"``: Chebyshev expansion in omega with random vectors: a smoothed DOS with a
  stochastic standard error per bin, N = 10^6 in seconds.

The exact engines agree count for count (same edge convention, :doc:`/physics`):
"""

# %%
import numpy as np

import bosonpeak

print(bosonpeak.methods())
net = bosonpeak.network(30, 0.2, rule="cutoff", rng=1)
edges = np.arange(0, 3.61, 0.05)
exact = {m: bosonpeak.dos(net, edges, method=m) for m in ("dense", "banded", "slicing")}
for m, g in exact.items():
    print(m, np.array_equal(g.density, exact["dense"].density), g)

# %%
# KPM: the ``resolution`` (standard deviation of a kernel-broadened delta, the same at every
# omega) sets the number of moments, ``vectors`` the stochastic error, which falls like
# ``1 / sqrt(vectors N)``. ``info["omega_limit"]`` says below which omega the curve is the
# kernel's or the finite size's rather than the network's.
kpm = bosonpeak.dos(net, edges, method="kpm", resolution=0.05, vectors=16, rng=2)
print(kpm)
print({k: kpm.info[k] for k in ("moments", "vectors", "omega_limit")})

# %%
# The exact histogram smoothed by the same kernel is what KPM estimates; the two agree within
# the reported errors (``tests/test_kpm.py`` checks this over many seeds). Here the exact
# histogram and the KPM curve with its error band:
ax = exact["slicing"].plot(label="exact (slicing)", color="black", lw=1)
kpm.plot(ax, label="KPM", color="tab:blue")

# %%
# At scale: the same call at ``L = 1000`` (N = 10^6) with ``dtype="float32"`` takes seconds
# (benchmarks: :doc:`/benchmarks`); here ``L = 200`` (N = 40,000) to keep the build short.
big = bosonpeak.network(200, 0.2, rule="cutoff", rng=1)
g = bosonpeak.dos(big, np.arange(0, 3.61, 0.02), method="kpm", resolution=0.02, vectors=4, dtype="float32", rng=3)
print(g, f"max relative error {np.max(g.error[10:] / g.density[10:]):.3f}")
