"""The checks of meeting acts: the envelope every act has and each kind's own fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.domain import PHASES, SIDES, TOPICS, Preparation
from app.numbers import dec_str
from app.numbers import show_value as _show
from app.rules.check import (
    Checker,
    Problem,
    drop_none,
    issue_ref,
    member_ref,
    parse_time,
    tag_of,
    terms_of,
)

# --- meeting acts -----------------------------------------------------------------------------


@dataclass
class ActContext:
    """What an act may refer to: the preparation and the acts already in the negotiation."""

    prep: Preparation
    kinds: dict[str, str] = field(default_factory=dict)  # act id -> kind
    retracted: set[str] = field(default_factory=set)

    def remember(self, act_id: str | None, kind: str, payload: dict) -> None:
        """Record an accepted act so later acts may refer to it."""
        if act_id is not None:
            self.kinds[act_id] = kind
        if kind == "retract":
            self.retracted.add(payload["act"])


ACT_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    # kind: (allowed payload keys, required payload keys)
    "offer": ({"side", "terms", "asks"}, {"side", "terms"}),
    "reaction": ({"tag", "note", "about"}, {"tag"}),
    "tactic": ({"tactic", "note", "about"}, {"tactic"}),
    "note": ({"text", "topic", "issue", "about"}, {"text", "topic"}),
    "approval_request": ({"issue", "value", "note"}, {"issue", "value"}),
    "approval": ({"request", "granted", "note"}, {"request", "granted"}),
    "agreement": ({"terms", "final"}, {"terms", "final"}),
    "retract": ({"act", "reason"}, {"act"}),
    "phase": ({"phase"}, {"phase"}),
}
ENVELOPE = {"id", "at", "by", "kind"}


def check_envelope(data: Any, ctx: ActContext) -> tuple[dict, list[Problem]]:
    """The fields of every act: ``id`` (optional, unique), ``at``, ``by`` (a member), ``kind``."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in ACT_FIELDS:
        c.fail("kind", f"{_show(kind)} is not one of {', '.join(ACT_FIELDS)}")
        allowed = ENVELOPE
    else:
        allowed = ENVELOPE | ACT_FIELDS[kind][0]
    c.keys(allowed, {"at", "by", "kind"})
    act_id = c.text("id")  # "" is no id
    if act_id is not None and act_id in ctx.kinds:
        c.fail("id", f'"{act_id}" is already used by another act')
    at = parse_time(c, "at") if "at" in data else None
    by = member_ref(c, "by", ctx.prep)
    return {"id": act_id, "at": at, "by": by, "kind": kind}, c.problems


def check_act(kind: str, data: Any, ctx: ActContext) -> tuple[dict, list[Problem]]:
    """The kind-specific fields of a meeting act, as a clean payload."""
    c = Checker(data)
    if not c.is_object():
        return {}, c.problems
    c.require(ACT_FIELDS[kind][1])  # unknown keys are reported once, by check_envelope
    payload = _ACT_CHECKS[kind](c, ctx)
    return drop_none(payload), c.problems


def _offer(c: Checker, ctx: ActContext) -> dict:
    side = c.choice("side", SIDES)
    terms = terms_of(c, "terms", ctx.prep, required=True)
    asks = terms_of(c, "asks", ctx.prep, required=False) if c.data.get("asks") is not None else None
    return {"side": side, "terms": terms, "asks": asks}


def _reaction(c: Checker, ctx: ActContext) -> dict:
    return {"tag": tag_of(c, "tag"), "note": c.text("note"), "about": _act_ref(c, "about", ctx)}


def _tactic(c: Checker, ctx: ActContext) -> dict:
    return {"tactic": tag_of(c, "tactic"), "note": c.text("note"),
            "about": _act_ref(c, "about", ctx)}


def _note(c: Checker, ctx: ActContext) -> dict:
    issue = issue_ref(c, "issue", ctx.prep) if c.data.get("issue") is not None else None
    return {"text": c.text("text"), "topic": c.choice("topic", TOPICS),
            "issue": issue.key if issue else None, "about": _act_ref(c, "about", ctx)}


def _approval_request(c: Checker, ctx: ActContext) -> dict:
    issue = issue_ref(c, "issue", ctx.prep)
    raw = c.data.get("value")
    value = (c.issue_number("value", raw, issue) if issue is not None and raw is not None
             else c.number("value"))
    return {"issue": issue.key if issue else None, "value": dec_str(value),
            "note": c.text("note")}


def _approval(c: Checker, ctx: ActContext) -> dict:
    request = c.text("request")
    if request is not None and ctx.kinds.get(request) != "approval_request":
        c.fail("request", f"{_show(request)} is not an approval request logged before")
    return {"request": request, "granted": c.flag("granted"), "note": c.text("note")}


def _agreement(c: Checker, ctx: ActContext) -> dict:
    return {"terms": terms_of(c, "terms", ctx.prep, required=True), "final": c.flag("final")}


def _retract(c: Checker, ctx: ActContext) -> dict:
    target = c.text("act")
    if target is not None:
        if target not in ctx.kinds:
            c.fail("act", f"{_show(target)} is not an act logged before")
        elif ctx.kinds[target] == "retract":
            c.fail("act", f'"{target}" is itself a retraction; log the act again instead')
        elif target in ctx.retracted:
            c.fail("act", f'"{target}" is already withdrawn')
    return {"act": target, "reason": c.text("reason")}


def _phase(c: Checker, ctx: ActContext) -> dict:
    return {"phase": c.choice("phase", PHASES)}


_ACT_CHECKS = {
    "offer": _offer,
    "reaction": _reaction,
    "tactic": _tactic,
    "note": _note,
    "approval_request": _approval_request,
    "approval": _approval,
    "agreement": _agreement,
    "retract": _retract,
    "phase": _phase,
}


def unusable_values(kind: str, payload: dict, prep: Preparation) -> list[Problem]:
    """The values of a stored meeting act that the checks of today refuse (not a number, out of
    its issue's range): an act logged before those checks, or written by another tool."""
    c = Checker(payload)
    for key in ("terms", "asks"):
        values = payload.get(key)
        for issue_key, raw in (values.items() if isinstance(values, dict) else ()):
            if issue_key in prep.issues:
                c.issue_number(f"{key}.{issue_key}", raw, prep.issues[issue_key])
    key = payload.get("issue")
    issue = prep.issues.get(key) if kind == "approval_request" and isinstance(key, str) else None
    if issue is not None:
        c.issue_number("value", payload.get("value"), issue)
    return c.problems



def _act_ref(c: Checker, key: str, ctx: ActContext) -> str | None:
    target = c.text(key)
    if target is not None and target not in ctx.kinds:
        c.fail(key, f"{_show(target)} is not an act logged before")
        return None
    return target
