"""Room-safe toggle on a 10k-act meeting, printed beside a floor measured in the same run.

Caucus: ``MainWindow.set_room_safe(on)`` on the lead's window at 1440×900 (the public view's
snapshot, the room view drawn from it, the lead's line lent and taken back, the window switched),
then the events it posted run until the page now shown has been laid out and painted
(``processEvents``; a paint counter on the page checks that it was). Floor: a bare
``QMainWindow`` of the same size whose central ``QStackedWidget`` switches between two empty
pages, timed the same way. Goal: ≤ 50 ms per toggle.

The first toggle builds the room view (once per window); it is printed on its own.

Usage: python benchmarks/bench_roomsafe.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from PySide6.QtCore import QEvent, QObject  # noqa: E402 - after QT_QPA_PLATFORM is set

SIZE = (1440, 900)
GOAL_MS = 50.0


def stats(samples_ms: list[float]) -> str:
    """Median and p95 of a list of milliseconds."""
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   (n={len(ordered)})"


class Paints(QObject):
    """Counts the paint events of the widgets it watches."""

    def __init__(self, *widgets):
        super().__init__()
        self.count = 0
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, _obj, event) -> bool:  # noqa: N802 - Qt naming
        self.count += event.type() == QEvent.Type.Paint
        return False


def timed(app, stack, paints: Paints, action) -> float:
    """Milliseconds for ``action()`` and the events it posts, up to the shown page's paint."""
    before = paints.count
    t0 = time.perf_counter()
    action()
    app.processEvents()
    spent = (time.perf_counter() - t0) * 1000
    assert paints.count > before, "the page was not painted"
    return spent


def lead_window(app, path: Path, negotiation: int):
    """(workspace, the lead's window shown at ``SIZE`` and drawn, room-safe off)."""
    from app.workspace import Workspace
    from ui.main import open_window

    ws = Workspace(path)
    window = open_window(ws, negotiation, "Dana Whitfield", "lead", room_safe=False)
    window.resize(*SIZE)
    window.show()
    for _ in range(5):
        app.processEvents()
    return ws, window


def bench_caucus(app, path: Path, negotiation: int, toggles: int) -> tuple[list, list]:
    """(toggles on, toggles off) in ms, on the lead's window (its room view already built)."""
    ws, window = lead_window(app, path, negotiation)
    paints = Paints(window.team_page)
    window.set_room_safe(True, remember=False)  # builds the room view, then watches it too
    app.processEvents()
    window.set_room_safe(False, remember=False)
    app.processEvents()
    paints = Paints(window.team_page, window.room)
    on, off = [], []
    for _ in range(toggles):
        on.append(timed(app, window.pages, paints,
                        lambda: window.set_room_safe(True, remember=False)))
        off.append(timed(app, window.pages, paints,
                         lambda: window.set_room_safe(False, remember=False)))
    assert len(window.session.acts) >= 10_000
    window.close()
    ws.close()
    return on, off


def bench_first(app, path: Path, negotiation: int) -> float:
    """The first toggle on of a fresh window (ms): it builds the room view."""
    ws, window = lead_window(app, path, negotiation)
    t0 = time.perf_counter()
    window.set_room_safe(True, remember=False)
    app.processEvents()
    first = (time.perf_counter() - t0) * 1000
    window.close()
    ws.close()
    return first


def bench_floor(app, toggles: int) -> list[float]:
    """A bare stacked-widget switch + repaint of a same-size window (ms)."""
    from PySide6.QtWidgets import QMainWindow, QStackedWidget, QWidget

    window = QMainWindow()
    stack = QStackedWidget()
    pages = [QWidget(), QWidget()]
    for page in pages:
        stack.addWidget(page)
    window.setCentralWidget(stack)
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    paints = Paints(*pages)
    out = []
    for n in range(1, 2 * toggles + 1):  # page 0 shows first: start with page 1
        out.append(timed(app, stack, paints, lambda n=n: stack.setCurrentWidget(pages[n % 2])))
    window.close()
    return out


def main() -> None:
    """Make a 10k-act meeting, toggle room-safe on the lead's window, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    toggles = 10 if args.quick else 40
    from bench_ui import make_workspace
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        ws, negotiation = make_workspace(Path(tmp) / "big.caucus", acts=10_000)
        path = ws.path
        ws.close()
        floor = bench_floor(app, toggles)
        on, off = bench_caucus(app, path, negotiation, toggles)
        first = bench_first(app, path, negotiation)
    print("room-safe toggle on a 10k-act meeting (lead's window, 1440x900, switch + layout + "
          "paint)")
    print(f"   first toggle on (builds the room view)  {first:6.2f} ms")
    print(f"   toggle on   {stats(on)}")
    print(f"   toggle off  {stats(off)}")
    print(f"   floor: bare QStackedWidget switch       {stats(floor)}")
    worst = max(statistics.median(on), statistics.median(off))
    verdict = "PASS" if worst <= GOAL_MS else "MISS"
    print(f"   goal: <= {GOAL_MS:.0f} ms per toggle -> {worst:.2f} ms (median) {verdict}")


if __name__ == "__main__":
    main()
