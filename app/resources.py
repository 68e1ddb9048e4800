"""Where the files of ``resources/`` are: beside the packages, or inside a frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    """The ``resources/`` folder of this installation."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    """A file in ``resources/``."""
    return resource_dir() / name
