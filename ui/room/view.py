"""The room view: all the window draws while the supplier can see the screen.

Built from and fed only ``app.public.PublicView`` (never the session), so a widget added here can
show nothing the policy did not hand it. Per issue both sides' current offers and the gap, large,
and what is agreed; a chart of both sides' offers on one issue; the recent offers with their
times and sides; the meeting, its phase and clock; the team; a neutral count of private entries.

The window lends it the lead's quick-entry line (``host_line``), which keeps its text and the
keyboard across the switch; for the other roles it offers a note line that hides what is typed
(``note_entered``); keys it does not use go to the role's panel (``keys``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import public
from app.public import PublicView, side_name
from ui import theme
from ui.room.parts import (
    IssueTile,
    NoteLine,
    RecentOffers,
    label,
)
from ui.widgets.common import add_shortcut, clock_text
from ui.widgets.offer_chart import OfferChart


def legend_html(view: PublicView) -> str:
    """Which line is whose, in its colour."""
    return (f'<span style="color:{theme.OURS}">━ us</span> &nbsp; '
            f'<span style="color:{theme.THEIRS}">━ {side_name(view, "them")}</span>')


class RoomView(QWidget):
    """What the room may see, drawn from one ``PublicView`` at a time (``show_view``)."""

    leave = Signal()  # the switch was clicked: show the team's own view again
    note_entered = Signal(str, str)  # (topic, text) of a note typed in the hidden line

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.view: PublicView | None = None
        self.tiles: dict[str, IssueTile] = {}
        self.selected: str | None = None
        self._pinned = False  # the member picked the charted issue: it stops following offers
        #: the role's single keys: given a key this view does not use, True if it was taken
        self.keys: Callable[[object], bool] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet('QFrame[card="true"][selected="true"] '
                           '{ border: 2px solid palette(highlight); }')
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 4)
        outer.addLayout(self._header())
        self.line_slot = QVBoxLayout()
        outer.addLayout(self.line_slot)
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(6)
        outer.addLayout(self.tile_grid)
        outer.addLayout(self._body(), 1)
        self.note = NoteLine()
        self.note.entered.connect(self.note_entered)
        self.note.escaped.connect(lambda: self.setFocus(Qt.FocusReason.OtherFocusReason))
        self.note.hide()
        outer.addWidget(self.note)
        self._tick = QTimer(self, interval=1000, timeout=self._clock)
        self._tick.start()
        add_shortcut(self, "Ctrl+PgDown", lambda: self.step_issue(1))
        add_shortcut(self, "Ctrl+PgUp", lambda: self.step_issue(-1))

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.supplier = label("", None, 1.4, bold=True)
        self.meeting = label("", None, 1.15)
        self.phase = label("", "muted", 1.15, bold=True)
        self.clock = label("", None, 1.4, bold=True)
        self.switch = QPushButton(public.SWITCH)
        self.switch.setObjectName("roomSwitch")
        self.switch.setCheckable(True)
        self.switch.setChecked(True)
        self.switch.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.switch.clicked.connect(lambda _=False: self._leave())
        for widget in (self.supplier, self.meeting, self.phase, self.clock):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.switch)
        return row

    def _body(self) -> QHBoxLayout:
        left = QVBoxLayout()
        head = QHBoxLayout()
        self.chart_title = label("", None, 1.2, bold=True)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.chart_title)
        head.addStretch(1)
        head.addWidget(self.legend)
        left.addLayout(head)
        self.chart = OfferChart()
        left.addWidget(self.chart, 1)
        right = QVBoxLayout()
        right.addWidget(label("Recent offers", "muted"))
        self.recent = RecentOffers()
        right.addWidget(self.recent, 1)
        self.team = label("", "muted")
        self.team.setWordWrap(True)
        right.addWidget(self.team)
        self.private = label("", "muted")
        self.keys_hint = label("Your single keys work here as in your own view; what they "
                                "save stays private.", "muted")
        self.keys_hint.setWordWrap(True)
        self.keys_hint.hide()
        right.addWidget(self.private)
        right.addWidget(self.keys_hint)
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        return body

    # --- the window's hooks ---------------------------------------------------------------------

    def host_line(self, line: QWidget | None) -> None:
        """Show the lead's quick-entry line at the top (None: the hidden note line instead)."""
        if line is not None:
            self.line_slot.addWidget(line)
            line.show()
        self.note.setVisible(line is None)
        self.keys_hint.setVisible(line is None and self.keys is not None)

    def release_line(self, line: QWidget) -> None:
        """Give the hosted line back (out of this view's layout; its owner puts it back)."""
        self.line_slot.removeWidget(line)

    def focus_entry(self) -> None:
        """The keyboard goes to the hosted line, else to the note line's view."""
        if self.line_slot.count():
            self.line_slot.itemAt(0).widget().setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def note_saved(self) -> None:
        """The note typed in the hidden line is saved: empty it, keys are live again."""
        self.note.clear()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def shortcuts(self) -> list[tuple[str, str]]:
        """The view's keys, for the F1 overlay."""
        return [("Ctrl+PgDown / Ctrl+PgUp", "Chart the next / previous issue"),
                ("Enter", "Type a note (hidden as you type); Esc leaves it")]

    def retheme(self) -> None:
        """The system theme changed: redraw in the new colours."""
        self.chart.retheme()
        if self.view is not None:
            self.show_view(self.view)

    # --- drawing --------------------------------------------------------------------------------

    def show_view(self, view: PublicView) -> None:
        """Draw ``view`` (everything on screen comes from it)."""
        previous, self.view = self.view, view
        self.supplier.setText(view.supplier)
        meeting = view.meeting
        self.meeting.setText(meeting.title if meeting else "no meeting in progress")
        self.phase.setText(view.phase or "")
        self._clock()
        self.team.setText("Team: " + " · ".join(
            f"{m.name} ({public.ROLE_NAMES.get(m.role, m.role)})" for m in view.team))
        self.private.setText(public.private_count_text(view.private_count))
        self.legend.setText(legend_html(view))
        self._tiles(view)
        self.recent.show_offers(view)
        if previous is None or len(view.offers) != len(previous.offers):
            self._follow_offer(view)
        self._draw_chart()

    def _tiles(self, view: PublicView) -> None:
        if [i.key for i in view.issues] != list(self.tiles):
            for tile in self.tiles.values():
                tile.setParent(None)
                tile.deleteLater()
            self.tiles = {}
            columns = 3 if len(view.issues) > 4 else 2
            for n, issue in enumerate(view.issues):
                tile = IssueTile(issue)
                tile.clicked.connect(lambda key: self.select_issue(key, pin=True))
                self.tile_grid.addWidget(tile, n // columns, n % columns)
                self.tiles[issue.key] = tile
        for issue in view.issues:
            self.tiles[issue.key].show_issue(view, issue)

    def _follow_offer(self, view: PublicView) -> None:
        """Chart the first issue of the latest offer, unless the member picked one."""
        if self._pinned and self.selected in self.tiles:
            return
        latest = next((k for k, _ in view.offers[-1].terms if k in self.tiles), None) \
            if view.offers else None
        self.select_issue(latest or next(iter(self.tiles), None))

    def select_issue(self, key: str | None, pin: bool = False) -> None:
        """Chart ``key`` and outline its tile."""
        if key is None or key not in self.tiles:
            return
        self._pinned = self._pinned or pin
        self.selected = key
        for k, tile in self.tiles.items():
            tile.set_selected(k == key)
        self._draw_chart()

    def step_issue(self, step: int) -> None:
        """Chart the next (or previous) issue."""
        keys = list(self.tiles)
        if keys:
            at = keys.index(self.selected) if self.selected in keys else 0
            self.select_issue(keys[(at + step) % len(keys)], pin=True)

    def _draw_chart(self) -> None:
        view = self.view
        issue = view.issue(self.selected) if view is not None and self.selected else None
        if issue is None:
            return
        unit = issue.unit or view.currency or ""
        self.chart_title.setText(f"{issue.label} · offers")
        self.chart.show_points(view.points(issue.key), len(view.offers),
                               f"{issue.label} ({unit})" if unit else issue.label)

    def _clock(self) -> None:
        self.clock.setText(clock_text(self.view.clock_start) if self.view else "")

    # --- keys -----------------------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.note.isVisible():
            self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if self.keys is None or not self.keys(event):
            super().keyPressEvent(event)

    def _leave(self) -> None:
        self.switch.setChecked(True)  # the window decides; it stays on until it has switched
        self.leave.emit()
