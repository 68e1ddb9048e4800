"""Simulated negotiations for ``eval_coach.py``: a preparation, a supplier, and three leads.

A negotiation has three to five issues drawn from templates (unit price, payment days, rebate %,
contract term, committed volume share, on-time-in-full %), each with our opening, target and
walk-away, our weight and, where the issue is money, its ``value_per_unit``. The supplier has a
hidden resistance point per issue (the best value for us it will still accept), its own opening
(mostly past our walk-away) and its own issue weights, loosely opposed to ours (what matters to
us matters less to them, so trading across issues can pay both). Its utility of a package is
``Σ w'_i · u_i`` with ``u_i`` 1 at its opening and 0 at its resistance point.

Tactics (each with a deadline of 8–20 rounds, after which it breaks off):
``boulware`` / ``linear`` / ``conceder``: Faratin–Sierra–Jennings time-dependent aspiration
``1 − (k/T)^(1/e)``, e = 0.2, 1, 3; ``tit_for_tat``: gives back in its own utility what our last
move gave it (a small opening move first); ``nibbler``: linear, and after an agreement it asks for
one more step on the issue it values most. Held out (never tuned on): ``bursty`` (holds, then
gives a chunk), ``noisy`` (linear with noise, retreats now and then); and, added after the
tuning and run once for the report, ``half_tit_for_tat`` (gives back half of what our last move
gave it) and ``early_stop`` (linear to its resistance points by 60 % of its deadline, then
holds there until the deadline).

Its offer spreads its aspiration over the issues, giving first where its weight is low. It
accepts our offer when no issue passes its resistance point and the offer is worth to it at least
what its own next offer would be; at its deadline, any offer inside its resistance points.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

TEMPLATES = {
    # key: (label, unit, better, opening range, range, decimals, their tick, money)
    "price": ("Unit price", "EUR/box", "lower", (0.6, 1.4), (0.08, 0.2), 2, "0.001", "volume"),
    "payment": ("Payment terms", "days", "higher", (75, 120), (30, 60), 0, "1", "days"),
    "rebate": ("Annual volume rebate", "%", "higher", (2.0, 4.0), (1.5, 3.0), 1, "0.1",
               "rebate"),
    "term": ("Contract term", "months", "lower", (12, 12), (12, 36), 0, "1", None),
    "volume": ("Committed share of volume", "%", "lower", (50, 65), (20, 35), 0, "1", None),
    "otif": ("On-time-in-full SLA", "%", "higher", (97, 99), (2, 5), 1, "0.1", "sla"),
}
TACTICS = {"boulware": 0.2, "linear": 1.0, "conceder": 3.0, "tit_for_tat": None, "nibbler": 1.0}
HELD_OUT = {"bursty": 1.0, "noisy": 1.0, "half_tit_for_tat": None, "early_stop": 1.0}
NO_ZONE = 0.2  # share of negotiations where one resistance point lies past our walk-away


@dataclass
class SimIssue:
    """One issue of a simulated negotiation, with the supplier's hidden figures."""

    key: str
    label: str
    unit: str
    better: str
    opening: Decimal
    target: Decimal
    walk_away: Decimal
    weight: Decimal
    value_per_unit: Decimal | None
    tick: Decimal  # the supplier's step
    their_opening: Decimal
    resistance: Decimal
    their_weight: float

    @property
    def sign(self) -> int:
        """+1 when higher is better for us."""
        return 1 if self.better == "higher" else -1

    @property
    def range(self) -> Decimal:
        return abs(self.walk_away - self.opening)

    def payload(self) -> dict:
        """The ``issue`` act payload."""
        out = {"key": self.key, "label": self.label, "unit": self.unit, "better": self.better,
               "opening": str(self.opening), "target": str(self.target),
               "walk_away": str(self.walk_away), "weight": str(self.weight)}
        if self.value_per_unit is not None:
            out["value_per_unit"] = str(self.value_per_unit)
        return out


@dataclass
class World:
    """A negotiation to simulate."""

    issues: list[SimIssue]
    tactic: str
    deadline: int
    zone: bool
    rng_seed: int
    currency: str = "EUR"
    spend: Decimal = field(default=Decimal(0))


