"""
Reproduce the paper
===================

``bosonpeak reproduce --out bosonpeak-figures`` recomputes every figure of C. Jiang,
*Microscopic origin of Boson peak in amorphous solids*, from first principles, with the
paper's settings (``L = 60``, 10 seeds, ``delta = 0, 0.1, 0.2, 0.3``, bins of 0.05). It
writes PNG and PDF figures, ``paper_data.nc`` (the data of every figure, with the parameters,
the seeds and the version), a simulated glass for Fig. 3 right and the analysis beyond the
paper, and prints a summary. ``bosonpeak reproduce --help`` lists the options.

The same steps from Python: ``compute`` returns one ``xarray.Dataset``, ``figures`` draws it,
``summary`` states the numbers. Here at ``L = 24`` with 3 seeds so that the page builds in
seconds; the shapes of the curves, not their noise, are what to look at.
"""

# %%
import matplotlib.pyplot as plt

from bosonpeak.workflows.reproduce import PaperSettings, compute, figures, summary

settings = PaperSettings(L=24, seeds=3, deltas=(0.0, 0.2), bin_width=0.1, method="slicing")
ds = compute(settings)
print(summary(ds))

# %%
# The dataset holds every figure's data; its variables and coordinates:
print(ds)

# %%
# ``figures(ds)`` returns a dict of matplotlib figures, named as the files
# ``bosonpeak reproduce`` writes. Fig. 2: ``g / omega`` of the nearest (left) and cut-off
# (right) networks against the crystal's Debye level.
figs = figures(ds)
print(sorted(figs))
for name, fig in figs.items():
    if name != "fig2_reduced_dos":
        plt.close(fig)

# %%
# Writing everything: ``bosonpeak.workflows.reproduce.reproduce_all(settings, out)`` is what
# the command runs (figures, NetCDF, glass, analysis) and returns the paths it wrote.
