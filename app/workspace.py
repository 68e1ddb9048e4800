"""``Workspace``: an open workspace file with its services and queries — the API the GUI and CLI use."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from app import journal
from app.domain import Act, Preparation
from app.errors import InvalidInput, NotFound
from app.services import NegState, Unit
from app.store import Store

#: The ``Unit`` methods a ``Workspace`` offers directly, each in a transaction of its own.
COMMANDS = frozenset({
    "create_negotiation", "update_negotiation", "set_issue", "remove_issue", "order_issues",
    "set_batna", "set_leverage", "set_member", "remove_member", "set_authority",
    "clear_authority", "set_plan",
    "set_strategy", "start_meeting", "end_meeting", "log", "retract", "undo",
})


def default_path() -> Path:
    """``$CAUCUS_WORKSPACE``, or ``workspace.caucus`` under the user data folder."""
    env = os.environ.get("CAUCUS_WORKSPACE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("Caucus", appauthor=False)) / "workspace.caucus"


@dataclass(frozen=True)
class NegotiationInfo:
    """A line of the workspace's list of negotiations."""

    id: int
    uid: str
    title: str
    supplier: str
    created: str
    acts: int
    last_at: str | None

    def as_json(self) -> dict[str, Any]:
        """The object ``caucus list --json`` prints."""
        return dict(self.__dict__)


class Workspace:
    """An open workspace. Commands (``log``, ``set_issue``…) are those of ``app.services.Unit``."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        if path is None:
            path = default_path()
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.store = Store(path, read_only=read_only)
        self.path = self.store.path
        self._states: dict[int, NegState] = {}
        self._lock = threading.RLock()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""
        self.store.close()

    # --- commands -------------------------------------------------------------------------------

    @contextmanager
    def unit(self, auto_ids: bool = True) -> Iterator[Unit]:
        """One write transaction for several commands: all of them land, or none."""
        with self._lock:
            unit = None
            try:
                with self.store.write() as conn:
                    unit = Unit(conn, self._states, auto_ids)
                    yield unit
            except BaseException:
                for negotiation in unit.touched if unit else ():
                    self._states.pop(negotiation, None)  # rebuilt from the journal on next use
                raise

    def __getattr__(self, name: str) -> Any:
        if name not in COMMANDS:
            raise AttributeError(name)

        def command(*args: Any, **kwargs: Any) -> Any:
            with self.unit() as unit:
                return getattr(unit, name)(*args, **kwargs)

        command.__doc__ = getattr(Unit, name).__doc__
        command.__name__ = name
        return command

    # --- queries --------------------------------------------------------------------------------

    def negotiations(self) -> list[NegotiationInfo]:
        """Every negotiation in the file, oldest first."""
        with self.store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT n.id, n.uid, n.title, n.supplier, n.created, count(a.seq), max(a.at)"
                " FROM negotiation n LEFT JOIN act a ON a.negotiation_id = n.id"
                " GROUP BY n.id ORDER BY n.id").fetchall()
        return [NegotiationInfo(*r) for r in rows]

    def find(self, ref: str | int | None = None) -> int:
        """A negotiation by id, uid or title; with no ref, the only one in the file."""
        found = self.negotiations()
        if ref is None or ref == "":
            if len(found) == 1:
                return found[0].id
            if not found:
                raise NotFound("the workspace holds no negotiation yet; import or create one")
            raise InvalidInput(
                f"the workspace holds {len(found)} negotiations; name one with --negotiation "
                f"({', '.join(repr(n.title) for n in found)})")
        text = str(ref).strip()
        for n in found:
            if text in (str(n.id), n.uid) or text.casefold() == n.title.casefold():
                return n.id
        raise NotFound(f'no negotiation "{text}" in this workspace')

    def acts(self, negotiation: int, upto: int | None = None) -> list[Act]:
        """The negotiation's journal, in order, up to sequence ``upto`` if given."""
        with self.store.read() as conn:
            return journal.acts_of(conn, negotiation, upto=upto)

    def preparation(self, negotiation: int) -> Preparation:
        """The preparation as it stands now (shared; do not change it)."""
        return self._state(negotiation).prep

    def _state(self, negotiation: int) -> NegState:
        with self._lock, self.store.read() as conn:
            return Unit(conn, self._states).state(negotiation)

    def last_seq(self) -> int:
        """The newest sequence number in the file."""
        with self.store.read() as conn:
            return journal.last_seq(conn)
