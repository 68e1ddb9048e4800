"""Schema versions of the workspace file, in order. Each step runs in its own transaction.

An explicit ordered list (as qutebrowser and Vorta keep) rather than Alembic: the file is embedded,
versions are few, and a frozen program needs no migration scripts on disk. The DDL of a released
version never changes; a new version appends a step.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

V1 = [
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE negotiation (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        supplier TEXT NOT NULL,
        created TEXT NOT NULL)""",
    """CREATE TABLE act (
        seq INTEGER PRIMARY KEY,
        negotiation_id INTEGER NOT NULL REFERENCES negotiation(id),
        meeting INTEGER,
        act_id TEXT,
        kind TEXT NOT NULL,
        author TEXT NOT NULL,
        role TEXT NOT NULL,
        at TEXT NOT NULL,
        recorded TEXT NOT NULL,
        payload TEXT NOT NULL)""",
    "CREATE INDEX act_negotiation ON act (negotiation_id, seq)",
    "CREATE UNIQUE INDEX act_id_unique ON act (negotiation_id, act_id) WHERE act_id IS NOT NULL",
    # The journal is append-only: the file itself refuses updates and deletes of acts.
    """CREATE TRIGGER act_no_update BEFORE UPDATE ON act
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
    """CREATE TRIGGER act_no_delete BEFORE DELETE ON act
       BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
    """CREATE TABLE presence (
        session TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        role TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        negotiation_id INTEGER,
        started TEXT NOT NULL,
        last_seen REAL NOT NULL)""",
]


def _run(statements: list[str]) -> Callable[[Connection], None]:
    def step(conn: Connection) -> None:
        for sql in statements:
            conn.exec_driver_sql(sql)

    return step


V2 = [
    # Tamper evidence: each act's MAC over its content and the previous MAC (app.crypto.Keys.link).
    "ALTER TABLE act ADD COLUMN mac TEXT",
]

V3 = [
    # One chain over every act, sealed with the join phrase and signed by its author (app.chain).
    "ALTER TABLE act ADD COLUMN link TEXT",
    "ALTER TABLE act ADD COLUMN seal TEXT",
    "ALTER TABLE act ADD COLUMN signer TEXT",
    "ALTER TABLE act ADD COLUMN signature TEXT",
    "ALTER TABLE act ADD COLUMN imported INTEGER NOT NULL DEFAULT 0",
]
_NO_UPDATE = V1[5]


def _adopt(conn: Connection) -> None:
    """Link the acts of an older file into the chain, in order; they stay unsigned, and count as
    adopted (``meta.adopted``) until a member who holds the join phrase seals them. The old
    ``chain_from``/``chain_head`` markers go: nothing outside the chain may shorten it."""
    from app import chain

    facts = dict(conn.exec_driver_sql("SELECT key, value FROM meta").fetchall())
    places = {r[0]: (r[1], r[2]) for r in conn.exec_driver_sql(
        "SELECT id, uid, created FROM negotiation")}
    names = ("seq", *chain.CHAINED[1:])
    rows = [dict(zip(names, r, strict=True)) for r in conn.exec_driver_sql(
        f"SELECT {', '.join(names)} FROM act ORDER BY seq")]
    links = chain.relink(rows, chain.genesis(facts), places)
    conn.exec_driver_sql("DROP TRIGGER act_no_update")
    if links:
        conn.exec_driver_sql("UPDATE act SET link = ? WHERE seq = ?", links)
    conn.exec_driver_sql(_NO_UPDATE)
    conn.exec_driver_sql("DELETE FROM meta WHERE key IN ('chain_from', 'chain_head')")
    if rows:
        conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('adopted', ?)",
                             (str(len(rows)),))


def _v3(conn: Connection) -> None:
    _run(V3)(conn)
    _adopt(conn)


#: ``MIGRATIONS[n]`` brings a file from version ``n`` to ``n + 1``.
MIGRATIONS: list[Callable[[Connection], None]] = [_run(V1), _run(V2), _v3]
SCHEMA_VERSION = len(MIGRATIONS)
