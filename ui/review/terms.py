"""The agreed terms, handed on for the contract: per issue the value agreed (final or tentative)
against our target and walk-away, who agreed it and under which approval
(``app.review.agreed_terms``)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.review import agreed_terms
from ui import theme
from ui.widgets.common import fmt

COLUMNS = ("Issue", "Agreed", "Status", "Our target", "Walk-away", "Against target",
           "Agreed by", "Approval")
VERDICT = {"better": ("better than target", "agreed"), "at": ("at target", "agreed"),
           "worse": ("short of target", "warning")}


def approval_text(row: dict, currency: str | None) -> str:
    """Under which approval the value was agreed (or that none was needed)."""
    approval = row.get("approval")
    if approval:
        value = fmt(approval["value"], row.get("unit"), currency)
        return (f"{approval['by']} approved up to {value} ({approval['approval']}, asked by "
                f"{approval.get('requested_by') or '—'})")
    if row.get("past_authority"):
        return "⚠ past the authority limit, and no approval covers it"
    if row.get("past_authority") is False:
        return "within the agreeing member's authority"
    return "—"


def cells(row: dict, currency: str | None) -> list[tuple[str, str | None]]:
    """(text, colour role) of each column for one issue."""
    unit = row.get("unit")
    if row.get("status") == "open":
        return [(row["label"], None), ("not agreed", "muted"), ("open", "muted"),
                (fmt(row.get("target"), unit, currency), None),
                (fmt(row.get("walk_away"), unit, currency), None),
                ("", None), ("", None), ("", None)]
    verdict, colour = VERDICT.get(row.get("vs_target") or "", ("—", None))
    if row.get("past_walk_away"):
        verdict, colour = "✗ past our walk-away", "breach"
    when = _local(row.get("at"))
    return [(row["label"], None), (fmt(row["value"], unit, currency), "agreed"),
            (row["status"], "agreed" if row["status"] == "final" else "warning"),
            (fmt(row.get("target"), unit, currency), None),
            (fmt(row.get("walk_away"), unit, currency), None),
            (verdict, colour), (f"{row.get('by')} ({row.get('role')}), act {row.get('act')}, "
                                f"{when}", None),
            (approval_text(row, currency), None)]


def _local(iso: str | None) -> str:
    """``2027-03-16T14:30:00Z`` as ``16 Mar 14:30`` in local time."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime(
            "%d %b %H:%M")
    except ValueError:
        return iso


class AgreedTerms(QWidget):
    """The package per issue. ``refresh()`` recomputes it from the session's journal."""

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.rows: list[dict] = []
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setFont(theme.scaled_font(self.font(), 1.15, bold=True))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.setFont(theme.scaled_font(self.font(), 1.15))
        self._bold = theme.scaled_font(self.font(), 1.15, bold=True)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.summary)
        box.addWidget(self.table, 1)

    def refresh(self) -> None:
        """Recompute the rows from the journal and draw them."""
        self.rows = agreed_terms(self.session.acts)
        self.draw()

    def draw(self) -> None:
        """Draw the rows."""
        s = self.session
        prep = s.prep
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, (text, role) in enumerate(cells(row, prep.currency)):
                item = QTableWidgetItem(text)
                if role == "muted":
                    item.setForeground(QBrush(theme.color(theme.muted())))
                elif role:
                    item.setForeground(QBrush(theme.color(role)))
                if c == 1:
                    item.setFont(self._bold)  # what goes into the contract: read first
                if c in (1, 3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeRowsToContents()
        final = [r for r in self.rows if r["status"] == "final"]
        tentative = [r for r in self.rows if r["status"] == "tentative"]
        open_ = [r for r in self.rows if r["status"] == "open"]
        parts = [f"{len(final)} of {len(self.rows)} issues agreed as the final package"]
        if tentative:
            parts.append(f"{len(tentative)} tentative")
        if open_:
            parts.append("still open: " + ", ".join(r["label"] for r in open_))
        self.summary.setText(" · ".join(parts))

    def texts(self) -> list[str]:
        """Every cell, row by row (for tests)."""
        return [self.table.item(r, c).text() for r in range(self.table.rowCount())
                for c in range(self.table.columnCount())]
