"""Pieces of ``workflows.solid`` (private): step timing, and KPM on the Hessian in d x d blocks with ``solid``'s defaults."""

from __future__ import annotations

#: KPM in ``solid``: the resolution (kernel width at omega = 0) in bins, and the size from which
#: 4 float32 vectors are used (at 10^5 degrees of freedom and more the stochastic error of a bin is
#: well below the kernel's bias; both are in the error bars).
KPM_RESOLUTION_PER_BIN = 2.0
KPM_LARGE_DOF = 100_000


class _Clock:
    """Runs steps and keeps their wall times (``seconds``: step -> s, summed over repeats)."""

    def __init__(self, seconds=None):
        self.seconds = {} if seconds is None else seconds

    def __call__(self, name, f):
        import time

        t = time.perf_counter()
        out = f()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t
        return out


def kpm_options(dof: int, bin_width: float, options: dict) -> dict:
    """The KPM options of ``solid``: a resolution of ``KPM_RESOLUTION_PER_BIN`` bins (unless the user
    gives ``moments``), the Lanczos bound; 4 vectors and float32 from ``KPM_LARGE_DOF`` degrees of
    freedom on, 16 and float64 below; the user's ``options`` over these."""
    large, options = dof >= KPM_LARGE_DOF, dict(options or {})
    base = {"bound": "lanczos", "vectors": 4 if large else 16, "dtype": "float32" if large else "float64"}
    if "moments" not in options:
        base["resolution"] = KPM_RESOLUTION_PER_BIN * bin_width
    return {**base, **options}


def _dos(D, edges, method, n_zero, rng, progress, d, options):
    """The DOS per mode with the ``n_zero`` zero modes left out; KPM runs on ``D`` in d x d blocks (BSR: no copy into CSR)."""
    from dataclasses import replace

    from ..spectra.spectrum import dos, known_zero_modes

    if method != "kpm":
        return dos(D, edges, method=method, zero_modes=False, n_zero=n_zero, rng=rng, progress=progress, dim=d, model="vector",
                   **options)
    from ..spectra.kpm import kpm_dos

    if getattr(D, "format", None) != "bsr":
        D = D.tobsr(blocksize=(d, d))
    g = kpm_dos(D, edges, zero_modes=True, rng=rng, progress=progress, **options)
    return replace(known_zero_modes(g, n_zero, False), dim=d, model="vector", crystal=False)
