"""Networks: the perturbed square lattice and the jammed glass.

Everything here builds a ``SpringNetwork`` (or a ``Packing``) from parameters and a random
stream; nothing here knows about matrices or spectra.
"""

from .glass import Packing, contact_network, jammed_packing
from .lattice import SpringNetwork, coordination_distribution, network
from .lattice3d import network3d

__all__ = ["Packing", "SpringNetwork", "contact_network", "coordination_distribution", "jammed_packing", "network",
           "network3d"]
