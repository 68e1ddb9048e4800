"""What the lead's console shows beside the analysis: offers on one shared axis, concession trends,
and how far our position has used a member's authority.

Qt-free. The analysis (``caucus-analysis/1``) lists each side's values per issue; the console also
needs *which offer* each value came from (to draw both sides on one axis and to point an alert at
its act), and the authority meter needs the limit, approvals and the breach rule in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.authority import approved_to, breaches
from app.domain import MEETING_KINDS, Act, Preparation
from app.numbers import NotANumber, parse_decimal
from app.state import standing


@dataclass(frozen=True)
class Point:
    """One value a side put on the table for one issue."""

    n: int  # the offer's number in the negotiation (standing offers of both sides, from 1)
    value: Decimal
    act: Act


def refs(acts: Iterable[Act]) -> dict[str | int, Act]:
    """Every meeting act by the reference the analysis uses for it (its id, else its position)."""
    found: dict[str | int, Act] = {}
    position = 0
    for act in acts:
        if act.kind in MEETING_KINDS:
            position += 1
            found[act.ref(position)] = act
    return found


def offer_axis(acts: Iterable[Act]) -> dict[int, float]:
    """Where each standing meeting act sits on the offer axis, by ``seq``.

    An offer sits at its number; any other act half-way after the offers before it.
    """
    axis: dict[int, float] = {}
    count = 0
    for act in standing(acts):
        if act.kind == "offer":
            count += 1
            axis[act.seq] = float(count)
        elif act.kind in MEETING_KINDS:
            axis[act.seq] = count + 0.5
    return axis


def offer_count(acts: Iterable[Act]) -> int:
    """How many standing offers the negotiation has."""
    return sum(1 for a in standing(acts) if a.kind == "offer")


def offer_points(acts: Iterable[Act], issue: str) -> dict[str, list[Point]]:
    """Both sides' values on ``issue``, each with the number of the offer that carried it."""
    points: dict[str, list[Point]] = {"us": [], "them": []}
    count = 0
    for act in standing(acts):
        if act.kind != "offer":
            continue
        count += 1
        raw = (act.payload.get("terms") or {}).get(issue)
        side = act.payload.get("side")
        if raw is None or side not in points:
            continue
        try:
            points[side].append(Point(count, parse_decimal(raw), act))
        except NotANumber:
            continue
    return points


def trend(sizes: list[float]) -> str | None:
    """``"shrinking"`` when the latest concession is smaller than the one before, else
    ``"not shrinking"`` (the rule of the ``non_diminishing`` alert); ``None`` before two."""
    if len(sizes) < 2:
        return None
    return "shrinking" if sizes[-1] < sizes[-2] else "not shrinking"


@dataclass(frozen=True)
class Meter:
    """Where our position stands on one issue: on the opening → walk-away track, and against a
    member's authority limit.

    Fractions are 0 at the opening and 1 at the walk-away (``used``, ``limit_at``,
    ``approved_at``) or at the limit (``limit_used``); more than 1 is past it.
    """

    position: Decimal | None
    used: Decimal | None
    limit: Decimal | None = None
    limit_at: Decimal | None = None
    limit_used: Decimal | None = None
    approved_to: Decimal | None = None
    approved_at: Decimal | None = None
    past_limit: bool = False  # breaches the member's authority (no approval covers it)
    past_walk_away: bool = False


def meter(prep: Preparation, acts: Iterable[Act], member: str, issue: str,
          position: Decimal | None) -> Meter | None:
    """How far ``position`` has gone toward the walk-away and ``member``'s limit on ``issue``."""
    item = prep.issues.get(issue)
    if item is None:
        return None
    acts = list(acts)

    def along(value: Decimal | None, end: Decimal) -> Decimal | None:
        if value is None:
            return None
        span = end - item.opening
        return (value - item.opening) / span if span else Decimal(1)

    found = breaches(prep, acts, member, {issue: position}) if position is not None else []
    limit = prep.limit(member, issue)
    approved = approved_to(acts, item) if limit is not None else None
    return Meter(
        position=position, used=along(position, item.walk_away), limit=limit,
        limit_at=along(limit, item.walk_away),
        limit_used=along(position, limit) if limit is not None else None,
        approved_to=approved, approved_at=along(approved, item.walk_away),
        past_limit=any(b.kind == "authority" for b in found),
        past_walk_away=any(b.kind == "walk_away" for b in found),
    )
