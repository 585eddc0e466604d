"""
The disorder laboratory
=======================

The paper's networks mix two kinds of disorder: the springs' strengths vary (``t = t0 / r``)
and so does the coordination (the cut-off rule). ``bosonpeak.model.disorder`` builds one kind
at a time on the square lattice, as ordinary ``SpringNetwork`` records that every engine and
analysis takes:

* spring disorder at fixed topology (``z = 4``): ``springs-uniform`` (``w``),
  ``springs-lognormal`` (``s``), ``springs-power`` (``alpha``), all of mean 1;
* coordination disorder at fixed springs: ``dilution`` (remove a fraction ``p`` of the
  bonds), ``diagonals`` (add a fraction ``x``), ``rewired`` (both, mean ``z = 4`` exactly);
* ``paper``: the paper's recipe, for comparison.

At strength 0 every family is the crystal, bond for bond.
"""

# %%
import bosonpeak
from bosonpeak.model.disorder import FAMILIES, disordered_network

for name, family in FAMILIES.items():
    print(f"{name:18s} strength {family.strength_name}")
net = disordered_network(20, "dilution", 0.25, rng=1)
print(net)

# %%
# A scan: ``bosonpeak disorder --family springs-uniform,dilution --strengths 0,0.25,0.5
# --size 40 --seeds 4 --out DIR`` runs ``bosonpeak.workflows.disorder`` (per network: ``z``
# statistics, percolation, ``c^2``, the DOS and the dynamic structure factor ``S(q, omega)``;
# per (family, strength): the Boson-peak verdict over the network's own Debye level, the sound
# damping ``Gamma(q)`` and the Ioffe-Regel crossover). ``--json`` prints the records for a
# script. The same from Python, here at ``L = 24`` with 3 seeds so that the page builds in
# seconds (at this size the peak search window is short and the verdicts are not the physics):
from bosonpeak.workflows import disorder

settings = disorder.DisorderSettings(families=("springs-uniform", "dilution"), strengths=(0.0, 0.3, 0.5), L=24, seeds=3,
                                      bin_width=0.1)
ds = disorder.compute(settings)
print(disorder.summary(ds))

# %%
# One dimension per parameter: ``ds.c2`` is (family, strength, seed). Dilution softens the
# network far more than spring disorder of the same strength:
print(ds["c2"].mean("seed").to_pandas().round(3))

# %%
# The figures ``bosonpeak disorder`` writes; here the reduced DOS over each network's own
# Debye level, one panel per family.
import matplotlib.pyplot as plt

figs = disorder.figures(ds)
for name, fig in figs.items():
    if name != "disorder_reduced_dos":
        plt.close(fig)
