"""The Boson peak against coordination, for jammed packings and the lattice families (docs/findings.md).

    PYTHONPATH=src python docs/scripts/coordination_across_models.py OUT.png JAMMING.nc [JAMMING.nc ...] DISORDER.json

JAMMING.nc: the data sets of ``bosonpeak jamming --out`` (one per dimension); DISORDER.json: what
``bosonpeak disorder --json`` printed. Every point is placed by its excess coordination
``Dz = z - 2d`` (the isostatic count of central forces; the square lattice has z = 4 = 2d) and by
the variance of z, with omega_BP over the system's own Debye frequency omega_D (packings:
``omega_D = (d / level)^(1/d)`` from the Debye level of g/omega^(d-1); the scalar lattice
networks: ``omega_D^2 = 4 pi n c^2``) and the height of g/omega^(d-1) over the Debye level. Prints
the table it plots.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402


def interior(ds, s, k):
    """Whether the maximum of D/omega^(d-1) above omega_1 lies inside the window (not in its first bin),
    on the equal-count bins ``bosonpeak jamming`` reads it from."""
    from bosonpeak.analysis.jamming import MODES_PER_BIN, equal_count_density

    d, N = int(ds.attrs["dim"]), int(ds.attrs["N"])
    modes = int(round(d * N * (1 - ds["rattler_fraction"].values[s, k]))) - d
    w, D = equal_count_density(ds["omega_edges"].values, ds["density"].values[s, k], step=MODES_PER_BIN / modes)
    inside = np.flatnonzero(w > ds["omega_1"].values[s, k])
    return inside.size > 1 and np.argmax((D / w ** (d - 1))[inside]) > 0


def packings(path):
    ds = xr.open_dataset(path)
    d = int(ds.attrs["dim"])
    rows = []
    print(f"{path}: packings whose maximum of D/omega^(d-1) above omega_1 is interior (not at omega_1), per pressure:",
          [int(sum(interior(ds, s, k) for s in range(ds.sizes["seed"]))) for k in range(ds.sizes["target"])],
          f"of {ds.sizes['seed']}")
    for k, target in enumerate(ds["target"].values):
        level = ds["debye_level"].values[:, k]
        w_d = (d / level) ** (1 / d)
        rows.append(dict(label=f"{d}D {ds.attrs['potential']} packings", p=float(target),
                         dz=float(np.nanmean(ds["delta_z"].values[:, k])), var_z=float(np.nanmean(ds["z_variance"].values[:, k])),
                         w=float(np.nanmean(ds["omega_bp"].values[:, k] / w_d)), h=float(np.nanmean(ds["bp_height"].values[:, k])),
                         found=bool(np.nanmean(ds["bp_height"].values[:, k]) > 1
                                    and 2 * sum(interior(ds, s, k) for s in range(ds.sizes["seed"])) > ds.sizes["seed"])))
    return rows


def lattice(path):
    rows = []
    for r in json.load(open(path)):
        if not isinstance(r, dict) or "family" not in r or r.get("c2") is None:
            continue
        w_d = np.sqrt(4 * np.pi * r["c2"])  # scalar 2D, n = 1
        rows.append(dict(label=f"lattice: {r['family']}", p=r["strength"], dz=r["mean_z"] - 4, var_z=r["var_z"],
                         w=(r["omega_bp"] / w_d) if r["omega_bp"] is not None else np.nan,
                         h=r["peak_ratio"] if r["peak_ratio"] is not None else np.nan, found=bool(r["interior_peak"])))
    return rows


def main(out, *inputs):
    rows = []
    for path in inputs:
        rows += packings(path) if path.endswith(".nc") else lattice(path)
    print(f"{'system':28s} {'p or strength':>13s} {'Dz':>7s} {'var z':>7s} {'w_BP/w_D':>9s} {'height':>7s} peak")
    for r in rows:
        print(f"{r['label']:28s} {r['p']:13.4g} {r['dz']:7.3f} {r['var_z']:7.3f} {r['w']:9.4f} {r['h']:7.3f} {'yes' if r['found'] else 'no'}")
    fig, axes = plt.subplots(2, 2, figsize=(10, 8))
    labels = list(dict.fromkeys(r["label"] for r in rows))
    markers = dict(zip(labels, "os^vDP*X"))
    for lab in labels:
        sel = [r for r in rows if r["label"] == lab]
        for (i, j), (xk, yk) in {(0, 0): ("dz", "w"), (0, 1): ("var_z", "w"), (1, 0): ("dz", "h"), (1, 1): ("var_z", "h")}.items():
            x = np.array([r[xk] for r in sel])
            y = np.array([r[yk] for r in sel])
            found = np.array([r["found"] for r in sel])
            line = axes[i, j].plot(x[found], y[found], markers[lab], ls="-", label=lab)[0]
            if (~found).any():
                axes[i, j].plot(x[~found], y[~found], markers[lab], mfc="none", color=line.get_color(), ls="none")
    for ax in axes[:, 0]:
        ax.axvline(0, color="grey", ls=":", lw=1, label="isostatic z = 2d")
    for ax in axes[1]:
        ax.axhline(1, color="grey", ls="--", lw=1, label="Debye level")
    axes[0, 0].set_ylabel("omega_BP / omega_D")
    axes[1, 0].set_ylabel("height over the Debye level")
    for ax in axes[1]:
        ax.set_xlabel({0: "Dz = z - 2d", 1: "var z"}[list(axes[1]).index(ax)])
    axes[0, 0].plot([], [], "o", mfc="none", color="grey", ls="none", label="open: no interior peak above the Debye level")
    axes[0, 0].legend(frameon=False, fontsize=7)
    axes[1, 0].legend(frameon=False, fontsize=7, loc="upper right")
    fig.suptitle("Boson peak against coordination: jammed packings and lattice families")
    fig.tight_layout()
    fig.savefig(out, dpi=130)


if __name__ == "__main__":
    main(*sys.argv[1:])
