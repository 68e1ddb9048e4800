"""What the coach knows about each issue at the moment of its next move: where we and they stand,
how far the lead may still go, how big a step may be, and what a unit costs us and them.

Values stay ``Decimal``; the "goodness" of a value for us is ``toward_us`` from a reference, so
every rule reads the same for issues where lower is better and where higher is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from app.analysis.economics import toward_us
from app.analysis.engine import Engine, Track
from app.analysis.forecast import forecast
from app.authority import widen
from app.domain import Issue, Preparation

#: Finer places (than the issue's own) a step may use so that it stays below the one before.
EXTRA_PLACES = 2
#: Floor of the estimated importance of an issue to them (0–1), so no ratio divides by zero.
MIN_THEIR_VALUE = Decimal("0.1")


@dataclass
class Lane:
    """One issue on which we have a position, as the coach sees it."""

    key: str
    issue: Issue
    offered: Decimal  # our current position: the last value we offered
    base: Decimal  # our standing value: the agreed one if an agreement stands, else ``offered``
    steady: Decimal  # what a counter keeps here: ``base`` if going there is a step a counter
    # may make (no larger than our last concession, not past the plan's next step), else offered
    theirs: Decimal | None
    edge: Decimal  # the tighter of the walk-away and the lead's authority (with approvals)
    floor: Decimal  # the worst value for us a counter may reach: edge, plan's end, theirs
    room: Decimal  # how far a counter may still move from ``base`` toward ``floor``
    cap: Decimal  # the largest concession this counter may make here (0: none)
    fresh: bool  # we have not conceded on this issue yet
    given: int  # how many concessions we have made on this issue
    weight: Decimal  # the issue's normalised weight
    cost: Decimal  # what one unit given costs us, as a share of our package (weight / range)
    their_value: Decimal  # how much the issue seems to matter to them (MIN_THEIR_VALUE–1)
    quantum: Decimal  # the finest step the issue's values use
    agreed: Decimal | None  # the value of the latest agreement on the issue
    expect: Decimal | None  # the forecast of where they will stop, once there is one
    their_step: Decimal  # their last move on the issue toward us (0 if none)

    @property
    def gap(self) -> Decimal:
        """How far their position is from ours, in our favour (0 without their position)."""
        if self.theirs is None:
            return Decimal(0)
        return max(toward_us(self.issue, self.theirs, self.base), Decimal(0))


def worse(issue: Issue, value: Decimal, by: Decimal) -> Decimal:
    """``value`` moved ``by`` units in the direction worse for us."""
    return value + by if issue.better == "lower" else value - by


def better_of(issue: Issue, a: Decimal, b: Decimal) -> Decimal:
    """The value of the two that is better for us."""
    return a if issue.is_better(a, b) else b


def lead_of(prep: Preparation, by: str | None) -> str | None:
    """Who would log our next offer: whoever logged our last one, else the team's first lead."""
    member = prep.team.get(by) if by else None
    if member is not None and member.may_edit:
        return member.name
    return next((m.name for m in prep.team.values() if m.role == "lead"), None)


def limit_edge(prep: Preparation, track: Track, lead: str | None) -> Decimal:
    """The worst value for us the lead may agree: the tighter of the walk-away and the lead's
    limit, extended by granted approvals."""
    issue = track.issue
    limit = prep.limit(lead, issue.key) if lead else None
    if limit is None:
        return issue.walk_away
    if track.covered is not None:
        limit = widen(issue, limit, track.covered)
    return better_of(issue, issue.walk_away, limit)


def plan_end(prep: Preparation, issue: Issue) -> Decimal | None:
    """The last step of the issue's concession plan: concessions stop there (past it the method
    says to caucus first)."""
    plan = prep.plan.get(issue.key)
    return plan.steps[-1] if plan is not None and plan.steps else None


def quantum(issue: Issue, *values: Decimal | None) -> Decimal:
    """The finest step among the issue's positions and the given values (at most 1)."""
    exponents = [v.as_tuple().exponent for v in (issue.opening, issue.target, issue.walk_away,
                                                 *values) if v is not None]
    return Decimal(1).scaleb(min([0, *(e for e in exponents if isinstance(e, int))]))


