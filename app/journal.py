"""Reading and appending journal rows. Append-only: there is no update and no delete here.

Each appended row carries a MAC over its stored content and the MAC of the latest signed row
before it (``app.crypto.Keys.link``), so that an edited, deleted or inserted row breaks the chain;
``meta.chain_head`` signs the newest link so that removing the last rows is caught too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from app.domain import Act
from app.errors import CorruptWorkspace
from app.rules import format_time, parse_iso
from app.seal import Codec

COLUMNS = "seq, negotiation_id, meeting, act_id, kind, author, role, at, payload"
SIGNED = "seq, negotiation_id, meeting, act_id, kind, author, role, at, recorded, payload"


def row_to_act(row: Sequence[Any], codec: Codec) -> Act:
    """An ``Act`` from a row selected with ``COLUMNS`` (confidential fields opened if possible)."""
    seq, negotiation, meeting, act_id, kind, author, role, at, payload = row
    kind, author, role = sys.intern(kind), sys.intern(author), sys.intern(role)
    try:
        return Act(seq, negotiation, meeting, act_id, kind, author, role, parse_iso(at),
                   codec.decode(kind, payload))
    except ValueError:
        raise CorruptWorkspace("journal", f"act {seq} is damaged (unreadable time or payload); "
                                          "restore the latest .bak copy") from None


def content(row: Sequence[Any]) -> str:
    """The canonical text a MAC covers: every stored column of the act (``SIGNED`` order)."""
    return json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))


def head_value(codec: Codec, seq: int, mac: str) -> str | None:
    """The signed marker of the newest link, kept in ``meta.chain_head``."""
    if codec.keys is None:
        return None
    tag = hmac.new(codec.keys.mac_key, f"head|{seq}|{mac}".encode(), hashlib.sha256).hexdigest()
    return f"{seq}:{tag}"


def append(
    conn: Connection,
    codec: Codec,
    *,
    negotiation: int,
    meeting: int | None,
    act_id: str | None,
    kind: str,
    by: str,
    role: str,
    at: datetime,
    payload: dict[str, Any],
) -> Act:
    """Insert one act in the caller's (write) transaction and return it with its sequence number."""
    seq = last_seq(conn) + 1
    row = (seq, negotiation, meeting, act_id, kind, by, role, format_time(at),
           format_time(datetime.now(UTC)), codec.encode(kind, payload))
    previous = conn.exec_driver_sql(
        "SELECT mac FROM act WHERE mac IS NOT NULL ORDER BY seq DESC LIMIT 1").scalar()
    mac = codec.link(previous, content(row))
    conn.exec_driver_sql(
        f"INSERT INTO act ({SIGNED}, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*row, mac))
    if mac is not None:
        conn.exec_driver_sql("INSERT OR REPLACE INTO meta (key, value) VALUES ('chain_head', ?)",
                             (head_value(codec, seq, mac),))
    return Act(seq, negotiation, meeting, act_id, kind, by, role, at.astimezone(UTC), payload)


def acts_of(
    conn: Connection, codec: Codec, negotiation: int, after: int = 0, upto: int | None = None
) -> list[Act]:
    """A negotiation's acts with ``after < seq <= upto``, in order."""
    sql = f"SELECT {COLUMNS} FROM act WHERE negotiation_id = ? AND seq > ?"
    args: list[Any] = [negotiation, after]
    if upto is not None:
        sql += " AND seq <= ?"
        args.append(upto)
    rows = conn.exec_driver_sql(sql + " ORDER BY seq", tuple(args))
    return [row_to_act(r, codec) for r in rows]  # streamed: no second copy of every row


def last_seq(conn: Connection) -> int:
    """The highest sequence number in the workspace (0 when empty)."""
    return conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM act").scalar()
