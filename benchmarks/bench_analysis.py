"""Benchmark of the analysis engine: full analysis of long negotiations, and one act more.

    python benchmarks/bench_analysis.py            # 1k and 10k acts
    python benchmarks/bench_analysis.py --quick    # fewer repetitions
    python benchmarks/bench_analysis.py --strict   # exit 1 when a goal is missed

Negotiations are generated with the example's preparation (six issues, team, authority limits,
concession plans) and meetings of 100–300 acts: offers of both sides on one to three issues,
conceding a share of the gap to where the deal converges (with the odd retreat; each meeting
starts from re-opened positions around a drifting deal point, as after a market change), tactics,
reactions, notes, approval requests and answers, tentative agreements, phase changes and the odd
retraction. Printed: ``analyze(acts)`` (median of several runs), and for a 10k-act ``Analyzer``
the cost of adding one more meeting act, alone and followed by ``result()`` as the console does
(median and p95), plus the fallback cost of a retraction (a full rebuild).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout even when caucus is not installed

from app.analysis import Analyzer, analyze  # noqa: E402
from app.domain import KNOWN_TACTICS, Act  # noqa: E402

GOAL_FULL_10K_MS = 300.0
GOAL_ADD_MS = 5.0
LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"
ROLES = {LEAD: "lead", SME: "sme", OBSERVER: "observer", APPROVER: "approver"}
# key: better, opening, target, walk_away, their opening, tick
ISSUES = {
    "price": ("lower", "0.78", "0.84", "0.90", "0.97", "0.001"),
    "payment": ("higher", "90", "60", "45", "30", "1"),
    "term": ("lower", "12", "24", "36", "36", "1"),
    "volume": ("lower", "60", "75", "90", "90", "1"),
    "rebate": ("higher", "3.0", "1.5", "0.5", "0.0", "0.1"),
    "otif": ("higher", "98", "96", "95", "94", "0.1"),
}


@dataclass
class Gen:
    """Generates one negotiation's acts."""

    rng: random.Random
    acts: list[Act]
    at: datetime = datetime(2027, 1, 14, 9, 0, tzinfo=UTC)
    meeting: int = 0

    def add(self, kind: str, payload: dict[str, Any], by: str = LEAD, with_id: bool = True) -> Act:
        self.at += timedelta(seconds=self.rng.randint(5, 90))
        act_id = f"x{len(self.acts) + 1}" if with_id else None
        act = Act(len(self.acts) + 1, 1, self.meeting or None, act_id, kind, by, ROLES[by],
                  self.at, payload)
        self.acts.append(act)
        return act


def preparation(g: Gen) -> None:
    """The example's preparation as acts."""
    g.add("negotiation", {"title": "Bench", "supplier": "Northbox", "situation": {
        "suppliers": "many", "relationship": "transactional", "batna": "strong", "spend": "core"}})
    for name, role in ROLES.items():
        g.add("member", {"name": name, "role": role})
    for key, (better, opening, target, walk, _theirs, _tick) in ISSUES.items():
        g.add("issue", {"key": key, "better": better, "opening": opening, "target": target,
                        "walk_away": walk})
    g.add("batna", {"ours": "BoxCo at 0.88", "theirs": "idle corrugator line"})
    g.add("leverage", {"ours": ["volume"], "theirs": ["switching cost"]})
    for issue, limit in (("price", "0.86"), ("payment", "60"), ("term", "24")):
        g.add("authority", {"member": LEAD, "issue": issue, "limit": limit})
    g.add("plan", {"issue": "price", "steps": ["0.81", "0.83", "0.84"], "asks": ["a", "b", "c"]})
    g.add("plan", {"issue": "term", "steps": ["18", "24"], "asks": ["a", "b"]})


