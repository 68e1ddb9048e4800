"""Validation of all that enters the journal, shared by the services and the scenario importer.

Each ``check_*`` function takes raw data (as parsed from JSON, a form or the command line) and
returns the clean payload to store plus every problem found, each with a path relative to the
checked object. The services raise on the first batch; the importer prefixes the paths and keeps
collecting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.domain import BETTER, PHASES, ROLES, SIDES, SITUATION, TOPICS, Issue, Preparation
from app.numbers import NotANumber, dec_str, parse_decimal
from app.numbers import show_value as _show
from app.ranges import coarse_problem, issue_value_problem
from app.text import printable, text_problem

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
#: The longest text each field takes, and whether it may hold line breaks; any other text field
#: takes ``SHORT_TEXT`` characters on one line.
TEXTS: dict[str, tuple[int, bool]] = {
    "title": (200, False), "supplier": (200, False), "category": (200, False),
    "label": (100, False), "unit": (30, False), "name": (100, False), "member": (100, False),
    "by": (100, False), "key": (40, False), "issue": (40, False), "tag": (40, False),
    "tactic": (40, False), "id": (40, False), "request": (40, False), "act": (40, False),
    "about": (40, False), "lever": (500, False), "ask": (500, False),
    "note": (2000, True), "reason": (2000, True), "text": (4000, True), "ours": (4000, True),
    "theirs": (4000, True), "conceded": (10000, True), "tactics": (10000, True),
    "differently": (10000, True), "limit_text": (500, False),
}
SHORT_TEXT = 200
#: Times Caucus accepts: any real negotiation falls between, and every local clock can show them.
YEARS = (1900, 2999)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located by its JSON path."""

    path: str
    message: str

    def under(self, prefix: str) -> Problem:
        """The same problem seen from an enclosing object."""
        if not self.path:
            return Problem(prefix, self.message)
        sep = "" if self.path.startswith("[") else "."
        return Problem(f"{prefix}{sep}{self.path}" if prefix else self.path, self.message)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class Checker:
    """Collects problems while reading one object."""

    data: Any
    problems: list[Problem] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(Problem(path, message))

    def is_object(self) -> bool:
        """True when the data is a JSON object; records a problem otherwise."""
        if isinstance(self.data, dict):
            return True
        self.fail("", f"expected an object, got {_kind(self.data)}")
        return False

    def keys(self, allowed: set[str], required: set[str] = frozenset()) -> None:
        """Unknown keys and missing (or null) required keys are both problems."""
        for key in self.data:
            if key not in allowed:
                self.fail(str(key), "unknown key")
        self.require(required)

    def require(self, required: set[str]) -> None:
        """Each of ``required`` must be present, not null and not a blank text."""
        present = {k for k, v in self.data.items() if v is not None and not _blank(v)}
        for key in sorted(required - present):
            self.fail(key, "is required")

    def text(self, key: str, limit_key: str | None = None) -> str | None:
        """A text at ``key``, stripped, within its field's limit (``TEXTS``) and free of control
        characters. Absent or blank (``""``) is None: for an optional text the same as leaving
        it out (``keys``/``require`` report required ones)."""
        value = self.data.get(key)
        if value is None or _blank(value):
            return None
        return self.text_value(key, value, limit_key or key)

    def text_value(self, path: str, value: Any, field_name: str) -> str | None:
        """Read one value as a text of the kind ``field_name`` (see ``TEXTS``), or record why
        it is not one."""
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{_show(value)} is not a non-empty text")
            return None
        limit, multiline = TEXTS.get(field_name, (SHORT_TEXT, False))
        problem = text_problem(value, limit, multiline)
        if problem is not None:
            self.fail(path, problem)
            return None
        return value.strip()

    def number(self, key: str) -> Decimal | None:
        """An exact decimal at ``key`` (a JSON number or a numeric string), None when absent."""
        if self.data.get(key) is None:
            return None
        return self.number_value(key, self.data[key])

    def number_value(self, path: str, value: Any) -> Decimal | None:
        """Read one value as a decimal, recording a problem at ``path`` if it is not one."""
        try:
            number = parse_decimal(value)
        except NotANumber as exc:
            self.fail(path, str(exc))
            return None
        problem = coarse_problem(number)
        if problem is not None:
            self.fail(path, f"{_show(number)} {problem}")
            return None
        return number

    def issue_number(self, path: str, value: Any, issue: Issue) -> Decimal | None:
        """Read one value on ``issue``: a number within the issue's sane range and precision."""
        try:
            number = parse_decimal(value)
        except NotANumber as exc:
            self.fail(path, str(exc))
            return None
        problem = issue_value_problem(issue, number)
        if problem is not None:
            self.fail(path, problem)
            return None
        return number

    def choice(self, key: str, options: tuple[str, ...]) -> str | None:
        """One of ``options`` at ``key``."""
        value = self.data.get(key)
        if value is None:
            return None
        if value not in options:
            self.fail(key, f"{_show(value)} is not one of {', '.join(options)}")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        """A JSON boolean at ``key``."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(key, f"{_show(value)} is not true or false")
            return None
        return value


# --- preparation ------------------------------------------------------------------------------


def check_negotiation(data: Any) -> tuple[dict, list[Problem]]:
    """The negotiation header: title, supplier, category, currency, situation."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({"title", "supplier", "category", "currency", "situation"}, {"title", "supplier"})
    out: dict[str, Any] = {
        "title": c.text("title"),
        "supplier": c.text("supplier"),
        "category": c.text("category"),
        "currency": c.text("currency"),
    }
    if out["currency"] is not None and not CURRENCY_RE.match(out["currency"]):
        c.fail("currency", f'"{out["currency"]}" is not an ISO 4217 code such as EUR')
    out["situation"] = _situation(c, data.get("situation"))
    return _drop_none(out), c.problems


