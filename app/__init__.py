"""Caucus core: the workspace, the journal, the services and the analysis. Never imports Qt."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("caucus")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
