"""Ensembles of networks over random seeds (SPEC 7: children spawned from one SeedSequence).

Sample ``k`` of an ensemble uses child ``k`` of the root seed whatever ``delta``, rule or
spring law, so curves for different parameters share their random directions (common
random numbers), as the paper's Fig. 4 left shares the seeds of Fig. 2 right.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from tqdm.auto import tqdm

from .. import _checks, _resources
from .._random import sample_streams, seed_sequences
from ..matrices.laplacian import dynamical_matrix
from ..matrices.sizes import entries_per_row
from ..matrices.vector import vector_dynamical_matrix
from ..model.lattice import is_crystal, network
from .spectrum import DEFAULT_BIN_WIDTH, DOS, default_edges, dos, memory_estimate
from .vector import MODELS, vector_zero_modes


def ensemble_dos(
    L: int,
    delta: float,
    edges=None,
    *,
    seeds: int = 10,
    rule: str = "cutoff",
    spring: str = "inverse",
    cutoff: float | None = None,
    method: str = "dense",
    zero_modes: bool = False,
    rng=None,
    progress: bool = False,
    bin_width: float | None = None,
    dim: int = 2,
    model: str = "scalar",
    n_zero: int | None = None,
    **options,
) -> DOS:
    """Mean DOS of ``seeds`` networks, with every sample and the standard error over samples.

    Parameters
    ----------
    L, delta, rule, spring, cutoff
        As for ``bosonpeak.network``.
    edges : array_like, optional
        Bin edges in omega. Default: bins of ``bin_width`` from 0 past the top of every
        sample's spectrum (each network's Gershgorin bound; no network is built twice).
    seeds : int
        Number of samples (>= 1).
    method, zero_modes, options
        As for ``bosonpeak.dos``.
    rng : int, SeedSequence, Generator or None
        Root seed; sample ``k`` uses its ``k``-th spawned child.
    progress : bool
        Show a progress bar over the samples.
    bin_width : float, optional
        Width of the default bins (only when ``edges`` is None); default 0.05.
    dim : {2, 3}
        Square or simple-cubic lattice (``bosonpeak.network``'s ``dim``).
    model : {"scalar", "vector"}
        The scalar Laplacian (``N`` modes) or the vector central-force matrix (``d N``
        modes, its exact zero-mode count from ``vector_zero_modes``).
    n_zero : int, optional
        Known zero modes of every network (vector model): skips the exact count.

    Returns
    -------
    DOS
        ``density`` is the sample mean, ``samples`` has shape (seeds, B), ``error`` is the
        standard error of the mean over samples (for a single sample: the method's own
        error, zero for exact methods). ``info["mean_z"]`` holds each sample's mean
        coordination.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> g = bosonpeak.ensemble_dos(8, 0.2, np.linspace(0, 4, 41), seeds=3, rng=1)
    >>> g.samples.shape, g.zero_modes, round(g.integral() * g.n_modes, 9)  # the zero mode taken out
    ((3, 40), 1.0, 63.0)
    """
    model = _checks.choice("model", model, MODELS)
    children = seed_sequences(rng, seeds)  # refuses more seeds than MAX_TASKS before spawning them
    L = _checks.integer("L", L, minimum=3)
    width = None
    if edges is None:
        width = DEFAULT_BIN_WIDTH if bin_width is None else _checks.real("bin_width", bin_width, minimum=0.0, min_inclusive=False)
    bins = len(edges) - 1 if edges is not None else _resources.check_bins("bin_width", width, 4.0)
    probe = np.linspace(0.0, 4.0, max(bins, 1) + 1)
    nodes = L ** _checks.integer("dim", dim, minimum=2, maximum=3)
    dof = nodes * (dim if model == "vector" else 1)
    entries = entries_per_row(delta, rule=rule, cutoff=cutoff, spring=spring, dim=dim, model=model)  # from a small probe network
    _resources.check(_resources.Plan(f"{method} DOS of {seeds} {model} network(s) of {dof} degrees of freedom",  # before the first network
                                     _resources.network_bytes(dof, entries) + memory_estimate(method, dof, int(entries * dof), probe, **options)
                                     + 16 * seeds * max(bins, 1), advice="another method or a smaller L", tasks=len(children),
                                     seconds=len(children) * _resources.dos_seconds(method, dof, nnz=int(entries * dof), bins=bins, options=options)))
    parts, mean_z = [], []
    for child in tqdm(children, desc=f"DOS L={L} delta={delta:g}", disable=not progress, leave=False):
        net_rng, dos_rng = sample_streams(child)
        net = network(L, delta, rule=rule, spring=spring, cutoff=cutoff, rng=net_rng, dim=dim)
        mean_z.append(float(np.mean(net.coordination)))
        if model == "vector":
            H, known = vector_dynamical_matrix(net), vector_zero_modes(net) if n_zero is None else n_zero
        else:
            H, known = dynamical_matrix(net), n_zero
        if width is not None:  # each network's own bound; later networks may add bins on top
            mine = default_edges(H, width)
            edges = mine if edges is None or len(mine) > len(edges) else edges
        part = dos(H, edges, method=method, zero_modes=zero_modes, rng=dos_rng, n_zero=known, dim=dim, model=model, **options)
        parts.append(dataclasses.replace(part, crystal=is_crystal(net)))
    return combine_samples(parts, info={"seeds": seeds, "spawn_keys": [c.spawn_key for c in children], "mean_z": mean_z})


def combine_samples(parts: list[DOS], info: dict | None = None) -> DOS:
    """One ensemble ``DOS`` from per-sample ``DOS`` records on the same bins.

    Samples whose edges are a prefix of the longest ones (default edges that grew with a
    stiffer network: every mode of an earlier sample lies below its own last edge) are
    padded with zero density, which is exact for exact engines.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.ensemble import combine_samples
    >>> a = bosonpeak.dos(bosonpeak.network(6, 0.0), np.arange(0, 3.01, 0.5))
    >>> b = bosonpeak.dos(bosonpeak.network(6, 0.0), np.arange(0, 3.51, 0.5))
    >>> g = combine_samples([a, b])
    >>> g.samples.shape, round(g.integral() + g.zero_modes / g.n_modes, 12)  # the zero mode taken out
    ((2, 7), 1.0)
    """
    if not parts:
        raise _checks.ParameterError("'parts' must hold at least one DOS; got none")
    longest = max(parts, key=lambda p: len(p.edges))
    edges = longest.edges
    rows, errors = [], []
    for p in parts:
        if not np.array_equal(p.edges, edges[: len(p.edges)]):
            raise _checks.ParameterError("every DOS in 'parts' must share the bins of the longest one (a prefix of its edges)")
        pad = len(edges) - len(p.edges)
        rows.append(np.pad(p.density, (0, pad)))
        errors.append(None if p.error is None else np.pad(p.error, (0, pad)))
    samples = np.stack(rows)
    if len(parts) > 1:
        error = samples.std(axis=0, ddof=1) / np.sqrt(len(parts))
    else:  # one sample: keep the method's own error (KPM), zero for exact histograms
        error = errors[0] if errors[0] is not None else np.zeros(samples.shape[1])
    first = parts[0]
    info = dict(info or {})
    if not first.zero_modes_removed and all("zero_delta" in p.info for p in parts):  # kept smoothed zero modes: the mean of each sample's broadened deltas
        info["zero_mode_density"] = np.mean([np.pad(p.zero_modes / p.n_modes * np.asarray(p.info["zero_delta"]), (0, len(edges) - len(p.edges)))
                                             for p in parts], axis=0)
    if len(parts) > 1 and all("kernel_bias" in p.info for p in parts):  # a smoothing bias does not average out over seeds
        info["kernel_bias"] = np.mean([np.pad(p.info["kernel_bias"], (0, len(edges) - len(p.edges))) for p in parts], axis=0)
        error = np.hypot(error, info["kernel_bias"])
    return DOS(
        edges,
        samples.mean(axis=0),
        first.n_modes,
        first.method,
        error=error,
        samples=samples,
        zero_modes=float(np.mean([p.zero_modes for p in parts])),
        zero_modes_removed=first.zero_modes_removed,
        resolution=first.resolution,
        info=info,
        dim=first.dim if all(p.dim == first.dim for p in parts) else None,
        model=first.model if all(p.model == first.model for p in parts) else None,
        crystal=all(p.crystal for p in parts),
    )


