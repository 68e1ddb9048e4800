"""The join phrase in the console: the banner that says when confidential figures are locked on this
computer, or when there is no usable keychain (never a silent fallback); the dialog that takes a
teammate's join phrase; and the one that shows a new workspace's phrase to its creator, once.

The phrase typed or shown here goes to ``Workspace.unlock`` (and from there to the keychain when
one is usable) or to the clipboard on request; it is never logged, put in a message, or kept by
these widgets once they are done with it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import keychain
from app.errors import InvalidInput
from app.keychain import KeychainUnavailable
from app.workspace import Workspace
from ui import theme

LOCKED_TEXT = "Confidential figures are locked on this computer."
NOT_REMEMBERED = ("No usable keychain: the join phrase and your member key are held for this "
                  "session only and not remembered (--phrase-file and --key-file bring them next "
                  "time).")


def keychain_trouble() -> str | None:
    """Why this computer's keychain cannot keep the join phrase, or None when it can.

    Asked of the keychain itself (one read of an entry that does not exist): the workspace may have
    been opened with a phrase given another way, or its problem may be a stored phrase that does
    not fit, which says nothing about the keychain."""
    return keychain.problem()


class KeyBanner(QFrame):
    """A strip under the header: "locked … [Enter join phrase…]" while this computer lacks the
    key, and, all session long, "No usable keychain …" in the warning colour when there is none.
    Hidden when neither applies."""

    join_requested = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.trouble = keychain_trouble()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 2, 0, 2)
        box.setSpacing(2)
        self.locked_row = QWidget()
        row = QHBoxLayout(self.locked_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.locked = QLabel()
        self.join_button = QPushButton("Enter join phrase…")
        self.join_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the entry line keeps the keys
        self.join_button.setToolTip("Type the 12-word join phrase the workspace's creator gave "
                                    "you, to read and change the confidential figures")
        self.join_button.clicked.connect(self.join_requested)
        row.addWidget(self.locked)
        row.addWidget(self.join_button)
        row.addStretch(1)
        self.keychain = QLabel(NOT_REMEMBERED)
        self.keychain.setProperty("role", "warning")
        self.keychain.setWordWrap(True)
        box.addWidget(self.locked_row)
        box.addWidget(self.keychain)
        self.refresh()

    def refresh(self) -> None:
        """Show what applies now (after the phrase is entered, only the keychain line stays)."""
        locked = not self.ws.unlocked
        problem = self.ws.keychain_problem
        detail = f" ({problem})" if problem and self.trouble is None else ""
        self.locked.setText(f"{LOCKED_TEXT}{detail}")
        self.locked_row.setVisible(locked)
        self.keychain.setVisible(self.trouble is not None)
        self.keychain.setToolTip(self.trouble or "")
        self.setVisible(locked or self.trouble is not None)

    def keychain_failed(self, reason: str) -> None:
        """Remembering the phrase failed after all: say so from now on."""
        self.trouble = reason
        self.refresh()


class JoinDialog(QDialog):
    """Type the join phrase. A wrong one is refused in place, keeping the text; a right one
    unlocks the workspace (remembered in the keychain when one is usable) and closes the dialog.
    Open it with ``open()`` (window-modal, the event loop keeps running)."""

    def __init__(self, ws: Workspace, remember: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.remember = remember
        self.remembered = False  # after a success: whether the keychain kept it
        self.problem: str | None = None  # after a success: why the keychain did not keep it
        self.setWindowTitle("Join this workspace")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 46)
        box = QVBoxLayout(self)
        head = QLabel("Enter the join phrase")
        head.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        box.addWidget(head)
        keep = ("It is kept in this computer's keychain, so you enter it once." if remember
                else "There is no usable keychain here: it is held for this session only and not "
                     "remembered.")
        text = QLabel("The 12 words the workspace's creator handed you. With them this computer "
                      f"can read and change the confidential figures. {keep}")
        text.setWordWrap(True)
        box.addWidget(text)
        self.line = QLineEdit()
        self.line.setPlaceholderText("twelve words, separated by spaces")
        self.line.setFont(theme.scaled_font(self.font(), 1.15))
        self.line.textEdited.connect(self._edited)
        box.addWidget(self.line)
        self.error = QLabel()
        self.error.setProperty("role", "breach")
        self.error.setWordWrap(True)
        self.error.hide()
        box.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.join_button = buttons.addButton("Join", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.join_button.setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def _edited(self, *_: object) -> None:
        if self.error.isVisible():
            self.error.hide()
            self._invalid(False)

    def _invalid(self, on: bool) -> None:
        self.line.setProperty("invalid", on)
        self.line.style().unpolish(self.line)
        self.line.style().polish(self.line)

    def submit(self) -> None:
        """Check the phrase against the workspace; unlock, or say what is wrong."""
        try:
            self.ws.unlock(self.line.text(), remember=self.remember)
        except InvalidInput as exc:  # nothing was stored; the typed text stays
            message = str(exc)
            self.error.setText(f"✗ {message[:1].upper()}{message[1:]}")
            self.error.show()
            self.resize(self.width(), max(self.height(), self.sizeHint().height()))  # room for it
            self._invalid(True)
            self.line.setFocus()
            return
        except KeychainUnavailable as exc:  # unlocked for this session, not remembered
            self.problem = str(exc)
        else:
            self.remembered = self.remember
        self.line.clear()  # the phrase is not kept in the widget
        self.accept()


class PhraseDialog(QDialog):
    """A new workspace's join phrase, shown to its creator once: whether the keychain keeps it,
    and a Copy button. Before any meeting: a modal dialog is fine here."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        theme.update()
        self.setStyleSheet(theme.stylesheet())  # shown before the window: colour roles of its own
        self.setWindowTitle("Caucus — your join phrase")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 46)
        self._phrase = ws.created_phrase or ""
        box = QVBoxLayout(self)
        head = QLabel("This workspace's join phrase")
        head.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        box.addWidget(head)
        intro = QLabel("Hand these 12 words to your teammates, in person or by a channel you "
                       "trust: entering them lets their computer read the confidential figures "
                       "(targets, walk-aways, BATNA, limits, the plan).")
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.words = QLabel(self._phrase)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.words.setFont(theme.scaled_font(font, 1.3, bold=True))
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.setFrameShape(QFrame.Shape.StyledPanel)
        self.words.setContentsMargins(8, 8, 8, 8)
        box.addWidget(self.words)
        if ws.phrase_stored:
            where = "It is stored in this computer's keychain: you will not be asked for it here."
            role = "muted"
        else:
            where = ("It is NOT stored: this computer has no usable keychain. Write it down; "
                     "nobody can read the confidential figures without it.")
            role = "warning"
        self.stored = QLabel(where)
        self.stored.setProperty("role", role)
        self.stored.setWordWrap(True)
        if not ws.phrase_stored and ws.keychain_problem:
            self.stored.setToolTip(ws.keychain_problem)
        box.addWidget(self.stored)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the phrase to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        self.ok_button = QPushButton("I have noted it")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        row.addWidget(self.copy_button)
        row.addStretch(1)
        row.addWidget(self.ok_button)
        box.addLayout(row)

    def copy(self) -> None:
        """Put the phrase on the clipboard (the one place it goes besides the screen)."""
        QGuiApplication.clipboard().setText(self._phrase)
        self.copy_button.setText("Copied")


def show_created_phrase(ws: Workspace | None, parent: QWidget | None = None) -> bool:
    """When this process created ``ws`` (and its join phrase), show the phrase once, modally;
    True if it was shown."""
    if ws is None or not ws.created_phrase or getattr(ws, "_phrase_shown", False):
        return False
    ws._phrase_shown = True
    PhraseDialog(ws, parent).exec()
    return True
