"""Authority and walk-away: the one rule for "is this value past a limit?".

The analysis engine raises ``beyond_walk_away`` and ``beyond_authority`` through ``breaches_on``
(with the approvals it tracks act by act); the services call ``breaches`` before logging an offer
of ours or an agreement, and refuse it unless it is logged knowingly (``Unit.log``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.domain import Act, Issue, Preparation
from app.numbers import readable
from app.prepare import limit_locked
from app.state import standing


@dataclass(frozen=True)
class Breach:
    """One issue on which a value goes past a limit."""

    issue: str
    value: Decimal
    limit: Decimal
    kind: str  # "walk_away" or "authority"
    message: str


def widen(issue: Issue, covered: Decimal | None, granted: Decimal) -> Decimal:
    """What approvals cover once one more is granted: the furthest (worst for us) value."""
    return granted if covered is None or issue.is_worse(granted, covered) else covered


def breaches_on(prep: Preparation, member: str, issue: Issue, value: Decimal,
                covered: Decimal | None) -> list[Breach]:
    """What ``value`` on ``issue``, offered or agreed by ``member``, breaches.

    Past the walk-away always counts. Past the member's limit counts unless a granted approval
    covers it (``covered``: the furthest value approvals on this issue reach, inclusive); a member
    with no limit on an issue is not limited on it. A walk-away or limit sealed to this process
    (no join phrase) cannot be checked and is left out.
    """
    found = []
    name = issue.label or issue.key
    if issue.walk_away is not None and issue.is_worse(value, issue.walk_away):
        found.append(Breach(issue.key, value, issue.walk_away, "walk_away",
                            f"{name}: {issue.with_unit(value)} is past the walk-away "
                            f"{issue.with_unit(issue.walk_away)}"))
    limit = prep.limit(member, issue.key)
    if limit is not None and issue.is_worse(value, limit) and (
            covered is None or issue.is_worse(value, covered)):
        found.append(Breach(issue.key, value, limit, "authority",
                            f"{name}: {issue.with_unit(value)} is past {member}'s authority "
                            f"of {issue.with_unit(limit)}"))
    return found


def approved_to(acts: Iterable[Act], issue: Issue) -> Decimal | None:
    """The furthest value on ``issue`` that standing granted approvals cover (None if none)."""
    live = standing(acts)
    requests = {a.id: a for a in live if a.kind == "approval_request" and a.id}
    covered: Decimal | None = None
    for act in live:
        request = requests.get(act.payload.get("request")) if act.kind == "approval" else None
        value = readable(request.payload.get("value")) if request is not None else None
        if value is not None and act.payload.get("granted") is True \
                and request.payload.get("issue") == issue.key:
            covered = widen(issue, covered, value)
    return covered


def breaches(prep: Preparation, acts: Iterable[Act], member: str,
             terms: dict[str, Decimal | str]) -> list[Breach]:
    """What ``terms`` (an offer of ours or an agreement by ``member``) would breach now.

    The services call it before logging such an act (``Unit.log``); the journal is scanned for
    approvals only on an issue where the value goes past the member's limit.
    """
    found: list[Breach] = []
    for key, raw in terms.items():
        issue = prep.issues.get(key)
        value = readable(raw)  # a stored value the analysis cannot use is no breach to show
        if issue is None or value is None:
            continue
        limit = prep.limit(member, key)
        past = limit is not None and issue.is_worse(value, limit)
        found += breaches_on(prep, member, issue, value, approved_to(acts, issue) if past else None)
    return found


def unchecked(prep: Preparation, member: str, terms: Iterable[str]) -> list[str]:
    """The issues of ``terms`` whose walk-away or ``member``'s limit is sealed to this process
    (no join phrase): an act on them is logged without the limits being checked."""
    return [k for k in terms if k in prep.issues
            and (prep.issues[k].locked or limit_locked(prep, member, k))]
