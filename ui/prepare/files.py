"""File → Import scenario… / Export scenario…: a negotiation as a ``caucus-scenario/1`` file.

Import adds the file's negotiation to this workspace (through the same services the console uses,
all or nothing) on a worker thread, then offers to open it; a refused file lists every problem by
its JSON path. Export writes this negotiation atomically (``app.scenario.write_json``) — never while
the confidential figures are locked here (it would lack them), which the status line says instead.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app import scenario
from app.errors import CaucusError, InvalidInput

FILTER = "Caucus scenario (*.json);;All files (*)"
LOCKED_REFUSAL = ("The confidential figures are locked on this computer: enter the join phrase "
                  "(Edit → Join this workspace…) to export the full preparation")


class ProblemsDialog(QDialog):
    """Every problem of a refused file, one per line, with its JSON path (not modal)."""

    def __init__(self, path: str, problems: list, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Scenario not imported")
        box = QVBoxLayout(self)
        head = QLabel(f"{Path(path).name} was not imported — nothing was written. "
                      f"{len(problems)} problem(s):")
        head.setWordWrap(True)
        box.addWidget(head)
        self.list = QListWidget()
        self.list.addItems([str(p) for p in problems])
        box.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        box.addWidget(buttons)
        self.resize(720, 360)


class ScenarioFiles(QObject):
    """The File menu's two commands for one window."""

    imported = Signal(int, str)  # negotiation id, title
    refused = Signal(str, list)  # path, problems
    _finished = Signal(object)  # the import's Future (from the worker thread)

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.windows: list = []  # windows opened on imported negotiations
        self.dialog: ProblemsDialog | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caucus-import")
        self._paths: dict[Future, str] = {}
        self._finished.connect(self._done, Qt.ConnectionType.QueuedConnection)
        window.destroyed.connect(lambda *_: self._pool.shutdown(wait=False))

    @property
    def session(self):
        """The window's session."""
        return self.window.session

    # --- import ---------------------------------------------------------------------------------

    def import_dialog(self) -> None:
        """Ask for a file and import it."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Import scenario", "", FILTER)
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> Future:
        """Import ``path`` as a new negotiation of this workspace, off the UI thread."""
        self.window.statusBar().showMessage(f"importing {Path(path).name}…")
        future = self._pool.submit(self._import, path)
        self._paths[future] = path
        future.add_done_callback(self._finished.emit)
        return future

    def _import(self, path: str) -> tuple[int, str]:
        data = scenario.load(path)
        ws = self.session.ws
        with ws.unit(auto_ids=False) as unit:
            negotiation = scenario.import_scenario(unit, data)
        return negotiation, ws.preparation(negotiation).title

    def _done(self, future: Future) -> None:
        path = self._paths.pop(future, "")
        error = future.exception()
        if error is None:
            negotiation, title = future.result()
            self.window.statusBar().showMessage(f"imported “{title}”", 8000)
            self.imported.emit(negotiation, title)
            self._offer_to_open(negotiation, title)
            return
        if isinstance(error, InvalidInput):
            problems = error.problems
        else:
            kind = "" if isinstance(error, CaucusError) else "unexpected error: "
            problems = [f"{kind}{error}"]
        self.window.statusBar().showMessage(f"✗ {Path(path).name} not imported", 15000)
        self.refused.emit(path, problems)
        self.dialog = ProblemsDialog(path, problems, self.window)
        self.dialog.show()

    def _offer_to_open(self, negotiation: int, title: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Scenario imported",
                          f"“{title}” is now a negotiation of this workspace.",
                          QMessageBox.StandardButton.Close, self.window)
        open_button = box.addButton("Open it in a new window",
                                    QMessageBox.ButtonRole.AcceptRole)
        open_button.clicked.connect(lambda: self.open(negotiation))
        box.setModal(False)
        box.show()
        self.message = box

    def open(self, negotiation: int):
        """A new window on ``negotiation``, as this user if on its team, else in this role."""
        from ui.main import open_window, pick_member

        ws, role = self.session.ws, self.session.role
        member = pick_member(ws, negotiation, role, self.session.member)
        role = ws.preparation(negotiation).team[member].role
        window = open_window(ws, negotiation, member, role)
        window.resize(self.window.size())
        window.show()
        self.windows.append(window)
        return window

    # --- export ---------------------------------------------------------------------------------

    def export_refusal(self) -> str | None:
        """Why the scenario cannot be exported now (it would lack the confidential figures), or
        None."""
        if not self.session.unlocked:
            return LOCKED_REFUSAL
        return None

    def export_dialog(self) -> None:
        """Ask where to write, then export (refused in the status line while locked here)."""
        refused = self.export_refusal()
        if refused is not None:
            self.window.statusBar().showMessage(f"✗ not exported: {refused}", 15000)
            return
        name = "".join(c if c.isalnum() or c in "-_ " else "_" for c in self.session.prep.title)
        path, _ = QFileDialog.getSaveFileName(self.window, "Export scenario",
                                              f"{name.strip() or 'negotiation'}.json", FILTER)
        if path:
            self.export_file(path)

    def export_file(self, path: str) -> bool:
        """Write this negotiation's scenario to ``path`` atomically; False (and why) if not."""
        refused = self.export_refusal()
        if refused is not None:
            self.window.statusBar().showMessage(f"✗ not exported: {refused}", 15000)
            return False
        try:
            data = scenario.export_scenario(self.session.ws.acts(self.session.negotiation))
            scenario.write_json(path, data)
        except (OSError, CaucusError) as exc:
            self.window.statusBar().showMessage(f"✗ not exported: {exc}", 15000)
            return False
        self.window.statusBar().showMessage(f"exported to {path}", 8000)
        return True
