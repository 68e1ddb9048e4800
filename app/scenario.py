"""Scenario files (``caucus-scenario/1``): atomic import through the services, and export back.

Import runs every item through the same service call the console uses, inside one transaction,
collecting each refusal under its JSON path; if anything was refused the transaction is rolled back
and every problem is reported at once.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain import MEETING_KINDS, Act, Preparation
from app.errors import InvalidInput
from app.files import atomic
from app.numbers import dec_str
from app.numbers import show_value as _show
from app.rules import NOT_AN_ISSUE, NOT_ON_TEAM, Problem, format_time, issue_payload, parse_iso
from app.services import Unit
from app.state import fold
from app.text import printable

FORMAT = "caucus-scenario/1"
TOP_KEYS = {"format", "negotiation", "issues", "batna", "leverage", "team", "authority", "plan",
            "strategy", "meetings", "debrief"}
MEETING_KEYS = {"title", "started", "acts"}


def load(path: str | os.PathLike) -> Any:
    """Read a scenario file; numbers become exact decimals; bad JSON is an ``InvalidInput``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: is not UTF-8 text") from None
    return loads(text)


def loads(text: str) -> Any:
    """Parse scenario JSON text with numbers as ``Decimal``; nesting deeper than any scenario
    needs (``MAX_DEPTH``) is refused, so that nothing later recurses through it."""
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise InvalidInput([Problem("", f"not valid JSON: {exc.msg} at line {exc.lineno} "
                                        f"column {exc.colno}")]) from None
    except RecursionError:
        raise InvalidInput([Problem("", f"nested too deeply (a scenario needs at most "
                                        f"{MAX_DEPTH} levels)")]) from None
    path = too_deep(data)
    if path is not None:
        raise InvalidInput([Problem(path, f"nested too deeply (a scenario needs at most "
                                          f"{MAX_DEPTH} levels)")])
    return data


MAX_DEPTH = 16


def too_deep(data: Any, limit: int = MAX_DEPTH) -> str | None:
    """The JSON path of the first value nested deeper than ``limit``, or None (no recursion)."""
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > limit:
            return path
        if isinstance(value, dict):
            stack += [(v, depth + 1, f"{path}.{printable(str(k))}" if path else printable(str(k)))
                      for k, v in value.items()]
        elif isinstance(value, list):
            stack += [(v, depth + 1, f"{path}[{n}]") for n, v in enumerate(value)]
    return None


def import_scenario(unit: Unit, data: Any) -> int:
    """Write the scenario into the unit's transaction; raise with every problem if any.

    The member importing it is enrolled as the scenario's lead, and signs every act of it, each
    marked imported (``app.services.Unit.importing``)."""
    problems = _shape_problems(data)
    if not _walkable(data):
        raise InvalidInput(problems)
    importer = _Importer(unit, data)
    unit.importing = True
    try:
        negotiation = importer.run()
    finally:
        unit.importing = False
    problems += importer.without_cascades()
    if problems:
        raise InvalidInput(problems)
    return negotiation


def _walkable(data: Any) -> bool:
    """Whether the structure is sound enough to check item by item."""
    if not isinstance(data, dict) or not isinstance(data.get("negotiation"), dict):
        return False
    lists = ("issues", "team", "authority", "plan", "meetings")
    return all(isinstance(data.get(k, []), list) for k in lists) and bool(data.get("team"))


def _shape_problems(data: Any) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem("", "a scenario is a JSON object")]
    problems = [Problem(k, "unknown key") for k in data if k not in TOP_KEYS]
    if data.get("format") != FORMAT:
        problems.append(Problem("format", f'{_show(data.get("format"))} is not "{FORMAT}"'))
    for key in ("negotiation", "issues", "team"):
        if key not in data:
            problems.append(Problem(key, "is required"))
    for key in ("issues", "team", "authority", "plan", "meetings"):
        if key in data and not isinstance(data[key], list):
            problems.append(Problem(key, "expected a list"))
    for key in ("issues", "team"):
        if isinstance(data.get(key), list) and not data[key]:
            problems.append(Problem(key, "needs at least one entry"))
    if "negotiation" in data and not isinstance(data["negotiation"], dict):
        problems.append(Problem("negotiation", "expected an object"))
    problems += _duplicates(data.get("issues"), "issues", "key")
    problems += _duplicates(data.get("team"), "team", "name")
    problems += _duplicates(data.get("authority"), "authority", "member", "issue")
    problems += _duplicates(data.get("plan"), "plan", "issue")
    for n, item in enumerate(data.get("plan") if isinstance(data.get("plan"), list) else []):
        if isinstance(item, dict) and item.get("steps") == []:
            problems.append(Problem(f"plan[{n}].steps", "needs at least one step"))
    return problems