def make_world(seed: int, tactic: str) -> World:
    """Draw one negotiation."""
    rng = random.Random(seed)
    keys = ["price", *rng.sample([k for k in TEMPLATES if k != "price"], rng.randint(2, 4))]
    spend = Decimal(rng.randint(2, 40) * 500_000)
    ours = [rng.gammavariate(1.0, 1.0) for _ in keys]
    total = sum(ours)
    weights = [Decimal(repr(round(w / total, 2))) for w in ours]
    gamma = rng.uniform(0.0, 1.2)
    theirs = [(1 / (float(w) + 0.1)) ** gamma * rng.uniform(0.5, 1.5) for w in weights]
    their_total = sum(theirs)
    issues = [_issue(rng, key, w, t / their_total, spend)
              for key, w, t in zip(keys, weights, theirs, strict=True)]
    zone = rng.random() >= NO_ZONE
    if not zone:
        _past_walk_away(rng, rng.choice(issues))
    return World(issues, tactic, rng.randint(8, 20), zone, seed, spend=spend)


def _issue(rng: random.Random, key: str, weight: Decimal, their_weight: float,
           spend: Decimal) -> SimIssue:
    label, unit, better, (lo, hi), (rlo, rhi), places, tick, money = TEMPLATES[key]
    q = Decimal(1).scaleb(-places)
    opening = Decimal(repr(rng.uniform(lo, hi))).quantize(q)
    span = max(Decimal(repr(rng.uniform(rlo, rhi))).quantize(q), q * 4)
    sign = 1 if better == "higher" else -1
    if sign > 0:
        span = min(span, opening - q)  # no negative days or rates at the walk-away
    walk = opening - sign * span
    target = (opening - sign * span * Decimal(repr(rng.uniform(0.4, 0.6)))).quantize(q)
    resistance = opening - sign * span * Decimal(repr(rng.uniform(0.15, 1.0)))
    their_open = walk - sign * span * Decimal(repr(rng.uniform(-0.2, 0.6)))
    if sign * (resistance - their_open) < span * Decimal("0.15"):
        their_open = resistance - sign * span * Decimal("0.15")
    their_open = max(their_open, Decimal(0))  # no negative days, rates or prices
    return SimIssue(key, label, unit, better, opening, target, walk, weight,
                    _money(rng, money, spend), Decimal(tick), _tick(their_open, tick, sign),
                    resistance, their_weight)


def _money(rng: random.Random, kind: str | None, spend: Decimal) -> Decimal | None:
    if kind == "volume":
        return Decimal(rng.randint(2, 40) * 500_000)
    if kind == "days":
        return (spend * Decimal("0.08") / 365).quantize(Decimal(1))
    if kind == "rebate":
        return spend / 100
    if kind == "sla":
        return Decimal(rng.randint(5, 50) * 1000)
    return None


def _past_walk_away(rng: random.Random, issue: SimIssue) -> None:
    """Put the supplier's resistance point past our walk-away: no deal zone."""
    issue.resistance = issue.walk_away - issue.sign * issue.range * Decimal(
        repr(rng.uniform(0.05, 0.4)))
    if issue.sign * (issue.resistance - issue.their_opening) < issue.range * Decimal("0.15"):
        issue.their_opening = _tick(issue.resistance - issue.sign * issue.range * Decimal("0.15"),
                                    str(issue.tick), issue.sign)


def _tick(value: Decimal, tick: str, sign: int) -> Decimal:
    """Rounded to the supplier's step, toward the supplier (worse for us)."""
    return value.quantize(Decimal(tick), ROUND_FLOOR if sign > 0 else ROUND_CEILING)


# --- the supplier -------------------------------------------------------------------------------


