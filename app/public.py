"""Room-safe: what the room may see, decided once.

When the supplier can see a screen (room-safe, F12) the console, the PDF report, the CSV and
``caucus screenshot --room-safe`` draw only from a ``PublicView``: the issues (key, label, unit),
both sides' standing offers (values, times, who logged them, for which side), each side's current
position per issue and the gap between them, agreed values, the meetings, the phase and clock of
the meeting in progress, the team's names and roles, and a neutral count of the team's private
entries. The view is built by picking those fields out of the preparation and the journal — a
whitelist — never by filtering the private state, so anything added to Caucus later is private
until it is listed here. Nothing of the analysis (alerts, scores, forecasts, counters, next moves,
economics) reaches it.

The wordings the room may read when something private happens (a refused write, the authority
guard) live here too, and ``PRIVATE_WORDS`` names what the room must never read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain import Act, Preparation
from app.numbers import dec_str, readable

#: Meeting acts the room sees (the offers, what was agreed, the phase) and the acts that bound a
#: meeting. Every other meeting act is the team's own and is only counted.
PUBLIC_KINDS = frozenset({"offer", "agreement", "phase", "meeting_start", "meeting_end"})
PRIVATE_KINDS = frozenset({"reaction", "tactic", "note", "approval_request", "approval"})
SIDES = ("us", "them")
ROLE_NAMES = {"lead": "lead", "sme": "SME", "observer": "observer", "approver": "approver"}


@dataclass(frozen=True, slots=True)
class PublicIssue:
    """An issue as the room knows it."""

    key: str
    label: str
    unit: str | None


@dataclass(frozen=True, slots=True)
class PublicOffer:
    """An offer put on the table: when, logged by whom, for which side, its values (and asks)."""

    at: datetime
    by: str
    side: str
    terms: tuple[tuple[str, Decimal], ...]
    asks: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class Position:
    """Each side's current value on one issue and the gap between them."""

    issue: str
    ours: Decimal | None
    theirs: Decimal | None

    @property
    def gap(self) -> Decimal | None:
        """``|ours − theirs|`` without trailing zeros (as the analysis' gap), None until both
        sides have a value."""
        if self.ours is None or self.theirs is None:
            return None
        return Decimal(dec_str(abs(self.ours - self.theirs).normalize()))  # 40, not 4E+1


@dataclass(frozen=True, slots=True)
class Agreed:
    """The value an issue stands agreed at (the last agreement naming it)."""

    issue: str
    value: Decimal
    final: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class PublicMeeting:
    """A meeting: its title, start and end (None while it runs)."""

    title: str
    started: datetime
    ended: datetime | None


@dataclass(frozen=True, slots=True)
class PublicMember:
    """A team member's name and role."""

    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Point:
    """One value a side put on the table for one issue, at the offer's number (from 1)."""

    n: int
    side: str
    value: Decimal


@dataclass(frozen=True)
class PublicView:
    """Everything the room may see, at one moment. Immutable; made by ``PublicLog.view``."""

    supplier: str
    currency: str | None
    issues: tuple[PublicIssue, ...]
    offers: tuple[PublicOffer, ...]
    positions: tuple[Position, ...]
    agreed: tuple[Agreed, ...]
    meetings: tuple[PublicMeeting, ...]
    phase: str | None
    team: tuple[PublicMember, ...]
    private_count: int
    #: per issue of the preparation: (key, our points, their points)
    series: tuple[tuple[str, tuple[Point, ...], tuple[Point, ...]], ...] = ()

    def issue(self, key: str) -> PublicIssue | None:
        """The issue ``key``, if the preparation has it."""
        return next((i for i in self.issues if i.key == key), None)

    def position(self, key: str) -> Position:
        """Both sides' current values on ``key``."""
        return next((p for p in self.positions if p.issue == key), Position(key, None, None))

    def agreed_on(self, key: str) -> Agreed | None:
        """What ``key`` stands agreed at, if anything."""
        return next((a for a in self.agreed if a.issue == key), None)

    @property
    def meeting(self) -> PublicMeeting | None:
        """The meeting in progress, if any."""
        return self.meetings[-1] if self.meetings and self.meetings[-1].ended is None else None

    @property
    def clock_start(self) -> datetime | None:
        """When the meeting in progress started (the room's clock runs from it)."""
        return self.meeting.started if self.meeting else None

    def points(self, key: str) -> dict[str, tuple[Point, ...]]:
        """Both sides' values on ``key`` at their offers' numbers (``"us"``, ``"them"``)."""
        found = next((s for s in self.series if s[0] == key), (key, (), ()))
        return {"us": found[1], "them": found[2]}

    def recent(self, count: int) -> list[tuple[int, PublicOffer]]:
        """The last ``count`` offers, newest first, each with its number."""
        start = max(len(self.offers) - count, 0)
        return [(n + 1, self.offers[n]) for n in range(len(self.offers) - 1, start - 1, -1)]


