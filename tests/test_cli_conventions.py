"""One convention per option across the subcommands: help shows defaults as typed, one range per option."""

import argparse
import re

import pytest

from bosonpeak._checks import BIN_WIDTH_MAX
from bosonpeak.cli import SUBCOMMANDS, build_parser, main


def _subparsers():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_help_shows_each_default_as_a_user_types_it(command):
    """Every ``(default: X)`` in the help parses back, as typed, to the option's default."""
    sub = _subparsers()[command]
    shown = 0
    for action in sub._actions:
        if not action.option_strings or action.default in (None, argparse.SUPPRESS, []) or isinstance(action.default, bool):
            continue
        option = max(action.option_strings, key=len)
        help_text = sub._get_formatter()._expand_help(action)  # what --help prints for it, before wrapping
        match = re.search(r"\(default: (.*)\)$", help_text)
        assert match, f"{command} {option}: no default shown"
        typed = match.group(1)
        assert not re.search(r"[\[\]()']", typed), f"{command} {option}: default shown as Python, not as typed: {typed}"
        if "(default" in (action.help or ""):  # a default described in words ("the fastest exact one")
            continue
        positional = ["x" for a in sub._actions if not a.option_strings and a.required]  # a FILE argument
        assert getattr(sub.parse_args([option, typed, *positional]), action.dest) == action.default, (command, option, typed)
        shown += 1
    assert shown or command == "sweep"


def test_deltas_default_reads_as_a_comma_list():
    text = " ".join(_subparsers()["reproduce"].format_help().split())
    assert "(default: 0,0.1,0.2,0.3)" in text


COMMANDS_WITH_BINS = [c for c, p in _subparsers().items() if any("--bin-width" in a.option_strings for a in p._actions)]


def test_every_command_with_bins_is_listed():
    # ``solid`` reads a user's glass, whose frequencies are in the potential's units: its bins are not capped
    assert set(COMMANDS_WITH_BINS) == {"reproduce", "dos", "glass", "vector", "analyze", "disorder", "solid"}


@pytest.mark.parametrize("command", sorted(set(COMMANDS_WITH_BINS) - {"solid"}))
@pytest.mark.parametrize("width", ["0", "0.51", "1.0"])
def test_bin_width_has_one_range_in_every_command(command, width, capsys, tmp_path):
    assert main([command, "--bin-width", width, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"'--bin-width' must lie in (0, {BIN_WIDTH_MAX:g}]; got {float(width)!r}"), err
    assert not (tmp_path / "out").exists()


COMMANDS_WITH_SEED = sorted(c for c, p in _subparsers().items() if any("--seed" in a.option_strings for a in p._actions) and c != "solid")


@pytest.mark.parametrize("command", COMMANDS_WITH_SEED)
def test_seed_has_one_default_and_one_range_in_every_command(command, capsys, tmp_path):
    sub = _subparsers()[command]
    seed = next(a for a in sub._actions if "--seed" in a.option_strings)
    assert seed.default == 2026 and "0 <= seed < 2^63" in seed.help
    assert main([command, "--seed", str(2**63), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip().endswith(f"'--seed' must be an integer in [0, {2**63 - 1}]; got {2**63}")
