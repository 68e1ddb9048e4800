"""The meeting as every seat sees it: what the next tag links to, open questions and approval
requests, both sides' offers on one axis, concession trends, how far our position has used a
member's authority, what has been agreed, and the numbers put beside the offers.

Plain functions over the journal (``Act`` lists), the preparation and the ``caucus-analysis/1``
object. Withdrawn acts and retractions never count (``app.state.standing``). The analysis lists
each side's values per issue; the console also needs *which offer* each value came from (to draw
both sides on one axis and to point an alert at its act), and the authority meter needs the limit,
approvals and the breach rule in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.authority import approved_to, breaches_on
from app.domain import MEETING_KINDS, TOPICS, Act, Issue, Preparation
from app.numbers import readable
from app.prepare import limit_locked
from app.state import standing

_PREFIX = re.compile(r"^\s*(?P<topic>[a-zA-Z]+)\s*:\s*(?P<rest>.*)$", re.DOTALL)
#: Short forms accepted in front of a note, besides the topic words themselves.
TOPIC_ABBREVIATIONS = {"f": "fact", "c": "claim", "q": "question", "a": "answer", "g": "general"}


def parse_note(text: str, default: str = "general") -> tuple[str, str]:
    """Split ``"fact: index down 4%"`` into ``("fact", "index down 4%")``.

    A leading ``topic:`` (a topic word or its first letter, any case) sets the topic; without one
    the text keeps ``default``. The text is stripped; it may come back empty.
    """
    match = _PREFIX.match(text)
    if match:
        word = match["topic"].lower()
        topic = word if word in TOPICS else TOPIC_ABBREVIATIONS.get(word)
        if topic is not None:
            return topic, match["rest"].strip()
    return default, text.strip()


def latest_offer(acts: Iterable[Act], side: str | None = None) -> Act | None:
    """The newest standing offer (of ``side`` if given), the one a reaction or tactic is about."""
    for act in reversed(standing(acts)):
        if act.kind == "offer" and (side is None or act.payload.get("side") == side):
            return act
    return None


def default_issue(acts: Iterable[Act], prep: Preparation) -> str | None:
    """The issue of the latest offer's first term, else the first issue of the preparation."""
    offer = latest_offer(acts)
    if offer is not None:
        for key in offer.payload.get("terms", {}):
            if key in prep.issues:
                return key
    return next(iter(prep.issues), None)


# --- questions and answers --------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A note with topic ``question`` and the standing answers that name it in ``about``."""

    act: Act
    answers: tuple[Act, ...]

    @property
    def answered(self) -> bool:
        """True once a standing answer names the question."""
        return bool(self.answers)


def questions(acts: Iterable[Act]) -> list[Question]:
    """Every standing question, oldest first, with its answers."""
    live = standing(acts)
    answers: dict[str, list[Act]] = {}
    for act in live:
        if act.kind == "note" and act.payload.get("topic") == "answer" and act.payload.get("about"):
            answers.setdefault(act.payload["about"], []).append(act)
    return [Question(a, tuple(answers.get(a.id, ()) if a.id else ()))
            for a in live if a.kind == "note" and a.payload.get("topic") == "question"]


# --- approvals --------------------------------------------------------------------------------


def answers_to_requests(acts: Iterable[Act]) -> dict[str, Act]:
    """The latest standing approval answering each request, by request id."""
    return {a.payload["request"]: a for a in standing(acts)
            if a.kind == "approval" and a.payload.get("request")}


def pending_requests(acts: Iterable[Act]) -> list[Act]:
    """Standing approval requests that no standing approval answers yet, oldest first (a request
    whose value is not a readable number cannot be weighed and is left out)."""
    live = standing(acts)
    answered = answers_to_requests(live)
    return [a for a in live if a.kind == "approval_request" and a.id and a.id not in answered
            and readable(a.payload.get("value")) is not None]


