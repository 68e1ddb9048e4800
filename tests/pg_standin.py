"""A stand-in journal on the server, until the real schema runs on both engines (issue 14, phase 2).

``act`` holds just a sequence, a payload and a chain link; ``append`` is the serialised append that
phase 2 is to use (an advisory transaction lock, then the next sequence and the link computed
inside the transaction); the NOTIFY comes from ``app.pg.listener``'s real trigger, so what the
listener hears is what it will hear from the real journal.
"""

from __future__ import annotations

import hashlib

import psycopg

from app.pg.listener import notify_ddl

#: The advisory lock key that serialises appends (any constant of the workspace's database).
APPEND_LOCK = 0x43415543

DDL = [
    """CREATE TABLE act (
        seq BIGINT PRIMARY KEY,
        payload TEXT NOT NULL,
        mac TEXT NOT NULL)""",
    *notify_ddl("act"),
]


def prepare(conn: psycopg.Connection) -> None:
    """Create the stand-in journal (in a template database, or a fresh one)."""
    with conn.transaction():
        for statement in DDL:
            conn.execute(statement)


def link(previous: str, seq: int, payload: str) -> str:
    """The chain link of an act (a stand-in for the MAC of ``app.crypto``)."""
    return hashlib.sha256(f"{previous}|{seq}|{payload}".encode()).hexdigest()


def append(conn: psycopg.Connection, payload: str) -> int:
    """Append one act in its own transaction; its sequence."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))
        last = conn.execute("SELECT seq, mac FROM act ORDER BY seq DESC LIMIT 1").fetchone()
        seq, previous = (last[0] + 1, last[1]) if last else (1, "")
        conn.execute("INSERT INTO act (seq, payload, mac) VALUES (%s, %s, %s)",
                     (seq, payload, link(previous, seq, payload)))
    return seq


def after(conn: psycopg.Connection, seq: int) -> list[tuple[int, str, str]]:
    """The acts after ``seq``, in order (what a feed reads when it is told to catch up)."""
    return conn.execute("SELECT seq, payload, mac FROM act WHERE seq > %s ORDER BY seq",
                        (seq,)).fetchall()


def chain_holds(rows: list[tuple[int, str, str]]) -> bool:
    """True when the rows are 1..n with every link computed from the previous one."""
    previous = ""
    for expected, (seq, payload, mac) in enumerate(rows, start=1):
        if seq != expected or mac != link(previous, seq, payload):
            return False
        previous = mac
    return True