class PublicLog:
    """The public view kept up to date act by act: ``add`` is O(terms of the act), ``view`` takes
    a snapshot. A withdrawal of a public act recomputes from the standing public acts."""

    def __init__(self) -> None:
        self._public: list[Act] = []  # standing public acts, in journal order
        self._private: set[int] = set()  # seqs of standing private acts
        self._private_ids: dict[str, int] = {}
        self._withdrawn: set[str] = set()
        self._reset()

    def _reset(self) -> None:
        self._offers: list[PublicOffer] = []
        self._points: dict[str, dict[str, list[Point]]] = {}
        self._latest: dict[str, dict[str, Decimal]] = {}
        self._agreed: dict[str, Agreed] = {}
        self._phase: str | None = None

    def extend(self, acts: Iterable[Act]) -> PublicLog:
        """Take several acts in journal order. Returns ``self``."""
        for act in acts:
            self.add(act)
        return self

    def add(self, act: Act) -> None:
        """Take the next act of the journal."""
        if act.kind == "retract":
            self._retract(act.payload.get("act"))
        elif act.id is not None and act.id in self._withdrawn:
            return
        elif act.kind in PUBLIC_KINDS:
            self._public.append(act)
            self._apply(act)
        elif act.kind in PRIVATE_KINDS:
            self._private.add(act.seq)
            if act.id is not None:
                self._private_ids[act.id] = act.seq

    def _retract(self, target: Any) -> None:
        if not isinstance(target, str):
            return
        self._withdrawn.add(target)
        if target in self._private_ids:
            self._private.discard(self._private_ids.pop(target))
        elif any(a.id == target for a in self._public):
            self._public = [a for a in self._public if a.id != target]
            self._reset()
            for act in self._public:
                self._apply(act)

    def _apply(self, act: Act) -> None:
        p = act.payload
        if act.kind == "offer" and p.get("side") in SIDES:
            offer = PublicOffer(act.at, act.by, p["side"], _values(p.get("terms")),
                                _values(p.get("asks")))
            self._offers.append(offer)
            n = len(self._offers)
            for key, value in offer.terms:
                self._latest.setdefault(key, {})[offer.side] = value
                self._points.setdefault(key, {"us": [], "them": []})[offer.side].append(
                    Point(n, offer.side, value))
        elif act.kind == "agreement":
            for key, value in _values(p.get("terms")):
                self._agreed[key] = Agreed(key, value, bool(p.get("final")), act.at)
        elif act.kind == "phase" and isinstance(p.get("phase"), str):
            self._phase = p["phase"]
        elif act.kind in ("meeting_start", "meeting_end"):
            self._phase = None

    def view(self, prep: Preparation) -> PublicView:
        """The public view now, with the issues, supplier, team and meetings of ``prep``."""
        issues = tuple(PublicIssue(k, i.label or k, i.unit) for k, i in prep.issues.items())
        latest = self._latest
        return PublicView(
            supplier=prep.supplier, currency=prep.currency, issues=issues,
            offers=tuple(self._offers),
            positions=tuple(Position(i.key, latest.get(i.key, {}).get("us"),
                                     latest.get(i.key, {}).get("them")) for i in issues),
            agreed=tuple(self._agreed[i.key] for i in issues if i.key in self._agreed),
            meetings=tuple(PublicMeeting(m.title, m.started, m.ended) for m in prep.meetings),
            phase=self._phase if prep.current_meeting() is not None else None,
            team=tuple(PublicMember(m.name, m.role) for m in prep.team.values()),
            private_count=len(self._private),
            series=tuple((i.key, tuple(self._points.get(i.key, {}).get("us", ())),
                          tuple(self._points.get(i.key, {}).get("them", ()))) for i in issues))


def _values(raw: Any) -> tuple[tuple[str, Decimal], ...]:
    """The numeric values of a payload's ``terms`` or ``asks`` (anything else is left out)."""
    if not isinstance(raw, dict):
        return ()
    pairs = ((str(key), readable(value)) for key, value in raw.items())
    return tuple((key, value) for key, value in pairs if value is not None)


