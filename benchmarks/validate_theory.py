"""Effective-medium theory against network numerics: the numbers and figures of docs/theory.md.

    PYTHONPATH=src python benchmarks/validate_theory.py crystal     # pure-lattice CPA vs crystal DOS
    PYTHONPATH=src python benchmarks/validate_theory.py dilution    # k_eff(0) and measured c^2, L = 100
    PYTHONPATH=src python benchmarks/validate_theory.py uniform     # CPA g vs DOS in 0.1 bins, w = 0.5
    PYTHONPATH=src python benchmarks/validate_theory.py families    # figure: w = 0.5, 0.9, 1.0 and p = 0.1, 0.2, 0.3
    PYTHONPATH=src python benchmarks/validate_theory.py paper       # node CPA vs the paper's networks (+ figure)
    PYTHONPATH=src python benchmarks/validate_theory.py diagonals   # c^2 of the paper's networks with/without diagonals

Networks with i.i.d. springs or diluted bonds are built here from the crystal
(``bosonpeak.network(L, 0, rule="nearest", spring="constant")`` with new stiffness or fewer
bonds); ``bosonpeak disorder`` builds the same families in the package. Figures go to
``docs/figures/`` (not in git). Seeds are children of one SeedSequence per run.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np

import bosonpeak
from bosonpeak.theory import (atoms, bond_cpa, crystal_dos, effective_medium, spring_distribution, theory_curve)
from bosonpeak.theory.node import node_cpa, paper_stars

FIGURES = Path(__file__).resolve().parents[1] / "docs" / "figures"
ROOT = 2026


def crystal_lattice(L):
    return bosonpeak.network(L, 0.0, rule="nearest", spring="constant")


def family_network(base, family, strength, rng):
    gen = np.random.default_rng(rng)
    if family == "dilution":
        keep = gen.random(len(base.bonds)) >= strength
        return dataclasses.replace(base, bonds=base.bonds[keep], stiffness=base.stiffness[keep])
    if family == "springs-uniform":
        return dataclasses.replace(base, stiffness=gen.uniform(1 - strength, 1 + strength, len(base.bonds)))
    raise ValueError(family)


def crystal() -> None:
    omega = np.linspace(0, 3, 500)
    curve = bond_cpa(atoms([1.0]), omega)
    print(f"max |g_CPA - g_crystal| on 500 frequencies in [0, 3]: {np.max(np.abs(curve.dos - crystal_dos(omega))):.2e}")


def dilution() -> None:
    base = crystal_lattice(100)
    print("p     k_eff(0)      1 - 2p   |diff|     measured c^2 (L=100, 4 seeds)   mean - k_eff(0)")
    for p in (0.05, 0.1, 0.15, 0.2, 0.3):
        k0 = effective_medium(spring_distribution("dilution", p))
        c2 = [bosonpeak.sound_speed(family_network(base, "dilution", p, ch)) ** 2
              for ch in np.random.SeedSequence(ROOT).spawn(4)]
        print(f"{p:4.2f}  {k0:.12f}  {1 - 2 * p:4.2f}  {abs(k0 - 1 + 2 * p):.1e}  "
              f"{' '.join(f'{c:.4f}' for c in c2)}   {np.mean(c2) - k0:+.4f}")


def uniform() -> None:
    from bosonpeak.theory import sound_damping

    theory = bond_cpa(spring_distribution("springs-uniform", 0.5), np.linspace(0, 2, 401))
    edges = np.round(np.arange(0.2, 1.81, 0.1), 10)
    for L, seeds in ((100, 4), (300, 2)):
        base = crystal_lattice(L)
        g = np.array([bosonpeak.dos(family_network(base, "springs-uniform", 0.5, ch), edges, method="slicing").density
                      for ch in np.random.SeedSequence(ROOT).spawn(seeds)])
        rel = g.mean(axis=0) / theory.binned(edges) - 1
        print(f"L = {L}, {seeds} seeds: relative deviation per 0.1 bin from omega = 0.2:")
        print("  " + " ".join(f"{r:+.3f}" for r in rel), f"  max |dev| = {np.max(np.abs(rel)):.3f}",
              f"(omega >= 0.6: {np.max(np.abs(rel[4:])):.3f})")
        print(f"  lowest bin: g per seed {' '.join(f'{x:.4f}' for x in g[:, 0])}, CPA {theory.binned(edges)[0]:.4f}")
    Omega, Gamma = sound_damping(theory, [0.2, 0.3])
    print(f"CPA damping: Gamma = {Gamma[0]:.1e} at Omega = {Omega[0]:.3f}, {Gamma[1]:.1e} at Omega = {Omega[1]:.3f}")


def _ensemble(family, strength, L=100, seeds=4):
    edges = np.round(np.arange(0.0, 3.01, 0.05), 10)
    base = crystal_lattice(L)
    nets = [family_network(base, family, strength, ch) for ch in np.random.SeedSequence(ROOT).spawn(seeds)]
    g = np.array([bosonpeak.dos(n, edges, method="slicing", zero_modes=False).density for n in nets])
    c2 = np.mean([bosonpeak.sound_speed(n) ** 2 for n in nets])
    centres = 0.5 * (edges[1:] + edges[:-1])
    return centres, g.mean(axis=0) / centres, g.std(axis=0, ddof=1) / np.sqrt(seeds) / centres, c2


def families() -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bosonpeak.plotting.theory import plot_theory_vs_numerics, theory_legend_handles

    cases = [("springs-uniform", w) for w in (0.5, 0.9, 1.0)] + [("dilution", p) for p in (0.1, 0.2, 0.3)]
    fig, axes = plt.subplots(2, 3, figsize=(12, 7))
    omega = np.linspace(0, 3, 301)
    print("family             c2 measured  c2 theory   omega_BP theory   max g/omega: networks  CPA")
    for ax, (family, s) in zip(axes.ravel(), cases):
        centres, red, err, c2 = _ensemble(family, s)
        curve = theory_curve(family, s, omega)
        name = r"$w$" if family.startswith("springs") else r"$p$"
        plot_theory_vs_numerics(centres, red, err, omega, curve.reduced, c2=c2, c2_theory=curve.c2, omega_bp_theory=curve.omega_bp,
                                theory_label="bond CPA", data_label=r"networks, $L=100$, 4 seeds", omega_max=3.0, ax=ax,
                                title=f"{family}, {name} = {s:g}")
        ax.set_ylim(0, 0.65)
        ax.get_legend().remove()
        inside = centres <= 1.5
        bp = "none " if curve.omega_bp is None else f"{curve.omega_bp:.3f}"
        print(f"{family:16s} {s:4.2f}  {c2:.4f}      {curve.c2:.4f}     {bp}             "
              f"{np.max(red[inside]):.3f}     {np.max(curve.reduced[omega <= 1.5]):.3f}   (omega <= 1.5)")
    fig.legend(theory_legend_handles(), [r"networks, $L=100$, 4 seeds", "bond CPA", r"Debye, measured $c^2$", r"Debye, CPA $c^2$",
                                         r"CPA $\omega_{\rm BP}$"], loc="lower center", ncol=5, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    FIGURES.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURES / "theory_families.png", dpi=110)
    print(f"wrote {FIGURES / 'theory_families.png'}")


def paper() -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    omega = np.linspace(0, 4.5, 226)
    edges = np.round(np.arange(0.0, 3.01, 0.05), 10)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
    print("delta  c2: measured  node(strain)  node(bond)  bond-CPA(nn)   omega_BP: measured [95%]   node(strain)  node(bond)  bond-CPA(nn)")
    for ax, delta in zip(axes, (0.1, 0.2, 0.3)):
        stars = paper_stars(delta)
        node = node_cpa(stars, omega)
        node_bond = node_cpa(stars, omega, projection="bond")
        bond = bond_cpa(atoms(stars.stiffness[:, :4].ravel(), name=f"nearest springs of delta={delta:g}"), omega)
        g = bosonpeak.ensemble_dos(100, delta, edges, seeds=4, method="slicing", zero_modes=False, rng=ROOT)
        c = [bosonpeak.sound_speed(bosonpeak.network(100, delta, rng=ch)) for ch in np.random.SeedSequence(ROOT).spawn(4)]
        bp = bosonpeak.boson_peak(g, c=np.mean(c), rng=0)
        lo, hi = bp.omega_interval
        fmt = lambda v: "None " if v is None else f"{v:.3f}"
        print(f"{delta:4.2f}   {np.mean(np.square(c)):.3f}        {node.c2:.3f}        {node_bond.c2:.3f}       {bond.c2:.3f}"
              f"          {bp.omega:.3f} [{lo:.3f}, {hi:.3f}]    {fmt(node.omega_bp)}         {fmt(node_bond.omega_bp)}"
              f"       {fmt(bond.omega_bp)}")
        second = stars.weights @ stars.stiffness.sum(axis=1)
        print(f"       <omega^2>: exact {second:.3f}, node(strain) {np.trapezoid(omega**2 * node.dos, omega):.3f}, "
              f"node(bond) {np.trapezoid(omega**2 * node_bond.dos, omega):.3f} (grid to omega = {omega[-1]:g})")
        ax.errorbar(g.centres, g.reduced, g.error / g.centres, fmt="o", ms=3, color="k", label=r"networks, $L=100$, 4 seeds")
        ax.plot(omega, node.reduced, color="C0", label="node CPA (strain)")
        ax.plot(omega, node_bond.reduced, color="C3", ls="-.", label="node CPA (bond)")
        ax.plot(omega, bond.reduced, color="C2", ls="--", label="bond CPA, nearest springs")
        ax.axhline(1 / (2 * np.pi * np.mean(np.square(c))), color="k", ls=":", lw=1, label=r"Debye, measured $c^2$")
        ax.set_title(rf"paper's networks, $\delta = {delta:g}$")
        ax.set_xlabel(r"$\omega$")
        ax.set_ylim(0, 0.5)
        ax.set_xlim(0, 3)
    axes[0].set_ylabel(r"$g(\omega)/\omega$")
    axes[0].legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    FIGURES.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIGURES / "theory_paper.png", dpi=110)
    print(f"wrote {FIGURES / 'theory_paper.png'}")


def diagonals() -> None:
    """How much of c^2 the diagonal bonds carry: the paper's networks with and without them, against the stars."""
    from bosonpeak.theory.node import Stars, star_effective_medium

    print("delta  c2 networks (L=80, 3 seeds): full  nearest only | star CPA: full  nearest only")
    for delta in (0.2, 0.3):
        full, nearest = [], []
        for ch in np.random.SeedSequence(ROOT).spawn(3):
            net = bosonpeak.network(80, delta, rng=ch)
            ix, iy = np.divmod(net.bonds, net.L)
            off = (np.stack([ix[:, 1] - ix[:, 0], iy[:, 1] - iy[:, 0]], -1) + net.L // 2) % net.L - net.L // 2
            nn = np.abs(off).sum(axis=1) == 1
            full.append(bosonpeak.sound_speed(net) ** 2)
            nearest.append(bosonpeak.sound_speed(dataclasses.replace(net, bonds=net.bonds[nn], stiffness=net.stiffness[nn])) ** 2)
        stars = paper_stars(delta, samples=4000)
        k = stars.stiffness.copy()
        k[:, 4:] = 0.0
        print(f"{delta:4.2f}   {np.mean(full):.3f}  {np.mean(nearest):.3f}            "
              f"{star_effective_medium(stars):.3f}  {star_effective_medium(Stars(k)):.3f}")
        # single-bond CPA with every present spring of the last network on the z = 4 lattice, padded with zeros
        missing = max(0, 2 * net.n_nodes - len(net.stiffness))
        print(f"       bond CPA, all present springs + {missing} zeros on z = 4: "
              f"{effective_medium(atoms(np.r_[net.stiffness, np.zeros(missing)])):.3f}")


if __name__ == "__main__":
    {"crystal": crystal, "dilution": dilution, "uniform": uniform, "families": families, "paper": paper,
     "diagonals": diagonals}[sys.argv[1]]()
