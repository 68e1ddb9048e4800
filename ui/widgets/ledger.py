"""The give/get ledger: every conceding offer of ours, what it gave, what it asked, and whether
they moved in return. Rows come from the analysis' ``ledger``; a click names the act."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.domain import Preparation
from ui import theme
from ui.widgets.common import terms_text

COLUMNS = ("Act", "We gave", "We asked", "They moved?")
REF_ROLE = Qt.ItemDataRole.UserRole


def gives_text(gives: dict) -> str:
    """``price 25 % · term 25 %`` (shares of our range)."""
    return " · ".join(f"{k} {round(v * 100)} %" for k, v in gives.items())


def asks_text(asks: dict | None, prep: Preparation) -> str:
    """What we asked in return, with units; a warning text when nothing was asked."""
    return terms_text(prep, asks) if asks else "nothing asked"


#: Rows shown: the meeting needs the recent trades; Review and the report hold the whole ledger.
ROW_LIMIT = 200


class LedgerTable(QTableWidget):
    """The ledger, newest first. ``act_picked(ref)`` when a row is clicked."""

    act_picked = Signal(object)

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        head = self.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.cellClicked.connect(lambda row, _c: self.act_picked.emit(
            self.item(row, 0).data(REF_ROLE)))

    def show_ledger(self, ledger: list[dict], prep: Preparation) -> None:
        """Fill from the analysis' ``ledger`` rows (the newest ``ROW_LIMIT``, newest first)."""
        shown = ledger[-ROW_LIMIT:]
        self.setRowCount(len(shown))
        for row, entry in enumerate(reversed(shown)):
            reciprocated = bool(entry.get("reciprocated"))
            cells = (str(entry.get("act")), gives_text(entry.get("gives") or {}),
                     asks_text(entry.get("asks"), prep), "yes" if reciprocated else "no")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(REF_ROLE, entry.get("act"))
                if col == 1:
                    item.setForeground(QBrush(theme.color(theme.OURS)))
                if (col == 2 and not entry.get("asks")) or (col == 3 and not reciprocated):
                    item.setForeground(QBrush(theme.color(theme.WARNING)))
                self.setItem(row, col, item)
        self.resizeRowsToContents()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.resizeRowsToContents()  # wrapped cells grow with the new column widths

    def texts(self) -> list[str]:
        """Every cell's text, row by row."""
        return [self.item(r, c).text() for r in range(self.rowCount())
                for c in range(self.columnCount())]
