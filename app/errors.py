"""Errors a user can act on. Anything else that escapes is a bug and is shown as one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.rules import Problem


class CaucusError(Exception):
    """A known failure with a message meant for the user. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class InvalidInput(CaucusError):
    """Input that breaks a rule; every problem is listed with the field it concerns."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class PastLimit(InvalidInput):
    """An offer of ours or an agreement past the walk-away or the member's authority, refused
    because the call did not say it was meant (``past_limit``). ``breaches`` lists the limits
    (``app.authority.Breach``), one problem per breach at ``terms.ISSUE``."""

    def __init__(self, breaches: Iterable[Any]):
        self.breaches = list(breaches)
        super().__init__([Problem(f"terms.{b.issue}", b.message) for b in self.breaches])

    def __str__(self) -> str:
        return "not logged: " + "; ".join(b.message for b in self.breaches)


class NotFound(InvalidInput):
    """A negotiation, member or act that the workspace does not hold."""


class PermissionDenied(InvalidInput):
    """The member's role does not allow this act."""


class WorkspaceError(CaucusError):
    """A problem with the workspace file itself."""

    def __init__(self, path: object, detail: str):
        self.path = path
        super().__init__(f"{path}: {detail}")


class WorkspaceLocked(WorkspaceError):
    """Another process held the write lock for longer than the busy timeout."""


class DiskFull(WorkspaceError):
    """The disk holding the workspace is full."""


class ReadOnlyWorkspace(WorkspaceError):
    """The file or its folder cannot be written."""


class NotACaucusFile(WorkspaceError):
    """The file exists but is not a Caucus workspace."""


class CorruptWorkspace(WorkspaceError):
    """SQLite reports the file as damaged."""


class NewerWorkspace(WorkspaceError):
    """The file was written by a newer Caucus with a schema this one does not know."""


class WorkspaceGone(WorkspaceError):
    """The file was deleted, moved or replaced while open; nothing more is written to it."""


class KeyCheckMissing(WorkspaceError):
    """The workspace holds acts but its key check is gone: it is refused, never given a new key."""
