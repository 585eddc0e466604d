"""Kernel polynomial method (KPM) for the DOS and local DOS in omega, for very large networks.

Weisse, Wellein, Alvermann and Fehske, Rev. Mod. Phys. 78, 275 (2006); conventions in ``PHYSICS.md``.

* Spectral bounds from Gershgorin only: ``lambda_max = (1 + SAFETY) * gershgorin_bound(H)``,
  ``omega_max = sqrt(lambda_max)``, ``H~ = 2 H / lambda_max - 1``.
* Chebyshev moments ``mu_n = <r| T_n(H~) |r>`` for a block of random vectors, all of them
  carried through each step by one sparse matrix x dense block product; two moments per step
  (``mu_2n = 2 <v_n|v_n> - mu_0``, ``mu_2n+1 = 2 <v_n+1|v_n> - mu_1``).
* The DOS is rebuilt in ``y = omega / omega_max``, not in ``lambda``: since
  ``T_2n(y) = T_n(2 y**2 - 1)``, ``mu_n`` is the ``2n``-th moment of the spectrum in ``+-y``
  (odd moments vanish). A Jackson kernel of ``2 M`` y-moments gives a resolution in omega
  that is the same at every omega, ``~ pi omega_max / (2 M)``, instead of one growing like
  ``1 / omega`` at the Boson peak.
* Each bin holds the exact integral of the kernel-smoothed density over the bin (the
  antiderivative of ``T_j(y) / sqrt(1 - y**2)`` is ``-sin(j theta) / j``, ``y = cos theta``),
  divided by its width: a bin average, not a value at the bin centre. ``integral()`` is 1.
* Zero modes (one constant vector per connected component of a Laplacian) are projected out
  of every random vector and, when kept, added back as an exact kernel-broadened delta at
  ``omega = 0``: they carry no stochastic error.
* ``error`` is the standard error of the mean over the random vectors, bin by bin.
* ``kpm_local_dos``: the same recursion with unit vectors (one node, exact) or random signs
  restricted to a group of nodes (the group's average local DOS, with its error).
* Each step shares the matrix rows among ``threads`` CPU threads (scipy's sparse kernel and
  numpy release the GIL); ``device="cuda"`` runs the recursion with CuPy instead.
"""

from __future__ import annotations

import os
import time

import numpy as np
from scipy.sparse.csgraph import connected_components
from tqdm.auto import tqdm

from .. import _checks
from ._chebyshev import chebyshev_moments, shifted
from ..matrices.laplacian import is_laplacian, zero_mode_count
from .._random import seed_sequences
from .spectrum import DOS, gershgorin_bound, register_engine

#: Relative margin added to the Gershgorin bound so that ``H~`` stays inside ``[-1, 1]``.
SAFETY = 0.01
DTYPES = ("float64", "float32")
DEVICES = ("cpu", "cuda")
#: Random vectors per DOS when ``vectors`` is not given.
DEFAULT_VECTORS = 16


def kpm_dos(H, edges, *, zero_modes=True, rng=None, progress=False, resolution=None, moments=None,
            vectors=DEFAULT_VECTORS, dtype="float64", device="cpu", block=None, threads=None) -> DOS:
    """The ``"kpm"`` engine of ``bosonpeak.dos``: DOS in omega with stochastic error bars.

    Parameters
    ----------
    H : scipy CSR matrix, shape (N, N)
        Dynamical matrix, symmetric (checked by ``bosonpeak.dos``) and positive semi-definite
        (every dynamical matrix is; not checked). If its rows do not sum to 0 (not a graph
        Laplacian) the zero modes stay in the random vectors, and ``zero_modes=False``
        subtracts one broadened delta per connected component, as the dense engine does.
    edges : ndarray, shape (B + 1,)
        Bin edges in omega.
    zero_modes : bool
        Keep the exact zero modes as a kernel-broadened delta at omega = 0, or remove them.
    rng : int, SeedSequence or Generator, optional
        Seed of the random vectors; equal seeds give bit-identical results.
    progress : bool
        Progress bar over the Chebyshev steps.
    resolution : float, optional
        Wanted resolution in omega: the standard deviation of the kernel-broadened delta at
        omega = 0. Default: the mean bin width. Give this or ``moments``.
    moments : int, optional
        Number ``M`` of Chebyshev moments of ``H~`` (``M / 2`` matrix products per vector).
    vectors : int
        Number ``R`` of random (Rademacher) vectors; the error falls like ``1 / sqrt(R N)``.
    dtype : {"float64", "float32"}
        Working precision of the vectors and the matrix (dot products accumulate in float64).
    device : {"cpu", "cuda"}
        ``"cuda"`` runs the recursion with CuPy on a GPU (optional; CuPy is imported lazily).
    block : int, optional
        Vectors carried together through the recursion (memory ~ ``2 N block`` numbers).
        Default: all ``R`` in one block.
    threads : int, optional
        CPU threads sharing the rows of each step (default: the CPUs this process may use).
        The result does not depend on it, bit for bit.

    Returns
    -------
    DOS
        ``density`` is the mean over the vectors, ``error`` its standard error per bin,
        ``resolution`` the resolution reached; ``info`` holds ``moments``, ``vectors``,
        ``omega_max``, ``omega_limit`` (below it the kernel, not the network, shapes the curve),
        ``recursion_seconds``
        and ``finite_size_omega``.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> net = bosonpeak.network(30, 0.2, rule="cutoff", rng=0)
    >>> g = bosonpeak.dos(net, np.linspace(0, 4, 81), method="kpm", resolution=0.05, rng=1)
    >>> round(g.integral(), 10), g.resolution <= 0.05, g.error.shape
    (1.0, True, (80,))
    """
    groups = [np.arange(H.shape[0])]
    return _kpm(H, edges, groups, zero_modes=zero_modes, rng=rng, progress=progress, resolution=resolution,
                moments=moments, vectors=vectors, dtype=dtype, device=device, block=block, threads=threads, method="kpm")[0]


