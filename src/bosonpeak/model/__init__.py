"""Networks: the perturbed square lattice and the jammed glass.

Everything here builds a ``SpringNetwork`` (or a ``Packing``) from parameters and a random
stream; nothing here knows about matrices or spectra.
"""

from .glass import Packing, contact_network, jammed_packing
from .lattice import SpringNetwork, coordination_distribution, network
from .lattice3d import network3d
from .minimize import Minimized, minimize, rattlers
from .particles import Particles, from_atoms, particles
from .potentials import PairPotential, PairTerms, energy_forces, pair_terms, potential

__all__ = ["Minimized", "Packing", "PairPotential", "PairTerms", "Particles", "SpringNetwork", "contact_network",
           "coordination_distribution", "energy_forces", "from_atoms", "jammed_packing", "minimize", "network", "network3d",
           "pair_terms", "particles", "potential", "rattlers"]
