"""Analytic theory on the same axes as the numerics (effective-medium approximations).

``lattice_green``: the crystal's Green's functions in closed form; ``distributions``: P(k)
of the disorder families as weighted atoms; ``cpa``: the single-bond coherent-potential
approximation and Kirkpatrick's static limit; ``curve``: the ``TheoryCurve`` record and
sound damping. The derivations are in ``docs/theory.md``.
"""

from .cpa import CPAConvergenceError, bond_cpa, effective_medium, kirkpatrick_dilution
from .curve import TheoryCurve, sound_damping
from .distributions import BOND_FAMILIES, SpringDistribution, atoms, spring_distribution
from .lattice_green import Lattice, crystal_dos, square_lattice, square_lattice_green

__all__ = ["BOND_FAMILIES", "CPAConvergenceError", "Lattice", "SpringDistribution", "TheoryCurve", "atoms", "bond_cpa",
           "crystal_dos", "effective_medium", "kirkpatrick_dilution", "sound_damping", "spring_distribution",
           "square_lattice", "square_lattice_green"]
