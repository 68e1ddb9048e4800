"""The review's behaviour: read the journal into the timeline, the replay and the chart's arrays;
choose the meeting(s); redraw the moment the scrubber stands at.

The timeline is drawn at once; the replay is prepared on a worker thread (``ReplayPreparer``),
with its progress on the scrubber: at 100k acts that is about a second the view does not wait
for. Until it is ready the scrubber moves the timeline's cursor only.

A step only records ``k``; the redraw runs on a short single-shot timer, so a burst of steps (a
held arrow key, playing at 16×) draws once per timer tick: ``Replay.at(k)``, one ``setData`` per
chart series, the positions, and the lists when they changed.
"""

from __future__ import annotations

import bisect
from decimal import Decimal

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from app.authority import approved_to
from app.domain import Act
from app.review import Replay, timeline
from app.wording import act_text
from ui.review.chart import OfferArrays
from ui.review.preparer import ReplayPreparer
from ui.review.state import moment_of
from ui.review.tlmodel import TimelineModel
from ui.widgets.trajectory import ChartData

REDRAW_MS = 15
CACHED = 128  # recent moments kept (a few kilobytes each)
SETTLE_MS = 250  # once the scrubber rests this long, the details pane shows the act at it
RELOAD_MS = 800  # acts arriving while the review shows: read them after this quiet spell


