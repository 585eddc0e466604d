"""What a DOS is the spectrum of: its space dimension, its model (scalar or vector) and whether
it is the perfect crystal's, carried on the ``DOS`` so that the analyses use the right Debye law."""

from __future__ import annotations

from .. import _checks
from ..model.lattice import SpringNetwork, is_crystal

MODELS = ("scalar", "vector")


def labels(source, dim=None, model=None, *, crystal: bool | None = None) -> dict:
    """``{"dim", "model", "crystal"}`` for the DOS of ``source`` (a network: its ``dim``, the
    scalar model unless ``model`` says vector, ``is_crystal``; a matrix: what ``dim`` and
    ``model`` say, None where they say nothing)."""
    if dim is not None:
        dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    if model is not None:
        model = _checks.choice("model", model, MODELS)
    if isinstance(source, SpringNetwork):
        if dim is not None and dim != source.dim:
            raise _checks.ParameterError(f"'dim' must be the network's dimension {source.dim}; got {dim}")
        dim, model = source.dim, model or "scalar"
        crystal = is_crystal(source) if crystal is None else crystal
    return {"dim": dim, "model": model, "crystal": bool(crystal)}
