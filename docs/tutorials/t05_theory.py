"""
Theory curves (stub)
====================

.. note::

   **Stub.** This capability is being built on another branch; this page names its API and
   will be filled with a worked example when it lands on ``main``.

Analytic curves on the same axes as the numerics (``bosonpeak.theory``): the square lattice's
Green's function in closed form (``square_lattice_green``, ``crystal_dos``), the spring
distributions of the disorder families (``spring_distribution``), the single-bond coherent
potential approximation (``bond_cpa``; its static limit is Kirkpatrick's effective-medium
theory, ``effective_medium`` and ``kirkpatrick_dilution``) and the sound damping it predicts
(``sound_damping``), returned as ``TheoryCurve`` records.

What a theory curve is checked against today: the crystal's exact DOS. The lowest non-zero
frequency of the ``L x L`` crystal is ``2 sin(pi / L)``, four-fold, and the band ends at
``2 sqrt(2)``:
"""

# %%
import numpy as np

import bosonpeak

L = 16
omega = bosonpeak.eigenfrequencies(bosonpeak.network(L, 0.0))
print(np.round(omega[1:5], 12), round(2 * np.sin(np.pi / L), 12))
print(round(omega[-1], 12), round(2 * np.sqrt(2), 12))