class Moments(QObject):
    """Drives a ``ReviewView``: its data, its meeting choice and its redraws. ``ready`` once the
    replay can be scrubbed."""

    ready = Signal()

    def __init__(self, view):
        super().__init__(view)
        self.preparer = ReplayPreparer(view, self)
        self.preparer.ready.connect(self._take_replay)
        self.preparer.progress.connect(self._progress)
        self.preparer.failed.connect(self._failed)
        self.view = view
        self.session = view.session
        self.acts: list[Act] = []
        self.replay: Replay | None = None
        self.offers: OfferArrays | None = None
        self.model: TimelineModel | None = None
        self.analysis: dict = {}
        self.cursor_x = np.zeros(1)
        self._results: dict[int, dict] = {}  # recent moments' analyses, oldest first
        self._covered: dict[tuple[str, int], Decimal | None] = {}
        self.chosen: int = -1  # a meeting number, or -1 for all
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_MS, timeout=self.redraw)
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS, timeout=self._settled)
        self._reload = QTimer(self, singleShot=True, interval=RELOAD_MS, timeout=self._stale)
        view.control.moved.connect(self.schedule)
        view.state.issue.currentIndexChanged.connect(self.schedule)
        self.session.acts_added.connect(lambda _new: self._reload.start())
        self.session.preparation_changed.connect(self._prep_changed)
        self.prep = self.session.prep  # read once per change, not once per step

    # --- data -------------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the session's journal: timeline, replay, chart arrays; keep the meeting chosen."""
        s = self.session
        self.acts = list(s.acts)
        self.analysis = s.analysis
        self.timeline = timeline(self.acts, self.analysis)
        self.replay, self.offers = None, None
        prep = self.prep = s.prep
        self.view.state.set_issues(prep)
        meetings = [(m.number, m.title) for m in prep.meetings]
        numbers = [n for n, _t in meetings]
        if self.chosen not in numbers:
            self.chosen = numbers[-1] if numbers else -1
        self.view.set_meetings(meetings, self.chosen)
        self.choose(self.chosen)
        self.view.state.setEnabled(False)
        self.preparer.start(self.acts, self.view.control.hi)  # after the timeline's first paint

    def _progress(self, percent: int) -> None:
        self.view.scrubber.where.setText(f"preparing the replay… {percent} %")

    def _failed(self, message: str) -> None:
        self.view.scrubber.where.setText(f"✗ replay not available: {message}")

    def _take_replay(self, replay: Replay, offers: OfferArrays) -> None:
        self.replay, self.offers = replay, offers
        self._results.clear()
        self._covered = {}
        self.view.control.replay = replay
        self.view.state.setEnabled(True)
        self.redraw()
        self.ready.emit()

    @property
    def is_ready(self) -> bool:
        """True once the replay can be scrubbed."""
        return self.replay is not None

    def close(self) -> None:
        """Stop preparing (the view closes)."""
        self.preparer.close()

    def choose(self, meeting: int) -> None:
        """Review one meeting (its number), or all of them (-1)."""
        self.chosen = meeting
        s = self.session
        wanted = None if meeting == -1 else {meeting}
        self.model = TimelineModel(self.timeline, self.acts, s.prep, self.analysis, wanted)
        self.view.timeline.set_model(self.model)
        inside = np.flatnonzero(~np.isnan(self.model.act_x))  # the chosen meetings' acts
        lo, hi = ((int(inside[0]), int(inside[-1]) + 1) if len(inside)
                  else (0, len(self.acts)))
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

    def _prep_changed(self) -> None:
        self.prep = self.session.prep
        self.view.state.set_issues(self.prep)
        self.view.state.forget()
        self.schedule()

    def _stale(self) -> None:
        """New acts arrived: read them now if the review shows (and is not playing), else when
        it is shown again (a long journal takes a second to read)."""
        if self.view.control.playing:
            self._reload.start()
        elif self.view.isVisible() and len(self.session.acts) != len(self.acts):
            self.load()

    def shown(self) -> None:
        """The review is on screen again: catch up with acts that arrived meanwhile."""
        if self.replay is not None and len(self.session.acts) != len(self.acts):
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
        """Draw the moment the scrubber stands at (the cursor only, until the replay is ready)."""
        self._redraw.stop()
        if self.model is None:
            return
        view, k = self.view, self.view.control.k
        prep = self.prep
        view.timeline.plot.set_cursor(float(self.cursor_x[k]) if self.model.segments else None)
        if not view.control.playing:
            self._settle.start()
        if self.replay is not None:
            result = self.at(k)
            view.state.show_moment(result, prep)
            self.draw_chart(k, result)
        if k > 0:
            act = self.acts[k - 1]
            view.scrubber.describe(k, act.at.astimezone().strftime("%H:%M:%S"),
                                   f"{act.by}: {act_text(act, prep)}")
        else:
            view.scrubber.describe(k, "—", "before the first act")
        if self.replay is None:
            view.scrubber.where.setText("preparing the replay…")

    def at(self, k: int) -> dict:
        """What the replay shows after ``k`` acts (``moment_of(Replay.at(k))``), remembered for
        the last ``CACHED`` moments: scrubbing back and forth over the same acts, or playing a
        stretch again, asks for them again."""
        result = self._results.pop(k, None)
        if result is None:
            result = moment_of(self.replay.at(k))
        self._results[k] = result
        while len(self._results) > CACHED:
            self._results.pop(next(iter(self._results)))
        return result

    def settle(self) -> None:
        """The scrubber rests: ring the act it stands after and show it in the details pane."""
        self._settle.stop()
        self._settled()

    def _settled(self) -> None:
        k = self.view.control.k
        row = int(self.model.row_by_act[k - 1]) if 0 < k <= len(self.acts) else -1
        if row >= 0 and row != self.view.timeline.plot.selected:
            self.view.timeline.plot.select(row)
            self.view.timeline.show_details(row)

    def draw_chart(self, k: int, result: dict) -> None:
        """The chosen issue's trajectory after ``k`` acts (one ``setData`` per series)."""
        state = self.view.state
        prep = self.prep
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
            approved=self._approved(k, issue) if limit else None,
            batna=prep.batna_value(issue.key))
        series = self.offers.series(k, issue.key)
        data.offers = series.offers
        state.chart.show_series(series, data)

    def _approved(self, k: int, issue) -> Decimal | None:
        """How far granted approvals reach on ``issue`` after ``k`` acts (it changes only when an
        approval act passes: remembered by how many have)."""
        acts = self.offers.approval_acts(k)
        key = (issue.key, len(acts))
        if key not in self._covered:
            self._covered[key] = approved_to(acts, issue)
        return self._covered[key]

    def redraw_all(self) -> None:
        """Everything again (the theme changed)."""
        self.view.state.retheme()
        self.view.timeline.plot.retheme()
        self.redraw()

