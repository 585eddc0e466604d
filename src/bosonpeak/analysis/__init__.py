"""What a spectrum says: elastic constants and Debye levels, the Boson peak against them,
heat capacity, participation ratios."""

from .elasticity import conductivity_tensor, debye_level, debye_levels, sound_speed
from .participation import participation_ratio
from .peak import BosonPeak, boson_peak, excess_dos, finite_size_scan
from .thermal import heat_capacity

__all__ = ["BosonPeak", "boson_peak", "conductivity_tensor", "debye_level", "debye_levels", "excess_dos",
           "finite_size_scan", "heat_capacity", "participation_ratio", "sound_speed"]
