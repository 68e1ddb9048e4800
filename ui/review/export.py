"""Exports of the review: the report as PDF (with progress), the journal as CSV, the scenario as
JSON. Each runs on a worker thread; ``progress(percent)``, ``done(path, message)`` and
``failed(path, message)`` arrive on the UI thread. Nothing here is modal.

While room-safe is on, the PDF leaves the confidential values out (``room_safe=True``), and the
CSV and the scenario — which cannot leave them out — are refused with a message saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from app import scenario
from app.errors import CaucusError

FORMATS = {
    "pdf": ("Export report (PDF)", "PDF report (*.pdf)", ".pdf"),
    "csv": ("Export journal (CSV)", "CSV (*.csv)", ".csv"),
    "json": ("Export scenario (JSON)", "Caucus scenario (*.json)", ".json"),
}


def progress_percent(*args: float) -> int:
    """A percentage from what a writer reports: ``(done, total)``, a fraction, or a percent."""
    if len(args) >= 2:
        done, total = args[0], args[1]
        return int(100 * done / total) if total else 100
    value = float(args[0]) if args else 0.0
    return int(round(value * 100 if value <= 1.0 else value))


class Exporter(QObject):
    """Writes one export at a time for a session, off the UI thread."""

    progress = Signal(int)
    done = Signal(str, str)  # path, message
    failed = Signal(str, str)  # path, message
    _finished = Signal(object)
    _moved = Signal(int)

    def __init__(self, session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caucus-export")
        self._jobs: dict[Future, tuple[str, str, bool]] = {}
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._moved.connect(self.progress, Qt.ConnectionType.QueuedConnection)
        if parent is not None:
            parent.destroyed.connect(lambda *_: self._pool.shutdown(wait=False))

    @property
    def busy(self) -> bool:
        """True while an export runs."""
        return bool(self._jobs)

    def close(self) -> None:
        """Wait for an export in flight, then stop the worker."""
        self._pool.shutdown(wait=True)

    def export(self, fmt: str, path: str) -> Future | None:
        """Start writing ``path`` in ``fmt`` (``pdf``, ``csv``, ``json``); None if refused."""
        room_safe = self.session.room_safe
        if room_safe and fmt != "pdf":
            self.failed.emit(path, f"not exported: a {fmt.upper()} export holds the confidential "
                                   "values; turn room-safe off (F12) first")
            return None
        acts = list(self.session.acts)
        job = self._job(fmt, path, acts, room_safe)
        self.progress.emit(0)
        future = self._pool.submit(job)
        self._jobs[future] = (fmt, path, room_safe)
        future.add_done_callback(self._finished.emit)
        return future

    def _job(self, fmt: str, path: str, acts: list, room_safe: bool) -> Callable[[], None]:
        from app import report  # reportlab loads on the first export, not with the view

        if fmt == "pdf":
            return lambda: report.write_pdf(path, acts, progress=self._report, room_safe=room_safe)
        if fmt == "csv":
            return lambda: report.write_csv(path, acts)
        return lambda: scenario.write_json(path, scenario.export_scenario(acts))

    def _report(self, *args: float) -> None:
        self._moved.emit(progress_percent(*args))  # from the worker thread: queued

    def _on_finished(self, future: Future) -> None:
        fmt, path, room_safe = self._jobs.pop(future, ("", "", False))
        error = future.exception()
        if error is not None:
            kind = "" if isinstance(error, (CaucusError, OSError)) else "unexpected error: "
            self.failed.emit(path, f"not exported: {kind}{error}")
            return
        self.progress.emit(100)
        safe = (" — room-safe: target, walk-away, BATNA, limits and the forecast are left out"
                if room_safe else "")
        self.done.emit(path, f"exported {Path(path).name}{safe}")
