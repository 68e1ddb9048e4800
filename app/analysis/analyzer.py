"""``Analyzer``: the analysis kept up to date act by act, and ``analyze`` for a whole journal.

Meeting acts are fed straight to the engine; preparation acts are applied to the engine's
preparation as they come, so every act is judged against the preparation as it stood when it was
logged (raising a limit later does not erase an alert the lower limit raised). Only a retraction
of an act already seen rebuilds everything, by replaying the standing acts in journal order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.analysis.engine import Engine
from app.analysis.report import build
from app.domain import MEETING_KINDS, PREP_KINDS, Act, Preparation
from app.state import apply, standing

#: Preparation kinds that change which issues the engine tracks.
ISSUE_KINDS = frozenset({"issue", "issue_removed", "issue_order"})


class Analyzer:
    """Incremental analysis of one negotiation's journal.

    Example:
        >>> a = Analyzer()
        >>> a.extend(acts)          # doctest: +SKIP
        >>> a.add(new_act)          # doctest: +SKIP
        >>> a.result()["alerts"]    # doctest: +SKIP
    """

    def __init__(self) -> None:
        self._acts: list[Act] = []
        self._withdrawn: set[Any] = set()
        self._seen: set[str] = set()
        self._meeting_count = 0
        self._engine = Engine(Preparation())

    @property
    def acts(self) -> list[Act]:
        """The acts taken so far, in order (a copy)."""
        return list(self._acts)

    def add(self, act: Act) -> None:
        """Take one more act of the negotiation (the next in journal order)."""
        if not self._take(act, feed=True):
            self._rebuild()

    def extend(self, acts: Iterable[Act]) -> Analyzer:
        """Take several acts in order; rebuilds at most once. Returns ``self``."""
        dirty = False
        for act in acts:
            dirty = not self._take(act, feed=not dirty) or dirty
        if dirty:
            self._rebuild()
        return self

    def result(self, room_safe: bool = False) -> dict[str, Any]:
        """The ``caucus-analysis/1`` object for the acts so far (a fresh dict each call);
        ``room_safe`` words the next move's reason without sealed figures."""
        return build(self._engine.prep, self._engine, room_safe)

    def _take(self, act: Act, feed: bool) -> bool:
        """Record ``act``; feed it if ``feed``. False when the state must be rebuilt."""
        self._acts.append(act)
        if act.kind in MEETING_KINDS:
            self._meeting_count += 1
        if act.kind == "retract":
            target = act.payload.get("act")
            self._withdrawn.add(target)
            return target not in self._seen
        if act.id is not None:
            self._seen.add(act.id)
            if act.id in self._withdrawn:
                return True
        if not feed:
            return True
        step(self._engine, act, self._meeting_count)
        return True

    def _rebuild(self) -> None:
        kept = {id(a) for a in standing(self._acts)}
        engine = Engine(Preparation())
        count = 0
        for act in self._acts:
            count += act.kind in MEETING_KINDS
            if id(act) in kept:
                step(engine, act, count)
        self._engine = engine


def step(engine: Engine, act: Act, position: int) -> None:
    """Feed one standing act: a meeting act to the engine, a preparation act to its prep.

    ``position`` is the act's 1-based place among the journal's meeting acts (withdrawn ones and
    retractions included), which names acts without an id. ``app.review.Replay`` feeds engines
    with it too.
    """
    if act.kind in MEETING_KINDS:
        engine.feed(act, act.ref(position))
    elif act.kind in PREP_KINDS:
        apply(engine.prep, act)
        if act.kind in ISSUE_KINDS:
            engine.sync_issues()


def analyze(acts: Sequence[Act], room_safe: bool = False) -> dict[str, Any]:
    """The ``caucus-analysis/1`` object of one negotiation's acts, in journal order.

    Args:
        acts: Every act of the negotiation (preparation and meetings), in journal order; pass a
            prefix to see the analysis as it stood at that point.
        room_safe: Word the next move's reason without any figure of the sealed preparation.

    Returns:
        A JSON-ready dict (decimals as strings).
    """
    return Analyzer().extend(acts).result(room_safe)
