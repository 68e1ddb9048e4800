"""``caucus verify``: the file's integrity and the journal's continuity."""

from __future__ import annotations

import json

from app.workspace import Workspace


def verify(ws: Workspace) -> list[str]:
    """Every problem found, as sentences; an empty list means the workspace is sound."""
    with ws.store.read() as conn:
        integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        rows = conn.exec_driver_sql(
            "SELECT seq, negotiation_id, act_id, kind, payload FROM act ORDER BY seq").fetchall()
        negotiations = {r[0] for r in conn.exec_driver_sql("SELECT id FROM negotiation")}
    problems = [f"file integrity: {line}" for line in integrity if line != "ok"]
    problems += _continuity(rows, negotiations)
    return problems


def _continuity(rows: list, negotiations: set[int]) -> list[str]:
    problems: list[str] = []
    ids: dict[int, set[str]] = {}
    expected = 1
    for seq, negotiation, act_id, kind, payload in rows:
        if seq != expected:
            problems.append(f"journal: sequence jumps from {expected - 1} to {seq}")
        expected = seq + 1
        if negotiation not in negotiations:
            problems.append(f"journal: act {seq} belongs to unknown negotiation {negotiation}")
        try:
            data = json.loads(payload)
        except ValueError:
            problems.append(f"journal: act {seq} has an unreadable payload")
            continue
        known = ids.setdefault(negotiation, set())
        if kind == "retract" and data.get("act") not in known:
            problems.append(f"journal: act {seq} withdraws {data.get('act')!r}, not logged before")
        if act_id is not None:
            known.add(act_id)
    return problems
