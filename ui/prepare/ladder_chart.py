"""A small chart of one issue's planned concession ladder: opening, each planned step, and the
target and walk-away it must respect (left out while sealed to this computer). Styled like the
trajectory chart (same line looks); floats only here, for plotting."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.domain import Issue
from ui import theme
from ui.widgets.trajectory import (
    LINES,
    label_fill,
    place_line,
    reference_line,
    restyle_line,
    setup_plot,
    style_plot,
)

#: the trajectory's looks, with every label at the right end, above its line
STYLES = {key: replace(LINES[key], at=0.98, anchor=(1, 1))
          for key in ("opening", "target", "walk_away")}


class LadderChart(QWidget):
    """Opening → step 1 → step 2 … as a step line, against target and walk-away."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        setup_plot(self.plot)
        self.plot.setMinimumHeight(self.fontMetrics().height() * 14)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot)
        item = self.plot.getPlotItem()
        self.lines = {key: reference_line(spec, label_fill(self)) for key, spec in STYLES.items()}
        for line in self.lines.values():
            item.addItem(line)
        self.curve = item.plot([], [])
        self.dots = pg.ScatterPlotItem([], [], size=10, pen=pg.mkPen(None))
        self.dots.setZValue(10)
        item.addItem(self.dots)
        self._shown: tuple | None = None
        self.retheme()

    def retheme(self) -> None:
        """Colours from the theme in force (the window calls it when the system theme flips)."""
        ours = theme.of("ours")
        self.curve.setPen(pg.mkPen(ours, width=3))
        self.dots.setBrush(pg.mkBrush(ours))
        for key, line in self.lines.items():
            restyle_line(line, STYLES[key], label_fill(self))
        style_plot(self.plot, theme.scaled_font(self.font(), 1.0), "step (0 = opening)")
        if self._shown is not None:
            self.show_ladder(*self._shown)

    def show_ladder(self, issue: Issue | None, steps: list[Decimal], currency: str | None) -> None:
        """Draw ``steps`` (values that could not be read are left out) for ``issue``."""
        self._shown = (issue, steps, currency)
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
            last = n + 1 == len(values)
            xs += [n] if last else [n, n + 1]
            ys += [float(value)] * (1 if last else 2)
        self.curve.setData(xs, ys)
        self.dots.setData(list(range(len(values))), [float(v) for v in values])
        for key, line in self.lines.items():
            value = getattr(issue, key)
            line.setVisible(value is not None)  # a sealed position is not drawn
            if value is not None:
                place_line(line, STYLES[key].caption, value, issue.unit, currency)
        item.setXRange(-0.2, max(len(steps), 1) + 0.6, padding=0)
        item.getAxis("bottom").setTickSpacing(levels=[(1, 0)])
        bounds = [float(v) for v in [*values, issue.walk_away] if v is not None]
        lo, hi = min(bounds), max(bounds)
        pad = (hi - lo) * 0.12 or 1.0
        item.setYRange(lo - pad, hi + pad, padding=0)
        item.setLabel("left", f"{issue.label or issue.key} ({issue.unit or currency or ''})")
