"""The journal's chain: what links, seals and signs each act, and the signed head. Plain Python over
row values (no SQL here), so that the same rules serve SQLite and, later, PostgreSQL.

- ``link``: SHA-256 over the previous act's link and this act's ``content``; the first act follows
  the ``genesis`` of the workspace (a hash of its facts: id, creation time, creating version). Any
  Caucus computes it, with or without the join phrase.
- ``content``: every stored column of the act (``CHAINED``) with its negotiation's uid and creation
  time and whether it is sealed, as canonical JSON. So an act, its negotiation row's identity and
  the workspace's facts are all inside the chain.
- ``seal``: an HMAC over the link with the workspace's MAC key, written when the author holds the
  join phrase. A seal vouches for the whole chain up to its act; acts logged without the phrase
  are sealed by the next act of a member who holds it (or when such a member opens the file).
- ``signature``: the author's Ed25519 signature over the link (``app.signing``).
- the head (``meta.chain_head``): an HMAC over the newest sealed act's sequence number and link,
  and the number of acts adopted from a file of before version 3. Written when the key is made (so
  an emptied journal is caught) and on every sealed append (so a removed tail is caught).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The act columns inside ``content``, in order (``link``, ``seal`` and ``signature`` are over it).
CHAINED = ("seq", "negotiation_id", "meeting", "act_id", "kind", "author", "role", "at",
           "recorded", "payload", "mac", "signer", "imported")
#: The workspace facts (``meta``) the genesis covers.
FACTS = ("workspace_id", "created", "created_by")
#: Every key the ``meta`` table may hold; anything else was added outside Caucus.
META_KEYS = frozenset({*FACTS, "key_check", "chain_head", "adopted"})


def genesis(facts: Mapping[str, str | None]) -> str:
    """The link the first act follows: a hash of the workspace's facts."""
    text = json.dumps([facts.get(k) for k in FACTS], separators=(",", ":"))
    return hashlib.sha256(f"caucus genesis 1\n{text}".encode()).hexdigest()


def content(row: Mapping[str, Any], uid: str | None, created: str | None, sealed: bool) -> str:
    """The canonical text of an act that its link covers; ``sealed`` says whether it carries a
    seal (so a seal removed or added later does not go unnoticed)."""
    values = [row.get(c) for c in CHAINED]
    return json.dumps([uid, created, *values, bool(sealed)], ensure_ascii=False,
                      separators=(",", ":"), default=repr)


def link(previous: str | None, text: str) -> str:
    """An act's link: over the previous act's link and its own content."""
    return hashlib.sha256(f"{previous or ''}\n{text}".encode()).hexdigest()


def seal(mac_key: bytes, act_link: str) -> str:
    """The seal of a link (needs the workspace's MAC key)."""
    return hmac.new(mac_key, f"seal\n{act_link}".encode(), hashlib.sha256).hexdigest()


def signed_text(act_link: str) -> bytes:
    """What a member signs for an act."""
    return f"caucus act\n{act_link}".encode()


@dataclass(frozen=True)
class Head:
    """The signed head: the newest sealed act (0 for none) and its link, the acts adopted from an
    older file, and the MAC over all three."""

    last_seq: int
    adopted: int
    mac: str

    @classmethod
    def parse(cls, text: str | None) -> Head | None:
        """A head from its stored text; None when missing or unreadable."""
        try:
            seq, adopted, mac = (text or "").split()
            return cls(int(seq), int(adopted), mac)
        except ValueError:
            return None

    @classmethod
    def make(cls, mac_key: bytes, last_seq: int, adopted: int, act_link: str) -> Head:
        """The head over ``act_link`` (the genesis when ``last_seq`` is 0)."""
        return cls(last_seq, adopted, _head_mac(mac_key, last_seq, adopted, act_link))

    def text(self) -> str:
        """The stored form."""
        return f"{self.last_seq} {self.adopted} {self.mac}"

    def holds(self, mac_key: bytes, act_link: str | None) -> bool:
        """True when this head was made with the key over ``act_link``."""
        if not isinstance(act_link, str):
            return False
        return same(_head_mac(mac_key, self.last_seq, self.adopted, act_link), self.mac)


def same(expected: str, stored: Any) -> bool:
    """True when a stored digest is the expected one (compared in constant time; a stored value
    of another type or alphabet is simply not the same)."""
    return isinstance(stored, str) and hmac.compare_digest(expected.encode(), stored.encode())


def _head_mac(mac_key: bytes, last_seq: int, adopted: int, act_link: str) -> str:
    message = f"head\n{last_seq}\n{adopted}\n{act_link}".encode()
    return hmac.new(mac_key, message, hashlib.sha256).hexdigest()


def relink(rows: Sequence[Mapping[str, Any]], start: str,
           places: Mapping[int, tuple[str | None, str | None]]) -> list[tuple[str, int]]:
    """(link, seq) for each row in order, from ``start``: how a migration links old acts."""
    out, previous = [], start
    for row in rows:
        uid, created = places.get(row["negotiation_id"], (None, None))
        previous = link(previous, content(row, uid, created, sealed=False))
        out.append((previous, row["seq"]))
    return out
