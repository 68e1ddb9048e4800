"""Small widgets every panel uses: cards, big numbers, and labels that hide confidential figures."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui import theme


def fmt(value: Decimal | str | None, unit: str | None = None, currency: str | None = None) -> str:
    """A number with its unit (and the currency when the unit is money), never a bare figure."""
    if value is None:
        return "—"
    text = format(Decimal(str(value)), "f")
    if unit:
        if currency and unit.upper().startswith(currency.upper()):
            return f"{text} {unit}"
        return f"{text} %" if unit == "%" else f"{text} {unit}"
    return f"{text} {currency}" if currency else text


class Card(QFrame):
    """A titled box."""

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("card", True)
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(8, 6, 8, 6)
        self.title = QLabel(title)
        self.title.setProperty("role", "muted")
        if title:
            self.box.addWidget(self.title)


class ConfidentialLabel(QLabel):
    """A label whose text (and tooltip) is masked while the session is room-safe."""

    def __init__(self, session, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._secret, self._tip = text, ""
        self._session = session
        session.room_safe_changed.connect(self._refresh)
        self._refresh()

    def set_secret(self, text: str, tooltip: str = "") -> None:
        """Set the real text; it shows only when room-safe is off."""
        self._secret, self._tip = text, tooltip
        self._refresh()

    def _refresh(self, *_: object) -> None:
        hidden = self._session.room_safe
        self.setText(theme.CONFIDENTIAL_MASK if hidden and self._secret else self._secret)
        self.setToolTip("" if hidden else self._tip)
