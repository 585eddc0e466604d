"""Diagnostic: beta of D(omega) ~ omega^beta against the upper end of the window (docs/jamming.md).

    PYTHONPATH=src python docs/scripts/qlm_window.py QLM.nc [QLM.nc ...]

QLM.nc: the data set of ``bosonpeak qlm --out``. For each file, refits the same pooled modes with
the window's upper end at 0.25, 0.30, ... of each sample's first band omega_1, up to the
``--band-fraction`` the run used (its modes above that were not all computed), and prints beta,
its bootstrap interval, the number of modes and their median participation ratio. This shows
how the local exponent changes along the spectrum; it is not the acceptance fit, whose window
(half of omega_1) is fixed in advance.
"""

import sys

import numpy as np
import xarray as xr

from bosonpeak.analysis.qlm import low_frequency_exponent

for path in sys.argv[1:]:
    ds = xr.open_dataset(path)
    omega, cut, sample, P = (ds[k].values for k in ("omega", "cutoff", "sample", "participation"))
    ok = np.isfinite(cut)
    omega, cut, sample, P = omega[ok], cut[ok], np.unique(sample[ok], return_inverse=True)[1], P[ok]
    top = float(ds.attrs["band_fraction"]) if "band_fraction" in ds.attrs else 0.5
    w1 = cut / top
    print(f"{path}: {int(sample.max()) + 1} samples")
    print("  window end / omega_1   modes   beta   interval (bootstrap over samples)   median P")
    for f in np.arange(0.25, top + 1e-9, 0.05):
        fit = low_frequency_exponent(omega, f * w1, samples=sample)
        print(f"  {f:20.2f} {fit.n_modes:7d} {fit.beta:6.2f}   [{fit.interval[0]:.2f}, {fit.interval[1]:.2f}]"
              f"{'':24s}{np.median(P[omega < f * w1]):.3f}")