def side_name(view: PublicView, side: str) -> str:
    """``us``, or the supplier's name for their side."""
    return "us" if side == "us" else (view.supplier or "them")


def public_view(acts: Iterable[Act], prep: Preparation) -> PublicView:
    """The public view of a whole journal (``prep``: the preparation after it)."""
    return PublicLog().extend(acts).view(prep)


# --- what the room reads --------------------------------------------------------------------------

#: The switch, as the room sees it on screen.
SWITCH = "Room-safe (F12)"
#: A write was refused or failed: the reason may name a private figure, so it waits.
REFUSED = "Not saved, the text is kept: turn room-safe off (F12) to see why"
#: A message for the team (a note about an entry, an answer, a finished task) waits.
HELD = "A message for you is waiting: turn room-safe off (F12) to read it"
#: A command that would show the team's own view (the preparation, a panel, a dialog).
NOT_NOW = "Not while room-safe is on: F12 turns it off"


def window_title(view: PublicView, member: str, role: str) -> str:
    """The window's title in the room: the supplier, who is at this screen, and the switch."""
    return (f"Caucus — {view.supplier or 'negotiation'} — {member} "
            f"({ROLE_NAMES.get(role, role)}) — ROOM-SAFE")


@dataclass(frozen=True)
class GuardWording:
    """What the guard that stops an offer says while the room can see the screen."""

    title: str
    text: str
    request: str  # the button that sends the offer on for a teammate's decision
    log: str  # the button that logs it anyway, where the lead may


def guard_wording(can_request: bool) -> GuardWording:
    """The guard in the room: the lead must not log the offer unknowingly, but the dialog names
    no limit and no reason (``can_request``: it may be sent on for a teammate's decision)."""
    text = "This offer needs a check before it is logged: turn room-safe off (F12) to see why"
    return GuardWording(title="Check this offer",
                        text=text + (", or send it on for sign-off." if can_request else "."),
                        request="Send for sign-off", log="Log anyway")


def private_count_text(count: int) -> str:
    """The neutral count of the team's private entries (nothing when there are none)."""
    if not count:
        return ""
    return f"{count} private note{'s' if count != 1 else ''}"


# --- what the room must never read ----------------------------------------------------------------

#: Words that name what is private: the team's limits, preparation and coaching. A text in the
#: room that holds one of them (as a word or a word's start) leaks.
PRIVATE_WORDS = (
    "walk-away", "walk away", "walkaway", "target", "limit", "authority", "batna", "plan",
    "counter", "should-cost", "should cost", "benchmark", "score", "forecast", "beyond", "past",
    "leverage", "strategy", "alert", "breach", "tactic", "reaction", "readiness", "debrief",
    "margin", "ladder", "concession", "coach", "approval", "approved", "reservation", "range",
    "anchoring", "flinch", "nibble", "deadline pressure", "good cop", "take it or leave it",
    "higher authority", "next move", "economics", "kraljic", "quadrant", "locked", "sealed",
)
_PRIVATE = re.compile(r"\b(" + "|".join(re.escape(w) for w in PRIVATE_WORDS) + r")",
                      re.IGNORECASE)
#: The policy's own wordings, which the room may read as they are.
WORDINGS = (SWITCH, REFUSED, HELD, NOT_NOW)


def private_words(text: str) -> list[str]:
    """The private words in ``text`` (empty when the room may read it)."""
    return [m.group(1) for m in _PRIVATE.finditer(text)]


def figures(view: PublicView) -> set[Decimal]:
    """Every number the public view holds (values, positions, gaps, agreed values, counts): the
    only numbers the room may read besides times and dates."""
    out: set[Decimal] = {Decimal(view.private_count), Decimal(len(view.offers))}
    for offer in view.offers:
        out.update(v for _, v in offer.terms + offer.asks)
    for position in view.positions:
        out.update(v for v in (position.ours, position.theirs, position.gap) if v is not None)
    out.update(a.value for a in view.agreed)
    return out


def texts(view: PublicView) -> Iterator[str]:
    """The public view's words (supplier, issues, units, meetings, names, roles, phase)."""
    yield view.supplier
    for issue in view.issues:
        yield from (issue.key, issue.label, issue.unit or "")
    for meeting in view.meetings:
        yield meeting.title
    for member in view.team:
        yield member.name
    if view.phase:
        yield view.phase
