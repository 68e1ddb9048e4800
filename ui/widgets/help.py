"""F1: an overlay listing every shortcut. Not a dialog: it never takes the meeting's keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


class HelpOverlay(QFrame):
    """A translucent sheet over the window; F1 or Esc closes it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setStyleSheet("#helpOverlay { background: rgba(20, 20, 20, 215); }"
                           "#helpOverlay QLabel { color: white; }")
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Keyboard shortcuts  (F1 or Esc to close)")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        outer.addWidget(title)
        self.grid = QGridLayout()
        outer.addLayout(self.grid)
        self.entries: list[tuple[str, str]] = []
        self.hide()

    def set_entries(self, entries: list[tuple[str, str]]) -> None:
        """The (key, what it does) pairs to list."""
        self.entries = entries
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        half = (len(entries) + 1) // 2
        for n, (key, text) in enumerate(entries):
            col = 0 if n < half else 2
            key_label = QLabel(f"<b>{key}</b>")
            key_label.setTextFormat(Qt.TextFormat.RichText)
            self.grid.addWidget(key_label, n % half, col)
            self.grid.addWidget(QLabel(text), n % half, col + 1)

    def toggle(self) -> None:
        """Show or hide the overlay."""
        if self.isVisible():
            self.hide()
        else:
            self.setGeometry(self.parentWidget().rect())
            self.raise_()
            self.show()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1):
            self.hide()
        else:
            super().keyPressEvent(event)
