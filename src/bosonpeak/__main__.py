"""``python -m bosonpeak``: the command-line program."""

import sys

try:
    from .cli import main
except KeyboardInterrupt:  # an interrupt while the program loads: one line, as anywhere else
    print("bosonpeak: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
