"""Shared helpers of the robustness suite: run the CLI in this process, as a user would."""

import pytest

from bosonpeak.cli import main


@pytest.fixture
def cli(capsys):
    """``cli(*args) -> (exit code, stdout, stderr)`` of ``bosonpeak args``, never a traceback."""

    def run(*args):
        try:
            rc = main([str(a) for a in args])
        except SystemExit as exc:  # argparse: usage errors and --help
            rc = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return rc, out, err

    return run
