"""The tactics playbook: how to recognise the other side's moves and how to answer them.

The playbook lives in ``resources/tactics.json`` at the root of the source tree (the package is
installed editable, so the file sits two folders above this one).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
PLAYBOOK_FILE = "tactics.json"


def resource_path(name: str) -> Path:
    """The path of a file in the repository's ``resources/`` folder.

    Args:
        name: File name relative to ``resources/``.

    Returns:
        The absolute path (which may not exist).
    """
    return RESOURCES / name


@cache
def playbook() -> dict[str, Any]:
    """The parsed playbook: ``{"tactics": {tag: {label, recognise, counter}}, "default": …}``."""
    with resource_path(PLAYBOOK_FILE).open(encoding="utf-8") as f:
        data = json.load(f)
    if data.get("format") != "caucus-tactics/1":
        raise ValueError(f"{PLAYBOOK_FILE}: unexpected format {data.get('format')!r}")
    return data


def tactic_entry(tag: str) -> dict[str, str]:
    """The playbook entry for a tactic tag, or the generic entry for tags it does not know.

    Args:
        tag: The tactic as logged, e.g. ``"anchoring"``.

    Returns:
        A dict with ``label``, ``recognise`` and ``counter``.
    """
    data = playbook()
    entry = data["tactics"].get(tag)
    if entry is not None:
        return entry
    default = dict(data["default"])
    default["label"] = tag.replace("_", " ").capitalize() if tag else default["label"]
    return default
