"""``next_move``: what the lead could say next, after an offer of theirs (SCENARIO.md §3).

The kinds, checked in this order: ``walk_away`` (their package is past our walk-away and they
have stopped moving), ``accept`` (their package meets our targets and is at least as good as what
we would put forward), ``hold`` (they have not conceded since our last concession, or we have no
room left) and ``counter``.

A counter gives about ``GAP_SHARE`` of what still separates the packages (weighed by our issue
weights), on the issues that cost us least for what they seem to be worth to them (the ones they
concede least on), each step smaller than our previous one there and never past the plan's next
step, the walk-away or the lead's authority; and it asks, on the issues that matter most to us and
least to them, for a move of ``ASK_SHARE`` of the way from their position to ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from app.analysis.economics import toward_us
from app.analysis.engine import Engine
from app.analysis.lanes import EXTRA_PLACES, Lane, lanes, snap, worse
from app.analysis.why import Why
from app.domain import Preparation
from app.numbers import dec_str

#: A counter gives about what their concessions since our last offer were worth to us ×
#: ``RECIPROCITY``, but at least ``MIN_SHARE`` and at most ``MAX_SHARE`` of the room we have left
#: toward their package (all weighed by our issue weights).
RECIPROCITY = Decimal("1")
MIN_SHARE = Decimal("0.05")
MAX_SHARE = Decimal("0.3")
#: How many issues one counter gives on, at most (the rest stay to trade for).
MAX_GIVES = 2
#: An ask: this share of the way from their position toward ours.
ASK_SHARE = Decimal("0.5")
#: How many issues a counter asks on, at most.
MAX_ASKS = 2
#: Their offers in a row without any concession that mean they have stopped moving.
STOPPED = 2


@dataclass
class Package:
    """A package we could put forward: values per issue, what it gives, what it asks."""

    terms: dict[str, Decimal]
    gives: dict[str, Decimal] = field(default_factory=dict)  # issue -> |Δ| from our position
    asks: dict[str, Decimal] = field(default_factory=dict)


def next_move(prep: Preparation, engine: Engine, reveal: bool = True) -> dict[str, Any] | None:
    """The suggested next move, or ``None`` unless the latest offer is theirs and no final
    agreement was logged after it.

    Args:
        prep: The preparation the engine runs on.
        engine: The engine after the negotiation's acts.
        reveal: Whether ``why`` may name figures of the sealed preparation (walk-aways, targets,
            limits, the plan, the BATNA) and money; False for room-safe, and always False when
            this process cannot open the sealed figures.
    """
    turn = engine.turn
    if turn.last_side != "them" or turn.final_after:
        return None
    why = Why(prep, reveal and not prep.is_locked)
    if not any(t.our_pos is not None for t in engine.tracks.values()):
        terms = {k: t.issue.opening for k, t in engine.tracks.items()}
        return _move("counter", terms, {}, why.opening())
    if prep.is_locked:
        return _move("hold", _standing(engine), {}, why.locked())
    return _decide(prep, engine, lanes(prep, engine), why)


def _decide(prep: Preparation, engine: Engine, lines: list[Lane], why: Why) -> dict[str, Any]:
    turn = engine.turn
    counter = counter_package(lines, turn.gains)
    hold = hold_package(lines)
    past = [lane for lane in lines if lane.theirs is not None
            and lane.issue.is_worse(lane.theirs, lane.issue.walk_away)]
    if past and (turn.stalled >= STOPPED or (turn.stalled and not counter.gives)):
        return _move("walk_away", {}, {}, why.walk_away(past))
    put = counter if counter.gives and turn.moved_since is not False else hold
    if _acceptable(lines, put):
        terms = {lane.key: lane.theirs for lane in lines}
        return _move("accept", terms, {}, why.accept(lines, engine.tracks))
    if turn.moved_since is False:
        return _move("hold", hold.terms, hold.asks, why.not_moved(hold.asks, lines))
    if not counter.gives:
        return _move("hold", hold.terms, hold.asks, why.no_room(lines))
    return _move("counter", counter.terms, counter.asks,
                 why.counter(counter.gives, counter.asks, lines, turn.gains))


def _move(kind: str, terms: dict[str, Decimal], asks: dict[str, Decimal],
          why: str) -> dict[str, Any]:
    return {"kind": kind, "terms": {k: dec_str(v) for k, v in terms.items()},
            "asks": {k: dec_str(v) for k, v in asks.items()}, "why": why}


def _standing(engine: Engine) -> dict[str, Decimal]:
    """Our positions, or theirs where theirs is already better for us."""
    out = {}
    for key, track in engine.tracks.items():
        if track.our_pos is None:
            continue
        theirs = track.their_pos
        better = theirs is not None and track.issue.is_better(theirs, track.our_pos)
        out[key] = theirs if better else track.our_pos
    return out


def _acceptable(lines: list[Lane], put: Package) -> bool:
    """Their package names every issue of ours, none is worse than our target or past our
    limits, and it is worth at least what we would put forward (by our weights)."""
    for lane in lines:
        issue, theirs = lane.issue, lane.theirs
        if theirs is None or issue.is_worse(theirs, issue.target):
            return False
        if issue.is_worse(theirs, lane.edge):
            return False
    return sum((lane.cost * toward_us(lane.issue, put.terms[lane.key], lane.theirs)
                for lane in lines), Decimal(0)) >= 0


# --- the packages -------------------------------------------------------------------------------


def _value(lane: Lane, counter: bool = True) -> Decimal:
    """Where a lane stands when we do not move it: our standing value (in a counter, only where
    a counter may take it), or theirs where theirs is better for us than our offer."""
    if lane.theirs is not None and lane.issue.is_better(lane.theirs, lane.offered):
        return lane.theirs
    return lane.steady if counter else lane.base


def hold_package(lines: list[Lane]) -> Package:
    """Our standing package, asking them to move on the issues that matter most to us."""
    package = Package({lane.key: _value(lane, counter=False) for lane in lines})
    package.asks = _asks(lines, package)
    return package


def counter_package(lines: list[Lane], gains: Iterable[tuple[str, float]] = ()) -> Package:
    """A counter: gives from the cheapest issues for us, asks where it matters to us."""
    package = Package({lane.key: _value(lane) for lane in lines})
    movable = [lane for lane in lines if lane.cap > 0 and lane.gap > 0]
    budget = _budget(lines, movable, gains)
    for lane in sorted(movable, key=_priority)[:MAX_GIVES]:
        give = _give(lane, budget)
        if give <= 0:
            continue
        package.gives[lane.key] = give
        package.terms[lane.key] = worse(lane.issue, lane.base, give)
        budget -= lane.cost * give
    package.asks = _asks(lines, package)
    if package.gives and not package.asks:
        package.gives.clear()  # never give without a get
        package.terms = {lane.key: _value(lane) for lane in lines}
    return package


def _budget(lines: list[Lane], movable: list[Lane],
            gains: Iterable[tuple[str, float]]) -> Decimal:
    """What this counter gives, in shares of our package: reciprocity, within bounds."""
    weights = {lane.key: lane.weight for lane in lines}
    got = sum((weights[k] * Decimal(repr(s)) for k, s in gains if k in weights), Decimal(0))
    room = sum((lane.cost * lane.room for lane in movable), Decimal(0))
    return min(max(RECIPROCITY * got, MIN_SHARE * room), MAX_SHARE * room)


def _priority(lane: Lane) -> tuple[Decimal, str]:
    """Cheapest for us for what it is worth to them first (free issues before all)."""
    return lane.cost / lane.their_value, lane.key


def _give(lane: Lane, budget: Decimal) -> Decimal:
    """How much to give on one lane: what the budget buys, within the lane's cap, rounded down
    to the issue's step (finer places only when the coarse step would give nothing)."""
    want = lane.cap if lane.cost == 0 else min(lane.cap, max(budget, Decimal(0)) / lane.cost)
    if want >= lane.gap:
        return lane.gap if lane.gap <= lane.cap else lane.cap
    for extra in range(EXTRA_PLACES + 1):
        give = snap(want, lane.quantum.scaleb(-extra), ROUND_FLOOR)
        if give > 0:
            return give
    return Decimal(0)


