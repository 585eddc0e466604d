"""Exact frequencies and the dense DOS."""

import numpy as np
import pytest

import bosonpeak


def crystal_frequencies(L, t=1.0):
    k = 2 * np.pi * np.arange(L) / L
    lam = 2 * t * (2 - np.cos(k)[:, None] - np.cos(k)[None, :])
    return np.sort(np.sqrt(np.clip(lam.ravel(), 0, None)))


@pytest.mark.parametrize("L", [3, 4, 7, 16])
def test_crystal_matches_analytic_spectrum(L):
    w = bosonpeak.eigenfrequencies(bosonpeak.network(L, 0.0))
    np.testing.assert_allclose(w, crystal_frequencies(L), atol=1e-7)
    # lowest non-zero frequency 2 sin(pi / L), four-fold (two-fold for L = 3? no: four for every L >= 3)
    nz = w[w > 1e-6]
    np.testing.assert_allclose(nz[:4], 2 * np.sin(np.pi / L), rtol=1e-10)


def test_crystal_band_edges_and_van_hove():
    w = bosonpeak.eigenfrequencies(bosonpeak.network(20, 0.0))
    assert np.isclose(w[-1], 2 * np.sqrt(2))
    # the saddle omega = 2 is an eigenfrequency of every even-L crystal (k = (pi, 0))
    assert np.any(np.isclose(w, 2.0))


def test_dos_integrates_to_one_and_matches_histogram():
    net = bosonpeak.network(14, 0.3, rng=4)
    edges = np.linspace(0, 5, 101)
    g = bosonpeak.dos(net, edges, zero_modes=True)
    assert g.integral() == pytest.approx(1.0, abs=1e-12)
    w = bosonpeak.eigenfrequencies(net)
    counts = np.array([np.sum((w >= a) & (w < b)) for a, b in zip(edges[:-1], edges[1:])])
    np.testing.assert_allclose(g.density, counts / (196 * 0.05))
    np.testing.assert_allclose(g.reduced, g.density / g.centres)


def test_zero_modes_removed_exactly():
    net = bosonpeak.network(10, 0.45, cutoff=1.0, rng=1)
    edges = np.linspace(0, 5, 51)
    keep = bosonpeak.dos(net, edges, zero_modes=True)
    drop = bosonpeak.dos(net, edges)  # the default
    assert keep.zero_modes == drop.zero_modes > 1 and drop.zero_modes_removed and not keep.zero_modes_removed
    assert drop.integral() == pytest.approx(1 - keep.zero_modes / 100) and keep.integral() == pytest.approx(1.0)
    assert keep.density[0] - drop.density[0] == pytest.approx(keep.zero_modes / (100 * 0.1))
    np.testing.assert_allclose(keep.density[1:], drop.density[1:])


def test_default_edges_cover_the_spectrum():
    net = bosonpeak.network(12, 0.3, rng=2)
    g = bosonpeak.dos(net)
    assert g.integral() == pytest.approx(1.0 - 1 / 144)  # the zero mode taken out
    assert g.edges[-1] >= bosonpeak.eigenfrequencies(net)[-1]


def test_crystal_low_frequency_debye_level_is_reached_on_average():
    # average g / omega over 0 < omega < 1 for a large crystal approaches 1 / (2 pi)
    g = bosonpeak.dos(bosonpeak.network(60, 0.0), np.linspace(0, 1.0, 2), zero_modes=False)
    assert g.density[0] / 0.5 == pytest.approx(1 / (2 * np.pi), rel=0.08)


@pytest.mark.parametrize(
    "edges, match",
    [([0.0], "at least 2"), ([0.0, 1.0, 1.0], "strictly increasing"), ([0.0, np.inf], "finite"), ([-1.0, 1.0], "start at 0")],
)
def test_bad_edges(edges, match):
    with pytest.raises(ValueError, match=match):
        bosonpeak.dos(bosonpeak.network(4, 0.0), edges)


def test_bad_method_and_options():
    net = bosonpeak.network(4, 0.0)
    with pytest.raises(ValueError, match="'method' must be one of"):
        bosonpeak.dos(net, method="magic")
    with pytest.raises(ValueError, match="takes no options"):
        bosonpeak.dos(net, method="dense", moments=10)
    with pytest.raises(TypeError, match="zero_modes"):
        bosonpeak.dos(net, zero_modes="no")


def test_ensemble_reproducible_and_seeded_by_spawning():
    a = bosonpeak.ensemble_dos(8, 0.2, np.linspace(0, 4, 41), seeds=4, rng=9)
    b = bosonpeak.ensemble_dos(8, 0.2, np.linspace(0, 4, 41), seeds=4, rng=np.random.SeedSequence(9))
    assert a.samples.tobytes() == b.samples.tobytes()
    # samples differ from one another, and sample k equals a lone network built from child k
    assert not np.array_equal(a.samples[0], a.samples[1])
    child = bosonpeak.seed_sequences(9, 4)[2]
    net = bosonpeak.network(8, 0.2, rng=np.random.default_rng(child))
    np.testing.assert_array_equal(bosonpeak.dos(net, np.linspace(0, 4, 41)).density, a.samples[2])
    np.testing.assert_allclose(a.density, a.samples.mean(axis=0))
    np.testing.assert_allclose(a.error, a.samples.std(axis=0, ddof=1) / 2)


