"""``next_move``: what the lead could say next, after an offer of theirs (SCENARIO.md §3).

The kinds, checked in this order: ``walk_away`` (their package is past our walk-away and they
have stopped moving), ``accept`` (their package meets our targets and is at least as good as what
we would put forward), ``hold`` (they have not conceded since our last concession; or they are
still coming our way and it is not yet time to close; or we have no room left) and ``counter``.

The coach lets them come: while they keep conceding it holds our package and asks for more.
It closes — after ``CLOSE_AFTER`` offers of ours, when what separates us is within a few of their
latest concessions, or when the forecast expects little more from them (once they stop, the
contract lets us move only after they do, so we close while they still move). A closing counter
gives most where it costs us least for what the issue seems worth to them (they concede least on
what matters to them), each step no larger than our previous one on the issue and never past the
plan's next step, the walk-away or the lead's authority; and it asks, where the gap matters most
to us, for a move of ``ASK_SHARE`` of the way from their position to ours.

The constants were tuned with ``benchmarks/eval_coach.py`` on its tuning seeds only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from app.analysis.economics import toward_us
from app.analysis.engine import Engine, Turn
from app.analysis.lanes import Lane, lanes, lead_of, limit_edge, snap, worse
from app.analysis.why import Why
from app.domain import Preparation
from app.numbers import dec_str

#: At the close an issue not conceded yet moves this share of the way to their position, and up
#: to ``CLOSE_TILT`` of the rest more for the issue cheapest for us for what it seems worth to
#: them (from 0.5 on, what is left after their next move is within our step: we can meet them).
CLOSE_PACE = Decimal("0.6")
CLOSE_TILT = Decimal("0.5")
#: Close from our this-many-th offer on.
CLOSE_AFTER = 8
#: Close too when the forecast expects them to give no more than this share of what still
#: separates us: once they stop we may not move first.
TO_COME = Decimal("0.1")
#: Close too when what separates us is worth no more than this many of their latest concession.
NEAR = Decimal(6)
NEAR_AFTER = 3
#: A give smaller than this share of what separates us on its issue is not worth making.
MIN_GIVE_SHARE = Decimal("0.04")
#: When what would remain of the gap is within this share of the range, close it.
CLOSE_SHARE = Decimal("0.03")
#: An ask: this share of the way from their position toward ours.
ASK_SHARE = Decimal("0.5")
#: How many issues a counter asks on, at most.
MAX_ASKS = 2
#: Their offers in a row without any concession that mean they have stopped moving.
STOPPED = 3


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
    counter = counter_package(lines, _closing(lines, turn))
    hold = hold_package(lines)
    past = [lane for lane in lines if lane.theirs is not None
            and lane.issue.is_worse(lane.theirs, lane.issue.walk_away)]
    if past and turn.stalled >= STOPPED:
        return _move("walk_away", {}, {}, why.walk_away(past))
    put = counter if counter.gives and turn.moved_since is not False else hold
    theirs = {k: t.their_pos for k, t in engine.tracks.items() if t.their_pos is not None}
    if _acceptable(prep, engine, lines, put):
        return _move("accept", theirs, {}, why.accept(lines, engine.tracks))
    if turn.moved_since is False:
        return _move("hold", hold.terms, hold.asks, why.not_moved(hold.asks, lines))
    reopened = [lane for lane in lines if lane.agreed is not None and lane.theirs is not None
                and lane.issue.is_worse(lane.theirs, lane.agreed)]
    if reopened:
        return _move("hold", hold.terms, hold.asks, why.reopened(reopened))
    if not counter.gives and any(lane.cap > 0 and lane.gap > 0 for lane in lines):
        return _move("hold", hold.terms, hold.asks, why.waiting(hold.asks, lines))
    if not counter.gives:
        return _move("hold", hold.terms, hold.asks, why.no_room(lines))
    return _move("counter", counter.terms, counter.asks,
                 why.counter(counter.gives, counter.asks, lines, turn.gains))


def _closing(lines: list[Lane], turn: Turn) -> bool:
    """Time to close: our offers have gone on long enough, what still separates us is within a
    few of their latest concessions, or the forecast says little more is to come from them."""
    ranged = [lane for lane in lines if lane.issue.range]
    gap = sum((lane.weight * min(lane.gap, lane.room) / lane.issue.range for lane in ranged),
              Decimal(0))
    to_come = sum((lane.weight * max(toward_us(lane.issue, lane.theirs, lane.expect),
                                     Decimal(0)) / lane.issue.range
                   for lane in ranged if lane.expect is not None), Decimal(0))
    forecast = any(lane.expect is not None for lane in ranged)
    near = turn.offers >= NEAR_AFTER and gap <= NEAR * Decimal(repr(turn.paces[1]))
    return turn.offers >= CLOSE_AFTER or near or (forecast and to_come <= TO_COME * gap)


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


def _acceptable(prep: Preparation, engine: Engine, lines: list[Lane], put: Package) -> bool:
    """Their package names every issue we hold a position on, none of its values is worse than
    our target or past the lead's limits, and it is worth at least what we would put forward
    (by our weights)."""
    if any(lane.theirs is None for lane in lines):
        return False
    lead = lead_of(prep, engine.turn.by)
    for track in engine.tracks.values():
        issue, theirs = track.issue, track.their_pos
        if theirs is None:
            continue
        if issue.locked or issue.is_worse(theirs, issue.target):
            return False
        if issue.is_worse(theirs, limit_edge(prep, track, lead)):
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


def counter_package(lines: list[Lane], closing: bool = False) -> Package:
    """The package a counter would put forward.

    Until the close nothing moves: they are moving, so we hold and ask. At the close, each issue
    we have not conceded on yet moves ``CLOSE_PACE`` of the way to their position — up to
    ``CLOSE_TILT`` more for the issues cheapest for us for what they seem worth to them — and
    each one we have conceded on meets their position as far as our last step there allows; all
    within our limits and the plan. It asks where the gap matters most to us and least to them.
    """
    package = Package({lane.key: _value(lane) for lane in lines})
    movable = sorted((lane for lane in lines if lane.cap > 0 and lane.gap > 0), key=_priority)
    for rank, lane in enumerate(movable if closing else ()):
        if lane.fresh:
            cheap = 1 - Decimal(rank) / max(len(movable) - 1, 1)
            pace = CLOSE_PACE + (1 - CLOSE_PACE) * cheap * CLOSE_TILT
            give = _give(lane, pace * min(lane.gap, lane.room))
        else:
            give = lane.gap if lane.gap <= lane.cap else snap(lane.cap, lane.quantum, ROUND_FLOOR)
        if give > 0:
            package.gives[lane.key] = give
            package.terms[lane.key] = worse(lane.issue, lane.base, give)
    package.asks = _asks(lines, package)
    if package.gives and not package.asks:
        package.gives.clear()  # never give without a get
        package.terms = {lane.key: _value(lane) for lane in lines}
    return package


def _priority(lane: Lane) -> tuple[Decimal, str]:
    """Cheapest for us for what it is worth to them first (free issues before all)."""
    return lane.weight / lane.their_value, lane.key


def _give(lane: Lane, want: Decimal) -> Decimal:
    """A give on one lane: ``want`` within the lane's cap, the whole gap when what is left of it
    is small, rounded down to the issue's step (finer places when the coarse step gives 0)."""
    if lane.gap - want <= lane.issue.range * CLOSE_SHARE:
        want = lane.gap
    want = min(want, lane.cap)
    if want >= lane.gap:
        return lane.gap
    if want < MIN_GIVE_SHARE * min(lane.gap, lane.room):
        return Decimal(0)  # a crumb would only cap every later step on the issue
    return snap(want, lane.quantum, ROUND_FLOOR)


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
