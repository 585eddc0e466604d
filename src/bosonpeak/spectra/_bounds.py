"""Upper bounds on the spectrum of a large symmetric matrix for the KPM scaling (private; ``kpm``).

* ``"gershgorin"``: ``max_i sum_j |H_ij|``, proven, and loose for a particle Hessian (61 where the
  top of a Kob-Andersen glass's spectrum is ~41: the moments for a resolution in omega grow
  like ``sqrt(lambda_max)``).
* ``"lanczos"``: ``LANCZOS_STEPS`` Lanczos steps from a random vector (seeded); the largest Ritz
  value ``theta`` lies below ``lambda_max`` (interlacing), and some eigenvalue lies within the
  residual norm ``rho = beta_k |s_k|`` of it. ``theta + rho`` bounds ``lambda_max`` where that
  eigenvalue is the largest (the Ritz value of the top of the spectrum converges first; Zhou and
  Li, Linear Algebra Appl. 435, 480 (2011)), which is not proven for every start vector: the bound
  is therefore ``(theta + rho) (1 + LANCZOS_MARGIN)``, never above Gershgorin's, and KPM checks it
  afterwards: with the whole spectrum of ``H~`` inside ``[-1, 1]``, ``|mu_n| <= mu_0`` for every
  moment (``|T_n| <= 1`` there), while an eigenvalue outside makes the moments grow exponentially.
  A run whose moments break this is run again with Gershgorin's bound (``kpm``).
"""

from __future__ import annotations

import numpy as np

from . import _block

BOUNDS = ("gershgorin", "lanczos")
#: Relative margin added to the Gershgorin bound so that ``H~`` stays inside ``[-1, 1]``.
SAFETY = 0.01
#: Lanczos steps of the ``"lanczos"`` bound.
LANCZOS_STEPS = 24
#: Relative margin added to ``theta + rho``.
LANCZOS_MARGIN = 0.01
#: KPM's check of the bound: a run whose ``|mu_n|`` exceed ``mu_0 (1 + MOMENT_SLACK)`` is run again.
MOMENT_SLACK = 1e-3


def gershgorin(H) -> float:
    """``max_i sum_j |H_ij|`` of CSR or BSR ``H``, without a copy of it."""
    if _block.block_size(H):
        return float(_block.abs_row_sums(_block.block_matrix(H)).max(initial=0.0))
    from .spectrum import gershgorin_bound

    return gershgorin_bound(H)


def lanczos(H, *, steps: int = LANCZOS_STEPS, rng=None, threads: int = 1) -> dict:
    """``theta`` (largest Ritz value), ``rho`` (its residual norm) and ``bound = theta + rho``
    after ``steps`` Lanczos steps from a Rademacher vector drawn from ``rng``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from bosonpeak.spectra._bounds import lanczos
    >>> H = sp.diags(np.linspace(0.0, 4.0, 400)).tocsr()
    >>> b = lanczos(H, rng=0)
    >>> bool(b["theta"] <= 4.0 <= b["bound"]), b["bound"] < 4.2
    (True, True)
    """
    n = H.shape[0]
    stepper = _block.Stepper(_block.block_matrix(H), threads) if _block.block_size(H) and _block_ok() else None

    def product(v):
        if stepper is not None:
            return stepper.product(v[:, None])[0][:, 0]
        return np.asarray(H @ v, dtype=float)

    v = np.random.default_rng(rng).choice([-1.0, 1.0], size=n) / np.sqrt(n)
    v_old = np.zeros(n)
    alphas, betas = [], []
    beta = 0.0
    try:
        for _ in range(min(steps, n)):
            w = product(v) - beta * v_old
            alpha = float(v @ w)
            w -= alpha * v
            beta = float(np.linalg.norm(w))
            alphas.append(alpha)
            betas.append(beta)
            if beta <= 1e-14 * max(abs(alpha), 1.0):  # an invariant subspace: the Ritz values are eigenvalues
                break
            v_old, v = v, w / beta
    finally:
        if stepper is not None:
            stepper.close()
    T = np.diag(alphas) + np.diag(betas[:-1], 1) + np.diag(betas[:-1], -1)
    theta, S = np.linalg.eigh(T)
    rho = abs(betas[-1] * S[-1, -1])
    return {"theta": float(theta[-1]), "rho": float(rho), "bound": float(theta[-1] + rho), "steps": len(alphas)}


def _block_ok() -> bool:
    from . import _fused

    return _fused.available()


def spectral_bound(H, method: str, *, rng=None, threads: int = 1) -> tuple[float, dict]:
    """``lambda_max`` for the KPM scaling by ``method`` (``BOUNDS``; margins included) and what it came from."""
    g = max(gershgorin(H), np.finfo(float).tiny)
    if method == "gershgorin":
        return (1.0 + SAFETY) * g, {"bound": "gershgorin", "gershgorin": g}
    b = lanczos(H, rng=rng, threads=threads)
    lam = min((1.0 + LANCZOS_MARGIN) * max(b["bound"], np.finfo(float).tiny), (1.0 + SAFETY) * g)
    return lam, {"bound": "lanczos", "gershgorin": g, "lanczos_theta": b["theta"], "lanczos_residual": b["rho"]}


def moments_inside(raw: np.ndarray) -> bool:
    """Whether every ``|mu_n| <= mu_0 (1 + MOMENT_SLACK)`` (rows: vectors): the spectrum of ``H~`` in ``[-1, 1]``."""
    raw = np.asarray(raw)
    return bool(np.all(np.abs(raw) <= np.abs(raw[:, :1]) * (1.0 + MOMENT_SLACK) + 1e-300))
