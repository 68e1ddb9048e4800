"""Preparing the replay off the UI thread: ``Replay`` rolled to the end of the chosen meeting
(its checkpoints built on the way) and the chart's ``OfferArrays``.

The work starts at the first paint of the watched widget after ``start`` (or ``START_MS`` later
at the latest), so that the timeline shows first; at 100k acts it takes about a second, with
``progress(percent)`` on the way, then ``ready(replay, offers)`` — or ``failed(message)``. A new
``start`` makes the results of an earlier one be dropped.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from app.domain import Act
from app.review import Replay
from ui.review.chart import OfferArrays

PREPARE_CHUNK = 4096  # acts rolled between two progress reports
START_MS = 300  # the preparation starts at the first paint, or after this


class ReplayPreparer(QObject):
    """One preparation at a time for a view (``watched``)."""

    progress = Signal(int)
    ready = Signal(object, object)  # Replay, OfferArrays
    failed = Signal(str)
    _done = Signal(object)  # (generation, Replay or exception, OfferArrays), from the worker
    _moved = Signal(int, int)  # (generation, percent), from the worker

    def __init__(self, watched, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caucus-replay")
        self._generation = 0
        self._job: tuple[list[Act], int] | None = None
        self._timer = QTimer(self, singleShot=True, interval=START_MS, timeout=self._begin)
        self._done.connect(self._finished)
        self._moved.connect(self._progress)
        watched.installEventFilter(self)
        watched.destroyed.connect(lambda *_: self._pool.shutdown(wait=False,
                                                                 cancel_futures=True))

    def start(self, acts: list[Act], upto: int) -> None:
        """Prepare a replay of ``acts`` rolled to ``upto`` (soon; see the module)."""
        self._generation += 1
        self._job = (acts, upto)
        self._timer.start()

    def close(self) -> None:
        """Drop what is running and stop the worker."""
        self._generation += 1
        self._timer.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._timer.isActive():
            QTimer.singleShot(0, self._begin)
        return False

    def _begin(self) -> None:
        if self._job is None:
            return
        self._timer.stop()
        acts, upto = self._job
        self._job = None
        self._pool.submit(self._prepare, self._generation, acts, upto)

    def _prepare(self, generation: int, acts: list[Act], upto: int) -> None:
        """On the worker thread."""
        try:
            replay = Replay(acts)
            for k in range(0, upto, PREPARE_CHUNK):
                replay.at(k)
                self._moved.emit(generation, int(90 * k / max(upto, 1)))
            replay.at(upto)
            offers = OfferArrays(acts)
        except Exception as exc:  # noqa: BLE001 - said to the user, not swallowed
            self._done.emit((generation, exc, None))
            return
        self._done.emit((generation, replay, offers))

    def _progress(self, generation: int, percent: int) -> None:
        if generation == self._generation:
            self.progress.emit(percent)

    def _finished(self, result: tuple) -> None:
        generation, replay, offers = result
        if generation != self._generation:
            return  # started again meanwhile
        if isinstance(replay, Exception):
            self.failed.emit(str(replay))
        else:
            self.ready.emit(replay, offers)
