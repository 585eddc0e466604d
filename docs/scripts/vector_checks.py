"""Print the vector/3D acceptance figures quoted in docs/vector.md.

    PYTHONPATH=src python docs/scripts/vector_checks.py
"""
import numpy as np, bosonpeak
from bosonpeak.analysis.vector_elasticity import elastic_tensor, low_q_speeds, plane_wave_speeds
from bosonpeak.spectra.vector import vector_zero_modes
print("2D nearest delta=0 zero modes (L, count, 2L):", [(L, vector_zero_modes(bosonpeak.network(L, 0.0, rule="nearest")), 2*L) for L in (4, 6, 9, 20)])
print("3D nearest delta=0 zero modes (L, count, 3L^2):", [(L, vector_zero_modes(bosonpeak.network(L, 0.0, rule="nearest", dim=3), method="inertia"), 3*L*L) for L in (3, 4, 5, 6)])
for dim, L in ((2, 20), (3, 6)):
    net = bosonpeak.network(L, 0.3, cutoff=1.6, rng=3, dim=dim)
    print(f"cutoff 1.6 {dim}D L={L} mean z={net.coordination.mean():.2f} zero modes={vector_zero_modes(net)}")
for name, net, how in [("2D square+diagonals L=40", bosonpeak.network(40, 0.0, cutoff=np.sqrt(2)), "lowq"),
                       ("3D SC+face diagonals L=40", bosonpeak.network(40, 0.0, cutoff=np.sqrt(2), spring="constant", dim=3), "pw"),
                       ("2D random cutoff 1.8 delta 0.4 L=40", bosonpeak.network(40, 0.4, cutoff=1.8, rng=1), "lowq")]:
    e = elastic_tensor(net)
    s = low_q_speeds(net, n_modes=40 if "square" in name else 80) if how == "lowq" else plane_wave_speeds(net)
    print(f"{name}: B={e.bulk:.4f} G={e.shear:.4f} (affine G={e.affine_shear:.4f}) aniso={e.anisotropy:.3f} "
          f"moduli c_L={e.c_L:.4f} c_T={e.c_T:.4f}; spectrum ({how}) c_L={s['c_L']:.4f} c_T={s['c_T']:.4f}; "
          f"rel diff {s['c_L']/e.c_L-1:+.4f} {s['c_T']/e.c_T-1:+.4f}")
from bosonpeak.analysis.rigidity import boson_peak_scan, rigidity_scan

s = rigidity_scan(12, np.linspace(1.0, 1.7, 15), delta=0.3, seeds=2, rng=1)
print("rigidity scan 2D L=12 delta=0.3, 2 seeds: mean z", np.round(s.mean_z.mean(1), 2).tolist())
print("  floppy fraction (N0 - d)/dN", np.round(s.floppy_fraction.mean(1), 4).tolist())
print("  Maxwell bound (dN - E - d)/dN", np.round(s.maxwell_fraction.mean(1), 4).tolist())
print("  rigidity window (last floppy z, first rigid z):", np.round(s.rigidity_window, 3))
b = boson_peak_scan(16, [1.35, 1.4, 1.5, 1.6], delta=0.3, rng=1)
print("Boson peak scan 2D L=16: z - 2d", np.round(b["dz"], 3).tolist(), "omega*", np.round(b["omega_star"], 3).tolist(),
      "height/Debye", np.round(b["height"], 2).tolist())
