"""
Vector displacements and 3D
===========================

The paper's model is scalar: one displacement per node, ``H`` a graph Laplacian. A real solid
has a vector displacement per particle and longitudinal and transverse sound. bosonpeak has
both, in 2D and 3D (:doc:`/vector` lists what is there and what was measured):

* ``bosonpeak.network(L, delta, dim=3)``: the perturbed simple-cubic lattice, same rules;
* ``bosonpeak.matrices.vector.vector_dynamical_matrix(net)``: the central-force matrix,
  ``dN x dN``; ``bosonpeak.spectra.vector.vector_dos(net, edges)`` its DOS per degree of
  freedom through any engine, with the zero modes counted exactly first;
* ``bosonpeak.workflows.vector.compute``: the scalar and the vector model of one network
  side by side, each against its own Debye law (``g / omega^(d-1)`` and ``C / T^d``).

The square lattice's vector matrix has ``2 L`` zero modes (rows and columns slide freely);
diagonal springs make it rigid, leaving the ``d`` translations:
"""

# %%
import numpy as np

import bosonpeak
from bosonpeak.spectra.vector import vector_dos, vector_zero_modes

print(vector_zero_modes(bosonpeak.network(6, 0.0, rule="nearest")), "= 2 L for L = 6")
net = bosonpeak.network(8, 0.2, cutoff=1.6, rng=1)
print(net, "->", vector_zero_modes(net), "zero modes")
g = vector_dos(net, np.linspace(0, 4, 41))
print(g)

# %%
# A 3D network and both models of it, each over its own Debye level (small: ``L = 8``,
# N = 512, so that the page builds in seconds; at this size the low-omega end is a few
# plane-wave shells).
from bosonpeak.plotting.vector import plot_reduced_nd
from bosonpeak.workflows import vector

ds = vector.compute(8, 0.2, dim=3, cutoff=1.6, bin_width=0.1)
print(vector.summary(ds))
ax = plot_reduced_nd(ds["omega"].values, {"scalar": ds["reduced_scalar"].values, "vector": ds["reduced_vector"].values}, 3)
