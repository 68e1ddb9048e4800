"""Helpers shared by the UI tests: the example imported into a workspace file, and a main window
shown offscreen. (The fixtures they go with — ``config_dir`` — live in ``conftest``.)"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from app import scenario
from app.enrolment import enrol_team_here
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
    """Import ``data`` into ``ws`` as one unit, and enrol its team with keys of the test's
    keychain (as the demo does); the negotiation's id."""
    with ws.unit(auto_ids=False) as unit:
        negotiation = scenario.import_scenario(unit, data)
    enrol_team_here(ws, negotiation)
    return negotiation


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


def readable_texts(root, chart_shown: Callable[[Any], bool] = lambda w: True,
                   drawn_only: bool = False) -> list[str]:
    """Every text a person could read in ``root``'s widget tree, each on its own: labels,
    buttons, lines and text boxes (and their placeholders), combo, list, table and tree items,
    tooltips, the labels of chart lines (of the charts ``chart_shown`` accepts) and, for a main
    window, its title, status line and menu actions.

    ``drawn_only``: only what is drawn now (widgets shown, dialogs open), as a person reads it —
    rich text as its plain text, text boxes, the titles of dialogs, and on charts also the axis
    captions and any legend or text item."""
    import pyqtgraph as pg
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QDialog,
        QLabel,
        QLineEdit,
        QListWidget,
        QMainWindow,
        QPlainTextEdit,
        QTableWidget,
        QTextEdit,
        QTreeWidget,
        QWidget,
    )

    out: list[str] = []
    if isinstance(root, QMainWindow):
        out += [root.windowTitle(), root.statusBar().currentMessage()]
        out += [t for a in root.findChildren(QAction) for t in (a.text(), a.toolTip())]
    for w in [root, *root.findChildren(QWidget)]:
        if drawn_only and not w.isVisible():
            continue
        out.append(w.toolTip())
        if drawn_only:
            out += _drawn_texts(w, pg, QLabel, QTextEdit, QDialog)
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QLineEdit):
            out += [w.text(), w.placeholderText()]
        elif isinstance(w, QPlainTextEdit):
            out += [w.toPlainText(), w.placeholderText()]
        elif isinstance(w, QComboBox):
            out += [w.itemText(n) for n in range(w.count())]
        elif isinstance(w, QListWidget):
            out += [t for n in range(w.count()) for t in (w.item(n).text(), w.item(n).toolTip())]
        elif isinstance(w, QTableWidget):
            cells = [w.item(r, c) for r in range(w.rowCount()) for c in range(w.columnCount())]
            out += [t for item in cells if item is not None for t in (item.text(), item.toolTip())]
        elif isinstance(w, QTreeWidget):
            items = [w.topLevelItem(n) for n in range(w.topLevelItemCount())]
            while items:
                item = items.pop()
                items += [item.child(n) for n in range(item.childCount())]
                out += [t for c in range(w.columnCount()) for t in (item.text(c), item.toolTip(c))]
        if isinstance(w, pg.PlotWidget) and chart_shown(w):
            out += [item.label.toPlainText() for item in w.getPlotItem().items
                    if isinstance(item, pg.InfiniteLine) and item.isVisible() and item.label]
    return [t for t in out if t]


def _drawn_texts(w, pg, label_type, text_edit_type, dialog_type) -> list[str]:
    """What ``readable_texts(drawn_only=True)`` adds for one widget: plain text of rich labels,
    text boxes, dialog titles, chart axis captions, legends and text items."""
    from PySide6.QtGui import Qt, QTextDocumentFragment  # QtGui's Qt has mightBeRichText

    out: list[str] = []
    if isinstance(w, label_type) and (w.textFormat() == Qt.TextFormat.RichText
                                      or Qt.mightBeRichText(w.text())):
        out.append(QTextDocumentFragment.fromHtml(w.text()).toPlainText())
    if isinstance(w, text_edit_type):
        out.append(w.toPlainText())
    if isinstance(w, dialog_type):
        out.append(w.windowTitle())
    if isinstance(w, pg.PlotWidget):
        item = w.getPlotItem()
        for name in ("left", "bottom", "right", "top"):
            axis = item.getAxis(name)
            if axis.isVisible() and axis.label.isVisible():
                out.append(axis.label.toPlainText())
        for thing in item.items + item.vb.addedItems:
            if isinstance(thing, pg.TextItem) and thing.isVisible():
                out.append(thing.textItem.toPlainText())
        if item.legend is not None and item.legend.isVisible():
            out += [label.text for _sample, label in item.legend.items]
    return out
