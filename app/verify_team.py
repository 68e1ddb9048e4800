"""Who may sign what, checked along the journal for ``verify``: each negotiation's team and enrolled
keys as they stood at every act.

- An act is signed with the key enrolled for its author; an approval's author is an approver.
- An imported act is signed by a lead (the member who imported the scenario).
- Until a negotiation's first enrolment, its acts are signed by the key that enrolment names, and
  it is the self-enrolment of the negotiation's creator or of one of its leads (a negotiation from
  an older Caucus, whose lead enrolled with their first act).
- Acts adopted from an older Caucus carry no signature; they only shape the team.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def where(row: dict[str, Any]) -> str:
    """How a report names an act: its sequence number, id (or kind) and time."""
    return f"act {row['seq']} ({row['act_id'] or row['kind']}, {str(row['at']).replace('T', ' ')})"


@dataclass
class _Team:
    keys: dict[str, str] = field(default_factory=dict)  # member -> enrolled public key
    roles: dict[str, tuple[str, bool]] = field(default_factory=dict)  # member -> (role, editor)
    pending: list[dict[str, Any]] = field(default_factory=list)  # signed before any enrolment
    seen: int = 0  # acts of the negotiation so far

    def may_edit(self, name: str) -> bool:
        role, editor = self.roles.get(name, ("", False))
        return role == "lead" or editor

    def apply(self, row: dict[str, Any]) -> None:
        data, kind = row.get("data") or {}, row["kind"]
        if kind == "member" and isinstance(data.get("name"), str):
            self.roles[data["name"]] = (str(data.get("role")), bool(data.get("editor")))
        elif kind == "member_removed":
            self.roles.pop(data.get("name"), None)
            self.keys.pop(data.get("name"), None)
        elif kind == "enrol" and isinstance(data.get("member"), str):
            self.keys[data["member"]] = str(data.get("public_key"))
        self.seen += 1


class TeamAudit:
    """Follows every negotiation's team; records problems in the shared list."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        self.problems = problems
        self.teams: dict[int, _Team] = {}

    def _fail(self, row: dict[str, Any], text: str) -> None:
        self.problems.append((row["seq"], f"{where(row)}: {text}"))

    def _team(self, row: dict[str, Any]) -> _Team:
        return self.teams.setdefault(row["negotiation_id"], _Team())

    def legacy(self, row: dict[str, Any]) -> None:
        """An act adopted from an older Caucus (unsigned)."""
        self._team(row).apply(row)

    def signed(self, row: dict[str, Any]) -> None:
        """An act whose signature holds: was its signer allowed to sign it?"""
        team = self._team(row)
        if not team.keys:
            self._bootstrap(team, row)
        else:
            self._authorise(team, row)
        team.apply(row)

    def finish(self) -> None:
        """Acts signed before an enrolment that never came."""
        for team in self.teams.values():
            for row in team.pending:
                self._fail(row, "it is signed by a key nobody enrolled")
            team.pending.clear()

    def _bootstrap(self, team: _Team, row: dict[str, Any]) -> None:
        creating = team.seen == 0 if not team.pending else team.pending[0].get("first", False)
        row["first"] = creating
        team.pending.append(row)
        data = row.get("data") or {}
        if not (row["kind"] == "enrol" and data.get("member") == row["author"]
                and data.get("public_key") == row["signer"]):
            return
        if not (creating or team.may_edit(row["author"])):
            self._fail(row, f"{row['author']} enrolled their own key first, but is not a lead")
        for earlier in team.pending:
            if earlier["signer"] != row["signer"]:
                self._fail(earlier, "it is signed by a key nobody enrolled")
        team.pending.clear()

    def _authorise(self, team: _Team, row: dict[str, Any]) -> None:
        signer, author = row["signer"], row["author"]
        if row["imported"]:
            leads = {team.keys[n] for n in team.keys if team.may_edit(n)}
            if signer not in leads:
                self._fail(row, "it is marked imported but not signed by a lead's enrolled key")
            return
        if team.keys.get(author) != signer:
            owner = next((n for n, k in team.keys.items() if k == signer), None)
            who = f"{owner}'s key" if owner else "a key nobody enrolled"
            self._fail(row, f"it is in {author}'s name but signed with {who}: an act in another "
                            "member's name")
        elif row["kind"] == "approval" and team.roles.get(author, ("", False))[0] != "approver":
            self._fail(row, f"it is an approval by {author}, who is not an approver")
