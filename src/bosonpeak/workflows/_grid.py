"""The grid of a sweep: one dimension per swept parameter instead of one ``point`` dimension.

``spread_points`` turns ``(point, ...)`` arrays into ``(L, delta, rule, spring[, cutoff], ...)``
ones; ``as_points`` stacks them back (the earlier layout).
"""

from __future__ import annotations

import itertools

import numpy as np
import xarray as xr


def spread_points(points, data: dict) -> tuple[dict, dict]:
    """The grid's coordinates and ``data`` (name -> ``(dims, array, attrs)``) with every
    ``point``-first entry spread over the grid's dimensions."""
    grid, cells = grid_of(points)
    return grid, {name: to_grid(value, grid, cells) for name, value in data.items()}


def grid_of(points) -> tuple[dict, list[list[tuple]]]:
    """The grid's coordinates (one per swept parameter) and, per point, the cells it fills."""
    names = ["L", "delta", "rule", "spring"] + (["cutoff"] if any(p["cutoff"] is not None for p in points) else [])
    values = {n: list(dict.fromkeys(p[n] for p in points if p[n] is not None)) for n in names}
    cells = []
    for p in points:
        axes = [[values[n].index(p[n])] if p[n] is not None else range(len(values[n])) for n in names]
        cells.append(list(itertools.product(*axes)))
    dtypes = {"L": np.int64, "delta": float, "rule": object, "spring": object, "cutoff": float}
    return {n: np.array(values[n], dtype=dtypes[n]) for n in names}, cells


def to_grid(value, grid, cells):
    """A ``(dims, array, attrs)`` entry with ``point`` first, spread over the grid's dimensions."""
    dims, array, *attrs = value
    if not dims or dims[0] != "point":
        return value
    array = np.asarray(array)
    out = np.empty(tuple(len(v) for v in grid.values()) + array.shape[1:], dtype=array.dtype)
    for p, point_cells in enumerate(cells):
        for cell in point_cells:
            out[cell] = array[p]
    return (tuple(grid) + tuple(dims[1:]), out, *attrs)


def as_points(ds: xr.Dataset) -> xr.Dataset:
    """The sweep dataset with its grid stacked into one ``point`` dimension (the earlier layout).

    Examples
    --------
    >>> from bosonpeak.workflows.sweep import as_points, combine, plan, run_tasks; from bosonpeak.workflows.spec import parse_spec
    >>> spec = parse_spec("[grid]\\nL = 6\\ndelta = [0.0, 0.2]\\nrule = ['nearest', 'cutoff']\\n[dos]\\nomega_max = 4.0")
    >>> tasks = plan(spec)
    >>> as_points(combine(spec, tasks, run_tasks(tasks)))["density"].sizes["point"]
    4
    """
    return ds.stack(point=ds.attrs["grid_dims"].split())