class Supplier:
    """A supplier following one tactic toward its hidden resistance points."""

    def __init__(self, world: World) -> None:
        self.world, self.issues = world, world.issues
        self.rng = random.Random(world.rng_seed * 7919 + 1)
        self.level = 1.0  # aspiration: its utility of its current offer
        self.round = 0
        self.last_ours: dict[str, Decimal] | None = None
        self.idle = 0  # tit-for-tat: rounds in a row in which we gave it nothing
        self.mean_weight = sum(i.their_weight for i in self.issues) / len(self.issues)
        self.current = self.offer(1.0)

    def u(self, issue: SimIssue, value: Decimal) -> float:
        """Its utility of ``value`` on one issue: 1 at its opening, 0 at its resistance."""
        span = float(issue.their_opening - issue.resistance)
        return min(float(value - issue.resistance) / span, 1.0) if span else 1.0

    def utility(self, package: dict[str, Decimal]) -> float:
        """Its utility of a package (issues it does not name count at its opening)."""
        return sum(i.their_weight * (self.u(i, package[i.key]) if i.key in package else 1.0)
                   for i in self.issues)

    def inside(self, package: dict[str, Decimal]) -> bool:
        """No issue passes its resistance point."""
        return all(self.u(i, package.get(i.key, i.their_opening)) >= -1e-12 for i in self.issues)

    def offer(self, level: float) -> dict[str, Decimal]:
        """The package at aspiration ``level`` (1: its opening, 0: its resistance points)."""
        lo, hi = 0.0, 1.0
        for _ in range(40):
            mid = (lo + hi) / 2
            if self._utility_at(mid) > level:
                lo = mid
            else:
                hi = mid
        return {i.key: self._value(i, hi) for i in self.issues}

    def _utility_at(self, f: float) -> float:
        return sum(i.their_weight * (1 - self._fraction(i, f)) for i in self.issues)

    def _fraction(self, issue: SimIssue, f: float) -> float:
        return f ** (issue.their_weight / self.mean_weight)

    def _value(self, issue: SimIssue, f: float) -> Decimal:
        raw = issue.their_opening + (issue.resistance - issue.their_opening) * Decimal(
            repr(self._fraction(issue, f)))
        value = _tick(raw, str(issue.tick), issue.sign)
        return value if issue.sign * (value - issue.resistance) <= 0 else issue.resistance

    def next_level(self, ours: dict[str, Decimal] | None) -> float:
        """Its aspiration for the next round."""
        k, deadline, tactic = self.round + 1, self.world.deadline, self.world.tactic
        if k >= deadline:
            return 0.0
        if tactic in ("tit_for_tat", "half_tit_for_tat"):
            if ours is None or self.last_ours is None:
                return max(self.level - 0.05, 0.0)
            share = 0.5 if tactic == "half_tit_for_tat" else 1.0
            given = share * max(self.utility(ours) - self.utility(self.last_ours), 0.0)
            self.idle = self.idle + 1 if given <= 0 else 0
            if self.idle >= 2:  # generous: after two still rounds it offers a small step
                given, self.idle = 0.02, 0
            return max(self.level - given, 0.0)
        e = TACTICS.get(tactic) or HELD_OUT[tactic]
        level = 1 - (k / deadline) ** (1 / e)
        if tactic == "early_stop":
            level = max(1 - k / (0.6 * deadline), 0.0)
        if tactic == "bursty" and k % 3:
            return self.level
        if tactic == "noisy":
            level = min(1.0, level + self.rng.gauss(0, 0.05))
        return max(level, 0.0)

    def respond(self, ours: dict[str, Decimal]) -> tuple[str, dict[str, Decimal] | None]:
        """``("accept", None)``, ``("offer", package)`` or ``("leave", None)``."""
        level = self.next_level(ours)
        planned = self.offer(level)
        if self.inside(ours) and (self.round + 1 >= self.world.deadline
                                  or self.utility(ours) >= self.utility(planned) - 1e-9):
            return "accept", None
        if self.round + 1 > self.world.deadline:
            return "leave", None
        if level < self.level and planned == self.current:
            planned = self._token(planned)
        self.round += 1
        self.level, self.last_ours, self.current = level, dict(ours), planned
        return "offer", planned

    def _token(self, package: dict[str, Decimal]) -> dict[str, Decimal]:
        """A token concession: one step on the issue it values least, when rounding would
        otherwise repeat its offer although it meant to give a little."""
        for issue in sorted(self.issues, key=lambda i: i.their_weight):
            value = package[issue.key] + issue.sign * issue.tick
            if issue.sign * (value - issue.resistance) <= 0:
                return {**package, issue.key: value}
        return package

    def nibble(self, agreed: dict[str, Decimal]) -> tuple[str, Decimal]:
        """After an agreement: one more step on the issue it values most."""
        issue = max(self.issues, key=lambda i: i.their_weight)
        step = issue.range * Decimal(repr(self.rng.uniform(0.05, 0.15)))
        return issue.key, _tick(agreed[issue.key] - issue.sign * step, str(issue.tick),
                                issue.sign)


def score(world: World, package: dict[str, Decimal]) -> float:
    """Our package score, 0–100, by our weights (as the analysis scores)."""
    total = sum(float(i.weight) for i in world.issues) or 1.0
    out = 0.0
    for i in world.issues:
        share = float((package[i.key] - i.walk_away) / (i.opening - i.walk_away))
        out += float(i.weight) / total * 100 * min(max(share, 0.0), 1.0)
    return out


def money(world: World, package: dict[str, Decimal]) -> Decimal:
    """The package's yearly value to us from our walk-away (issues with a value per unit)."""
    return sum((i.value_per_unit * i.sign * (package[i.key] - i.walk_away)
                for i in world.issues if i.value_per_unit is not None), Decimal(0))


def isclose(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=1e-9)
