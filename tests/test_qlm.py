"""Quasi-localized modes: the beta estimator's interval, the quenched IPL glass, the qlm command."""

import json

import numpy as np
import pytest

from bosonpeak.analysis.qlm import low_frequency_exponent
from bosonpeak.cli import main
from bosonpeak.model.quench import ipl_glass, ipl_potential, quench


def _synthetic(rng, samples=300, beta=4.0):
    """Per sample a Poisson number of modes drawn from D ~ omega^beta below its own cut-off."""
    counts = rng.poisson(1.5, size=samples)
    cut = np.repeat(rng.uniform(0.5, 1.5, size=samples), counts)
    omega = cut * rng.uniform(size=counts.sum()) ** (1 / (beta + 1))
    return omega, cut, np.repeat(np.arange(samples), counts)


def test_bootstrap_over_samples_recovers_beta_at_its_nominal_rate():
    rng = np.random.default_rng(3)
    reps, hits, betas = 150, 0, []
    for _ in range(reps):
        omega, cut, sample = _synthetic(rng)
        fit = low_frequency_exponent(omega, cut, samples=sample, n_boot=1000, rng=rng)
        hits += fit.interval[0] <= 4 <= fit.interval[1]
        betas.append(fit.beta)
        assert fit.gamma_interval[0] < fit.beta < fit.gamma_interval[1]
    # Binomial(150, 0.95): 3 standard deviations are 0.053; the percentile bootstrap runs a little short.
    assert 0.95 - 0.07 < hits / reps <= 1.0
    assert abs(np.mean(betas) - 4) < 0.1


def test_bootstrap_interval_widens_when_a_sample_modes_are_copies():
    # Each sample's modes repeated 3 times: 3 times the modes, no more information. The Gamma
    # interval (independent modes) shrinks by about sqrt(3); the bootstrap over samples does not.
    rng = np.random.default_rng(8)
    omega, cut, sample = _synthetic(rng)
    one = low_frequency_exponent(omega, cut, samples=sample)
    three = low_frequency_exponent(np.tile(omega, 3), np.tile(cut, 3), samples=np.tile(sample, 3))
    width = lambda iv: iv[1] - iv[0]  # noqa: E731
    assert three.beta == pytest.approx(one.beta)
    assert width(three.gamma_interval) < 0.65 * width(one.gamma_interval)
    assert width(three.interval) == pytest.approx(width(one.interval), rel=0.15)
    with pytest.raises(ValueError, match="'samples' must be non-negative integers"):
        low_frequency_exponent(omega, cut, samples=sample[:-1])


def test_quench_holds_its_temperature_and_a_seed_gives_one_glass():
    g = ipl_glass(100, rate=np.inf, rng=4)
    assert g.max_force < 1e-10 and not g.rattler.any()
    a, info = quench(g.particles, ipl_potential(), rate=1.0, t_start=0.5, t_end=0.5, hold=3.0, rng=1)
    b, _ = quench(g.particles, ipl_potential(), rate=1.0, t_start=0.5, t_end=0.5, hold=3.0, rng=1)
    assert np.array_equal(a.positions, b.positions)
    assert info["temperature"] == pytest.approx(0.5, rel=0.15)   # kinetic T of 100 particles scatters by ~8 %
    with pytest.raises(ValueError, match="'N' must be an integer in \\[88"):
        ipl_glass(60)


def test_the_dynamics_conserves_energy_without_the_thermostat():
    # Velocity Verlet on the force-shifted potential, with the Verlet list renewed on the way: the
    # total energy drifts by far less than the kinetic energy put in (0.3 per degree of freedom).
    g = ipl_glass(100, rate=np.inf, rng=2)
    _, info = quench(g.particles, ipl_potential(), rate=1.0, t_start=0.3, t_end=0.3, hold=5.0, tau=np.inf, rng=3)
    assert info["rebuilds"] > 3
    assert abs(info["energy"] - info["energy_start"]) / 100 < 2e-3


def test_qlm_command_prints_beta_interval_and_modes_for_the_ipl_glass(capsys):
    assert main(["qlm", "--glass", "ipl", "--size", "100", "--samples", "2", "--quench-rate", "inf", "--band-fraction", "1.5",
                 "--json", "--no-progress"]) == 0
    fit = json.loads(capsys.readouterr().out)
    assert {"beta", "interval", "n_modes", "gamma_interval", "samples_failed"} <= set(fit)
    assert fit["n_modes"] >= 2 and fit["interval"][0] < fit["beta"] < fit["interval"][1]
    assert fit["glass"] == "ipl" and fit["quench_rate"] == "inf" and fit["pressure"] is None


@pytest.mark.parametrize("argv, message", [
    (["--glass", "glassy"], "'--glass' must be one of 'packing', 'ipl'; got 'glassy'"),
    (["--glass", "ipl", "--pressure", "0.1"], "'--pressure' sets the packings' pressure"),
    (["--glass", "ipl", "--size", "50"], "'--size' must be an integer in [88, inf]; got 50"),
    (["--glass", "ipl", "--quench-rate", "0"], "'--quench-rate' must lie in [1e-05, 10]; got 0.0"),
    (["--pressure", "2"], "'--pressure' must lie in [1e-07, 1]; got 2.0"),
])
def test_bad_qlm_options_are_one_line_errors(capsys, argv, message):
    assert main(["qlm", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
