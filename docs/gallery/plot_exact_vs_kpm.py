"""
Exact histogram against the kernel polynomial method
====================================================

One ``L = 40`` cut-off network: the exact histogram (``method="slicing"``, Sylvester
inertia) and the KPM estimate (``method="kpm"``) with its stochastic error band. KPM's
``resolution`` is the width of the kernel in omega; the exact histogram is sharper.
"""

import matplotlib.pyplot as plt
import numpy as np

import bosonpeak

net = bosonpeak.network(40, 0.2, rule="cutoff", rng=1)
edges = np.arange(0, 3.61, 0.05)
exact = bosonpeak.dos(net, edges, method="slicing")
kpm = bosonpeak.dos(net, edges, method="kpm", resolution=0.05, vectors=8, rng=2)
ax = exact.plot(label="exact (slicing)", color="black", lw=1)
kpm.plot(ax, label=f"KPM, resolution {kpm.resolution:.3f}", color="tab:blue")
print(exact)
print(kpm)