class Table:
    """Both sides' positions, converging on a deal point with shrinking, noisy moves."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pos = {"us": {k: Decimal(v[1]) for k, v in ISSUES.items()},
                    "them": {k: Decimal(v[4]) for k, v in ISSUES.items()}}
        self.deal = {k: (Decimal(v[1]) + Decimal(v[3])) / 2 for k, v in ISSUES.items()}

    def reopen(self) -> None:
        """A new round: the deal point drifts and both sides step back from it."""
        for key, (_better, opening, _target, walk, _theirs, tick) in ISSUES.items():
            span = Decimal(walk) - Decimal(opening)  # toward worse for us
            self.deal[key] += span * Decimal(self.rng.uniform(-0.05, 0.05))
            for side, lo, hi in (("us", -0.5, -0.2), ("them", 0.2, 0.6)):
                away = span * Decimal(self.rng.uniform(lo, hi))
                self.pos[side][key] = (self.deal[key] + away).quantize(Decimal(tick))

    def offer(self, side: str) -> dict[str, Any]:
        keys = self.rng.sample(list(ISSUES), self.rng.choice((1, 1, 2, 3)))
        terms = {k: format(self._move(side, k), "f") for k in keys}
        payload: dict[str, Any] = {"side": side, "terms": terms}
        if side == "us" and self.rng.random() < 0.6:
            ask = self.rng.choice(list(ISSUES))
            payload["asks"] = {ask: format(self.pos["us"][ask], "f")}
        return payload

    def _move(self, side: str, key: str) -> Decimal:
        tick = Decimal(ISSUES[key][5])
        now = self.pos[side][key]
        share = Decimal(self.rng.uniform(-0.05, 0.35)).quantize(Decimal("0.01"))
        new = (now + (self.deal[key] - now) * share).quantize(tick)
        self.pos[side][key] = new
        return new


def negotiation(size: int, seed: int) -> list[Act]:
    """A negotiation of about ``size`` acts."""
    rng = random.Random(seed)
    g = Gen(rng, [])
    preparation(g)
    table, requests = Table(rng), []
    while len(g.acts) < size:
        g.meeting += 1
        g.add("meeting_start", {"title": f"Round {g.meeting}", "started": g.at.isoformat()})
        if g.meeting > 1:
            table.reopen()
        for _ in range(min(rng.randint(100, 300), size - len(g.acts) - 1)):
            meeting_act(g, table, requests)
        g.add("meeting_end", {})
    return g.acts[:size]


def meeting_act(g: Gen, table: Table, requests: list[str]) -> None:
    """One random meeting act."""
    r = g.rng.random()
    with_id = g.rng.random() < 0.9
    if r < 0.55:
        g.add("offer", table.offer("us" if g.rng.random() < 0.5 else "them"), LEAD, with_id)
    elif r < 0.62:
        g.add("tactic", {"tactic": g.rng.choice(KNOWN_TACTICS)}, OBSERVER, with_id)
    elif r < 0.72:
        g.add("reaction", {"tag": "interest", "note": "writing"}, OBSERVER, with_id)
    elif r < 0.82:
        g.add("note", {"text": "index down 4%", "topic": "fact"}, SME, with_id)
    elif r < 0.85:
        value = format(Decimal("0.86") + Decimal(g.rng.randint(1, 4)) / 100, "f")
        requests.append(g.add("approval_request", {"issue": "price", "value": value}).id)
    elif r < 0.87 and requests:
        g.add("approval", {"request": requests[-1], "granted": g.rng.random() < 0.7}, APPROVER)
    elif r < 0.90:
        key = g.rng.choice(list(ISSUES))
        g.add("agreement", {"terms": {key: format(table.pos["them"][key], "f")}, "final": False})
    elif r < 0.995:
        g.add("phase", {"phase": g.rng.choice(("exploring", "bargaining", "caucus"))}, LEAD,
              with_id)
    else:
        target = g.rng.choice([a.id for a in g.acts[-20:] if a.id and a.kind != "retract"])
        g.add("retract", {"act": target, "reason": "logged in error"})


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def full(sizes: tuple[int, ...], runs: int) -> dict[int, float]:
    """Median ``analyze`` time per size, ms."""
    out = {}
    for size in sizes:
        acts = negotiation(size, seed=size)
        analyze(acts)  # warm caches (playbook)
        out[size] = statistics.median(timed(analyze, acts) for _ in range(runs))
    return out


def incremental(size: int, extra: int) -> dict[str, float]:
    """Cost of one more meeting act on an ``Analyzer`` holding ``size`` acts, ms."""
    acts = negotiation(size + extra, seed=size + 1)
    base, more = acts[:size], [a for a in acts[size:] if a.kind != "retract"]
    a = Analyzer().extend(base)
    add_only, add_result = [], []
    for n, act in enumerate(more):
        if n % 2:
            add_only.append(timed(a.add, act))
        else:
            start = time.perf_counter()
            a.add(act)
            a.result()
            add_result.append((time.perf_counter() - start) * 1000)
    retract = Act(len(acts) + 1, 1, 1, "r-bench", "retract", LEAD, "lead", acts[-1].at,
                  {"act": next(x.id for x in reversed(more) if x.id), "reason": "bench"})
    return {"add_median": statistics.median(add_only), "add_p95": percentile(add_only, 0.95),
            "add_result_median": statistics.median(add_result),
            "add_result_p95": percentile(add_result, 0.95),
            "retract_rebuild": timed(a.add, retract), "acts": len(a.acts)}


def main(argv: list[str] | None = None) -> int:
    """Run and print the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    runs, extra = (3, 200) if args.quick else (7, 1000)
    totals = full((1000, 10000), runs)
    inc = incremental(10000, extra)
    print(f"analysis benchmark (Python {sys.version.split()[0]}); times in ms")
    for size, ms in totals.items():
        goal = f"  (goal ≤ {GOAL_FULL_10K_MS:.0f})" if size == 10000 else ""
        print(f"analyze({size:>5} acts), median of {runs}: {ms:8.1f}{goal}")
    print(f"one more act on a {inc['acts']}-act Analyzer (goal ≤ {GOAL_ADD_MS:.0f}):")
    print(f"  add()            median {inc['add_median']:.3f}  p95 {inc['add_p95']:.3f}")
    print(f"  add() + result() median {inc['add_result_median']:.3f}  "
          f"p95 {inc['add_result_p95']:.3f}")
    print(f"  a retraction (full rebuild fallback): {inc['retract_rebuild']:.1f}")
    missed = totals[10000] > GOAL_FULL_10K_MS or inc["add_result_p95"] > GOAL_ADD_MS
    if missed:
        print("GOAL MISSED")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
