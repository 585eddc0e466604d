"""Dz, G, B and G/B of jammed packings against pressure, without the DOS (docs/jamming.md, "G/B").

    PYTHONPATH=src python docs/scripts/jamming_moduli.py DIM N SEEDS [ROOT_SEED] [PRESSURES]

Makes ``SEEDS`` packings of ``N`` harmonic spheres at the target ``PRESSURES`` (a comma list,
default ``workflows.jamming.PRESSURES``, 1e-2 ... 1e-6) as ``bosonpeak jamming`` does
(``jammed_series``, SPEC 7 children of ``ROOT_SEED``, default 2026), measures the backbone's Dz,
relaxed G (orientation average; and its minimum over orientations, negative where the packing is
unstable to some shear) and B, and prints the means over seeds, the local slopes
``d log y / d log p`` between neighbouring pressures, and the fits of the means (percentile
bootstrap over seeds) over all pressures and over all but the highest, the fraction of packings
stable to every simple shear and p N^2 per pressure. Without the DOS it reaches
larger N than the command in the same time: a check of the G/B exponent's dependence on N.
"""

import sys

import numpy as np

from bosonpeak._random import seed_sequences
from bosonpeak.analysis.jamming import coordination, isotropic_shear_modulus, min_shear_modulus
from bosonpeak.analysis.moduli import elastic_tensor
from bosonpeak.analysis.power_law import power_law_fit
from bosonpeak.model.jamming import jammed_series
from bosonpeak.model.potentials import pair_terms
from bosonpeak.workflows.jamming import PRESSURES


def main() -> None:
    dim, N, seeds = (int(a) for a in sys.argv[1:4])
    root = int(sys.argv[4]) if len(sys.argv) > 4 else 2026
    pressures = tuple(float(t) for t in sys.argv[5].split(",")) if len(sys.argv) > 5 else PRESSURES
    rows = []
    for child in seed_sequences(root, seeds):
        series = jammed_series(N, pressures, dim=dim, rng=np.random.default_rng(child))
        rows.append([])
        for jp in series:
            t = pair_terms(jp.particles, jp.pair_potential())
            dz = coordination(t.i, t.j, jp.rattler, dim).delta_z
            e = elastic_tensor(jp.particles, jp.pair_potential(), keep=~jp.rattler)
            rows[-1].append((jp.pressure, jp.phi, dz, isotropic_shear_modulus(e.A), e.bulk, min_shear_modulus(e.A)))
        print(f"seed {len(rows)}: G " + " ".join(f"{r[3]:.3e}" for r in rows[-1]) + " | min over shears "
              + " ".join(f"{r[5]:+.1e}" for r in rows[-1]), flush=True)
    p, phi, dz, G, B, G_min = np.moveaxis(np.array(rows), -1, 0)
    order = np.argsort(-p.mean(axis=0))
    p, phi, dz, G, B, G_min = (a[:, order] for a in (p, phi, dz, G, B, G_min))
    print(f"{dim}D harmonic, N = {N}, {seeds} seeds; pressures " + ", ".join(f"{t:g}" for t in p.mean(axis=0)))
    for name, v in (("phi", phi), ("Dz", dz), ("G", G), ("B", B), ("G/B", G / B)):
        mean = v.mean(axis=0)
        line = f"{name:4s} means " + " ".join(f"{m:.4g}" for m in mean)
        if name != "phi":
            slopes = np.diff(np.log(mean)) / np.diff(np.log(p.mean(axis=0)))
            fits = [(k, power_law_fit(p[:, k:], v[:, k:], method="means")) for k in range(min(2, p.shape[1] - 2))]
            line += " | local slopes " + " ".join(f"{s:.3f}" for s in slopes) + "".join(
                f" | fit from {p[:, k].mean():.0e}: {f.value:.3f} [{f.interval[0]:.3f}, {f.interval[1]:.3f}]" for k, f in fits)
        print(line)
    print("stable to every simple shear (min over orientations > 0): " + " ".join(f"{f:.2f}" for f in (G_min > 0).mean(axis=0))
          + " | p N^2 " + " ".join(f"{t * N**2:.3g}" for t in p.mean(axis=0)))


if __name__ == "__main__":
    main()
