"""bosonpeak: vibrational spectra of disordered spring networks and the Boson peak.

The package reads as the pipeline: ``model`` (networks) -> ``matrices`` (dynamical
matrices) -> ``spectra`` (DOS engines, modes, local DOS) -> ``analysis`` and ``theory`` ->
``plotting`` -> ``workflows`` (reproduce, analyze, sweeps) -> ``cli``. The names below are
the public API; see ``docs/architecture.md``.

Examples
--------
>>> import numpy as np, bosonpeak
>>> net = bosonpeak.network(20, 0.2, rule="cutoff", rng=0)
>>> g = bosonpeak.dos(net, np.linspace(0, 4, 81))  # zero modes taken out, as ``bosonpeak dos``
>>> round(g.integral() + g.zero_modes / g.n_modes, 12)
1.0
"""

_LOADING: list[str] = []


def _public() -> dict:
    """The public API, imported on first use of any of its names: ``import bosonpeak`` alone imports
    nothing heavy, so the program (``bosonpeak.cli``) installs its interrupt handling before NumPy loads."""
    from ._random import seed_sequences
    from .analysis.elasticity import conductivity_tensor, debye_level, sound_speed
    from .analysis.participation import participation_ratio
    from .analysis.peak import BosonPeak, boson_peak, excess_dos
    from .analysis.thermal import heat_capacity
    from .analysis.vector_elasticity import elastic_tensor
    from .matrices.hessian import glass_hessian
    from .matrices.laplacian import dynamical_matrix
    from .matrices.vector import vector_dynamical_matrix
    from .model.glass import Packing, contact_network, jammed_packing
    from .model.lattice import SpringNetwork, coordination_distribution, network
    from .matrices.toy import new_poles, toy_model
    from .spectra import (
        DOS,
        Modes,
        default_edges,
        dos,
        eigenfrequencies,
        ensemble_dos,
        glass_dos,
        kpm_local_dos,
        local_dos,
        lowest_modes,
        methods,
        vector_dos,
        vector_zero_modes,
    )
    from .theory import bond_cpa, effective_medium, node_cpa, sound_damping, spring_distribution, theory_curve

    return locals()


__all__ = [
    "BosonPeak",
    "DOS",
    "Packing",
    "Modes",
    "bond_cpa",
    "boson_peak",
    "conductivity_tensor",
    "debye_level",
    "elastic_tensor",
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
    "effective_medium",
    "eigenfrequencies",
    "ensemble_dos",
    "kpm_local_dos",
    "glass_dos",
    "glass_hessian",
    "jammed_packing",
    "local_dos",
    "methods",
    "network",
    "node_cpa",
    "new_poles",
    "seed_sequences",
    "sound_damping",
    "spring_distribution",
    "theory_curve",
    "toy_model",
    "vector_dos",
    "vector_dynamical_matrix",
    "vector_zero_modes",
]


def __getattr__(name: str):
    # Only the public names and the stages they come from load the API; any other name (a private
    # module, a probe such as ``__path__``) and any name asked for while it loads is left to Python's import.
    if name == "__version__":  # read from the installed metadata, on request only
        from ._version import __version__

        return __version__
    if (name in __all__ or name in ("model", "matrices", "spectra", "analysis", "theory")) and not _LOADING:
        _LOADING.append(name)
        try:
            globals().update((k, v) for k, v in _public().items() if k in __all__)
        finally:
            _LOADING.clear()
        if name in globals():
            return globals()[name]
    raise AttributeError(f"module 'bosonpeak' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
