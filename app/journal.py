"""Reading and appending journal rows. Append-only: there is no update and no delete here.

Each appended row is linked to the one before it, signed by its author and, when the author holds
the join phrase, sealed (``app.chain``); a sealed append also moves the signed head. The sequence
number and the link are computed inside the appending write transaction, with SQLAlchemy Core on
the models, so that the rules do not depend on the engine.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from app import chain
from app.domain import Act
from app.errors import CorruptWorkspace
from app.models import ACT, META
from app.rules import format_time, parse_iso
from app.seal import Codec
from app.signing import MemberKey

COLUMNS = "seq, negotiation_id, meeting, act_id, kind, author, role, at, payload"
# Built once: a statement with bound parameters is compiled once and found in SQLAlchemy's cache
# by a cheap key, where one built per call with its values would be keyed value by value.
_NEWEST = select(ACT.c.seq, ACT.c.link).order_by(ACT.c.seq.desc()).limit(1)
_INSERT = insert(ACT)
_HEAD = select(META.c.value).where(META.c.key == "chain_head")
_MOVE_HEAD = update(META).where(META.c.key == "chain_head").values(value=bindparam("head"))
_LINK_AT = select(ACT.c.link).where(ACT.c.seq == bindparam("seq"))


@dataclass(frozen=True)
class Place:
    """The negotiation an act goes to, as the chain names it (id, uid, creation time)."""

    id: int
    uid: str
    created: str


def row_to_act(row: Sequence[Any], codec: Codec) -> Act:
    """An ``Act`` from a row selected with ``COLUMNS`` (confidential fields opened if possible)."""
    seq, negotiation, meeting, act_id, kind, author, role, at, payload = row
    kind, author, role = sys.intern(kind), sys.intern(author), sys.intern(role)
    try:
        return Act(seq, negotiation, meeting, act_id, kind, author, role, parse_iso(at),
                   codec.decode(kind, payload, (negotiation, seq)))
    except ValueError:
        raise CorruptWorkspace("journal", f"act {seq} is damaged (unreadable time or payload); "
                                          "restore the latest .bak copy") from None


def append(
    conn: Connection,
    codec: Codec,
    signer: MemberKey,
    *,
    place: Place,
    meeting: int | None,
    act_id: str | None,
    kind: str,
    by: str,
    role: str,
    at: datetime,
    payload: dict[str, Any],
    imported: bool = False,
) -> Act:
    """Insert one act in the caller's (write) transaction and return it with its sequence number:
    linked to the newest act, signed by ``signer``, sealed when the codec holds the key."""
    last = conn.execute(_NEWEST).first()
    seq = last.seq + 1 if last else 1
    row = {"seq": seq, "negotiation_id": place.id, "meeting": meeting, "act_id": act_id,
           "kind": kind, "author": by, "role": role, "at": format_time(at),
           "recorded": format_time(datetime.now(UTC)),
           "payload": codec.encode(kind, payload, (place.id, seq)), "mac": None,
           "signer": signer.public, "imported": int(imported)}
    previous = last.link if last else codec.genesis
    act_link = chain.link(previous, chain.content(row, place.uid, place.created,
                                                  sealed=codec.keys is not None))
    row.update(link=act_link, seal=codec.seal(act_link),
               signature=signer.sign(chain.signed_text(act_link)))
    conn.execute(_INSERT, row)
    if codec.keys is not None:
        move_head(conn, codec, seq, act_link, previous=last)
    return Act(seq, place.id, meeting, act_id, kind, by, role, at.astimezone(UTC), payload)


def read_head(conn: Connection) -> chain.Head | None:
    """The signed head as stored (None when there is none)."""
    return chain.Head.parse(conn.execute(_HEAD).scalar())


def head_holds(conn: Connection, codec: Codec, head: chain.Head | None) -> bool:
    """True when ``head`` was made with this workspace's key over the act it names."""
    if head is None or codec.keys is None:
        return False
    if head.last_seq == 0:
        at_head = codec.genesis
    else:
        at_head = conn.execute(_LINK_AT, {"seq": head.last_seq}).scalar()
    return head.holds(codec.keys.mac_key, at_head)