def _situation(c: Checker, data: Any) -> dict[str, str]:
    if data is None:
        return {}
    sub = Checker(data)
    if sub.is_object():
        sub.keys(set(SITUATION))
        result = {k: sub.choice(k, opts) for k, opts in SITUATION.items()}
    else:
        result = {}
    c.problems += [p.under("situation") for p in sub.problems]
    return {k: v for k, v in result.items() if v is not None}


ISSUE_NUMBERS = ("opening", "target", "walk_away", "benchmark", "should_cost", "weight",
                 "value_per_unit")


def check_issue(data: Any) -> tuple[Issue | None, list[Problem]]:
    """An issue definition, including the ordering of our three positions."""
    c = Checker(data)
    if not c.is_object():
        return None, c.problems
    c.keys(
        {"key", "label", "unit", "better", *ISSUE_NUMBERS},
        {"key", "better", "opening", "target", "walk_away"},
    )
    key = c.text("key")
    if key is not None and not KEY_RE.match(key):
        c.fail("key", f'"{key}" must be lower-case letters, digits and _ starting with a letter')
    better = c.choice("better", BETTER)
    nums = {k: c.number(k) for k in ISSUE_NUMBERS}
    for name in ("weight", "value_per_unit"):
        if nums[name] is not None and nums[name] < 0:
            c.fail(name, f"{nums[name]} is negative")
    if better and all(nums[k] is not None for k in ("opening", "target", "walk_away")):
        c.problems += position_order_problems(
            better, nums["opening"], nums["target"], nums["walk_away"], data.get("unit")
        )
        probe = Issue(key or "issue", better, nums["opening"], nums["target"], nums["walk_away"],
                      label=c.text("label"), unit=c.text("unit"))
        for name in ("benchmark", "should_cost"):  # references on the issue's own scale
            if nums[name] is not None and (problem := issue_value_problem(probe, nums[name])):
                c.fail(name, problem)
    if c.problems or key is None or better is None:
        return None, c.problems
    issue = Issue(
        key=key,
        better=better,
        opening=nums["opening"],
        target=nums["target"],
        walk_away=nums["walk_away"],
        label=c.text("label"),
        unit=c.text("unit"),
        benchmark=nums["benchmark"],
        should_cost=nums["should_cost"],
        weight=nums["weight"],
        value_per_unit=nums["value_per_unit"],
    )
    return issue, c.problems


