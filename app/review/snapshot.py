"""Cheap checkpoints of the analysis engine, for ``app.review.replay``.

The engine's lists only grow, so a checkpoint stores, per list, the items added since the previous
checkpoint of the same line of history: a ``Rope`` segment pointing at its parent. Scalars are
copied; the preparation is kept by reference and copied before a preparation act changes it.
Ledger rows are the one thing the engine changes after the fact (``reciprocated`` is settled by
their next offer): a checkpoint's rope holds only the settled rows, the pending ones are copied.

A ``Live`` engine is restored from a checkpoint (its lists rebuilt from the ropes) or rewound to
one in place when the checkpoint lies in its own past (its lists are cut back: no new lists).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import Any

from app.analysis.engine import Engine, Track
from app.domain import Preparation

FLATTEN = 128  # a rope deeper than this is stored flat
REWIND_WALK = 16  # how far back through a list's ropes a rewind looks for the checkpoint's
_ENGINE_FIELDS = {"prep", "tracks", "alerts", "ledger", "_pending", "_we_conceded",
                  "_they_conceded_since", "_run", "_requests", "_handlers", "turn"}


class Rope:
    """An append-only list as a chain of segments shared between checkpoints.

    ``base`` is the rope this one extends (kept even when it is stored flat): following it tells
    whether one rope's content is a prefix of another's.
    """

    __slots__ = ("parent", "items", "size", "depth", "base")

    def __init__(self, parent: Rope | None, items: tuple, size: int, depth: int,
                 base: Rope | None = None) -> None:
        self.parent, self.items, self.size, self.depth = parent, items, size, depth
        self.base = base if base is not None else parent

    @classmethod
    def flat(cls, items: Sequence, base: Rope | None = None) -> Rope:
        items = tuple(items)
        return cls(None, items, len(items), 0, base)

    def extended(self, items: Sequence) -> Rope:
        if not items:
            return self
        if self.depth >= FLATTEN:
            return Rope.flat(self.list() + list(items), base=self)
        return Rope(self, tuple(items), self.size + len(items), self.depth + 1)

    def list(self) -> list:
        parts, node = [], self
        while node is not None:
            parts.append(node.items)
            node = node.parent
        out: list = []
        for part in reversed(parts):
            out.extend(part)
        return out

    def starts_with(self, other: Rope) -> bool:
        """True when ``other`` is this rope or one it extends (within ``REWIND_WALK`` steps)."""
        node: Rope | None = self
        for _ in range(REWIND_WALK):
            if node is other:
                return True
            if node is None or node.size < other.size:
                return False
            node = node.base
        return False


@dataclasses.dataclass
class Checkpoint:
    """The engine's state after ``acts[:pos]`` along one chain of history."""

    pos: int
    prep: Preparation
    tracks: dict[str, tuple[dict[str, Any], dict[str, Rope]]]
    alerts: Rope
    settled: Rope  # ledger rows no later act can change
    pending: list[dict[str, Any]]  # copies of the rows still waiting for their next offer
    flags: tuple  # _we_conceded, _they_conceded_since, _run, turn (immutable)
    requests: Rope  # the engine's approval requests, as (id, (issue, value)) pairs


