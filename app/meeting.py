"""The meeting as the side seats see it: what the next tag links to, open questions and approval
requests, what has been agreed, and the numbers the SME and the approver put beside the offers.

Plain functions over the journal (``Act`` lists), the preparation and the ``caucus-analysis/1``
object. Withdrawn acts and retractions never count (``app.state.standing``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.authority import approved_to
from app.domain import TOPICS, Act, Issue, Preparation
from app.numbers import parse_decimal
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
    """Standing approval requests that no standing approval answers yet, oldest first."""
    live = standing(acts)
    answered = answers_to_requests(live)
    return [a for a in live if a.kind == "approval_request" and a.id and a.id not in answered]


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
        return out


def request_context(prep: Preparation, acts: Iterable[Act], analysis: dict[str, Any],
                    request: Act, approver: str) -> RequestContext:
    """The context of an approval request for ``approver`` (its issue must still exist)."""
    acts = list(acts)
    p = request.payload
    issue = prep.issues[p["issue"]]
    value = parse_decimal(p["value"])
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
        ours=_last(row.get("ours")), theirs=_last(row.get("theirs")), gap=_dec(row.get("gap")),
        forecast=row.get("forecast"),
        past_walk_away=issue.is_worse(value, issue.walk_away),
        past_approver_limit=appr_limit is not None and issue.is_worse(value, appr_limit),
        already_covered=covered is not None and not issue.is_worse(value, covered),
        past_requester_by=past_by,
    )


# --- trajectories, agreements, references ---------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One standing offer's value on an issue."""

    at: datetime
    side: str
    value: Decimal
    act: str | None


def trajectory(acts: Iterable[Act], issue: str) -> list[Point]:
    """Every standing offer's value on ``issue``, in journal order, both sides."""
    return [Point(a.at, a.payload["side"], parse_decimal(a.payload["terms"][issue]), a.id)
            for a in standing(acts)
            if a.kind == "offer" and issue in a.payload.get("terms", {})]


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
                out[key] = Agreed(key, parse_decimal(raw), bool(act.payload.get("final")), act)
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
        theirs = _last(row.get("theirs"))
        over = None
        if theirs is not None and issue.should_cost is not None:
            diff = theirs - issue.should_cost
            over = diff if issue.better == "lower" else -diff
        rows.append(Reference(issue, _last(row.get("ours")), theirs, _dec(row.get("gap")),
                              issue.benchmark, issue.should_cost, over))
    return rows


def _last(values: list[str] | None) -> Decimal | None:
    return parse_decimal(values[-1]) if values else None


def _dec(value: str | None) -> Decimal | None:
    return parse_decimal(value) if value is not None else None
