"""One issue's trajectory: both sides' offers as step lines against our reference levels.

x is the offer number (both sides' standing offers, in order), y the issue's value in its unit.
Every series is one plot item made once and fed with ``setData``; switching issue or taking a new
act never re-creates items. Floats live only here, for plotting; labels print exact decimals.
Confidential items (target, walk-away, authority limit, forecast band, the planned ladder) hide
together while room-safe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.domain import Issue
from app.meetview import Point
from ui import theme
from ui.widgets.common import fmt

CONFIDENTIAL = ("target", "walk_away", "limit", "approved", "forecast")
#: reference line → (caption, colour, dash style, width, where its label sits along the line).
#: Lines that often lie close together get labels at different places so they never overlap.
LINES = {
    "opening": ("opening", theme.OURS, Qt.PenStyle.DashDotLine, 1, 0.01),
    "target": ("target", theme.OURS, Qt.PenStyle.DashLine, 1, 0.01),
    "walk_away": ("walk-away", theme.BREACH, Qt.PenStyle.SolidLine, 2, 0.01),
    "limit": ("my limit", theme.BREACH, Qt.PenStyle.DashLine, 1, 0.19),
    "approved": ("approved to", theme.BREACH, Qt.PenStyle.DotLine, 1, 0.37),
    "benchmark": ("benchmark", theme.REFERENCE, Qt.PenStyle.DashLine, 1, 0.55),
    "should_cost": ("should-cost", theme.REFERENCE, Qt.PenStyle.DotLine, 1, 0.55),
    "forecast": ("they stop ≈", theme.THEIRS, Qt.PenStyle.DotLine, 1, 0.73),
    "agreed": ("agreed", theme.AGREED, Qt.PenStyle.SolidLine, 2, 0.99),
}
ANCHORS = {"agreed": (1, 1), "forecast": (0, 0)}  # right-aligned above; below its line


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


def steps(points: list[Point], end: float) -> tuple[np.ndarray, np.ndarray]:
    """Step-line arrays: each value holds from its offer until the next one (or ``end``)."""
    if not points:
        return np.zeros(0), np.zeros(0)
    xs, ys = [], []
    for n, p in enumerate(points):
        stop = points[n + 1].n if n + 1 < len(points) else end
        xs += [p.n, stop]
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
        self.room_safe = False
        self.data: ChartData | None = None
        self.plot = pg.PlotWidget()
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=False, y=True, alpha=0.12)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        self.band = pg.LinearRegionItem(orientation="horizontal", movable=False,
                                        brush=_alpha(theme.THEIRS, 45),
                                        pen=pg.mkPen(_alpha(theme.THEIRS, 90)))
        self.band.setZValue(-10)
        item.addItem(self.band)
        self.ladder = item.plot([], [], pen=pg.mkPen(theme.OURS, width=2,
                                                     style=Qt.PenStyle.DotLine))
        self.lines: dict[str, pg.InfiniteLine] = {}
        for key, (caption, colour, style, width, at) in LINES.items():
            anchor = ANCHORS.get(key, (0, 1))  # default: text above the line, from the left
            line = pg.InfiniteLine(angle=0, movable=False,
                                   pen=pg.mkPen(colour, width=width, style=style),
                                   label=caption, labelOpts={"position": at, "color": colour,
                                                             "anchors": [anchor, anchor],
                                                             "fill": self._label_fill()})
            line.setVisible(False)
            line.setZValue(5)  # labels (children of their line) above the step lines
            item.addItem(line)
            self.lines[key] = line
        self.curves = {
            "them": item.plot([], [], pen=pg.mkPen(theme.THEIRS, width=3)),
            "us": item.plot([], [], pen=pg.mkPen(theme.OURS, width=3)),
        }
        self.dots = {
            side: pg.ScatterPlotItem([], [], size=10, pen=pg.mkPen(None),
                                     brush=pg.mkBrush(colour))
            for side, colour in (("them", theme.THEIRS), ("us", theme.OURS))
        }
        for dots in self.dots.values():
            dots.setZValue(10)  # the offers themselves above every label
            item.addItem(dots)
        self.marker = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen(theme.WARNING, width=2,
                                                   style=Qt.PenStyle.DashLine))
        self.marker.setVisible(False)
        item.addItem(self.marker)
        self.follow_palette()

    def _label_fill(self) -> QColor:
        fill = self.palette().color(QPalette.ColorRole.Base)
        fill.setAlpha(200)  # labels stay readable where a step line crosses them
        return fill

    # --- look ------------------------------------------------------------------------------------

    def follow_palette(self) -> None:
        """Background and axes from the system palette (light or dark)."""
        pal = self.palette()
        self.plot.setBackground(pal.color(QPalette.ColorRole.Base))
        text = pal.color(QPalette.ColorRole.WindowText)
        item = self.plot.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
            axis.setTickFont(theme.scaled_font(self.font(), 1.0))
            axis.enableAutoSIPrefix(False)
        item.setLabel("bottom", "offer no. (both sides, in order)", color=text.name())

    # --- data ------------------------------------------------------------------------------------

    def show_data(self, data: ChartData) -> None:
        """Draw ``data`` (one issue)."""
        self.data = data
        issue, end = data.issue, data.offers + 0.6
        for side, curve in self.curves.items():
            curve.setData(*steps(data.points[side], end))
            self.dots[side].setData([p.n for p in data.points[side]],
                                    [float(p.value) for p in data.points[side]])
        self.ladder.setData(*ladder_steps(data.points["us"], issue.opening, data.ladder, end))
        values = {"opening": issue.opening, "target": issue.target,
                  "walk_away": issue.walk_away, "limit": data.limit, "approved": data.approved,
                  "benchmark": issue.benchmark, "should_cost": issue.should_cost,
                  "agreed": data.agreed,
                  "forecast": _estimate(data.forecast)}
        for key, line in self.lines.items():
            value = values[key]
            line.setProperty("has_value", value is not None)
            if value is not None:
                line.setValue(float(value))
                text = f"{LINES[key][0]} {fmt(value, issue.unit, data.currency)}"
                line.label.format = text  # no "{value}": the exact decimal, not the float
                line.label.setText(text)
        if data.forecast:
            self.band.setRegion((float(data.forecast["low"]), float(data.forecast["high"])))
        unit = issue.unit or data.currency or ""
        self.plot.getPlotItem().setLabel("left", f"{issue.label or issue.key} ({unit})",
                                         color=self.palette().color(
                                             QPalette.ColorRole.WindowText).name())
        self._visibility()
        right = max(end + 0.4, 4.0)
        self.plot.getPlotItem().setXRange(0.5, right, padding=0)
        step = max(1, math.ceil(right / 15))  # whole offer numbers, never crowded
        self.plot.getPlotItem().getAxis("bottom").setTickSpacing(levels=[(step, 0)])
        self.plot.getPlotItem().enableAutoRange(axis="y")

    def set_room_safe(self, on: bool) -> None:
        """Hide (or show again) target, walk-away, limits, forecast band and the ladder."""
        self.room_safe = on
        self._visibility()

    def _visibility(self) -> None:
        secret_ok = not self.room_safe
        for key, line in self.lines.items():
            line.setVisible(bool(line.property("has_value"))
                            and (secret_ok or key not in CONFIDENTIAL))
        self.band.setVisible(secret_ok and bool(self.data and self.data.forecast))
        self.ladder.setVisible(secret_ok)

    def mark(self, x: float | None) -> None:
        """A vertical marker at ``x`` (an act picked from an alert or the feed); None removes it."""
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
