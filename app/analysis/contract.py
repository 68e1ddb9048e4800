"""The ``next_move`` contract of SCENARIO.md §3 as a checker, worked out from the journal itself.

``violations(acts, move)`` re-reads positions, limits, approvals, the plan and the order of
concessions straight from the standing acts — not from the analysis engine — and lists every rule
the suggested move breaks. The property tests and ``benchmarks/eval_coach.py`` run every move
through it.

Where their position is already better for us than ours on an issue, the only value that is no
worse for us than theirs and not better than what they offer is theirs: a move may take it there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.analysis.lanes import lead_of
from app.authority import approved_to, widen
from app.domain import Act, Issue, Preparation
from app.numbers import readable
from app.state import fold, standing

KINDS = ("counter", "hold", "accept", "walk_away")


@dataclass
class Positions:
    """Both sides' positions and our concessions, read from the standing offers."""

    ours: dict[str, Decimal] = field(default_factory=dict)
    theirs: dict[str, Decimal] = field(default_factory=dict)
    last_give: dict[str, Decimal] = field(default_factory=dict)  # |Δ| of our latest concession
    last_side: str | None = None
    final_after: bool = False
    we_conceded: bool = False
    they_conceded_since: bool = False
    by: str | None = None


def read(prep: Preparation, acts: Sequence[Act]) -> Positions:
    """Replay the standing offers and agreements."""
    pos = Positions()
    for act in acts:
        if act.kind == "agreement" and act.payload.get("final") is True:
            pos.final_after = True
        if act.kind != "offer":
            continue
        side = act.payload.get("side")
        pos.last_side, pos.final_after = side, False
        terms = act.payload.get("terms") if isinstance(act.payload.get("terms"), dict) else {}
        if side == "us":
            pos.by = act.by
            _ours(prep, pos, terms)
        elif side == "them":
            _theirs(prep, pos, terms)
    return pos


def _ours(prep: Preparation, pos: Positions, terms: dict) -> None:
    gave = False
    for key, raw in terms.items():
        issue, value = prep.issues.get(key), readable(raw)
        if issue is None or value is None:
            continue
        before = pos.ours.get(key)
        if before is not None and issue.is_worse(value, before):
            pos.last_give[key], gave = abs(value - before), True
        pos.ours[key] = value
    if gave:
        pos.we_conceded, pos.they_conceded_since = True, False


def _theirs(prep: Preparation, pos: Positions, terms: dict) -> None:
    for key, raw in terms.items():
        issue, value = prep.issues.get(key), readable(raw)
        if issue is None or value is None:
            continue
        before = pos.theirs.get(key)
        if before is not None and issue.is_better(value, before):
            pos.they_conceded_since = True
        pos.theirs[key] = value


def violations(acts: Sequence[Act], move: dict[str, Any] | None) -> list[str]:
    """Every rule of the contract that ``move`` (a ``next_move`` value) breaks, as texts."""
    live = standing(acts)
    prep = fold(live)
    pos = read(prep, live)
    due = pos.last_side == "them" and not pos.final_after
    if move is None:
        return [] if not due else ["next_move is null although the latest offer is theirs"]
    if not due:
        return ["next_move is given although the latest offer is not theirs, or a final "
                "agreement follows it"]
    if move.get("kind") not in KINDS or not isinstance(move.get("why"), str) or not move["why"]:
        return [f"bad kind or why: {move!r}"]
    terms = _decimals(move.get("terms"))
    asks = _decimals(move.get("asks"))
    return _check(prep, live, pos, move["kind"], terms, asks)


def _decimals(values: Any) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in (values or {}).items()}


