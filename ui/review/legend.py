"""What the timeline's marks mean: a row of the marks in use, each drawn by pyqtgraph's own symbol
painter in its colour (so the legend is the mark), and icons for the kind filter."""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from ui import theme

NAMES = {
    "offer_us": "our offer", "offer_them": "their offer", "reaction": "reaction",
    "tactic": "tactic", "note": "note", "approval_request": "approval asked",
    "approval": "approval answered", "agreement": "agreement", "phase": "phase",
    "retract": "withdrawal", "debrief": "debrief", "alert": "alert", "alert_info": "signal",
    "breach": "breach", "other": "meeting opened / closed",
}


def mark_icon(style: str, withdrawn: bool = False, size: int = 14) -> QPixmap:
    """The timeline's mark of ``style`` (a ``theme.MARKS`` key), hollow when withdrawn."""
    symbol, colour = theme.mark(style)
    ratio = 2  # drawn at twice the size: crisp on high-DPI screens
    pixmap = QPixmap(size * ratio, size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(size / 2, size / 2)
    if withdrawn:
        pen, brush = pg.mkPen(colour, width=1.5), pg.mkBrush(None)
    else:
        pen, brush = pg.mkPen(QColor(colour).darker(130), width=1), pg.mkBrush(colour)
    drawSymbol(painter, symbol, size - 3, pen, brush)
    painter.end()
    return pixmap


def kind_icon(kind: str) -> QIcon:
    """An icon for an act kind in the filter (offers: their colour; alerts: the alert mark)."""
    if kind == "offer":
        return QIcon(mark_icon("offer_them"))
    return QIcon(mark_icon(kind if kind in theme.MARKS else "alert"))


COLUMNS = 8


class MarkLegend(QWidget):
    """``● our offer  ● their offer  ★ tactic …  ○ withdrawn`` for the styles in use, in rows of
    ``COLUMNS``."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(2)
        self.styles: list[str] = []
        self.withdrawn = False

    def show_styles(self, styles: Iterable[str], withdrawn: bool) -> None:
        """Show the given styles (in ``theme.MARKS`` order) and, if any, the hollow mark."""
        self.styles = [s for s in theme.MARKS if s in set(styles)]
        self.withdrawn = withdrawn
        self._rebuild()

    def retheme(self) -> None:
        """Colours of the theme in force."""
        self._rebuild()

    def _rebuild(self) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)  # gone now, not at the next event loop
                widget.deleteLater()
        entries = [(mark_icon(s), NAMES.get(s, s)) for s in self.styles]
        if self.withdrawn:
            entries.append((mark_icon("offer_us", withdrawn=True), "withdrawn (hollow)"))
        for n, (pixmap, text) in enumerate(entries):
            cell = QWidget()
            row = QHBoxLayout(cell)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            icon = QLabel()
            icon.setPixmap(pixmap)
            label = QLabel(text)
            label.setProperty("role", "muted")
            row.addWidget(icon)
            row.addWidget(label)
            row.addStretch(1)
            self.grid.addWidget(cell, n // COLUMNS, n % COLUMNS)

    def texts(self) -> list[str]:
        """The captions shown (for tests)."""
        return [NAMES.get(s, s) for s in self.styles] + (["withdrawn (hollow)"]
                                                           if self.withdrawn else [])
