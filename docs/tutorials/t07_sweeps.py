"""
Parameter sweeps on Dask
========================

A sweep is a TOML spec: a grid of parameters, seeds per point, the DOS engine and the
analyses. ``bosonpeak sweep SPEC.toml --workers N --out STORE`` runs every (point, seed) as
one Dask task on a local cluster (or ``--scheduler ADDRESS`` for a cluster you run), writes each
finished task to ``STORE/tasks/`` at once, skips finished tasks when run again (so a killed
sweep resumes and gives bit-identical results), and writes the combined dataset
``STORE/<name>.nc``. The example spec is ``examples/sweep.toml``.

From Python the same steps run without a cluster (``client=None`` computes in this process),
which is what this page does on a tiny grid:
"""

# %%
from bosonpeak.workflows.sweep import combine, plan, run_tasks
from bosonpeak.workflows.spec import parse_spec

spec = parse_spec("""
[sweep]
name = "tiny"
seed = 2026
seeds = 2
analyses = ["mean", "boson_peak", "coordination"]

[grid]
L = [12]
delta = [0.0, 0.2]
rule = ["nearest", "cutoff"]

[dos]
method = "dense"
omega_max = 3.5
bin_width = 0.1
keep_zero_modes = false
""")
tasks = plan(spec)
print(len(tasks), "tasks")
ds = combine(spec, tasks, run_tasks(tasks, None))
print(ds)

# %%
# On a cluster: ``from bosonpeak.workflows.sweep import connect, load_spec, run_sweep``, then
# ``run_sweep(load_spec("examples/sweep.toml"), connect(workers=2), store="sweep-store")``.
# Overheads and speed-ups are in :doc:`/benchmarks`.
