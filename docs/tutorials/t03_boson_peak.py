"""
The Boson peak against the network's own Debye level
====================================================

The paper compares ``g(omega) / omega`` with the crystal's Debye level ``1 / (2 pi)``. But a
disordered network is softer than the crystal: its sound speed ``c`` is lower, so its own
Debye level ``1 / (2 pi n c^2)`` is higher. ``bosonpeak.sound_speed`` measures ``c`` from the
relaxed (non-affine) conductivity of the network; ``bosonpeak.boson_peak`` locates the
maximum of ``g / omega`` and measures its height over a Debye level, with bootstrap intervals
over seeds. What this gives at the paper's size is in :doc:`/findings`; ``bosonpeak analyze``
runs the whole analysis.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

import bosonpeak
from bosonpeak.analysis.elasticity import ensemble_sound_speed

L, delta, seeds = 24, 0.2, 4
g = bosonpeak.ensemble_dos(L, delta, np.arange(0, 3.51, 0.1), seeds=seeds, rng=2026)
c = ensemble_sound_speed(L, delta, seeds=seeds, rng=2026)  # the same networks as g.samples
print("c^2 per seed:", np.round(c**2, 3))

own = bosonpeak.boson_peak(g, c=c, rng=0)
crystal = bosonpeak.boson_peak(g, rng=0)  # c = 1: the paper's reference
print(own)
print(f"height over own Debye level {own.height:.2f}, over the crystal's {crystal.height:.2f}")

# %%
# On one plot: ``g / omega`` and both Debye levels.
ax = g.plot(reduced=True, label=rf"cut-off, $\delta = {delta}$, {seeds} seeds", color="tab:red")
ax.axhline(crystal.debye_level, color="0.3", ls="--", lw=1, label=r"Debye, crystal: $1/(2\pi)$")
ax.axhline(own.debye_level, color="tab:red", ls=":", lw=1.2, label=r"Debye, own: $1/(2\pi c^2)$")
ax.axvline(own.omega, color="tab:red", lw=0.8, alpha=0.5)
ax.set_xlim(0, 2)
ax.legend(frameon=False, fontsize=8)

# %%
# The heat capacity shows the same excess as a maximum of ``C / T^2`` over Debye's limit.
from bosonpeak.analysis.thermal import debye_limit

T = np.geomspace(0.02, 1.0, 40)
C = bosonpeak.heat_capacity(g, T, c=float(np.mean(c)))
fig, ax = plt.subplots()
ax.semilogx(T, C / T**2 / debye_limit(float(np.mean(c))), color="tab:red")
ax.axhline(1, color="0.3", ls="--", lw=1, label="own Debye limit")
ax.set_xlabel(r"$T$")
ax.set_ylabel(r"$(C/T^2)\,/\,$Debye limit")
ax.legend(frameon=False, fontsize=8)
