"""
The disorder laboratory (stub)
==============================

.. note::

   **Stub.** This capability is being built on another branch; this page names its API and
   will be filled with a worked example when it lands on ``main``.

One kind of disorder at a time, on the square lattice, as ordinary ``SpringNetwork`` records
that every engine and analysis takes:

* spring disorder at fixed topology (``z = 4``): uniform, log-normal and power-law spring
  constants of mean 1;
* coordination disorder at fixed springs: dilution (remove a fraction ``p`` of the bonds),
  added diagonal bonds, or both at fixed mean ``z``;
* the paper's recipe (``bosonpeak.network(L, delta)``) for comparison.

API being built: ``bosonpeak.model.disorder`` (the families and ``spring_disorder``),
``bosonpeak.spectra.structure`` (the dynamic structure factor ``S(q, omega)``, dense and
KPM), ``bosonpeak.analysis.damping`` (sound damping fits), ``bosonpeak.workflows.disorder``
and the command ``bosonpeak disorder``.

What exists today: the paper's disorder, and spring disorder by hand with
``dataclasses.replace`` on any network, for example:
"""

# %%
from dataclasses import replace

import numpy as np

import bosonpeak

crystal = bosonpeak.network(20, 0.0)
rng = np.random.default_rng(1)
soft = replace(crystal, stiffness=rng.uniform(0.5, 1.5, size=len(crystal.bonds)), params={"w": 0.5})
print(soft)
print("sound speed^2:", round(bosonpeak.sound_speed(soft) ** 2, 3))
