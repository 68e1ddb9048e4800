"""Readiness: the guide's pre-negotiation checklist as a live list with a score; each missing entry
jumps to where it is filled in. Also the confirmation before starting a meeting unprepared."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QLabel, QMessageBox, QProgressBar, QTreeWidget, QTreeWidgetItem

from app.analysis import readiness
from app.prepare import Place, locate
from ui import theme
from ui.prepare.section import Section

PLACE = Qt.ItemDataRole.UserRole
#: The checklist's items in the guide's words (``app.analysis.readiness`` item → title).
TITLES = {
    "market": "Know the market: benchmark and should-cost",
    "positions": "Our three positions: opening, target, walk-away",
    "batna": "BATNA: ours built, theirs estimated",
    "levers": "Trades stocked beyond price",
    "team": "Team aligned on roles and authority",
    "plan": "Concession plan agreed",
}


class ReadinessSection(Section):
    """Score, checklist, and the missing entries as links."""

    name = "readiness"
    title = "Readiness"
    intro = ("The pre-negotiation checklist. Whatever is still open here is the to-do list "
             "before we engage — double-click (or Enter on) an open entry to go and fill it in.")

    def build(self) -> None:
        self.score = QLabel()
        self.score.setFont(theme.scaled_font(self.font(), 1.6, bold=True))
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(self.fontMetrics().height() // 2 + 2)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setWordWrap(True)
        self.tree.setFont(theme.scaled_font(self.font(), 1.05))
        self.tree.itemActivated.connect(self._activated)
        self.box.addWidget(self.score)
        self.box.addWidget(self.bar)
        self.box.addWidget(self.tree, 1)

    def refresh(self, *_: object) -> None:
        prep = self.prep
        report = readiness(prep)
        self.report = report
        score = report["score"]
        open_items = [i for i in report["items"] if not i["ok"]]
        self.score.setText(f"Ready: {score} %" + ("" if not open_items else
                                                  f"  —  {len(open_items)} of "
                                                  f"{len(report['items'])} items open"))
        self.score.setProperty("role", "agreed" if not open_items else "warning")
        self.score.style().unpolish(self.score)
        self.score.style().polish(self.score)
        self.bar.setValue(score)
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for item in report["items"]:
            mark = "✓" if item["ok"] else "✗"
            top = QTreeWidgetItem([f"{mark}  {TITLES.get(item['item'], item['item'])}"])
            top.setFont(0, bold)
            colour = theme.AGREED if item["ok"] else theme.WARNING
            top.setForeground(0, QBrush(theme.color(colour)))
            first = Place(item["item"]) if item["ok"] else locate(prep, item["missing"][0])
            top.setData(0, PLACE, None if item["ok"] else first)
            note = QTreeWidgetItem([item["message"]])
            note.setFlags(Qt.ItemFlag.ItemIsEnabled)
            top.addChild(note)
            for missing in item["missing"]:
                place = locate(prep, missing)
                child = QTreeWidgetItem([f"→  {place.text}"])
                child.setData(0, PLACE, place)
                child.setToolTip(0, f"Go to {place.section} to fill it in")
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(not item["ok"])

    def missing_texts(self) -> list[str]:
        """The open entries as listed (for tests and the start confirmation)."""
        out = []
        for n in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(n)
            for c in range(top.childCount()):
                child = top.child(c)
                if child.data(0, PLACE) is not None:
                    out.append(child.data(0, PLACE).text)
        return out

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        place = item.data(0, PLACE)
        if isinstance(place, Place):
            self.jump.emit(place)


def confirm_start(parent, prep, start) -> QMessageBox | None:
    """Before a meeting starts: ``start()`` at once when ready; else a window-modal question
    naming what is missing, which calls ``start()`` only on "Start anyway". Returns the question
    (None when ready). It does not block: the window stays live while it is open."""
    report = readiness(prep)
    open_items = [i for i in report["items"] if not i["ok"]]
    if not open_items:
        start()
        return None
    lines = "\n".join(f"•  {i['message']}" for i in open_items)
    box = QMessageBox(QMessageBox.Icon.Warning, "Start the meeting unprepared?",
                      f"The preparation is {report['score']} % ready. Still missing:\n\n{lines}"
                      "\n\nStart the meeting anyway?",
                      QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton("Start anyway", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("Keep preparing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setObjectName("startUnprepared")
    yes.clicked.connect(start)
    box.open()
    return box
