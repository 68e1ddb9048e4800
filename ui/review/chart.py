"""The replay's trajectory chart: the lead's chart (``TrajectoryChart``) fed from numpy arrays.

``OfferArrays`` reads the journal once into arrays (where each offer sits, which side, its value
per issue, when a retraction withdrew it). ``series(k, issue)`` then gives both sides' points as
the lead's chart showed them after the first ``k`` acts — an offer withdrawn later still stands
at ``k``; offers are numbered among the standing ones, as ``app.meeting.offer_points`` does —
with a few vectorised operations, so a step costs the same at act 10 and at act 100 000.
Floats exist only here, for plotting.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
from PySide6.QtWidgets import QGraphicsItem

from app.domain import Act
from app.numbers import NotANumber, parse_decimal
from ui.widgets.trajectory import ChartData, TrajectoryChart, ladder_steps

APPROVAL_KINDS = frozenset({"approval_request", "approval", "retract"})
WINDOW = 300  # a long meeting's chart shows its latest offers (300: all of a usual meeting)


def _float(raw: object) -> float:
    try:
        return float(parse_decimal(raw))
    except (NotANumber, ValueError, TypeError):
        return float("nan")


@dataclass
class Series:
    """One moment of one issue: each side's offer numbers and values, and how many offers."""

    us: tuple[np.ndarray, np.ndarray]
    them: tuple[np.ndarray, np.ndarray]
    offers: int


class OfferArrays:
    """Every offer of a journal as arrays, for drawing any moment of it fast."""

    def __init__(self, acts: list[Act]):
        self.count = len(acts)
        index, side, terms = [], [], []
        retracted: dict[str, int] = {}
        for i, act in enumerate(acts):
            if act.kind == "offer":
                index.append(i)
                side.append(act.payload.get("side"))
                terms.append(act.payload.get("terms") or {})
            elif act.kind == "retract" and act.payload.get("act") not in retracted:
                retracted[act.payload.get("act")] = i
        never = len(acts) + 1
        self.index = np.asarray(index, dtype=np.int64)
        self.side = np.asarray([0 if s == "us" else 1 if s == "them" else -1 for s in side],
                               dtype=np.int8)
        self.withdrawn_at = np.asarray([retracted.get(acts[i].id, never) if acts[i].id else never
                                        for i in index], dtype=np.int64)
        keys = {k for t in terms for k in t}
        self.values = {key: np.asarray([_float(t[key]) if key in t else np.nan for t in terms],
                                       dtype=float) for key in keys}
        #: acts that decide what approvals cover, by position (few; read per step)
        approvals = [(i, a) for i, a in enumerate(acts) if a.kind in APPROVAL_KINDS]
        self._approval_at = [i for i, _a in approvals]
        self._approval_acts = [a for _i, a in approvals]

    def series(self, k: int, issue: str) -> Series:
        """Both sides' (offer number, value) on ``issue`` after the first ``k`` acts."""
        standing = (self.index < k) & (self.withdrawn_at >= k)
        numbers = np.cumsum(standing)
        offers = int(numbers[-1]) if len(numbers) else 0
        values = self.values.get(issue)
        if values is None:
            empty = (np.zeros(0), np.zeros(0))
            return Series(empty, empty, offers)
        shown = standing & ~np.isnan(values)
        out = []
        for code in (0, 1):
            pick = shown & (self.side == code)
            out.append((numbers[pick].astype(float), values[pick]))
        return Series(out[0], out[1], offers)

    def approval_acts(self, k: int) -> list[Act]:
        """The approval requests, answers and retractions among the first ``k`` acts."""
        return self._approval_acts[:bisect.bisect_left(self._approval_at, k)]


def step_arrays(xs: np.ndarray, ys: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Step-line arrays, as ``trajectory.steps`` draws them, without a Python loop."""
    if not len(xs):
        return np.zeros(0), np.zeros(0)
    stops = np.append(xs[1:], end)
    return np.column_stack([xs, stops]).ravel(), np.repeat(ys, 2)


class ReplayChart(TrajectoryChart):
    """The trajectory chart drawing a ``Series`` (set with ``show_series``): the latest
    ``WINDOW`` offers, drawn clipped to the view and downsampled."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.series: Series | None = None
        for curve in self.curves.values():
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.plot.getPlotItem().setAutoVisible(y=True)  # y fits the offers in the window
        for name in ("left", "bottom"):  # a step repaints the axes from a pixmap, not a picture
            self.plot.getPlotItem().getAxis(name).setCacheMode(
                QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def x_from(self, right: float) -> float:
        return max(0.5, right - WINDOW)

    def show_series(self, series: Series, data: ChartData) -> None:
        """Draw one moment: the series and the chart's reference lines from ``data``."""
        self.series = series
        self.show_data(data)

    def draw_series(self, data: ChartData, end: float) -> None:
        series = self.series
        if series is None:
            super().draw_series(data, end)
            return
        for side in ("us", "them"):
            xs, ys = getattr(series, side)
            self.curves[side].setData(*step_arrays(xs, ys, end))
            self.dots[side].setData(xs[-WINDOW:], ys[-WINDOW:])
        first = [SimpleNamespace(n=int(n)) for n in series.us[0][:len(data.ladder) + 1]]
        self.ladder.setData(*ladder_steps(first, data.issue.opening, data.ladder, end))
