"""The checks of the preparation: the negotiation, its issues, BATNA, leverage, strategy, team,
authority, concession plan and debrief."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain import BETTER, ROLES, SITUATION, Issue, Preparation
from app.numbers import NotANumber, dec_str, parse_decimal
from app.numbers import show_value as _show
from app.ranges import issue_value_problem
from app.rules.check import (
    CURRENCY_RE,
    KEY_RE,
    Checker,
    Problem,
    blank,
    drop_none,
    issue_ref,
    kind_of,
    member_ref,
    not_an_issue,
    terms_of,
)
from app.text import printable

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
    return drop_none(out), c.problems


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
        out["values"] = terms_of(c, "values", prep or Preparation(), required=False)
    return drop_none(out), c.problems


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
            c.fail(side, f"expected a list of texts, got {kind_of(items)}")
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
    return drop_none(out), c.problems


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
        if not blank(data.get(key)):
            out[key] = c.text(key)
    limits = data.get("limits")
    if limits is not None and not isinstance(limits, dict):
        c.fail("limits", f"expected an object of issue: value or text, got {kind_of(limits)}")
    elif limits:
        clean = {}
        for key, raw in limits.items():
            if key not in prep.issues:
                c.fail(f"limits.{printable(str(key))}", not_an_issue(key, prep))
            elif not blank(raw):
                value = _number_or_text(c, f"limits.{key}", raw, prep.issues[key])
                if value is not None:
                    clean[key] = value
        if clean:
            out["limits"] = clean
    out = drop_none(out)
    if not out and not c.problems:
        c.fail("", "the debrief is empty: say what they conceded, which tactics they used, "
                   "where their limits turned out to be or what we would do differently")
    return out, c.problems



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
    member = member_ref(c, "member", prep)
    issue = issue_ref(c, "issue", prep)
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
    issue = issue_ref(c, "issue", prep)
    steps_raw = data.get("steps")
    steps: list[Decimal] = []
    if not isinstance(steps_raw, list):
        if "steps" in data:
            c.fail("steps", f"expected a list of numbers, got {kind_of(steps_raw)}")
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