class Live:
    """An engine being rolled forward, and the ropes its lists were last recorded as."""

    def __init__(self, chain: int, pos: int, engine: Engine) -> None:
        self.chain, self.pos, self.engine = chain, pos, engine
        self.ropes: dict[int, tuple[Any, Rope]] = {}  # id(list or dict) -> (it, rope)
        self.prep_shared = True

    def own_prep(self) -> None:
        """Copy the preparation before an act changes it, if a checkpoint shares it."""
        if self.prep_shared:
            self.engine.prep = copy_prep(self.engine.prep)
            self.prep_shared = False

    def _rope(self, items: Any, new: Any, upto: int) -> Rope:
        known = self.ropes.get(id(items))
        if known is not None and known[0] is items and known[1].size <= upto:
            node = known[1].extended(new(known[1].size))
        else:
            node = Rope.flat(new(0))
        self.ropes[id(items)] = (items, node)
        return node

    def _known(self, items: Any, rope: Rope) -> None:
        self.ropes[id(items)] = (items, rope)

    def _extends(self, items: Any, rope: Rope) -> bool:
        known = self.ropes.get(id(items))
        return known is not None and known[0] is items and known[1].starts_with(rope)

    # --- checkpoints ----------------------------------------------------------------------------

    def record(self) -> Checkpoint:
        """A checkpoint of the engine as it stands."""
        engine = self.engine
        if set(vars(engine)) != _ENGINE_FIELDS:
            raise RuntimeError("the analysis engine's state changed; teach app.review.snapshot "
                               f"to keep {sorted(set(vars(engine)) ^ _ENGINE_FIELDS)}")
        tracks = {}
        for key, track in engine.tracks.items():
            scalars, ropes = {}, {}
            for f in dataclasses.fields(track):
                value = getattr(track, f.name)
                if isinstance(value, list):
                    ropes[f.name] = self._rope(value, lambda n, v=value: v[n:], len(value))
                else:
                    scalars[f.name] = value
            tracks[key] = (scalars, ropes)
        ledger, alerts, requests = engine.ledger, engine.alerts, engine._requests
        settled = len(ledger) - len(engine._pending)
        self.prep_shared = True
        return Checkpoint(
            pos=self.pos, prep=engine.prep, tracks=tracks,
            alerts=self._rope(alerts, lambda n: alerts[n:], len(alerts)),
            settled=self._rope(ledger, lambda n: ledger[n:settled], settled),
            pending=[dict(row) for row in engine._pending],
            flags=(engine._we_conceded, engine._they_conceded_since, engine._run, engine.turn),
            requests=self._rope(requests, lambda n: list(itertools.islice(
                requests.items(), n, None)), len(requests)))

    @classmethod
    def restore(cls, cp: Checkpoint, chain: int) -> Live:
        """A new live engine in the state of ``cp``."""
        live = cls(chain, cp.pos, Engine(cp.prep))
        engine = live.engine

        def rebuilt(rope: Rope, extra: list | None = None) -> list:
            items = rope.list() + (extra or [])
            live._known(items, rope)
            return items

        tracks = {}
        for key, (scalars, ropes) in cp.tracks.items():
            track = Track(scalars["issue"])
            for name, value in scalars.items():
                setattr(track, name, value)
            for name, rope in ropes.items():
                setattr(track, name, rebuilt(rope))
            tracks[key] = track
        engine.tracks = tracks
        engine.alerts = rebuilt(cp.alerts)
        pending = [dict(row) for row in cp.pending]
        engine.ledger = rebuilt(cp.settled, pending)
        engine._pending = list(pending)
        engine._requests = dict(cp.requests.list())
        live._known(engine._requests, cp.requests)
        engine._we_conceded, engine._they_conceded_since, engine._run, engine.turn = cp.flags
        return live

    def rewind(self, cp: Checkpoint, chain: int) -> bool:
        """Cut this engine back to ``cp`` in place, if ``cp`` lies in its past; else False."""
        engine = self.engine
        lists: list[tuple[list, Rope]] = []
        for key, (_scalars, ropes) in cp.tracks.items():
            track = engine.tracks.get(key)
            if track is None:
                return False
            lists += [(getattr(track, name), rope) for name, rope in ropes.items()]
        lists += [(engine.alerts, cp.alerts), (engine.ledger, cp.settled)]
        if not all(self._extends(items, rope) for items, rope in lists) or not self._extends(
                engine._requests, cp.requests):
            return False
        for items, rope in lists:
            del items[rope.size:]
            self._known(items, rope)
        tracks = {}
        for key, (scalars, _ropes) in cp.tracks.items():
            track = tracks[key] = engine.tracks[key]
            for name, value in scalars.items():
                setattr(track, name, value)
        engine.tracks = tracks
        pending = [dict(row) for row in cp.pending]
        engine.ledger.extend(pending)
        engine._pending = list(pending)
        if len(engine._requests) > cp.requests.size:
            engine._requests = dict(itertools.islice(engine._requests.items(),
                                                     cp.requests.size))
        self._known(engine._requests, cp.requests)
        engine._we_conceded, engine._they_conceded_since, engine._run, engine.turn = cp.flags
        engine.prep, self.prep_shared = cp.prep, True
        self.chain, self.pos = chain, cp.pos
        return True


def copy_prep(prep: Preparation) -> Preparation:
    """A copy that a preparation act may change without touching ``prep``.

    Containers are copied; their items are frozen records, except the meetings, of which only the
    last can still change (its end).
    """
    out = dataclasses.replace(prep)
    for f in dataclasses.fields(prep):
        value = getattr(prep, f.name)
        if isinstance(value, (dict, list, set)):
            setattr(out, f.name, type(value)(value))
    if out.meetings:
        out.meetings[-1] = dataclasses.replace(out.meetings[-1])
    return out