def test_seed_sequences_from_generator_are_distinct_and_deterministic():
    s1 = bosonpeak.seed_sequences(np.random.default_rng(3), 3)
    s2 = bosonpeak.seed_sequences(np.random.default_rng(3), 3)
    assert [s.generate_state(2).tolist() for s in s1] == [s.generate_state(2).tolist() for s in s2]
    assert len({tuple(s.generate_state(2)) for s in s1}) == 3
    with pytest.raises(TypeError, match="'rng'"):
        bosonpeak.seed_sequences("seed", 2)


def test_coordination_distribution_sums_to_one_and_mean_z():
    p = bosonpeak.coordination_distribution(20, 0.2, seeds=3, rng=1)
    np.testing.assert_allclose(p.sum(axis=1), 1)
    net = bosonpeak.network(20, 0.2, rng=np.random.default_rng(bosonpeak.seed_sequences(1, 3)[0]))
    assert (p[0] * np.arange(p.shape[1])).sum() == pytest.approx(2 * len(net.bonds) / 400)


@pytest.mark.parametrize("method", ["dense", "slicing", "banded", "kpm"])
def test_non_laplacian_matrix_has_no_invented_zero_modes(method):
    import scipy.sparse as sp

    H = bosonpeak.dynamical_matrix(bosonpeak.network(10, 0.2, rng=0)) + 0.5 * sp.identity(100)
    g = bosonpeak.dos(H, np.linspace(0, 4, 9), method=method, rng=1, zero_modes=True)
    assert g.zero_modes == 0 and g.integral() == pytest.approx(1.0, abs=1e-9)
    assert np.all(g.density >= -1e-9) if method != "kpm" else True
    with pytest.raises(ValueError, match=r"graph Laplacian.*'n_zero'.*zero_modes=True"):
        bosonpeak.dos(H, np.linspace(0, 4, 9), method=method)  # the default takes zero modes out: their count is needed
    known = bosonpeak.dos(H, np.linspace(0, 4, 9), method=method, rng=1, n_zero=0)
    np.testing.assert_array_equal(known.density, g.density)


@pytest.mark.parametrize("method", ["slicing", "kpm", "banded"])
def test_unknown_method_option_is_a_clear_error(method):
    with pytest.raises(ValueError, match="'foo'"):
        bosonpeak.dos(bosonpeak.network(6, 0.0), method=method, foo=1)


def test_bad_rng_is_a_clear_error():
    with pytest.raises(TypeError, match="'rng'"):
        bosonpeak.network(6, 0.1, rng="x")
    with pytest.raises(TypeError, match="'rng'"):
        bosonpeak.dos(bosonpeak.network(6, 0.1), method="kpm", rng="abc")


@pytest.mark.parametrize("keep", [False, True])
def test_api_and_cli_share_the_zero_mode_convention(tmp_path, capsys, keep):
    """``bosonpeak.dos`` and ``bosonpeak dos`` normalise alike: by default both take the zero mode
    out (integral ``1 - 1/N``), and ``zero_modes=True`` / ``--keep-zero-modes`` both keep it (1)."""
    import json

    from bosonpeak._random import sample_streams, seed_sequences
    from bosonpeak.cli import main

    L, delta, seed = 8, 0.3, 5
    edges = np.arange(0.0, 3.26, 0.25)
    net = bosonpeak.network(L, delta, rng=sample_streams(seed_sequences(seed, 1)[0])[0])  # the CLI's first network
    g = bosonpeak.dos(net, edges, zero_modes=True) if keep else bosonpeak.dos(net, edges)
    argv = ["dos", "--size", str(L), "--delta", str(delta), "--seed", str(seed), "--edges", ",".join(map(str, edges)),
            "--out", str(tmp_path / "d.nc"), "--json"] + (["--keep-zero-modes"] if keep else [])
    assert main(argv) == 0
    cli = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(cli["edges"], g.edges, rtol=0, atol=1e-15)
    np.testing.assert_allclose(cli["density"], g.density, rtol=1e-13, atol=0)
    assert g.zero_modes == cli["zero_modes"] == 1.0 and g.zero_modes_removed == cli["zero_modes_removed"] == (not keep)
    expected = 1.0 if keep else 1.0 - 1.0 / L**2
    assert g.integral() == pytest.approx(expected, abs=1e-13) and cli["integral"] == pytest.approx(expected, abs=1e-13)
