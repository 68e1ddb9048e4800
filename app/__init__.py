"""Caucus core: the workspace, the journal, the services and the analysis. Never imports Qt."""

import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _version() -> str:
    """The installed version; a frozen bundle (or a source tree that is not installed) has no
    package metadata and reads the ``pyproject.toml`` shipped beside it instead."""
    try:
        return version("caucus")
    except PackageNotFoundError:
        pass
    root = Path(getattr(sys, "_MEIPASS", "") or Path(__file__).resolve().parent.parent)
    try:
        return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))[
            "project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "0.0.0"


__version__ = _version()
