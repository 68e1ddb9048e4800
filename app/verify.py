"""``caucus verify``: the file's integrity, the journal's continuity and its MAC chain."""

from __future__ import annotations

import json

from app.journal import SIGNED, content, head_value
from app.numbers import show_value
from app.workspace import Workspace


def verify(ws: Workspace) -> list[str]:
    """Every problem found, as sentences; an empty list means the workspace is sound."""
    with ws.store.read() as conn:
        integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        rows = conn.exec_driver_sql(f"SELECT {SIGNED}, mac FROM act ORDER BY seq").fetchall()
        negotiations = {r[0] for r in conn.exec_driver_sql("SELECT id FROM negotiation")}
        meta = dict(conn.exec_driver_sql("SELECT key, value FROM meta").fetchall())
    problems = [f"file integrity: {line}" for line in integrity if line != "ok"]
    problems += _continuity(rows, negotiations)
    problems += _chain(ws, rows, meta)
    return problems


def _continuity(rows: list, negotiations: set[int]) -> list[str]:
    problems: list[str] = []
    ids: dict[int, set[str]] = {}
    expected = 1
    for seq, negotiation, _m, act_id, kind, _a, _r, _at, _rec, payload, _mac in rows:
        if seq != expected:
            problems.append(f"journal: sequence jumps from {expected - 1} to {seq} "
                            f"(acts {expected}…{seq - 1} were deleted)")
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
            problems.append(f"journal: act {seq} withdraws {show_value(data.get('act'))}, not "
                            f"logged before")
        if act_id is not None:
            known.add(act_id)
    return problems


def _chain(ws: Workspace, rows: list, meta: dict[str, str]) -> list[str]:
    """The first broken link of the MAC chain, acts nobody signed, and a removed tail."""
    if "key_check" not in meta:
        return ["journal: this workspace has no key yet, so its acts are not signed; open it "
                "once with a writable copy of Caucus to start the chain"]
    codec = ws.store.codec
    if not codec.unlocked:
        return ["journal: the MAC chain cannot be checked without the join phrase (caucus join, "
                "CAUCUS_JOIN_PHRASE or --phrase-file)"]
    start = int(meta.get("chain_from", "1"))
    previous, last = None, None
    for row in rows:
        seq, *_rest, mac = row
        if seq < start:
            continue  # written before this workspace had a key
        if mac is None:
            return [f"journal: act {seq} ({row[4]} by {row[5]}) is not signed: it was written "
                    "without the workspace key, so Caucus cannot vouch for it"]
        if mac != codec.link(previous, content(row[:-1])):
            return [f"journal: act {seq} breaks the chain: it was changed, inserted, or the act "
                    "before it was removed, outside Caucus"]
        previous, last = mac, (seq, mac)
    head = meta.get("chain_head")
    if last is not None and head != head_value(codec, *last):
        return [f"journal: acts after {last[0]} were removed outside Caucus (the signed end of "
                "the journal does not match)"]
    return []
