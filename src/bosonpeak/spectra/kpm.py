"""Kernel polynomial method (KPM) for the DOS and local DOS in omega, for very large networks.

Weisse, Wellein, Alvermann and Fehske, Rev. Mod. Phys. 78, 275 (2006); conventions in ``PHYSICS.md``.

* Spectral bounds from Gershgorin, ``lambda_max = (1 + SAFETY) * gershgorin_bound(H)``, or with
  ``bound="lanczos"`` from a few Lanczos steps, checked on the moments (``_bounds``);
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
* ``error`` is the standard error of the mean over the random vectors, bin by bin, and the
  kernel's bias in quadrature, estimated from the same moments cut to ``M / 2``
  (``kernel_bias``); both parts are in ``info`` (``stochastic_error``, ``kernel_bias``). A local
  DOS keeps the stochastic error only. Default resolution: ``RESOLUTION_PER_BIN`` of a bin.
* ``kpm_local_dos``: the same recursion with unit vectors (one node, exact) or random signs
  restricted to a group of nodes (the group's average local DOS, with its error).
* On CPU each step is one fused pass over memory (``_fused``, compiled with numba: the sparse
  product, the three-term update and the dot products together, float64 sums), or, without
  numba or with ``kernel="scipy"``, scipy's sparse product and numpy dot products
  (``_chebyshev``, the reference). Either shares the matrix rows among ``threads`` CPU
  threads; ``device="cuda"`` runs the recursion with CuPy instead.
"""

from __future__ import annotations

import os
import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from tqdm.auto import tqdm

from .. import _checks, _resources
from . import _block, _bounds, _fused
from ._bounds import SAFETY  # noqa: F401 - public here
from ._kpm_memory import _parts, memory_estimate  # noqa: F401 - memory_estimate is public here
from ._chebyshev import chebyshev_moments, shifted
from ..matrices.laplacian import is_laplacian, zero_mode_count
from .._random import seed_sequences
from .spectrum import DOS, gershgorin_bound, register_engine  # noqa: F401 - gershgorin_bound: public here
from ._kpm_moments import MAX_MOMENTS, RESOLUTION_PER_BIN, _bin_matrix, _jackson, _n_moments, resolution_at  # noqa: F401 - public here

DTYPES = ("float64", "float32")
DEVICES = ("cpu", "cuda")
#: CPU recursions: ``"fused"`` (numba), ``"scipy"`` (the reference), ``"auto"`` (fused if numba imports).
KERNELS = ("auto", "fused", "scipy")
#: Random vectors per DOS when ``vectors`` is not given.
DEFAULT_VECTORS = 16


