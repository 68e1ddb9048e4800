"""Coaching alerts, quietly: a list that grows (newest on top, findable, never taking the keyboard),
and the tactic counters the observer pushes, as cards the lead dismisses.

Alerts come from the analysis; this module only words and colours them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import Act, Preparation
from ui import theme

ALERT_ROLE = Qt.ItemDataRole.UserRole
TITLES = {
    "unconditional_concession": "Gave without a get",
    "non_diminishing": "Concession not shrinking",
    "consecutive_concession": "Bidding against ourselves",
    "beyond_plan": "Beyond the concession plan",
    "beyond_walk_away": "Past the walk-away",
    "beyond_authority": "Past authority",
    "tactic_counter": "Tactic",
    "their_concessions_growing": "Their concessions growing",
    "reopened_agreed": "Agreed term reopened",
    "single_issue": "Trading one issue only",
    "opening_at_target": "Opening equals target",
}
BREACH_KINDS = frozenset({"beyond_walk_away", "beyond_authority"})
#: a shape per kind of alert besides its colour (glyphs that DejaVu Sans draws)
SYMBOLS = {"breach": "✗", "warning": "⚠", "info": "ℹ"}


def alert_key(alert: dict) -> tuple:
    """What makes an alert the same alert from one analysis to the next."""
    return (alert.get("kind"), alert.get("act"), alert.get("issue"), alert.get("tactic"))


def alert_colour(alert: dict) -> str:
    """Breach, warning or reference grey (info)."""
    if alert.get("kind") in BREACH_KINDS:
        return theme.BREACH
    return theme.WARNING if alert.get("severity") == "warning" else theme.REFERENCE


def alert_text(alert: dict, prep: Preparation) -> str:
    """Title line (kind · issue · act) and the message."""
    kind = alert.get("kind") or ""
    title = TITLES.get(kind, kind.replace("_", " ").capitalize())
    issue = prep.issues.get(alert.get("issue") or "")
    parts = [title]
    if issue is not None:
        parts.append(issue.label or issue.key)
    if alert.get("act") is not None:
        parts.append(f"act {alert['act']}")
    symbol = SYMBOLS.get("breach" if kind in BREACH_KINDS else alert.get("severity"), "ℹ")
    message = alert.get("message") or ""
    return f"{symbol} " + " · ".join(parts) + "\n" + message


#: Alerts listed: the newest; Review and the report hold them all.
ROW_LIMIT = 200


class AlertList(QListWidget):
    """Every coaching alert, newest first; new ones bold until the next act. A click emits
    ``alert_picked(alert)`` so the panel can point at its act."""

    alert_picked = Signal(dict)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(3)
        self.seen: set[tuple] = set()
        self._primed = False
        self.itemClicked.connect(lambda item: self.alert_picked.emit(item.data(ALERT_ROLE)))

    def show_alerts(self, alerts: list[dict], prep: Preparation) -> None:
        """Rebuild from the analysis' alerts (the order of the analysis, newest on top)."""
        current = self.currentItem()
        picked = alert_key(current.data(ALERT_ROLE)) if current is not None else None
        fresh = {alert_key(a) for a in alerts} - self.seen if self._primed else set()
        self.seen |= {alert_key(a) for a in alerts}
        self._primed = True
        bar = self.verticalScrollBar()
        scroll = None if bar.value() == bar.minimum() else bar.value()
        self.blockSignals(True)
        self.clear()
        for alert in list(reversed(alerts))[:ROW_LIMIT]:
            item = QListWidgetItem(alert_text(alert, prep))
            item.setData(ALERT_ROLE, alert)
            item.setForeground(QBrush(theme.color(alert_colour(alert))))
            if alert_key(alert) in fresh:
                font = QFont(self.font())
                font.setBold(True)
                item.setFont(font)
            self.addItem(item)
            if alert_key(alert) == picked:
                self.setCurrentItem(item)
        self.blockSignals(False)
        if scroll is not None:  # the lead scrolled back to an older alert: stay there
            self.doItemsLayout()
            bar.setValue(scroll)

    def texts(self) -> list[str]:
        """Every row's text, top to bottom."""
        return [self.item(n).text() for n in range(self.count())]


class TacticCard(QFrame):
    """One tactic of theirs with its counter; ✕ dismisses it (local to this window)."""

    dismissed = Signal(tuple)

    def __init__(self, alert: dict, act: Act | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = alert_key(alert)
        self.setProperty("card", True)
        self.setObjectName("tacticCard")
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 4, 4, 6)
        head = QHBoxLayout()
        name = alert.get("message", "").split(":", 1)[0]
        by = f" — seen by {act.by} at {act.at.astimezone():%H:%M}" if act is not None else ""
        self.title = QLabel(f"Their tactic: {name}{by}")
        self.title.setProperty("role", "theirs")
        self.title.setFont(theme.scaled_font(self.font(), 1.05, bold=True))
        self.title.setWordWrap(True)
        self.close_button = QPushButton("✕")
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.setFlat(True)
        self.close_button.setToolTip("Dismiss this card (Alt+D); the alert stays in the list")
        self.close_button.clicked.connect(lambda: self.dismissed.emit(self.key))
        head.addWidget(self.title, 1)
        head.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(head)
        note = (act.payload.get("note") if act is not None else None) or ""
        if note:
            seen = QLabel(f"“{note}”")
            seen.setWordWrap(True)
            seen.setProperty("role", "muted")
            box.addWidget(seen)
        self.counter = QLabel("Counter: " + (alert.get("counter") or alert.get("message", "")))
        self.counter.setWordWrap(True)
        box.addWidget(self.counter)


class TacticCards(QWidget):
    """The tactic counters not dismissed yet, newest first (at most ``shown`` at once)."""

    def __init__(self, shown: int = 1, parent: QWidget | None = None):
        super().__init__(parent)
        self.shown = shown
        self.dismissed_keys: set[tuple] = set()
        self.cards: list[TacticCard] = []
        self._alerts: list[dict] = []
        self._refs: dict = {}
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.more = QLabel()
        self.more.setProperty("role", "muted")
        self.box.addWidget(self.more)

    def show_alerts(self, alerts: list[dict], refs: dict) -> None:
        """Cards for the ``tactic_counter`` alerts not dismissed (``refs``: act by reference)."""
        self._alerts, self._refs = alerts, refs
        waiting = [a for a in reversed(alerts) if a.get("kind") == "tactic_counter"
                   and alert_key(a) not in self.dismissed_keys]
        keys = [alert_key(a) for a in waiting[: self.shown]]
        if keys != [c.key for c in self.cards]:
            for card in self.cards:
                card.setParent(None)
                card.deleteLater()
            self.cards = []
            for alert in waiting[: self.shown]:
                card = TacticCard(alert, refs.get(alert.get("act")))
                card.dismissed.connect(self.dismiss)
                self.box.insertWidget(len(self.cards), card)
                self.cards.append(card)
        extra = len(waiting) - len(self.cards)
        self.more.setText(f"+ {extra} more tactic card{'s' if extra > 1 else ''}"
                          if extra > 0 else "")
        self.more.setVisible(extra > 0)
        self.setVisible(bool(waiting))

    def dismiss(self, key: tuple | None = None) -> None:
        """Dismiss the card with ``key`` (the newest one when None); local UI state only."""
        if key is None:
            if not self.cards:
                return
            key = self.cards[0].key
        self.dismissed_keys.add(key)
        self.show_alerts(self._alerts, self._refs)
