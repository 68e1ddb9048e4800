"""Scrubbing and playing the meeting back: the scrubber bar (layout) and ``ReplayControl``
(behaviour).

The scrubber runs over the acts of the chosen meeting(s): its value ``k`` is how many acts of the
journal had been logged at that moment (``app.review.Replay.at(k)`` is the analysis then). ←/→
step one act, PgUp/PgDn ten, Home/End jump to the start and the end; Space plays and pauses.
Playing follows the meeting's own clock at 1×, 4× or 16× (``Replay.index_at``); the time between
two meetings is skipped.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QWidget,
)

from ui import theme

TICK_MS = 40
SPEEDS = (1, 4, 16)
MEETING_PAUSE_S = 2.0  # meeting time shown before the first act of the next meeting


class ReplayControl(QObject):
    """Where the replay stands (``k``) and the play clock. ``moved(k)`` after every change."""

    moved = Signal(int)
    playing_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.replay = None
        self.lo = self.hi = self.k = 0
        self.speed = 1
        self._acts: list = []
        self.times: list[float] = []  # each act's time (running max), by journal position
        self.meetings: list[int | None] = []
        self._clock = 0.0
        self._elapsed = QElapsedTimer()
        self._timer = QTimer(self, interval=TICK_MS, timeout=self._tick)

    def set_range(self, replay, acts: list, lo: int, hi: int) -> None:
        """Scrub ``replay`` over ``acts[lo:hi]`` (k from ``lo`` to ``hi``); starts at the end."""
        self.pause()
        self.replay, self.lo, self.hi = replay, lo, hi
        self._acts, self.times, self.meetings = acts, [], []  # read on the first play
        self.seek(hi)

    @property
    def playing(self) -> bool:
        """True while playing."""
        return self._timer.isActive()

    def seek(self, k: int) -> None:
        """Go to ``k`` (clipped to the range)."""
        k = min(max(int(k), self.lo), self.hi)
        if k != self.k:
            self.k = k
            self.moved.emit(k)

    def step(self, n: int) -> None:
        """``n`` acts forward (negative: back)."""
        self.pause()
        self.seek(self.k + n)

    def set_speed(self, speed: int) -> None:
        """Play at ``speed`` × meeting time."""
        self.speed = speed

    def toggle(self) -> None:
        """Play or pause."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        """Play from here (from the start when at the end)."""
        if self.replay is None or self.hi <= self.lo:
            return
        if self.k >= self.hi:
            self.seek(self.lo)
        if len(self.times) != len(self._acts):
            top = float("-inf")
            for act in self._acts:
                top = max(top, act.at.timestamp())
                self.times.append(top)
            self.meetings = [a.meeting for a in self._acts]
        self._clock = self.times[self.k - 1] if self.k > 0 else self.times[self.lo]
        self._elapsed.start()
        self._timer.start()
        self.playing_changed.emit(True)

    def pause(self) -> None:
        """Stop playing (where it stands)."""
        if self._timer.isActive():
            self._timer.stop()
            self.playing_changed.emit(False)

    def _tick(self) -> None:
        self._clock += self._elapsed.restart() / 1000.0 * self.speed
        k = self.k
        if k < self.hi and k > 0 and self.meetings[k] != self.meetings[k - 1]:
            # the next act opens another meeting: skip the days in between
            self._clock = max(self._clock, self.times[k] - MEETING_PAUSE_S)
        target = min(max(self.replay.index_at(self._clock), self.lo), self.hi)
        self.seek(max(target, k))
        if self.k >= self.hi:
            self.pause()


class QuietLabel(QWidget):
    """One line of muted text, cut with … to its room (whole in the tooltip), for text that
    changes at every replay step. It paints itself: a QLabel whose text changes asks the window
    for a new layout, and the window then paints everything again — at every step."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height() + 4)

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setToolTip(text)
            self.update()

    def text(self) -> str:
        return self._text

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("M") * 30, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("M") * 8, self.height())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(QColor(theme.muted()))
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight,
                                              self.width())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         shown)
        painter.end()


class ScrubberBar(QWidget):
    """Play, speed, the scrubber and where it stands; wired to a ``ReplayControl``."""

    def __init__(self, control: ReplayControl, parent: QWidget | None = None):
        super().__init__(parent)
        self.control = control
        self.play = QPushButton("▶ Play")
        self.play.setToolTip("Play the meeting back from here (Space)")
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed}×", speed)
        self.speed.setToolTip("Play at 1×, 4× or 16× meeting time")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("The moment shown: ← / → one act, PgUp / PgDn ten, Home / End")
        self.slider.setPageStep(10)
        # both lines change at every step: a fixed size keeps the view from being laid out (and
        # painted) again each time
        self.where = QLabel()
        self.where.setFixedSize(self.fontMetrics().horizontalAdvance(
            "preparing the replay… 100 % ·") + 8, self.fontMetrics().height() + 4)
        self.now = QuietLabel()
        for button in (self.play, self.speed):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.play)
        row.addWidget(self.speed)
        row.addWidget(self.slider, 3)
        row.addWidget(self.where)
        row.addWidget(self.now, 2)
        self.play.clicked.connect(control.toggle)
        self.speed.currentIndexChanged.connect(
            lambda _i: control.set_speed(self.speed.currentData()))
        self.slider.valueChanged.connect(self._slid)
        control.moved.connect(self._moved)
        control.playing_changed.connect(
            lambda on: self.play.setText("❚❚ Pause" if on else "▶ Play"))

    def set_range(self, lo: int, hi: int) -> None:
        """The slider's range (k from ``lo`` to ``hi``)."""
        self.slider.blockSignals(True)
        self.slider.setRange(lo, hi)
        self.slider.setValue(self.control.k)
        self.slider.blockSignals(False)

    def _slid(self, value: int) -> None:
        if value != self.control.k:
            self.control.pause()
            self.control.seek(value)

    def _moved(self, k: int) -> None:
        if self.slider.value() != k:
            self.slider.blockSignals(True)
            self.slider.setValue(k)
            self.slider.blockSignals(False)

    def describe(self, k: int, when: str, what: str) -> None:
        """Say where the replay stands: act number, time, and the act just logged."""
        done, total = k - self.control.lo, self.control.hi - self.control.lo
        self.where.setText(f"act {done:,} of {total:,} · {when}")
        self.now.setText(what)
