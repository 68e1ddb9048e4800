"""``Analyzer``: the analysis kept up to date act by act, and ``analyze`` for a whole journal.

Meeting acts are fed straight to the engine. A retraction of an act already seen, or a preparation
act that changes what the engine relies on (issues, authority, plan), rebuilds everything from the
standing acts; other preparation acts (title, situation, BATNA, leverage, members, meeting start
and end) are applied in place because they only feed the parts computed when the result is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.analysis.engine import Engine
from app.analysis.report import build
from app.domain import MEETING_KINDS, PREP_KINDS, Act
from app.state import apply, fold, standing

#: Preparation kinds that change nothing the engine has computed.
LIGHT_PREP = frozenset({"negotiation", "batna", "leverage", "member", "meeting_start",
                        "meeting_end"})


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
        self._engine = Engine(fold([]))

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

    def result(self) -> dict[str, Any]:
        """The ``caucus-analysis/1`` object for the acts so far (a fresh dict each call)."""
        return build(self._engine.prep, self._engine)

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
        if act.kind in MEETING_KINDS:
            self._engine.feed(act, act.ref(self._meeting_count))
            return True
        if act.kind in LIGHT_PREP:
            apply(self._engine.prep, act)
            return True
        return act.kind not in PREP_KINDS

    def _rebuild(self) -> None:
        kept = standing(self._acts)
        engine = Engine(fold(kept))
        kept_ids = {id(a) for a in kept}
        count = 0
        for act in self._acts:
            if act.kind not in MEETING_KINDS:
                continue
            count += 1
            if id(act) in kept_ids:
                engine.feed(act, act.ref(count))
        self._engine = engine


def analyze(acts: Sequence[Act]) -> dict[str, Any]:
    """The ``caucus-analysis/1`` object of one negotiation's acts, in journal order.

    Args:
        acts: Every act of the negotiation (preparation and meetings), in journal order; pass a
            prefix to see the analysis as it stood at that point.

    Returns:
        A JSON-ready dict (decimals as strings).
    """
    return Analyzer().extend(acts).result()
