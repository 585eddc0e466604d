"""KPM DOS of an ensemble of networks on a Dask cluster: the seeds and the random vectors of
each network are split across the workers.

Task ``(k, lo, hi)`` builds network ``k`` from child ``k`` of the root seed (as
``ensemble_dos``), runs the KPM recursion for the random vectors ``lo:hi`` only (the same
vectors, drawn from the same children of the sample's stream, as a single-process run) and
returns their raw moments. The client stacks the moments of each network in order and
finishes the DOS as ``kpm_dos`` does: the result equals ``ensemble_dos(..., method="kpm")``
for the same seeds to float round-off, and the error bars come from the spread over the
vectors (one network) or over the networks, as there.
"""

from __future__ import annotations

import inspect

import numpy as np

from .. import _checks
from .._random import sample_streams, seed_sequences
from ..matrices.laplacian import dynamical_matrix
from ..model.lattice import network
from ..spectra import kpm
from ..spectra.ensemble import combine_samples
from ..spectra.spectrum import DOS, default_edges


def kpm_part(L, delta, edges, child, lo, hi, network_options, options):
    """Raw moments (hi - lo, M) of the random vectors ``lo:hi`` of network ``child``, and the
    summary that ``kpm.combine`` needs (run on a worker)."""
    net_rng, dos_rng = sample_streams(child)
    net = network(L, delta, rng=net_rng, **network_options)
    H = dynamical_matrix(net)
    raw, summary = kpm._kpm(H, edges, [np.arange(H.shape[0])], rng=dos_rng, progress=False, method="kpm", part=(lo, hi), **options)
    return raw, dict(summary, mean_z=float(np.mean(net.coordination)))


def cluster_kpm_dos(client, L: int, delta: float, edges=None, *, seeds: int = 1, parts: int | None = None, rule: str = "cutoff",
                    spring: str = "inverse", cutoff: float | None = None, zero_modes: bool = False, rng=None,
                    bin_width: float | None = None, **options) -> DOS:
    """``ensemble_dos(L, delta, edges, method="kpm", ...)`` with the work spread over ``client``'s workers.

    Parameters
    ----------
    client : distributed.Client
        For example from ``bosonpeak.workflows.cluster.connect``.
    L, delta, rule, spring, cutoff, seeds, zero_modes, rng
        As for ``bosonpeak.ensemble_dos``.
    edges : array_like, optional
        Bin edges in omega; default: bins of ``bin_width`` (default 0.05) past the top of the
        first network's spectrum (``default_edges``).
    parts : int, optional
        Tasks per network, each carrying about ``vectors / parts`` random vectors (at most
        ``vectors``); default: enough for one task per worker over all networks.
    **options
        Options of the ``"kpm"`` engine (``vectors``, ``resolution``, ``moments``, ``dtype``,
        ``block``, ``threads`` (default 1 per task), ``kernel``).

    Returns
    -------
    DOS
        As ``ensemble_dos``; ``info["parts"]`` is the number of tasks per network.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.workflows.cluster import connect
    >>> edges = np.linspace(0, 4, 21)
    >>> with connect(workers=1) as client:
    ...     g = cluster_kpm_dos(client, 10, 0.2, edges, parts=2, moments=20, vectors=4, rng=1)
    >>> h = bosonpeak.ensemble_dos(10, 0.2, edges, seeds=1, method="kpm", moments=20, vectors=4, rng=1)
    >>> bool(np.allclose(g.density, h.density, rtol=1e-12)), g.info["parts"]
    (True, 2)
    """
    allowed = set(inspect.signature(kpm.kpm_dos).parameters) - {"H", "edges", "zero_modes", "rng", "progress"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise _checks.ParameterError(f"method 'kpm' has no option {', '.join(map(repr, unknown))}; its options: {', '.join(sorted(allowed))}")
    if options.get("device", "cpu") != "cpu":
        raise _checks.ParameterError(f"'device' must be 'cpu' on a cluster; got {options['device']!r}")
    vectors = _checks.integer("vectors", options.setdefault("vectors", kpm.DEFAULT_VECTORS), minimum=1)
    options.setdefault("threads", 1)
    options = {"resolution": None, "moments": None, "dtype": "float64", "device": "cpu", "block": None, "kernel": "auto", **options}
    children = seed_sequences(rng, _checks.integer("seeds", seeds, minimum=1))
    network_options = dict(rule=rule, spring=spring, cutoff=cutoff)
    if edges is None:
        first = dynamical_matrix(network(L, delta, rng=sample_streams(children[0])[0], **network_options))
        edges = default_edges(first) if bin_width is None else default_edges(first, bin_width)
    edges = _checks.increasing_edges("edges", edges)
    if parts is None:
        parts = -(-len(client.scheduler_info()["workers"]) // len(children))
    parts = min(_checks.integer("parts", parts, minimum=1), vectors)
    cuts = [vectors * p // parts for p in range(parts + 1)]
    futures = [[client.submit(kpm_part, L, delta, edges, child, lo, hi, network_options, dict(options, zero_modes=zero_modes), pure=False)
                for lo, hi in zip(cuts[:-1], cuts[1:])] for child in children]
    samples, mean_z = [], []
    for row in futures:
        done = client.gather(row)
        mean_z.append(done[0][1]["mean_z"])
        summary = dict(done[0][1], recursion_seconds=sum(s["recursion_seconds"] for _, s in done))
        if any((s["n_mom"], s["omega_max"]) != (summary["n_mom"], summary["omega_max"]) for _, s in done):  # pragma: no cover
            raise RuntimeError("the tasks of one network disagree on its spectral bound: workers run different code")
        samples.append(kpm.combine(edges, np.concatenate([raw for raw, _ in done]), summary)[0])
    out = combine_samples(samples, info={"seeds": len(children), "spawn_keys": [c.spawn_key for c in children]})
    out.info.update(parts=parts, moments=samples[0].info["moments"], vectors=vectors, mean_z=mean_z)
    return out
