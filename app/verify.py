"""``caucus verify``: the file's integrity and everything the journal's chain vouches for.

Every problem found is reported (not only the first), each with its act (sequence number, id or
kind, and time): the file's own check, the sequence, each act's link (its content, its
negotiation row's identity and the workspace's facts), its seal and its author's signature, who
may sign what (an act signed by another member's key, an approval by someone who is not an
approver), sealed values opened in their place, the negotiation rows against their journal, the
``meta`` entries, and the signed head (a removed tail, an emptied journal). Acts at the end that
were logged without the join phrase and are not sealed yet are a note, not a problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app import chain
from app.models import ACT, NEGOTIATION
from app.numbers import show_value
from app.seal import Codec
from app.signing import signature_holds
from app.verify_team import TeamAudit, where
from app.workspace import Workspace


@dataclass
class Findings:
    """What ``verify`` found: problems (exit 1), notes (said, exit 0), and the acts checked."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    acts: int = 0


def verify(ws: Workspace) -> list[str]:
    """Every problem found, as sentences; an empty list means the workspace is sound."""
    return check(ws).problems


def check(ws: Workspace) -> Findings:
    """Check the workspace (with its key when this process holds it)."""
    with ws.store.read() as conn:
        integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
        meta = dict(conn.exec_driver_sql("SELECT key, value FROM meta").fetchall())
        negotiations = {r.id: r for r in conn.execute(select(NEGOTIATION))}
        rows = [dict(r) for r in conn.execute(select(ACT).order_by(ACT.c.seq)).mappings()]
    audit = _Audit(ws.store.codec, meta, negotiations)
    audit.problems += [(None, f"file integrity: {line}") for line in integrity if line != "ok"]
    audit.run(rows)
    return Findings(_worded(audit.problems), audit.notes, len(rows))


def _worded(problems: list[tuple[int | None, str]]) -> list[str]:
    return [text for _, text in sorted(problems, key=lambda p: (p[0] is not None, p[0] or 0))]


