"""The pieces of the room view, each drawn from a ``PublicView`` only: the issue tiles, the
recent offers, and the note line that hides what is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.meeting import parse_note
from app.public import PublicIssue, PublicOffer, PublicView, side_name
from ui import theme
from ui.widgets.common import ElidedLabel, EscapeLine, PickCard, add_shortcut, fmt

RECENT = 14  # offers listed
BIG = 2.3  # the current offers and the gap


def terms_line(view: PublicView, terms: tuple) -> str:
    """``price 0.91 EUR/box · rebate 1.0 %``: values with their units."""
    return " · ".join(f"{key} {fmt(value, _unit(view, key), view.currency)}"
                      for key, value in terms)


def offer_line(view: PublicView, offer: PublicOffer) -> str:
    """An offer's values, and what it asked for."""
    asks = f"   asks {terms_line(view, offer.asks)}" if offer.asks else ""
    return terms_line(view, offer.terms) + asks


def _unit(view: PublicView, key: str) -> str | None:
    issue = view.issue(key)
    return issue.unit if issue else None


def label(text: str = "", role: str | None = None, scale: float = 1.0,
          bold: bool = False) -> QLabel:
    """A label in a colour role (``theirs``, ``muted``…), its font scaled from the system's."""
    made = QLabel(text)
    if role:
        made.setProperty("role", role)
    if scale != 1.0 or bold:
        made.setFont(theme.scaled_font(made.font(), scale, bold))
    return made


class IssueTile(PickCard):
    """One issue: their offer, ours and the gap, large; what is agreed. A click charts it."""

    def __init__(self, issue: PublicIssue, parent: QWidget | None = None):
        super().__init__(issue.key, parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 6)
        box.setSpacing(2)
        self.name = ElidedLabel()
        self.name.setFont(theme.scaled_font(self.font(), 1.15, bold=True))
        box.addWidget(self.name)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.values: dict[str, QLabel] = {}
        for col, (key, role) in enumerate((("them", "theirs"), ("us", "ours"), ("gap", None))):
            grid.addWidget(label(key, role or "muted"), 0, col)
            self.values[key] = label("—", role, BIG, bold=True)
            grid.addWidget(self.values[key], 1, col)
        box.addLayout(grid)
        self.agreed = label("", "agreed", 1.1, bold=True)
        box.addWidget(self.agreed)

    def show_issue(self, view: PublicView, issue: PublicIssue) -> None:
        """Draw ``issue`` as ``view`` has it."""
        unit = f" ({issue.unit})" if issue.unit else ""
        self.name.setText(f"{issue.label}{unit}")
        position = view.position(issue.key)
        for key, value in (("them", position.theirs), ("us", position.ours),
                           ("gap", position.gap)):
            self.values[key].setText(fmt(value) if value is not None else "—")
        agreed = view.agreed_on(issue.key)
        self.agreed.setText("" if agreed is None else
                            f"✓ agreed {fmt(agreed.value, issue.unit, view.currency)} · "
                            f"{'final' if agreed.final else 'tentative'}")


class RecentOffers(QTableWidget):
    """The latest offers, newest first: time, side, values (who logged it in the tooltip)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(["Time", "Side", "Offer"])
        self.verticalHeader().setVisible(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setFont(theme.scaled_font(self.font(), 1.1))
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def show_offers(self, view: PublicView) -> None:
        """The last ``RECENT`` offers of ``view``."""
        rows = view.recent(RECENT)
        self.setRowCount(len(rows))
        for row, (_n, offer) in enumerate(rows):
            colour = theme.color("ours" if offer.side == "us" else "theirs")
            cells = (offer.at.astimezone().strftime("%H:%M"), side_name(view, offer.side),
                     offer_line(view, offer))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f"logged by {offer.by}")
                if col:
                    item.setForeground(colour)
                self.setItem(row, col, item)
        self.resizeRowsToContents()


class NoteLine(EscapeLine):
    """A note typed where the room can see the screen: the text shows as dots. Enter hands
    ``(topic, text)`` on (``entered``); a ``fact:`` … prefix or Alt+F/C/Q/G files it so; Esc
    leaves the line (``escaped``)."""

    entered = Signal(str, str)
    TOPICS = (("Alt+F", "fact"), ("Alt+C", "claim"), ("Alt+Q", "question"), ("Alt+G", "general"))

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setFont(theme.scaled_font(self.font(), 1.2))
        self.topic = "general"
        for key, topic in self.TOPICS:
            add_shortcut(self, key, lambda t=topic: self.set_topic(t))
        self.returnPressed.connect(self._enter)
        self.set_topic("general")

    def set_topic(self, topic: str) -> None:
        """File the next note as ``topic``."""
        self.topic = topic
        self.setPlaceholderText(f"Private note ({topic}), hidden as you type · Enter saves it · "
                                f"Alt+F/C/Q/G: fact, claim, question, note")

    def _enter(self) -> None:
        topic, text = parse_note(self.text(), self.topic)
        if text:
            self.entered.emit(topic, text)
