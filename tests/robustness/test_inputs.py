"""Every public function validates every argument; CLI errors name the CLI option (issue 13, class 4)."""

import numpy as np
import pytest

import bosonpeak as b
from bosonpeak._checks import SEED_LIMIT, ParameterError, ParameterTypeError
from bosonpeak.analysis.thermal import debye_limit

BAD_RNG = [-1, SEED_LIMIT, 1.5, "a", True]


@pytest.fixture(scope="module")
def data():
    net = b.network(8, 0.2, rng=0)
    edges = np.linspace(0, 4, 41)
    return {"net": net, "H": b.dynamical_matrix(net), "g": b.dos(net, edges, zero_modes=False),
            "ens": b.ensemble_dos(8, 0.2, edges, seeds=2, rng=0, zero_modes=False), "pk": b.jammed_packing(32, 0.9, rng=1)}


CASES = {
    "network rng": [lambda d, r=r: b.network(8, 0.2, rng=r) for r in BAD_RNG],
    "network L": [lambda d, v=v: b.network(v, 0.2) for v in [0, 2.5, None, 10**7]],
    "network cutoff": [lambda d, v=v: b.network(8, 0.2, cutoff=v) for v in [-1, float("inf"), "x"]],
    "seed_sequences": [lambda d, r=r: b.seed_sequences(r, 2) for r in BAD_RNG] + [lambda d: b.seed_sequences(1, 0)],
    "coordination rng": [lambda d, r=r: b.coordination_distribution(8, 0.2, seeds=2, rng=r) for r in BAD_RNG],
    "ensemble rng": [lambda d, r=r: b.ensemble_dos(8, 0.2, seeds=1, rng=r) for r in BAD_RNG],
    "ensemble edges": [lambda d, v=v: b.ensemble_dos(8, 0.2, v, seeds=1) for v in [[], [1.0], "x"]],
    "dos": [lambda d, r=r: b.dos(d["net"], method="kpm", rng=r) for r in BAD_RNG] + [lambda d: b.dos(d["net"], [])],
    "lowest_modes": [lambda d, r=r: b.lowest_modes(d["net"], 3, rng=r) for r in BAD_RNG] + [lambda d: b.lowest_modes(d["net"], 0)],
    "local_dos": [lambda d: b.local_dos(d["H"], [], eps=0.1), lambda d: b.local_dos(d["H"], [1.0], eps=-1)],
    "kpm_local_dos": [lambda d, r=r: b.kpm_local_dos(d["net"], [[0, 1]], rng=r) for r in BAD_RNG] + [lambda d: b.kpm_local_dos(d["net"], [])],
    "boson_peak": [lambda d, r=r: b.boson_peak(d["ens"], rng=r) for r in BAD_RNG]
    + [lambda d, v=v: b.boson_peak(d["ens"], c=v) for v in [-1, 0, float("nan"), "x", []]],
    "excess_dos": [lambda d, v=v: b.excess_dos(d["g"], c=v) for v in [-1, 0, float("nan"), "x"]],
    "heat_capacity": [lambda d, v=v: b.heat_capacity(d["g"], v) for v in [[], -1, 0, float("nan"), "x"]]
    + [lambda d, v=v: b.heat_capacity(d["g"], 1.0, c=v) for v in [-1, 0, "x"]],
    "debye_level": [lambda d, v=v: b.debye_level(v) for v in [-1, 0, float("nan"), "x"]],
    "participation_ratio": [lambda d, v=v: b.participation_ratio(v) for v in [[], "x"]],
    "jammed_packing": [lambda d, r=r: b.jammed_packing(32, 0.9, rng=r) for r in BAD_RNG]
    + [lambda d: b.jammed_packing(10**12, 0.9)],
    "glass": [lambda d: b.contact_network("x"), lambda d: b.glass_hessian("x"), lambda d: b.glass_dos(b.glass_hessian(d["pk"]), [])],
    "toy": [lambda d: b.toy_model("x"), lambda d: b.new_poles("x"), lambda d: b.new_poles("square", decimals=-1)],
}


