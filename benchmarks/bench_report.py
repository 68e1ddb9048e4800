"""Benchmark of the review: the PDF report of a 2,000-act meeting, and scrubbing a 100k-act replay.

    python benchmarks/bench_report.py            # full run
    python benchmarks/bench_report.py --quick    # a 20k-act replay, fewer steps
    python benchmarks/bench_report.py --strict   # exit 1 when a goal is missed

1. **Replay.** ``Replay`` over 100,000 acts generated in memory (``bench_analysis``'s journal:
   six issues, retractions included): building it, building every checkpoint (``warm``), then
   ``at(k)`` for steps of +1 and −1 from the middle and for random jumps (median, p95, max;
   goal: a ±1 step ≤ 10 ms at the 95th percentile), and the process's peak RSS
   (``ru_maxrss``) with only the acts in memory, after ``warm`` and at the end. Run first, so
   that the report's memory does not blur these.
2. **Report.** A workspace gets the example's preparation and one meeting of 2,000 acts, logged
   through the services in one ``ws.unit()`` transaction: offers of both sides on one to three
   issues converging on a deal (asks on most of ours), the observer's tactics and reactions, the
   SME's notes, approval requests and answers, tentative agreements, phases, the odd undo, and a
   final agreement. Timed: ``write_pdf`` (goal ≤ 5 s) and ``write_csv`` of that journal, read
   from the file as the CLI does.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))  # run from a checkout even when caucus is not installed

from bench_analysis import ISSUES, Table, negotiation  # noqa: E402

from app import scenario  # noqa: E402
from app.domain import KNOWN_TACTICS  # noqa: E402
from app.enrolment import enrol_team_here  # noqa: E402
from app.report import write_csv, write_pdf  # noqa: E402
from app.review import Replay  # noqa: E402
from app.workspace import Workspace  # noqa: E402

GOAL_PDF_S = 5.0
GOAL_STEP_MS = 10.0
EXAMPLE = ROOT / "tests" / "fixtures" / "corrugated-2027.json"
LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"


def build_meeting(ws: Workspace, size: int, seed: int = 11) -> int:
    """The example's preparation and one meeting of about ``size`` acts; the negotiation id."""
    data = scenario.load(EXAMPLE)
    del data["meetings"]
    rng = random.Random(seed)
    table = Table(rng)
    at = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    requests: list[str] = []
    with ws.unit(auto_ids=False) as unit:
        n = scenario.import_scenario(unit, data)
    enrol_team_here(ws, n)  # each member signs with their own key (bench_keys' keychain)
    with ws.unit() as unit:
        unit.start_meeting(n, LEAD, "Round 1", at=at)
        for count in range(size - 1):  # and the final agreement: `size` meeting acts
            at += timedelta(seconds=rng.randint(4, 40))
            r = rng.random()
            if r < 0.55:
                side = "us" if rng.random() < 0.5 else "them"
                unit.log(n, LEAD, "offer", table.offer(side), at=at)
            elif r < 0.62:
                unit.log(n, OBSERVER, "tactic", {"tactic": rng.choice(KNOWN_TACTICS),
                                                 "note": "as expected"}, at=at)
            elif r < 0.72:
                unit.log(n, OBSERVER, "reaction", {"tag": rng.choice(
                    ("flinch", "interest", "silence", "frustration")), "note": "seen"}, at=at)
            elif r < 0.82:
                unit.log(n, SME, "note", {"text": f"Index moved {rng.randint(-5, 5)}% (#{count})",
                                          "topic": rng.choice(("fact", "claim", "question"))},
                         at=at)
            elif r < 0.85:
                value = format(Decimal("0.86") + Decimal(rng.randint(1, 4)) / 100, "f")
                act = unit.log(n, LEAD, "approval_request", {"issue": "price", "value": value,
                                                             "note": "room to close"}, at=at)
                requests.append(act.id)
            elif r < 0.87 and requests:
                unit.log(n, APPROVER, "approval", {"request": requests.pop(),
                                                   "granted": rng.random() < 0.7}, at=at)
            elif r < 0.90:
                key = rng.choice(list(ISSUES))
                unit.log(n, LEAD, "agreement", {"terms": {key: format(
                    table.pos["them"][key], "f")}, "final": False}, at=at)
            elif r < 0.995:
                unit.log(n, LEAD, "phase", {"phase": rng.choice(
                    ("exploring", "bargaining", "caucus"))}, at=at)
            else:
                unit.undo(n, LEAD)
        final = {k: format(table.pos["them"][k], "f") for k in ISSUES}
        unit.log(n, LEAD, "agreement", {"terms": final, "final": True}, at=at)
        unit.end_meeting(n, LEAD, at=at)
    return n


