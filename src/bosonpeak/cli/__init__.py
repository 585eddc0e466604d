"""The ``bosonpeak`` command-line program.

Each subcommand lives in its own module with ``register(subparsers)``; the module's
``run(args)`` returns an exit code. Input errors become one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .._checks import ParameterError, ParameterTypeError

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = ("reproduce", "dos", "glass", "sweep", "analyze", "disorder")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit code 2, as for every other input error
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    from .. import __version__

    parser = _Parser(prog="bosonpeak", description="Vibrational spectra of disordered spring networks and the Boson peak.")
    parser.add_argument("--version", action="version", version=f"bosonpeak {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMANDS:
        importlib.import_module(f".{name}", __name__).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the program; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ParameterError, ParameterTypeError) as exc:
        print(f"bosonpeak {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"bosonpeak {args.command}: interrupted; no partial output was written", file=sys.stderr)
        return 130


def floats(text: str) -> tuple[float, ...]:
    """Parse ``"0,0.1,0.2"`` or ``"0 0.1"`` into floats (argparse type)."""
    try:
        return tuple(float(x) for x in text.replace(",", " ").split())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas; got {text!r}") from None
