"""The change feed and presence, for processes that share a workspace. Qt-free.

A feed holds one plain sqlite3 connection and asks ``PRAGMA data_version``, which changes when any
other connection commits; only then does it read the acts after the last sequence it has.

When to ask is the feed's to say, not the console's: ``wake_source()`` names what changes when
someone commits — for a SQLite file, the ``-wal`` file beside it (written on every commit;
created, truncated and removed as connections come and go) and its folder (where the ``-wal``
file appears and disappears). The console's ``Session`` adapts it to a file watcher and keeps a
slow safety poll. A server backend hands a ``SocketWake`` instead (a socket that turns readable
on a notification), which the ``Session`` adapts the same way.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from app.domain import Act
from app.journal import COLUMNS, row_to_act
from app.rules import format_time
from app.store import Store, translate

PRESENCE_TIMEOUT_S = 15.0  # a process silent this long is no longer shown as connected
HEARTBEAT_S = 5.0


class ChangeFeed:
    """What is new in the workspace since the last poll."""

    def __init__(self, store: Store, after: int = 0, negotiation: int | None = None):
        self.store = store
        self.last_seq = after
        self.negotiation = negotiation
        self._conn = store.raw_connection()
        self._version: int | None = None

    def _data_version(self) -> int:
        with translate(self.store.path):
            return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """True when another connection has committed since the last poll (one cheap pragma)."""
        return self._data_version() != self._version

    def poll(self) -> list[Act]:
        """The acts committed since the last poll, in order (empty and cheap when none).

        Raises ``WorkspaceGone`` when the file was deleted, moved or replaced since it was opened.

        The new data version is remembered only once the acts are read, so a failed read (a busy
        file) is retried by the next poll instead of being forgotten.
        """
        self.store.check_file()
        version = self._data_version()
        if version == self._version:
            return []
        acts = self.fetch()
        self._version = version
        return acts

    def fetch(self) -> list[Act]:
        """Read the acts after ``last_seq`` now, whether or not anything was signalled."""
        sql = f"SELECT {COLUMNS} FROM act WHERE seq > ?"
        args: tuple = (self.last_seq,)
        if self.negotiation is not None:
            sql += " AND negotiation_id = ?"
            args += (self.negotiation,)
        with translate(self.store.path):
            rows = self._conn.execute(sql + " ORDER BY seq", args).fetchall()
        acts = [row_to_act(r, self.store.codec) for r in rows]
        if acts:
            self.last_seq = acts[-1].seq
        return acts

    def wake_source(self) -> WakeSource:
        """What changes when another connection commits: the ``-wal`` file and its folder."""
        path = self.store.path
        return FileWake(files=(f"{path}-wal",), folders=(str(path.parent),))

    def close(self) -> None:
        """Release the connection."""
        self._conn.close()


@dataclass(frozen=True)
class FileWake:
    """Wake when one of ``files`` is written or one of ``folders`` gains or loses an entry."""

    files: tuple[str, ...]
    folders: tuple[str, ...]


@dataclass(frozen=True)
class SocketWake:
    """Wake when ``fileno`` turns readable; ``drain()`` then consumes what woke it (a server's
    notification), before the feed is asked what is new."""

    fileno: int
    drain: Callable[[], None]


WakeSource = FileWake | SocketWake


@dataclass(frozen=True)
class Peer:
    """A Caucus process connected to the workspace."""

    session: str
    member: str
    role: str
    host: str
    pid: int
    negotiation: int | None
    started: str
    last_seen: float


class Presence:
    """This process's entry in the presence table, kept fresh by ``beat()``."""

    def __init__(self, store: Store, member: str, role: str, negotiation: int | None = None):
        self.store = store
        self.session = uuid.uuid4().hex
        self.member, self.role, self.negotiation = member, role, negotiation
        self.started = format_time(datetime.now(UTC))

    def beat(self) -> None:
        """Say this process is still here (call every ``HEARTBEAT_S`` seconds)."""
        if self.store.read_only:
            return
        with self.store.write() as conn:
            conn.exec_driver_sql(
                "INSERT INTO presence (session, member, role, host, pid, negotiation_id, started,"
                " last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(session) DO UPDATE SET"
                " member = excluded.member, role = excluded.role,"
                " negotiation_id = excluded.negotiation_id, last_seen = excluded.last_seen",
                (self.session, self.member, self.role, socket.gethostname(), os.getpid(),
                 self.negotiation, self.started, time.time()))

    def leave(self) -> None:
        """Remove this process from the list (on a clean exit)."""
        if self.store.read_only:
            return
        with self.store.write() as conn:
            conn.exec_driver_sql("DELETE FROM presence WHERE session = ?", (self.session,))


def connected(store: Store, within: float = PRESENCE_TIMEOUT_S) -> list[Peer]:
    """The processes whose heartbeat is recent, by member name."""
    with store.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT session, member, role, host, pid, negotiation_id, started, last_seen"
            " FROM presence WHERE last_seen >= ? ORDER BY member", (time.time() - within,))
        return [Peer(*r) for r in rows]
