"""Exports: the report as PDF (with progress), the journal as CSV, the scenario as JSON — the
team's, or with ``public`` the room's PDF and CSV (``app.report_public``: only what both sides
know). Each runs on a worker thread; ``progress(percent)``, ``done(path, message)`` and
``failed(path, message)`` arrive on the UI thread. Nothing here is modal.
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
        self._jobs: dict[Future, str] = {}
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

    def export(self, fmt: str, path: str, public: bool = False) -> Future:
        """Start writing ``path`` in ``fmt`` (``pdf``, ``csv``, ``json``); ``public``: the
        room's PDF or CSV."""
        acts = list(self.session.acts)
        job = self._job(fmt, path, acts, public)
        self.progress.emit(0)
        future = self._pool.submit(job)
        self._jobs[future] = path
        future.add_done_callback(self._finished.emit)
        return future

    def _job(self, fmt: str, path: str, acts: list, public: bool) -> Callable[[], None]:
        from app import report  # reportlab loads on the first export, not with the view

        if fmt == "pdf":
            write = report.write_public_pdf if public else report.write_pdf
            return lambda: write(path, acts, progress=self._report)
        if fmt == "csv":
            return lambda: (report.write_public_csv if public else report.write_csv)(path, acts)
        return lambda: scenario.write_json(path, scenario.export_scenario(acts))

    def _report(self, *args: float) -> None:
        self._moved.emit(progress_percent(*args))  # from the worker thread: queued

    def _on_finished(self, future: Future) -> None:
        path = self._jobs.pop(future, "")
        error = future.exception()
        if error is not None:
            kind = "" if isinstance(error, (CaucusError, OSError)) else "unexpected error: "
            self.failed.emit(path, f"not exported: {kind}{error}")
            return
        self.progress.emit(100)
        self.done.emit(path, f"exported {Path(path).name}")
