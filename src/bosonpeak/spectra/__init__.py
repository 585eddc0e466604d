"""Spectra: the ``DOS`` container, one module per engine behind ``dos(method=...)``, the
lowest modes, and local DOS (Green's function and KPM) in one place.

Engines: ``dense`` (eigvalsh), ``banded`` (exact, banded LAPACK), ``slicing`` (exact,
Sylvester inertia), ``kpm`` (Chebyshev in omega, error bars). Importing this package
registers all of them.
"""

from . import banded, dense, kpm, slicing  # noqa: F401  (each registers its engine)
from .dense import eigenfrequencies
from .ensemble import ensemble_dos
from .local import kpm_local_dos, local_dos, local_dos_by_coordination
from .modes import Modes, lowest_modes
from .spectrum import DOS, default_edges, dos, methods, register_engine
from .vector import glass_dos, vector_dos, vector_zero_modes

__all__ = ["DOS", "Modes", "default_edges", "dos", "eigenfrequencies", "ensemble_dos", "glass_dos", "kpm_local_dos",
           "local_dos", "local_dos_by_coordination", "lowest_modes", "methods", "register_engine", "vector_dos",
           "vector_zero_modes"]
