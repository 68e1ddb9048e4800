"""Evaluate the coach's ``next_move`` against simulated suppliers (see ``coach_sim.py``).

Three leads negotiate the same negotiations: ``coach`` logs whatever ``next_move`` says (counter
and hold as our offer with its asks, accept as the agreement, walk away as the end); ``split``
offers the midpoint of both positions on every issue (never past the walk-away); ``linear``
concedes from the opening to the walk-away in equal steps over 8, 10 or 12 rounds (``linear8`` …:
a shorter horizon buys deals with value, so the three trace its frontier). The baselines accept
an offer of theirs that is worth at least their own next offer to us. After a nibble the coach
does what ``next_move`` says, ``split`` meets the nibble halfway and ``linear`` gives it.

Every ``next_move`` the coach receives is checked against the contract
(``app.analysis.contract.violations``, worked out from the journal); the count must be 0.

Seeds: the coach was tuned on the ``tune`` seeds (1000+) with the five tactics; the default
``report`` seeds (9000+) were not run before the final figures (an earlier report set, 5000+,
was looked at twice during development, so it was replaced). ``bursty`` and ``noisy`` were
first run on that earlier report set; ``half_tit_for_tat`` and ``early_stop`` were added after
tuning and run once, for the report.

Usage: ``python benchmarks/eval_coach.py [--n 48] [--seeds report|tune] [--tactics …]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coach_sim import HELD_OUT, TACTICS, Supplier, World, make_world, money, score  # noqa: E402

from app.analysis import Analyzer  # noqa: E402
from app.analysis.contract import violations  # noqa: E402
from app.domain import Act  # noqa: E402
from app.money import money as show_money  # noqa: E402

MAX_ROUNDS = 30
LINEAR_ROUNDS = (8, 10, 12)  # horizons of the linear baseline: its deal rate against its value
SEEDS = {"tune": 1000, "report": 9000}
LEAD = "Lead"


@dataclass
class Outcome:
    """How one negotiation ended."""

    deal: dict[str, Decimal] | None
    rounds: int
    violations: int = 0


class Journal:
    """The acts of one simulated negotiation, fed to an ``Analyzer`` as they are logged."""

    def __init__(self, world: World, analyse: bool) -> None:
        self.acts: list[Act] = []
        self.at = datetime(2027, 1, 1, tzinfo=UTC)
        self.analyzer = Analyzer() if analyse else None
        self.log("negotiation", {"title": "Sim", "supplier": "S", "currency": world.currency})
        self.log("member", {"name": LEAD, "role": "lead"})
        for issue in world.issues:
            self.log("issue", issue.payload())

    def log(self, kind: str, payload: dict, act_id: str | None = None) -> None:
        self.at += timedelta(seconds=30)
        act = Act(len(self.acts) + 1, 1, 1, act_id or f"m{len(self.acts) + 1}", kind, LEAD,
                  "lead", self.at, payload)
        self.acts.append(act)
        if self.analyzer is not None:
            self.analyzer.add(act)

    def offer(self, side: str, terms: dict[str, Decimal], asks: dict | None = None) -> None:
        payload = {"side": side, "terms": {k: str(v) for k, v in terms.items()}}
        if asks:
            payload["asks"] = {k: str(v) for k, v in asks.items()}
        self.log("offer", payload)

    def agree(self, terms: dict[str, Decimal], final: bool) -> None:
        self.log("agreement", {"terms": {k: str(v) for k, v in terms.items()}, "final": final})


# --- the leads ----------------------------------------------------------------------------------


def run_coach(world: World) -> Outcome:
    """The lead logs every ``next_move``."""
    supplier, journal = Supplier(world), Journal(world, analyse=True)
    theirs = supplier.offer(1.0)
    journal.offer("them", theirs)
    bad, rounds = 0, 0
    nibbled = world.tactic != "nibbler"  # True once the nibble is behind us (or never comes)
    answering = False  # our next offer answers the nibble
    while rounds < MAX_ROUNDS:
        move = journal.analyzer.result()["next_move"]
        found = violations(journal.acts, move)
        bad += len(found)
        if found and "--verbose" in sys.argv:
            print(world.rng_seed, world.tactic, found, move)
        if move is None or move["kind"] == "walk_away":
            return Outcome(None, rounds, bad)
        if move["kind"] == "accept":
            agreed = {k: Decimal(v) for k, v in move["terms"].items()}
            if nibbled:
                return Outcome(agreed, rounds, bad)
            theirs, nibbled = _nibble(supplier, journal, agreed), True
            answering = True
            continue
        ours = {k: Decimal(v) for k, v in move["terms"].items()}
        journal.offer("us", ours, move["asks"])
        rounds += 1
        if answering:
            return Outcome(_after_nibble(world, journal, ours), rounds, bad)
        answer, package = supplier.respond(ours)
        if answer == "leave":
            return Outcome(None, rounds, bad)
        if answer == "accept":
            if nibbled:
                return Outcome(ours, rounds, bad)
            theirs, nibbled = _nibble(supplier, journal, ours), True
            answering = True
            continue
        theirs = package
        journal.offer("them", theirs)
    return Outcome(None, rounds, bad)


def _nibble(supplier: Supplier, journal: Journal, agreed: dict[str, Decimal]) -> dict:
    """Tentative agreement, then the nibble: their offer of one more step on one issue."""
    journal.agree(agreed, final=False)
    key, value = supplier.nibble(agreed)
    nibble = {**agreed, key: value}
    journal.log("tactic", {"tactic": "nibble"})
    journal.offer("them", nibble)
    return nibble


def _after_nibble(world: World, journal: Journal, ours: dict[str, Decimal]) -> dict:
    """The nibbler takes what we give on its issue; if we give nothing it keeps the agreement."""
    supplier_agreed = next(a for a in reversed(journal.acts) if a.kind == "agreement")
    agreed = {k: Decimal(v) for k, v in supplier_agreed.payload["terms"].items()}
    key, value = _nibble_of(journal)
    issue = next(i for i in world.issues if i.key == key)
    if issue.sign * (ours[key] - agreed[key]) < 0:  # we gave on it: they take our package
        return {**agreed, key: max(ours[key], value) if issue.sign < 0 else min(ours[key], value)}
    return agreed


def _nibble_of(journal: Journal) -> tuple[str, Decimal]:
    offer = next(a for a in reversed(journal.acts) if a.kind == "offer"
                 and a.payload["side"] == "them")
    agreed = next(a for a in reversed(journal.acts) if a.kind == "agreement").payload["terms"]
    key = next(k for k, v in offer.payload["terms"].items() if agreed.get(k) != v)
    return key, Decimal(offer.payload["terms"][key])


def run_baseline(world: World, kind: str) -> Outcome:
    """``split`` or ``linearN``: our offer each round, AC-next acceptance of theirs."""
    supplier = Supplier(world)
    theirs = supplier.offer(1.0)
    ours = {i.key: i.opening for i in world.issues}
    for rounds in range(1, MAX_ROUNDS + 1):
        nxt = ours if rounds == 1 else _baseline_offer(world, kind, ours, theirs, rounds)
        if rounds > 1 and score(world, theirs) >= score(world, nxt) - 1e-9:
            return Outcome(_naive_nibble(world, supplier, theirs, kind), rounds - 1)
        ours = nxt
        answer, package = supplier.respond(ours)
        if answer == "accept":
            return Outcome(_naive_nibble(world, supplier, ours, kind), rounds)
        if answer == "leave":
            return Outcome(None, rounds)
        theirs = package
    return Outcome(None, MAX_ROUNDS)


def _baseline_offer(world: World, kind: str, ours: dict, theirs: dict, k: int) -> dict:
    out = {}
    for i in world.issues:
        q = Decimal(1).scaleb(min(i.opening.as_tuple().exponent, i.tick.as_tuple().exponent))
        if kind == "split":
            value = (ours[i.key] + theirs[i.key]) / 2
        else:
            horizon = int(kind.removeprefix("linear"))
            value = i.opening + (i.walk_away - i.opening) * Decimal(min(k - 1, horizon)) / horizon
        value = value.quantize(q, ROUND_CEILING if i.sign > 0 else ROUND_FLOOR)  # toward us
        if i.sign * (value - i.walk_away) < 0:
            value = i.walk_away
        if i.sign * (value - theirs[i.key]) < 0:
            value = theirs[i.key]
        out[i.key] = value
    return out


def _naive_nibble(world: World, supplier: Supplier, deal: dict, kind: str) -> dict:
    if world.tactic != "nibbler":
        return deal
    key, value = supplier.nibble(deal)
    if kind == "split":
        issue = next(i for i in world.issues if i.key == key)
        value = ((deal[key] + value) / 2).quantize(issue.tick)
    return {**deal, key: value}


# --- the table ----------------------------------------------------------------------------------


def evaluate(n: int, start: int, tactics: list[str]) -> dict[str, dict[str, list]]:
    """Run every lead on ``n`` negotiations per tactic; raw outcomes per lead and tactic."""
    leads = ("coach", "split", *(f"linear{h}" for h in LINEAR_ROUNDS))
    out: dict[str, dict[str, list]] = {lead: {} for lead in leads}
    for t, tactic in enumerate(tactics):
        for j in range(n):
            world = make_world(start + 1000 * t + j, tactic)
            for lead in out:
                result = run_coach(world) if lead == "coach" else run_baseline(world, lead)
                out[lead].setdefault(tactic, []).append((world, result))
    return out


def figures(rows: list[tuple[World, Outcome]]) -> dict[str, float]:
    """Deal rate where a zone exists, value at agreement, rounds, violations."""
    zone = [(w, o) for w, o in rows if w.zone]
    deals = [(w, o) for w, o in rows if o.deal is not None]
    return {
        "n": len(rows), "zone": len(zone),
        "deal_rate": sum(o.deal is not None for _, o in zone) / len(zone) if zone else 0.0,
        "score": statistics.fmean(score(w, o.deal) for w, o in deals) if deals else 0.0,
        "money": statistics.fmean(float(money(w, o.deal)) for w, o in deals) if deals else 0.0,
        "value_all": statistics.fmean(score(w, o.deal) if o.deal else 0.0 for w, o in zone)
        if zone else 0.0,
        "rounds": statistics.fmean(o.rounds for _, o in deals) if deals else 0.0,
        "violations": sum(o.violations for _, o in rows),
        "no_zone_deals": sum(o.deal is not None for w, o in rows if not w.zone),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=48, help="negotiations per tactic")
    parser.add_argument("--seeds", choices=list(SEEDS), default="report")
    parser.add_argument("--tactics", nargs="*", default=[*TACTICS, *HELD_OUT])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    began = time.monotonic()
    results = evaluate(args.n, SEEDS[args.seeds], args.tactics)
    print(f"coach evaluation: {args.n} negotiations per tactic × {len(args.tactics)} tactics, "
          f"{args.seeds} seeds ({SEEDS[args.seeds]}+); value at agreement averaged over deals")
    head = ("tactic", "lead", "deals/zone", "score", "EUR/yr", "score(all)", "rounds",
            "violations")
    print("{:<16} {:<8} {:>11} {:>6} {:>12} {:>10} {:>6} {:>10}".format(*head))
    for tactic in [*args.tactics, "ALL"]:
        for lead, per in results.items():
            rows = [r for t in args.tactics for r in per[t]] if tactic == "ALL" else per[tactic]
            f = figures(rows)
            print(f"{tactic:<16} {lead:<8} {f['deal_rate']:>10.1%} {f['score']:>6.1f} "
                  f"{show_money(Decimal(round(f['money'])), compact=True):>12} "
                  f"{f['value_all']:>10.1f} {f['rounds']:>6.1f} {f['violations']:>10}")
    print("deals/zone: deals where every resistance point lies inside our walk-away; score: our "
          "package score (0–100) at agreement; EUR/yr: its yearly value from our walk-aways; "
          "score(all): over every negotiation with a zone, no deal counting 0; violations: "
          "next_move against the contract (coach only)")
    print(f"({time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
