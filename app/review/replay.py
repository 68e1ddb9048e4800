"""``Replay``: the analysis as it stood after any number of acts, fast enough to scrub.

``Replay(acts).at(k)`` equals ``analyze(acts[:k])``. It keeps checkpoints of the analysis engine
every ``every`` acts and rolls forward from the nearest one, so a step of one act costs one act
(forward) or at most ``every`` acts (back), plus assembling the result.

Checkpoints are cheap (``app.review.snapshot``): the engine's lists only grow, so each checkpoint
keeps only what was added since the one before. Stepping back rewinds the engine in place to the
nearest checkpoint behind and rolls forward from there.

A retraction of an act already seen changes the past: from then on the analysis is as if the
withdrawn act had never been logged. Each such retraction starts a new *chain* of checkpoints,
which shares everything before the withdrawn act with the chain it branches from.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.analysis.analyzer import step
from app.analysis.engine import Engine
from app.analysis.report import build
from app.domain import MEETING_KINDS, PREP_KINDS, Act, Preparation
from app.review.snapshot import Checkpoint, Live

EVERY = 256  # acts between checkpoints
_NEVER = 1 << 62


class Replay:
    """The analysis of a journal as it stood after each act.

    Example:
        >>> replay = Replay(ws.acts(negotiation))        # doctest: +SKIP
        >>> replay.at(len(replay))["issues"]["price"]    # doctest: +SKIP

    Results share their alert dicts and settled ledger rows with the replay (and with each
    other): treat them as read-only, as with ``Analyzer.result``.
    """

    def __init__(self, acts: Sequence[Act], every: int = EVERY) -> None:
        self.acts: list[Act] = list(acts)
        self.every = max(1, int(every))
        self._position: list[int] = []  # 1-based place among meeting acts
        self._first_retract: dict[str, int] = {}
        self._cut: dict[str, int] = {}  # id -> first chain in which it is withdrawn
        self._starts: list[int] = [0]  # first k each chain serves
        self._diverge: list[int] = [0]  # chain e equals chain e-1 on acts[:diverge[e]]
        self._scan()
        self._extra: list[set[int]] = [set() for _ in self._starts]
        for chain in range(1, len(self._starts)):  # where each chain branches off, exactly
            self._extra[self._owner(chain - 1, self._diverge[chain])].add(self._diverge[chain])
        self._times = _running_max([a.at.timestamp() for a in self.acts])
        self._cps: list[dict[int, Checkpoint]] = [{} for _ in self._starts]
        self._cp_pos: list[list[int]] = [[] for _ in self._starts]
        self._cps[0][0] = Live(0, 0, Engine(Preparation())).record()
        self._cp_pos[0].append(0)
        self._live: Live | None = None

    def __len__(self) -> int:
        return len(self.acts)

    # --- queries ------------------------------------------------------------------------------

    def at(self, k: int) -> dict[str, Any]:
        """``analyze(acts[:k])``: the ``caucus-analysis/1`` object after the first ``k`` acts."""
        if not 0 <= k <= len(self.acts):
            raise IndexError(f"k={k} is outside 0..{len(self.acts)}")
        return _result(self._seek(k).engine)

    def index_at(self, moment: datetime | float) -> int:
        """How many acts had been logged by ``moment`` (a datetime or epoch seconds).

        Acts are in journal order; an act stamped earlier than one before it counts from where it
        stands in the journal, so the answer is always a prefix: ``acts[:k]``.
        """
        seconds = moment.timestamp() if isinstance(moment, datetime) else float(moment)
        return bisect.bisect_right(self._times, seconds)

    def warm(self, progress=None) -> None:
        """Build every checkpoint now (else on first use); calls ``progress(done, total)``."""
        total = len(self._starts)
        for chain, _start in enumerate(self._starts):
            end = self._starts[chain + 1] - 1 if chain + 1 < total else len(self.acts)
            self._seek(end)
            if progress is not None:
                progress(chain + 1, total)

    # --- structure ------------------------------------------------------------------------------

    def _scan(self) -> None:
        """Positions, retractions and the chains they start."""
        seen: dict[str, int] = {}
        count = 0
        for j, act in enumerate(self.acts):
            count += act.kind in MEETING_KINDS
            self._position.append(count)
            if act.kind != "retract":
                if act.id is not None:
                    seen.setdefault(act.id, j)
                continue
            target = act.payload.get("act")
            if not isinstance(target, str):
                continue
            self._first_retract.setdefault(target, j)
            if target in seen and target not in self._cut:
                self._cut[target] = len(self._starts)
                self._starts.append(j + 1)
                self._diverge.append(seen[target])

    def _skips(self, chain: int, j: int, act: Act) -> bool:
        if act.kind == "retract":
            return True
        if act.id is None:
            return False
        return self._cut.get(act.id, _NEVER) <= chain or self._first_retract.get(act.id,
                                                                                  _NEVER) < j

    def _owner(self, chain: int, pos: int) -> int:
        """The chain whose own checkpoints hold ``chain``'s state after ``acts[:pos]``."""
        while chain and pos <= self._diverge[chain]:
            chain -= 1
        return chain

    def _chain(self, k: int) -> int:
        return bisect.bisect_right(self._starts, k) - 1 if k > 0 else 0

    # --- seeking --------------------------------------------------------------------------------

    def _seek(self, k: int) -> Live:
        chain = self._chain(k)
        live = self._live
        cp = self._best(chain, k)
        stale = live is None or not self._usable(live, chain, k) or live.pos < cp.pos
        if stale and (live is None or not live.rewind(cp, chain)):
            live = Live.restore(cp, chain)
        live.chain = chain
        self._roll(live, k)
        self._live = live
        return live

    def _usable(self, live: Live, chain: int, k: int) -> bool:
        if live.pos > k or live.chain > chain:
            return False
        return all(live.pos <= self._diverge[e] for e in range(live.chain + 1, chain + 1))

    def _best(self, chain: int, k: int) -> Checkpoint:
        while True:
            positions = self._cp_pos[chain]
            i = bisect.bisect_right(positions, k) - 1
            if chain == 0:
                return self._cps[0][positions[i]]
            if i >= 0 and positions[i] > self._diverge[chain]:
                return self._cps[chain][positions[i]]
            k = min(k, self._diverge[chain])
            chain -= 1

    def _roll(self, live: Live, k: int) -> None:
        chain, engine, every = live.chain, live.engine, self.every
        floor = self._diverge[chain] if chain else 0
        cps, positions, extra = self._cps[chain], self._cp_pos[chain], self._extra[chain]
        for j in range(live.pos, k):
            act = self.acts[j]
            if not self._skips(chain, j, act):
                if act.kind in PREP_KINDS:
                    live.own_prep()
                step(engine, act, self._position[j])
            pos = j + 1
            if (pos % every == 0 or pos in extra) and pos > floor and pos not in cps:
                live.pos = pos
                cps[pos] = live.record()
                bisect.insort(positions, pos)
        live.pos = k


class _View:
    """What ``report.build`` reads of an engine, with the ledger left to ``_result``."""

    def __init__(self, engine: Engine) -> None:
        self.tracks, self.alerts, self.ledger = engine.tracks, engine.alerts, ()
        self.turn = engine.turn


def _result(engine: Engine) -> dict[str, Any]:
    """``Analyzer.result`` without copying the settled ledger rows (they never change)."""
    result = build(engine.prep, _View(engine))
    pending = engine._pending
    settled = engine.ledger[:len(engine.ledger) - len(pending)]
    result["ledger"] = settled + [dict(row) for row in pending]
    return result


def _running_max(values: list[float]) -> list[float]:
    out, top = [], float("-inf")
    for v in values:
        top = max(top, v)
        out.append(top)
    return out