def _asks(lines: list[Lane], package: Package) -> dict[str, Decimal]:
    """Up to ``MAX_ASKS`` asks, each better for us than their position on its issue."""
    open_ = [lane for lane in lines if lane.theirs is not None and lane.key not in package.gives
             and lane.issue.is_better(package.terms[lane.key], lane.theirs)]
    open_.sort(key=lambda lane: (-lane.cost * lane.gap * (1 - lane.their_value / 2), lane.key))
    asks = {lane.key: _ask(lane, package.terms[lane.key]) for lane in open_[:MAX_ASKS]}
    if asks or not package.gives:
        return asks
    moved = [lane for lane in lines if lane.key in package.gives and lane.theirs is not None
             and lane.issue.is_better(package.terms[lane.key], lane.theirs)]
    if moved:  # nothing else is open: ask them to meet us where we now stand
        lane = max(moved, key=lambda lane: (lane.cost, lane.key))
        return {lane.key: package.terms[lane.key]}
    return _ask_more(lines, package)


def _ask(lane: Lane, ours: Decimal) -> Decimal:
    """``ASK_SHARE`` of the way from their position to ours, rounded toward ours."""
    distance = abs(ours - lane.theirs)
    step = snap(distance * ASK_SHARE, lane.quantum, ROUND_FLOOR)
    if step <= 0:
        step = distance
    return worse(lane.issue, lane.theirs, -step)


def _ask_more(lines: list[Lane], package: Package) -> dict[str, Decimal]:
    """When we meet them everywhere: ask for one step more on a settled issue that matters to
    us (a last get for the last give), never past our opening."""
    settled = [lane for lane in lines if lane.theirs is not None and lane.key not in package.gives
               and lane.issue.is_better(lane.issue.opening, lane.theirs)]
    if not settled:
        return {}
    lane = max(settled, key=lambda lane: (lane.cost, lane.key))
    step = min(lane.quantum, abs(lane.issue.opening - lane.theirs))
    return {lane.key: worse(lane.issue, lane.theirs, -step)}
