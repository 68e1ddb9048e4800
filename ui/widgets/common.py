"""What every panel uses: numbers with their units, cards, labels of confidential figures with
the "locked" marker of a figure sealed to this computer, a line that Esc leaves, panel shortcuts,
colour roles, and what the member's role may not do (``refusal``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from app.domain import Issue
from app.services import may
from app.wording import fmt, terms_text, value_text  # noqa: F401 - numbers as every panel shows them

#: What stands in for a confidential figure this computer cannot read (no join phrase): one word,
#: in the muted colour, with ``LOCKED_TIP`` as its tooltip, wherever such a figure would be.
LOCKED = "locked"
LOCKED_TIP = ("Sealed: enter the join phrase to see it (Edit → Join this workspace…)")


def sealed(value: Decimal | str | None, unit: str | None = None, currency: str | None = None,
           locked: bool | None = None) -> str:
    """A confidential figure with its unit, or ``LOCKED`` when it is sealed to this computer.

    ``locked`` None means "None is locked" (targets and walk-aways always exist); pass it for a
    figure that may be unset too (a limit: ``None`` and not locked is "—")."""
    if locked or (locked is None and value is None):
        return LOCKED
    return fmt(value, unit, currency)


def issue_tooltip(issue: Issue, currency: str | None) -> str:
    """An issue's name, key and direction with our opening, target and walk-away."""
    lines = [f"{issue.label or issue.key} ({issue.key}), {issue.better} is better",
             f"our opening {fmt(issue.opening, issue.unit, currency)}",
             f"target {sealed(issue.target, issue.unit, currency)}",
             f"walk-away {sealed(issue.walk_away, issue.unit, currency)}"]
    if issue.locked:
        lines.append(LOCKED_TIP)
    return "\n".join(lines)


def clock_text(start: datetime | None, now: datetime | None = None) -> str:
    """The meeting clock since ``start``: ``12:04``, or ``1:02:03`` past an hour; empty without
    a start."""
    if start is None:
        return ""
    seconds = max(int(((now or datetime.now(UTC)) - start).total_seconds()), 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def refusal(session, kind: str, payload: dict | None = None) -> str | None:
    """Why this window's member may not log ``kind`` (``app.services.may``'s reason, which the
    services enforce), or None when they may. The console disables the control and says it."""
    member = session.prep.team.get(session.member)
    if member is None:
        return f"{session.member} is not on this negotiation's team"
    reason = may(member, kind, payload or {})
    return None if reason is None else reason[0].upper() + reason[1:]


def styled(label: QWidget, role: str) -> None:
    """Give ``label`` a colour role of the window's stylesheet (``ours``, ``breach``, ``muted``)."""
    if label.property("role") != role:
        label.setProperty("role", role)
        label.style().unpolish(label)
        label.style().polish(label)


def add_shortcut(widget: QWidget, key: str, slot: Callable[[], object]) -> QShortcut:
    """A key that works while ``widget`` or a child of it has the keyboard (a panel's key)."""
    shortcut = QShortcut(QKeySequence(key), widget)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


class EscapeLine(QLineEdit):
    """A text line that says when Esc is pressed in it (``escaped``) instead of ignoring it."""

    escaped = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class ElidedLabel(QLabel):
    """One line of text that ends in … when it does not fit, so that what stands beside it keeps
    its room; the whole text is then in the tooltip. ``full_text()`` is the text as set."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self._full, self._tip = "", ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def full_text(self) -> str:
        """The text before eliding."""
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self._full = text
        self._elide()

    def set_tip(self, tip: str) -> None:
        """The tooltip (the whole text goes above it when the line is cut)."""
        self._tip = tip
        self._elide()

    def is_elided(self) -> bool:
        """True while the text is cut."""
        return super().text() != self._full

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 2,
                     super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(self.fontMetrics().horizontalAdvance("M…"), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              max(self.width(), 1))
        super().setText(shown)
        tip = "\n".join(t for t in (self._full if shown != self._full else "", self._tip) if t)
        self.setToolTip(tip)


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


class PickCard(QFrame):
    """A card that stands for one issue (``key``): a click emits ``clicked(key)``; the card
    whose issue is charted is outlined (``set_selected``)."""

    clicked = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setProperty("card", True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_selected(self, on: bool) -> None:
        """Outline the card (its issue is the one charted)."""
        self.setProperty("selected", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.clicked.emit(self.key)
        event.accept()


class FigureLabel(QLabel):
    """A label of a confidential figure, which may be sealed to this computer (``LOCKED``)."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self._role: str | None = None  # the colour role to restore once no longer locked

    def set_figure(self, text: str, tooltip: str = "", locked: bool = False) -> None:
        """Show ``text``. ``locked``: the text is (or is mostly) the ``LOCKED`` marker: muted,
        and the tooltip says how to see the figure."""
        if locked:
            tooltip = "\n".join(t for t in (tooltip, LOCKED_TIP) if t)
            if self._role is None:
                self._role = self.property("role") or ""
            styled(self, "muted")
        elif self._role is not None:
            styled(self, self._role)
            self._role = None
        self.setText(text)
        self.setToolTip(tooltip)

    def is_locked(self) -> bool:
        """True while the label shows a figure sealed to this computer."""
        return self._role is not None
