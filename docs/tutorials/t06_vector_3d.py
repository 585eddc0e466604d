"""
Vector displacements and 3D
===========================

The paper's model is scalar: one displacement per node. A real solid has a vector
displacement per particle and longitudinal and transverse sound. bosonpeak has the vector
Hessian of a simulated 2D glass today; vector spring networks and 3D networks are being
built (**stub** part below).

A jammed packing of bidisperse harmonic disks, its vector Hessian (with the prestress term)
and the scalar network of the same contacts:
"""

# %%
import numpy as np

import bosonpeak

packing = bosonpeak.jammed_packing(300, phi=0.86, rng=2026)
print(packing)
H = bosonpeak.glass_hessian(packing)  # 2M x 2M, M particles of the backbone
scalar = bosonpeak.contact_network(packing)
print(H.shape, scalar)

# %%
# ``glass_dos`` runs any engine on the vector Hessian and removes its 2 translations; the DOS
# is per ``2M`` modes. The scalar network of the same contacts goes through ``bosonpeak.dos``.
edges = np.arange(0, 3.01, 0.1)
vector = bosonpeak.glass_dos(H, edges, method="banded")
contacts = bosonpeak.dos(scalar, edges, zero_modes=False)
ax = vector.plot(reduced=True, label="vector Hessian", color="tab:blue")
contacts.plot(ax, reduced=True, label="scalar contact network", color="tab:orange")
ax.set_xlim(0, 3)

# %%
# .. note::
#
#    **Stub.** Being built on another branch: vector spring networks on the lattice and
#    simple-cubic 3D networks (``bosonpeak.network(..., dim=3)``, ``bosonpeak.matrices.vector``,
#    an exact zero-mode count for every engine through ``dos(..., n_zero=...)``). This page
#    will show them when they land.
