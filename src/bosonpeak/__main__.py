"""``python -m bosonpeak``: the command-line program."""

from .cli import main

raise SystemExit(main())
