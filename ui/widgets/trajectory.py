"""One issue's trajectory: both sides' offers as step lines against our reference levels.

x is the offer number (both sides' standing offers, in order), y the issue's value in its unit.
Every series is one plot item made once and fed with ``setData``; switching issue or taking a new
act never re-creates items. Floats live only here, for plotting; labels print exact decimals.

The lead's panel and the approver's both draw this chart, so a line means the same on both; the
approver's names the requester's limit and the approvals granted so far, and adds the value asked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.domain import Issue
from app.meeting import Point
from ui import theme
from ui.widgets.common import fmt


@dataclass(frozen=True)
class LineStyle:
    """How a reference line looks wherever it is drawn (the lead's and the approver's charts)."""

    caption: str
    role: str  # the theme role of its colour
    style: Qt.PenStyle
    width: int
    at: float  # where its label sits along the line (0 left … 1 right)
    anchor: tuple[float, float] = (0, 1)  # the label's corner on the line: above, from the left


#: Lines that often lie close together get labels at different places so they never overlap.
LINES = {
    "opening": LineStyle("opening", "ours", Qt.PenStyle.DashDotLine, 1, 0.01),
    "target": LineStyle("target", "ours", Qt.PenStyle.DashLine, 1, 0.01),
    "walk_away": LineStyle("walk-away", "breach", Qt.PenStyle.SolidLine, 2, 0.01),
    "limit": LineStyle("my limit", "breach", Qt.PenStyle.DashLine, 1, 0.19),
    "approved": LineStyle("approved to", "breach", Qt.PenStyle.DotLine, 1, 0.37),
    "benchmark": LineStyle("benchmark", "reference", Qt.PenStyle.DashLine, 1, 0.55),
    "should_cost": LineStyle("should-cost", "reference", Qt.PenStyle.DotLine, 1, 0.55),
    "forecast": LineStyle("they stop ≈", "theirs", Qt.PenStyle.DotLine, 1, 0.73, (0, 0)),
    "agreed": LineStyle("agreed", "agreed", Qt.PenStyle.SolidLine, 2, 0.99, (1, 1)),
    "batna": LineStyle("BATNA", "ours", Qt.PenStyle.DashDotDotLine, 2, 0.19, (0, 0)),
    "asked": LineStyle("asked", "ours", Qt.PenStyle.DashDotLine, 2, 0.85, (1, 1)),
}


def setup_plot(plot: pg.PlotWidget) -> None:
    """A chart to read, not to explore: no mouse, no menu, no buttons, faint horizontal grid."""
    plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.showGrid(x=False, y=True, alpha=0.12)
    item.getViewBox().setMouseEnabled(x=False, y=False)


def style_plot(plot: pg.PlotWidget, font, bottom: str) -> None:
    """Background, axes and the bottom caption from the system palette (light or dark)."""
    pal = plot.palette()
    plot.setBackground(pal.color(QPalette.ColorRole.Base))
    text = pal.color(QPalette.ColorRole.WindowText)
    item = plot.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))
        axis.setTickFont(font)
        axis.enableAutoSIPrefix(False)
    item.setLabel("bottom", bottom, color=text.name())


def label_fill(widget: QWidget) -> QColor:
    """Behind a line's label: the chart background, nearly opaque, so a step line crossing the
    label never makes it unreadable."""
    fill = widget.palette().color(QPalette.ColorRole.Base)
    fill.setAlpha(200)
    return fill


def reference_line(spec: LineStyle, fill: QColor) -> pg.InfiniteLine:
    """A horizontal reference line styled by ``spec`` (hidden until it gets a value)."""
    line = pg.InfiniteLine(angle=0, movable=False, label=spec.caption,
                           labelOpts={"position": spec.at, "anchors": [spec.anchor, spec.anchor]})
    line.setVisible(False)
    line.setZValue(5)  # labels (children of their line) above the step lines
    restyle_line(line, spec, fill)
    return line


def restyle_line(line: pg.InfiniteLine, spec: LineStyle, fill: QColor) -> None:
    """(Re)colour ``line`` and its label in the theme in force."""
    colour = theme.of(spec.role)
    line.setPen(pg.mkPen(colour, width=spec.width, style=spec.style))
    line.label.setColor(colour)
    line.label.fill = pg.mkBrush(fill)
    line.label.update()


def place_line(line: pg.InfiniteLine, caption: str, value: Decimal, unit: str | None,
               currency: str | None) -> None:
    """Put ``line`` at ``value``, labelled with the caption and the exact value with its unit."""
    line.setValue(float(value))
    text = f"{caption} {fmt(value, unit, currency)}"
    if line.label.format != text:  # laying text out again costs; a replay redraws often
        line.label.format = text  # no "{value}": the exact decimal, not the float
        line.label.setText(text)


@dataclass
class ChartData:
    """Everything the chart draws for one issue (exact values; converted to floats here)."""

    issue: Issue
    currency: str | None
    points: dict[str, list[Point]]
    offers: int  # how many offers the negotiation has (the x extent)
    agreed: Decimal | None = None
    forecast: dict | None = None  # the analysis' forecast (low/high/estimate strings)
    ladder: tuple[Decimal, ...] = ()
    limit: Decimal | None = None
    approved: Decimal | None = None
    batna: Decimal | None = None  # our alternative's value on the issue
    asked: Decimal | None = None  # the value an approval request asks for
    captions: dict[str, str] = field(default_factory=dict)  # a line's caption in this chart


def steps(points: list[Point], end: float,
          x: Callable[[Point], float] = lambda p: p.n) -> tuple[np.ndarray, np.ndarray]:
    """Step-line arrays: each value holds from its offer until the next one (or ``end``); ``x``
    places an offer on the axis (its number by default)."""
    if not points:
        return np.zeros(0), np.zeros(0)
    xs, ys = [], []
    for n, p in enumerate(points):
        stop = x(points[n + 1]) if n + 1 < len(points) else end
        xs += [x(p), stop]
        ys += [float(p.value), float(p.value)]
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def ladder_steps(points: list[Point], opening: Decimal, ladder: tuple[Decimal, ...],
                 end: float) -> tuple[np.ndarray, np.ndarray]:
    """The plan as dotted steps: opening, then one planned step per offer of ours."""
    if not ladder:
        return np.zeros(0), np.zeros(0)
    at = [p.n for p in points] or [1]
    while len(at) < len(ladder) + 1:
        at.append(at[-1] + 2)
    values = [opening, *ladder]
    xs, ys = [], []
    for n, value in enumerate(values):
        stop = at[n + 1] if n + 1 < len(values) else max(end, at[n] + 1)
        xs += [at[n], stop]
        ys += [float(value), float(value)]
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


class TrajectoryChart(QWidget):
    """A pyqtgraph plot of one issue, updated in place."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data: ChartData | None = None
        self.plot = pg.PlotWidget()
        setup_plot(self.plot)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot)
        item = self.plot.getPlotItem()
        self.band = pg.LinearRegionItem(orientation="horizontal", movable=False)
        self.band.setZValue(-10)
        item.addItem(self.band)
        self.ladder = item.plot([], [])
        self.lines: dict[str, pg.InfiniteLine] = {}
        for key, spec in LINES.items():
            self.lines[key] = reference_line(spec, label_fill(self))
            item.addItem(self.lines[key])
        self.curves = {"them": item.plot([], []), "us": item.plot([], [])}
        self.dots = {side: pg.ScatterPlotItem([], [], size=10, pen=pg.mkPen(None))
                     for side in ("them", "us")}
        for dots in self.dots.values():
            dots.setZValue(10)  # the offers themselves above every label
            item.addItem(dots)
        self.marker = pg.InfiniteLine(angle=90, movable=False, label="",
                                      labelOpts={"position": 0.97, "anchors": [(1, 0), (1, 0)]})
        self.marker.setVisible(False)
        item.addItem(self.marker)
        self.retheme()

    # --- look ------------------------------------------------------------------------------------

    def retheme(self) -> None:
        """Colours from the theme in force, background and axes from the system palette."""
        ours, theirs = theme.of("ours"), theme.of("theirs")
        self.band.setBrush(_alpha(theirs, 45))
        for edge in self.band.lines:
            edge.setPen(pg.mkPen(_alpha(theirs, 90)))
        self.ladder.setPen(pg.mkPen(ours, width=2, style=Qt.PenStyle.DotLine))
        for key, line in self.lines.items():
            restyle_line(line, LINES[key], label_fill(self))
        for side, colour in (("them", theirs), ("us", ours)):
            self.curves[side].setPen(pg.mkPen(colour, width=3))
            self.dots[side].setBrush(pg.mkBrush(colour))
        self.marker.setPen(pg.mkPen(theme.of("warning"), width=2, style=Qt.PenStyle.DashLine))
        self.marker.label.setColor(theme.of("warning"))
        self.marker.label.fill = pg.mkBrush(label_fill(self))
        style_plot(self.plot, theme.scaled_font(self.font(), 1.0),
                   "offer no. (both sides, in order)")
        self._axis_text: dict = {}  # what the axes were last given (set again only on change)
        if self.data is not None:
            self.show_data(self.data)

    # --- data ------------------------------------------------------------------------------------

    def show_data(self, data: ChartData) -> None:
        """Draw ``data`` (one issue)."""
        self.data = data
        issue, end = data.issue, data.offers + 0.6
        self.draw_series(data, end)
        values = {"opening": issue.opening, "target": issue.target,
                  "walk_away": issue.walk_away, "limit": data.limit, "approved": data.approved,
                  "benchmark": issue.benchmark, "should_cost": issue.should_cost,
                  "agreed": data.agreed, "batna": data.batna, "asked": data.asked,
                  "forecast": _estimate(data.forecast)}
        for key, line in self.lines.items():
            value = values[key]
            line.setProperty("has_value", value is not None)
            if value is not None:
                caption = data.captions.get(key, LINES[key].caption)
                place_line(line, caption, value, issue.unit, data.currency)
        if data.forecast:
            self.band.setRegion((float(data.forecast["low"]), float(data.forecast["high"])))
        unit = issue.unit or data.currency or ""
        caption = f"{issue.label or issue.key} ({unit})"
        if caption != self._axis_text.get("left"):  # an axis set again is drawn again
            self._axis_text["left"] = caption
            self.plot.getPlotItem().setLabel("left", caption, color=self.palette().color(
                QPalette.ColorRole.WindowText).name())
        self._visibility()
        right = max(end + 0.4, 4.0)
        left = self.x_from(right)
        self.plot.getPlotItem().setXRange(left, right, padding=0)
        step = max(1, math.ceil((right - left) / 15))  # whole offer numbers, never crowded
        if step != self._axis_text.get("step"):
            self._axis_text["step"] = step
            self.plot.getPlotItem().getAxis("bottom").setTickSpacing(levels=[(step, 0)])
        self.plot.getPlotItem().enableAutoRange(axis="y")

    def x_from(self, right: float) -> float:
        """Where the x axis starts: the first offer (the review's replay shows a window)."""
        return 0.5

    def draw_series(self, data: ChartData, end: float) -> None:
        """Both sides' step lines and dots, and the planned ladder (one ``setData`` each); the
        review's replay chart draws them from arrays instead."""
        for side, curve in self.curves.items():
            curve.setData(*steps(data.points[side], end))
            self.dots[side].setData([p.n for p in data.points[side]],
                                    [float(p.value) for p in data.points[side]])
        self.ladder.setData(*ladder_steps(data.points["us"], data.issue.opening, data.ladder, end))

    def _visibility(self) -> None:
        for line in self.lines.values():
            line.setVisible(bool(line.property("has_value")))
        self.band.setVisible(bool(self.data and self.data.forecast))

    def mark(self, x: float | None, caption: str = "") -> None:
        """A vertical marker at ``x`` (an act picked from an alert or the feed, the moment an
        approval was asked), captioned ``caption``; None removes it."""
        self.marker.label.format = caption
        self.marker.label.setText(caption)
        self.marker.setVisible(x is not None)
        if x is not None:
            self.marker.setValue(x)

    def visible_texts(self) -> list[str]:
        """The texts of the labels drawn on the chart now (for tests and debugging)."""
        return [line.label.toPlainText() for line in self.lines.values() if line.isVisible()]


def _estimate(forecast: dict | None) -> Decimal | None:
    return Decimal(forecast["estimate"]) if forecast and forecast.get("estimate") else None


def _alpha(colour: str, alpha: int) -> QColor:
    c = QColor(colour)
    c.setAlpha(alpha)
    return c