def position_order_problems(
    better: str, opening: Decimal, target: Decimal, walk_away: Decimal, unit: str | None = None
) -> list[Problem]:
    """Opening best, walk-away worst, target between (opening may equal target)."""
    probe = Issue("x", better, opening, target, walk_away, unit=unit)
    u = f" {unit}" if unit else ""
    here = f"({better} is better here)"
    problems = []
    if opening == walk_away:
        problems.append(Problem("", f"opening {opening}{u} equals the walk-away: there is no "
                                    "room to negotiate"))
    elif not probe.is_better(opening, walk_away):
        problems.append(Problem("", f"opening {opening}{u} is worse than the walk-away "
                                    f"{walk_away}{u} {here}"))
    if probe.is_better(target, opening):
        problems.append(Problem("target", f"target {target}{u} is better than the opening "
                                          f"{opening}{u} {here}"))
    if probe.is_worse(target, walk_away):
        problems.append(Problem("target", f"target {target}{u} is worse than the walk-away "
                                          f"{walk_away}{u} {here}"))
    return problems


def issue_payload(issue: Issue) -> dict[str, Any]:
    """The journal payload (and scenario object) of an issue."""
    out: dict[str, Any] = {"key": issue.key}
    for name in ("label", "unit"):
        if getattr(issue, name) is not None:
            out[name] = getattr(issue, name)
    out["better"] = issue.better
    for name in ISSUE_NUMBERS:
        value = getattr(issue, name)
        if value is not None:
            out[name] = dec_str(value)
    return out


