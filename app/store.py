"""The workspace file: one place that builds the engine, sets pragmas, migrates and names failures.

SQLite in WAL mode. Write transactions open with ``BEGIN IMMEDIATE`` so that a read-then-write never
loses an update to another process; read transactions are short so that no snapshot goes stale.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.exc import DBAPIError

from app import chain, errors
from app.migrations import MIGRATIONS, SCHEMA_VERSION
from app.seal import Codec

APPLICATION_ID = 0x43415543  # "CAUC" in the SQLite header marks a Caucus workspace
BUSY_TIMEOUT_S = 5.0


class Store:
    """An open workspace file."""

    def __init__(self, path: str | os.PathLike, *, read_only: bool = False):
        self.path = Path(path).expanduser().absolute()
        self._wal = f"{self.path}-wal"
        self.read_only = read_only or _cannot_write(self.path)
        self._copy: Path | None = None  # a private copy read instead (see _ro_uri)
        self.identity: tuple[int, int] | None = None  # (device, inode) of the file opened
        with translate(self.path):
            _check_header(self.path, self.read_only)
            if not self.path.exists():
                sqlite3.connect(self.path).close()  # the only place a file is made
            self.engine = self._make_engine()
            self._prepare()
        stat = os.stat(self.path)
        self.identity = (stat.st_dev, stat.st_ino)
        with self.read() as conn:
            facts = dict(conn.exec_driver_sql("SELECT key, value FROM meta").fetchall())
        self.workspace_id = facts.get("workspace_id")
        adopted = int(facts["adopted"]) if facts.get("adopted", "").isdigit() else 0
        # Workspace installs the keys once unlocked
        self.codec = Codec(None, self.workspace_id, adopted, chain.genesis(facts))

    def _make_engine(self):
        if self.read_only:
            url = f"sqlite:///file:{self._ro_uri()}&uri=true"
        else:  # mode=rw: a connection made after the file went away fails, never makes a new one
            url = f"sqlite:///file:{quote(str(self.path))}?mode=rw&uri=true"
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}
        )
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        return engine

    # --- transactions ---------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (``BEGIN IMMEDIATE``); commits on success, rolls back on error.

        Once committed, the ``-wal`` file is stamped (its times set to now): the other processes
        watching it (``app.feed.ChangeFeed.wake_source``) then wake on an event that comes after
        the commit is visible to them, not only on the writes that come a moment before.
        """
        if self.read_only:
            raise errors.ReadOnlyWorkspace(self.path, "this workspace is open read-only")
        self.check_file()
        with translate(self.path), self.engine.connect() as conn:
            conn = conn.execution_options(caucus_begin="IMMEDIATE")
            with conn.begin():
                yield conn
            with contextlib.suppress(OSError):  # no -wal (yet): nobody is watching it either
                os.utime(self._wal)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A short read transaction; keep it brief, or it holds a stale snapshot."""
        self.check_file()
        with translate(self.path), self.engine.connect() as conn:
            conn = conn.execution_options(caucus_begin="DEFERRED")
            with conn.begin():
                yield conn

    def raw_connection(self) -> sqlite3.Connection:
        """A plain sqlite3 connection held by a poller (for ``PRAGMA data_version``)."""
        with translate(self.path):
            uri = (f"file:{self._ro_uri()}" if self.read_only
                   else f"file:{quote(str(self.path))}?mode=rw")
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S,
                                   isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            return conn

    def _ro_uri(self) -> str:
        """Read-only URI. Where SQLite cannot create its shared-memory file (a read-only folder
        without one) it must not read the live file: ``immutable`` when there is no -wal; with a
        -wal (``immutable`` would ignore the acts it holds), a private copy of both, read."""
        if self._copy is not None:
            return f"{quote(str(self._copy))}?mode=ro"
        shm = self.path.with_name(self.path.name + "-shm")
        wal = self.path.with_name(self.path.name + "-wal")
        if os.access(self.path.parent, os.W_OK) or shm.exists():
            return f"{quote(str(self.path))}?mode=ro"
        if wal.exists() and wal.stat().st_size > 0:
            self._copy = _private_copy(self.path, wal)
            return f"{quote(str(self._copy))}?mode=ro"
        return f"{quote(str(self.path))}?mode=ro&immutable=1"

    def check_file(self) -> None:
        """Raise ``WorkspaceGone`` when the file at ``path`` is no longer the one opened (deleted,
        moved, or replaced by another file): writing on would be lost with the old file."""
        if self.identity is None:
            return  # still opening (creating, migrating)
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            raise errors.WorkspaceGone(
                self.path, "was deleted or moved while Caucus had it open: nothing more is "
                           "written to it. Restore the file (or its latest .bak copy) and open it "
                           "again") from None
        if self.identity is not None and (stat.st_dev, stat.st_ino) != self.identity:
            raise errors.WorkspaceGone(
                self.path, "was replaced by another file while Caucus had it open: nothing more "
                           "is written to it. Open the workspace again to go on")

    def meta(self, key: str) -> str | None:
        """A value of the ``meta`` table."""
        with self.read() as conn:
            row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (key,)).first()
        return row[0] if row else None

    def close(self) -> None:
        """Release every pooled connection (and the private copy, if one was read)."""
        self.engine.dispose()
        if self._copy is not None:
            shutil.rmtree(self._copy.parent, ignore_errors=True)

    # --- opening, versions, migrations ----------------------------------------------------------

    def _prepare(self) -> None:
        conn = self.raw_connection()
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id != APPLICATION_ID and (app_id != 0 or tables):
                raise errors.NotACaucusFile(
                    self.path, "this SQLite file is not a Caucus workspace; choose another file")
            if version > SCHEMA_VERSION:
                raise errors.NewerWorkspace(
                    self.path,
                    f"written by a newer Caucus (workspace format {version}; this Caucus reads "
                    f"up to {SCHEMA_VERSION}). Update Caucus to open it; the file was not changed.")
            if version < SCHEMA_VERSION and self.read_only:
                raise errors.ReadOnlyWorkspace(
                    self.path, "needs an upgrade but cannot be written; open a writable copy")
            if version == 0:
                conn.execute("PRAGMA journal_mode = WAL")  # persistent; outside any transaction
        finally:
            conn.close()
        if 0 < version < SCHEMA_VERSION:
            backup(self.path, f"v{version}")
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        for step in range(version, SCHEMA_VERSION):
            with self.write() as conn:
                current = conn.exec_driver_sql("PRAGMA user_version").scalar()
                if current != step:  # another process migrated meanwhile
                    continue
                MIGRATIONS[step](conn)
                if step == 0:
                    _first_meta(conn)
                    conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.exec_driver_sql(f"PRAGMA user_version = {step + 1}")


def _private_copy(path: Path, wal: Path) -> Path:
    """The file and its -wal copied to a private folder, so SQLite can read the -wal's acts."""
    folder = Path(tempfile.mkdtemp(prefix="caucus-read-"))
    copy = folder / path.name
    shutil.copyfile(path, copy)
    shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
    return copy


