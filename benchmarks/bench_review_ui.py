"""Benchmark of the Review view on a 100k-act negotiation, beside a bare pyqtgraph floor.

    python benchmarks/bench_review_ui.py                 # 100,000 acts (builds in ~40 s)
    python benchmarks/bench_review_ui.py --acts 20000    # smaller
    python benchmarks/bench_review_ui.py --keep /tmp/review100k.caucus   # reuse the file
    python benchmarks/bench_review_ui.py --strict        # exit 1 when a goal is missed

The workspace: the example's preparation and one meeting of ``--acts`` acts logged through the
services in one ``ws.unit()`` transaction (``bench_report.build_meeting``), built by a child
process, and opened unlocked (the test suite's file-backed keychain, kept beside the workspace)
so that every confidential figure is analysed, as for a team member.

1. **Timeline opens**: ``ReviewView(session)`` built, shown and painted once (``grab``) — the
   timeline of every act and alert, the positions of the end of the meeting; the replay itself is
   then prepared on a worker thread ("replay ready", timed from the same start). Goal ≤ 1.5 s.
   The session (reading and analysing the journal, which the console has done already when the
   view opens) is timed apart.
2. **Scrubbing**: steps of one act in the middle of the meeting, each ``control.seek`` + the
   redraw (``Replay.at`` + positions, scores, lists when changed, one ``setData`` per chart
   series, the timeline cursor) + ``processEvents`` (the paints it posted); median and p95 of
   steps forward onto moments not seen yet, of steps back onto moments not seen yet, and of runs
   of five each way (the way a user rocks the scrubber; the view keeps recent moments). Goal for
   the first two medians ≤ 16 ms.
3. **Peak resident memory** (``ru_maxrss``) after opening and scrubbing (before the floor's
   plots; the workspace was built by another process). Goal ≤ 400 MB.
4. **Floor**, in the same run: a bare ``PlotWidget`` with one ``ScatterPlotItem`` of as many
   points as the timeline draws (construct + ``setData`` + first paint); and, for the record, the
   same points in one item per lane with per-point brushes and symbols (what the timeline avoids
   by one item per lane and mark style).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks", ROOT / "tests" / "fixtures"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

GOAL_OPEN_S = 1.5
GOAL_STEP_MS = 16.0
GOAL_RSS_MB = 400.0
SIZE = (1440, 860)
LEAD = "Dana Whitfield"


def rss_mb() -> float:
    """Peak resident memory of this process so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stats(values_ms: list[float]) -> tuple[float, float]:
    """Median and p95."""
    ordered = sorted(values_ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def keychain(path: Path) -> None:
    """The test suite's file-backed keychain, kept beside the workspace (so that ``--keep``
    reopens it in a later run, and the child that builds it shares it)."""
    os.environ["PYTHON_KEYRING_BACKEND"] = "memory_keyring.FileKeyring"
    os.environ["CAUCUS_TEST_KEYRING"] = str(path.with_suffix(".keyring.json"))
    fixtures = str(ROOT / "tests" / "fixtures")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [fixtures, *filter(None, [os.environ.get("PYTHONPATH")])])
    import keyring
    from memory_keyring import FileKeyring

    keyring.set_keyring(FileKeyring())


def build(path: Path, acts: int) -> None:
    """``--build``: the workspace at ``path`` (run in a child process, so that what building
    costs stays out of the measured process's peak memory)."""
    from bench_report import build_meeting

    from app.workspace import Workspace

    with Workspace(path) as ws:
        build_meeting(ws, acts)


def workspace(path: Path, acts: int):
    """The benchmark's workspace at ``path``: built by a child process unless it holds a
    negotiation already; opened here with the same (file-backed test) keychain."""
    from app.workspace import Workspace

    built_s = 0.0
    if not path.exists():
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build", str(path), "--acts", str(acts)],
                       check=True, env=os.environ.copy())
        built_s = time.perf_counter() - start
    ws = Workspace(path)
    return ws, ws.find(None), built_s


def open_review(app: QApplication, ws, n: int) -> dict:
    """The session, then the view: constructed and painted once; then the replay ready."""
    from ui.review.view import ReviewView
    from ui.session import Session

    start = time.perf_counter()
    session = Session(ws, n, LEAD, "lead")
    session.prep  # noqa: B018 - the window reads it at once: the workspace's state is built
    session_s = time.perf_counter() - start
    session_mb = rss_mb()
    start = time.perf_counter()
    view = ReviewView(session)
    view.resize(*SIZE)
    view.show()
    app.processEvents()
    view.grab()
    open_s = time.perf_counter() - start
    while not view.moments.is_ready:
        app.processEvents()
        time.sleep(0.002)
    ready_s = time.perf_counter() - start
    marks = int(view.timeline.plot.mask.sum())
    return {"session": session, "view": view, "session_s": session_s, "session_mb": session_mb,
            "open_s": open_s,
            "ready_s": ready_s, "marks": marks, "acts": len(session.acts)}