def move_head(conn: Connection, codec: Codec, seq: int, act_link: str, previous=None) -> bool:
    """Move the head to act ``seq`` (its link ``act_link``) if the head as stored still holds;
    a head that does not hold is left as it is, for ``verify`` to report. True if moved."""
    head = read_head(conn)
    if head is None or not _holds_before(conn, codec, head, previous):
        return False
    new = chain.Head.make(codec.keys.mac_key, seq, head.adopted, act_link)
    conn.execute(_MOVE_HEAD, {"head": new.text()})
    return True


def _holds_before(conn: Connection, codec: Codec, head: chain.Head, previous) -> bool:
    if previous is not None and head.last_seq == previous.seq:  # the usual case: no extra read
        return head.holds(codec.keys.mac_key, previous.link)
    return head_holds(conn, codec, head)


def write_first_head(conn: Connection, codec: Codec, adopted: int) -> None:
    """The head written when the workspace gets its key: over the newest act (the genesis when
    there is none), vouching for the ``adopted`` acts of an older file."""
    last = conn.execute(_NEWEST).first()
    seq, act_link = (last.seq, last.link) if last else (0, codec.genesis)
    head = chain.Head.make(codec.keys.mac_key, seq, adopted, act_link or "")
    conn.execute(insert(META).values(key="chain_head", value=head.text()))


def acts_of(
    conn: Connection, codec: Codec, negotiation: int, after: int = 0, upto: int | None = None
) -> list[Act]:
    """A negotiation's acts with ``after < seq <= upto``, in order."""
    sql = f"SELECT {COLUMNS} FROM act WHERE negotiation_id = ? AND seq > ?"
    args: list[Any] = [negotiation, after]
    if upto is not None:
        sql += " AND seq <= ?"
        args.append(upto)
    rows = conn.exec_driver_sql(sql + " ORDER BY seq", tuple(args))
    return [row_to_act(r, codec) for r in rows]  # streamed: no second copy of every row


def last_seq(conn: Connection) -> int:
    """The highest sequence number in the workspace (0 when empty)."""
    return conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM act").scalar()


def seal_tail(conn: Connection, codec: Codec) -> int:
    """Seal the acts logged without the join phrase since the head: move the head over them
    (only while the head holds), or write the first head of a file adopted from an older version.
    The number of acts sealed."""
    last = conn.execute(_NEWEST).first()
    if codec.keys is None or last is None:
        return 0
    head = read_head(conn)
    if head is None:
        signed = conn.execute(select(ACT.c.seq).where(ACT.c.signature.is_not(None))
                                .limit(1)).first()
        if signed is not None or codec.adopted != last.seq:
            return 0  # the head went missing: leave that for verify to report
        write_first_head(conn, codec, codec.adopted)
        return last.seq
    if head.last_seq >= last.seq or not move_head(conn, codec, last.seq, last.link):
        return 0
    return last.seq - head.last_seq


def tail_unsealed(conn: Connection) -> bool:
    """True when acts follow the signed head (or there is no head): a cheap check before
    ``seal_tail`` takes the write lock."""
    head = read_head(conn)
    return head is None or head.last_seq < last_seq(conn)


def adoptable(conn: Connection, codec: Codec) -> bool:
    """True when every act comes from a file of before version 3 that never had a key (none
    signed, sealed or MACed, no head): only then may a missing key be made now."""
    if read_head(conn) is not None:
        return False
    marked = conn.execute(select(ACT.c.seq).where(
        ACT.c.signature.is_not(None) | ACT.c.seal.is_not(None) | ACT.c.mac.is_not(None))
        .limit(1)).first()
    return marked is None and codec.adopted == last_seq(conn)
