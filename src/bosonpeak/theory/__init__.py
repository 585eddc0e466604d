"""Analytic theory on the same axes as the numerics (effective-medium approximations).

``lattice_green``: the crystal's Green's functions in closed form; ``distributions``: P(k)
of the disorder families as weighted atoms; ``cpa``: the single-bond coherent-potential
approximation and Kirkpatrick's static limit; ``node``: the node (star) CPA for
coordination disorder; ``curve``: the ``TheoryCurve`` record and sound damping;
``families``: the curve of a ``bosonpeak disorder`` family by name. The derivations are in
``docs/theory.md``.
"""

from .cpa import CPAConvergenceError, bond_cpa, effective_medium, kirkpatrick_dilution
from .curve import TheoryCurve, medium_damping, sound_damping
from .distributions import BOND_FAMILIES, SpringDistribution, atoms, spring_distribution
from .families import FAMILIES, theory_arrays, theory_curve
from .lattice_green import (
           Lattice,
           chain_lattice,
           crystal_dos,
           square_lattice,
           square_lattice_green,
)
from .node import (
           Stars,
           lattice_stars,
           network_stars,
           node_cpa,
           paper_stars,
           star_effective_medium,
)

__all__ = ["BOND_FAMILIES", "CPAConvergenceError", "FAMILIES", "Lattice", "SpringDistribution", "Stars", "TheoryCurve",
           "atoms", "bond_cpa", "chain_lattice", "crystal_dos", "effective_medium", "kirkpatrick_dilution", "lattice_stars", "medium_damping", "network_stars", "node_cpa",
           "paper_stars", "sound_damping", "spring_distribution", "square_lattice", "square_lattice_green",
           "star_effective_medium", "theory_arrays", "theory_curve"]