def _kpm(H, edges, groups, *, zero_modes, rng, progress, resolution, moments, vectors, dtype, device, block, threads, method):
    """Shared by the DOS and the local DOS: one recursion for every group's vectors."""
    n = H.shape[0]
    vectors = _checks.integer("vectors", vectors, minimum=1)
    dtype = _dtype(dtype)
    device = _checks.choice("device", device, DEVICES)
    threads = _usable_cpus() if threads is None else _checks.integer("threads", threads, minimum=1)
    lam_max = (1.0 + SAFETY) * max(gershgorin_bound(H), np.finfo(float).tiny)
    omega_max = float(np.sqrt(lam_max))
    n_mom = _n_moments(resolution, moments, omega_max, edges)
    n_comp, labels = connected_components(H, directed=False)
    sizes = np.bincount(labels)
    laplacian = is_laplacian(H)
    if not laplacian:
        zero_mode_count(H, zero_modes)  # raises for zero_modes=False: the zero modes are not known exactly
        n_comp = 0
    # Columns: exact unit vectors for a group no larger than `vectors`, random signs on it otherwise.
    columns = []  # (group, nodes, exact)
    for k, nodes in enumerate(groups):
        if len(nodes) <= vectors and method != "kpm":
            columns += [(k, nodes[i:i + 1], True) for i in range(len(nodes))]
        else:
            columns += [(k, nodes, False)] * vectors
    children = [np.random.default_rng(c) for c in seed_sequences(rng, len(columns))]
    block = len(columns) if block is None else _checks.integer("block", block, minimum=1)
    H2 = shifted(H, lam_max, dtype)  # 2 H~ = 4 H / lambda_max - 2
    raw = np.empty((len(columns), n_mom))
    seconds = 0.0
    steps = tqdm(total=n_mom // 2 * -(-len(columns) // block), desc="KPM", disable=not progress, leave=False)
    for start in range(0, len(columns), block):
        cols = columns[start:start + block]
        V = np.zeros((n, len(cols)), dtype=dtype)
        for c, (_, nodes, exact) in enumerate(cols):
            if exact:
                V[nodes, c] = 1.0
            else:  # Rademacher signs, drawn as int8 to keep the temporaries small
                signs = children[start + c].integers(0, 2, size=len(nodes), dtype=np.int8)
                V[nodes, c] = 2 * signs - 1
        if laplacian:
            V = _project_out_zero_modes(V, labels, sizes)
        t0 = time.perf_counter()
        raw[start:start + len(cols)] = chebyshev_moments(H2, V, n_mom, device, steps, threads)
        seconds += time.perf_counter() - t0
    steps.close()
    A = _bin_matrix(edges, omega_max, n_mom)  # (M, B): density of the bins from the moments
    delta0 = (-1.0) ** np.arange(n_mom) @ A  # bins of a kernel-broadened delta at omega = 0
    out = []
    for k, nodes in enumerate(groups):
        rows = [c for c, col in enumerate(columns) if col[0] == k]
        exact = columns[rows[0]][2]
        mu = raw[rows] / len(nodes)
        # Weight of the zero modes on the group, known exactly: sum over nodes of 1 / |component|.
        w0 = float(np.sum(1.0 / sizes[labels[nodes]])) / len(nodes) if laplacian else 0.0
        if not exact:  # the zeroth moment is known exactly: Tr P_S (1 - P_0) / |S|
            mu[:, 0] = 1.0 - w0 if laplacian else 1.0
        per = mu @ A
        if exact:  # one unit vector per node: the sum is the exact group average
            density, error = per.sum(axis=0), np.zeros(A.shape[1])
        elif len(rows) > 1:
            density, error = per.mean(axis=0), per.std(axis=0, ddof=1) / np.sqrt(len(rows))
        else:
            density, error = per[0], np.full(A.shape[1], np.nan)  # one vector: no spread to measure
        # Projected vectors carry no zero modes: add them back exactly, or remove the counted ones.
        shift = w0 if (zero_modes and laplacian) else 0.0
        density = density + shift * delta0
        out.append(_record(edges, density, error, n, method, n_comp, zero_modes, omega_max, n_mom, len(rows), dtype, device, nodes))
        out[-1].info.update(block=block, threads=threads, recursion_seconds=seconds, zero_delta=delta0)
    return out


def _record(edges, density, error, n, method, n_comp, zero_modes, omega_max, n_mom, n_vec, dtype, device, nodes):
    sigma = float(omega_max * np.sqrt(0.5 * (1.0 - _jackson(2 * n_mom)[2])))
    finite = 2.0 * np.pi / np.sqrt(n)  # 2 pi c / L at unit density and c = 1
    info = {
        "moments": n_mom, "vectors": n_vec, "omega_max": omega_max, "lambda_max": omega_max**2, "dtype": dtype.name,
        "device": device, "finite_size_omega": finite, "omega_limit": max(3.0 * sigma, finite), "nodes": len(nodes),
    }
    return DOS(np.asarray(edges, float), density, n, method, error=error, zero_modes=float(n_comp),
               zero_modes_removed=not zero_modes, resolution=sigma, info=info)


def _usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _dtype(dtype) -> np.dtype:
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = dtype
    return np.dtype(_checks.choice("dtype", name, DTYPES))


def _n_moments(resolution, moments, omega_max, edges) -> int:
    """Moments of ``H~`` (even) for a resolution in omega, or as given."""
    if resolution is not None and moments is not None:
        raise _checks.ParameterError(f"give 'resolution' or 'moments', not both; got resolution={resolution!r}, moments={moments!r}")
    if moments is not None:
        m = _checks.integer("moments", moments, minimum=2)
        return m + m % 2
    res = float(np.mean(np.diff(edges))) if resolution is None else _checks.real("resolution", resolution, minimum=0.0, min_inclusive=False)
    m = 2 * int(np.ceil(np.pi * omega_max / (4.0 * res)))  # sigma ~ pi omega_max / (2 M)
    while omega_max * np.sqrt(0.5 * (1.0 - _jackson(2 * m)[2])) > res:
        m += 2
    return max(m, 2)


def _project_out_zero_modes(V, labels, sizes):
    """Subtract from every column its mean over each connected component, in place."""
    if len(sizes) == 1:
        V -= V.mean(axis=0, dtype=np.float64).astype(V.dtype)
        return V
    for c in range(V.shape[1]):  # one column at a time: no (N, R) float64 temporary
        means = np.bincount(labels, V[:, c].astype(np.float64), minlength=len(sizes)) / sizes
        V[:, c] -= means[labels].astype(V.dtype)
    return V


def _jackson(m: int) -> np.ndarray:
    """Jackson kernel ``g_j``, ``j = 0 .. m - 1``, for an expansion of ``m`` moments."""
    j = np.arange(m)
    q = np.pi / (m + 1)
    return ((m - j + 1) * np.cos(q * j) + np.sin(q * j) / np.tan(q)) / (m + 1)


def _bin_matrix(edges, omega_max, n_mom) -> np.ndarray:
    """``A`` (M, B) with ``density = mu @ A``: the Jackson-smoothed density in ``y = omega /
    omega_max`` (y-moments ``2 n`` = ``mu_n``, odd ones 0), folded onto ``omega >= 0`` and
    integrated exactly over each bin, per unit omega."""
    theta = np.arccos(np.clip(np.asarray(edges, float) / omega_max, 0.0, 1.0))  # decreasing
    n = np.arange(n_mom)[:, None]
    g = _jackson(2 * n_mom)[::2][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        F = np.where(n == 0, theta[None, :], np.sin(2 * n * theta[None, :]) / np.where(n == 0, 1, 2 * n))
    F = F * g * np.where(n == 0, 1.0, 2.0)  # c_n = g_2n (2 - delta_n0)
    # counts in [w_a, w_b) = 2 * (1 / pi) * [F(theta_a) - F(theta_b)]
    return 2.0 / np.pi * (F[:, :-1] - F[:, 1:]) / np.diff(edges)[None, :]


register_engine("kpm", kpm_dos)
