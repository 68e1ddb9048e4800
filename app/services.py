"""The one command path: every change to a negotiation goes through a ``Unit`` of work.

The GUI, the CLI and the scenario importer all call these methods (through ``Workspace``). Each call
validates with ``app.rules`` and raises ``InvalidInput`` naming the field, then appends to the
journal in the caller's write transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection

from app import journal, limits, rules
from app.authority import Breach, breaches
from app.domain import MEETING_KINDS, PREP_KINDS, Act, Member, Preparation
from app.errors import InvalidInput, NotFound, PastLimit, PermissionDenied
from app.journal import Place
from app.members import Signers, check_enrol, not_enrolled
from app.rules import Problem
from app.seal import Codec
from app.signing import MemberKey
from app.state import apply


@dataclass
class NegState:
    """What the services keep of one negotiation between calls, refreshed from the journal."""

    id: int
    place: Place | None = None  # the negotiation as the chain names it
    last_seq: int = 0
    prep: Preparation = field(default_factory=Preparation)
    ctx: rules.ActContext | None = None
    meeting_acts: int = 0
    by_author: dict[str, list[Act]] = field(default_factory=dict)  # meeting acts, for undo
    authors: dict[str, str] = field(default_factory=dict)  # act id -> who logged it
    acts: list[Act] = field(default_factory=list)  # the journal of the negotiation, in order
    finals: list[Act] = field(default_factory=list)  # final agreements since the last meeting start

    def __post_init__(self) -> None:
        self.ctx = rules.ActContext(self.prep)

    def take(self, act: Act) -> None:
        """Account for one act appended to this negotiation's journal."""
        self.acts.append(act)
        apply(self.prep, act)
        if act.kind in MEETING_KINDS:
            self.meeting_acts += 1
            self.ctx.remember(act.id, act.kind, act.payload)
            if act.id is not None:
                self.authors[act.id] = act.by
        if act.kind in MEETING_KINDS and act.kind != "retract":
            self.by_author.setdefault(act.by, []).append(act)
        if act.kind == "meeting_start":
            self.finals = []
        elif act.kind == "agreement" and act.payload.get("final") is True:
            self.finals.append(act)
        self.last_seq = act.seq

    def final_agreement(self) -> Act | None:
        """The standing final agreement logged since the last meeting start, if any."""
        while self.finals and self.finals[-1].id in self.ctx.retracted:
            self.finals.pop()
        return self.finals[-1] if self.finals else None

    def breaks_analysis(self, act_id: str) -> bool:
        """True when the act ``act_id`` holds a value the checks of today refuse (logged before
        them, or by another tool): the analysis cannot use it, so the lead may withdraw it."""
        act = next((a for a in reversed(self.acts) if a.id == act_id), None)
        return act is not None and bool(rules.unusable_values(act.kind, act.payload, self.prep))

    def last_standing(self, member: str) -> Act | None:
        """The member's newest meeting act that no retract has withdrawn."""
        own = self.by_author.get(member, [])
        while own and own[-1].id is not None and own[-1].id in self.ctx.retracted:
            own.pop()  # withdrawn acts never stand again: drop them for good
        return own[-1] if own else None


