"""The ``bosonpeak`` command-line program.

Each subcommand lives in its own module with ``register(subparsers)``; the module's
``run(args)`` returns an exit code. Input errors become one line on stderr that names the
CLI option (``--bin-width``, not ``bin_width``) and exit code 2. Every subcommand has
``--memory-limit`` and ``--force`` (added here) and starts its ``run`` with ``prepare``: the
outputs and the resource plan are checked before any work.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys

#: Subcommand modules, in the order ``--help`` lists them.
SUBCOMMANDS = ("reproduce", "dos", "glass", "vector", "sweep", "analyze", "disorder", "jamming", "qlm", "solid")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit code 2, as for every other input error
        m = re.fullmatch(r"argument ([\w/-]+): invalid (int|float) value: (.*)", message)
        if m:  # in the words of every other input error: the option, what it must be, the value
            option = next((o for o in m.group(1).split("/") if o.startswith("--")), m.group(1))
            message = f"'{option}' must be {'an integer' if m.group(2) == 'int' else 'a number'} (see --help for its range); got {m.group(3)}"
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    from .._version import __version__

    parser = _Parser(prog="bosonpeak", description="Vibrational spectra of disordered spring networks and the Boson peak.")
    parser.add_argument("--version", action="version", version=f"bosonpeak {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMANDS:
        importlib.import_module(f".{name}", __name__).register(sub)
    for p in sub.choices.values():
        p.formatter_class = HelpFormatter
        group = p.add_argument_group("resources")
        group.add_argument("--memory-limit", default=None, metavar="SIZE",
                           help="refuse runs whose estimated memory exceeds SIZE (e.g. 16GiB, 500MB, off); "
                           "default $BOSONPEAK_MEMORY_LIMIT, else the memory available now")
        group.add_argument("--force", action="store_true", help="run even if the plan exceeds the memory limit or the task cap")
    return parser


class HelpFormatter(argparse.HelpFormatter):
    """Shows each option's default as a user would type it (``0,0.1,0.2``, not a Python tuple),
    except where there is none to show (None, a flag, an empty list)."""

    def _get_help_string(self, action):
        default = action.default
        if (default is None or isinstance(default, bool) or default is argparse.SUPPRESS or not action.option_strings
                or isinstance(default, (list, tuple)) and not default or "(default" in (action.help or "")):
            return action.help
        return f"{action.help} (default: {as_typed(default).replace('%', '%%')})"


def as_typed(value) -> str:
    """``value`` as it would be typed on the command line: ``(0.0, 0.1)`` -> ``0,0.1``; ``0.05`` -> ``0.05``."""
    if isinstance(value, (list, tuple)):
        return ",".join(as_typed(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def main(argv: list[str] | None = None) -> int:
    """Run the program; return the exit code (0 done, 2 input error, 1 a run that could not finish)."""
    if argv is None:  # the program itself (not a call in a test): every interrupt ends with one line
        _handle_signals()
    try:  # the libraries load here (``import bosonpeak`` loads none): an interrupt while they do is one line too
        from .. import _resources
        from .._checks import ParameterError, ParameterTypeError, RunError

        parser = build_parser()
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        return _interrupted("bosonpeak: interrupted", mute=argv is None)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        memory = _resources.parse_bytes(args.memory_limit, "--memory-limit") if args.memory_limit is not None else None
        off = args.memory_limit is not None and memory is None
        with _resources.limits(memory, force=args.force or off, hint="raise --memory-limit, or use --force"):
            rc = int(args.run(args) or 0)
        if rc == 130 and argv is None:  # the command reported its own interrupt: nothing more on stderr
            _mute_stderr()
        return rc
    except (ParameterError, ParameterTypeError) as exc:
        print(f"bosonpeak {args.command}: error: {cli_message(str(exc), parser, args.command)}", file=sys.stderr)
        return 2
    except ImportError as exc:  # an option that needs an optional package (device='cuda' and CuPy): what to install
        print(f"bosonpeak {args.command}: error: {(str(exc) or type(exc).__name__).splitlines()[0]}", file=sys.stderr)
        return 2
    except RunError as exc:
        print(f"bosonpeak {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a disk that fills, a folder removed under the run
        print(f"bosonpeak {args.command}: error: {exc.strerror or exc} ({exc.filename or type(exc).__name__})", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a defect: one line, the traceback only on request
        if os.environ.get("BOSONPEAK_DEBUG"):
            raise
        print(f"bosonpeak {args.command}: internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
              "(please report it; BOSONPEAK_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return _interrupted(f"bosonpeak {args.command}: interrupted; no partial output was written", mute=argv is None)


def _handle_signals() -> None:
    """SIGINT interrupts even where the shell started us ignoring it (a background job), and SIGTERM
    interrupts as SIGINT does: outputs are cleaned up, a cluster is shut down, one line is printed."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, interrupt)
    # Worker processes whose start was interrupted leave a semaphore that the tracker reports at exit.
    quiet = "ignore::UserWarning:multiprocessing.resource_tracker"
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, (os.environ.get("PYTHONWARNINGS"), quiet)))


