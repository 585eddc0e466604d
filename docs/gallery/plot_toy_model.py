"""
The paper's 9-node toy model
============================

A 3 x 3 patch of the square lattice (Fig. 4 right): adding a spring between the centre and a
corner, or removing one, creates new poles of the local Green's function. ``new_poles``
lists them; the local DOS ``-Im G_ii`` of the centre node shows them.
"""

import matplotlib.pyplot as plt
import numpy as np

import bosonpeak

omega = np.linspace(0.01, 3.2, 800)
fig, ax = plt.subplots(figsize=(6, 4))
for kind, colour in [("square", "black"), ("extra", "tab:red"), ("missing", "tab:blue")]:
    H = bosonpeak.toy_model(kind)
    response = bosonpeak.local_dos(H, omega, eps=0.02)[:, 4]  # node 4: the centre
    ax.plot(omega, response, color=colour, lw=1.2, label=kind)
    if kind != "square":
        poles = bosonpeak.new_poles(kind)
        print(kind, "new poles at omega =", np.round(poles, 4))
        for w in poles:
            ax.axvline(w, color=colour, ls=":", lw=1)
ax.plot([], [], color="0.4", ls=":", lw=1, label="new poles")
ax.set_xlabel(r"$\omega$")
ax.set_ylabel(r"$-\mathrm{Im}\,G_{ii}(\omega)$ (centre node)")
ax.set_yscale("log")
ax.legend(frameon=False, fontsize=8)
