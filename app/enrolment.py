"""Enrolment seen from one computer: is a member enrolled, does this computer hold their key, what
is their code, and the one-step enrolments a computer can make by itself (a member enrolled by a
lead whose key is on the same computer; the demo's whole team)."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain import Act
from app.errors import PermissionDenied
from app.signing import short_code
from app.workspace import Workspace


@dataclass(frozen=True)
class Enrolment:
    """Where a member stands, on this computer."""

    member: str
    enrolled: bool  # the lead has enrolled a key for them
    held: bool  # this computer holds that key: it may act in their name
    code: str | None  # the enrolment code of the key they sign (or would sign) with here
    enrolled_as: str | None  # the first groups of the enrolled key's code, to show
    lead_here: str | None  # a lead (or editor) whose enrolled key this computer holds

    @property
    def can_act(self) -> bool:
        """True when acts in this member's name are signed and accepted here."""
        return self.enrolled and self.held


def enrolment(ws: Workspace, negotiation: int, member: str, create: bool = False) -> Enrolment:
    """Where ``member`` stands; with ``create`` a member with no key gets one made and kept."""
    prep = ws.preparation(negotiation)
    held = ws.signers.key_for(prep.keys, member)
    own = held or ws.signers.own(prep.keys, member, create=create)
    leads = [m.name for m in prep.team.values() if m.may_edit and m.name != member
             and ws.signers.key_for(prep.keys, m.name) is not None]
    enrolled = prep.keys.get(member)
    return Enrolment(member, enrolled is not None, held is not None,
                     own.code if own else None, short_code(enrolled) if enrolled else None,
                     leads[0] if leads else None)


def enrol_here(ws: Workspace, negotiation: int, member: str) -> Act:
    """Enrol ``member``'s key of this computer, signed by a lead whose key is here too."""
    status = enrolment(ws, negotiation, member, create=True)
    if status.lead_here is None:
        raise PermissionDenied(f"no lead's key is on this computer to enrol {member}: give the "
                               f"lead your enrolment code ({status.code})")
    return ws.enrol(negotiation, status.lead_here, {"member": member, "code": status.code})


def enrol_team_here(ws: Workspace, negotiation: int) -> list[Act]:
    """Enrol every member not enrolled yet with a key made on this computer, signed by the lead
    who holds their key here (the demo, where one person tries every role)."""
    prep = ws.preparation(negotiation)
    return [enrol_here(ws, negotiation, name) for name in list(prep.team)
            if name not in prep.keys]