def _interrupted(line: str, *, mute: bool) -> int:
    print(line, file=sys.stderr, flush=True)
    if mute:
        _mute_stderr()
    return 130


def _mute_stderr() -> None:
    """After the one line of an interrupt: what the libraries print while they shut down (Dask's exit
    hook, asyncio tasks of workers that never started) goes nowhere."""
    import logging

    sys.stderr.flush()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    logging.disable(logging.CRITICAL)


#: Parameter names of the workflows that differ from their CLI option's name.
ALIASES = {"L": "--size", "N": "--particles", "rng": "--seed", "root_seed": "--seed", "particles": "--particles",
           "keep_zero_modes": "--keep-zero-modes", "zero_modes": "--keep-zero-modes", "n_zero": "--zero-modes"}


def cli_message(message: str, parser: argparse.ArgumentParser, command: str) -> str:
    """Name the CLI option in an error message: ``'bin_width' must ...`` -> ``'--bin-width' must ...``."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    options = {s for a in sub._actions for s in a.option_strings if s.startswith("--")}

    def name(match):
        word = match.group(1)
        for candidate in (f"--{word.replace('_', '-')}", ALIASES.get(word)):
            if candidate in options:
                return f"'{candidate}'"
        return match.group(0)

    return re.sub(r"'([A-Za-z][\w-]*)'", name, message, count=1) if message.startswith("'") else message


def prepare(*, plan=None, outputs=()) -> None:
    """What every command checks before any work: each output, then the resource plan.

    ``outputs`` holds ``(path, kind, option)``: ``kind`` ``"file"`` or ``"dir"``, ``option``
    the CLI option that names it. ``plan`` is a ``bosonpeak._resources.Plan`` (see
    ``bosonpeak.workflows._plans``), checked against ``--memory-limit`` / ``--force``.
    """
    from .. import _files, _resources

    for path, kind, option in outputs:
        path = _files.check_output(path, kind=kind, name=option)
        _files.remove_stale_parts(path if kind == "dir" else path.parent)  # debris of a killed earlier run
    if plan is not None:
        _resources.check(plan)


def add_bin_width(p, what: str = "bin width in omega") -> None:
    """``--bin-width``, with the one range every command in lattice units shares (``_checks.bin_width``)."""
    from .._checks import BIN_WIDTH_MAX

    p.add_argument("--bin-width", type=float, default=0.05, help=f"{what}, 0 < w <= {BIN_WIDTH_MAX:g}")


def add_seed(p, what: str = "root seed") -> None:
    """``--seed``: the same default and range in every command (``_checks.seed``)."""
    p.add_argument("--seed", type=int, default=2026, help=f"{what}, 0 <= seed < 2^63")


def path(text: str):
    """A non-empty path (argparse type): ``--out ''`` is an error, not the current folder."""
    from pathlib import Path

    if not text.strip():
        raise argparse.ArgumentTypeError("expected a non-empty path; got ''")
    return Path(text)


def floats(text: str) -> tuple[float, ...]:
    """Parse ``"0,0.1,0.2"`` or ``"0 0.1"`` into floats (argparse type)."""
    try:
        return tuple(float(x) for x in text.replace(",", " ").split())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas; got {text!r}") from None
