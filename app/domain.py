"""Plain domain records shared by the store, the services, the scenario format and the analysis.

Nothing here touches the database. Numbers are ``Decimal`` everywhere; a payload as stored in the
journal keeps decimals as canonical strings so that it survives JSON unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.numbers import readable

ROLES = ("lead", "sme", "observer", "approver")
SIDES = ("us", "them")
BETTER = ("lower", "higher")
PHASES = ("opening", "exploring", "bargaining", "caucus", "closing", "closed")
TOPICS = ("fact", "claim", "question", "answer", "general")
SITUATION = {
    "suppliers": ("many", "few", "single"),
    "relationship": ("transactional", "strategic"),
    "batna": ("strong", "weak"),
    "spend": ("tail", "core"),
}
KNOWN_TACTICS = (
    "anchoring",
    "flinch",
    "good_cop_bad_cop",
    "nibble",
    "deadline_pressure",
    "take_it_or_leave_it",
    "higher_authority",
)

#: Acts that happen in a meeting: the kinds of the scenario format.
MEETING_KINDS = (
    "offer",
    "reaction",
    "tactic",
    "note",
    "approval_request",
    "approval",
    "agreement",
    "retract",
    "phase",
)
#: Acts that edit the preparation (or open and close a meeting).
PREP_KINDS = (
    "negotiation",
    "issue",
    "issue_removed",
    "issue_order",
    "batna",
    "leverage",
    "member",
    "member_removed",
    "authority",
    "plan",
    "strategy",
    "meeting_start",
    "meeting_end",
    "debrief",
    "enrol",
)
ALL_KINDS = MEETING_KINDS + PREP_KINDS


@dataclass(frozen=True, slots=True)
class Act:
    """One journal entry, as read back from the store."""

    seq: int
    negotiation: int
    meeting: int | None
    id: str | None
    kind: str
    by: str
    role: str
    at: datetime
    payload: dict[str, Any]

    def ref(self, position: int) -> str | int:
        """How the analysis names this act: its id, or its 1-based position among meeting acts."""
        return self.id if self.id is not None else position


@dataclass(frozen=True)
class Issue:
    """A negotiable term with our three positions."""

    key: str
    better: str
    opening: Decimal
    target: Decimal | None  # None: sealed, and this process does not hold the key
    walk_away: Decimal | None
    label: str | None = None
    unit: str | None = None
    benchmark: Decimal | None = None
    should_cost: Decimal | None = None
    weight: Decimal | None = None
    value_per_unit: Decimal | None = None  # yearly worth to us of one unit in our direction

    @property
    def locked(self) -> bool:
        """True when the confidential positions are sealed to this process."""
        return self.target is None or self.walk_away is None

    @property
    def range(self) -> Decimal | None:
        """``R_i = |walk_away − opening|`` (None while the walk-away is locked)."""
        return None if self.walk_away is None else abs(self.walk_away - self.opening)

    def is_better(self, a: Decimal, b: Decimal) -> bool:
        """True when ``a`` is strictly better for us than ``b``."""
        return a < b if self.better == "lower" else a > b

    def is_worse(self, a: Decimal, b: Decimal) -> bool:
        """True when ``a`` is strictly worse for us than ``b``."""
        return self.is_better(b, a)

    def with_unit(self, value: Decimal | None) -> str:
        """A value formatted with the issue's unit, for messages."""
        if value is None:
            return "—"
        return f"{value} {self.unit}" if self.unit else str(value)


@dataclass(frozen=True)
class Member:
    """A team member and the role they act in; an editor may change the preparation like a lead."""

    name: str
    role: str
    editor: bool = False

    @property
    def may_edit(self) -> bool:
        """Leads and the members a lead names may edit the preparation and speak for us."""
        return self.role == "lead" or self.editor


@dataclass(frozen=True)
class PlanEntry:
    """The concession ladder of an issue: steps from opening toward target, and the get for each."""

    issue: str
    steps: tuple[Decimal, ...]
    asks: tuple[str, ...]


@dataclass
class Meeting:
    """A meeting of a negotiation, numbered from 1."""

    number: int
    title: str
    started: datetime
    ended: datetime | None = None


@dataclass
class Preparation:
    """The state of a negotiation's preparation, folded from its preparation acts."""

    title: str = ""
    supplier: str = ""
    category: str | None = None
    currency: str | None = None
    situation: dict[str, str] = field(default_factory=dict)
    issues: dict[str, Issue] = field(default_factory=dict)
    batna: dict[str, Any] = field(default_factory=dict)  # ours, theirs (texts), values {issue: str}
    leverage: dict[str, list] = field(default_factory=dict)  # items: text or {text, weight}
    strategy: dict[str, str] = field(default_factory=dict)  # the lead's choice: approach, reason
    team: dict[str, Member] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # member -> enrolled public signing key
    authority: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    plan: dict[str, PlanEntry] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    debrief: dict[str, Any] = field(default_factory=dict)  # conceded, tactics, limits, differently
    locked: set[str] = field(default_factory=set)  # what is sealed to this process, e.g. "plan"

    @property
    def is_locked(self) -> bool:
        """True when some confidential value cannot be read without the join phrase."""
        return bool(self.locked) or any(i.locked for i in self.issues.values())

    def weights(self) -> dict[str, Decimal]:
        """Normalised issue weights, as SCENARIO.md defines them (sum 1)."""
        return normalise_weights({k: i.weight for k, i in self.issues.items()})

    def limit(self, member: str, issue: str) -> Decimal | None:
        """The furthest value ``member`` may agree on ``issue`` without approval, if limited."""
        return self.authority.get((member, issue))

    def batna_value(self, issue: str) -> Decimal | None:
        """Our BATNA's value on ``issue`` (e.g. the second source's price), if known."""
        values = self.batna.get("values")
        value = values.get(issue) if isinstance(values, dict) and "sealed" not in values else None
        return readable(value)

    def current_meeting(self) -> Meeting | None:
        """The meeting in progress, if any."""
        if self.meetings and self.meetings[-1].ended is None:
            return self.meetings[-1]
        return None


def normalise_weights(given: dict[str, Decimal | None]) -> dict[str, Decimal]:
    """Weights per SCENARIO.md: missing ones share what the given ones leave below 1; sum to 1."""
    if not given:
        return {}
    known = {k: w for k, w in given.items() if w is not None}
    missing = [k for k, w in given.items() if w is None]
    total_known = sum(known.values(), Decimal(0))
    raw = dict(known)
    if missing:
        share = max(Decimal(1) - total_known, Decimal(0)) / len(missing) if known else Decimal(1)
        for k in missing:
            raw[k] = share if known else Decimal(1) / len(missing)
    total = sum(raw.values(), Decimal(0))
    if total == 0:
        return {k: Decimal(1) / len(given) for k in given}
    return {k: raw[k] / total for k in given}
