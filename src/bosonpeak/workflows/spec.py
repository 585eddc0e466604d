"""The TOML spec of a parameter sweep, read as data and checked completely before any work.

A spec has three tables (every key but ``grid.L``, ``grid.delta`` and ``dos.omega_max``
has a default)::

    [sweep]
    name = "delta-scan"          # combined dataset: STORE/<name>.nc (default: the file's stem)
    seed = 2026                  # root seed; sample k uses child k of SeedSequence(seed)
    seeds = 4                    # samples per point
    analyses = ["mean", "boson_peak", "coordination"]

    [grid]                       # every combination is one point (a scalar is a 1-list)
    L = [16, 24]
    delta = [0.0, 0.1, 0.2]
    rule = ["nearest", "cutoff"]
    spring = ["inverse"]
    cutoff = [1.3]               # r_c of the cut-off rule (default a + delta)

    [dos]
    method = "dense"             # any of bosonpeak.methods()
    omega_max = 3.5              # bins [0, bin_width, ..., >= omega_max], common to all points
    bin_width = 0.05             # (or edges = [...] explicitly)
    keep_zero_modes = false
    split = 1                    # tasks per network, each on a part of the bins (dense, slicing)
    [dos.options]                # passed unchanged to the method

Errors name the key (``'grid.delta' must lie in [0, 1); got 1.5``) and are
``_checks.ParameterError`` / ``ParameterTypeError``: the CLI prints one line, exit code 2.
"""

from __future__ import annotations

import datetime
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import _checks, _resources
from ..model.lattice import RULES, SPRINGS
from ..spectra.spectrum import methods

#: Analyses ``bosonpeak.workflows.sweep.combine`` can add to the dataset.
ANALYSES = ("mean", "boson_peak", "coordination")
_KEYS = {
    "sweep": ("name", "seed", "seeds", "analyses"),
    "grid": ("L", "delta", "rule", "spring", "cutoff"),
    "dos": ("method", "omega_max", "bin_width", "edges", "keep_zero_modes", "split", "options"),
}
#: Methods whose counts in a bin do not depend on the other bins, so that one network's bins
#: can be split over tasks with bit-identical results (a split pays off for "slicing": one
#: factorisation per edge; "dense" recomputes every eigenvalue in every part).
SPLIT_METHODS = ("dense", "slicing")
#: Network size of the check that the method accepts its options (cheap, before any work).
PROBE_L = 6


@dataclass(frozen=True, eq=False)
class SweepSpec:
    """A checked sweep spec.

    Attributes
    ----------
    name : str
        Name of the combined dataset.
    text : str
        The spec as written (stored in the dataset's provenance).
    seed, seeds : int
        Root seed and number of samples per point.
    points : tuple of dict
        ``{"L", "delta", "rule", "spring", "cutoff"}`` per point (``cutoff`` None: default).
    method : str
    options : dict
    zero_modes : bool
        Keep the exact zero modes in the lowest bin.
    edges : tuple of float
        Bin edges in omega, common to every point.
    analyses : tuple of str
    split : int
        Tasks per network, each computing a contiguous part of the bins.
    """

    name: str
    text: str
    seed: int
    seeds: int
    points: tuple
    method: str
    options: dict
    zero_modes: bool
    edges: tuple
    analyses: tuple
    split: int = 1