@dataclass(frozen=True)
class RequestContext:
    """What an approver weighs: the value asked, the limits around it and where the sides stand."""

    request: Act
    issue: Issue
    value: Decimal
    requester: str
    requester_limit: Decimal | None  # the requester's own authority on the issue
    approver_limit: Decimal | None  # the approver's authority on the issue
    covered_to: Decimal | None  # how far approvals already granted reach
    ours: Decimal | None
    theirs: Decimal | None
    gap: Decimal | None
    forecast: dict[str, Any] | None
    past_walk_away: bool
    past_approver_limit: bool
    already_covered: bool
    past_requester_by: Decimal | None  # how far the value goes past the requester's limit
    agreed: Agreed | None = None  # what the issue stands agreed at now, if anything
    #: sealed to this process (no join phrase): the request cannot be checked against these
    requester_limit_locked: bool = False
    approver_limit_locked: bool = False

    @property
    def walk_away_locked(self) -> bool:
        """True when the issue's walk-away is sealed to this process."""
        return self.issue.walk_away is None

    @property
    def breaches(self) -> list[str]:
        """What granting this would break: the walk-away, the approver's own authority."""
        issue, out = self.issue, []
        name = issue.label or issue.key
        if self.past_walk_away:
            out.append(f"{name}: {issue.with_unit(self.value)} is past the walk-away "
                       f"{issue.with_unit(issue.walk_away)}")
        if self.past_approver_limit and self.approver_limit is not None:
            out.append(f"{name}: {issue.with_unit(self.value)} is past your own authority of "
                       f"{issue.with_unit(self.approver_limit)}")
        return out

    @property
    def remarks(self) -> list[str]:
        """Plain facts about the request: how far past the requester's limit, what is covered."""
        issue, out = self.issue, []
        if self.past_requester_by is not None:
            out.append(f"{issue.with_unit(self.past_requester_by)} past {self.requester}'s limit "
                       f"of {issue.with_unit(self.requester_limit)}")
        if self.already_covered and self.covered_to is not None:
            out.append(f"already covered: approvals granted reach "
                       f"{issue.with_unit(self.covered_to)}")
        if self.agreed is not None and self.agreed.value != self.value:
            state = "final" if self.agreed.final else "tentative"
            out.append(f"already agreed ({state}) at {issue.with_unit(self.agreed.value)}: "
                       f"granting this reopens it")
        sealed = [name for name, locked in (("the walk-away", self.walk_away_locked),
                                            (f"{self.requester}'s limit",
                                             self.requester_limit_locked),
                                            ("your own limit", self.approver_limit_locked))
                  if locked]
        if sealed:
            listed = " and ".join([", ".join(sealed[:-1]), sealed[-1]] if len(sealed) > 1
                                  else sealed)
            verb, it = ("is", "it") if len(sealed) == 1 else ("are", "them")
            out.append(f"{listed} {verb} locked on this computer: the request is not checked "
                       f"against {it} (enter the join phrase to see {it})")
        return out


def request_context(prep: Preparation, acts: Iterable[Act], analysis: dict[str, Any],
                    request: Act, approver: str) -> RequestContext:
    """The context of an approval request for ``approver`` (its issue must still exist)."""
    acts = list(acts)
    p = request.payload
    issue = prep.issues[p["issue"]]
    value = readable(p["value"])
    row = analysis.get("issues", {}).get(issue.key, {})
    req_limit = prep.limit(request.by, issue.key)
    appr_limit = prep.limit(approver, issue.key)
    earlier = [a for a in acts if a.seq < request.seq]
    covered = approved_to(earlier, issue)
    past_by = (abs(value - req_limit) if req_limit is not None and issue.is_worse(value, req_limit)
               else None)
    return RequestContext(
        request=request, issue=issue, value=value, requester=request.by,
        requester_limit=req_limit, approver_limit=appr_limit, covered_to=covered,
        ours=last_value(row.get("ours")), theirs=last_value(row.get("theirs")),
        gap=last_value([row.get("gap")]),
        forecast=row.get("forecast"),
        past_walk_away=issue.walk_away is not None and issue.is_worse(value, issue.walk_away),
        past_approver_limit=appr_limit is not None and issue.is_worse(value, appr_limit),
        already_covered=covered is not None and not issue.is_worse(value, covered),
        past_requester_by=past_by, agreed=agreed_terms(acts).get(issue.key),
        requester_limit_locked=limit_locked(prep, request.by, issue.key),
        approver_limit_locked=limit_locked(prep, approver, issue.key),
    )


# --- offers on one axis -------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One value a side put on the table for one issue."""

    n: int  # the offer's number in the negotiation (standing offers of both sides, from 1)
    at: datetime
    side: str
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
    """Both sides' values on ``issue`` over time (``"us"``, ``"them"``), each with the number and
    the time of the standing offer that carried it, in journal order."""
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
        value = readable(raw)
        if value is not None:  # a value no computation can use is left out (see the alerts)
            points[side].append(Point(count, act.at, side, value, act))
    return points


