"""Settings shared by the whole suite.

The memory plan refuses work above the available memory of the machine. Tests that expect a
refusal must not depend on how much memory the machine running them happens to have, so the
suite runs under a fixed documented limit (a test may still set its own).
"""

import os

os.environ.setdefault("BOSONPEAK_MEMORY_LIMIT", "4GiB")