def load_spec(path) -> SweepSpec:
    """Read and check the spec file ``path``; its stem is the default name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _checks.ParameterError(f"'spec' must be a readable UTF-8 TOML file; got {str(path)!r} ({exc.__class__.__name__})") from None
    return parse_spec(text, name=re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem) or "sweep")


def parse_spec(text: str, *, name: str = "sweep") -> SweepSpec:
    """Parse and check a TOML spec (as data: nothing in it is executed).

    Examples
    --------
    >>> from bosonpeak.workflows.spec import parse_spec
    >>> spec = parse_spec('[grid]\\nL = 8\\ndelta = [0.0, 0.2]\\n[dos]\\nomega_max = 3.0')
    >>> len(spec.points), spec.seeds, len(spec.edges)
    (2, 1, 61)
    >>> parse_spec('[grid]\\nL = 8\\ndelta = 0.1\\nsize = 4\\n[dos]\\nomega_max = 3.0')
    Traceback (most recent call last):
    ...
    bosonpeak._checks.ParameterError: unknown key 'grid.size' in the spec; allowed: L, delta, rule, spring, cutoff
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _checks.ParameterError(f"'spec' is not valid TOML: {exc}") from None
    for key in doc:
        if key not in _KEYS:
            raise _checks.ParameterError(f"unknown key {key!r} in the spec; allowed tables: {', '.join(_KEYS)}")
    sweep, grid, dos_ = (_table(doc, section) for section in _KEYS)

    name = sweep.get("name", name)
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise _checks.ParameterError(f"'sweep.name' must be letters, digits, '_', '.' or '-'; got {name!r}")
    seed = _checks.seed("sweep.seed", sweep.get("seed", 2026))
    seeds = _checks.integer("sweep.seeds", sweep.get("seeds", 1), minimum=1)
    analyses = tuple(_checks.choice("sweep.analyses", a, ANALYSES) for a in _values(sweep, "sweep.analyses", "analyses", list(ANALYSES), empty=True))

    Ls = [_checks.integer("grid.L", v, minimum=3) for v in _values(grid, "grid.L", "L")]
    deltas = [_checks.real("grid.delta", v, minimum=0.0, maximum=1.0, max_inclusive=False) for v in _values(grid, "grid.delta", "delta")]
    rules = [_checks.choice("grid.rule", v, RULES) for v in _values(grid, "grid.rule", "rule", ["cutoff"])]
    springs = [_checks.choice("grid.spring", v, SPRINGS) for v in _values(grid, "grid.spring", "spring", ["inverse"])]
    cutoffs = [_checks.real("grid.cutoff", v, minimum=0.0, min_inclusive=False) for v in _values(grid, "grid.cutoff", "cutoff", [None])] if "cutoff" in grid else [None]
    if "cutoff" in grid and "cutoff" not in rules:
        raise _checks.ParameterError(f"'grid.cutoff' applies only to rule 'cutoff'; got rule = {rules}")
    count = len(Ls) * len(deltas) * len(rules) * len(springs) * len(cutoffs) * seeds
    _resources.check(_resources.Plan("the sweep's grid", 0, tasks=count))  # before the points are built
    points = []
    for L, delta, rule, spring in _product(Ls, deltas, rules, springs):
        for cutoff in cutoffs if rule == "cutoff" else [None]:
            r_c = 1.0 + delta if cutoff is None else cutoff
            if rule == "cutoff" and r_c >= L / 2:
                raise _checks.ParameterError(f"'grid.L' must exceed 2 r_c = {2 * r_c:g} for the cut-off rule (delta = {delta:g}); got {L}")
            points.append({"L": L, "delta": delta, "rule": rule, "spring": spring, "cutoff": cutoff})

    method = _checks.choice("dos.method", dos_.get("method", "dense"), methods())
    keep = dos_.get("keep_zero_modes", False)
    if not isinstance(keep, bool):
        raise _checks.ParameterTypeError(f"'dos.keep_zero_modes' must be true or false; got {keep!r}")
    edges = _edges(dos_)
    options = dos_.get("options", {})
    if not isinstance(options, dict):
        raise _checks.ParameterTypeError(f"'dos.options' must be a table; got {options!r}")
    _plain("dos.options", options)
    split = _checks.integer("dos.split", dos_.get("split", 1), minimum=1, maximum=len(edges) - 1)
    if split > 1 and method not in SPLIT_METHODS:
        raise _checks.ParameterError(f"'dos.split' > 1 needs a method that counts bin by bin ({', '.join(SPLIT_METHODS)}); got method {method!r}")
    _probe(method, options, keep, edges, min(Ls))
    return SweepSpec(name, text, seed, seeds, tuple(points), method, options, keep, tuple(float(e) for e in edges), analyses, split)


