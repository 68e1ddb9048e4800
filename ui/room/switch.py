"""The view switch of room-safe: what the main window does differently while the room can see it.

``RoomSwitch.apply(on)`` shows the room view (``ui.room.view``, fed with the session's public view)
in place of the window's own page, or that page again. While on, it lends the lead's quick-entry
line to the room view (its text and keyboard kept; refusals worded by ``app.public``), redraws the
room view as acts arrive, words every dialog a panel opens for the room (or holds it back until
off), keeps the status line to ``app.public``'s wordings (the message it replaced shows when off),
saves the notes typed in the room view's hidden line, and writes the room's PDF and CSV.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog

from app import public
from ui.room.export import RoomExport
from ui.widgets.quickentry import QuickEntry

REFRESH_MS = 30  # acts arriving together are drawn once


class RoomSwitch(QObject):
    """The room view of one main window and everything that changes with it."""

    def __init__(self, window):
        super().__init__(window)
        self.window, self.session = window, window.session
        self.on = False
        self.room = None  # the room view, built on first use
        self._lent: tuple | None = None  # (line, its layout, its place) while the room has it
        self._held: list[QDialog] = []  # dialogs put away while on
        self._held_message: str | None = None  # the status line's message it replaced
        self._note_write = None  # the note typed in the room view, while it is saved
        self._said: set[str] = set(public.WORDINGS)  # status texts the room may read
        self._export = None  # ui.room.export.RoomExport, on first use
        self.timer = QTimer(self, singleShot=True, interval=REFRESH_MS, timeout=self._draw)
        s = self.session
        for signal in (s.acts_added, s.preparation_changed, s.reloaded):
            signal.connect(self._changed)
        s.write_done.connect(self._written)
        s.write_failed.connect(self._failed)
        window.statusBar().messageChanged.connect(self._status_changed)

    def apply(self, on: bool) -> None:
        """Show the room view (``on``) or the window's own page again."""
        self.on = on
        pages = self.window.pages
        if on:
            room = self._room_view()
            room.show_view(self.session.public_view())
            self._lend_line(room)
            pages.setCurrentWidget(room)
        else:
            self._return_line()
            pages.setCurrentWidget(self.window.team_page)
        self._police_dialogs()
        if on:
            self.room.focus_entry()
        elif self._held_message:
            self.window.statusBar().showMessage(self._held_message, 15000)
            self._held_message = None

    def _room_view(self):
        if self.room is None:
            from ui.room.view import RoomView  # a start-up cost (pyqtgraph) only once it shows

            self.room = RoomView()
            self.room.leave.connect(lambda: self.window.set_room_safe(False))
            self.room.note_entered.connect(self._note)
            self.room.keys = getattr(self._role_panel(), "tag_key", None)
            self.window.pages.addWidget(self.room)
        return self.room

    def _role_panel(self):
        return self.window.panels.get(self.session.role)

    # --- the lead's line --------------------------------------------------------------------------

    def _lend_line(self, room) -> None:
        line = getattr(self._role_panel(), "entry", None)
        if not isinstance(line, QuickEntry):
            room.host_line(None)
            return
        layout = line.parentWidget().layout()
        self._lent = (line, layout, layout.indexOf(line))
        layout.removeWidget(line)  # out of the panel's layout before it moves (never in two)
        line.cover((public.REFUSED, public.HELD))
        room.host_line(line)

    def _return_line(self) -> None:
        if self._lent is not None:
            line, layout, index = self._lent
            self._lent = None
            self.room.release_line(line)
            layout.insertWidget(index, line)
            line.cover(None)

    # --- following the session --------------------------------------------------------------------

    def _changed(self, *_: object) -> None:
        if self.on and not self.timer.isActive():
            self.timer.start()

    def _draw(self) -> None:
        if self.on:
            self.room.show_view(self.session.public_view())
            self.window.retitle()

    def _note(self, topic: str, text: str) -> None:
        """A note typed in the room view's hidden line: saved like any other."""
        self._note_write = self.session.log("note", {"text": text, "topic": topic})

    def _written(self, future: object, _result: object) -> None:
        if future is not None and future is self._note_write:
            self._note_write = None
            self.room.note_saved()

    def _failed(self, future: object, _message: str) -> None:
        if future is not None and future is self._note_write:
            self._note_write = None  # the note line keeps its text; the status line says it

    # --- dialogs and the status line --------------------------------------------------------------

    def police(self, dialog: QDialog) -> None:
        """A dialog a panel opens: one that can word itself for the room (``cover``) does so
        while on; any other waits, hidden, until off."""
        cover = getattr(dialog, "cover", None)
        if callable(cover):
            cover(self.on)
        elif self.on and dialog.isVisible():
            dialog.hide()
            self._held.append(dialog)

    def _police_dialogs(self) -> None:
        dialogs = self.window.findChildren(QDialog)
        if self.on:
            for dialog in dialogs:
                if dialog.isVisible() or callable(getattr(dialog, "cover", None)):
                    self.police(dialog)
            return
        for dialog in dialogs:
            if callable(getattr(dialog, "cover", None)):
                dialog.cover(False)
        held, self._held = self._held, []
        for dialog in held:
            dialog.show()

    def _status_changed(self, text: str) -> None:
        if not self.on or not text or text in self._said or _progress(text):
            return
        self._held_message = text
        self.say(public.REFUSED if text.startswith("✗") else public.HELD)

    def say(self, text: str, ms: int = 15000) -> None:
        """Put ``text`` in the status line as it is: only for texts that ``app.public`` words,
        or that name what the room may see."""
        self._said = {*list(self._said)[-20:], text}
        self.window.statusBar().showMessage(text, ms)

    def export(self, fmt: str) -> None:
        """File → Export while on: the room's PDF or CSV."""
        if self._export is None:
            self._export = RoomExport(self.session, self.window, self.say)
        self._export.ask(fmt)


def _progress(text: str) -> bool:
    """True for the status line's own progress words, which say nothing private."""
    return text == "saved" or text.startswith("saving…")
