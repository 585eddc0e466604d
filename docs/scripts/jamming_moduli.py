"""G, B and G/B of jammed packings against pressure, without the DOS (docs/jamming.md, "G/B").

    PYTHONPATH=src python docs/scripts/jamming_moduli.py DIM N SEEDS [ROOT_SEED]

Makes ``SEEDS`` packings of ``N`` harmonic spheres at p = 1e-1 ... 1e-4 as ``bosonpeak jamming``
does (``jammed_series``, SPEC 7 children of ``ROOT_SEED``, default 2026), measures the relaxed G
(orientation average) and B of each backbone, and prints the means over seeds, the local slopes
``d log y / d log p`` between neighbouring pressures, and the fits of the means (percentile
bootstrap over seeds) over all four pressures and over 1e-2 ... 1e-4.
"""

import sys

import numpy as np

from bosonpeak._random import seed_sequences
from bosonpeak.analysis.jamming import isotropic_shear_modulus, power_law_fit
from bosonpeak.analysis.moduli import elastic_tensor
from bosonpeak.model.jamming import jammed_series

PRESSURES = (1e-1, 1e-2, 1e-3, 1e-4)


def main() -> None:
    dim, N, seeds = (int(a) for a in sys.argv[1:4])
    root = int(sys.argv[4]) if len(sys.argv) > 4 else 2026
    rows = []
    for child in seed_sequences(root, seeds):
        series = jammed_series(N, PRESSURES, dim=dim, rng=np.random.default_rng(child))
        rows.append([])
        for jp in series:
            e = elastic_tensor(jp.particles, jp.pair_potential(), keep=~jp.rattler)
            rows[-1].append((jp.pressure, jp.phi, isotropic_shear_modulus(e.A), e.bulk))
    p, phi, G, B = np.moveaxis(np.array(rows), -1, 0)
    print(f"{dim}D harmonic, N = {N}, {seeds} seeds; pressures {PRESSURES}")
    for name, v in (("phi", phi), ("G", G), ("B", B), ("G/B", G / B)):
        mean = v.mean(axis=0)
        line = f"{name:4s} means " + " ".join(f"{m:.4g}" for m in mean)
        if name != "phi":
            slopes = np.diff(np.log(mean)) / np.diff(np.log(p.mean(axis=0)))
            full = power_law_fit(p, v, method="means")
            near = power_law_fit(p[:, 1:], v[:, 1:], method="means")
            line += (f" | local slopes " + " ".join(f"{s:.3f}" for s in slopes) + f" | fit 1e-1..1e-4 {full.value:.3f} "
                     f"[{full.interval[0]:.3f}, {full.interval[1]:.3f}], 1e-2..1e-4 {near.value:.3f} "
                     f"[{near.interval[0]:.3f}, {near.interval[1]:.3f}]")
        print(line)


if __name__ == "__main__":
    main()
