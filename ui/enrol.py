"""Member keys in the console: the strip that tells a member who cannot act here why and what to
do, and the one that says the workspace file went away.

A member with no key on this computer gets one made (kept in the keychain; with none, for this
session). Not enrolled: their enrolment code, a Copy button, and — when a lead's key is on this
computer too — "Enrol me, signed by <lead>". Enrolled with a key this computer does not hold: say
so. The policy is the services' (``app.enrolment``); this only reflects it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.enrolment import Enrolment, enrol_here, enrolment
from app.errors import CaucusError
from ui import theme
from ui.session import Session


class EnrolBanner(QFrame):
    """Shown while this member's acts would be refused here for want of an enrolled key."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.status: Enrolment | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 2, 0, 2)
        self.text = QLabel()
        self.text.setProperty("role", "warning")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.text)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.code = QLabel()  # grouped in fours, in a fixed font: to read aloud or type
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.code.setFont(theme.scaled_font(fixed, 1.1, bold=True))
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.code)
        self.copy_button = QPushButton("Copy my code")
        self.copy_button.setToolTip("Copy your enrolment code, to send it to the lead")
        self.copy_button.clicked.connect(self.copy)
        self.enrol_button = QPushButton()
        self.enrol_button.clicked.connect(self.enrol)
        for button in (self.copy_button, self.enrol_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the entry line keeps the keys
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        self._pending = None  # the enrolment in flight, if any
        session.preparation_changed.connect(self.refresh)
        session.reloaded.connect(self.refresh)
        session.write_done.connect(self._written)
        session.write_failed.connect(self._refused)
        self.refresh()

    def refresh(self) -> None:
        """Say where this member stands (hidden when their acts are accepted here)."""
        s = self.session
        try:
            self.status = enrolment(s.ws, s.negotiation, s.member, create=True)
        except CaucusError as exc:
            self.status = None
            self.text.setText(f"Your signing key could not be prepared: {exc}")
            self.setVisible(True)
            return
        status = self.status
        self.setVisible(not status.can_act)
        if status.can_act:
            return
        if status.enrolled:
            self.text.setText(
                f"{s.member} is enrolled with another key ({status.enrolled_as}…), which this "
                "computer does not hold, so Caucus refuses entries in that name here. Work where "
                "that key is (or pass its --key-file), or ask the lead to enrol this computer's "
                "code instead:")
        else:
            self.text.setText(
                f"You ({s.member}) are not enrolled in this team yet, so Caucus refuses your "
                "entries: they could not be told from anyone else's. Read or send your enrolment "
                "code to the lead, who enters it in Prepare → Team:")
        if s.ws.signers.unsaved and status.code in {k.code for k in s.ws.signers.unsaved.values()}:
            self.text.setText(self.text.text()[:-1] + " (with no usable keychain this key lasts "
                              "for this session only: start Caucus with --key-file to keep one):")
        self.code.setText(status.code or "")
        lead = status.lead_here
        self.enrol_button.setVisible(lead is not None)
        self.enrol_button.setText(f"Enrol me, signed by {lead} (here)" if lead else "")
        self.enrol_button.setToolTip(f"{lead}'s key is on this computer: enrol your code in "
                                     "their name, in one step" if lead else "")

    def copy(self) -> None:
        """Put the enrolment code on the clipboard (it is not secret)."""
        if self.status is not None and self.status.code:
            QGuiApplication.clipboard().setText(self.status.code)
            self.copy_button.setText("Copied")

    def enrol(self) -> None:
        """Enrol this member with the lead's key of this computer (on the writer thread)."""
        s = self.session
        self.enrol_button.setEnabled(False)
        self._pending = s.call(enrol_here, s.ws, s.negotiation, s.member)

    def _written(self, future: object, _result: object) -> None:
        if future is self._pending:
            self._pending = None
            self.enrol_button.setEnabled(True)
            self.refresh()

    def _refused(self, future: object, message: str) -> None:
        if future is self._pending:
            self._pending = None
            self.enrol_button.setEnabled(True)
            self.text.setText(f"Not enrolled: {message}")


class GoneBanner(QLabel):
    """The workspace file was deleted, moved or replaced: nothing more is written; say so."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "breach")
        self.setWordWrap(True)
        self.hide()
        session.file_gone.connect(self.show_gone)
        if session.gone:
            self.show_gone(session.gone)

    def show_gone(self, message: str) -> None:
        """Show why nothing more is saved."""
        self.setText(f"⚠ Not saving: {message}. What you type stays on screen.")
        self.show()