def check_member(data: Any) -> tuple[dict, list[Problem]]:
    """A team member: unique name and one role."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({"name", "role", "editor"}, {"name", "role"})
    out = {"name": c.text("name"), "role": c.choice("role", ROLES)}
    if c.flag("editor"):
        out["editor"] = True
    return out, c.problems


def check_batna(data: Any, prep: Preparation | None = None) -> tuple[dict, list[Problem]]:
    """Our BATNA and our estimate of theirs as text, and ours as a value per issue where it has one.

    ``values`` (e.g. the second source's price) is a Caucus extension of the scenario format.
    """
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({"ours", "theirs", "values"})
    out: dict[str, Any] = {"ours": c.text("ours"), "theirs": c.text("theirs")}
    if data.get("values") is not None:
        out["values"] = _terms(c, "values", prep or Preparation(), required=False)
    return _drop_none(out), c.problems


def check_leverage(data: Any) -> tuple[dict, list[Problem]]:
    """What each side brings: texts, or ``{"text", "weight"}`` objects (weight: a number ≥ 0)."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({"ours", "theirs"})
    out: dict[str, list] = {}
    for side in ("ours", "theirs"):
        items = data.get(side)
        if items is None:
            continue
        if not isinstance(items, list):
            c.fail(side, f"expected a list of texts, got {_kind(items)}")
            continue
        out[side] = [lever for n, item in enumerate(items)
                     if (lever := _lever(c, f"{side}[{n}]", item)) is not None]
    return out, c.problems


def _lever(c: Checker, path: str, item: Any) -> str | dict | None:
    if isinstance(item, str) and item.strip():
        return c.text_value(path, item, "lever")
    if not isinstance(item, dict):
        c.fail(path, f"{_show(item)} is not a non-empty text")
        return None
    sub = Checker(item)
    sub.keys({"text", "weight"}, {"text"})
    text, weight = sub.text("text", "lever"), sub.number("weight")
    if weight is not None and weight < 0:
        sub.fail("weight", f"{weight} is negative")
    c.problems += [p.under(path) for p in sub.problems]
    if text is None or sub.problems:
        return None
    return {"text": text, "weight": dec_str(weight)} if weight is not None else text


STRATEGIES = ("competitive", "collaborative", "relationship-led", "automated")


def check_strategy(data: Any) -> tuple[dict, list[Problem]]:
    """The approach the lead chose (which may differ from the recommended one) and why."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({"approach", "reason"}, {"approach"})
    out = {"approach": c.choice("approach", STRATEGIES), "reason": c.text("reason")}
    return _drop_none(out), c.problems


DEBRIEF_TEXTS = ("conceded", "tactics", "differently")


def check_debrief(data: Any, prep: Preparation) -> tuple[dict, list[Problem]]:
    """The team's debrief after the negotiation (a Caucus extension of the scenario format).

    ``conceded`` (what they conceded), ``tactics`` (which tactics they used) and ``differently``
    (what we would do differently) are texts; ``limits`` says per issue where their real limit
    turned out to be: a number, or a text when a number does not say it ("0.86 with 60 days").
    Blank fields are left out; a debrief that says nothing at all is refused.
    """
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({*DEBRIEF_TEXTS, "limits"})
    out: dict[str, Any] = {}
    for key in DEBRIEF_TEXTS:
        if not _blank(data.get(key)):
            out[key] = c.text(key)
    limits = data.get("limits")
    if limits is not None and not isinstance(limits, dict):
        c.fail("limits", f"expected an object of issue: value or text, got {_kind(limits)}")
    elif limits:
        clean = {}
        for key, raw in limits.items():
            if key not in prep.issues:
                c.fail(f"limits.{printable(str(key))}", not_an_issue(key, prep))
            elif not _blank(raw):
                value = _number_or_text(c, f"limits.{key}", raw, prep.issues[key])
                if value is not None:
                    clean[key] = value
        if clean:
            out["limits"] = clean
    out = _drop_none(out)
    if not out and not c.problems:
        c.fail("", "the debrief is empty: say what they conceded, which tactics they used, "
                   "where their limits turned out to be or what we would do differently")
    return out, c.problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number_or_text(c: Checker, path: str, raw: Any, issue: Issue) -> str | None:
    try:
        parse_decimal(raw)
    except NotANumber:
        if isinstance(raw, str):
            return c.text_value(path, raw, "limit_text")
        c.fail(path, f"{_show(raw)} is not a number or a text")
        return None
    return dec_str(c.issue_number(path, raw, issue))


def check_authority(data: Any, prep: Preparation) -> tuple[dict, list[Problem]]:
    """A member's limit on an issue, which must lie between opening and walk-away."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({"member", "issue", "limit"}, {"member", "issue", "limit"})
    member = _member_ref(c, "member", prep)
    issue = _issue_ref(c, "issue", prep)
    limit = c.number("limit")
    if issue is not None and limit is not None:
        limit = c.issue_number("limit", data["limit"], issue)
    if issue is not None and limit is not None and issue.walk_away is not None and (
            issue.is_better(limit, issue.opening) or issue.is_worse(limit, issue.walk_away)):
            c.fail("limit", f"{issue.with_unit(limit)} is not between the opening "
                            f"{issue.with_unit(issue.opening)} and the walk-away "
                            f"{issue.with_unit(issue.walk_away)}")
    out = {"member": member, "issue": issue.key if issue else None, "limit": dec_str(limit)}
    return out, c.problems


def check_plan(data: Any, prep: Preparation) -> tuple[dict, list[Problem]]:
    """A concession ladder: steps moving away from opening, never past walk-away, one ask each."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.keys({"issue", "steps", "asks"}, {"issue", "steps"})
    issue = _issue_ref(c, "issue", prep)
    steps_raw = data.get("steps")
    steps: list[Decimal] = []
    if not isinstance(steps_raw, list):
        if "steps" in data:
            c.fail("steps", f"expected a list of numbers, got {_kind(steps_raw)}")
        steps_raw = []
    for n, raw in enumerate(steps_raw):
        value = (c.issue_number(f"steps[{n}]", raw, issue) if issue is not None
                 else c.number_value(f"steps[{n}]", raw))
        if value is not None:
            steps.append(value)
    if issue is not None and len(steps) == len(steps_raw):
        _check_ladder(c, issue, steps)
    asks = data.get("asks")
    if asks is None:
        asks = []
    if not isinstance(asks, list) or not all(isinstance(a, str) and a.strip() for a in asks):
        c.fail("asks", "expected a list of non-empty texts, one get per step")
        asks = []
    elif asks and len(asks) != len(steps_raw):
        c.fail("asks", f"has {len(asks)} entries for {len(steps_raw)} steps")
    asks = [c.text_value(f"asks[{n}]", a, "ask") for n, a in enumerate(asks)]
    out = {"issue": issue.key if issue else None, "steps": [dec_str(s) for s in steps],
           "asks": list(asks)}
    return out, c.problems


def _check_ladder(c: Checker, issue: Issue, steps: list[Decimal]) -> None:
    previous = issue.opening
    for n, step in enumerate(steps):
        if not issue.is_worse(step, previous):
            c.fail(f"steps[{n}]", f"{issue.with_unit(step)} does not move from "
                                  f"{issue.with_unit(previous)} toward the walk-away")
        elif issue.is_worse(step, issue.walk_away):
            c.fail(f"steps[{n}]", f"{issue.with_unit(step)} is past the walk-away "
                                  f"{issue.with_unit(issue.walk_away)}")
        previous = step


# --- meeting acts -----------------------------------------------------------------------------


@dataclass
class ActContext:
    """What an act may refer to: the preparation and the acts already in the negotiation."""

    prep: Preparation
    kinds: dict[str, str] = field(default_factory=dict)  # act id -> kind
    retracted: set[str] = field(default_factory=set)

    def remember(self, act_id: str | None, kind: str, payload: dict) -> None:
        """Record an accepted act so later acts may refer to it."""
        if act_id is not None:
            self.kinds[act_id] = kind
        if kind == "retract":
            self.retracted.add(payload["act"])


ACT_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (allowed payload keys, required payload keys)
    "offer": ({"side", "terms", "asks"}, {"side", "terms"}),
    "reaction": ({"tag", "note", "about"}, {"tag"}),
    "tactic": ({"tactic", "note", "about"}, {"tactic"}),
    "note": ({"text", "topic", "issue", "about"}, {"text", "topic"}),
    "approval_request": ({"issue", "value", "note"}, {"issue", "value"}),
    "approval": ({"request", "granted", "note"}, {"request", "granted"}),
    "agreement": ({"terms", "final"}, {"terms", "final"}),
    "retract": ({"act", "reason"}, {"act"}),
    "phase": ({"phase"}, {"phase"}),
}
ENVELOPE = {"id", "at", "by", "kind"}


def check_envelope(data: Any, ctx: ActContext) -> tuple[dict, list[Problem]]:
    """The fields of every act: ``id`` (optional, unique), ``at``, ``by`` (a member), ``kind``."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in ACT_FIELDS:
        c.fail("kind", f"{_show(kind)} is not one of {', '.join(ACT_FIELDS)}")
        allowed = ENVELOPE
    else:
        allowed = ENVELOPE | ACT_FIELDS[kind][0]
    c.keys(allowed, {"at", "by", "kind"})
    act_id = c.text("id")  # "" is no id
    if act_id is not None and act_id in ctx.kinds:
        c.fail("id", f'"{act_id}" is already used by another act')
    at = parse_time(c, "at") if "at" in data else None
    by = _member_ref(c, "by", ctx.prep)
    return {"id": act_id, "at": at, "by": by, "kind": kind}, c.problems


def check_act(kind: str, data: Any, ctx: ActContext) -> tuple[dict, list[Problem]]:
    """The kind-specific fields of a meeting act, as a clean payload."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.require(ACT_FIELDS[kind][1])  # unknown keys are reported once, by check_envelope
    payload = _ACT_CHECKS[kind](c, ctx)
    return _drop_none(payload), c.problems


def _offer(c: Checker, ctx: ActContext) -> dict:
    side = c.choice("side", SIDES)
    terms = _terms(c, "terms", ctx.prep, required=True)
    asks = _terms(c, "asks", ctx.prep, required=False) if c.data.get("asks") is not None else None
    return {"side": side, "terms": terms, "asks": asks}


def _reaction(c: Checker, ctx: ActContext) -> dict:
    return {"tag": _tag(c, "tag"), "note": c.text("note"), "about": _act_ref(c, "about", ctx)}


def _tactic(c: Checker, ctx: ActContext) -> dict:
    return {"tactic": _tag(c, "tactic"), "note": c.text("note"), "about": _act_ref(c, "about", ctx)}


def _note(c: Checker, ctx: ActContext) -> dict:
    issue = _issue_ref(c, "issue", ctx.prep) if c.data.get("issue") is not None else None
    return {"text": c.text("text"), "topic": c.choice("topic", TOPICS),
            "issue": issue.key if issue else None, "about": _act_ref(c, "about", ctx)}


def _approval_request(c: Checker, ctx: ActContext) -> dict:
    issue = _issue_ref(c, "issue", ctx.prep)
    raw = c.data.get("value")
    value = (c.issue_number("value", raw, issue) if issue is not None and raw is not None
             else c.number("value"))
    return {"issue": issue.key if issue else None, "value": dec_str(value),
            "note": c.text("note")}


def _approval(c: Checker, ctx: ActContext) -> dict:
    request = c.text("request")
    if request is not None and ctx.kinds.get(request) != "approval_request":
        c.fail("request", f"{_show(request)} is not an approval request logged before")
    return {"request": request, "granted": c.flag("granted"), "note": c.text("note")}


def _agreement(c: Checker, ctx: ActContext) -> dict:
    return {"terms": _terms(c, "terms", ctx.prep, required=True), "final": c.flag("final")}


def _retract(c: Checker, ctx: ActContext) -> dict:
    target = c.text("act")
    if target is not None:
        if target not in ctx.kinds:
            c.fail("act", f"{_show(target)} is not an act logged before")
        elif ctx.kinds[target] == "retract":
            c.fail("act", f'"{target}" is itself a retraction; log the act again instead')
        elif target in ctx.retracted:
            c.fail("act", f'"{target}" is already withdrawn')
    return {"act": target, "reason": c.text("reason")}


def _phase(c: Checker, ctx: ActContext) -> dict:
    return {"phase": c.choice("phase", PHASES)}


_ACT_CHECKS = {
    "offer": _offer,
    "reaction": _reaction,
    "tactic": _tactic,
    "note": _note,
    "approval_request": _approval_request,
    "approval": _approval,
    "agreement": _agreement,
    "retract": _retract,
    "phase": _phase,
}


def unusable_values(kind: str, payload: dict, prep: Preparation) -> list[Problem]:
    """The values of a stored meeting act that the checks of today refuse (not a number, out of
    its issue's range): an act logged before those checks, or written by another tool."""
    c = Checker(payload)
    for key in ("terms", "asks"):
        values = payload.get(key)
        for issue_key, raw in (values.items() if isinstance(values, dict) else ()):
            if issue_key in prep.issues:
                c.issue_number(f"{key}.{issue_key}", raw, prep.issues[issue_key])
    key = payload.get("issue")
    issue = prep.issues.get(key) if kind == "approval_request" and isinstance(key, str) else None
    if issue is not None:
        c.issue_number("value", payload.get("value"), issue)
    return c.problems


# --- helpers ----------------------------------------------------------------------------------


def _terms(c: Checker, key: str, prep: Preparation, required: bool) -> dict[str, str] | None:
    data = c.data.get(key)
    if data is None:
        return None
    if not isinstance(data, dict) or (required and not data):
        c.fail(key, "expected an object of issue: value with at least one issue")
        return None
    out = {}
    for issue_key, raw in data.items():
        if issue_key not in prep.issues:
            c.fail(f"{key}.{printable(issue_key)}", not_an_issue(issue_key, prep))
            continue
        value = c.issue_number(f"{key}.{issue_key}", raw, prep.issues[issue_key])
        if value is not None:
            out[issue_key] = dec_str(value)
    return out


def _tag(c: Checker, key: str) -> str | None:
    value = c.text(key)
    if value is not None and not KEY_RE.match(value):
        c.fail(key, f'"{value}" must be a lower-case word such as flinch or nibble')
        return None
    return value


def _member_ref(c: Checker, key: str, prep: Preparation) -> str | None:
    name = c.text(key)
    if name is not None and name not in prep.team:
        c.fail(key, not_on_team(name, prep))
        return None
    return name


def _issue_ref(c: Checker, key: str, prep: Preparation) -> Issue | None:
    name = c.text(key)
    if name is not None and name not in prep.issues:
        c.fail(key, not_an_issue(name, prep))
        return None
    return prep.issues.get(name) if name else None


NOT_ON_TEAM = "is not on the team"
NOT_AN_ISSUE = "is not an issue of this negotiation"


def not_on_team(name: str, prep: Preparation) -> str:
    """``"Kim" is not on the team (the team: Dana Whitfield, Oli Park)``."""
    return f"{_show(name)} {NOT_ON_TEAM} ({_listed('the team', prep.team)})"


def not_an_issue(key: str, prep: Preparation) -> str:
    """``"prise" is not an issue of this negotiation (the issues: price, payment)``."""
    return f"{_show(key)} {NOT_AN_ISSUE} ({_listed('the issues', prep.issues)})"


def _listed(what: str, names: Any, most: int = 12) -> str:
    names = list(names)
    if not names:
        return f"{what}: none yet"
    shown = ", ".join(printable(n) for n in names[:most])
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"{what}: {shown}{more}"


def _act_ref(c: Checker, key: str, ctx: ActContext) -> str | None:
    target = c.text(key)
    if target is not None and target not in ctx.kinds:
        c.fail(key, f"{_show(target)} is not an act logged before")
        return None
    return target


def parse_time(c: Checker, key: str) -> datetime | None:
    """An ISO-8601 time with an offset or Z at ``key``, returned in UTC."""
    value = c.data.get(key)
    try:
        return parse_iso(value)
    except ValueError as exc:
        c.fail(key, str(exc))
        return None


def parse_iso(value: Any) -> datetime:
    """Read an ISO-8601 time that names its offset (or Z) and return it in UTC."""
    if not isinstance(value, str):
        raise ValueError(f"{_show(value)} is not an ISO-8601 time")
    shown = _show(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{shown} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{shown} has no offset or Z; say which time zone it is in")
    low, high = YEARS
    if not low <= parsed.year <= high:
        raise ValueError(f"{shown} is outside the years {low}–{high} that Caucus accepts")
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. year 1 or 9999 with an offset
        raise ValueError(f"{shown} is not a time Caucus can hold") from None


def format_time(value: datetime) -> str:
    """UTC time as ISO-8601 with Z, to the second or microsecond as needed."""
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def _drop_none(data: dict) -> dict:
    return {k: v for k, v in data.items() if v is not None}


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, (int, float, Decimal)) else "null"
    )


