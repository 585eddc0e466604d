"""The reproduce pipeline and the command-line program."""

import json
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import bosonpeak
from bosonpeak._files import atomic_path
from bosonpeak.cli import main
from bosonpeak.workflows.reproduce import PaperSettings, compute, figures, summary

SMALL = PaperSettings(L=10, seeds=2, deltas=(0.0, 0.3))


@pytest.fixture(scope="module")
def small_dataset():
    return compute(SMALL)


def test_dataset_holds_every_figure_and_its_provenance(small_dataset):
    ds = small_dataset
    assert ds["density"].shape == (3, 2, 2, ds.sizes["omega"])
    assert set(ds["case"].values) == {"nearest-inverse", "cutoff-inverse", "cutoff-constant"}
    assert json.loads(ds.attrs["settings"])["L"] == 10
    assert ds.attrs["bosonpeak_version"] == bosonpeak.__version__
    assert len(json.loads(ds.attrs["spawn_keys"])) == 2
    # every sample: all modes but the zero modes inside the bins
    widths = np.diff(ds["omega_edges"].values)
    total = (ds["density"] * widths).sum("omega")
    np.testing.assert_allclose(total, 1 - ds["zero_modes"] / 100, atol=1e-12)
    # delta = 0 is the crystal in every case, for every seed
    crystal = ds["density"].sel(delta=0.0)
    assert float(abs(crystal - crystal.isel(case=0, seed=0)).max()) == 0
    np.testing.assert_allclose(ds["coordination_fraction"].sel(delta=0.0, z=4), 1.0)


def test_samples_are_the_networks_of_the_public_api(small_dataset):
    child = bosonpeak.seed_sequences(SMALL.seed, SMALL.seeds)[1]
    net = bosonpeak.network(10, 0.3, rule="cutoff", spring="constant", rng=np.random.default_rng(child))
    g = bosonpeak.dos(net, small_dataset["omega_edges"].values, zero_modes=False)
    np.testing.assert_array_equal(small_dataset["density"].sel(case="cutoff-constant", delta=0.3, seed=1), g.density)


def test_rerun_is_bit_identical(small_dataset):
    again = compute(SMALL)
    assert again["density"].values.tobytes() == small_dataset["density"].values.tobytes()


def test_a_helper_process_sharing_the_spectra_gives_the_same_numbers():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from bosonpeak.workflows.analyze import AnalysisSettings, compute as analyze, dense_extras
    from bosonpeak.workflows.reproduce import Shared

    settings = PaperSettings(L=10, seeds=3, deltas=(0.0, 0.2, 0.3), method="slicing")
    plan = AnalysisSettings(L=16, deltas=(0.2, 0.3), seeds=2, method="slicing", modes=5)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as helper:
        shared = compute(settings, helper=helper)
        extras = {d: Shared(helper, dense_extras, plan, d) for d in plan.deltas}  # the helper's, or taken back here
        assert analyze(plan, extras=extras).identical(analyze(plan))
    alone = compute(settings)
    assert shared["density"].values.tobytes() == alone["density"].values.tobytes()
    assert np.array_equal(shared["zero_modes"], alone["zero_modes"])


def test_summary_and_figures(small_dataset):
    text = summary(small_dataset)
    assert "0.30" in text and "toy model new poles" in text
    figs = figures(small_dataset)
    assert set(figs) == {"fig1_networks", "fig2_reduced_dos", "fig3_coordination", "fig4_constant_springs_and_toy"}


def test_cli_reproduce_writes_files(tmp_path, capsys):
    out = tmp_path / "figs"
    argv = ["reproduce", "--size", "16", "--seeds", "2", "--deltas", "0,0.2", "--out", str(out)]
    assert main(argv + ["--cache", str(tmp_path / "cache")]) == 0
    printed = capsys.readouterr()
    assert "cut-off rule" in printed.out and "%|" not in printed.out  # the summary on stdout, progress on stderr
    for step in ("reproduce [1/6]: the paper's", "reproduce [6/6]: beyond the paper", "paper: DOS (slicing)",
                 "analyze delta=0.2: lowest", "analyze delta=0.2: every mode and local DOS by z"):
        assert step in printed.err, step
    names = sorted(p.name for p in out.iterdir())
    assert "paper_data.nc" in names and "fig2_reduced_dos.png" in names and "fig4_constant_springs_and_toy.pdf" in names
    assert "fig3_right_glass_coordination.png" in names and "glass_data.nc" in names
    assert "beyond_paper_analysis.nc" in names and "beyond_paper_analysis_heat_capacity.png" in names
    assert not [n for n in names if n.endswith(".part")]
    ds = xr.open_dataset(out / "paper_data.nc")
    assert ds["density"].sizes["seed"] == 2
    ds.close()
    # the analysis takes Fig. 2 right's spectra instead of computing them again: the same numbers, bit for bit
    from bosonpeak.workflows import analyze

    alone = analyze.compute(analyze.AnalysisSettings(L=16, deltas=(0.2,), seeds=2, method="slicing", modes=100))
    with xr.open_dataset(out / "beyond_paper_analysis.nc") as inside:
        for name in ("density", "omega_bp", "omega_bp_interval", "height_own", "heat_capacity", "all_participation", "ldos_by_z"):
            np.testing.assert_array_equal(inside[name].values, alone[name].values, err_msg=name)


def test_cli_dos_writes_netcdf(tmp_path):
    out = tmp_path / "d.nc"
    assert main(["dos", "--size", "8", "--delta", "0.2", "--seeds", "2", "--out", str(out), "--no-progress"]) == 0
    ds = xr.open_dataset(out)
    assert ds["density"].shape[0] == 2 and ds.attrs["L"] == 8
    ds.close()


@pytest.mark.parametrize(
    "argv, words",
    [
        (["reproduce", "--size", "2"], "'--size'"),
        (["reproduce", "--deltas", "0,1.5"], "'--deltas'"),
        (["reproduce", "--deltas", "a,b"], "expected numbers"),
        (["reproduce", "--method", "magic"], "'--method' must be one of"),
        (["dos", "--delta", "-0.1"], "'--delta'"),
        (["dos", "--size", "2"], "'--size'"),
        (["dos", "--rule", "voronoi"], "'--rule' must be one of"),
        (["dos", "--bin-width", "0"], "'--bin-width'"),
        (["dos", "--edges", "0,1,0.5"], "strictly increasing"),
    ],
)
def test_cli_bad_input_one_line_exit_2(argv, words, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bosonpeak", *argv, "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 or lines[-1].startswith("bosonpeak"), proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x").exists()


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.nc"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_gives_ordinary_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "out.txt") as tmp:
            tmp.write_text("ok")
    finally:
        os.umask(umask)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o644
