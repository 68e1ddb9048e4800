"""The review's behaviour: read the journal into the timeline, the replay and the chart's arrays;
choose the meeting(s); redraw the moment the scrubber stands at.

A step only records ``k``; the redraw runs on a short single-shot timer, so a burst of steps (a
held arrow key, playing at 16×) draws once per timer tick: ``Replay.at(k)``, one ``setData`` per
chart series, the positions, and the lists when they changed.
"""

from __future__ import annotations

import bisect
from decimal import Decimal

import numpy as np
from PySide6.QtCore import QObject, QTimer

from app.authority import approved_to
from app.domain import Act
from app.review import Replay, timeline
from ui.review.chart import OfferArrays
from ui.review.tlmodel import TimelineModel, describe_act
from ui.widgets.trajectory import ChartData

REDRAW_MS = 15
RELOAD_MS = 800  # acts arriving while the review shows: read them after this quiet spell


class Moments(QObject):
    """Drives a ``ReviewView``: its data, its meeting choice and its redraws."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view
        self.session = view.session
        self.acts: list[Act] = []
        self.replay: Replay | None = None
        self.offers: OfferArrays | None = None
        self.model: TimelineModel | None = None
        self.analysis: dict = {}
        self.cursor_x = np.zeros(1)
        self.chosen: int = -1  # a meeting number, or -1 for all
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_MS, timeout=self.redraw)
        self._reload = QTimer(self, singleShot=True, interval=RELOAD_MS, timeout=self._stale)
        view.control.moved.connect(self.schedule)
        view.state.issue.currentIndexChanged.connect(self.schedule)
        self.session.acts_added.connect(lambda _new: self._reload.start())

    # --- data -------------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the session's journal: timeline, replay, chart arrays; keep the meeting chosen."""
        s = self.session
        self.acts = list(s.acts)
        self.analysis = s.analysis
        self.timeline = timeline(self.acts, self.analysis)
        self.replay = Replay(self.acts)
        self.offers = OfferArrays(self.acts)
        prep = s.prep
        self.view.state.set_issues(prep)
        meetings = [(m.number, m.title) for m in prep.meetings]
        numbers = [n for n, _t in meetings]
        if self.chosen not in numbers:
            self.chosen = numbers[-1] if numbers else -1
        self.view.set_meetings(meetings, self.chosen)
        self.choose(self.chosen)

    def choose(self, meeting: int) -> None:
        """Review one meeting (its number), or all of them (-1)."""
        self.chosen = meeting
        s = self.session
        wanted = None if meeting == -1 else {meeting}
        self.model = TimelineModel(self.timeline, self.acts, s.prep, self.analysis, wanted,
                                   s.room_safe)
        self.view.timeline.set_model(self.model)
        inside = [i for i, a in enumerate(self.acts) if a.meeting is not None
                  and (wanted is None or a.meeting in wanted)]
        lo, hi = (inside[0], inside[-1] + 1) if inside else (0, len(self.acts))
        self.cursor_x = self._cursor_positions()
        self.view.control.set_range(self.replay, self.acts, lo, hi)
        self.view.scrubber.set_range(lo, hi)
        self.redraw()

    def at_seq(self, seq: int) -> None:
        """Replay the moment right after act ``seq`` (in the meeting it belongs to)."""
        k = bisect.bisect_right([a.seq for a in self.acts], seq)
        meeting = next((a.meeting for a in reversed(self.acts[:k]) if a.meeting is not None),
                       None)
        if meeting is not None and meeting != self.chosen and self.chosen != -1:
            self.view.set_meetings([(m.number, m.title) for m in self.session.prep.meetings],
                                   meeting)
            self.choose(meeting)
        self.view.control.seek(k)
        self.redraw()

    def _cursor_positions(self) -> np.ndarray:
        """Where the cursor stands after ``k`` acts, for every k: on the last act shown so far
        (acts outside the chosen meetings keep it where it was), the first meeting's start
        before any."""
        start = self.model.segments[0][0] if self.model.segments else 0.0
        xs = np.concatenate([[start], self.model.act_x])
        known = np.where(np.isnan(xs), 0, np.arange(len(xs)))
        return xs[np.maximum.accumulate(known)]

    def _stale(self) -> None:
        if self.view.control.playing:
            self._reload.start()
        elif len(self.session.acts) != len(self.acts):
            self.load()

    # --- drawing ----------------------------------------------------------------------------------

    def schedule(self, *_: object) -> None:
        """Redraw soon (once, however many steps come before)."""
        if not self._redraw.isActive():
            self._redraw.start()

    @property
    def pending(self) -> bool:
        """True while a redraw is scheduled."""
        return self._redraw.isActive()

    def redraw(self) -> None:
        """Draw the moment the scrubber stands at."""
        self._redraw.stop()
        if self.replay is None:
            return
        view, s, k = self.view, self.session, self.view.control.k
        prep = s.prep
        result = self.replay.at(k)
        view.state.show_moment(result, prep, s.room_safe)
        self.draw_chart(k, result)
        view.timeline.plot.set_cursor(float(self.cursor_x[k]) if self.model.segments else None)
        if k > 0:
            act = self.acts[k - 1]
            view.scrubber.describe(k, act.at.astimezone().strftime("%H:%M:%S"),
                                   f"{act.by}: {describe_act(act, prep, s.room_safe)}")
        else:
            view.scrubber.describe(k, "—", "before the first act")

    def draw_chart(self, k: int, result: dict) -> None:
        """The chosen issue's trajectory after ``k`` acts (one ``setData`` per series)."""
        s, state = self.session, self.view.state
        prep = s.prep
        issue = prep.issues.get(state.issue.currentData() or "")
        if issue is None or self.offers is None:
            return
        row = (result.get("issues") or {}).get(issue.key) or {}
        lead = next((m.name for m in prep.team.values() if m.role == "lead"), None)
        limit = prep.limit(lead, issue.key) if lead else None
        plan = prep.plan.get(issue.key)
        agreed = row.get("agreed")
        data = ChartData(
            issue=issue, currency=prep.currency, points={"us": [], "them": []}, offers=0,
            agreed=None if agreed is None else Decimal(str(agreed)), forecast=row.get("forecast"),
            ladder=plan.steps if plan else (), limit=limit,
            approved=approved_to(self.offers.approval_acts(k), issue) if limit else None,
            batna=prep.batna_value(issue.key))
        series = self.offers.series(k, issue.key)
        data.offers = series.offers
        state.chart.room_safe = s.room_safe
        state.chart.show_series(series, data)

    def redraw_all(self) -> None:
        """Everything again (theme or room-safe changed)."""
        self.view.state.retheme()
        self.view.timeline.plot.retheme()
        self.redraw()

    def room_safe(self, on: bool) -> None:
        """Mask (or show) the confidential figures of the review."""
        self.view.state.chart.set_room_safe(on)
        self.view.state.forget()
        if self.model is not None:
            self.model.room_safe = on
            plot = self.view.timeline.plot
            if plot.selected >= 0:
                self.view.timeline.show_details(plot.selected)
        self.redraw()
