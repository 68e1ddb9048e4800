"""What is confidential in a payload, and the codec that seals it on the way into the journal.

Sealed at rest (in the SQLite file and in every journal payload): targets and walk-aways, BATNA
texts and values, authority limits, and the concession plan. Openings, benchmarks and offers stay
readable: they are said in the room. Without the workspace key a sealed value stays a token
(``{"sealed": …}``) that the rest of Caucus shows as locked.

A sealed value is bound to its place: the AES-GCM associated data names the workspace, the
negotiation, the act's sequence number, the kind and field, and what it is about (the issue, the
member and issue of a limit). A token moved to another issue, act or field does not open there.
Acts adopted from a file of before version 3 were sealed bound to the workspace, kind and field
only, and open so (only they).
"""

from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import replace
from typing import Any

from app import chain
from app.crypto import Keys, is_sealed
from app.domain import Act
from app.errors import InvalidInput

SEALED_FIELDS: dict[str, tuple[str, ...]] = {
    "issue": ("target", "walk_away"),
    "batna": ("ours", "theirs", "values"),
    "authority": ("limit",),
    "plan": ("steps", "asks"),
}


class Codec:
    """Turns payloads into stored text and back, sealing and opening the confidential fields."""

    def __init__(self, keys: Keys | None, workspace_id: str | None, adopted: int = 0,
                 genesis: str = ""):
        self.keys = keys
        self.workspace_id = workspace_id or ""
        self.adopted = adopted  # acts 1…adopted come from an older file (sealed the old way)
        self.genesis = genesis  # the link the first act follows (app.chain.genesis)

    def with_keys(self, keys: Keys | None) -> Codec:
        """The same codec holding ``keys``."""
        return Codec(keys, self.workspace_id, self.adopted, self.genesis)

    @property
    def unlocked(self) -> bool:
        """True when this process holds the workspace key."""
        return self.keys is not None

    def _context(self, where: tuple[int, int], kind: str, name: str, payload: dict) -> str:
        negotiation, seq = where
        if seq <= self.adopted:
            return f"{self.workspace_id}|{kind}|{name}"
        return f"{self.workspace_id}|{negotiation}|{seq}|{kind}|{name}|{_about(kind, payload)}"

    def encode(self, kind: str, payload: dict[str, Any], where: tuple[int, int]) -> str:
        """The stored text of a payload, its confidential fields sealed to ``where`` (the
        negotiation and the act's sequence number) and to what the act is about."""
        fields = [f for f in SEALED_FIELDS.get(kind, ()) if payload.get(f) is not None]
        if fields and self.keys is None:
            raise InvalidInput(f"{', '.join(fields)} is confidential: join the workspace with "
                               "its join phrase (caucus join) to change it")
        stored = dict(payload)
        for name in fields:
            stored[name] = self.keys.seal(payload[name],
                                          self._context(where, kind, name, payload))
        return json.dumps(stored, ensure_ascii=False, separators=(",", ":"))

    def decode(self, kind: str, text: str, where: tuple[int, int]) -> dict[str, Any]:
        """A payload from its stored text; fields that cannot be opened (no key, or a token that
        is not in its place) stay sealed tokens."""
        payload = json.loads(text, object_pairs_hook=_interned)
        if not isinstance(payload, dict):
            raise ValueError("a payload is a JSON object")
        for name in SEALED_FIELDS.get(kind, ()):
            value = payload.get(name)
            if is_sealed(value) and self.keys is not None:
                with contextlib.suppress(ValueError):  # left sealed: shown as locked
                    payload[name] = self.keys.open(value,
                                                   self._context(where, kind, name, payload))
        return payload

    def misplaced(self, kind: str, payload: Any, where: tuple[int, int]) -> list[str]:
        """The sealed fields of a stored payload that do not open in their place (with the key)."""
        if self.keys is None or not isinstance(payload, dict):
            return []
        return [name for name in SEALED_FIELDS.get(kind, ()) if is_sealed(payload.get(name))
                and not _opens(self.keys, payload[name], self._context(where, kind, name,
                                                                        payload))]

    def seal(self, act_link: str) -> str | None:
        """The seal of an act's link; None without the key."""
        return chain.seal(self.keys.mac_key, act_link) if self.keys is not None else None


def _about(kind: str, payload: dict) -> str:
    """What a confidential field is about: the issue, or the member and issue of a limit."""
    if kind == "authority":
        return f"{payload.get('member')}/{payload.get('issue')}"
    return str(payload.get("key") if kind == "issue" else payload.get("issue", ""))


def _opens(keys: Keys, token: dict, context: str) -> bool:
    try:
        keys.open(token, context)
    except ValueError:
        return False
    return True


def _interned(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A payload object whose keys and short values (decimals, sides, tags) are shared strings:
    a long journal repeats the same few thousand times."""
    return {sys.intern(k): sys.intern(v) if isinstance(v, str) and len(v) <= 16 else v
            for k, v in pairs}


def without_confidential(acts: list[Act]) -> list[Act]:
    """The acts with every confidential field left out of their payloads (sealed or opened)."""
    out = []
    for act in acts:
        fields = SEALED_FIELDS.get(act.kind, ())
        if any(f in act.payload for f in fields):
            act = replace(act, payload={k: v for k, v in act.payload.items() if k not in fields})
        out.append(act)
    return out


def locked(value: Any) -> bool:
    """True for a confidential value this process cannot read."""
    return is_sealed(value)
