"""The installed version of bosonpeak (``0+unknown`` when run from a source tree without installation)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bosonpeak")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