def _duplicates(items: Any, path: str, *keys: str) -> list[Problem]:
    """Entries of a list that repeat the same value(s) at ``keys``."""
    seen: set[tuple] = set()
    problems = []
    for n, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        value = tuple(item.get(k) for k in keys)
        if not all(isinstance(v, str) for v in value):
            continue
        if value in seen:
            shown = " / ".join(f'"{v}"' for v in value)
            where = f"{path}[{n}].{keys[0]}" if len(keys) == 1 else f"{path}[{n}]"
            problems.append(Problem(where, f"{shown} appears twice"))
        seen.add(value)
    return problems


class _Importer:
    """Walks a scenario, calling the services and gathering refusals by path."""

    def __init__(self, unit: Unit, data: dict):
        self.unit = unit
        self.data = data
        self.problems: list[Problem] = []
        team = [m for m in data["team"] if isinstance(m, dict)]
        leads = [m for m in team if m.get("role") == "lead"] or team
        self.author = leads[0] if leads else {"name": None, "role": None}
        self.negotiation = 0
        self.last_at = None  # the time of the last act imported

    def attempt(self, path: str, call, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except InvalidInput as exc:
            self.problems += [p.under(path) for p in exc.problems]
            return None

    def without_cascades(self) -> list[Problem]:
        """The problems, less those that only repeat that a refused issue or member is unknown."""
        refused = {str(item.get(key)) for section, key in (("issues", "key"), ("team", "name"))
                   for n, item in enumerate(self.data.get(section, []))
                   if isinstance(item, dict)
                   and any(p.path.startswith(f"{section}[{n}]") for p in self.problems)}
        echoes = tuple(f"{_show(name)} {what} (" for name in refused
                       for what in (NOT_AN_ISSUE, NOT_ON_TEAM))
        return [p for p in self.problems if not p.message.startswith(echoes)]

    def run(self) -> int:
        u, by = self.unit, self.author.get("name")
        start = self._first_time()
        neg = self.attempt("negotiation", u.create_negotiation, self.data["negotiation"],
                           by, self.author.get("role") or "lead", at=start)
        if neg is None:
            if not isinstance(by, str):
                self.problems.append(Problem("team[0].name", "is required"))
            return 0
        self.negotiation = neg
        for n, member in enumerate(self.data["team"]):
            if isinstance(member, dict) and member.get("name") == by:
                continue
            self.attempt(f"team[{n}]", u.set_member, neg, by, member, at=start)
        for n, issue in enumerate(self.data.get("issues") or []):
            self.attempt(f"issues[{n}]", u.set_issue, neg, by, issue, at=start)
        if "batna" in self.data:
            self.attempt("batna", u.set_batna, neg, by, self.data["batna"], at=start)
        if "leverage" in self.data:
            self.attempt("leverage", u.set_leverage, neg, by, self.data["leverage"], at=start)
        if "strategy" in self.data:
            self.attempt("strategy", u.set_strategy, neg, by, self.data["strategy"], at=start)
        for n, item in enumerate(self.data.get("authority", [])):
            self.attempt(f"authority[{n}]", u.set_authority, neg, by, item, at=start)
        for n, item in enumerate(self.data.get("plan", [])):
            self.attempt(f"plan[{n}]", u.set_plan, neg, by, item, at=start)
        for n, meeting in enumerate(self.data.get("meetings", [])):
            self._meeting(f"meetings[{n}]", meeting)
        if "debrief" in self.data:  # a Caucus extension: the team's debrief, after the meetings
            self.attempt("debrief", u.set_debrief, neg, by, self.data["debrief"],
                         at=self.last_at or start)
        return neg

    def _first_time(self):
        for meeting in self.data.get("meetings") or []:
            if isinstance(meeting, dict):
                try:
                    return parse_iso(meeting.get("started"))
                except ValueError:
                    return None
        return None

    def _meeting(self, path: str, meeting: Any) -> None:
        if not isinstance(meeting, dict):
            self.problems.append(Problem(path, "expected an object"))
            return
        self.problems += [Problem(f"{path}.{k}", "unknown key") for k in meeting
                          if k not in MEETING_KEYS]
        try:
            started = parse_iso(meeting.get("started"))
        except ValueError as exc:
            self.problems.append(Problem(f"{path}.started", str(exc)))
            return
        acts = meeting.get("acts", [])
        if not isinstance(acts, list):
            self.problems.append(Problem(f"{path}.acts", "expected a list"))
            return
        by = self.author["name"]
        self.attempt(path, self.unit.start_meeting, self.negotiation, by,
                     meeting.get("title") or "", at=started)
        last = started
        for n, act in enumerate(acts):
            logged = self._act(f"{path}.acts[{n}]", act)
            last = logged.at if logged else last
        self.attempt(path, self.unit.end_meeting, self.negotiation, by, at=last)
        self.last_at = last

    def _act(self, path: str, act: Any) -> Act | None:
        if not isinstance(act, dict):
            self.problems.append(Problem(path, "expected an object"))
            return None
        try:
            at = parse_iso(act.get("at"))
        except ValueError as exc:
            self.problems.append(Problem(f"{path}.at", str(exc)))
            at = None
        fields = {k: v for k, v in act.items() if k not in ("id", "at", "by", "kind")}
        return self.attempt(path, self.unit.log, self.negotiation, act.get("by"),
                            act.get("kind"), fields, at=at, act_id=act.get("id"), recorded=True)


def export_scenario(acts: list[Act]) -> dict[str, Any]:
    """The scenario object of a negotiation's journal (preparation as it stands, every meeting)."""
    prep = fold(acts)
    out: dict[str, Any] = {"format": FORMAT, "negotiation": _negotiation(prep)}
    out["issues"] = [issue_payload(i) for i in prep.issues.values()]
    if prep.batna:
        out["batna"] = dict(prep.batna)
    if prep.strategy:
        out["strategy"] = dict(prep.strategy)
    if prep.leverage:
        out["leverage"] = {k: list(v) for k, v in prep.leverage.items()}
    out["team"] = [{"name": m.name, "role": m.role, **({"editor": True} if m.editor else {})}
                   for m in prep.team.values()]
    if prep.authority:
        out["authority"] = [{"member": m, "issue": i, "limit": dec_str(v)}
                            for (m, i), v in prep.authority.items()]
    if prep.plan:
        out["plan"] = [{"issue": p.issue, "steps": [dec_str(s) for s in p.steps],
                        "asks": list(p.asks)} for p in prep.plan.values()]
    meetings = _meetings(acts, prep)
    if meetings:
        out["meetings"] = meetings
    if prep.debrief:
        out["debrief"] = {k: dict(v) if isinstance(v, dict) else v
                          for k, v in prep.debrief.items()}
    return out


def _negotiation(prep: Preparation) -> dict[str, Any]:
    head: dict[str, Any] = {"title": prep.title, "supplier": prep.supplier}
    if prep.category:
        head["category"] = prep.category
    if prep.currency:
        head["currency"] = prep.currency
    if prep.situation:
        head["situation"] = dict(prep.situation)
    return head


def _meetings(acts: list[Act], prep: Preparation) -> list[dict[str, Any]]:
    out = [{"title": m.title, "started": format_time(m.started), "acts": []}
           for m in prep.meetings]
    for act in acts:
        if act.kind in MEETING_KINDS and act.meeting:
            out[act.meeting - 1]["acts"].append(act_object(act))
    return out


def act_object(act: Act) -> dict[str, Any]:
    """An act as the scenario format writes it."""
    obj: dict[str, Any] = {}
    if act.id is not None:
        obj["id"] = act.id
    obj.update({"at": format_time(act.at), "by": act.by, "kind": act.kind})
    obj.update(act.payload)
    return obj


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write JSON atomically: a temporary file beside the target, flushed, then renamed over it."""
    with atomic(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2, default=_json_default)
        f.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