def snap(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    """``value`` rounded to a multiple of ``step`` (exactly; never raises)."""
    with localcontext() as ctx:
        ctx.prec = 80
        try:
            return value.quantize(step, rounding=rounding)
        except InvalidOperation:
            return value


def their_value(track: Track, gap: Decimal) -> Decimal:
    """How much an issue seems to matter to them: 1 less the share of the distance to us they
    have already closed (issues they give readily matter less to them)."""
    issue = track.issue
    if not track.their_values or issue.range is None:
        return Decimal(1)
    moved = max(toward_us(issue, track.their_values[0], track.their_values[-1]), Decimal(0))
    if moved + gap == 0:
        return Decimal(1)
    return max(Decimal(1) - moved / (moved + gap), MIN_THEIR_VALUE)


def lanes(prep: Preparation, engine: Engine) -> list[Lane]:
    """Every issue on which we have a position (issues sealed to this process are left out)."""
    weights = prep.weights()
    lead = lead_of(prep, engine.turn.by)
    out = []
    for key, track in engine.tracks.items():
        issue = track.issue
        if track.our_pos is None or issue.locked:
            continue
        out.append(_lane(prep, track, lead, weights.get(key, Decimal(0))))
    return out


def _lane(prep: Preparation, track: Track, lead: str | None, weight: Decimal) -> Lane:
    issue, offered, theirs = track.issue, track.our_pos, track.their_pos
    edge = floor = limit_edge(prep, track, lead)
    end = plan_end(prep, issue)
    if end is not None:
        floor = better_of(issue, floor, end)
    if theirs is not None:
        floor = better_of(issue, floor, theirs)
    base = _base(issue, offered, track.agreed, floor)
    steady = base if _step_ok(prep, track, offered, base) else offered
    room = max(toward_us(issue, floor, base), Decimal(0))
    q = quantum(issue, theirs)
    cap = _cap(prep, track, base, room, q) if track.agreed is None and theirs is not None \
        else Decimal(0)
    gap = max(toward_us(issue, theirs, base), Decimal(0)) if theirs is not None else Decimal(0)
    cost = weight / issue.range if issue.range else Decimal(0)
    return Lane(key=issue.key, issue=issue, offered=offered, base=base, steady=steady,
                theirs=theirs,
                edge=edge, floor=floor, room=room, cap=cap, fresh=track.our_last is None,
                given=len(track.our_concessions),
                weight=weight, cost=cost, their_value=their_value(track, gap), quantum=q,
                agreed=track.agreed, expect=_expect(track),
                their_step=_their_step(track))


def _expect(track: Track) -> Decimal | None:
    """The forecast's estimate of their resistance point on the issue, if it has one."""
    found = forecast(track.issue, track.their_values, track.our_pos)
    return Decimal(found["estimate"]) if found else None


def _their_step(track: Track) -> Decimal:
    values = track.their_values
    if len(values) < 2:
        return Decimal(0)
    return max(toward_us(track.issue, values[-2], values[-1]), Decimal(0))


def _base(issue: Issue, offered: Decimal, agreed: Decimal | None, floor: Decimal) -> Decimal:
    """Our standing value: the agreed one where it lies between our offer and the floor."""
    if agreed is None or issue.is_better(agreed, offered) or issue.is_worse(agreed, floor):
        return offered
    return agreed


def _step_ok(prep: Preparation, track: Track, offered: Decimal, value: Decimal) -> bool:
    """Whether a counter may move our position from ``offered`` to ``value``."""
    if value == offered:
        return True
    if track.our_last is not None and abs(value - offered) > track.our_last:
        return False
    plan = prep.plan.get(track.issue.key)
    ahead = [s for s in plan.steps if track.issue.is_worse(s, offered)] if plan else []
    return not ahead or not track.issue.is_worse(value, ahead[0])


def _cap(prep: Preparation, track: Track, base: Decimal, room: Decimal, q: Decimal) -> Decimal:
    """The largest step allowed: within the room, smaller than our last concession on the issue,
    not past the next step of the plan."""
    cap = room
    if track.our_last is not None:
        cap = min(room, track.our_last - q.scaleb(-EXTRA_PLACES))
    plan = prep.plan.get(track.issue.key)
    ahead = [s for s in plan.steps if track.issue.is_worse(s, base)] if plan else []
    if ahead:
        cap = min(cap, abs(ahead[0] - base))
    return max(cap, Decimal(0))
