"""DOS of vector dynamical matrices (``d`` displacement components per node), their exact
zero-mode count, and the cost of a vector problem before it is run.

Normalisation: per degree of freedom, ``counts / (d N * bin width)``, so the DOS integrates
to 1 over all ``d N`` modes. The known zero modes reach every engine through
``dos(..., n_zero=...)``; the jammed glass's Hessian (``glass_dos``) is the special case
``n_zero = 2`` (rigid translations only).

Zero-mode count (``vector_zero_modes``): the number of eigenvalues of ``K`` below
``ZERO_TOL * B`` (``B`` the Gershgorin bound), with a certified gap above it:

* ``"dense"``: every eigenvalue (``eigvalsh``); the count is of those below
  ``tau = ROUNDOFF_TOL * n * eps * B`` (ten times the backward error; the zero modes come out
  at ``~1e-16 B``), and no eigenvalue may lie in ``[tau, DENSE_GAP * tau)``. Dense certifies
  soft modes the inertia method cannot (above ``~1e-12 B`` for ``n`` up to ``DENSE_COUNT_MAX``).
* ``"inertia"``: Sylvester inertia of ``K - sigma I`` (the certified LDL^T of
  ``bosonpeak.spectra.slicing``) at ``sigma = ZERO_TOL * B`` and ``GAP * ZERO_TOL * B``; the
  two counts must agree (no soft mode in between), and the factorisation's backward error
  (``eps * growth * B``, growth checked) is far below ``sigma``.

Either raises ``ZeroModeError`` rather than return a count it cannot separate from soft
modes. The count is checked against Maxwell's lower bound ``max(d N - E, d)`` when the
network is known.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import _checks, _resources
from ..matrices.laplacian import as_matrix
from ..matrices.vector import maxwell_count, vector_dynamical_matrix
from ..model.glass import DIM
from ..model.lattice import SpringNetwork, is_crystal
from .slicing import eigenvalue_counts
from .spectrum import DOS, default_edges, dos, gershgorin_bound

#: Eigenvalues below ``ZERO_TOL * B`` count as zero modes (inertia method). Above the
#: backward error ``eps * GROWTH_LIMIT * B ~ 1.5e-9 B`` that slicing certifies.
ZERO_TOL = 1e-8
#: The count must not change between ``ZERO_TOL * B`` and ``GAP * ZERO_TOL * B``.
GAP = 10.0
#: Dense method: zero modes lie below ``ROUNDOFF_TOL * n * eps * B`` (``eigvalsh``'s backward error
#: is ~ n eps B; the zero modes come out at ~1e-16 B); nothing may lie between it and ``DENSE_GAP``
#: times it. A soft mode above that is certified non-zero (a 3D network of L = 6 has one at
#: 1.3e-10 B, which the inertia method, certain only to ~1.5e-9 B, cannot tell from zero).
ROUNDOFF_TOL = 10.0
#: Dense method: the empty gap above the zero threshold that certifies the count.
DENSE_GAP = 10.0
#: ``method="auto"`` diagonalises densely up to this many degrees of freedom.
DENSE_COUNT_MAX = 4000
COUNT_METHODS = ("auto", "dense", "inertia")
MODELS = ("scalar", "vector")


#: What a user can do when the count is ambiguous.
ZERO_ADVICE = "pass the count if it is known (n_zero; bosonpeak dos --zero-modes N), count with method='dense', or use another seed or size"


class ZeroModeError(ArithmeticError, _checks.RunError):
    """Zero modes that cannot be told apart from soft modes at the working precision (a run
    that cannot finish: the CLI prints one line and exits with 1)."""


def vector_zero_modes(net_or_K, *, method: str = "auto", info: bool = False):
    """Exact number of zero modes of a vector dynamical matrix (see the module notes).

    Parameters
    ----------
    net_or_K : SpringNetwork or (d N, d N) symmetric matrix
        A network (its ``vector_dynamical_matrix`` is used, and the count is checked against
        Maxwell's bound) or the matrix itself.
    method : {"auto", "dense", "inertia"}
        ``"auto"``: dense up to ``DENSE_COUNT_MAX`` degrees of freedom, inertia above.
    info : bool
        Also return a dict with the method, thresholds and the gap seen.

    Returns
    -------
    int, or (int, dict) with ``info=True``

    Examples
    --------
    >>> import bosonpeak
    >>> from bosonpeak.spectra.vector import vector_zero_modes
    >>> vector_zero_modes(bosonpeak.network(6, 0.0, rule="nearest"))  # 2 L sliding rows and columns
    12
    >>> vector_zero_modes(bosonpeak.network(4, 0.0, rule="nearest", dim=3), method="inertia")  # 3 L**2
    48
    """
    method = _checks.choice("method", method, COUNT_METHODS)
    net = net_or_K if isinstance(net_or_K, SpringNetwork) else None
    K = vector_dynamical_matrix(net) if net is not None else as_matrix(net_or_K, "net_or_K")
    n = K.shape[0]
    bound = max(gershgorin_bound(K), np.finfo(float).tiny)
    if method == "auto":
        method = "dense" if n <= DENSE_COUNT_MAX else "inertia"
    if method == "dense":
        lam = np.linalg.eigvalsh(K.toarray())
        tol = ROUNDOFF_TOL * n * np.finfo(float).eps  # relative to B
        count = int(np.count_nonzero(lam < tol * bound))
        ambiguous = (lam >= tol * bound) & (lam < DENSE_GAP * tol * bound)
        above = lam[lam >= tol * bound]
        details = dict(method="dense", threshold=tol * bound, largest_zero=float(lam[count - 1]) if count else None,
                       smallest_nonzero=float(above[0]) if above.size else None)
        if ambiguous.any():
            raise ZeroModeError(f"{int(ambiguous.sum())} eigenvalue(s) between {tol:.2g} B and {DENSE_GAP * tol:.2g} B "
                                f"(B = {bound:.4g}): soft modes too close to zero for an exact count; {ZERO_ADVICE}")
    else:
        sigma = np.array([ZERO_TOL, GAP * ZERO_TOL]) * bound
        counts, meta = eigenvalue_counts(K, sigma)
        if counts[0] != counts[1]:
            raise ZeroModeError(f"{int(counts[1] - counts[0])} eigenvalue(s) between {ZERO_TOL:g} B and {GAP * ZERO_TOL:g} B "
                                f"(B = {bound:.4g}): soft modes too close to zero for an exact count; {ZERO_ADVICE}")
        count = int(counts[0])
        details = dict(method="inertia", threshold=float(sigma[0]), gap_checked_to=float(sigma[1]), growth=meta["growth"])
    if net is not None:
        low = maxwell_count(net)["lower_bound"]
        if count < low:
            raise ZeroModeError(f"counted {count} zero modes, below Maxwell's lower bound {low}")
        details["maxwell"] = maxwell_count(net)
    return (count, details) if info else count


def vector_dos(net: SpringNetwork, edges=None, *, method: str = "dense", zero_modes: bool = False, rng=None,
               progress: bool = False, n_zero: int | None = None, max_bytes: float | None = None,
               max_seconds: float | None = None, **options) -> DOS:
    """DOS per degree of freedom of a network's vector dynamical matrix, any engine.

    The cost is estimated first (``vector_resources``) and the problem refused past
    ``max_bytes`` / ``max_seconds``. The zero modes are counted exactly
    (``vector_zero_modes``) unless ``n_zero`` is given.

    Parameters
    ----------
    net : SpringNetwork
        2D or 3D.
    edges, method, zero_modes, rng, progress, **options
        As for ``bosonpeak.dos``.
    n_zero : int, optional
        Known zero-mode count (skips the count).
    max_bytes, max_seconds : float, optional
        Limits for ``check_resources``; defaults there.

    Returns
    -------
    DOS
        ``n_modes = d N``; ``zero_modes`` is the exact count.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.vector import vector_dos
    >>> net = bosonpeak.network(8, 0.2, cutoff=1.6, rng=1)
    >>> g = vector_dos(net, np.linspace(0, 4, 41))
    >>> g.n_modes, g.zero_modes, round(g.integral() * g.n_modes)
    (128, 2.0, 126)
    """
    if not isinstance(net, SpringNetwork):
        raise _checks.ParameterTypeError(f"'net' must be a SpringNetwork; got {type(net).__name__}")
    check_resources(net.n_nodes, net.dim, model="vector", method=method, mean_z=float(np.mean(net.coordination)),
                    count_zero_modes=n_zero is None, max_bytes=max_bytes, max_seconds=max_seconds)
    K = vector_dynamical_matrix(net)
    if n_zero is None:
        n_zero = vector_zero_modes(net)
    edges = default_edges(K) if edges is None else edges
    g = dos(K, edges, method=method, zero_modes=zero_modes, rng=rng, progress=progress, n_zero=n_zero, dim=net.dim, model="vector", **options)
    return dataclasses.replace(g, crystal=is_crystal(net))


def glass_dos(H, edges, *, method: str = "dense", rng=None, progress: bool = False, **options) -> DOS:
    """DOS per mode of a jammed packing's Hessian with its ``d = 2`` translations removed:
    ``dos(H, edges, zero_modes=False, n_zero=2)``.

    A jammed packing without rattlers is rigid, so its zero modes are the two uniform
    translations. Normalisation stays per ``2 M`` modes.

    Examples
    --------
    >>> import numpy as np, bosonpeak
    >>> from bosonpeak.spectra.vector import glass_dos
    >>> H = bosonpeak.glass_hessian(bosonpeak.jammed_packing(64, 0.9, rng=1))
    >>> g = glass_dos(H, np.linspace(0, 3, 61))
    >>> round(g.integral() * H.shape[0]) == H.shape[0] - 2, g.zero_modes
    (True, 2.0)
    """
    return dos(H, edges, method=method, zero_modes=False, rng=rng, progress=progress, n_zero=DIM, dim=DIM, model="vector", **options)


#: Default time limit of ``check_resources`` (seconds).
DEFAULT_MAX_SECONDS = 3600.0


def vector_resources(n_nodes: int, dim: int, *, model: str = "vector", method: str = "dense", mean_z: float = 6.0,
                     bins: int = 80, moments: int = 400, vectors: int = 16, count_zero_modes: bool = True) -> dict:
    """Rough memory (bytes) and time (seconds) of one DOS, estimated before any work.

    Calibrated on this project's shared 2-core machine (``benchmarks/bench_vector.py``
    prints estimate / measured); they are orders of magnitude, meant to refuse hopeless runs,
    not to schedule. ``n = d N`` degrees of freedom (``N`` for the scalar model),
    ``nnz ~ n d (z + 1)``: dense ``16 n**2`` bytes, ``n**3 / 1e9`` s; banded
    ``16 (b + 1) n`` with ``b ~ 2 d n / L``, ``n**2 b / 2e8`` s; slicing (LDL^T fill ``6 n log n`` in 2D,
    ``35 n**(4/3)`` in 3D) ``2e-7 n**2`` (3D) or ``1.3e-7 n**1.5`` (2D) s per bin edge;
    kpm ``24 nnz + 24 n R`` bytes, ``M R nnz / 1e9`` s. The exact zero-mode count of a
    vector matrix adds a dense or two-shift slicing run.

    Examples
    --------
    >>> from bosonpeak.spectra.vector import vector_resources
    >>> r = vector_resources(40**3, 3, method="dense")
    >>> r["dof"], round(r["bytes"] / 2**30)
    (192000, 549)
    """
    n_nodes = _checks.integer("n_nodes", n_nodes, minimum=1)
    dim = _checks.integer("dim", dim, minimum=2, maximum=3)
    model = _checks.choice("model", model, MODELS)
    mean_z = _checks.real("mean_z", mean_z, minimum=0.0)
    per = dim if model == "vector" else 1
    n = float(per * n_nodes)
    nnz = n * per * (mean_z + 1.0)
    side = n_nodes ** (1.0 / dim)
    if method == "dense":
        mem, sec = 16.0 * n**2, n**3 / 1e9
    elif method == "banded":
        b = 2.0 * per * n_nodes / side
        mem, sec = 16.0 * (b + 1.0) * n, n**2 * b / 2e8
    elif method == "slicing":
        fill = 35.0 * n ** (4.0 / 3.0) * max(mean_z, 1.0) / 14.0 if dim == 3 else 6.0 * n * np.log(max(n, 2.0))
        mem = 16.0 * fill + 24.0 * nnz
        sec = (2e-7 * n**2 * max(mean_z, 1.0) / 14.0 if dim == 3 else 1.3e-7 * n**1.5) * (bins + 1)
    else:  # kpm and any other iterative engine
        mem, sec = 24.0 * nnz + 24.0 * n * vectors, moments * vectors * nnz / 1e9
    if model == "vector" and count_zero_modes:
        if n <= DENSE_COUNT_MAX:
            mem, sec = max(mem, 16.0 * n**2), sec + n**3 / 1e9
        else:
            c = vector_resources(n_nodes, dim, model=model, method="slicing", mean_z=mean_z, bins=1, count_zero_modes=False)
            mem, sec = max(mem, c["bytes"]), sec + c["seconds"]
    return dict(dof=int(n), nnz=int(nnz), bytes=float(mem), seconds=float(sec), method=method, model=model, dim=dim)


def check_resources(n_nodes: int, dim: int, *, model: str = "vector", method: str = "dense", mean_z: float = 6.0,
                    max_bytes: float | None = None, max_seconds: float | None = None, **kwargs) -> dict:
    """``vector_resources``, raising ``ParameterError`` past ``max_bytes`` (default: the
    limit of ``bosonpeak._resources``: ``--memory-limit``, ``BOSONPEAK_MEMORY_LIMIT`` or the memory available; none
    under ``--force``) or ``max_seconds`` (default ``DEFAULT_MAX_SECONDS``).

    Examples
    --------
    >>> from bosonpeak.spectra.vector import check_resources
    >>> check_resources(40**3, 3, method="dense", max_bytes=2**34)
    Traceback (most recent call last):
    ...
    bosonpeak._checks.ParameterError: vector DOS of N = 64000 nodes in 3D (192000 degrees of freedom) with method 'dense' needs about 549 GiB and 7.1e+06 s; limits 16 GiB and 3.6e+03 s: use method='kpm', a smaller L, or raise the limits
    """
    est = vector_resources(n_nodes, dim, model=model, method=method, mean_z=mean_z, **kwargs)
    if max_bytes is None:  # the ambient limit of bosonpeak._resources (--memory-limit, --force, BOSONPEAK_MEMORY_LIMIT)
        limit, source = _resources.memory_limit()
        if source == "--force":
            return est
        max_bytes = float("inf") if limit is None else float(limit)
    else:
        max_bytes = _checks.real("max_bytes", max_bytes, minimum=0.0)
    max_seconds = DEFAULT_MAX_SECONDS if max_seconds is None else _checks.real("max_seconds", max_seconds, minimum=0.0)
    if est["bytes"] > max_bytes or est["seconds"] > max_seconds:
        if kwargs.get("count_zero_modes", True) and model == "vector":
            bare = vector_resources(n_nodes, dim, model=model, method=method, mean_z=mean_z, **{**kwargs, "count_zero_modes": False})
            if bare["bytes"] <= max_bytes and bare["seconds"] <= max_seconds:
                raise _checks.ParameterError(
                    f"the exact zero-mode count of a {dim}D vector network of N = {n_nodes} nodes needs about "
                    f"{est['bytes'] / 2**30:.3g} GiB and {est['seconds']:.2g} s (limits {max_bytes / 2**30:.3g} GiB, "
                    f"{max_seconds:.2g} s): pass n_zero (bosonpeak dos --zero-modes) if it is known, or use a smaller L")
        raise _checks.ParameterError(
            f"{model} DOS of N = {n_nodes} nodes in {dim}D ({est['dof']} degrees of freedom) with method {method!r} needs "
            f"about {est['bytes'] / 2**30:.3g} GiB and {est['seconds']:.2g} s; limits {max_bytes / 2**30:.3g} GiB and "
            f"{max_seconds:.2g} s: use method='kpm', a smaller L, or raise the limits")
    return est
