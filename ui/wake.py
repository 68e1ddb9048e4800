"""``Waker``: the Qt side of a change feed's wake source (``app.feed.wake_source``).

A ``FileWake`` (a SQLite workspace) becomes a ``QFileSystemWatcher`` on the ``-wal`` file and its
folder: a commit writes the ``-wal`` file; the folder says when the ``-wal`` file is created again
after the last connection removed it (a watcher forgets a file once it is deleted or replaced, so
it is watched again as soon as it is back). A ``SocketWake`` (a server's notifications) becomes a
``QSocketNotifier``. Either way the waker emits ``woken``, and the session asks the feed what is
new: an event says "look", never what changed.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QFileSystemWatcher, QObject, QSocketNotifier, Signal

from app.feed import FileWake, SocketWake, WakeSource


class Waker(QObject):
    """Emits ``woken`` when the feed's wake source says something may have been committed."""

    woken = Signal()

    def __init__(self, source: WakeSource, parent: QObject | None = None):
        super().__init__(parent)
        self.source = source
        self.watcher: QFileSystemWatcher | None = None
        self.notifier: QSocketNotifier | None = None
        if isinstance(source, FileWake):
            self.watcher = QFileSystemWatcher(self)
            self.watcher.addPaths([f for f in source.folders if os.path.isdir(f)])
            self._watch_files()
            # a write: straight on, signal to signal (no Python on the way); a file removed or
            # replaced leaves the watch, and its folder's event takes it up again once back
            self.watcher.fileChanged.connect(self.woken)
            self.watcher.directoryChanged.connect(self._folder_changed)
        elif isinstance(source, SocketWake):
            self.notifier = QSocketNotifier(source.fileno, QSocketNotifier.Type.Read, self)
            self.notifier.activated.connect(self._readable)
        else:
            raise TypeError(f"no waker for {type(source).__name__}")

    def watched(self) -> list[str]:
        """The files and folders watched now (for tests and diagnostics)."""
        if self.watcher is None:
            return []
        return sorted(self.watcher.files() + self.watcher.directories())

    def close(self) -> None:
        """Stop watching."""
        if self.watcher is not None:
            paths = self.watcher.files() + self.watcher.directories()
            if paths:
                self.watcher.removePaths(paths)
        if self.notifier is not None:
            self.notifier.setEnabled(False)

    def _watch_files(self) -> None:
        """Watch the files of the source that exist and are not watched (again, once recreated)."""
        watched = set(self.watcher.files())
        missing = [f for f in self.source.files if f not in watched and os.path.exists(f)]
        if missing:
            self.watcher.addPaths(missing)

    def _folder_changed(self, _path: str) -> None:
        self._watch_files()
        self.woken.emit()

    def _readable(self, *_: object) -> None:
        self.source.drain()
        self.woken.emit()
