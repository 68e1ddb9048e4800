"""Per-user settings (recent workspaces, who you are and whether room-safe was on per workspace,
the observer's keymap).

Kept in an INI file in the user config folder, or in ``$CAUCUS_CONFIG_DIR`` (tests point it at a
temporary folder so that they never touch a user's settings).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from app.pg.address import for_disk, is_server_url


def settings() -> QSettings:
    """The settings store."""
    folder = os.environ.get("CAUCUS_CONFIG_DIR") or platformdirs.user_config_dir(
        "Caucus", appauthor=False)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return QSettings(str(Path(folder) / "caucus.ini"), QSettings.Format.IniFormat)


def recent_workspaces() -> list[str]:
    """Workspaces opened before, newest first."""
    value = settings().value("recent", [])
    return [v for v in ([value] if isinstance(value, str) else list(value or [])) if v]


def remember_workspace(path: str) -> None:
    """Put ``path`` first in the recent list (a server address without its password)."""
    path = for_disk(path)
    items = [path] + [p for p in recent_workspaces() if p != path]
    settings().setValue("recent", items[:8])


def identity(workspace: str) -> tuple[str | None, str | None]:
    """Who this user was, and in which role, the last time they opened ``workspace``."""
    s = settings()
    key = _key(workspace)
    return s.value(f"identity/{key}/member"), s.value(f"identity/{key}/role")


def remember_identity(workspace: str, member: str, role: str) -> None:
    """Remember who this user is in ``workspace``."""
    s = settings()
    key = _key(workspace)
    s.setValue(f"identity/{key}/member", member)
    s.setValue(f"identity/{key}/role", role)


def room_safe(workspace: str) -> bool:
    """True when room-safe was on the last time ``workspace``'s window switched it (a console
    restarted mid-meeting opens as it was left)."""
    return settings().value(f"identity/{_key(workspace)}/room_safe", False, type=bool)


def remember_room_safe(workspace: str, on: bool) -> None:
    """Remember that room-safe is on (or off) for ``workspace``."""
    settings().setValue(f"identity/{_key(workspace)}/room_safe", on)


def _key(workspace: str) -> str:
    import hashlib

    name = for_disk(workspace) if is_server_url(workspace) else str(Path(workspace).absolute())
    return hashlib.sha1(name.encode()).hexdigest()[:16]
