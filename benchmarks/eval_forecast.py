"""Evaluate the resistance-point forecast on synthetic supplier concession sequences.

Each case is one issue with range 1 (our opening 0, walk-away 1, lower is better, as for a price).
The supplier opens at ``s = r + span`` above their resistance point ``r`` and concedes toward it:

* ``shrinking``: each offer closes part of the remaining gap to ``r``, leaving ``ρ·ε`` of it
  (``ρ`` ~ U(0.3, 0.75), ``ε`` log-normal noise, sd 0.25), so concessions shrink geometrically;
* ``boulware`` / ``linear`` / ``conceder``: Faratin–Sierra–Jennings (1998) time-dependent tactics,
  ``offer(t) = s − span·t^(1/e)`` with e = 0.2, 1, 2 and ``t = k/(N−1)`` for a deadline of N
  offers, N ~ U{8..14}.

FSJ concessions are multiplied by log-normal noise (sd 0.25); offers are rounded to 0.0001. We
observe their first 3 to 6 offers, while our own position has moved from 0 toward a target
(``τ·(1−q^k)``). The truth is the best value for us they would accept, ``r``, but no better for us
than our current position (we will not end better than we ask) — the quantity the forecast aims
at. Printed per family: median |error| (share of range) of the forecast and of two baselines (their
last offer; midpoint of both positions), the forecast/last-offer error ratio, the 80% interval's
coverage and median width, and how often the signal was judged weak.

Held out (not run while the forecast was tuned; figures printed after a rule):
* ``stepwise``: holds for one or two offers, then a step (a burst), toward ``r``;
* ``slow``: shrinking, but slowly (``ρ`` ~ U(0.75, 0.92));
* ``late``: the FSJ conceder seen early in a long meeting (N ~ U{16..30});
* ``beyond``: shrinking, with ``r`` ~ U(0.8, 1.4) — often past our walk-away.

The ``ALL`` rows pool every case of the families above them (median errors over the pool).
Tuning uses ``--seed 101``; the default seed 2027 was not looked at while tuning.

Usage: ``python benchmarks/eval_forecast.py [--n 2000] [--seed 2027]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.analysis.forecast import forecast  # noqa: E402
from app.domain import Issue  # noqa: E402

FAMILIES = {"shrinking": None, "boulware": 0.2, "linear": 1.0, "conceder": 2.0}
HELD_OUT = ("stepwise", "slow", "late", "beyond")
ISSUE = Issue("price", "lower", Decimal("0"), Decimal("0.5"), Decimal("1"))
TICK = Decimal("0.0001")
NOISE_SD = 0.25


@dataclass
class Case:
    """One synthetic observation: their offers, our position and the truth."""

    theirs: list[Decimal]
    ours: Decimal
    truth: float


def make_case(rng: random.Random, family: str) -> Case:
    """Draw one case of a family."""
    r = rng.uniform(0.8, 1.4) if family == "beyond" else rng.uniform(0.2, 1.0)
    span = rng.uniform(0.3, 0.9)
    m = rng.randint(3, 6)
    steps = _concessions(rng, family, span, m - 1)
    offers, x = [], r + span
    for k in range(m):
        if k:
            x -= steps[k - 1]
        offers.append(max(x, r))
    theirs = [Decimal(repr(v)).quantize(TICK) for v in offers]
    tau, q = rng.uniform(0.3, 0.7), rng.uniform(0.4, 0.7)
    ours = Decimal(repr(tau * (1 - q ** (m - 1)))).quantize(TICK)
    truth = min(max(r, float(ours)), float(theirs[-1]))
    return Case(theirs, ours, truth)


def _concessions(rng: random.Random, family: str, span: float, n: int) -> list[float]:
    if family == "stepwise":
        return _stepwise(rng, span, n)
    e = {"slow": None, "beyond": None, "late": 2.0}.get(family, FAMILIES.get(family))
    if e is None:
        low, high = (0.75, 0.92) if family == "slow" else (0.3, 0.75)
        rho, gap, steps = rng.uniform(low, high), span, []
        for _ in range(n):
            new = gap * min(rho * rng.lognormvariate(0, NOISE_SD), 0.95)
            steps.append(gap - new)
            gap = new
        return steps
    deadline = rng.randint(16, 30) if family == "late" else rng.randint(8, 14)
    at = [span * (k / (deadline - 1)) ** (1 / e) for k in range(n + 1)]
    return [(b - a) * rng.lognormvariate(0, NOISE_SD) for a, b in zip(at, at[1:], strict=False)]


def _stepwise(rng: random.Random, span: float, n: int) -> list[float]:
    """Bursts: each offer holds (p = 0.5) or closes 30–70 % of what is left of the span."""
    steps, left = [], span
    for k in range(n):
        if k and rng.random() < 0.5:
            steps.append(0.0)
            continue
        step = left * rng.uniform(0.3, 0.7)
        steps.append(step)
        left -= step
    return steps


def evaluate(n: int, seed: int, families=None) -> dict[str, dict[str, float]]:
    """Run ``n`` cases per family; return the figures per family, and pooled as ``ALL``
    (seen families) and ``ALL held out``."""
    rng = random.Random(seed)
    out, pools = {}, {"ALL": [], "ALL held out": []}
    for family in families or [*FAMILIES, *HELD_OUT]:
        cases = [make_case(rng, family) for _ in range(n)]
        out[family] = figures(cases)
        pools["ALL held out" if family in HELD_OUT else "ALL"].extend(cases)
    out.update({name: figures(cases) for name, cases in pools.items() if cases})
    return out


def figures(cases: list[Case]) -> dict[str, float]:
    """Median errors (forecast, last offer, midpoint), their ratio, coverage and width."""
    errs, last, mid, hits, widths, weak, strong_hits = [], [], [], 0, [], 0, 0
    n = len(cases)
    for case in cases:
        f = forecast(ISSUE, case.theirs, case.ours)
        est, low, high = float(f["estimate"]), float(f["low"]), float(f["high"])
        errs.append(abs(est - case.truth))
        last.append(abs(float(case.theirs[-1]) - case.truth))
        mid.append(abs((float(case.theirs[-1]) + float(case.ours)) / 2 - case.truth))
        hit = low <= case.truth <= high
        hits += hit
        widths.append(high - low)
        weak += f["signal"] == "weak"
        strong_hits += hit and f["signal"] != "weak"
    e, b = statistics.median(errs), statistics.median(last)
    return {"forecast": e, "last_offer": b, "midpoint": statistics.median(mid),
            "ratio": e / b if b else float("nan"), "coverage": hits / n,
            "width": statistics.median(widths), "weak": weak / n,
            "coverage_shown": strong_hits / (n - weak) if n > weak else float("nan")}


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="cases per family")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)
    results = evaluate(args.n, args.seed)
    print(f"forecast evaluation: {args.n} cases per family, seed {args.seed}; "
          "errors are median |error| as a share of the issue's range")
    head = ("family", "forecast", "last offer", "midpoint", "fc/last", "coverage", "width",
            "weak", "cov(not weak)")
    print("{:<12} {:>9} {:>10} {:>9} {:>8} {:>9} {:>7} {:>6} {:>14}".format(*head))
    for family, r in results.items():
        if family in ("stepwise", "ALL"):
            print("-" * 92)
        print(f"{family:<12} {r['forecast']:>9.4f} {r['last_offer']:>10.4f} "
              f"{r['midpoint']:>9.4f} {r['ratio']:>8.2f} {r['coverage']:>8.1%} "
              f"{r['width']:>7.3f} {r['weak']:>5.0%} {r['coverage_shown']:>13.1%}")
    print("fc/last: forecast error over the last-offer baseline's; coverage: share of cases whose "
          "truth lies in [low, high]; weak: the data showed no shrinking pattern, so the interval "
          "is the whole window between their last offer and our position")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
