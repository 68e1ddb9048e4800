"""``agreed_terms(acts)``: the package handed on to the contract, issue by issue.

For each issue of the preparation: the value last agreed (``app.meeting.agreed_terms``), whether
that agreement was the final package, against our opening, target and walk-away; who agreed it
(the agreement act's author) and under which approval (the granted approval covering the value,
when the value lies past that member's own authority), as the preparation stood at that act.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from app.domain import Act, Issue, Preparation
from app.meeting import agreed_terms as latest_agreements
from app.numbers import dec_str, readable
from app.state import apply, fold, standing


def agreed_terms(acts: Sequence[Act]) -> list[dict[str, Any]]:
    """One row per issue (preparation order): the agreed value and how it stands.

    Row keys: ``issue``, ``label``, ``unit``, ``status`` (``final``, ``tentative`` or ``open``),
    ``value``, ``opening``, ``target``, ``walk_away`` (decimal strings; ``None`` when locked or
    not agreed), ``vs_target`` (``better``, ``at``, ``worse``), ``past_walk_away``, ``used`` (the
    share of the opening → walk-away range the value gives away), ``locked``, ``by``, ``role``,
    ``act`` (the agreement's id or seq), ``at`` (ISO time), ``past_authority`` (past the agreeing
    member's limit), ``limit`` and ``approval`` (``{request, approval, value, by, at}`` or
    ``None``).
    """
    acts = list(acts)
    prep = fold(acts)
    agreed = latest_agreements(acts)
    limits = _limits_then(acts, {(a.act.seq, a.act.by, key) for key, a in agreed.items()})
    live = standing(acts)
    return [_row(prep, live, issue, agreed.get(key), limits) for key, issue in prep.issues.items()]


def _limits_then(acts: list[Act], wanted: set[tuple[int, str, str]]) -> dict[tuple, Any]:
    """``(seq, member, issue) -> (limit, locked)`` as the preparation stood before act ``seq``."""
    by_seq: dict[int, list[tuple[str, str]]] = {}
    for seq, member, key in wanted:
        by_seq.setdefault(seq, []).append((member, key))
    out: dict[tuple, Any] = {}
    prep = Preparation()
    for act in acts:
        for member, key in by_seq.get(act.seq, ()):
            out[(act.seq, member, key)] = (prep.limit(member, key), prep.is_locked)
        apply(prep, act)
    return out


def _row(prep: Preparation, live: list[Act], issue: Issue, agreed: Any,
         limits: dict[tuple, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "issue": issue.key, "label": issue.label or issue.key, "unit": issue.unit,
        "status": "open", "value": None, "opening": dec_str(issue.opening),
        "target": dec_str(issue.target), "walk_away": dec_str(issue.walk_away),
        "vs_target": None, "past_walk_away": None, "used": None, "locked": issue.locked,
        "by": None, "role": None, "act": None, "at": None, "past_authority": None,
        "limit": None, "approval": None,
    }
    if agreed is None:
        return row
    act, value = agreed.act, agreed.value
    row.update(status="final" if agreed.final else "tentative", value=dec_str(value),
               by=act.by, role=act.role, act=act.id if act.id is not None else act.seq,
               at=act.at.isoformat().replace("+00:00", "Z"))
    if not issue.locked:
        row["vs_target"] = ("better" if issue.is_better(value, issue.target) else
                            "worse" if issue.is_worse(value, issue.target) else "at")
        row["past_walk_away"] = issue.is_worse(value, issue.walk_away)
        span = issue.walk_away - issue.opening
        row["used"] = round(float((value - issue.opening) / span), 4) if span else None
    limit, locked = limits[(act.seq, act.by, issue.key)]
    if limit is not None:
        row["limit"] = dec_str(limit)
        row["past_authority"] = issue.is_worse(value, limit)
    elif not locked:
        row["past_authority"] = False
    if row["past_authority"]:
        row["approval"] = covering_approval([a for a in live if a.seq < act.seq], issue, value)
    return row


def covering_approval(acts: Sequence[Act], issue: Issue, value: Decimal) -> dict[str, Any] | None:
    """The first standing granted approval on ``issue`` whose requested value covers ``value``.

    ``acts``: the journal up to (not including) the agreement.
    """
    live = standing(acts)
    requests = {a.id: a for a in live if a.kind == "approval_request" and a.id}
    for act in live:
        if act.kind != "approval" or act.payload.get("granted") is not True:
            continue
        request = requests.get(act.payload.get("request"))
        if request is None or request.payload.get("issue") != issue.key:
            continue
        asked = readable(request.payload.get("value"))
        if asked is not None and not issue.is_worse(value, asked):
            return {"request": request.id, "approval": act.id if act.id is not None else act.seq,
                    "value": dec_str(asked), "by": act.by, "requested_by": request.by,
                    "at": act.at.isoformat().replace("+00:00", "Z"),
                    "note": act.payload.get("note")}
    return None