def _first_meta(conn: Connection) -> None:
    from app import __version__

    now = datetime.now(UTC).isoformat()
    rows = [("workspace_id", uuid.uuid4().hex), ("created", now), ("created_by", __version__)]
    conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES (?, ?)", rows)


def backup(path: Path, label: str) -> Path:
    """Copy the workspace (consistently, with SQLite's backup API) beside it before a change."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()
    return target


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's begin event issue BEGIN itself; pysqlite's own handling defers it wrongly.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    cur.execute("PRAGMA synchronous = NORMAL")  # safe against process kills in WAL mode
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("caucus_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _cannot_write(path: Path) -> bool:
    folder = path.parent
    if path.exists():
        return not os.access(path, os.W_OK) or not os.access(folder, os.W_OK)
    return False


def _check_header(path: Path, read_only: bool) -> None:
    if read_only and not path.exists():
        raise errors.WorkspaceError(
            path, "there is no workspace here; create one with `caucus import`, `caucus demo` "
                  "or the console")
    if read_only and path.stat().st_size == 0:
        raise errors.NotACaucusFile(path, "is an empty file, not a Caucus workspace yet")
    if not path.exists():
        if not path.parent.exists():
            raise errors.WorkspaceError(path, "the folder does not exist")
        if not os.access(path.parent, os.W_OK):
            raise errors.ReadOnlyWorkspace(path, "cannot create a workspace in a read-only folder")
        return
    if path.is_dir():
        raise errors.NotACaucusFile(path, "is a folder, not a workspace file")
    # The file itself is never opened here: closing any descriptor of it would drop the POSIX
    # locks SQLite holds on it for this process's other connections (another process could then
    # take itself for the last one and remove the -wal under them). SQLite says whether it is a
    # database on its first read ("not a database", see known_error).


@contextmanager
def translate(path: Path) -> Iterator[None]:
    """Turn SQLite's known failures into errors a user can act on."""
    try:
        yield
    except DBAPIError as exc:
        raise known_error(path, exc.orig) or exc from exc
    except sqlite3.Error as exc:
        raise known_error(path, exc) or exc from exc


def known_error(path: Path, exc: BaseException | None) -> errors.CaucusError | None:
    """The typed error for a SQLite failure, or None if it is not a known one (then it is a bug)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return errors.WorkspaceLocked(
            path, "another Caucus kept the workspace busy too long; try again in a moment")
    if "disk is full" in text or "database or disk is full" in text:
        return errors.DiskFull(path, "the disk is full; free some space and try again "
                                     "(nothing was saved from the last entry)")
    if "readonly" in text or "read-only" in text:
        return errors.ReadOnlyWorkspace(path, "the file or its folder cannot be written; "
                                              "check permissions or copy it somewhere writable")
    if "not a database" in text:
        return errors.NotACaucusFile(path, "is not a Caucus workspace (not an SQLite file)")
    if "malformed" in text or "corrupt" in text or "could not decode" in text:
        return errors.CorruptWorkspace(
            path, "the file is damaged; restore the latest .bak copy beside it")
    if "unable to open" in text:
        return errors.ReadOnlyWorkspace(path, "cannot be opened; check the path and permissions")
    if "append-only" in text:
        return errors.CaucusError("the journal is append-only: acts cannot be changed or deleted")
    return None
