"""Editors that say "locked" (read-only) while what they hold is sealed to this computer, and the
label that shows a field's problem beside it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from ui.widgets.common import LOCKED, LOCKED_TIP


class _Lockable:
    """What both secret editors share: "locked" (empty, read-only, saying how to see it) while
    their figure is sealed to this computer (no join phrase)."""

    _locked = False
    _hint = ""
    _tip = ""

    def set_locked(self, on: bool) -> None:
        """Show the field as sealed (``on``), or as an ordinary editor again."""
        if on == self._locked:
            return
        if on:
            self.set_value("")
            self._hint, self._tip = self.placeholderText(), self.toolTip()
            self.setPlaceholderText(LOCKED)
            self.setToolTip("\n".join(t for t in (self._tip, LOCKED_TIP) if t))
        else:
            self.setPlaceholderText(self._hint)
            self.setToolTip(self._tip)
        self._locked = on
        self.set_editable(self._enabled)

    def is_locked(self) -> bool:
        """True while the field shows a sealed figure."""
        return self._locked


class SecretEdit(_Lockable, QLineEdit):
    """A line edit of a field that may be sealed (``secret``: a confidential figure)."""

    def __init__(self, secret: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.secret = secret
        self._enabled = True

    def value(self) -> str:
        """The text the user typed (or that was loaded)."""
        return self.text()

    def set_value(self, text: str) -> None:
        """Load ``text``."""
        self.setText(text)

    def set_editable(self, on: bool) -> None:
        """Enable or disable editing (stays read-only while sealed)."""
        self._enabled = on
        self.setEnabled(on and not self._locked)


class SecretText(_Lockable, QPlainTextEdit):
    """A multi-line text that may be sealed (for the BATNA)."""

    textEdited = Signal()  # noqa: N815 - mirrors QLineEdit

    def __init__(self, secret: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.secret = secret
        self._enabled = True
        self._loading = False
        self.textChanged.connect(self._changed)

    def _changed(self) -> None:
        if not self._loading:
            self.textEdited.emit()

    def text(self) -> str:
        """The shown text."""
        return self.toPlainText()

    def value(self) -> str:
        """The text."""
        return self.toPlainText()

    def set_value(self, text: str) -> None:
        """Load ``text`` without counting as an edit."""
        self._loading = True
        self.setPlainText(text)
        self._loading = False

    def set_editable(self, on: bool) -> None:
        """Enable or disable editing (read-only while sealed)."""
        self._enabled = on
        self.setReadOnly(not on or self._locked)
        self.setEnabled(on and not self._locked)


class ErrorLabel(QLabel):
    """The problem beside one field; hidden while there is none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "breach")
        self.setWordWrap(True)
        self.hide()

    def set_message(self, message: str) -> None:
        """Show ``message`` (empty: hide)."""
        self.setText(message)
        self.setVisible(bool(message))

    def message(self) -> str:
        """The problem shown."""
        return self.text()
