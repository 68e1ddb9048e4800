"""Helpers shared by the UI tests: the example imported into a workspace file, and a main window
shown offscreen. (The fixtures they go with — ``config_dir`` — live in ``conftest``.)"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from app import scenario
from app.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "tests" / "fixtures" / "corrugated-2027.json"


def example(cut_after: int | None = None, append: Iterable[dict] = ()) -> Any:
    """The example scenario, its first meeting cut after ``cut_after`` acts and ``append`` acts
    added, its numbers passed once through JSON text (as the UI tests import it)."""
    data = scenario.loads(EXAMPLE.read_text(encoding="utf-8"))
    acts = data["meetings"][0]["acts"]
    if cut_after is not None:
        acts[:] = acts[:cut_after]
    acts.extend(dict(act) for act in append)
    return json.loads(json.dumps(data, default=str), parse_float=Decimal)


def import_into(ws: Workspace, data: Any) -> int:
    """Import ``data`` into ``ws`` as one unit; the negotiation's id."""
    with ws.unit(auto_ids=False) as unit:
        return scenario.import_scenario(unit, data)


def write_workspace(path: Path, data: Any) -> int:
    """A new workspace file at ``path`` holding ``data`` (closed again); the negotiation's id."""
    ws = Workspace(path)
    negotiation = import_into(ws, data)
    ws.close()
    return negotiation


def show_window(qtbot, win, width: int, height: int, wait_ms: int):
    """Show ``win`` (a main window) at ``width``×``height``; qtbot closes it after the test, once
    its session has no write in flight."""
    qtbot.addWidget(win, before_close_func=lambda w: qtbot.waitUntil(
        lambda: w.session._pending == 0, timeout=wait_ms))
    win.resize(width, height)
    win.show()
    qtbot.waitExposed(win)
    return win
