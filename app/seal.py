"""What is confidential in a payload, and the codec that seals it on the way into the journal.

Sealed at rest (in the SQLite file and in every journal payload): targets and walk-aways, BATNA
texts and values, authority limits, and the concession plan. Openings, benchmarks and offers stay
readable: they are said in the room. Without the workspace key a sealed value stays a token
(``{"sealed": …}``) that the rest of Caucus shows as locked.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any

from app.crypto import Keys, is_sealed
from app.errors import InvalidInput

SEALED_FIELDS: dict[str, tuple[str, ...]] = {
    "issue": ("target", "walk_away"),
    "batna": ("ours", "theirs", "values"),
    "authority": ("limit",),
    "plan": ("steps", "asks"),
}


class Codec:
    """Turns payloads into stored text and back, sealing and opening the confidential fields."""

    def __init__(self, keys: Keys | None, workspace_id: str | None):
        self.keys = keys
        self.workspace_id = workspace_id or ""

    @property
    def unlocked(self) -> bool:
        """True when this process holds the workspace key."""
        return self.keys is not None

    def _context(self, kind: str, name: str) -> str:
        return f"{self.workspace_id}|{kind}|{name}"

    def encode(self, kind: str, payload: dict[str, Any]) -> str:
        """The stored text of a payload, with its confidential fields sealed."""
        fields = [f for f in SEALED_FIELDS.get(kind, ()) if payload.get(f) is not None]
        if fields and self.keys is None:
            raise InvalidInput(f"{', '.join(fields)} is confidential: join the workspace with "
                               "its join phrase (caucus join) to change it")
        stored = dict(payload)
        for name in fields:
            stored[name] = self.keys.seal(payload[name], self._context(kind, name))
        return json.dumps(stored, ensure_ascii=False, separators=(",", ":"))

    def decode(self, kind: str, text: str) -> dict[str, Any]:
        """A payload from its stored text; fields that cannot be opened stay sealed tokens."""
        payload = json.loads(text, object_pairs_hook=_interned)
        for name in SEALED_FIELDS.get(kind, ()):
            value = payload.get(name)
            if is_sealed(value) and self.keys is not None:
                with contextlib.suppress(ValueError):  # left sealed: shown as locked
                    payload[name] = self.keys.open(value, self._context(kind, name))
        return payload

    def link(self, previous: str | None, content: str) -> str | None:
        """The MAC of an act's stored content after ``previous``; None without the key."""
        return self.keys.link(previous, content) if self.keys is not None else None


def _interned(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A payload object whose keys and short values (decimals, sides, tags) are shared strings:
    a long journal repeats the same few thousand times."""
    return {sys.intern(k): sys.intern(v) if isinstance(v, str) and len(v) <= 16 else v
            for k, v in pairs}


def locked(value: Any) -> bool:
    """True for a confidential value this process cannot read."""
    return is_sealed(value)
