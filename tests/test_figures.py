"""Every figure the workflows draw passes the same checks: reference lines inside the axes,
a legend for every line style and filled area, labels in one typography (mathtext)."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
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
    analysis_ds = analyze.compute(settings)
    out.update(analyze.figures(analysis_ds))
    out["_analysis_ds"] = analysis_ds
    disorder_ds = disorder.compute(disorder.DisorderSettings(L=16, seeds=2, families=("springs-uniform", "dilution"), strengths=(0.0, 0.5)))
    out.update(disorder.figures(disorder_ds))
    out["_disorder_ds"] = disorder_ds
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


def _look(handle):
    """How a legend entry looks: ("line", style...) or ("patch", colour on white, hatch)."""
    from matplotlib.colors import to_rgba

    if isinstance(handle, Line2D):
        marker = handle.get_marker()
        return ("line", to_rgba(handle.get_color()), handle.get_linestyle(), round(handle.get_linewidth(), 1), marker,
                None if marker in ("None", None, "") else str(handle.get_markerfacecolor()), round(handle.get_alpha() or 1, 2))
    face = np.asarray(handle.get_facecolor(), dtype=float).reshape(-1, 4)
    if not len(face):
        return ("patch", (1.0, 1.0, 1.0), handle.get_hatch())
    alpha = face[0, 3] * (handle.get_alpha() if handle.get_alpha() is not None else 1.0)
    return ("patch", tuple(1 - alpha * (1 - face[0, :3])), handle.get_hatch())  # the colour a reader sees on white


def _alike(a, b):
    if a[0] != b[0]:
        return False
    if a[0] == "patch":  # two fills a reader cannot tell apart: the same hatch, colours within 0.1
        return a[2] == b[2] and np.allclose(a[1], b[1], atol=0.1)
    return a == b


def test_no_two_legend_entries_look_the_same(figures):
    for name, fig in _figures(figures).items():
        for legend in [ax.get_legend() for ax in fig.axes] + list(fig.legends):
            if legend is None:
                continue
            seen = []
            for handle, text in zip(legend.legend_handles, legend.get_texts()):
                if handle is None:
                    continue
                look = _look(handle)
                twin = next((t for lk, t in seen if _alike(lk, look)), None)
                assert twin is None, f"{name}: legend entries {twin!r} and {text.get_text()!r} look the same"
                seen.append((look, text.get_text()))


def test_dashed_circles_are_dashed_in_the_legend(figures):
    from matplotlib.collections import PathCollection

    seen = 0
    for name, fig in _figures(figures).items():
        for ax in _main_axes(fig):
            dashed = [c for c in ax.collections if isinstance(c, PathCollection) and len(c.get_offsets())
                      and any(ls[1] is not None for ls in c.get_linestyle())]
            if not dashed:
                continue
            handles = ax.get_legend().legend_handles
            assert any(isinstance(h, PathCollection) and any(ls[1] is not None for ls in h.get_linestyle()) for h in handles), name
            seen += 1
    assert seen  # Fig. 4 right circles its new poles


def test_error_bars_named_in_a_legend_are_visible(figures):
    """A legend that shows an error bar must go with bars longer than the markers, or say they are hidden."""
    for name, fig in _figures(figures).items():
        if not any(ax.containers for ax in fig.axes):
            continue
        fig.canvas.draw()
        for ax in _main_axes(fig):
            legend = ax.get_legend()
            texts = [] if legend is None else [t.get_text() for t in legend.get_texts()]
            for bars in [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer" and c.has_yerr]:
                line, _, (segments,) = bars.lines[0], bars.lines[1], bars.lines[2]
                lengths = [abs(np.diff(ax.transData.transform(seg)[:, 1]))[0] for seg in segments.get_segments()]
                marker_px = line.get_markersize() * fig.dpi / 72
                glyphs = [] if legend is None else legend.findobj(LineCollection)  # an error-bar glyph in the legend
                if max(lengths, default=0.0) < marker_px and glyphs:
                    raise AssertionError(f"{name}: bars hidden by the markers but drawn in the legend")
                if max(lengths, default=0.0) < marker_px and "Fig. 3" in ax.get_title():
                    assert any("inside the markers" in t for t in texts), texts


def test_boson_peak_circles_sit_on_the_drawn_curves(figures):
    ds = figures["_analysis_ds"].copy()
    ds["no_peak_reason"] = ds["no_peak_reason"].copy(data=np.full(ds.sizes["delta"], ""))  # every maximum marked
    with plt.rc_context({"figure.max_open_warning": 0}):  # the fixture holds the others open
        figs = analyze.figures(ds)
    fig = figs["analysis_reduced_own_debye"]
    ax = fig.axes[0]
    circles = [ln for ln in ax.lines if ln.get_marker() == "o" and len(ln.get_xdata()) == 1 and np.isfinite(ln.get_ydata()).all()]
    curves = [ln for ln in ax.lines if len(ln.get_xdata()) > 2 and ln.get_linestyle() == "-"]
    assert len(circles) == ds.sizes["delta"]
    for circle in circles:
        (x,), (y,) = circle.get_xdata(), circle.get_ydata()
        assert any(np.isclose(np.interp(x, c.get_xdata(), c.get_ydata()), y) for c in curves if c.get_color() == circle.get_color())
    for f in figs.values():
        plt.close(f)


def test_crystal_curve_shows_debye_below_the_band():
    """The crystal's g/omega averaged over its shells follows 1/(2 pi) for omega < 0.7; its bins do not."""
    from bosonpeak.workflows._paper_figures import crystal_curve

    edges = np.arange(0, 3.0, 0.05)
    g = bosonpeak.dos(bosonpeak.network(40, 0.0), edges, method="slicing")
    omega = g.centres
    curve, width = crystal_curve(omega, g.density, 40, 0.05)
    low = (omega > 0.3) & (omega < 0.7)
    assert np.all(np.abs(curve[low] * 2 * np.pi - 1) < 0.15), curve[low] * 2 * np.pi
    assert np.max(np.abs(g.reduced[low] * 2 * np.pi - 1)) > 0.5  # the shells: why the average is drawn
    assert np.isnan(curve[0]) and 0.3 < width < 0.8


def test_disorder_figures_keep_the_crystal_off_the_scale_and_one_point_readable(figures):
    ds = figures["_disorder_ds"].copy(deep=True)
    crystal = ds["no_peak_reason"].values.astype(str) == "crystal"
    assert crystal.any()
    ds["peak_ratio"].values[crystal] = 5.0  # a shell spike far above every disordered point
    with plt.rc_context({"figure.max_open_warning": 0}):  # the fixture holds the others open
        figs = disorder.figures(ds)
    ax = figs["disorder_peak"].axes[0]
    assert ax.get_ylim()[1] < 5.0  # the y-range is the disordered points'
    assert any(ln.get_marker() == "^" and len(ln.get_xdata()) for ln in ax.lines)  # the crystal at the top edge
    one = disorder.add_theory(ds.isel(family=[0], strength=[1]), lambda f, p, w: {"reduced": 0 * w + 0.16, "c2": 1.0, "omega_bp": np.nan})
    with plt.rc_context({"figure.max_open_warning": 0}):
        more = disorder.figures(one)
    fig = more["disorder_theory"]
    fig.canvas.draw()
    page = fig.bbox
    for legend in fig.legends:  # inside the page: a tight bounding box would otherwise shrink the panel to a corner
        box = legend.get_window_extent()
        assert box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1, (box, page)
    for f in list(figs.values()) + list(more.values()):
        plt.close(f)
