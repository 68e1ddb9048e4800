"""File → Export while the room can see the screen: the room's PDF report and CSV
(``app.report_public``), written on a worker thread, the status line saying how far it is."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from ui.review.export import FORMATS, Exporter


class RoomExport(QObject):
    """Asks where to write the room's report or CSV, then writes it in the background."""

    def __init__(self, session, window, say):
        """``say(text, ms)`` puts a text the room may read in the status line."""
        super().__init__(window)
        self.window, self.say = window, say
        self.exporter = Exporter(session, self)
        self.exporter.progress.connect(lambda p: say(f"writing… {p} %", 0))
        self.exporter.done.connect(lambda _p, text: say(text, 8000))
        self.exporter.failed.connect(lambda path, _text: say(
            f"✗ {Path(path).name} not written: check the folder and try again", 15000))

    def ask(self, fmt: str) -> None:
        """The file dialog, then the export (``pdf`` or ``csv``; a scenario is the team's)."""
        if fmt not in ("pdf", "csv"):
            return
        caption, pattern, suffix = FORMATS[fmt]
        path, _ = QFileDialog.getSaveFileName(self.window, caption, "room-report" + suffix,
                                              pattern)
        if path:
            self.write(fmt, path)

    def write(self, fmt: str, path: str) -> None:
        """Write the room's ``fmt`` file at ``path``."""
        self.say(f"writing {Path(path).name}…", 0)
        self.exporter.export(fmt, path, public=True)
