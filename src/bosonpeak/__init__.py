"""bosonpeak: vibrational spectra of disordered spring networks and the Boson peak.

The pipeline a reader follows: ``network`` (perturbed square lattice) ->
``dynamical_matrix`` (weighted graph Laplacian) -> ``dos`` (exact or approximate spectral
engines) -> analysis -> figures.

Examples
--------
>>> import numpy as np, bosonpeak
>>> net = bosonpeak.network(20, 0.2, rule="cutoff", rng=0)
>>> g = bosonpeak.dos(net, np.linspace(0, 4, 81))
>>> round(g.integral(), 12)
1.0
"""

from importlib.metadata import PackageNotFoundError, version

from .dynamical import dynamical_matrix
from .elasticity import conductivity_tensor, debye_level, sound_speed
from .ensemble import coordination_distribution, ensemble_dos, seed_sequences
from .glass import Packing, jammed_packing
from .greens import local_dos, new_poles, toy_model
from .kpm import kpm_local_dos
from .hessian import contact_network, glass_dos, glass_hessian
from .lattice import SpringNetwork, network
from .modes import Modes, lowest_modes, participation_ratio
from .peak import BosonPeak, boson_peak, excess_dos
from .spectrum import DOS, default_edges, dos, eigenfrequencies, methods
from . import slicing  # noqa: E402,F401  (registers method='slicing')
from . import banded as _banded  # noqa: E402,F401  registers the exact DOS engine "banded"
from .thermal import heat_capacity

try:
    __version__ = version("bosonpeak")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = [
    "BosonPeak",
    "DOS",
    "Packing",
    "Modes",
    "boson_peak",
    "conductivity_tensor",
    "debye_level",
    "excess_dos",
    "heat_capacity",
    "lowest_modes",
    "participation_ratio",
    "sound_speed",
    "SpringNetwork",
    "contact_network",
    "coordination_distribution",
    "default_edges",
    "dos",
    "dynamical_matrix",
    "eigenfrequencies",
    "ensemble_dos",
    "kpm_local_dos",
    "glass_dos",
    "glass_hessian",
    "jammed_packing",
    "local_dos",
    "methods",
    "network",
    "new_poles",
    "seed_sequences",
    "toy_model",
]
