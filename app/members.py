"""Who signs: the member keys this process holds, which of them is enrolled as whom, and the rule
for an enrolment.

A process signs with the key given to it (``--key-file``, ``$CAUCUS_MEMBER_KEY``), or else with the
keys this account's keychain keeps for the workspace: its own key, and a key per teammate who
shares the account. To act as a member it needs the key the lead enrolled for that member; any
other key is refused by the services (``app.services``). A member with no key yet gets one made
when they first need it (kept in the keychain, or, with none, held for this process and shown so
that a script can keep it in a file).
"""

from __future__ import annotations

import contextlib
from typing import Any

from app import keychain
from app.domain import Preparation
from app.errors import InvalidInput
from app.keychain import KeychainUnavailable
from app.rules import Problem
from app.signing import MemberKey, parse_code


class Signers:
    """The member keys of one process on one workspace."""

    def __init__(self, workspace_id: str, given: MemberKey | None = None):
        self.workspace_id = workspace_id
        self.given = given
        self._held: dict[str | None, MemberKey | None] = {}  # keychain entry -> key (None: none)
        self.unsaved: dict[str | None, MemberKey] = {}  # made here, kept by no keychain
        self.saved: list[str | None] = []  # entries this process wrote to the keychain
        self.problem: str | None = None  # why the keychain could not be used, if it could not

    def _load(self, entry: str | None) -> MemberKey | None:
        if entry not in self._held:
            try:
                text = keychain.load_member_key(self.workspace_id, entry)
            except KeychainUnavailable as exc:
                self.problem, text = str(exc), None
            try:
                self._held[entry] = MemberKey.from_text(text) if text else None
            except InvalidInput:
                self._held[entry] = None  # a damaged entry: as if there were none
        return self._held[entry]

    def candidates(self, name: str) -> list[MemberKey]:
        """The keys this process could sign with as ``name``."""
        if self.given is not None:
            return [self.given]
        return [k for k in (self._load(name), self._load(None)) if k is not None]

    def key_for(self, keys: dict[str, str], name: str) -> MemberKey | None:
        """The held key enrolled for ``name`` (``keys``: member -> enrolled public key)."""
        enrolled = keys.get(name)
        if enrolled is None:
            return None
        return next((k for k in self.candidates(name) if k.public == enrolled), None)

    def own(self, keys: dict[str, str], name: str | None, create: bool = False
            ) -> MemberKey | None:
        """The key ``name`` signs with here, or would be enrolled with: the given key; else the
        held key enrolled for them; else their own entry; else this account's key unless it is
        enrolled for someone else; else (with ``create``) a new key, kept in the keychain."""
        if self.given is not None:
            return self.given
        found = (self.key_for(keys, name) or self._load(name)) if name else None
        if found is not None:
            return found
        personal = self._load(None)
        if personal is not None and personal.public not in keys.values():
            return personal
        if not create:
            return None
        key = MemberKey.generate()
        self._keep(None if personal is None else name, key)
        return key

    def _keep(self, entry: str | None, key: MemberKey) -> None:
        self._held[entry] = key
        try:
            keychain.save_member_key(self.workspace_id, entry, key.text())
            self.saved.append(entry)
        except KeychainUnavailable as exc:
            self.problem = str(exc)
            self.unsaved[entry] = key

    def forget_saved(self) -> None:
        """Remove from the keychain the keys this process put there (a creation that failed)."""
        for entry in self.saved:
            with contextlib.suppress(KeychainUnavailable):
                keychain.forget_member_key(self.workspace_id, entry)
        self.saved.clear()


def check_enrol(data: Any, prep: Preparation) -> tuple[dict, list[Problem]]:
    """An enrolment: a member of the team and the code of their key (``app.signing``)."""
    if not isinstance(data, dict):
        return {}, [Problem("", "expected an object with member and code")]
    member, problems = data.get("member"), []
    if member not in prep.team:
        problems.append(Problem("member", f'"{member}" is not on the team'))
    try:
        public = parse_code(str(data.get("code") or ""))
    except InvalidInput as exc:
        return {}, problems + [p.under("code") for p in exc.problems]
    other = next((n for n, k in prep.keys.items() if k == public and n != member), None)
    if other is not None:
        problems.append(Problem("code", f"this key is already enrolled for {other}: each member "
                                        "signs with a key of their own"))
    return {"member": member, "public_key": public}, problems


def not_enrolled(prep: Preparation, name: str, code: str | None) -> str:
    """Why ``name``'s act is refused here, and what to do about it."""
    if name in prep.keys:
        return (f"{name}'s acts must be signed with the key the lead enrolled for {name}, and "
                f"this computer does not hold it: nobody can act in another member's name. "
                f"On {name}'s own computer (or with their --key-file) it works")
    show = (f"{name}'s enrolment code on this computer is {code}" if code else
            f'show {name}\'s enrolment code with `caucus key --as "{name}"` (or in the console)')
    return (f"{name} is not enrolled in this team yet, so Caucus cannot tell {name}'s acts from "
            f"anyone else's and refuses them. {show[:1].upper()}{show[1:]}; the lead enrols it "
            f"in Prepare → Team (or with `caucus enrol`)")
