"""
The two network families of the paper
======================================

Every node of a square lattice moves by exactly ``delta`` in a random direction. The
*nearest* rule keeps the lattice's four springs (``z = 4`` everywhere); the *cut-off* rule
joins every pair closer than ``r_c = a + delta``, so coordination varies from node to node.
"""

import matplotlib.pyplot as plt

import bosonpeak
from bosonpeak.plotting.paper import plot_network

fig, axes = plt.subplots(1, 2, figsize=(8, 4))
for ax, rule in zip(axes, ["nearest", "cutoff"]):
    net = bosonpeak.network(12, 0.3, rule=rule, rng=1)
    plot_network(net.positions, net.bonds, net.box, ax, title=f"rule={rule!r}: mean z = {net.coordination.mean():.2f}")
    print(net)
fig.tight_layout()
