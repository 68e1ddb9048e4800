"""Editors that hide what they hold while the session is room-safe, and say "locked" (read-only)
while what they hold is sealed to this computer, and the label that shows a field's problem beside
it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from ui import theme
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
    """A line edit whose text is replaced by a mask (and locked) while the session is room-safe.

    ``value()`` is always the real text, masked or not; ``setText`` while masked updates the real
    text without showing it.
    """

    def __init__(self, secret: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.secret = secret
        self._masked = False
        self._real = ""
        self._enabled = True

    def value(self) -> str:
        """The text the user typed (or that was loaded), even while masked."""
        return self._real if self._masked else self.text()

    def set_value(self, text: str) -> None:
        """Load ``text`` (masked if room-safe is on)."""
        if self._masked:
            self._real = text
        else:
            self.setText(text)

    def set_editable(self, on: bool) -> None:
        """Enable or disable editing (stays read-only while masked or sealed)."""
        self._enabled = on
        self.setEnabled(on and not self._masked and not self._locked)

    def mask(self, on: bool) -> None:
        """Hide (or show again) the text, if this editor holds a confidential figure."""
        if not self.secret or on == self._masked:
            return
        if on:
            self._real = self.text()
            self._masked = True
            self.blockSignals(True)
            self.setText(theme.CONFIDENTIAL_MASK)
            self.blockSignals(False)
            self.setEnabled(False)
        else:
            self._masked = False
            self.blockSignals(True)
            self.setText(self._real)
            self.blockSignals(False)
            self.setEnabled(self._enabled and not self._locked)


class SecretText(_Lockable, QPlainTextEdit):
    """A multi-line text with the same masking as ``SecretEdit`` (for the BATNA)."""

    textEdited = Signal()  # noqa: N815 - mirrors QLineEdit

    def __init__(self, secret: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.secret = secret
        self._masked = False
        self._real = ""
        self._enabled = True
        self._loading = False
        self.textChanged.connect(self._changed)

    def _changed(self) -> None:
        if not self._loading and not self._masked:
            self.textEdited.emit()

    def text(self) -> str:
        """The shown text."""
        return self.toPlainText()

    def value(self) -> str:
        """The real text, even while masked."""
        return self._real if self._masked else self.toPlainText()

    def set_value(self, text: str) -> None:
        """Load ``text`` without counting as an edit."""
        if self._masked:
            self._real = text
            return
        self._loading = True
        self.setPlainText(text)
        self._loading = False

    def set_editable(self, on: bool) -> None:
        """Enable or disable editing (read-only while masked or sealed)."""
        self._enabled = on
        self.setReadOnly(not on or self._masked or self._locked)
        self.setEnabled(on and not self._masked and not self._locked)

    def mask(self, on: bool) -> None:
        """Hide (or show again) the text."""
        if not self.secret or on == self._masked:
            return
        self._loading = True
        if on:
            self._real = self.toPlainText()
            self._masked = True
            self.setPlainText(theme.CONFIDENTIAL_MASK)
        else:
            self._masked = False
            self.setPlainText(self._real)
        self._loading = False
        self.set_editable(self._enabled)


class ErrorLabel(QLabel):
    """The problem beside one field; hidden while there is none (and while room-safe: a message
    may quote a confidential figure)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "breach")
        self.setWordWrap(True)
        self._message = ""
        self._masked = False
        self.hide()

    def set_message(self, message: str) -> None:
        """Show ``message`` (empty: hide)."""
        self._message = message
        self._refresh()

    def message(self) -> str:
        """The problem shown (even while masked)."""
        return self._message

    def mask(self, on: bool) -> None:
        """Room-safe: keep the message but do not show it."""
        self._masked = on
        self._refresh()

    def _refresh(self) -> None:
        shown = bool(self._message)
        self.setText("" if self._masked else self._message)
        self.setVisible(shown)
        if self._masked and shown:
            self.setText("✗ a problem (hidden in room-safe)")
