"""Every figure the workflows draw passes the same checks: reference lines inside the axes,
a legend for every line style and filled area, labels in one typography (mathtext)."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.container import Container  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

import bosonpeak  # noqa: E402
from bosonpeak.workflows import analyze, disorder, glass, reproduce  # noqa: E402

#: Words that belong in mathtext ($\omega$, $\delta$, ...), and marks of plain-text maths.
PLAIN_MATH = re.compile(r"\b(omega|delta|sigma|phi|eps|epsilon|zeta|lambda)\b|\^|<z>|\bG_ii\b|\b[LNzct] = ")


@pytest.fixture(scope="module")
def figures():
    out = dict(reproduce.figures(reproduce.compute(reproduce.PaperSettings(L=10, seeds=2, deltas=(0.0, 0.2)))))
    settings = analyze.AnalysisSettings(L=12, deltas=(0.2,), seeds=3, modes=5, bin_width=0.1)
    out.update(analyze.figures(analyze.compute(settings)))
    out.update(disorder.figures(disorder.compute(disorder.DisorderSettings(L=16, seeds=2, families=("springs-uniform", "dilution"),
                                                                           strengths=(0.0, 0.5)))))
    glass_ds = glass.glass_dataset(bosonpeak.jammed_packing(256, 0.86, rng=11))
    out.update(glass.glass_figures(glass_ds))
    out["_glass_ds"] = glass_ds
    yield out
    for fig in out.values():
        if isinstance(fig, plt.Figure):
            plt.close(fig)


def _main_axes(fig):
    """Axes a reader reads values from: those with an x label (not insets, colour bars)."""
    return [ax for ax in fig.axes if ax.get_xlabel()]


def _reference_lines(ax):
    """``axhline``/``axvline`` lines: (axis, position)."""
    out = []
    for line in ax.lines:
        x, y = line.get_xdata(), line.get_ydata()
        if len(x) != 2:
            continue
        if line.get_transform() == ax.get_yaxis_transform() and np.allclose(x, [0, 1]) and y[0] == y[1]:
            out.append(("y", float(y[0])))
        elif line.get_transform() == ax.get_xaxis_transform() and np.allclose(y, [0, 1]) and x[0] == x[1]:
            out.append(("x", float(x[0])))
    return out


def _figures(figures):
    return {k: v for k, v in figures.items() if isinstance(v, plt.Figure)}


def test_glass_figure_names_a_boson_peak_only_where_the_verdict_finds_one(figures):
    ds, fig = figures["_glass_ds"], figures["glass_reduced_dos"]
    for ax, kind in zip(fig.axes[:2], ("scalar", "vector")):
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        reason = ds.attrs[f"no_peak_reason_{kind}"]
        level = ds.attrs[f"debye_level_{kind}"]
        called = any(t.startswith("Boson peak") for t in texts)
        assert called == (reason == ""), (kind, reason, texts)
        if called:  # a Boson peak lies above its Debye line
            assert float(ds[f"reduced_{kind}"].sel(omega=ds.attrs[f"omega_bp_{kind}"])) > level


def test_every_workflow_figure_is_checked(figures):
    assert {"fig1_networks", "fig2_reduced_dos", "fig3_coordination", "fig4_constant_springs_and_toy",
            "fig3_right_glass_coordination", "glass_reduced_dos", "analysis_reduced_own_debye",
            "analysis_heat_capacity", "analysis_participation", "analysis_local_dos_by_z",
            "disorder_peak", "disorder_reduced_dos", "disorder_damping"} <= set(figures)


def test_reference_lines_inside_axes(figures):
    seen = 0
    for name, fig in _figures(figures).items():
        for ax in _main_axes(fig):
            for axis, value in _reference_lines(ax):
                lo, hi = sorted(ax.get_ylim() if axis == "y" else ax.get_xlim())
                assert lo <= value <= hi, f"{name}: reference line {axis} = {value:g} outside {lo:g}..{hi:g} ({ax.get_title()!r})"
                seen += 1
    assert seen >= 8  # the Debye levels, the plane-wave P, ... are found


def test_legend_for_every_line_style_and_shading(figures):
    for name, fig in _figures(figures).items():
        for ax in _main_axes(fig):
            drawn = {(ln.get_linestyle(), round(ln.get_linewidth(), 1)) for ln in ax.lines if len(ln.get_xdata()) > 1}
            shaded = any(isinstance(c, PolyCollection) and len(c.get_paths()) for c in ax.collections) or bool(ax.patches)
            if not drawn and not shaded:
                continue
            legend = ax.get_legend()
            assert legend is not None, f"{name}: no legend ({ax.get_title()!r})"
            handles = list(legend.legend_handles)
            for h in ax.get_legend_handles_labels()[0]:  # an errorbar's container stands for its lines
                handles += [c for c in h.get_children() if isinstance(c, Line2D)] if isinstance(h, Container) else [h]
            styles = {(h.get_linestyle(), round(h.get_linewidth(), 1)) for h in handles if isinstance(h, Line2D)}
            missing = drawn - styles
            assert not missing, f"{name}: line styles {missing} not in the legend ({ax.get_title()!r})"
            if shaded:
                assert any(not isinstance(h, Line2D) for h in handles), f"{name}: shading without a legend entry ({ax.get_title()!r})"


def test_labels_in_mathtext(figures):
    for name, fig in _figures(figures).items():
        texts = [t.get_text() for t in fig.texts]
        if fig._suptitle is not None:
            texts.append(fig._suptitle.get_text())
        for ax in fig.axes:
            texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
            if ax.get_legend() is not None:
                texts += [t.get_text() for t in ax.get_legend().get_texts()]
        for text in texts:
            plain = re.sub(r"\$[^$]*\$", "", text)
            assert not PLAIN_MATH.search(plain), f"{name}: plain-text maths in {text!r}"