@pytest.mark.parametrize("name", CASES)
def test_bad_arguments_raise_the_validation_errors(data, name):
    for i, call in enumerate(CASES[name]):
        with pytest.raises((ParameterError, ParameterTypeError)) as err:
            call(data)
        assert str(err.value).startswith("'") or "needs about" in str(err.value), (name, i, str(err.value))


def test_heat_capacity_is_finite_at_extreme_temperatures(data):
    T = np.array([5e-324, 1e-300, 1e-30, 1e30, 1e300, 1.7e308])
    g = data["g"]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        bare, debye = b.heat_capacity(g, T), b.heat_capacity(g, T, c=1.0)
    assert np.all(np.isfinite(bare)) and np.all(np.isfinite(debye))
    assert np.all(bare[:3] == 0.0)  # no mode below the first bin: exponentially frozen
    assert bare[-1] == pytest.approx(g.integral(), rel=1e-12)  # classical limit: one k_B per mode in the bins
    assert debye[2] / T[2] ** 2 == pytest.approx(debye_limit(), rel=1e-9)  # 2D Debye law C = 3 zeta(3) T^2 / (pi n c^2)


@pytest.mark.parametrize("args, option", [
    (["dos", "--bin-width", "-1"], "'--bin-width'"),
    (["dos", "--size", "2"], "'--size'"),
    (["dos", "--delta", "1.5"], "'--delta'"),
    (["dos", "--seed", "-1"], "'--seed'"),
    (["dos", "--seed", str(SEED_LIMIT)], "'--seed'"),
    (["dos", "--omega-max", "-2"], "'--omega-max'"),
    (["dos", "--method", "kpm", "--option", "vectors=-3"], "'--option' rejected by method 'kpm': 'vectors'"),
    (["dos", "--cutoff", "-1"], "'--cutoff'"),
    (["glass", "--particles", "3"], "'--particles'"),
    (["glass", "--seed", str(SEED_LIMIT)], "'--seed'"),
    (["analyze", "--seeds", "1"], "'--seeds'"),
    (["analyze", "--bin-width", "0"], "'--bin-width'"),
    (["reproduce", "--glass-particles", "3"], "'--glass-particles'"),
    (["reproduce", "--seed", "-5"], "'--seed'"),
    (["reproduce", "--workers", "0"], "'--workers'"),
])
def test_cli_errors_name_the_option_in_one_line(cli, tmp_path, args, option):
    rc, _, err = cli(*args, "--out", tmp_path / "o")
    assert rc == 2 and err.count("\n") == 1 and f"error: {option}" in err, err


def test_help_shows_every_default_and_bare_command_prints_help(cli):
    from bosonpeak.cli import SUBCOMMANDS, as_typed, build_parser

    rc, out, _ = cli()
    assert rc == 0 and "usage: bosonpeak" in out and all(name in out for name in SUBCOMMANDS)
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices
    for name in SUBCOMMANDS:
        text = sub[name].format_help()
        assert "(default: None)" not in text and "(default: False)" not in text
        for action in sub[name]._actions:
            if (action.option_strings and action.default not in (None, False, "==SUPPRESS==") and not isinstance(action.default, list)
                    and "(default" not in action.help):  # as typed: 0,0.1 for a tuple (tests/test_cli_conventions.py)
                assert "".join(f"(default: {as_typed(action.default)})".split()) in "".join(text.split()), (name, action.dest)  # wrapping may split a word


@pytest.mark.parametrize("args, expected", [(("dos", "--size", "abc"), "'--size' must be an integer"),
                                            (("glass", "--phi", "x"), "'--phi' must be a number"),
                                            (("disorder", "--seeds", "2.5"), "'--seeds' must be an integer")])
def test_a_value_of_the_wrong_type_is_named_like_every_other_input_error(cli, tmp_path, args, expected):
    rc, out, err = cli(*args, "--out", tmp_path / "out")
    assert rc == 2 and expected in err and "got '" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