def _table(doc: dict, section: str) -> dict:
    table = doc.get(section, {})
    if not isinstance(table, dict):
        raise _checks.ParameterTypeError(f"'{section}' must be a table ([{section}]); got {table!r}")
    for key in table:
        if key not in _KEYS[section]:
            raise _checks.ParameterError(f"unknown key '{section}.{key}' in the spec; allowed: {', '.join(_KEYS[section])}")
    return table


def _values(table: dict, name: str, key: str, default=None, *, empty: bool = False) -> list:
    """A key's values as a list (a scalar counts as a 1-list), distinct."""
    if key not in table:
        if default is None:
            raise _checks.ParameterError(f"'{name}' is required")
        return list(default)
    value = table[key]
    values = value if isinstance(value, list) else [value]
    if not values and not empty:
        raise _checks.ParameterError(f"'{name}' must hold at least one value; got []")
    if len({json.dumps(v, default=str) for v in values}) != len(values):
        raise _checks.ParameterError(f"'{name}' must hold distinct values; got {value!r}")
    return values


def _product(*lists):
    if not lists:
        yield ()
        return
    for head in lists[0]:
        for tail in _product(*lists[1:]):
            yield (head, *tail)


def _edges(table: dict) -> np.ndarray:
    if "edges" in table:
        clash = [k for k in ("omega_max", "bin_width") if k in table]
        if clash:
            raise _checks.ParameterError(f"'dos.edges' excludes 'dos.{clash[0]}'; give one or the other")
        if not isinstance(table["edges"], list):
            raise _checks.ParameterTypeError(f"'dos.edges' must be a list of numbers; got {table['edges']!r}")
        for v in table["edges"]:
            _checks.real("dos.edges", v)
        return _checks.increasing_edges("dos.edges", table["edges"])
    if "omega_max" not in table:
        raise _checks.ParameterError("'dos.omega_max' is required (or 'dos.edges'): bins must be common to every point")
    top = _checks.real("dos.omega_max", table["omega_max"], minimum=0.0, min_inclusive=False)
    width = _checks.real("dos.bin_width", table.get("bin_width", 0.05), minimum=0.0, maximum=min(top, _checks.BIN_WIDTH_MAX), min_inclusive=False)
    n = _resources.check_bins("dos.bin_width", width, top, advice=" or a lower 'dos.omega_max'")
    return width * np.arange(n + 1)


def _plain(name: str, value) -> None:
    """Method options must be plain data (strings, numbers, booleans, lists, tables)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _plain(f"{name}.{k}", v)
    elif isinstance(value, list):
        for v in value:
            _plain(name, v)
    elif isinstance(value, (datetime.date, datetime.time)) or not isinstance(value, (str, int, float, bool)):
        raise _checks.ParameterTypeError(f"'{name}' must be a string, number, boolean, list or table; got {value!r}")
    elif isinstance(value, float) and not np.isfinite(value):
        raise _checks.ParameterError(f"'{name}' must be finite; got {value!r}")


def _probe(method: str, options: dict, keep: bool, edges: np.ndarray, L: int) -> None:
    """Run the method with its options on a small crystal, so a misspelt option is a spec
    error before any work, not a failure of every task."""
    if not options:
        return
    from ..model.lattice import network
    from ..spectra.spectrum import dos

    try:
        dos(network(min(L, PROBE_L), 0.0, rule="nearest"), edges, method=method, zero_modes=keep, rng=0, **options)
    except (TypeError, ValueError) as exc:
        raise _checks.ParameterError(f"'dos.options' rejected by method {method!r}: {exc}") from None
