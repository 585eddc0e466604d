"""Input validation shared by the public entry points.

Every public function checks its arguments once, at the entry, with these helpers.
Messages name the parameter, the allowed range and the value received.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


class ParameterError(ValueError):
    """A public argument is out of its allowed range (a ``ValueError``)."""


class ParameterTypeError(TypeError):
    """A public argument has the wrong type (a ``TypeError``)."""


class RunError(RuntimeError):
    """A run that cannot finish (a cluster without workers, a task that kills every worker):
    not an input error; the CLI prints one line and exits with code 1."""


#: Seeds lie in [0, SEED_LIMIT): what numpy's SeedSequence takes and NetCDF's int64 stores.
SEED_LIMIT = 2**63


#: Every command's bins in omega (``--bin-width``, a sweep's ``dos.bin_width``) lie in (0, BIN_WIDTH_MAX]:
#: one range for one option; wider bins leave fewer than six over the square lattice's band [0, 2 sqrt 2].
BIN_WIDTH_MAX = 0.5


def bin_width(name: str, value) -> float:
    """Return a bin width in omega in (0, ``BIN_WIDTH_MAX``], or raise naming ``name``."""
    return real(name, value, minimum=0.0, maximum=BIN_WIDTH_MAX, min_inclusive=False)


def integer(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterTypeError(f"'{name}' must be an integer; got {value!r} ({type(value).__name__})")
    value = int(value)
    _check_range(name, value, minimum, maximum, "an integer")
    return value


def real(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    min_inclusive: bool = True,
    max_inclusive: bool = True,
) -> float:
    """Return ``value`` as a finite float, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterTypeError(f"'{name}' must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ParameterError(f"'{name}' must be finite; got {value!r}")
    low_ok = minimum is None or (value >= minimum if min_inclusive else value > minimum)
    high_ok = maximum is None or (value <= maximum if max_inclusive else value < maximum)
    if not (low_ok and high_ok):
        lo = "(-inf" if minimum is None else ("[" if min_inclusive else "(") + f"{minimum:g}"
        hi = "inf)" if maximum is None else f"{maximum:g}" + ("]" if max_inclusive else ")")
        raise ParameterError(f"'{name}' must lie in {lo}, {hi}; got {value!r}")
    return value


def rng(name: str, value):
    """Check a SPEC 7 random source: None, an int in [0, 2^63), a SeedSequence or a Generator."""
    ok = value is None or isinstance(value, (np.random.SeedSequence, np.random.Generator))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        seed(name, value)
        ok = True
    if not ok:
        raise ParameterTypeError(f"'{name}' must be None, an int seed, a numpy SeedSequence or a Generator; got {value!r}")
    return value


def seed(name: str, value) -> int:
    """Return a root seed as an int in [0, 2^63) (what SeedSequence takes and NetCDF stores)."""
    return integer(name, value, minimum=0, maximum=SEED_LIMIT - 1)


def nonempty(name: str, value, *, dtype=float) -> np.ndarray:
    """Return ``value`` as a 1-D array with at least one entry, or raise naming ``name``."""
    try:
        arr = np.atleast_1d(np.asarray(value, dtype=dtype))
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(f"'{name}' must be a number or a sequence of numbers; got {value!r}") from exc
    if arr.size == 0:
        raise ParameterError(f"'{name}' must hold at least one value; got none")
    return arr


def choice(name: str, value, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, or raise listing the choices."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(f"'{name}' must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value


def increasing_edges(name: str, edges, *, minimum: float | None = 0.0) -> np.ndarray:
    """Return bin edges as a float array: 1-D, finite, at least two, strictly increasing."""
    try:
        if np.iscomplexobj(edges):
            raise TypeError("complex")
        arr = np.asarray(edges, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(f"'{name}' must be a 1-D sequence of real numbers; got {edges!r}") from exc
    if arr.ndim != 1 or arr.size < 2:
        raise ParameterError(f"'{name}' must be 1-D with at least 2 entries; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"'{name}' must be finite; got non-finite entries at {np.flatnonzero(~np.isfinite(arr)).tolist()}")
    steps = np.diff(arr)
    if np.any(steps <= 0):
        i = int(np.flatnonzero(steps <= 0)[0])
        raise ParameterError(
            f"'{name}' must be strictly increasing; got {name}[{i}] = {arr[i]:g} >= {name}[{i + 1}] = {arr[i + 1]:g}"
        )
    if minimum is not None and arr[0] < minimum:
        raise ParameterError(f"'{name}' must start at {minimum:g} or above; got {arr[0]:g}")
    return arr


def _check_range(name, value, minimum, maximum, what):
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        lo = "-inf" if minimum is None else f"{minimum}"
        hi = "inf" if maximum is None else f"{maximum}"
        raise ParameterError(f"'{name}' must be {what} in [{lo}, {hi}]; got {value!r}")