class Unit:
    """One write transaction against the workspace, with the negotiation states it has touched."""

    def __init__(self, conn: Connection, states: dict[int, NegState], codec: Codec,
                 auto_ids: bool = True, signers: Signers | None = None):
        self.conn = conn
        self.codec = codec
        self.states = states
        self.auto_ids = auto_ids
        self.signers = signers
        self.touched: set[int] = set()
        #: approval requests filed with acts logged knowingly past a limit, in this transaction
        self.requests: list[Act] = []
        #: set by ``app.scenario.import_scenario``: the negotiation it creates is imported
        self.importing = False
        self._signed_by: dict[int, tuple[MemberKey, bool]] = {}  # created here: (key, imported)

    # --- state ----------------------------------------------------------------------------------

    def state(self, negotiation: int) -> NegState:
        """The negotiation's state, brought up to date with the journal inside this transaction."""
        st = self.states.get(negotiation)
        if st is None:
            row = self.conn.exec_driver_sql(
                "SELECT uid, created FROM negotiation WHERE id = ?", (negotiation,)).first()
            if not row:
                raise NotFound(f"negotiation {negotiation} is not in this workspace")
            st = self.states[negotiation] = NegState(negotiation, Place(negotiation, *row))
        self.touched.add(negotiation)
        for act in journal.acts_of(self.conn, self.codec, negotiation, after=st.last_seq):
            st.take(act)
        return st

    def _append(self, st: NegState, kind: str, by: str, payload: dict, *,
                at: datetime | None = None, act_id: str | None = None,
                role: str | None = None) -> Act:
        if role is None:
            member = st.prep.team.get(by)
            if member is None:
                raise InvalidInput([Problem("by", rules.not_on_team(by, st.prep))])
            permit(st, member, kind, payload)
            role = member.role
        key, imported = self._signer(st, by)
        meeting = st.prep.current_meeting()
        act = journal.append(
            self.conn, self.codec, key, place=st.place,
            meeting=meeting.number if meeting else None, act_id=act_id, kind=kind, by=by,
            role=role, at=at or datetime.now(UTC), payload=payload, imported=imported)
        st.take(act)
        return act

    def _signer(self, st: NegState, by: str) -> tuple[MemberKey, bool]:
        """The key that signs ``by``'s act, and whether the act is imported. Only the key
        enrolled for ``by`` signs in their name; a negotiation created in this unit is signed by
        its creator until the creator's own enrolment (and throughout, when imported)."""
        created = self._signed_by.get(st.id)
        if created is not None and (not st.prep.keys or (created[1] and self.importing)):
            return created[0], created[1] and self.importing
        if self.signers is None:
            raise PermissionDenied("this workspace was opened without member keys")
        if not st.prep.keys and created is None:
            self._first_enrolment(st, by)
        key = self.signers.key_for(st.prep.keys, by)
        if key is None:
            own = self.signers.own(st.prep.keys, by)
            raise PermissionDenied(not_enrolled(st.prep, by, own.code if own else None))
        return key, False

    def _first_enrolment(self, st: NegState, by: str) -> None:
        """A negotiation from before signatures has nobody enrolled: its lead (or an editor)
        enrols their own key with their first act, and enrols the others from then on."""
        member = st.prep.team.get(by)
        if member is None or not member.may_edit:
            raise PermissionDenied(
                "nobody is enrolled in this negotiation yet (it comes from an older Caucus): its "
                "lead enrols first, by logging anything, and then enrols the others")
        key = self.signers.own({}, by, create=True)
        self._signed_by[st.id] = (key, False)
        self._append(st, "enrol", by, {"member": by, "public_key": key.public})

    # --- the negotiation ------------------------------------------------------------------------

    def create_negotiation(self, data: dict, by: str, role: str = "lead",
                           at: datetime | None = None) -> int:
        """A new negotiation; its creator joins the team in ``role``."""
        payload, problems = rules.check_negotiation(data)
        member, member_problems = rules.check_member({"name": by, "role": role})
        problems += [p.under("by") for p in member_problems]
        if problems:
            raise InvalidInput(problems)
        if self.signers is None:
            raise PermissionDenied("this workspace was opened without member keys")
        key = self.signers.own({}, by, create=True)
        at = at or datetime.now(UTC)
        uid, created = uuid.uuid4().hex, rules.format_time(at)
        cur = self.conn.exec_driver_sql(
            "INSERT INTO negotiation (uid, title, supplier, created) VALUES (?, ?, ?, ?)",
            (uid, payload["title"], payload["supplier"], created))
        st = self.states[cur.lastrowid] = NegState(cur.lastrowid, Place(cur.lastrowid, uid,
                                                                         created))
        self.touched.add(st.id)
        self._signed_by[st.id] = (key, self.importing)
        self._append(st, "negotiation", by, payload, at=at, role=role)
        self._append(st, "member", by, member, at=at, role=role)
        self._signed_by[st.id] = (key, False)  # the creator's own enrolment is not imported
        self._append(st, "enrol", by, {"member": by, "public_key": key.public}, at=at, role=role)
        self._signed_by[st.id] = (key, self.importing)
        return st.id

    def update_negotiation(self, negotiation: int, by: str, data: dict) -> Act:
        """Change the header: title, supplier, category, currency, situation."""
        st = self.state(negotiation)
        payload, problems = rules.check_negotiation(data)
        if problems:
            raise InvalidInput(problems)
        self.conn.exec_driver_sql("UPDATE negotiation SET title = ?, supplier = ? WHERE id = ?",
                                  (payload["title"], payload["supplier"], negotiation))
        return self._append(st, "negotiation", by, payload)

    # --- preparation ----------------------------------------------------------------------------

    def set_issue(self, negotiation: int, by: str, data: dict, at: datetime | None = None) -> Act:
        """Add an issue or change one (by its key)."""
        st = self.state(negotiation)
        issue, problems = rules.check_issue(data)
        if problems:
            raise InvalidInput(problems)
        return self._append(st, "issue", by, rules.issue_payload(issue), at=at)

    def remove_issue(self, negotiation: int, by: str, key: str) -> Act:
        """Remove an issue; only before the first meeting, after which it has a history."""
        st = self.state(negotiation)
        if key not in st.prep.issues:
            raise NotFound([Problem("key", rules.not_an_issue(key, st.prep))])
        if st.prep.meetings:
            raise InvalidInput([Problem("key", f'"{key}" was negotiated in a meeting already; '
                                               "it can no longer be removed")])
        return self._append(st, "issue_removed", by, {"key": key})

    def order_issues(self, negotiation: int, by: str, keys: list[str]) -> Act:
        """Put the issues in this order (the console shows them so)."""
        st = self.state(negotiation)
        if sorted(keys) != sorted(st.prep.issues):
            raise InvalidInput([Problem("keys", "must list every issue exactly once")])
        return self._append(st, "issue_order", by, {"keys": list(keys)})

    def set_batna(self, negotiation: int, by: str, data: dict, at: datetime | None = None) -> Act:
        """Our BATNA and our estimate of theirs (with our BATNA's value per issue, optional)."""
        prep = self.state(negotiation).prep
        return self._prep_edit(negotiation, by, "batna", rules.check_batna(data, prep), at)

    def set_strategy(self, negotiation: int, by: str, data: dict,
                     at: datetime | None = None) -> Act:
        """The approach the lead chose, and the reason (kept even if it differs from advice)."""
        return self._prep_edit(negotiation, by, "strategy", rules.check_strategy(data), at)

    def set_leverage(self, negotiation: int, by: str, data: dict,
                     at: datetime | None = None) -> Act:
        """What we bring and what they bring."""
        return self._prep_edit(negotiation, by, "leverage", rules.check_leverage(data), at)

    def set_member(self, negotiation: int, by: str, data: dict, at: datetime | None = None) -> Act:
        """Add a member to the team or change their role."""
        return self._prep_edit(negotiation, by, "member", rules.check_member(data), at)

    def remove_member(self, negotiation: int, by: str, name: str) -> Act:
        """Take a member off the team (their acts stay in the journal)."""
        st = self.state(negotiation)
        if name not in st.prep.team:
            raise NotFound([Problem("name", rules.not_on_team(name, st.prep))])
        return self._append(st, "member_removed", by, {"name": name})

    def set_authority(self, negotiation: int, by: str, data: dict,
                      at: datetime | None = None) -> Act:
        """A member's limit on an issue: the furthest value they may agree without approval."""
        st = self.state(negotiation)
        return self._prep_edit(negotiation, by, "authority", rules.check_authority(data, st.prep),
                               at)

    def clear_authority(self, negotiation: int, by: str, member: str, issue: str) -> Act:
        """Remove a member's limit on an issue (they are then not limited on it)."""
        st = self.state(negotiation)
        if (member, issue) not in st.prep.authority:
            raise NotFound([Problem("member", f'"{member}" has no limit on "{issue}"')])
        return self._append(st, "authority", by, {"member": member, "issue": issue,
                                                  "limit": None})

    def enrol(self, negotiation: int, by: str, data: dict, at: datetime | None = None) -> Act:
        """Enrol a member's signing key (``{"member", "code"}``, the code their console shows):
        from then on only that key signs acts in their name."""
        st = self.state(negotiation)
        return self._prep_edit(negotiation, by, "enrol", check_enrol(data, st.prep), at)

    def set_plan(self, negotiation: int, by: str, data: dict, at: datetime | None = None) -> Act:
        """The concession ladder of an issue (no steps removes it)."""
        st = self.state(negotiation)
        return self._prep_edit(negotiation, by, "plan", rules.check_plan(data, st.prep), at)

    def set_debrief(self, negotiation: int, by: str, data: dict,
                    at: datetime | None = None) -> Act:
        """The team's debrief: what they conceded, their tactics, where their real limits turned
        out to be (per issue), what we would do differently. Each call replaces the form whole;
        the journal keeps every version."""
        st = self.state(negotiation)
        return self._prep_edit(negotiation, by, "debrief", rules.check_debrief(data, st.prep), at)

    def _prep_edit(self, negotiation: int, by: str, kind: str,
                   checked: tuple[dict, list[Problem]], at: datetime | None) -> Act:
        payload, problems = checked
        if problems:
            raise InvalidInput(problems)
        return self._append(self.state(negotiation), kind, by, payload, at=at)

    # --- meetings -------------------------------------------------------------------------------

    def start_meeting(self, negotiation: int, by: str, title: str | None = None,
                      at: datetime | None = None) -> Act:
        """Open a meeting; acts logged until it ends belong to it."""
        st = self.state(negotiation)
        if st.prep.current_meeting() is not None:
            self.end_meeting(negotiation, by, at=at)
        started = at or datetime.now(UTC)
        c = rules.Checker({"title": title})
        title = c.text("title") or f"Meeting {len(st.prep.meetings) + 1}"
        if c.problems:
            raise InvalidInput(c.problems)
        return self._append(st, "meeting_start", by,
                            {"title": title, "started": rules.format_time(started)}, at=started)

    def end_meeting(self, negotiation: int, by: str, at: datetime | None = None) -> Act:
        """Close the meeting in progress."""
        st = self.state(negotiation)
        if st.prep.current_meeting() is None:
            raise InvalidInput("no meeting is in progress")
        return self._append(st, "meeting_end", by, {}, at=at)

    # --- meeting acts ---------------------------------------------------------------------------

    def log(self, negotiation: int, by: str, kind: str, payload: dict, *,
            at: datetime | None = None, act_id: str | None = None, past_limit: bool = False,
            recorded: bool = False) -> Act:
        """Validate and append one meeting act (offer, reaction, tactic, note, approval…).

        An offer of ours or an agreement past the walk-away or past ``by``'s authority (no
        granted approval covering it) is refused with ``PastLimit`` naming the limits, unless
        ``past_limit`` says it is meant: then it is logged and an approval request per issue
        breached is filed with it, in this same transaction. Limits sealed to this process
        cannot be checked (``app.authority.unchecked`` names them). A live act's explicit ``at``
        must fall between the negotiation's first act and a day from now, and no offer or
        agreement follows a final agreement until a meeting is started again.

        ``recorded``: the act comes from a record (a scenario file), which is taken as it
        stands: its own time, and no limit or closing rule applied.
        """
        st = self.state(negotiation)
        data = {**payload, "kind": kind, "by": by,
                "at": rules.format_time(at or datetime.now(UTC))}
        if act_id is not None:
            data["id"] = act_id
        envelope, problems = rules.check_envelope(data, st.ctx)
        if isinstance(kind, str) and kind in rules.ACT_FIELDS:
            clean, more = rules.check_act(kind, data, st.ctx)
            problems += more
        if problems:
            raise InvalidInput(problems)
        by = envelope["by"]
        found: list[Breach] = []
        if not recorded:
            permit(st, st.prep.team[by], kind, clean)
            if at is not None:
                limits.check_live_time(envelope["at"], st.acts[0].at if st.acts else None)
            limits.check_not_closed(kind, st.final_agreement())
            if limits.speaks_terms(kind, clean):
                found = breaches(st.prep, st.acts, by, clean["terms"])
            if found and not past_limit:
                raise PastLimit(found)
        act_id = envelope["id"]
        if act_id is None and self.auto_ids:
            act_id = self._next_id(st)
        if st.prep.current_meeting() is None:  # anyone's first act opens a meeting
            title = f"Meeting {len(st.prep.meetings) + 1}"
            self._append(st, "meeting_start", by,
                         {"title": title, "started": rules.format_time(envelope["at"])},
                         at=envelope["at"], role=st.prep.team[by].role)
        act = self._append(st, kind, by, clean, at=envelope["at"], act_id=act_id)
        for request in limits.approval_requests(act, found):
            self.requests.append(self._append(st, "approval_request", by, request,
                                              at=envelope["at"], act_id=self._next_id(st)))
        return act

    def _next_id(self, st: NegState) -> str:
        n = st.meeting_acts + 1
        candidate = f"a{n}"
        while candidate in st.ctx.kinds:
            n += 1
            candidate = f"a{n}"
        return candidate

    def retract(self, negotiation: int, by: str, act_id: str, reason: str | None = None) -> Act:
        """Withdraw an earlier act; it stays in the journal, marked withdrawn."""
        payload = {"act": act_id}
        if reason:
            payload["reason"] = reason
        return self.log(negotiation, by, "retract", payload)

    def undo(self, negotiation: int, by: str) -> Act:
        """Withdraw ``by``'s own last standing meeting act."""
        st = self.state(negotiation)
        last = st.last_standing(by)
        if last is None:
            raise InvalidInput(f"{by} has no act of their own to undo")
        if last.id is None:
            raise InvalidInput(f"{by}'s last act has no id (it was imported without one), "
                               "so it cannot be withdrawn")
        return self.retract(negotiation, by, last.id, "undone")

    def negotiation_ids(self) -> list[int]:
        """Every negotiation in the workspace."""
        return [r[0] for r in self.conn.exec_driver_sql("SELECT id FROM negotiation ORDER BY id")]


