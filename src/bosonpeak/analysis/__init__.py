"""What a spectrum says: elastic constants and Debye levels, the Boson peak against them,
heat capacity, participation ratios; for central-force (vector) networks in 2D and 3D the
relaxed moduli and sound speeds (``vector_elasticity``), Debye's law in d dimensions
(``debye``) and rigidity (``rigidity``)."""

from .elasticity import conductivity_tensor, debye_level, debye_levels, sound_speed
from .participation import participation_ratio
from .peak import BosonPeak, boson_peak, excess_dos, finite_size_scan
from .debye import debye_level_nd, heat_capacity_nd, reduced_dos, vector_participation
from .rigidity import boson_peak_scan, rigidity, rigidity_scan
from .thermal import heat_capacity
from .vector_elasticity import Elasticity, elastic_tensor, low_q_speeds, plane_wave_speeds

__all__ = ["BosonPeak", "Elasticity", "boson_peak", "boson_peak_scan", "conductivity_tensor", "debye_level",
           "debye_level_nd", "debye_levels", "elastic_tensor", "excess_dos", "finite_size_scan", "heat_capacity",
           "heat_capacity_nd", "low_q_speeds", "participation_ratio", "plane_wave_speeds", "reduced_dos", "rigidity",
           "rigidity_scan", "sound_speed", "vector_participation"]