def trend(sizes: list[float]) -> str | None:
    """``"shrinking"`` when the latest concession is smaller than the one before, else
    ``"not shrinking"`` (the rule of the ``non_diminishing`` alert); ``None`` before two."""
    if len(sizes) < 2:
        return None
    return "shrinking" if sizes[-1] < sizes[-2] else "not shrinking"


# --- authority ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meter:
    """Where our position stands on one issue: on the opening → walk-away track, and against a
    member's authority limit.

    Fractions are 0 at the opening and 1 at the walk-away (``used``, ``limit_at``,
    ``approved_at``) or at the limit (``limit_used``); more than 1 is past it. Without the join
    phrase the walk-away (``walk_away_locked``) or the limit (``limit_locked``) may be sealed:
    the fractions that need them are None and nothing is found past them.
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
    walk_away_locked: bool = False
    limit_locked: bool = False

    @property
    def locked(self) -> bool:
        """True when the walk-away or the member's limit is sealed to this process."""
        return self.walk_away_locked or self.limit_locked


def meter(prep: Preparation, acts: Iterable[Act], member: str, issue: str,
          position: Decimal | None) -> Meter | None:
    """How far ``position`` has gone toward the walk-away and ``member``'s limit on ``issue``."""
    item = prep.issues.get(issue)
    if item is None:
        return None
    acts = list(acts)

    def along(value: Decimal | None, end: Decimal | None) -> Decimal | None:
        if value is None or end is None:
            return None
        span = end - item.opening
        return (value - item.opening) / span if span else Decimal(1)

    limit = prep.limit(member, issue)
    approved = approved_to(acts, item) if limit is not None else None  # one scan of the journal
    found = breaches_on(prep, member, item, position, approved) if position is not None else []
    return Meter(
        position=position, used=along(position, item.walk_away), limit=limit,
        limit_at=along(limit, item.walk_away),
        limit_used=along(position, limit) if limit is not None else None,
        approved_to=approved, approved_at=along(approved, item.walk_away),
        past_limit=any(b.kind == "authority" for b in found),
        past_walk_away=any(b.kind == "walk_away" for b in found),
        walk_away_locked=item.walk_away is None,
        limit_locked=limit_locked(prep, member, issue),
    )


# --- agreements and references ------------------------------------------------------------------


@dataclass(frozen=True)
class Agreed:
    """The value an issue was last agreed at, and whether that agreement was the final package."""

    issue: str
    value: Decimal
    final: bool
    act: Act


def agreed_terms(acts: Iterable[Act]) -> dict[str, Agreed]:
    """Per issue, the latest standing agreement naming it (``agreed`` plus ``final``)."""
    out: dict[str, Agreed] = {}
    for act in standing(acts):
        if act.kind == "agreement":
            for key, raw in act.payload.get("terms", {}).items():
                value = readable(raw)
                if value is not None:
                    out[key] = Agreed(key, value, bool(act.payload.get("final")), act)
    return out


@dataclass(frozen=True)
class Reference:
    """One issue's current positions beside the market benchmark and the should-cost."""

    issue: Issue
    ours: Decimal | None
    theirs: Decimal | None
    gap: Decimal | None
    benchmark: Decimal | None
    should_cost: Decimal | None
    #: How much worse for us their position is than the should-cost (negative: better than it).
    theirs_over_should_cost: Decimal | None

    @property
    def theirs_over_should_cost_pct(self) -> Decimal | None:
        """``theirs_over_should_cost`` as a percentage of the should-cost, to one decimal."""
        if self.theirs_over_should_cost is None or not self.should_cost:
            return None
        return (self.theirs_over_should_cost * 100 / abs(self.should_cost)).quantize(Decimal("0.1"))


def references(prep: Preparation, analysis: dict[str, Any]) -> list[Reference]:
    """One row per issue, in the preparation's order, positions taken from the analysis."""
    rows = []
    for key, issue in prep.issues.items():
        row = analysis.get("issues", {}).get(key, {})
        theirs = last_value(row.get("theirs"))
        over = None
        if theirs is not None and issue.should_cost is not None:
            diff = theirs - issue.should_cost
            over = diff if issue.better == "lower" else -diff
        rows.append(Reference(issue, last_value(row.get("ours")), theirs,
                              last_value([row.get("gap")]), issue.benchmark, issue.should_cost,
                              over))
    return rows


def last_value(values: Iterable[str | Decimal | None] | None) -> Decimal | None:
    """The last value of a list from the analysis (``ours``, ``theirs``…) as a Decimal; None when
    there is none (missing values are skipped) or it is not a number."""
    present = [v for v in (values or []) if v is not None]
    if not present:
        return None
    return readable(present[-1])