SPEAKS_FOR_US = ("agreement", "approval_request", "phase")


def may(member: Member, kind: str, payload: dict,
        authors: dict[str, str] | None = None,
        breaks: Callable[[str], bool] | None = None) -> str | None:
    """Why ``member``'s role does not allow this act, or None when it does.

    The one copy of the role rules: ``permit`` enforces it in the services, and the console reads
    it to disable what a member may not do (with this reason). ``authors`` (act id → who logged
    it) and ``breaks`` (whether an act holds a value the analysis cannot use, which the lead may
    withdraw whoever logged it) are needed only to judge a ``retract``.
    """
    who = f"{member.name} ({member.role})"
    if kind == "debrief" and not member.may_edit:
        return (f"only the lead, or a member the lead names, may write the debrief; {who} may "
                f"not (tell the lead what to add)")
    if kind in PREP_KINDS and not member.may_edit:
        return (f"only the lead, or a member the lead names, may change the preparation or run "
                f"the meeting; {who} may not")
    if kind == "offer" and payload.get("side") == "us" and not member.may_edit:
        return (f"only the lead, or a member the lead names, may log offers in our name; {who} "
                f"may not")
    if kind in SPEAKS_FOR_US and not member.may_edit:
        return (f"only the lead, or a member the lead names, may log "
                f"{kind.replace('_', ' ')}s; {who} may not")
    if kind == "approval" and member.role != "approver":
        return f"only an approver answers approval requests; {who} may not"
    if kind == "retract":
        target = payload.get("act")
        author = (authors or {}).get(target)
        if author is not None and author != member.name and not (
                member.may_edit and breaks is not None and breaks(target)):
            return (f"{member.name} cannot withdraw {author}'s act {target}; only its author "
                    f"can (or the lead, when the act holds a value the analysis cannot use)")
    return None


def permit(st: NegState, member: Member, kind: str, payload: dict) -> None:
    """Refuse, with a clear message, an act this member's role does not allow (see ``may``)."""
    reason = may(member, kind, payload, st.authors, st.breaks_analysis)
    if reason is not None:
        raise PermissionDenied(reason)
