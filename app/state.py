"""State derived from the journal: the preparation folded from its acts, and which acts stand."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.crypto import is_sealed
from app.domain import MEETING_KINDS, Act, Issue, Meeting, Member, PlanEntry, Preparation
from app.numbers import readable
from app.rules import parse_iso


def fold(acts: Iterable[Act]) -> Preparation:
    """The preparation as it stands after ``acts`` (any kinds; only preparation kinds count)."""
    prep = Preparation()
    for act in acts:
        apply(prep, act)
    return prep


def apply(prep: Preparation, act: Act) -> None:
    """Apply one act to the preparation in place (acts of meeting kinds change nothing)."""
    handler = _HANDLERS.get(act.kind)
    if handler is not None:
        handler(prep, act.payload, act)


def _negotiation(prep: Preparation, p: dict, act: Act) -> None:
    prep.title = p.get("title", prep.title)
    prep.supplier = p.get("supplier", prep.supplier)
    prep.category = p.get("category")
    prep.currency = p.get("currency")
    prep.situation = dict(p.get("situation", {}))


def _issue(prep: Preparation, p: dict, act: Act) -> None:
    issue = issue_from_payload(p)
    if issue is not None:  # an unreadable definition leaves the issue as it was
        prep.issues[p["key"]] = issue


def issue_from_payload(p: dict) -> Issue | None:
    """An ``Issue`` from its stored payload; ``None`` when its opening is not a readable number.

    Any other number that is not readable (see ``app.numbers.readable``) counts as absent, so a
    value written into the journal outside the services never stops the preparation folding.
    """

    def num(name: str):
        value = p.get(name)
        return readable(value) if value is not None and not is_sealed(value) else None

    opening = num("opening")
    if opening is None:
        return None
    return Issue(
        key=p["key"], better=p["better"], opening=opening, target=num("target"),
        walk_away=num("walk_away"), label=p.get("label"), unit=p.get("unit"),
        benchmark=num("benchmark"), should_cost=num("should_cost"), weight=num("weight"),
        value_per_unit=num("value_per_unit"),
    )


def _issue_removed(prep: Preparation, p: dict, act: Act) -> None:
    key = p["key"]
    prep.issues.pop(key, None)
    prep.plan.pop(key, None)
    for pair in [pair for pair in prep.authority if pair[1] == key]:
        del prep.authority[pair]


def _issue_order(prep: Preparation, p: dict, act: Act) -> None:
    order = [k for k in p["keys"] if k in prep.issues]
    rest = [k for k in prep.issues if k not in order]
    prep.issues = {k: prep.issues[k] for k in order + rest}


def _batna(prep: Preparation, p: dict, act: Act) -> None:
    prep.batna = {k: v for k, v in p.items() if not is_sealed(v)}
    _mark(prep, "batna", any(is_sealed(v) for v in p.values()))


def _mark(prep: Preparation, what: str, sealed: bool) -> None:
    if sealed:
        prep.locked.add(what)
    else:
        prep.locked.discard(what)


def _leverage(prep: Preparation, p: dict, act: Act) -> None:
    prep.leverage = {k: list(v) for k, v in p.items()}


def _strategy(prep: Preparation, p: dict, act: Act) -> None:
    prep.strategy = dict(p)


def _member(prep: Preparation, p: dict, act: Act) -> None:
    prep.team[p["name"]] = Member(p["name"], p["role"], bool(p.get("editor")))


def _member_removed(prep: Preparation, p: dict, act: Act) -> None:
    prep.team.pop(p["name"], None)
    prep.keys.pop(p["name"], None)
    for pair in [pair for pair in prep.authority if pair[0] == p["name"]]:
        del prep.authority[pair]


def _enrol(prep: Preparation, p: dict, act: Act) -> None:
    prep.keys[p["member"]] = p["public_key"]


def _authority(prep: Preparation, p: dict, act: Act) -> None:
    pair = (p["member"], p["issue"])
    _mark(prep, f"authority:{p['member']}:{p['issue']}", is_sealed(p.get("limit")))
    limit = None if is_sealed(p.get("limit")) else readable(p.get("limit"))
    if limit is None:
        prep.authority.pop(pair, None)
    else:
        prep.authority[pair] = limit


def _plan(prep: Preparation, p: dict, act: Act) -> None:
    _mark(prep, f"plan:{p['issue']}", is_sealed(p.get("steps")))
    if not p["steps"] or is_sealed(p["steps"]):
        prep.plan.pop(p["issue"], None)
        return
    steps = tuple(v for v in map(readable, p["steps"]) if v is not None)
    prep.plan[p["issue"]] = PlanEntry(p["issue"], steps, tuple(p.get("asks") or ()))


def _debrief(prep: Preparation, p: dict, act: Act) -> None:
    prep.debrief = {k: dict(v) if isinstance(v, dict) else v for k, v in p.items()}


def _meeting_start(prep: Preparation, p: dict, act: Act) -> None:
    prep.meetings.append(Meeting(len(prep.meetings) + 1, p["title"], parse_iso(p["started"])))


def _meeting_end(prep: Preparation, p: dict, act: Act) -> None:
    if prep.meetings and prep.meetings[-1].ended is None:
        prep.meetings[-1].ended = act.at


_HANDLERS: dict[str, Callable[[Preparation, dict, Act], None]] = {
    "negotiation": _negotiation,
    "issue": _issue,
    "issue_removed": _issue_removed,
    "issue_order": _issue_order,
    "batna": _batna,
    "leverage": _leverage,
    "member": _member,
    "member_removed": _member_removed,
    "enrol": _enrol,
    "authority": _authority,
    "plan": _plan,
    "strategy": _strategy,
    "meeting_start": _meeting_start,
    "meeting_end": _meeting_end,
    "debrief": _debrief,
}


def standing(acts: Iterable[Act]) -> list[Act]:
    """The acts that take part in computations: no retractions, nothing they withdrew."""
    acts = list(acts)
    withdrawn = {a.payload.get("act") for a in acts if a.kind == "retract"}
    return [a for a in acts if a.kind != "retract" and (a.id is None or a.id not in withdrawn)]


def meeting_acts(acts: Iterable[Act]) -> list[Act]:
    """The acts of the scenario's meeting kinds, in journal order."""
    return [a for a in acts if a.kind in MEETING_KINDS]
