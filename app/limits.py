"""What a live act must respect beyond its own fields: our limits, the clock, a closed deal.

The services call these before they append (``Unit.log``); the console and the CLI only reflect
the refusals. Acts from a record (a scenario file) are taken as they stand and skip them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.authority import Breach
from app.domain import Act
from app.errors import InvalidInput
from app.numbers import dec_str
from app.rules import Problem, format_time

#: How far ahead of now a live act may be dated (clocks differ; a meeting runs late).
MAX_AHEAD = timedelta(days=1)
#: The acts that commit us to terms, and so meet the walk-away and the authority limits.
TERMS_KINDS = ("offer", "agreement")


def speaks_terms(kind: str, payload: dict) -> bool:
    """True for an offer of ours or an agreement: the acts held to our limits."""
    return kind == "agreement" or (kind == "offer" and payload.get("side") == "us")


def check_live_time(at: datetime, first: datetime | None, now: datetime | None = None) -> None:
    """Refuse an explicit time before the negotiation's first act or more than a day ahead."""
    now = now or datetime.now(UTC)
    if first is not None and at < first:
        raise InvalidInput([Problem("at", f"{format_time(at)} is before this negotiation's "
                                          f"first act ({format_time(first)})")])
    if at > now + MAX_AHEAD:
        raise InvalidInput([Problem("at", f"{format_time(at)} is more than a day ahead of now "
                                          f"({format_time(now)}); give the time it happened")])


def check_not_closed(kind: str, final: Act | None) -> None:
    """Refuse an offer or agreement after a standing final agreement, until a meeting is
    started again (which reopens the negotiation knowingly)."""
    if final is None or kind not in TERMS_KINDS:
        return
    which = f" {final.id}" if final.id else ""
    raise InvalidInput(f"the negotiation closed with the final agreement{which} (meeting "
                       f"{final.meeting}); start a new meeting to negotiate again, or withdraw "
                       f"that agreement")


def approval_requests(act: Act, found: list[Breach]) -> list[dict]:
    """The approval requests filed with an act logged knowingly past a limit: one per issue
    breached, asking for the value logged. The note says which limits, never their figures."""
    by_issue: dict[str, list[Breach]] = {}
    for breach in found:
        by_issue.setdefault(breach.issue, []).append(breach)
    what = "offer" if act.kind == "offer" else "agreement"
    ref = f" {act.id}" if act.id else ""
    requests = []
    for issue, items in by_issue.items():
        limits = " and ".join("the walk-away" if b.kind == "walk_away" else
                              f"{act.by}'s authority" for b in items)
        requests.append({"issue": issue, "value": dec_str(items[0].value),
                         "note": f"The {what}{ref} was logged knowingly past {limits}."})
    return requests
