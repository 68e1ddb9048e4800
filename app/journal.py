"""Reading and appending journal rows. Append-only: there is no update and no delete here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from app.domain import Act
from app.errors import CorruptWorkspace
from app.rules import format_time, parse_iso

COLUMNS = "seq, negotiation_id, meeting, act_id, kind, author, role, at, payload"


def encode_payload(payload: dict[str, Any]) -> str:
    """The stored text of a payload (decimals are already canonical strings)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def row_to_act(row: Sequence[Any]) -> Act:
    """An ``Act`` from a row selected with ``COLUMNS``."""
    seq, negotiation, meeting, act_id, kind, author, role, at, payload = row
    try:
        return Act(seq, negotiation, meeting, act_id, kind, author, role, parse_iso(at),
                   json.loads(payload))
    except ValueError:
        raise CorruptWorkspace("journal", f"act {seq} is damaged (unreadable time or payload); "
                                          "restore the latest .bak copy") from None


def append(
    conn: Connection,
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
    recorded = format_time(datetime.now(UTC))
    cur = conn.exec_driver_sql(
        "INSERT INTO act (negotiation_id, meeting, act_id, kind, author, role, at, recorded,"
        " payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (negotiation, meeting, act_id, kind, by, role, format_time(at), recorded,
         encode_payload(payload)),
    )
    return Act(cur.lastrowid, negotiation, meeting, act_id, kind, by, role,
               at.astimezone(UTC), payload)


def acts_of(
    conn: Connection, negotiation: int, after: int = 0, upto: int | None = None
) -> list[Act]:
    """A negotiation's acts with ``after < seq <= upto``, in order."""
    sql = f"SELECT {COLUMNS} FROM act WHERE negotiation_id = ? AND seq > ?"
    args: list[Any] = [negotiation, after]
    if upto is not None:
        sql += " AND seq <= ?"
        args.append(upto)
    rows = conn.exec_driver_sql(sql + " ORDER BY seq", tuple(args)).fetchall()
    return [row_to_act(r) for r in rows]


def last_seq(conn: Connection) -> int:
    """The highest sequence number in the workspace (0 when empty)."""
    return conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM act").scalar()
