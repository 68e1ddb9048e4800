"""Authority and walk-away: what an offer of ours or an agreement would breach, before it is logged.

The analysis raises ``beyond_walk_away`` and ``beyond_authority`` with these same functions; the
console uses them to stop an offer past a limit and offer an approval request in one step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.domain import Act, Issue, Preparation
from app.numbers import parse_decimal
from app.state import standing


@dataclass(frozen=True)
class Breach:
    """One issue on which a value goes past a limit."""

    issue: str
    value: Decimal
    limit: Decimal
    kind: str  # "walk_away" or "authority"
    message: str


def approved_to(acts: Iterable[Act], issue: Issue) -> Decimal | None:
    """The furthest value on ``issue`` that granted approvals cover (None if none does).

    An approval covers the values of its issue up to and including the value it granted (the value
    of the request it answers). Withdrawn requests and approvals cover nothing.
    """
    live = standing(acts)
    requests = {a.id: a for a in live if a.kind == "approval_request" and a.id}
    furthest: Decimal | None = None
    for act in live:
        if act.kind != "approval" or not act.payload.get("granted"):
            continue
        request = requests.get(act.payload.get("request"))
        if request is None or request.payload.get("issue") != issue.key:
            continue
        value = parse_decimal(request.payload["value"])
        if furthest is None or issue.is_worse(value, furthest):
            furthest = value
    return furthest


def breaches(prep: Preparation, acts: Iterable[Act], member: str,
             terms: dict[str, Decimal | str]) -> list[Breach]:
    """What ``terms`` (an offer of ours or an agreement by ``member``) would breach."""
    acts = list(acts)
    found: list[Breach] = []
    for key, raw in terms.items():
        issue = prep.issues.get(key)
        if issue is None:
            continue
        value = parse_decimal(raw)
        if issue.is_worse(value, issue.walk_away):
            found.append(Breach(key, value, issue.walk_away, "walk_away",
                                f"{issue.label or key}: {issue.with_unit(value)} is past the "
                                f"walk-away {issue.with_unit(issue.walk_away)}"))
        limit = prep.limit(member, key)
        if limit is None or not issue.is_worse(value, limit):
            continue
        cover = approved_to(acts, issue)
        if cover is not None and not issue.is_worse(value, cover):
            continue
        found.append(Breach(key, value, limit, "authority",
                            f"{issue.label or key}: {issue.with_unit(value)} is past "
                            f"{member}'s authority of {issue.with_unit(limit)}"))
    return found
