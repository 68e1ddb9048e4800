"""A small chart of one issue's planned concession ladder: opening, each planned step, and the
target and walk-away it must respect. Floats only here, for plotting."""

from __future__ import annotations

from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.domain import Issue
from ui import theme
from ui.widgets.common import fmt

LINES = {  # key → (caption, colour role, style, width)
    "opening": ("opening", "ours", Qt.PenStyle.DashDotLine, 1),
    "target": ("target", "ours", Qt.PenStyle.DashLine, 1),
    "walk_away": ("walk-away", "breach", Qt.PenStyle.SolidLine, 2),
}


class LadderChart(QWidget):
    """Opening → step 1 → step 2 … as a step line, against target and walk-away."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.plot.setMinimumHeight(self.fontMetrics().height() * 14)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=True, alpha=0.12)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        pal = self.palette()
        self.plot.setBackground(pal.color(QPalette.ColorRole.Base))
        text = pal.color(QPalette.ColorRole.WindowText)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
            axis.enableAutoSIPrefix(False)
        item.setLabel("bottom", "step (0 = opening)", color=text.name())
        fill = pal.color(QPalette.ColorRole.Base)
        fill.setAlpha(200)
        self.lines: dict[str, pg.InfiniteLine] = {}
        for key, (caption, role, style, width) in LINES.items():
            colour = theme.of(role)
            line = pg.InfiniteLine(angle=0, movable=False,
                                   pen=pg.mkPen(colour, width=width, style=style),
                                   label=caption, labelOpts={"position": 0.98, "color": colour,
                                                             "anchors": [(1, 1), (1, 1)],
                                                             "fill": fill})
            item.addItem(line)
            self.lines[key] = line
        self.curve = item.plot([], [], pen=pg.mkPen(theme.OURS, width=3))
        self.dots = pg.ScatterPlotItem([], [], size=10, pen=pg.mkPen(None),
                                       brush=pg.mkBrush(theme.OURS))
        self.dots.setZValue(10)
        item.addItem(self.dots)

    def retheme(self) -> None:
        """Re-colour for the theme in force (the window calls it when the system theme flips)."""
        self.curve.setPen(pg.mkPen(theme.OURS, width=3))
        self.dots.setBrush(pg.mkBrush(theme.OURS))
        for key, (_caption, colour_role, style, width) in LINES.items():
            colour = theme.of(colour_role)
            self.lines[key].setPen(pg.mkPen(colour, width=width, style=style))
            self.lines[key].label.setColor(colour)

    def show_ladder(self, issue: Issue | None, steps: list[Decimal], currency: str | None) -> None:
        """Draw ``steps`` (values that could not be read are left out) for ``issue``."""
        item = self.plot.getPlotItem()
        if issue is None:
            self.curve.setData([], [])
            self.dots.setData([], [])
            for line in self.lines.values():
                line.setVisible(False)
            return
        values = [issue.opening, *steps]
        xs, ys = [], []
        for n, value in enumerate(values):
            xs += [n, n + 1] if n + 1 < len(values) else [n]
            ys += [float(value)] * (2 if n + 1 < len(values) else 1)
        self.curve.setData(xs, ys)
        self.dots.setData(list(range(len(values))), [float(v) for v in values])
        for key, line in self.lines.items():
            value = getattr(issue, key)
            line.setVisible(True)
            line.setValue(float(value))
            text = f"{LINES[key][0]} {fmt(value, issue.unit, currency)}"
            line.label.format = text
            line.label.setText(text)
        item.setXRange(-0.2, max(len(steps), 1) + 0.6, padding=0)
        item.getAxis("bottom").setTickSpacing(levels=[(1, 0)])
        lo = min(float(v) for v in [*values, issue.walk_away])
        hi = max(float(v) for v in [*values, issue.walk_away])
        pad = (hi - lo) * 0.12 or 1.0
        item.setYRange(lo - pad, hi + pad, padding=0)
        item.setLabel("left", f"{issue.label or issue.key} ({issue.unit or currency or ''})")
