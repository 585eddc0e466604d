"""
Reduced DOS g(omega)/omega of disordered networks
=================================================

The paper's Fig. 2 right in miniature: cut-off networks of ``L = 24`` (4 seeds each),
``DOS.plot`` draws the mean with its standard error, the dashed line is the crystal's Debye
level ``1/(2 pi)``. Below a few times ``2 pi / L`` a finite network's spectrum is a few
degenerate shells, so the low-omega end is noisy at this size (``bosonpeak reproduce`` uses
``L = 60`` and 10 seeds).
"""

import matplotlib.pyplot as plt
import numpy as np

import bosonpeak

edges = np.arange(0, 3.51, 0.1)
fig, ax = plt.subplots(figsize=(6, 4))
for delta, colour in [(0.0, "black"), (0.1, "tab:orange"), (0.3, "tab:red")]:
    g = bosonpeak.ensemble_dos(24, delta, edges, seeds=4, rng=2026)
    g.plot(ax, reduced=True, label=rf"$\delta = {delta}$", color=colour)
ax.axhline(1 / (2 * np.pi), color="0.3", ls="--", lw=1, label=r"Debye, crystal: $1/(2\pi)$")
ax.set_ylim(0, 0.6)
ax.legend(frameon=False, fontsize=8)
print(g)
