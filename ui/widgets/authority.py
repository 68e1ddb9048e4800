"""Authority: a slim meter per issue, and the one dialog that holds an offer past a limit.

The meter draws ``app.meeting.Meter``: the track runs from our opening (left) to the walk-away
(right), the fill is our current position, a tick marks this member's authority limit (and a
second one how far a granted approval reaches). While the walk-away is sealed to this computer (no
join phrase) only an empty track is left, and the words say "locked".
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.authority import Breach
from app.domain import Issue
from app.meeting import Meter
from app.public import guard_wording
from ui import theme
from ui.widgets.common import LOCKED, fmt


class AuthorityMeter(QWidget):
    """A bar from opening to walk-away with our position and the member's limit on it."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.meter: Meter | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(120, max(8, self.fontMetrics().height() // 2))

    def set_meter(self, meter: Meter | None) -> None:
        """Show ``meter``."""
        self.meter = meter
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt naming
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        radius = r.height() / 2
        track = self.palette().color(QPalette.ColorRole.Mid)
        track.setAlpha(90)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(track)
        p.drawRoundedRect(r, radius, radius)
        m = self.meter
        if m is None or m.walk_away_locked:
            return
        if m.used is not None:
            colour = theme.BREACH if (m.past_limit or m.past_walk_away) else theme.OURS
            width = r.width() * min(max(float(m.used), 0.0), 1.0)
            p.setBrush(QColor(colour))
            p.drawRoundedRect(QRectF(r.left(), r.top(), max(width, r.height()), r.height()),
                              radius, radius)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for at, style in ((m.limit_at, Qt.PenStyle.SolidLine),
                          (m.approved_at, Qt.PenStyle.DotLine)):
            if at is None:
                continue
            x = r.left() + r.width() * min(max(float(at), 0.0), 1.0)
            p.setPen(QPen(text, 2, style))
            p.drawLine(int(x), int(r.top()) - 1, int(x), int(r.bottom()) + 1)


def meter_text(meter: Meter | None, issue: Issue, member: str, currency: str | None) -> str:
    """The meter in words: where our position stands against ``member``'s limit (or, without a
    limit, the walk-away), in the issue's unit and right whichever direction is better:
    ``15 days of room to Dana's limit 60 days``, ``at Dana's limit 0.86 EUR/box``,
    ``3 months past Dana's limit 18 months · approved to 15 months``. Without the join phrase:
    ``room to the walk-away and limit: locked``."""
    if meter is None or meter.position is None:
        return "no position of ours yet"
    name = f"{member.split()[0]}'s limit"
    if meter.walk_away_locked:
        return f"room to the walk-away and {name}: {LOCKED}"

    def against(bound, name: str) -> str:
        gap, shown = abs(bound - meter.position), fmt(bound, issue.unit, currency)
        if gap == 0:
            return f"at {name} {shown}"
        word = "past" if issue.is_worse(meter.position, bound) else "of room to"
        return f"{fmt(gap, issue.unit, currency)} {word} {name} {shown}"

    if meter.past_walk_away or meter.limit is None:
        text = against(issue.walk_away, "walk-away")
        if meter.limit_locked:
            text += f" · {name} {LOCKED}"
        return f"✗ {text}" if meter.past_walk_away else text
    text = against(meter.limit, name)
    if meter.approved_to is not None:
        text += f" · approved to {fmt(meter.approved_to, issue.unit, currency)}"
    return f"✗ {text}: needs approval" if meter.past_limit else text


class AuthorityDialog(QDialog):
    """The one modal dialog of the meeting: this offer goes past a limit; what now?

    The services refused the offer (``app.errors.PastLimit``). ``choice`` is ``"request"`` (past
    an authority limit) or ``"log"`` (past the walk-away alone, the lead's own call): either way
    the offer is logged knowingly, and the services file an approval request per issue with it
    in the same step; or ``"cancel"``: nothing is logged and the line keeps the text. Open it
    with ``open()``: it is window-modal and never blocks the event loop, so the feed keeps
    flowing behind it. ``cover(True)`` words it for the room (``app.public.guard_wording``: no
    limit, no reason), ``cover(False)`` for the team again.
    """

    def __init__(self, lines: list[str], can_request: bool, approver: str | None,
                 offer_text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setModal(True)
        self.choice = "cancel"
        self.can_request = can_request
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 34)
        box = QVBoxLayout(self)
        head = QLabel("This offer is not logged yet")
        head.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        box.addWidget(head)
        if offer_text:
            offer = QLabel(offer_text)
            offer.setProperty("role", "ours")
            offer.setWordWrap(True)
            box.addWidget(offer)
        self.lines: list[QLabel] = []
        for _ in lines:
            label = QLabel()
            label.setProperty("role", "breach")
            label.setFont(theme.scaled_font(self.font(), 1.15))
            label.setWordWrap(True)
            box.addWidget(label)
            self.lines.append(label)
        self.set_lines(lines)
        who = f" to {approver}" if approver else ""
        tail = (f"Log it and send an approval request{who} in one step, or cancel to keep the "
                f"line." if can_request else
                f"It is past the walk-away: our BATNA beats it. Logging it anyway sends an "
                f"approval request{who} with it.")
        self.foot = QLabel(tail)
        self.foot.setWordWrap(True)
        box.addWidget(self.foot)
        self.room_text = QLabel()  # the room's wording, in place of the lines and the foot
        self.room_text.setFont(theme.scaled_font(self.font(), 1.15))
        self.room_text.setWordWrap(True)
        box.addWidget(self.room_text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.request_button = QPushButton("Log and send approval request")
        self.log_button = QPushButton("Log anyway")
        self.cancel_button = QPushButton("Cancel")
        for button, choice in ((self.request_button, "request"), (self.log_button, "log"),
                               (self.cancel_button, "cancel")):
            button.clicked.connect(lambda _=False, c=choice: self.choose(c))
            row.addWidget(button)
        self.request_button.setVisible(can_request)
        self.log_button.setVisible(not can_request)
        # Enter pressed again by reflex must not log past a limit: the safe answer is the default
        self.cancel_button.setDefault(True)
        box.addLayout(row)
        self.cover(False)

    def set_lines(self, lines: list[str]) -> None:
        """Word the breaches."""
        for label, line in zip(self.lines, lines, strict=True):
            label.setText("•  " + line)

    def cover(self, on: bool) -> None:
        """Say only what the room may read (``on``), or what the team reads."""
        room = guard_wording(self.can_request)
        self.setWindowTitle(room.title if on else "Offer held: past a limit")
        for label in (*self.lines, self.foot):
            label.setVisible(not on)
        self.room_text.setText(room.text)
        self.room_text.setVisible(on)
        self.request_button.setText(room.request if on else "Log and send approval request")
        self.log_button.setText(room.log if on else "Log anyway")

    def choose(self, choice: str) -> None:
        """Close with ``choice``."""
        self.choice = choice
        if choice == "cancel":
            self.reject()
        else:
            self.accept()


def breach_line(breach: Breach, issue: Issue, member: str, currency: str | None) -> str:
    """One breach in words."""
    name = issue.label or issue.key
    value = fmt(breach.value, issue.unit, currency)
    limit = fmt(breach.limit, issue.unit, currency)
    if breach.kind == "authority":
        return f"{name}: {value} is past {member}'s authority of {limit}"
    return f"{name}: {value} is past the walk-away {limit}"
