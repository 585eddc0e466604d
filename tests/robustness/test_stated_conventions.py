"""Intervals stay inside the range their variations search, and every verdict line names its Debye level."""

import re

import numpy as np
import pytest

from bosonpeak.analysis._intervals import END_FACTORS, START_FACTORS
from bosonpeak.analysis.peak import boson_peak
from bosonpeak.spectra.spectrum import DOS
from bosonpeak.workflows.reproduce import PaperSettings, compute, summary

L = 60


def _rising_tail(seeds: int = 10, rng: int = 4) -> DOS:
    """An ensemble whose g/omega has a bump at 0.4 inside the window (0.314, 1.5) and rises past 1.5
    above the bump's height: the variations of the window's upper end (x 7/6 = 1.75) find their maximum
    there, outside the window reported."""
    edges = np.arange(0.0, 2.05, 0.05)
    w = 0.5 * (edges[1:] + edges[:-1])
    reduced = 1 / (2 * np.pi) + 0.2 * np.exp(-(((w - 0.4) / 0.1) ** 2)) + 2.0 * np.clip(w - 1.45, 0, None)
    noise = 1 + 0.25 * np.random.default_rng(rng).standard_normal((seeds, w.size))
    samples = reduced * w * noise
    return DOS(edges, samples.mean(0), L * L, "dense", samples=samples, zero_modes_removed=True, dim=2, model="scalar", crystal=False)


def test_interval_reaches_past_the_window_only_inside_the_range_its_variations_search():
    bp = boson_peak(_rising_tail(), rng=1)
    assert bp.window[0] < bp.omega < bp.window[1]
    assert bp.search_range == pytest.approx((min(START_FACTORS) * bp.window[0], max(END_FACTORS) * bp.window[1]))
    assert bp.interval_parts["bootstrap"][1] > bp.window[1]  # the case of the issue: replicates with a wider window peak past 1.5
    lo, hi = bp.omega_interval
    assert bp.search_range[0] <= lo <= bp.omega <= hi <= bp.search_range[1]
    assert bp.to_dict()["search_range"] == list(bp.search_range)


def test_reproduce_summary_names_its_level_and_the_range_its_intervals_span():
    text = summary(compute(PaperSettings(L=16, seeds=3, deltas=(0.0, 0.2))))
    a, b = map(float, re.search(r"which search ([\d.]+) < omega < ([\d.]+)", text).group(1, 2))
    rows = [line for line in text.splitlines() if line.startswith("  ") and "delta 0.0" in line]
    assert len(rows) == 3 and all("over the crystal's Debye level:" in row for row in rows)
    intervals = [tuple(map(float, m)) for m in re.findall(r"\[([\d.]+), ([\d.]+)\]", "\n".join(rows))]
    assert intervals and all(a <= lo <= hi <= b for lo, hi in intervals), (intervals, a, b)
