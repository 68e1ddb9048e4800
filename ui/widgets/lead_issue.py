"""A compact card per issue: both sides' current positions and the gap (the largest numbers on
the lead's screen), agreement, concession sizes per side, and the authority meter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.domain import Issue
from app.meeting import Meter, trend
from ui import theme
from ui.widgets.authority import AuthorityMeter, meter_text
from ui.widgets.common import LOCKED, ElidedLabel, FigureLabel, PickCard, fmt, styled

BIG = 2.1  # positions and gap
SHOWN_SIZES = 4  # the latest concession sizes a card lists


def concession_text(side: str, sizes: list[float]) -> tuple[str, str]:
    """``("ours 25 → 25 → 17 % · shrinking", role)``: sizes as % of the range, and the trend."""
    if not sizes:
        return f"{side}: no concession yet", "muted"
    shown = sizes[-SHOWN_SIZES:]
    more = "… " if len(sizes) > SHOWN_SIZES else ""
    text = f"{side} {more}" + " → ".join(str(round(s * 100)) for s in shown) + " %"
    direction = trend(sizes)
    if direction is None:
        return text, side_role(side)
    if side == "ours" and direction == "not shrinking":
        return f"{text} · ⚠ not shrinking", "warning"
    return f"{text} · {direction}", side_role(side)


def side_role(side: str) -> str:
    """The label role (colour) of a side."""
    return "ours" if side in ("ours", "us") else "theirs"


class IssueCard(PickCard):
    """One issue at a glance; a click picks it for the big chart."""

    def __init__(self, issue: Issue, parent: QWidget | None = None):
        super().__init__(issue.key, parent)
        self.issue = issue
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 6)
        box.setSpacing(2)
        head = QHBoxLayout()
        self.name = ElidedLabel()  # a long name ends in …; the agreed badge keeps its room
        self.name.setFont(theme.scaled_font(self.font(), 1.1, bold=True))
        self.agreed = QLabel()
        self.agreed.setProperty("role", "agreed")
        self.agreed.setFont(theme.scaled_font(self.font(), 1.0, bold=True))
        head.addWidget(self.name, 1)
        head.addWidget(self.agreed)
        box.addLayout(head)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(0)
        self.numbers: dict[str, QLabel] = {}
        self.units: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate((("them", "them"), ("us", "us"))):
            grid.addWidget(self._caption(caption, side_role(key)), row, 0,
                           Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(self._number(key, side_role(key)), row, 1, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(self._unit(key), row, 2, Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self._caption("gap", "muted"), 0, 4, Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self._number("gap", ""), 1, 4, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self._unit("gap"), 1, 5, Qt.AlignmentFlag.AlignBottom)
        grid.setColumnStretch(3, 1)
        box.addLayout(grid)
        self.ours = FigureLabel()
        self.theirs = FigureLabel()
        for label in (self.ours, self.theirs):
            label.setFont(theme.scaled_font(self.font(), 0.9))
            box.addWidget(label)
        self.meter = AuthorityMeter()
        self.meter_label = FigureLabel()
        self.meter_label.setFont(theme.scaled_font(self.font(), 0.9))
        self.meter_label.setWordWrap(True)  # never cut: it says where we stand on the limit
        self.meter_label.setProperty("role", "muted")
        box.addWidget(self.meter)
        box.addWidget(self.meter_label)
        self.set_selected(False)

    def _caption(self, text: str, role: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", role)
        return label

    def _number(self, key: str, role: str) -> QLabel:
        label = QLabel("—")
        label.setFont(theme.scaled_font(self.font(), BIG, bold=True))
        if role:
            label.setProperty("role", role)
        self.numbers[key] = label
        return label

    def _unit(self, key: str) -> QLabel:
        label = QLabel()
        label.setProperty("role", "muted")
        self.units[key] = label
        return label

    def show_state(self, issue: Issue, currency: str | None, state: dict | None,
                   meter: Meter | None, member: str) -> None:
        """Fill the card from the analysis' ``issues[key]`` and the authority ``meter``."""
        self.issue = issue
        self.name.setText(issue.label or issue.key)
        self.name.set_tip(f"{issue.key} · {'lower' if issue.better == 'lower' else 'higher'}"
                          f" is better for us")
        state = state or {}
        unit = issue.unit or currency or ""
        ours, theirs = state.get("ours") or [], state.get("theirs") or []
        for key, values in (("us", ours), ("them", theirs), ("gap", [state.get("gap")])):
            value = values[-1] if values else None
            self.numbers[key].setText("—" if value is None else fmt(value))
            self.units[key].setText(unit if value is not None else "")
        agreed = state.get("agreed")
        self.agreed.setText(f"✓ agreed {fmt(agreed, issue.unit, currency)}" if agreed else "")
        tip = "concession sizes as a share of our opening → walk-away range"
        for label, side, sizes in ((self.ours, "ours", state.get("our_concessions") or []),
                                   (self.theirs, "theirs", state.get("their_concessions") or [])):
            if issue.locked:  # sizes are shares of the sealed range: one line says so
                label.set_figure(f"concession sizes {LOCKED}" if side == "ours" else "", tip,
                                 locked=True)
                label.setVisible(side == "ours")
                continue
            label.setVisible(True)
            text, role = concession_text(side, sizes)
            label.set_figure(text, tip)
            styled(label, role)
        text = meter_text(meter, issue, member, currency)
        locked = meter is not None and meter.locked and meter.position is not None
        self.meter_label.set_figure(text, text, locked=locked)
        past = meter is not None and (meter.past_limit or meter.past_walk_away)
        styled(self.meter_label, "breach" if past else "muted")
        self.meter.set_meter(meter)