def bench_report(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        from bench_keys import use_file_keychain

        use_file_keychain(folder)
        with Workspace(Path(folder) / "bench.caucus") as ws:
            return _timed_report(ws, folder, size)


def _timed_report(ws: Workspace, folder: str, size: int) -> dict[str, float]:
    """Build the meeting, then time reading it and writing each report."""
    n = build_meeting(ws, size)
    start = time.perf_counter()
    acts = ws.acts(n)
    read = time.perf_counter() - start
    start = time.perf_counter()
    write_pdf(Path(folder) / "report.pdf", acts)
    pdf = time.perf_counter() - start
    start = time.perf_counter()
    write_pdf(Path(folder) / "safe.pdf", acts, room_safe=True)
    safe = time.perf_counter() - start
    start = time.perf_counter()
    write_csv(Path(folder) / "journal.csv", acts)
    csv_s = time.perf_counter() - start
    kb = (Path(folder) / "report.pdf").stat().st_size / 1024
    return {"acts": len(acts), "read": read, "pdf": pdf, "safe": safe, "csv": csv_s, "kb": kb}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def stats(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = percentile(ms, 0.95)
    return f"median {statistics.median(ms):7.2f}  p95 {p95:7.2f}  max {ms[-1]:7.2f}"


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def bench_replay(size: int, steps: int) -> dict[str, object]:
    acts = negotiation(size, seed=7)
    before = rss_mb()
    start = time.perf_counter()
    replay = Replay(acts)
    built = time.perf_counter() - start
    warm = timed(replay.warm)
    after_warm = rss_mb()
    k = size // 2
    replay.at(k)
    forward, back = [], []
    for _ in range(steps):
        k += 1
        forward.append(timed(replay.at, k))
    for _ in range(steps):
        k -= 1
        back.append(timed(replay.at, k))
    rng = random.Random(3)
    jumps = [timed(replay.at, rng.randint(0, size)) for _ in range(steps)]
    retracts = sum(a.kind == "retract" for a in acts)
    return {"acts": size, "retracts": retracts, "chains": len(replay._starts), "built": built,
            "warm": warm, "forward": forward, "back": back, "jumps": jumps,
            "rss_acts": before, "rss_warm": after_warm, "rss_end": rss_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 20k-act replay, fewer steps")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    print(f"review benchmark (Python {sys.version.split()[0]})")
    size, steps = (20_000, 100) if args.quick else (100_000, 300)
    r = bench_replay(size, steps)
    print(f"1. Replay of {r['acts']} acts ({r['retracts']} retractions, {r['chains']} chains)")
    print(f"   Replay(acts) {r['built'] * 1000:.0f} ms; warm() {r['warm'] * 1000:.0f} ms")
    print(f"   at(k+1)  {stats(r['forward'])}  ms over {steps} steps")
    print(f"   at(k-1)  {stats(r['back'])}  ms over {steps} steps")
    print(f"   at(rand) {stats(r['jumps'])}  ms over {steps} jumps")
    print(f"   peak RSS: {r['rss_acts']:.0f} MB with the acts in memory, "
          f"{r['rss_warm']:.0f} MB after warm(), {r['rss_end']:.0f} MB at the end")
    rep = bench_report(2000)
    print(f"2. report of a {rep['acts']}-act negotiation (one meeting of 2000 acts)")
    print(f"   read the journal        {rep['read'] * 1000:8.0f} ms")
    print(f"   write_pdf               {rep['pdf'] * 1000:8.0f} ms   ({rep['kb']:.0f} KiB; "
          f"goal <= {GOAL_PDF_S:.0f} s)")
    print(f"   write_pdf room-safe     {rep['safe'] * 1000:8.0f} ms")
    print(f"   write_csv               {rep['csv'] * 1000:8.0f} ms")
    step_ms = max(percentile(r["forward"], 0.95), percentile(r["back"], 0.95)) * 1000
    missed = rep["pdf"] > GOAL_PDF_S or step_ms > GOAL_STEP_MS
    print("GOAL MISSED" if missed else "goals met: PDF <= 5 s, ±1 step p95 <= 10 ms")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())