def scrub(app: QApplication, view, steps: int, start: int, direction: int | None) -> list[float]:
    """``steps`` steps of one act from ``start``, each redrawn and painted: all forward (+1), all
    back (-1), or runs of five each way (None: half the moments were just seen)."""
    control = view.control
    control.seek(start)
    view.moments.redraw()
    app.processEvents()
    times = []
    for n in range(steps):
        step = direction or (1 if (n // 5) % 2 == 0 else -1)
        began = time.perf_counter()
        control.seek(control.k + step)
        view.moments.redraw()
        app.processEvents()  # the paint events the redraw posted
        times.append((time.perf_counter() - began) * 1000)
    return times


def floor(app: QApplication, count: int) -> dict:
    """A bare scatter of ``count`` points, and per-point styles in one item per lane."""
    rng = np.random.default_rng(3)
    x = np.sort(rng.random(count) * 5400)
    y = rng.integers(0, 5, count).astype(float)
    start = time.perf_counter()
    bare = pg.PlotWidget()
    item = pg.ScatterPlotItem(size=11)
    bare.addItem(item)
    item.setData(x, y)
    bare.resize(*SIZE)
    bare.show()
    app.processEvents()
    bare.grab()
    bare_s = time.perf_counter() - start
    codes = rng.integers(0, 8, count)
    brushes = np.array([pg.mkBrush(pg.intColor(i, 8)) for i in range(8)], dtype=object)
    symbols = np.array(["o", "s", "t", "d", "p", "h", "star", "+"], dtype=object)
    start = time.perf_counter()
    styled = pg.PlotWidget()
    for lane in range(5):
        pick = y == lane
        lane_item = pg.ScatterPlotItem(size=11)
        styled.addItem(lane_item)
        lane_item.setData(x[pick], y[pick], brush=brushes[codes[pick]],
                          symbol=symbols[codes[pick]])
    styled.resize(*SIZE)
    styled.show()
    app.processEvents()
    styled.grab()
    styled_s = time.perf_counter() - start
    bare.close()
    styled.close()
    return {"bare_s": bare_s, "styled_s": styled_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="build the workspace here (and reuse it)")
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        keychain(args.build)
        build(args.build, args.acts)
        return 0
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="caucus-bench-") as folder:
        path = args.keep or Path(folder) / "review.caucus"
        keychain(path)
        ws, n, built_s = workspace(path, args.acts)
        before = rss_mb()
        if not ws.unlocked:  # (asks the key only: reading the journal here would hide its cost)
            print("the workspace is sealed to this process (its keychain file is missing): "
                  "delete it and run again", file=sys.stderr)
            return 2
        print(f"workspace: {path} ({f'built in {built_s:.1f} s' if built_s else 'reused'})")
        opened = open_review(app, ws, n)
        opened_mb = rss_mb()
        control = opened["view"].control
        middle = (control.lo + control.hi) // 2
        steps = {"forward": scrub(app, opened["view"], args.steps, middle, 1),
                 "back": scrub(app, opened["view"], args.steps, middle - 3 * args.steps, -1),
                 "mixed": scrub(app, opened["view"], args.steps, middle + 2 * args.steps, None)}
        peak = rss_mb()  # before the floor's own plots
        base = floor(app, opened["marks"])
        opened["view"].close()
        opened["session"].close()
        ws.close()
    scrubs = {name: "{:.1f} / {:.1f} ms".format(*stats(times)) for name, times in steps.items()}
    goal = f"goal ≤ {GOAL_STEP_MS} ms, n={args.steps}"
    median = max(stats(steps["forward"])[0], stats(steps["back"])[0])
    rows = [
        ("acts in the journal", f"{opened['acts']:,}", ""),
        ("marks on the timeline (acts + alerts)", f"{opened['marks']:,}", ""),
        ("session: read + analyse (before the view)", f"{opened['session_s']:.2f} s", ""),
        ("timeline opens: construct + first paint", f"{opened['open_s']:.2f} s",
         f"goal ≤ {GOAL_OPEN_S} s"),
        ("  floor: bare PlotWidget + 1 ScatterPlotItem", f"{base['bare_s']:.2f} s",
         "same points, same run"),
        ("  per-point styles, 1 item per lane (avoided)", f"{base['styled_s']:.2f} s", ""),
        ("replay ready (worker thread, from the start)", f"{opened['ready_s']:.2f} s", ""),
        ("scrub +1 (new moments): median / p95",
         scrubs["forward"], goal),
        ("scrub -1 (new moments): median / p95",
         scrubs["back"], goal),
        ("scrub ±1 in runs of 5: median / p95",
         scrubs["mixed"], "half of them revisits (kept moments)"),
        ("peak resident memory", f"{peak:.0f} MB", f"goal ≤ {GOAL_RSS_MB:.0f} MB"),
        ("  before the session", f"{before:.0f} MB", "Python, Qt, pyqtgraph, the file"),
        ("  with the session (journal, analysis, state)", f"{opened['session_mb']:.0f} MB",
         "what the console holds anyway"),
        ("  once the review view was open", f"{opened_mb:.0f} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}   {note}")
    missed = [name for name, ok in (("open", opened["open_s"] <= GOAL_OPEN_S),
                                    ("step", median <= GOAL_STEP_MS),
                                    ("memory", peak <= GOAL_RSS_MB)) if not ok]
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
