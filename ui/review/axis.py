"""The review timeline's time axis: clock times on an axis where each meeting keeps its own clock
and the time between meetings is squeezed (see ``ui.review.tlmodel``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pyqtgraph as pg

#: Nice tick steps on a clock (seconds).
STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)


class MeetingAxis(pg.AxisItem):
    """Clock times on the compressed x axis: ``x + shift`` of the meeting segment it falls in."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.starts = np.zeros(1)  # x where each segment begins
        self.shifts = np.zeros(1)  # epoch seconds = x + shift inside the segment

    def set_segments(self, starts: Sequence[float], shifts: Sequence[float]) -> None:
        """One (x start, shift) per meeting, in order."""
        self.starts = np.asarray(starts, dtype=float) if len(starts) else np.zeros(1)
        self.shifts = np.asarray(shifts, dtype=float) if len(shifts) else np.zeros(1)
        self.picture = None
        self.update()

    def epoch(self, x: float) -> float:
        """The epoch time at ``x``."""
        segment = max(int(np.searchsorted(self.starts, x, side="right")) - 1, 0)
        return float(x + self.shifts[segment])

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph naming
        span = max(maxVal - minVal, 1e-9)
        ideal = span / max(size / 95.0, 1.0)
        major = next((s for s in STEPS if s >= ideal), STEPS[-1])
        minor = next((s for s in reversed(STEPS) if s <= major / 4), major)
        return [(float(major), 0.0), (float(minor), 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph naming
        pattern = "%H:%M:%S" if spacing < 60 else "%H:%M"
        out = []
        for value in values:
            try:
                out.append(datetime.fromtimestamp(self.epoch(value)).strftime(pattern))
            except (OverflowError, OSError, ValueError):
                out.append("")
        return out
