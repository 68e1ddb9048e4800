"""Console benchmarks, each printed beside its floor measured in the same run.

1. Sync: an act logged by another process (``Workspace.log``) → this process's UI model (the
   ``Session`` of the console) has it and has signalled ``acts_added``. Floor: a raw ``sqlite3``
   insert in another process → a raw connection polling ``PRAGMA data_version`` at the same
   interval sees the row. Goal: p95 ≤ 15 ms.
2. Cold start: ``caucus --smoke --workspace W`` (imports, opens the file, reads and analyses 10k
   acts, builds and draws the lead's window, exits) against
   ``python -c "import PySide6.QtWidgets, pyqtgraph, sqlmodel"``. Goal: ≤ 1.5× the floor.

Usage: python benchmarks/bench_ui.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEAM = [("Dana Whitfield", "lead"), ("Oli Park", "observer")]
ISSUE = {"key": "price", "unit": "EUR/box", "better": "lower",
         "opening": "0.78", "target": "0.84", "walk_away": "0.90"}

WRITER = r"""
import sys, time, random
from app.workspace import Workspace
ws = Workspace(sys.argv[1]); n = int(sys.argv[2]); count = int(sys.argv[3])
sys.stdout.write("ready\n"); sys.stdout.flush(); sys.stdin.readline()
out = []
for i in range(count):
    time.sleep(random.uniform(0.015, 0.030))
    t0 = time.monotonic_ns()
    act = ws.log(n, "Oli Park", "reaction", {"tag": "flinch"})
    out.append(f"{act.id} {t0}")
print("\n".join(out)); sys.stdout.flush()
"""

RAW_WRITER = r"""
import sqlite3, sys, time, random
db = sqlite3.connect(sys.argv[1], isolation_level=None); count = int(sys.argv[2])
db.execute("PRAGMA synchronous=NORMAL"); db.execute("PRAGMA busy_timeout=5000")
sys.stdout.write("ready\n"); sys.stdout.flush(); sys.stdin.readline()
out = []
for i in range(count):
    time.sleep(random.uniform(0.015, 0.030))
    t0 = time.monotonic_ns()
    db.execute("BEGIN IMMEDIATE")
    cur = db.execute("INSERT INTO t (payload) VALUES (?)", ('{"tag":"flinch"}',))
    db.execute("COMMIT")
    out.append(f"{cur.lastrowid} {t0}")
print("\n".join(out)); sys.stdout.flush()
"""


def stats(samples_ms: list[float]) -> str:
    """Median and p95 of a list of milliseconds."""
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   (n={len(ordered)})"


def make_workspace(path: Path, acts: int = 0):
    """A workspace with one negotiation, its team and ``acts`` reactions/offers already logged."""
    from app.enrolment import enrol_team_here
    from app.workspace import Workspace

    ws = Workspace(path)
    lead = TEAM[0][0]
    n = ws.create_negotiation({"title": "Bench", "supplier": "Acme", "currency": "EUR"}, lead)
    ws.set_issue(n, lead, ISSUE)
    ws.set_member(n, lead, {"name": TEAM[1][0], "role": TEAM[1][1]})
    enrol_team_here(ws, n)  # the writer process signs as Oli with Oli's key (bench_keys)
    with ws.unit() as unit:
        for i in range(acts):
            if i % 3 == 0:
                side = "them" if i % 2 else "us"
                price = f"{0.78 + (i % 100) / 1000:.3f}" if side == "us" else \
                    f"{0.97 - (i % 100) / 1000:.3f}"
                unit.log(n, lead, "offer", {"side": side, "terms": {"price": price}})
            else:
                unit.log(n, TEAM[1][0], "reaction", {"tag": "interest"})
    return ws, n


def spawn(script: str, *args: str) -> subprocess.Popen:
    """A writer process, started and waiting for a line on stdin."""
    proc = subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def bench_sync_ui(folder: Path, count: int) -> list[float]:
    """Other process's Workspace.log → this process's Session has it (ms per act)."""
    from PySide6.QtWidgets import QApplication

    from ui.session import POLL_MS, Session

    app = QApplication.instance() or QApplication([])
    ws, n = make_workspace(folder / "sync.caucus")
    session = Session(ws, n, TEAM[0][0], "lead")
    seen: dict[str, int] = {}
    session.acts_added.connect(
        lambda acts: seen.update({a.id: time.monotonic_ns() for a in acts if a.id}))
    session.start()
    proc = spawn(WRITER, str(ws.path), str(n), str(count))
    proc.stdin.write("go\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.0005)
    out, _ = proc.communicate(timeout=30)
    session.close()
    ws.close()
    print(f"   (console poll interval: {POLL_MS} ms)")
    sent = dict(line.split() for line in out.strip().splitlines())
    return [(seen[k] - int(t0)) / 1e6 for k, t0 in sent.items() if k in seen]


def bench_sync_raw(folder: Path, count: int, interval_ms: float) -> list[float]:
    """Raw sqlite3 insert in another process → a data_version poller here sees it (ms)."""
    path = folder / "raw.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
    proc = spawn(RAW_WRITER, str(path), str(count))
    version = db.execute("PRAGMA data_version").fetchone()[0]
    last, seen = 0, {}
    proc.stdin.write("go\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        time.sleep(interval_ms / 1000)
        now = db.execute("PRAGMA data_version").fetchone()[0]
        if now != version:
            version = now
            for (rowid,) in db.execute("SELECT id FROM t WHERE id > ?", (last,)):
                seen[str(rowid)] = time.monotonic_ns()
                last = rowid
    out, _ = proc.communicate(timeout=30)
    db.close()
    sent = dict(line.split() for line in out.strip().splitlines())
    return [(seen[k] - int(t0)) / 1e6 for k, t0 in sent.items() if k in seen]


def wall(cmd: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of a command, ``runs`` times."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return times


def bench_cold_start(folder: Path, runs: int) -> tuple[float, float]:
    """Median seconds: smoke start on 10k acts, and the bare import floor."""
    ws, _ = make_workspace(folder / "big.caucus", acts=10_000)
    path = str(ws.path)
    ws.close()
    floor = wall([sys.executable, "-c", "import PySide6.QtWidgets, pyqtgraph, sqlmodel"], runs)
    start = wall([sys.executable, "-m", "ui.launcher", "--smoke", "--workspace", path], runs)
    return statistics.median(start), statistics.median(floor)


def main() -> None:
    """Run every benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    count, runs = (60, 3) if args.quick else (300, 7)
    from ui.session import POLL_MS

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        from bench_keys import use_file_keychain

        use_file_keychain(folder)
        print("1. another process logs an act -> this process's UI model has it")
        print(f"   console (Session)      {stats(bench_sync_ui(folder, count))}")
        print(f"   raw floor ({POLL_MS} ms poll) {stats(bench_sync_raw(folder, count, POLL_MS))}")
        print("   goal: p95 <= 15 ms")
        start, floor = bench_cold_start(folder, runs)
        print("2. cold start to a drawn main window, 10k acts")
        print(f"   caucus --smoke         median {start:6.3f} s")
        print(f"   import floor           median {floor:6.3f} s")
        print(f"   ratio                  {start / floor:6.2f}x   (goal <= 1.5x)")


if __name__ == "__main__":
    main()