def _check(prep: Preparation, acts: list[Act], pos: Positions, kind: str,
           terms: dict[str, Decimal], asks: dict[str, Decimal]) -> list[str]:
    if kind == "walk_away":
        past = [k for k, v in pos.theirs.items() if prep.issues[k].walk_away is not None
                and prep.issues[k].is_worse(v, prep.issues[k].walk_away)]
        return ([] if not terms else ["walk_away with terms"]) + (
            [] if past else ["walk_away although no position of theirs is past a walk-away"])
    if kind == "accept":
        return _check_accept(prep, pos, terms)
    if not pos.ours:
        wanted = {k: i.opening for k, i in prep.issues.items()}
        return [] if terms == wanted else ["a first offer that is not our opening package"]
    problems = [] if set(terms) == set(pos.ours) else [
        f"terms name {sorted(terms)}, not every issue we hold a position on {sorted(pos.ours)}"]
    lead = lead_of(prep, pos.by)
    for key, value in terms.items():
        if key in pos.ours and not prep.issues[key].locked:
            problems += _check_value(prep, acts, pos, key, value, lead, kind)
    gives = [k for k, v in terms.items() if k in pos.ours
             and prep.issues[k].is_worse(v, pos.ours[k])]
    if gives and kind == "counter":
        problems += _check_gives(prep, pos, asks)
    return problems


def _check_accept(prep: Preparation, pos: Positions, terms: dict[str, Decimal]) -> list[str]:
    problems = [] if terms == pos.theirs else ["accept whose terms are not their package"]
    for key, value in pos.theirs.items():
        issue = prep.issues[key]
        if issue.target is not None and issue.is_worse(value, issue.target):
            problems.append(f"accept with {key} {value} worse than our target")
    return problems


def _check_value(prep: Preparation, acts: list[Act], pos: Positions, key: str, value: Decimal,
                 lead: str | None, kind: str) -> list[str]:
    issue, ours, theirs = prep.issues[key], pos.ours[key], pos.theirs.get(key)
    if theirs is not None and issue.is_better(theirs, ours):
        return [] if value == theirs else [f"{key} {value}: theirs {theirs} is better than ours"]
    edge = _edge(prep, acts, issue, lead)
    problems = []
    if not min(ours, edge) <= value <= max(ours, edge):
        problems.append(f"{key} {value} is not between our position {ours} and {edge}")
    if theirs is not None and issue.is_worse(value, theirs):
        problems.append(f"{key} {value} is worse for us than their position {theirs}")
    if kind == "counter" and issue.is_worse(value, ours):
        problems += _check_step(prep, pos, issue, ours, value)
    return problems


def _edge(prep: Preparation, acts: list[Act], issue: Issue, lead: str | None) -> Decimal:
    """The less favourable of the walk-away and the lead's limit (extended by approvals), read
    as the tighter of the two: a value inside it is inside both."""
    limit = prep.limit(lead, issue.key) if lead else None
    if limit is None:
        return issue.walk_away
    covered = approved_to(acts, issue)
    if covered is not None:
        limit = widen(issue, limit, covered)
    return limit if issue.is_better(limit, issue.walk_away) else issue.walk_away


def _check_step(prep: Preparation, pos: Positions, issue: Issue, ours: Decimal,
                value: Decimal) -> list[str]:
    problems, delta = [], abs(value - ours)
    previous = pos.last_give.get(issue.key)
    if previous is not None and delta > previous:
        problems.append(f"{issue.key}: a step of {delta} after one of {previous}")
    plan = prep.plan.get(issue.key)
    ahead = [s for s in plan.steps if issue.is_worse(s, ours)] if plan else []
    if ahead and issue.is_worse(value, ahead[0]):
        problems.append(f"{issue.key} {value} passes the plan's next step {ahead[0]}")
    if pos.we_conceded and not pos.they_conceded_since:
        problems.append(f"{issue.key}: a concession although they have not conceded since ours")
    return problems


def _check_gives(prep: Preparation, pos: Positions, asks: dict[str, Decimal]) -> list[str]:
    if not asks:
        return ["a counter that concedes without any ask"]
    return [f"ask {key} {value} is not better for us than their position"
            for key, value in asks.items()
            if key not in pos.theirs or not prep.issues[key].is_better(value, pos.theirs[key])]
