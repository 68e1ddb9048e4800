"""The Review view (View → Review, Ctrl+R): the chosen meeting(s) as a timeline with a lane per
role, replayed with a scrubber; the debrief; the agreed terms; the exports.

Layout here; behaviour in ``ui.review.moment`` (what a replay step redraws), ``replay``
(scrubbing and playing), ``export`` (files on a worker thread). Esc goes back to the panel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.review.debrief import DebriefForm
from ui.review.export import FORMATS, Exporter
from ui.review.moment import Moments
from ui.review.replay import ReplayControl, ScrubberBar
from ui.review.state import ReplayState
from ui.review.terms import AgreedTerms
from ui.review.timeline import TimelineView
from ui.widgets.common import add_shortcut, styled

ALL_MEETINGS = -1


class ReviewView(QWidget):
    """Timeline and replay, debrief, agreed terms, exports. ``leave`` when Esc is pressed;
    ``status(text)`` for the window's status line."""

    leave = Signal()
    status = Signal(str)

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.timeline = TimelineView()
        self.control = ReplayControl(self)
        self.scrubber = ScrubberBar(self.control)
        self.state = ReplayState(session)
        self.debrief = DebriefForm(session)
        self.terms = AgreedTerms(session)
        self.exporter = Exporter(session, self)
        self._build()
        self.moments = Moments(self)
        self._wire()
        self.moments.load()

    def _build(self) -> None:
        self.meeting = QComboBox()
        self.meeting.setToolTip("Review one meeting, or all the meetings of this negotiation")
        self.meeting.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        title = QLabel("Review")
        title.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        self.exports = {fmt: QPushButton(text + "…") for fmt, (text, _f, _s) in FORMATS.items()}
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.message = QLabel()
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.meeting)
        top.addStretch(3)
        top.addWidget(self.message, 2)
        top.addWidget(self.progress)
        for button in self.exports.values():
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            top.addWidget(button)
        self.replay_page = QWidget()
        lower = QVBoxLayout()
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(self.scrubber)
        lower.addWidget(self.state, 1)
        bottom = QWidget()
        bottom.setLayout(lower)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.timeline)
        self.split.addWidget(bottom)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 5)
        self.split.setSizes([260, 560])
        self.split.setChildrenCollapsible(False)
        page = QVBoxLayout(self.replay_page)
        page.setContentsMargins(0, 4, 0, 0)
        page.addWidget(self.split)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.replay_page, "Timeline and replay")
        self.tabs.addTab(self.debrief, "Debrief")
        self.tabs.addTab(self.terms, "Agreed terms")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        box.addLayout(top)
        box.addWidget(self.tabs, 1)

    def _wire(self) -> None:
        self.meeting.activated.connect(lambda _i: self.moments.choose(self.meeting.currentData()))
        self.tabs.currentChanged.connect(self._tab)
        for fmt, button in self.exports.items():
            button.clicked.connect(lambda _c=False, f=fmt: self.export_dialog(f))
        self.exporter.progress.connect(self._progress)
        self.exporter.done.connect(lambda _p, text: self._said(text, "agreed"))
        self.exporter.failed.connect(lambda _p, text: self._said(f"✗ {text}", "breach"))
        add_shortcut(self, "Escape", self.leave.emit)
        add_shortcut(self, "F5", self.moments.load)
        keys = (("Space", self.control.toggle),
                ("Ctrl+PgDown", lambda: self.state.step_issue(1)),
                ("Ctrl+PgUp", lambda: self.state.step_issue(-1)))
        for key, slot in keys:
            add_shortcut(self.replay_page, key, slot)

    def set_meetings(self, meetings: list[tuple[int, str]], chosen: int) -> None:
        """The meeting chooser's entries ((number, title) each) and the one chosen."""
        self.meeting.blockSignals(True)
        self.meeting.clear()
        self.meeting.addItem("All meetings", ALL_MEETINGS)
        for number, title in meetings:
            self.meeting.addItem(title, number)
        self.meeting.setCurrentIndex(max(self.meeting.findData(chosen), 0))
        self.meeting.blockSignals(False)

    # --- the window's hooks -----------------------------------------------------------------------

    def focus_entry(self) -> None:
        """Give the scrubber the keyboard (←/→ step, Space plays)."""
        self.tabs.setCurrentWidget(self.replay_page)
        self.scrubber.slider.setFocus(Qt.FocusReason.OtherFocusReason)

    def retheme(self) -> None:
        """The system theme changed."""
        self.moments.redraw_all()

    def shortcuts(self) -> list[tuple[str, str]]:
        """The view's keys, for the F1 overlay."""
        return [("Esc / Ctrl+1…4", "Back to a panel"),
                ("← / →  (scrubber)", "One act back / forward"),
                ("PgUp / PgDn, Home / End", "Ten acts; the start / the end"),
                ("Space", "Play / pause (1×, 4×, 16× meeting time)"),
                ("Ctrl+PgDown / Ctrl+PgUp", "Chart the next / previous issue"),
                ("F5", "Read the journal again"), ("Ctrl+S (debrief)", "Save the debrief"),
                *self.timeline.shortcuts()]

    def show_for_screenshot(self, seq: int | None, tab: str = "replay") -> None:
        """``caucus screenshot --view review [--at SEQ] [--tab …]``: the moment after act
        ``seq`` (in its meeting) and the tab named."""
        if seq is not None:
            self.moments.at_seq(seq)
            self.moments.settle()
        pages = {"replay": self.replay_page, "debrief": self.debrief, "terms": self.terms}
        self.tabs.setCurrentWidget(pages.get(tab, self.replay_page))

    # --- tabs, exports ----------------------------------------------------------------------------

    def _tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is self.debrief:
            self.debrief.load()
        elif widget is self.terms:
            self.terms.refresh()

    def export_dialog(self, fmt: str) -> None:
        """Ask where to write, then export (the dialog only picks the file)."""
        caption, pattern, suffix = FORMATS[fmt]
        name = "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.session.prep.title)
        path, _ = QFileDialog.getSaveFileName(self, caption, (name.strip() or "review") + suffix,
                                              pattern)
        if path:
            self.export(fmt, path)

    def export(self, fmt: str, path: str):
        """Write ``path`` in the background; progress shows beside the buttons."""
        future = self.exporter.export(fmt, path)
        self._said(f"writing {path}…", "muted")
        self.progress.setValue(0)
        self.progress.setVisible(True)
        return future

    def _progress(self, percent: int) -> None:
        self.progress.setValue(percent)

    def _said(self, text: str, role: str) -> None:
        self.progress.setVisible(self.exporter.busy)
        self.message.setText(text)
        styled(self.message, role)
        self.status.emit(text)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.moments.shown()

    def closeEvent(self, event) -> None:
        self.control.pause()
        self.moments.close()
        self.exporter.close()
        super().closeEvent(event)
