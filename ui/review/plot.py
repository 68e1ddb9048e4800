"""The review timeline's chart: a lane per role (and one for alerts) across meeting time.

Marks are numpy arrays handed over once (``set_marks``) and shown through a ``mask`` (filters).
Each lane is drawn by a few ``ScatterPlotItem``s, one per mark style (kind × withdrawn), each set
with one ``setData``: a uniform style per item keeps 100k marks to a few tens of milliseconds, where
per-point brushes and symbols cost about half a second. No item per act. Hover and click are
found with ``numpy.searchsorted`` on the marks sorted by x, not with pyqtgraph's per-spot objects.

Time runs on a compressed axis (``ui.review.axis.MeetingAxis``): each meeting keeps its clock, the
days between meetings shrink to a short gap, so "all meetings" still reads as one strip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QGraphicsItem, QToolTip, QVBoxLayout, QWidget

from ui import theme
from ui.review.axis import MeetingAxis
from ui.widgets.trajectory import style_plot

LANES = ("lead", "sme", "observer", "approver", "alerts")
LANE_NAMES = {"lead": "Lead", "sme": "SME", "observer": "Observer", "approver": "Approver",
              "alerts": "Alerts"}
HIT_PX = 7  # how near (pixels) the pointer must be to a mark to hover or click it
SIZE = 11


def lane_y(lane: int) -> float:
    """The y of a lane: the lead on top, alerts at the bottom."""
    return float(len(LANES) - 1 - lane)


class TimelinePlot(QWidget):
    """Lanes of marks. ``hovered(row)`` / ``clicked(row)`` name a mark by its row (-1: none)."""

    hovered = Signal(int)
    clicked = Signal(int)

    def __init__(self, styles: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.styles = list(styles)  # mark kinds (theme.MARKS keys) by style code
        self.tip: Callable[[int], str] = str
        self.axis = MeetingAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=False, alpha=0.10)
        self.view = item.getViewBox()
        self.view.setMouseEnabled(x=True, y=False)
        self.view.setLimits(yMin=-0.8, yMax=len(LANES) + 0.2)
        item.setYRange(-0.5, len(LANES) + 0.1, padding=0)  # headroom: meeting captions
        item.getAxis("left").setTicks([[(lane_y(n), LANE_NAMES[lane])
                                        for n, lane in enumerate(LANES)]])
        for name in ("left", "bottom"):
            item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.items: dict[tuple[int, int, bool], pg.ScatterPlotItem] = {}
        self.ring = pg.ScatterPlotItem(size=SIZE + 8, brush=None)
        self.ring.setZValue(20)
        item.addItem(self.ring)
        self.cursor = pg.InfiniteLine(angle=90, movable=False)
        self.cursor.setZValue(15)
        self.cursor.setVisible(False)
        item.addItem(self.cursor)
        self.separators: list[pg.InfiniteLine] = []
        self.x = self.y = np.zeros(0)
        self.lane = np.zeros(0, dtype=np.int64)
        self.style = self.rows = np.zeros(0, dtype=np.int64)
        self.withdrawn = np.zeros(0, dtype=bool)
        self.mask = np.zeros(0, dtype=bool)
        self._order = np.zeros(0, dtype=np.int64)  # shown marks sorted by x (for hit tests)
        self.selected = -1
        self._hover = -1
        self.plot.scene().sigMouseMoved.connect(self._moved)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.retheme()

    # --- look -------------------------------------------------------------------------------------

    def retheme(self) -> None:
        """Colours from the theme in force (items restyled, data kept)."""
        style_plot(self.plot, theme.scaled_font(self.font(), 1.0), "")
        left = self.plot.getPlotItem().getAxis("left")
        font = theme.scaled_font(self.font(), 1.05, bold=True)
        left.setTickFont(font)
        widest = max(QFontMetrics(font).horizontalAdvance(n) for n in LANE_NAMES.values())
        left.setWidth(widest + 14)  # pyqtgraph drops labels wider than the axis' first guess
        self.cursor.setPen(pg.mkPen(theme.of("warning"), width=2))
        text = self.palette().color(QPalette.ColorRole.WindowText)
        self.ring.setPen(pg.mkPen(text, width=2))
        for (_lane, code, withdrawn), scatter in self.items.items():
            self._style(scatter, code, withdrawn)
        for line in self.separators:
            line.setPen(pg.mkPen(theme.of("reference"), width=1, style=Qt.PenStyle.DashLine))

    def _style(self, scatter: pg.ScatterPlotItem, code: int, withdrawn: bool) -> None:
        symbol, colour = theme.mark(self.styles[code])
        if withdrawn:  # hollow: the outline in the kind's colour, nothing inside
            faded = QColor(colour)
            faded.setAlpha(170)
            scatter.setSymbol(symbol)
            scatter.setPen(pg.mkPen(faded, width=1.5, style=Qt.PenStyle.SolidLine))
            scatter.setBrush(pg.mkBrush(None))
        else:
            scatter.setSymbol(symbol)
            scatter.setPen(pg.mkPen(QColor(colour).darker(130), width=1))
            scatter.setBrush(pg.mkBrush(colour))

    # --- data -------------------------------------------------------------------------------------

    def set_segments(self, segments: Sequence[tuple[float, float, str]]) -> None:
        """The meetings on the axis: (x start, shift to epoch, caption) each, in order."""
        item = self.plot.getPlotItem()
        for line in self.separators:
            item.removeItem(line)
        self.separators = []
        self.axis.set_segments([s[0] for s in segments], [s[1] for s in segments])
        for start, _shift, caption in segments:
            line = pg.InfiniteLine(pos=start, angle=90, movable=False, label=caption,
                                   labelOpts={"position": 0.99, "anchors": [(0, 0), (0, 0)],
                                              "color": theme.muted()})
            line.setZValue(-5)
            item.addItem(line)
            self.separators.append(line)
        self.retheme()

    def set_marks(self, x: np.ndarray, lane: np.ndarray, style: np.ndarray,
                  withdrawn: np.ndarray, rows: np.ndarray) -> None:
        """Every mark: its x, lane index (``LANES``), style code (``styles``), whether withdrawn,
        and the row it stands for (what ``hovered``/``clicked`` report)."""
        self.x = np.asarray(x, dtype=float)
        self.lane = np.asarray(lane, dtype=np.int64)
        self.y = (len(LANES) - 1 - self.lane).astype(float)
        self.style = np.asarray(style, dtype=np.int64)
        self.withdrawn = np.asarray(withdrawn, dtype=bool)
        self.rows = np.asarray(rows, dtype=np.int64)
        self.show_mask(np.ones(len(self.x), dtype=bool))

    def show_mask(self, mask: np.ndarray) -> None:
        """Show the marks where ``mask`` is true (one ``setData`` per item)."""
        self.mask = np.asarray(mask, dtype=bool)
        group = (self.lane * len(self.styles) + self.style) * 2 + self.withdrawn
        shown = np.flatnonzero(self.mask)
        order = shown[np.argsort(group[shown], kind="stable")]
        keys, starts = np.unique(group[order], return_index=True)
        bounds = [*starts[1:], len(order)]
        seen = set()
        for key, start, stop in zip(keys.tolist(), starts.tolist(), bounds, strict=True):
            code, withdrawn = divmod(key, 2)
            lane, style = divmod(code, len(self.styles))
            idx = order[start:stop]
            scatter = self._item(lane, style, bool(withdrawn))
            scatter.setData(x=self.x[idx], y=self.y[idx])
            seen.add((lane, style, bool(withdrawn)))
        for key, scatter in self.items.items():
            if key not in seen:
                scatter.setData(x=[], y=[])
        self._order = shown[np.argsort(self.x[shown], kind="stable")]
        self._hover = -1

    def _item(self, lane: int, code: int, withdrawn: bool) -> pg.ScatterPlotItem:
        key = (lane, code, withdrawn)
        if key not in self.items:
            scatter = pg.ScatterPlotItem(size=SIZE, pxMode=True)
            # drawn once into a pixmap: moving the replay cursor over 100k marks repaints none
            scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            scatter.setZValue(5 if withdrawn else 10)
            self._style(scatter, code, withdrawn)
            self.plot.getPlotItem().addItem(scatter)
            self.items[key] = scatter
        return self.items[key]

    def marks_in_lane(self, lane: str, withdrawn: bool | None = None) -> int:
        """How many marks the lane draws now (withdrawn only, or standing only, if given)."""
        total = 0
        for (n, _code, wd), scatter in self.items.items():
            if LANES[n] == lane and (withdrawn is None or wd == withdrawn):
                total += len(scatter.data)
        return total

    # --- view -------------------------------------------------------------------------------------

    def view_all(self) -> None:
        """Fit every shown mark."""
        shown = self.x[self.mask] if len(self.x) else self.x
        if len(shown):
            low, high = float(shown.min()), float(shown.max())
            pad = max((high - low) * 0.02, 30.0)
            self.view.setXRange(low - pad, high + pad, padding=0)

    def set_cursor(self, x: float | None) -> None:
        """The replay's moment as a vertical line (None hides it); keeps it in view."""
        self.cursor.setVisible(x is not None)
        if x is None:
            return
        self.cursor.setValue(x)
        low, high = self.view.viewRange()[0]
        if not low <= x <= high:
            width = high - low
            self.view.setXRange(x - width / 2, x + width / 2, padding=0)

    def select(self, row: int) -> None:
        """Ring the mark of ``row`` (-1: none)."""
        self.selected = row
        where = np.flatnonzero(self.rows == row) if row >= 0 else []
        if len(where):
            i = where[0]
            self.ring.setData([self.x[i]], [self.y[i]], symbol=theme.mark(
                self.styles[self.style[i]])[0])
        else:
            self.ring.setData([], [])

    def zoom(self, factor: float, centre: float | None = None) -> None:
        """Zoom the x axis by ``factor`` (< 1 zooms in) about ``centre`` (the middle if None)."""
        low, high = self.view.viewRange()[0]
        middle = (low + high) / 2 if centre is None else centre
        self.view.setXRange(middle - (middle - low) * factor, middle + (high - middle) * factor,
                            padding=0)

    def pan(self, fraction: float) -> None:
        """Move the x axis by ``fraction`` of its width."""
        low, high = self.view.viewRange()[0]
        step = (high - low) * fraction
        self.view.setXRange(low + step, high + step, padding=0)

    def to_edge(self, end: bool) -> None:
        """Keep the zoom, go to the first (or last) mark."""
        if not len(self._order):
            return
        low, high = self.view.viewRange()[0]
        width = high - low
        x = self.x[self._order[-1 if end else 0]]
        self.view.setXRange(x - width * (0.95 if end else 0.05),
                            x + width * (0.05 if end else 0.95), padding=0)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        k = Qt.Key
        actions = {k.Key_Plus: lambda: self.zoom(0.5), k.Key_Equal: lambda: self.zoom(0.5),
                   k.Key_Minus: lambda: self.zoom(2.0), k.Key_Up: lambda: self.zoom(0.5),
                   k.Key_Down: lambda: self.zoom(2.0), k.Key_Left: lambda: self.pan(-0.2),
                   Qt.Key.Key_Right: lambda: self.pan(0.2),
                   Qt.Key.Key_Home: lambda: self.to_edge(False),
                   Qt.Key.Key_End: lambda: self.to_edge(True),
                   Qt.Key.Key_0: self.view_all}
        action = actions.get(key)
        if action is None:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    # --- pointing ---------------------------------------------------------------------------------

    def row_at(self, scene_pos: QPointF) -> int:
        """The row of the mark nearest to a scene position within ``HIT_PX``, else -1."""
        if not len(self._order) or not self.view.sceneBoundingRect().contains(scene_pos):
            return -1
        point = self.view.mapSceneToView(scene_pos)
        px, py = self.view.viewPixelSize()
        xs = self.x[self._order]
        lo = np.searchsorted(xs, point.x() - HIT_PX * px, side="left")
        hi = np.searchsorted(xs, point.x() + HIT_PX * px, side="right")
        if hi <= lo:
            return -1
        near = self._order[lo:hi]
        dx = (self.x[near] - point.x()) / px
        dy = (self.y[near] - point.y()) / py
        dist = dx * dx + dy * dy
        best = int(np.argmin(dist))
        return int(self.rows[near[best]]) if dist[best] <= HIT_PX * HIT_PX else -1

    def _moved(self, scene_pos: QPointF) -> None:
        row = self.row_at(scene_pos)
        if row == self._hover:
            return
        self._hover = row
        self.hovered.emit(row)
        if row < 0:
            QToolTip.hideText()
            return
        global_pos = self.plot.mapToGlobal(self.plot.mapFromScene(scene_pos))
        QToolTip.showText(global_pos, self.tip(row), self.plot)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        row = self.row_at(event.scenePos())
        if row >= 0:
            self.select(row)
            self.clicked.emit(row)
