"""Coaching alerts: one builder per kind, each returning the JSON-ready alert.

Every alert has ``kind``, ``act`` (the act's reference, or ``None`` for preparation alerts),
``issue`` (or ``None``), ``message`` and ``severity`` (``warning`` for the spec's kinds that flag a
mistake of ours, ``info`` for tactics and for signals about the other side).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.analysis.playbook import tactic_entry
from app.domain import Issue, Preparation
from app.numbers import dec_str

Ref = str | int | None


def alert(kind: str, act: Ref, issue: str | None, message: str, severity: str = "warning",
          **extra: Any) -> dict[str, Any]:
    """A JSON-ready alert."""
    return {"kind": kind, "act": act, "issue": issue, "message": message, "severity": severity,
            **extra}


def _name(issue: Issue) -> str:
    return issue.label or issue.key


def _share(delta: Decimal, issue: Issue) -> str:
    return f"{float(delta / issue.range):.0%}" if issue.range else "?"


def unconditional(ref: Ref, issue: Issue, before: Decimal, after: Decimal) -> dict[str, Any]:
    """An offer of ours conceded on ``issue`` and asked for nothing in return."""
    return alert("unconditional_concession", ref, issue.key,
                 f"We moved {_name(issue)} from {issue.with_unit(before)} to "
                 f"{issue.with_unit(after)} without asking for anything back. Tie every give to a "
                 f"get: 'we can do that if you …'.")


def non_diminishing(ref: Ref, issue: Issue, previous: Decimal, delta: Decimal) -> dict[str, Any]:
    """Our concession on ``issue`` is not smaller than our previous one there."""
    return alert("non_diminishing", ref, issue.key,
                 f"This concession on {_name(issue)} ({_share(delta, issue)} of the range) is not "
                 f"smaller than the previous one ({_share(previous, issue)}). Steps of equal or "
                 f"growing size tell them there is more to come; make the next one smaller.")


def consecutive(ref: Ref) -> dict[str, Any]:
    """We conceded twice with no concession of theirs in between."""
    return alert("consecutive_concession", ref, None,
                 "We conceded again although they have not conceded on anything since our last "
                 "concession: we are bidding against ourselves. Wait for their move first.")


def beyond_plan(ref: Ref, issue: Issue, value: Decimal, step: Decimal | None,
                ask: str | None, last: Decimal) -> dict[str, Any]:
    """Our concession on ``issue`` went past the next planned step (or past the plan's end)."""
    if step is None:
        text = (f"{_name(issue)} went to {issue.with_unit(value)}, past the last step of the "
                f"concession plan ({issue.with_unit(last)}). Stop and caucus before giving more.")
    else:
        get = f" The plan trades that step for: {ask}." if ask else ""
        text = (f"{_name(issue)} went to {issue.with_unit(value)}, beyond the next planned step "
                f"{issue.with_unit(step)}: a step of the plan was skipped.{get}")
    return alert("beyond_plan", ref, issue.key, text, planned=dec_str(step))


def beyond_walk_away(ref: Ref, issue: Issue, value: Decimal, agreement: bool) -> dict[str, Any]:
    """An offer of ours or an agreement is worse than the walk-away on ``issue``."""
    what = "The agreement puts" if agreement else "Our offer puts"
    return alert("beyond_walk_away", ref, issue.key,
                 f"{what} {_name(issue)} at {issue.with_unit(value)}, worse than our walk-away "
                 f"{issue.with_unit(issue.walk_away)}: our BATNA beats this term.")


def beyond_authority(ref: Ref, issue: Issue, value: Decimal, member: str,
                     limit: Decimal) -> dict[str, Any]:
    """A member went past their limit on ``issue`` without a covering approval."""
    return alert("beyond_authority", ref, issue.key,
                 f"{member}'s authority on {_name(issue)} reaches {issue.with_unit(limit)}; "
                 f"{issue.with_unit(value)} needs a granted approval first.",
                 member=member, limit=dec_str(limit))


def tactic_counter(ref: Ref, tag: str) -> dict[str, Any]:
    """A tactic of theirs was logged: name it and give the counter."""
    entry = tactic_entry(tag)
    return alert("tactic_counter", ref, None, f"{entry['label']}: {entry['counter']}", "info",
                 tactic=tag, counter=entry["counter"])


def their_growing(ref: Ref, issue: Issue, previous: Decimal, delta: Decimal) -> dict[str, Any]:
    """Their concession on ``issue`` is larger than their previous one there."""
    return alert("their_concessions_growing", ref, issue.key,
                 f"Their concession on {_name(issue)} grew ({_share(previous, issue)} → "
                 f"{_share(delta, issue)} of the range): they are not near their limit yet. Hold "
                 f"our position rather than meet them.", "info")


def reopened(ref: Ref, issue: Issue, value: Decimal, agreed: Decimal) -> dict[str, Any]:
    """They moved an agreed issue back against us (a late nibble)."""
    return alert("reopened_agreed", ref, issue.key,
                 f"They put {_name(issue)} at {issue.with_unit(value)}, worse for us than the "
                 f"{issue.with_unit(agreed)} already agreed. Do not pay twice: fold it into the "
                 f"final package and trade it, or reopen a term of ours in return.")


def single_issue(ref: Ref, issue: Issue, count: int) -> dict[str, Any]:
    """Our last few concessions all moved the same single issue."""
    return alert("single_issue", ref, issue.key,
                 f"Our last {count} concessions all moved {_name(issue)} and nothing else. Trade "
                 f"across the whole deal: payment, volume, term and service levels are currency "
                 f"too.", "info")


def unreadable(ref: Ref, issue: Issue, raw: Any) -> dict[str, Any]:
    """An act stores a value on ``issue`` that no computation can use (e.g. ``1e999``)."""
    return alert("unreadable_value", ref, issue.key,
                 f"This act stores {_name(issue)} as {raw!s}, which is not a number the analysis "
                 f"can use; it is left out of every figure. Withdraw the act and log it again.")


def preparation(prep: Preparation) -> list[dict[str, Any]]:
    """Alerts about the preparation itself (``act`` is ``None``)."""
    return [
        alert("opening_at_target", None, key,
              f"{_name(issue)}: the opening equals the target ({issue.with_unit(issue.target)}), "
              f"so there is no room to trade. Open more ambitiously and justify it.")
        for key, issue in prep.issues.items()
        if not issue.locked and issue.opening == issue.target
    ]
