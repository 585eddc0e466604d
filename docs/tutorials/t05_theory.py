"""
Theory curves
=============

``bosonpeak.theory`` puts analytic curves on the same axes as the numerics. Its single-bond
coherent potential approximation (``bond_cpa``) replaces a lattice of random springs by a
medium of one complex, frequency-dependent spring ``k_m(omega)``, found self-consistently
with the square lattice's Green's function in closed form; its ``omega -> 0`` limit is
Kirkpatrick's effective-medium theory (``effective_medium``), which gives the sound speed
``c^2 = k_m(0)``. ``spring_distribution`` gives the spring law ``P(k)`` of each family of the
disorder laboratory (:doc:`t04_disorder`).

Static limits first: for dilution Kirkpatrick's ``k_m = 1 - 2p``; for a log-normal family the
2D duality ``k -> 1 / k`` gives ``k_m = exp(-s^2 / 2)`` exactly.
"""

# %%
import numpy as np

import bosonpeak
from bosonpeak.theory import bond_cpa, effective_medium, spring_distribution

print(effective_medium(spring_distribution("dilution", 0.2)), 1 - 2 * 0.2)
print(effective_medium(spring_distribution("springs-lognormal", 0.8)), np.exp(-0.8**2 / 2))

# %%
# The CPA curve of uniform spring disorder (``w = 0.5``) against the ensemble DOS of such
# networks (``L = 40``, 4 seeds), both as ``g / omega`` with their Debye levels:
from bosonpeak.model.disorder import disordered_network
from bosonpeak.plotting.theory import plot_theory_vs_numerics
from bosonpeak.spectra.ensemble import combine_samples

family, w, L = "springs-uniform", 0.5, 40
curve = bond_cpa(spring_distribution(family, w), np.linspace(0.0, 3.0, 301))
print(curve.theory, f"c^2 = {curve.c2:.4f}, omega_BP = {curve.omega_bp}")

edges = np.arange(0, 3.01, 0.1)
children = bosonpeak.seed_sequences(2026, 4)
nets = [disordered_network(L, family, w, rng=child) for child in children]
g = combine_samples([bosonpeak.dos(net, edges, method="slicing") for net in nets])
c2 = float(np.mean([bosonpeak.sound_speed(net) ** 2 for net in nets]))
ax = plot_theory_vs_numerics(g.centres, g.reduced, g.reduced_error, curve.omega, curve.reduced, c2=c2, c2_theory=curve.c2,
                             omega_bp_theory=curve.omega_bp, theory_label="bond CPA", data_label=rf"networks, $L = {L}$")
print(f"c^2: networks {c2:.4f}, CPA {curve.c2:.4f}")
