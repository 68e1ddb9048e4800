"""Both sides' offers on one issue, and nothing else: two step lines with their dots.

Fed only with ``app.public`` points, so that what it draws is what both sides said. The axes are
set from those values alone (never from the chart's own bounds), so no range gives a hidden line
away. The latest ``WINDOW`` offers show (a long meeting stays readable, and quick to draw); one item
per series, updated with ``setData``.
"""

from __future__ import annotations

from decimal import Decimal

import pyqtgraph as pg
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.public import Point
from ui import theme
from ui.widgets.trajectory import setup_plot, steps, style_plot

SIDES = ("them", "us")
WINDOW = 60  # offers on the x axis at most


def first_shown(offers: int) -> int:
    """The number of the first offer on the x axis."""
    return max(offers - WINDOW + 1, 1)


def in_window(points: tuple | list, offers: int) -> list:
    """The points drawn: from the first offer shown on, with the one standing then."""
    first = first_shown(offers)
    start = next((n for n, p in enumerate(points) if p.n >= first), len(points))
    return list(points[max(start - 1, 0):])


def value_range(values: list[Decimal]) -> tuple[float, float]:
    """The y range that shows ``values`` with a margin (a span around a single value)."""
    lo, hi = float(min(values)), float(max(values))
    pad = (hi - lo) * 0.12 or max(abs(hi) * 0.05, 1.0)
    return lo - pad, hi + pad


class OfferChart(QWidget):
    """A pyqtgraph plot of both sides' offers on one issue, updated in place."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        setup_plot(self.plot)
        item = self.plot.getPlotItem()
        item.disableAutoRange()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot)
        self.curves = {side: item.plot([], []) for side in SIDES}
        self.dots = {side: pg.ScatterPlotItem([], [], size=11, pen=pg.mkPen(None))
                     for side in SIDES}
        for dots in self.dots.values():
            dots.setZValue(10)
            item.addItem(dots)
        self._shown: tuple | None = None
        self._caption = ""
        self.retheme()

    def retheme(self) -> None:
        """Colours from the theme in force, background and axes from the system palette."""
        for side in SIDES:
            colour = theme.of("ours" if side == "us" else "theirs")
            self.curves[side].setPen(pg.mkPen(colour, width=3))
            self.dots[side].setBrush(pg.mkBrush(colour))
        style_plot(self.plot, theme.scaled_font(self.font(), 1.0), "offers, in order")
        self._set_caption(self._caption, force=True)

    def show_points(self, points: dict[str, tuple[Point, ...]], offers: int,
                    caption: str) -> None:
        """Draw both sides' ``points`` over ``offers`` offers (the latest ``WINDOW``), the y
        axis captioned."""
        shown = (tuple(len(points[s]) for s in SIDES), offers, caption,
                 tuple(points[s][-1] for s in SIDES if points[s]))
        if shown == self._shown:  # nothing new: no redraw
            return
        self._shown = shown
        end, first = offers + 0.6, first_shown(offers)
        shown_points = {side: in_window(points[side], offers) for side in SIDES}
        for side in SIDES:
            self.curves[side].setData(*steps(shown_points[side], end))
            self.dots[side].setData([p.n for p in shown_points[side]],
                                    [float(p.value) for p in shown_points[side]])
        item = self.plot.getPlotItem()
        item.setXRange(first - 0.5, max(end + 0.4, first + 3.0), padding=0)
        values = [p.value for s in SIDES for p in shown_points[s]]
        if values:
            item.setYRange(*value_range(values), padding=0)
        self._set_caption(caption)

    def _set_caption(self, caption: str, force: bool = False) -> None:
        if caption != self._caption or force:
            self._caption = caption
            self.plot.getPlotItem().setLabel("left", caption, color=self.palette().color(
                QPalette.ColorRole.WindowText).name())

    def plotted_values(self) -> list[float]:
        """Every y value drawn (for tests: the room reads nothing else off the chart)."""
        out: list[float] = []
        for side in SIDES:
            out += [float(y) for y in self.dots[side].data["y"]]
            ys = self.curves[side].yData
            out += [] if ys is None else [float(y) for y in ys]
        return out
