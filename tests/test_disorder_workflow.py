"""bosonpeak disorder: the dataset's grid, verdicts, theory hook, reruns; the command's errors and JSON."""

import json

import numpy as np
import pytest

from bosonpeak.cli import main
from bosonpeak.workflows.disorder import DisorderSettings, add_theory, compute, records, summary

SMALL = DisorderSettings(families=("springs-uniform", "dilution"), strengths=(0.0, 0.4), L=16, seeds=2, seed=3)


@pytest.fixture(scope="module")
def ds():
    return compute(SMALL)


def test_grid_and_crystal_points(ds):
    assert ds["density"].dims == ("family", "strength", "seed", "omega")
    assert ds["sq"].dims == ("family", "strength", "seed", "q", "omega_s")
    for rec in records(ds):
        if rec["strength"] == 0:
            assert rec["no_peak_reason"] == "crystal" and not rec["interior_peak"]
            assert rec["mean_z"] == 4 and rec["var_z"] == 0 and rec["c2"] == pytest.approx(1.0, abs=1e-12)
    dil = ds.sel(family="dilution", strength=0.4)
    assert float(dil["mean_z"].mean()) == pytest.approx(4 * 0.6, abs=0.02)
    uni = ds.sel(family="springs-uniform", strength=0.4)
    assert float(uni["var_z"].max()) == 0 and float(uni["c2"].max()) < 1
    # both seeds' DOS integrate to the non-zero modes inside the bins
    widths = np.diff(ds["omega_edges"].values)
    total = (ds["density"] * widths).sum("omega").values
    assert np.all(total <= 1 + 1e-12) and np.all(total > 0.99 - ds["components"].values / 256)


def test_rerun_is_identical(ds):
    again = compute(SMALL)
    for name in ("density", "sq", "c2", "peak_ratio", "gamma"):
        np.testing.assert_array_equal(again[name].values, ds[name].values)


def test_theory_hook_adds_curves_per_point(ds):
    out = add_theory(ds, lambda family, strength, omega: {"level": omega * 0 + strength, "c2": 1 - strength})
    assert out["theory_level"].dims == ("family", "strength", "omega") and out["theory_c2"].dims == ("family", "strength")
    assert float(out["theory_c2"].sel(family="dilution", strength=0.4)) == pytest.approx(0.6)
    assert "theory_level" not in ds


def test_analyse_of_a_saved_scan_gives_the_same_numbers(ds, tmp_path):
    import xarray as xr

    from bosonpeak._files import save_dataset
    from bosonpeak.workflows.disorder import analyse

    path = save_dataset(ds, tmp_path / "d.nc")
    with xr.open_dataset(path) as saved:
        again = analyse(saved.load())
    for name in ("peak_ratio", "omega_bp", "gamma", "omega_ir"):
        np.testing.assert_array_equal(again[name].values, ds[name].values)
    assert (again["no_peak_reason"].values == ds["no_peak_reason"].values).all()


def test_summary_says_no_peak(ds):
    text = summary(ds)
    assert "no peak (crystal)" in text and "dilution" in text


def test_cli_json_has_the_contract_keys(tmp_path, capsys):
    rc = main(["disorder", "--family", "springs-uniform,dilution", "--strengths", "0,0.5", "--size", "16", "--seeds", "2", "--json",
               "--out", str(tmp_path)])
    assert rc == 0
    printed = capsys.readouterr()
    data = json.loads(printed.out)  # stdout is the JSON alone; progress and the log line on stderr
    assert "disorder" in printed.err and "wrote" in printed.err
    assert len(data) == 4
    for rec in data:
        assert {"family", "strength", "mean_z", "var_z", "c2", "peak_ratio", "omega_bp", "interior_peak", "omega_ir",
                "omega_bp_interval", "peak_ratio_interval"} <= set(rec)
        assert isinstance(rec["interior_peak"], bool)
        low, high = rec["omega_bp_interval"]
        assert low is None or low <= high
    assert (tmp_path / "disorder_data.nc").exists() and (tmp_path / "disorder_peak.png").exists()


@pytest.mark.parametrize("argv, word", [(["--family", "springs-gauss"], "family"), (["--family", "springs-uniform", "--strengths", "1.5"], "w of springs-uniform"),
                                        (["--family", "dilution", "--strengths", "1"], "p of dilution"), (["--size", "2"], "size")])
def test_cli_errors_are_one_line(argv, word, tmp_path, capsys):
    rc = main(["disorder", *argv, "--out", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and word in err and "\n" not in err and "Traceback" not in err


def test_disconnected_network_is_reported_plainly(tmp_path, capsys):
    rc = main(["disorder", "--family", "dilution", "--strengths", "0.8", "--size", "16", "--seeds", "2", "--out", str(tmp_path), "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 0 and "do not percolate" in out


def test_help_lists_the_families(capsys):
    with pytest.raises(SystemExit):
        main(["disorder", "--help"])
    text = capsys.readouterr().out
    for name in ("springs-uniform", "springs-lognormal", "springs-power", "dilution", "paper"):
        assert name in text


def test_figures_show_their_reference_lines(ds):
    import matplotlib.pyplot as plt

    from bosonpeak.workflows.disorder import figures

    figs = figures(ds)
    assert set(figs) == {"disorder_peak", "disorder_reduced_dos", "disorder_damping"}
    for fig in figs.values():
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            assert ax.get_legend() is not None
            for line in ax.get_lines():  # horizontal reference lines (Debye level 1, resolution) inside the axes
                y = np.asarray(line.get_ydata(), dtype=float)
                if y.size == 2 and y[0] == y[1] and np.isfinite(y[0]) and str(line.get_label()) in ("own Debye level", "resolution"):
                    lo, hi = ax.get_ylim()
                    assert lo <= y[0] <= hi
        plt.close(fig)


def test_cli_reanalyse_a_saved_scan(tmp_path, capsys):
    first = tmp_path / "first"
    assert main(["disorder", "--family", "dilution", "--strengths", "0,0.2", "--size", "16", "--seeds", "2", "--json", "--out", str(first)]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main(["disorder", "--reanalyse", str(first / "disorder_data.nc"), "--json", "--out", str(tmp_path / "again")]) == 0
    assert json.loads(capsys.readouterr().out) == before
    assert main(["disorder", "--reanalyse", str(tmp_path / "missing.nc"), "--out", str(tmp_path)]) == 2
    assert "reanalyse" in capsys.readouterr().err