class _Audit:
    """One pass over the journal, collecting problems as (sequence number, sentence)."""

    def __init__(self, codec: Codec, meta: dict[str, str], negotiations: dict[int, Any]):
        self.codec, self.meta, self.negotiations = codec, meta, negotiations
        self.key = codec.keys.mac_key if codec.keys is not None else None
        self.problems: list[tuple[int | None, str]] = []
        self.notes: list[str] = []
        self.team = TeamAudit(self.problems)
        self.headers: dict[int, tuple[str, str]] = {}  # negotiation -> (title, supplier)
        self.sealed_upto = 0  # the newest act a seal vouches for

    def fail(self, row: dict[str, Any] | None, text: str) -> None:
        """Record a problem (at an act, or of the file as a whole)."""
        if row is None:
            self.problems.append((None, text))
        else:
            self.problems.append((row["seq"], f"{where(row)}: {text}"))

    def run(self, rows: list[dict[str, Any]]) -> None:
        """Every check, in order."""
        self._meta(rows)
        adopted = self._adopted()
        previous, expected = self.codec.genesis, 1
        for row in rows:
            self._sequence(row, expected)
            expected = row["seq"] + 1
            self._link(row, previous)
            previous = row["link"]
            self._readable(row)
            self._seal(row)
            self._signed(row, adopted)
        self.team.finish()
        self._negotiations(rows)
        self._head(rows)

    # --- the file's facts -----------------------------------------------------------------------

    def _meta(self, rows: list[dict[str, Any]]) -> None:
        for key in chain.FACTS:
            if key not in self.meta:
                self.fail(None, f"meta lacks {show_value(key)}: it was removed outside Caucus")
        for key in sorted(set(self.meta) - chain.META_KEYS):
            self.fail(None, f"meta holds {show_value(key)}, which Caucus never writes: it was "
                            "added outside Caucus")
        if "key_check" not in self.meta:
            self.fail(None, "the workspace has no key check: it was removed outside Caucus, or "
                            "the file is from before keys (open it once with a writable Caucus)")
        elif self.key is None:
            self.fail(None, "the seals and the signed head cannot be checked without the join "
                            "phrase (caucus join, CAUCUS_JOIN_PHRASE or --phrase-file); links and "
                            "signatures were checked")

    def _adopted(self) -> int:
        head = chain.Head.parse(self.meta.get("chain_head"))
        text = self.meta.get("adopted")
        stored = int(text) if text is not None and text.isdigit() else 0
        if text is not None and stored == 0:
            self.fail(None, f"meta.adopted is {show_value(text)}, which Caucus never writes: "
                            "changed outside Caucus")
        if head is not None and head.adopted != stored:
            self.fail(None, f"meta.adopted says {stored} acts come from an older Caucus, the "
                            f"signed head {head.adopted}: changed outside Caucus")
        return stored

    # --- each act -------------------------------------------------------------------------------

    def _sequence(self, row: dict[str, Any], expected: int) -> None:
        seq = row["seq"]
        if seq > expected:
            gone = f"act {expected} before it was" if seq == expected + 1 else \
                f"acts {expected}…{seq - 1} before it were"
            self.fail(row, f"{gone} removed outside Caucus")
        elif seq < expected:
            self.fail(row, f"its sequence number is out of order (expected {expected})")
        if row["negotiation_id"] not in self.negotiations:
            self.fail(row, f"it belongs to negotiation {row['negotiation_id']}, which is not in "
                           "the workspace")

    def _link(self, row: dict[str, Any], previous: str | None) -> None:
        place = self.negotiations.get(row["negotiation_id"])
        uid, created = (place.uid, place.created) if place is not None else (None, None)
        expected = chain.link(previous, chain.content(row, uid, created, row["seal"] is not None))
        if row["link"] is None:
            self.fail(row, "it has no link: it was added outside Caucus")
        elif not chain.same(expected, row["link"]):
            self.fail(row, "it does not match its link: the act, the one before it, its "
                           "negotiation's row or the workspace's facts were changed outside Caucus")

    def _readable(self, row: dict[str, Any]) -> None:
        try:
            payload = json.loads(row["payload"])
        except (ValueError, TypeError):
            self.fail(row, "it has an unreadable payload (the file is damaged)")
            return
        row["data"] = payload if isinstance(payload, dict) else {}
        if row["kind"] == "negotiation":
            self.headers[row["negotiation_id"]] = (row["data"].get("title"),
                                                   row["data"].get("supplier"))
        moved = self.codec.misplaced(row["kind"], payload, (row["negotiation_id"], row["seq"]))
        if moved:
            self.fail(row, f"its sealed {', '.join(moved)} does not open here: it was moved "
                           "from another act, issue or field outside Caucus")

    def _seal(self, row: dict[str, Any]) -> None:
        if row["seal"] is None or self.key is None or row["link"] is None:
            return
        if chain.same(chain.seal(self.key, str(row["link"])), row["seal"]):
            self.sealed_upto = row["seq"]
        else:
            self.fail(row, "its seal does not match: it was changed outside Caucus")

    def _signed(self, row: dict[str, Any], adopted: int) -> None:
        if row["signature"] is None and row["seq"] <= adopted:
            self.team.legacy(row)
            return
        if row["signature"] is None:
            self.fail(row, "it is not signed by any member: it was added outside Caucus")
        elif not signature_holds(row["signer"], row["signature"],
                                 chain.signed_text(row["link"] or "")):
            self.fail(row, "its signature does not hold: it was changed outside Caucus")
        else:
            self.team.signed(row)

    # --- the whole -------------------------------------------------------------------------------

    def _negotiations(self, rows: list[dict[str, Any]]) -> None:
        has_acts = {r["negotiation_id"] for r in rows}
        for nid, n in sorted(self.negotiations.items()):
            if nid not in has_acts:
                self.fail(None, f"negotiation {nid} ({n.title}) has no act in the journal: it "
                                "was added outside Caucus")
            elif (n.title, n.supplier) != self.headers.get(nid):
                title, supplier = self.headers.get(nid, (None, None))
                self.fail(None, f"negotiation {nid}: its row says {show_value(n.title)} with "
                                f"{show_value(n.supplier)}, its journal {show_value(title)} with "
                                f"{show_value(supplier)}: the row was changed outside Caucus")

    def _head(self, rows: list[dict[str, Any]]) -> None:
        if "key_check" not in self.meta:
            return
        head = chain.Head.parse(self.meta.get("chain_head"))
        last = rows[-1]["seq"] if rows else 0
        if head is None:
            self._no_head(rows)
            return
        if self.key is None:
            return
        links = {r["seq"]: r["link"] for r in rows}
        at_head = self.codec.genesis if head.last_seq == 0 else links.get(head.last_seq)
        if head.last_seq > last:
            self.fail(None, f"acts after {last} were removed outside Caucus (the signed head "
                            f"names act {head.last_seq})")
        elif not head.holds(self.key, at_head):
            self.fail(None, "the signed head does not match the journal: acts were removed, or "
                            "the journal rewritten, outside Caucus")
        else:
            self.sealed_upto = max(self.sealed_upto, head.last_seq)
        self._tail(rows)

    def _no_head(self, rows: list[dict[str, Any]]) -> None:
        if rows and all(r["signature"] is None for r in rows):
            self.notes.append(f"the {len(rows)} acts from an older Caucus are not sealed yet: "
                              "open the workspace once with the join phrase")
        else:
            self.fail(None, "the signed head of the journal is missing: it was removed outside "
                            "Caucus")

    def _tail(self, rows: list[dict[str, Any]]) -> None:
        tail = [r for r in rows if r["seq"] > self.sealed_upto]
        if not tail:
            return
        names = ", ".join(dict.fromkeys(r["author"] for r in tail))
        count = f"{len(tail)} acts at the end are" if len(tail) > 1 else "1 act at the end is"
        self.notes.append(f"{count} not yet sealed (logged by {names} without the join phrase)")
