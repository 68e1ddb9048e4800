"""Build ``Act`` lists for the analysis tests straight from scenario dicts, without the store.

The acts mirror what the importer journals: one ``negotiation`` act, ``member``, ``issue``,
``batna``, ``leverage``, ``authority`` and ``plan`` acts, then per meeting a ``meeting_start``, the
meeting's acts (payload = the act less ``id``/``at``/``by``/``kind``) and a ``meeting_end``.
Numbers become decimal strings, as in the journal.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain import Act
from app.rules import parse_iso

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = next((p for p in (ROOT / "tests" / "fixtures" / "corrugated-2027.json",
                            ROOT.parent / "shared" / "examples" / "corrugated-2027.json")
                if p.exists()), ROOT / "tests" / "fixtures" / "corrugated-2027.json")
EPOCH = datetime(2027, 1, 1, tzinfo=UTC)


def load_scenario(path: Path = EXAMPLE) -> dict[str, Any]:
    """A scenario file with its numbers read as exact decimals."""
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal, parse_int=Decimal)


def strings(value: Any) -> Any:
    """The value with every number turned into its decimal string (booleans stay)."""
    if isinstance(value, dict):
        return {k: strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strings(v) for v in value]
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return format(Decimal(value), "f")
    return value


class ActMaker:
    """Numbers acts in order: ``seq`` from 1, meetings from 1."""

    def __init__(self, team: dict[str, str], author: str) -> None:
        self.team, self.author = team, author
        self.seq, self.meeting = 0, None
        self.acts: list[Act] = []

    def prep(self, kind: str, payload: dict[str, Any], at: datetime = EPOCH) -> Act:
        """Append a preparation act logged by the author."""
        return self.act(kind, payload, self.author, at, None)

    def act(self, kind: str, payload: dict[str, Any], by: str, at: datetime,
            act_id: str | None) -> Act:
        """Append any act."""
        self.seq += 1
        act = Act(self.seq, 1, self.meeting, act_id, kind, by, self.team.get(by, "lead"), at,
                  strings(payload))
        self.acts.append(act)
        return act


def scenario_acts(data: dict[str, Any]) -> list[Act]:
    """The journal a scenario dict imports as, in order."""
    team = {m["name"]: m["role"] for m in data["team"]}
    leads = [m["name"] for m in data["team"] if m["role"] == "lead"]
    make = ActMaker(team, (leads or [data["team"][0]["name"]])[0])
    make.prep("negotiation", data["negotiation"])
    for member in data["team"]:
        make.prep("member", member)
    for issue in data["issues"]:
        make.prep("issue", issue)
    for key in ("batna", "leverage"):
        if key in data:
            make.prep(key, data[key])
    for item in data.get("authority", []):
        make.prep("authority", item)
    for item in data.get("plan", []):
        make.prep("plan", item)
    for number, meeting in enumerate(data.get("meetings", []), start=1):
        started = parse_iso(meeting["started"])
        make.prep("meeting_start", {"title": meeting["title"], "started": meeting["started"]},
                  started)
        make.meeting = number
        last = started
        for raw in meeting["acts"]:
            payload = {k: v for k, v in raw.items() if k not in ("id", "at", "by", "kind")}
            last = parse_iso(raw["at"])
            make.act(raw["kind"], payload, raw["by"], last, raw.get("id"))
        make.prep("meeting_end", {}, last)
        make.meeting = None
    return make.acts


def example_acts() -> list[Act]:
    """The acts of ``examples/corrugated-2027.json``."""
    return scenario_acts(load_scenario())