def kpm_dos(H, edges, *, zero_modes=False, rng=None, progress=False, resolution=None, moments=None,
            vectors=DEFAULT_VECTORS, dtype="float64", device="cpu", block=None, threads=None, kernel="auto",
            bound="gershgorin") -> DOS:
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
        omega = 0. Default: ``RESOLUTION_PER_BIN`` (1/4) of the mean bin width, so that the
        kernel's bias stays below the stochastic error of a bin. Give this or ``moments``.
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
    kernel : {"auto", "fused", "scipy"}
        CPU recursion: ``"fused"`` (one pass over memory per step, compiled with numba; dot
        products summed in float64), ``"scipy"`` (scipy's sparse product, then numpy dot
        products; float32 vectors sum their dot products in float32 over 16k-row chunks) or
        ``"auto"``: fused when numba is installed. The vectors are the same bit for bit; the
        moments agree to round-off in the dot products. A BSR matrix of 2 x 2 or 3 x 3 blocks (a
        particle Hessian: ``hessian(..., format="bsr")``) runs the block kernel (``_block``: one
        index per block) with ``"auto"`` or ``"fused"``.
    bound : {"gershgorin", "lanczos"}
        Upper bound on the spectrum that scales ``H~`` (``_bounds``): Gershgorin's (proven, loose)
        or a few Lanczos steps (tight; checked on the moments, and the run repeated with
        Gershgorin's where they show an eigenvalue above it). The moments for a resolution grow
        like ``sqrt(lambda_max)``.

    Returns
    -------
    DOS
        ``density`` is the mean over the vectors, ``error`` its standard error per bin and the
        estimated kernel bias in quadrature (``info["stochastic_error"]``, ``info["kernel_bias"]``),
        ``resolution`` the resolution reached; ``info`` holds ``moments``, ``vectors``,
        ``omega_max``, ``omega_limit`` (below it the kernel, not the network, shapes the curve),
        ``recursion_seconds``, ``kernel`` (the recursion used), ``finite_size_omega``,
        ``resolution_at`` (the kernel's width at each bin centre) and the bound's origin
        (``bound``, ``gershgorin``, ``lanczos_theta``, ``lanczos_residual``).

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> net = bosonpeak.network(30, 0.2, rule="cutoff", rng=0)
    >>> g = bosonpeak.dos(net, np.linspace(0, 4, 81), method="kpm", resolution=0.05, rng=1)
    >>> round(g.integral() + g.zero_modes / g.n_modes, 10), g.resolution <= 0.05, g.error.shape
    (1.0, True, (80,))
    """
    groups = [np.arange(H.shape[0])]
    return _kpm(H, edges, groups, zero_modes=zero_modes, rng=rng, progress=progress, resolution=resolution,
                moments=moments, vectors=vectors, dtype=dtype, device=device, block=block, threads=threads, method="kpm",
                kernel=kernel, bound=bound)[0]


def _kpm(H, edges, groups, *, zero_modes, rng, progress, resolution, moments, vectors, dtype, device, block, threads, method,
         kernel="auto", part=None, bound="gershgorin"):
    """Shared by the DOS and the local DOS: one recursion for every group's vectors.

    With ``part = (lo, hi)`` only the random-vector columns ``lo:hi`` run (the same vectors,
    drawn from the same children of ``rng``, as in the whole run) and ``(raw, summary)`` is
    returned: ``combine(edges, raw, summary)`` on the columns stacked in order is the whole run.
    """
    n = H.shape[0]
    vectors = _checks.integer("vectors", vectors, minimum=1)
    dtype = _dtype(dtype)
    device = _checks.choice("device", device, DEVICES)
    kernel = _kernel(_checks.choice("kernel", kernel, KERNELS), device)
    threads = _usable_cpus() if threads is None else _checks.integer("threads", threads, minimum=1)
    bound = _checks.choice("bound", bound, _bounds.BOUNDS)
    blocks = _block.block_size(H) if kernel == "fused" else 0  # BSR of d x d blocks: the block kernel
    lam_max, origin = _bounds.spectral_bound(H, bound, rng=0, threads=threads)  # a fixed Lanczos start: rng draws the vectors only
    omega_max = float(np.sqrt(lam_max))
    n_mom = _n_moments(resolution, moments, omega_max, edges)
    # Columns: exact unit vectors for a group no larger than `vectors`, random signs on it otherwise.
    columns = []  # (group, nodes, exact)
    for k, nodes in enumerate(groups):
        if len(nodes) <= vectors and method != "kpm":
            columns += [(k, nodes[i:i + 1], True) for i in range(len(nodes))]
        else:
            columns += [(k, nodes, False)] * vectors
    lo, hi = (0, len(columns)) if part is None else part
    children = [np.random.default_rng(c) for c in seed_sequences(rng, len(columns))[lo:hi]]
    block = hi - lo if block is None else _checks.integer("block", block, minimum=1)
    check_memory(H, n_mom, hi - lo, block, dtype, len(edges) - 1)
    laplacian = not blocks and is_laplacian(H)  # d x d blocks: a vector Hessian, not a graph Laplacian
    if laplacian:  # its components (a transposed copy of H inside scipy: only for a Laplacian)
        n_comp, labels = connected_components(H, directed=False)
        sizes = np.bincount(labels)
    else:
        if not (blocks and zero_modes):
            zero_mode_count(H, zero_modes)  # raises for zero_modes=False: the zero modes are not known exactly
        n_comp, labels, sizes = 0, None, None
    if blocks:  # 2 H~ as BSR in the working dtype, the index arrays shared with H
        H2, operator = _block.block_matrix(H, dtype, scale=4.0 / lam_max, shift=-2.0), None
    else:
        H2 = shifted(H, lam_max, dtype)  # 2 H~ = 4 H / lambda_max - 2
        operator = _fused.prepare(H2, dtype) if kernel == "fused" else None  # once for every block
    if operator is not None and operator.ell:  # the ELL tables hold 2 H~: keep its shape only
        H2 = sp.csr_matrix(H2.shape, dtype=dtype)
    raw = np.empty((hi - lo, n_mom))
    seconds = 0.0
    steps = tqdm(total=n_mom // 2 * -(-(hi - lo) // block), desc="KPM", disable=not progress, leave=False)
    for start in range(lo, hi, block):
        cols = columns[start:min(start + block, hi)]
        V = _fused.aligned_zeros((n, len(cols)), dtype)  # rows on cache lines
        for c, (_, nodes, exact) in enumerate(cols):
            if exact:
                V[nodes, c] = 1.0
            else:  # Rademacher signs, drawn as int8 to keep the temporaries small
                signs = children[start - lo + c].integers(0, 2, size=len(nodes), dtype=np.int8)
                V[nodes if len(nodes) < n else slice(None), c] = 2 * signs - 1  # every node (the DOS): a slice, no gather
        if laplacian:
            V = _project_out_zero_modes(V, labels, sizes)
        t0 = time.perf_counter()
        if blocks:
            raw[start - lo:start - lo + len(cols)] = _block.block_moments(H2, V, n_mom, steps, threads)
        elif kernel == "fused":
            raw[start - lo:start - lo + len(cols)] = _fused.fused_moments(H2, V, n_mom, steps, threads, operator=operator)
        else:
            raw[start - lo:start - lo + len(cols)] = chebyshev_moments(H2, V, n_mom, device, steps, threads)
        seconds += time.perf_counter() - t0
    steps.close()
    if bound != "gershgorin" and not _bounds.moments_inside(raw):  # an eigenvalue above the Lanczos bound: again, proven
        return _kpm(H, edges, groups, zero_modes=zero_modes, rng=rng, progress=progress, resolution=resolution, moments=moments,
                    vectors=vectors, dtype=dtype, device=device, block=block, threads=threads, method=method, kernel=kernel,
                    part=part, bound="gershgorin")
    summary = {
        "n": n, "method": method, "n_comp": n_comp, "laplacian": laplacian, "zero_modes": zero_modes, "omega_max": omega_max,
        "n_mom": n_mom, "dtype": dtype.name, "device": device, "block": block, "threads": threads, "kernel": kernel,
        "recursion_seconds": seconds, "origin": origin, "columns": [(k, exact) for k, _, exact in columns],
        # per group: its size and the weight of the zero modes on it, known exactly: sum over nodes of 1 / |component|
        "groups": [(len(nodes), float(np.sum(1.0 / sizes[labels[nodes]])) / len(nodes) if laplacian else 0.0) for nodes in groups],
    }
    return (raw, summary) if part is not None else combine(edges, raw, summary)


def combine(edges, raw, summary) -> list[DOS]:
    """One DOS per group from the raw moments of every column (shape (columns, moments))."""
    s = summary
    A = _bin_matrix(edges, s["omega_max"], s["n_mom"])  # (M, B): density of the bins from the moments
    delta0 = (-1.0) ** np.arange(s["n_mom"]) @ A  # bins of a kernel-broadened delta at omega = 0
    half = s["n_mom"] // 2  # the same moments with half the resolution, for the kernel bias
    A_half = _bin_matrix(edges, s["omega_max"], half)
    delta0_half = (-1.0) ** np.arange(half) @ A_half
    out = []
    for k, (size, w0) in enumerate(s["groups"]):
        rows = [c for c, col in enumerate(s["columns"]) if col[0] == k]
        exact = s["columns"][rows[0]][1]
        mu = raw[rows] / size
        if not exact:  # the zeroth moment is known exactly, Tr P_S (1 - P_0) / |S|: each vector's moments are scaled to it
            mu *= (1.0 - w0) / np.where(mu[:, :1] > 0, mu[:, :1], 1.0)  # (setting mu_0 alone shifts g by a constant: g < 0)
        per = mu @ A
        if exact:  # one unit vector per node: the sum is the exact group average
            density, stochastic = per.sum(axis=0), np.zeros(A.shape[1])
            coarse = (mu[:, :half] @ A_half).sum(axis=0)
        elif len(rows) > 1:
            density, stochastic = per.mean(axis=0), per.std(axis=0, ddof=1) / np.sqrt(len(rows))
            coarse = mu[:, :half].mean(axis=0) @ A_half
        else:
            density, stochastic = per[0], np.full(A.shape[1], np.nan)  # one vector: no spread to measure
            coarse = mu[0, :half] @ A_half
        # Projected vectors carry no zero modes: add them back exactly, or remove the counted ones.
        shift = w0 if (s["zero_modes"] and s["laplacian"]) else 0.0
        density = density + shift * delta0
        bias = kernel_bias(density, coarse + shift * delta0_half)
        # The DOS's error bars include the bias; a local DOS (a few poles per node) stays smoothed by design.
        error = np.hypot(stochastic, bias) if s["method"] == "kpm" else stochastic
        out.append(_record(edges, density, error, s["n"], s["method"], s["n_comp"], s["zero_modes"], s["omega_max"], s["n_mom"],
                           len(rows), np.dtype(s["dtype"]), s["device"], size))
        out[-1].info.update({key: s[key] for key in ("block", "threads", "recursion_seconds", "kernel")}, zero_delta=delta0,
                            stochastic_error=stochastic, kernel_bias=bias, **s.get("origin", {}),
                            resolution_at=resolution_at(0.5 * (edges[1:] + edges[:-1]), s["omega_max"], s["n_mom"]))
    return out


def kernel_bias(fine: np.ndarray, coarse: np.ndarray) -> np.ndarray:
    """The Jackson kernel's bias per bin, estimated as ``|coarse - fine| / 3``: the kernel is
    ~ a Gaussian of width ``sigma ~ 1 / M``, the bias ~ ``sigma^2``, so the same moments cut to
    ``M / 2`` carry four times it (Richardson). Structure finer than ``sigma`` (a crystal's
    degenerate shells) is invisible to both and not covered.

    Examples
    --------
    >>> import numpy as np
    >>> from bosonpeak.spectra.kpm import kernel_bias
    >>> kernel_bias(np.array([1.0, 2.0]), np.array([1.3, 2.0]))
    array([0.1, 0. ])
    """
    return np.abs(np.asarray(coarse, float) - np.asarray(fine, float)) / 3.0


def _record(edges, density, error, n, method, n_comp, zero_modes, omega_max, n_mom, n_vec, dtype, device, nodes: int):
    sigma = float(omega_max * np.sqrt(0.5 * (1.0 - _jackson(2 * n_mom)[2])))
    finite = 2.0 * np.pi / np.sqrt(n)  # 2 pi c / L at unit density and c = 1
    info = {
        "moments": n_mom, "vectors": n_vec, "omega_max": omega_max, "lambda_max": omega_max**2, "dtype": dtype.name,
        "device": device, "finite_size_omega": finite, "omega_limit": max(3.0 * sigma, finite), "nodes": nodes,
    }
    return DOS(np.asarray(edges, float), density, n, method, error=error, zero_modes=float(n_comp),
               zero_modes_removed=not zero_modes, resolution=sigma, info=info)


def _usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def sizes_estimate(n: int, nnz: int, edges, *, resolution=None, moments=None, vectors=DEFAULT_VECTORS, block=None, dtype="float64",
                   omega_max: float = 4.0, **_) -> int:
    """``memory_estimate`` from the sizes alone, for a plan made before the matrix exists: its
    longest row bounded by the ELL tables' fill limit, ``omega_max`` (sets the moments) assumed."""
    n_mom = _n_moments(resolution, moments, omega_max, edges)
    vectors = vectors or DEFAULT_VECTORS
    return _parts(n, nnz, np.inf, n_mom, vectors, block or vectors, _dtype(dtype), len(edges) - 1)["total"]


def available_memory() -> int | None:
    """Bytes this process may still allocate: the limit ``bosonpeak._resources.check`` applies
    (available memory, ``BOSONPEAK_MEMORY_LIMIT``); None under ``--force``."""
    return _resources.memory_limit()[0]


def check_memory(H, n_mom, columns, block, dtype, bins) -> None:
    """Refuse, before any work, a run whose estimated memory exceeds what is available."""
    need = memory_estimate(H, n_mom, columns, block, dtype, bins)
    have = available_memory()
    if have is None or need["total"] <= have:
        return
    fits = lambda b, d: memory_estimate(H, n_mom, columns, b, d, bins)["total"] <= have  # noqa: E731
    smaller = next((b for b in range(min(block, columns) - 1, 0, -1) if fits(b, dtype)), None)
    advice = [f"block={smaller}"] if smaller else []
    if np.dtype(dtype).itemsize == 8 and fits(min(block, columns), np.float32):
        advice.append("dtype='float32'")
    size = lambda b: f"{b / 2**30:.2f} GiB" if b >= 2**28 else f"{b / 2**20:.1f} MiB"  # noqa: E731
    raise _checks.ParameterError(
        f"KPM needs an estimated {size(need['total'])} (2 H~ {size(need['matrix'])} + 3 vector blocks of N x block = "
        f"{H.shape[0]} x {min(block, columns)} {np.dtype(dtype).name}, {size(need['vectors'])}) but {size(have)} is "
        f"available; 'block' (vectors carried together) sets the memory: "
        + (f"give {' or '.join(advice)}" if advice else "use a machine with more memory")
    )


def _kernel(kernel: str, device: str) -> str:
    """The CPU recursion to run: ``"auto"`` resolved; ``"cuda"`` for the GPU."""
    if device == "cuda":
        if kernel == "fused":
            raise _checks.ParameterError("'kernel' 'fused' runs on the CPU only; got device='cuda' (use kernel='auto')")
        return "cuda"
    if kernel == "auto":
        return "fused" if _fused.available() else "scipy"
    if kernel == "fused" and not _fused.available():
        raise ImportError("kernel='fused' needs numba (pip install numba); kernel='scipy' runs without it")
    return kernel


def _dtype(dtype) -> np.dtype:
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = dtype
    return np.dtype(_checks.choice("dtype", name, DTYPES))


def _project_out_zero_modes(V, labels, sizes):
    """Subtract from every column its mean over each connected component, in place."""
    if len(sizes) == 1:
        V -= V.mean(axis=0, dtype=np.float64).astype(V.dtype)
        return V
    big = int(np.argmax(sizes))
    if 2 * sizes[big] > len(labels):  # one giant component: its mean from the total, the few others node by node
        few = np.flatnonzero(labels != big)
        sums = np.zeros((len(sizes), V.shape[1]))
        np.add.at(sums, labels[few], V[few].astype(np.float64))
        sums[big] = V.sum(axis=0, dtype=np.float64) - sums.sum(axis=0)
        means = (sums / sizes[:, None]).astype(V.dtype)
        rest = V[few]
        V -= means[big]
        V[few] = rest - means[labels[few]]
        return V
    for c in range(V.shape[1]):  # one column at a time: no (N, R) float64 temporary
        means = np.bincount(labels, V[:, c].astype(np.float64), minlength=len(sizes)) / sizes
        V[:, c] -= means[labels].astype(V.dtype)
    return V


register_engine("kpm", kpm_dos)
