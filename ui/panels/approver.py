"""The approver's panel: requests for more authority, each with its context, answered in a key.

Pending requests are the approval requests no standing approval answers. For the selected one the
panel shows the issue's trajectory (the lead's chart, with the value asked and a mark where it was
asked), where the sides stand and what is agreed, the value asked beside the requester's limit, the
walk-away and the approver's own limit, and what granting it would mean. Approve (Ctrl+Enter) or
decline (Ctrl+Shift+Enter) logs an ``approval`` with the note typed; the lead's feed shows it at
once.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain import Act
from app.meeting import (
    answers_to_requests,
    offer_axis,
    offer_count,
    offer_points,
    pending_requests,
    request_context,
)
from ui import theme
from ui.widgets.common import (
    LOCKED,
    Card,
    FigureLabel,
    add_shortcut,
    fmt,
    refusal,
    sealed,
    styled,
)
from ui.widgets.trajectory import ChartData, TrajectoryChart

REQUEST_ROLE = Qt.ItemDataRole.UserRole
APPROVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")
DECLINE_KEYS = ("Ctrl+Shift+Return", "Ctrl+Shift+Enter")


class Tile(QWidget):
    """A caption over a big figure (a confidential one may be sealed to this computer)."""

    def __init__(self, caption: str, role: str | None = None, confidential: bool = False,
                 scale: float = 1.35):
        super().__init__()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 12, 0)
        box.setSpacing(0)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "muted")
        self.role = role
        self.value = FigureLabel() if confidential else QLabel()
        self.value.setFont(theme.scaled_font(self.font(), scale, bold=True))
        box.addWidget(self.caption)
        box.addWidget(self.value)
        self.retheme()

    def retheme(self) -> None:
        """The figure in its side's colour, in the theme in force (muted while locked)."""
        if self.role:
            locked = isinstance(self.value, FigureLabel) and self.value.is_locked()
            self.value.setStyleSheet("" if locked else f"color: {theme.of(self.role)};")

    def set(self, text: str, tooltip: str = "", caption: str | None = None) -> None:
        """Show ``text`` (muted, with how to see it, when it is the ``LOCKED`` marker of a
        figure sealed to this computer)."""
        if caption is not None:
            self.caption.setText(caption)
        if isinstance(self.value, FigureLabel):
            self.value.set_figure(text, tooltip, locked=text == LOCKED)
            self.retheme()
        else:
            self.value.setText(text)
            self.value.setToolTip(tooltip)


class ApproverPanel(QWidget):
    """Pending requests on the left; the selected one's context and the answer on the right."""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.current: Act | None = None
        self._answer_write: Future | None = None  # the approval being logged
        self._pending_seqs: set[int] = set()

        self.pending = QListWidget()
        self.pending.setWordWrap(True)
        self.pending.setFont(theme.scaled_font(self.font(), 1.2))
        self.pending.currentItemChanged.connect(self._picked)
        self.pending_card = Card("Waiting for your answer")
        self.pending_card.box.addWidget(self.pending)
        self.answered = QListWidget()
        self.answered.setWordWrap(True)
        self.answered.currentItemChanged.connect(self._picked)
        answered_card = Card("Answered")
        answered_card.box.addWidget(self.answered)
        left = QVBoxLayout()
        left.addWidget(self.pending_card, 3)
        left.addWidget(answered_card, 2)

        # context
        self.headline = QLabel()
        self.headline.setFont(theme.scaled_font(self.font(), 1.45, bold=True))
        self.headline.setWordWrap(True)
        self.request_note = QLabel()
        self.request_note.setWordWrap(True)
        self.request_note.setFont(theme.scaled_font(self.font(), 1.15))
        self.status = QLabel()
        self.status.setProperty("role", "muted")
        self.tiles = {
            "asked": Tile("Asked", "ours", confidential=True, scale=1.6),
            "limit": Tile("Their limit", None, confidential=True),
            "walk_away": Tile("Walk-away", None, confidential=True),
            "yours": Tile("Your limit", None, confidential=True),
            "covered": Tile("Granted so far", None, confidential=True),
            "ours": Tile("Ours now", "ours", scale=1.6),
            "theirs": Tile("Theirs now", "theirs", scale=1.6),
            "gap": Tile("Gap"),
            "benchmark": Tile("Benchmark", "reference"),
            "should_cost": Tile("Should-cost", "reference"),
            "forecast": Tile("Their likely stop", None, confidential=True),
        }
        grid = QGridLayout()
        for n, key in enumerate(("asked", "limit", "walk_away", "yours", "covered")):
            grid.addWidget(self.tiles[key], 0, n)
        for n, key in enumerate(("ours", "theirs", "gap", "benchmark", "should_cost",
                                 "forecast")):
            grid.addWidget(self.tiles[key], 1, n)
        self.warnings = FigureLabel()
        self.warnings.setProperty("role", "breach")
        self.warnings.setWordWrap(True)
        self.warnings.setFont(theme.scaled_font(self.font(), 1.1))
        self.remarks = FigureLabel()
        self.remarks.setWordWrap(True)
        self.remarks.setFont(theme.scaled_font(self.font(), 1.1))
        self.chart = TrajectoryChart()  # the lead's chart, with the value asked
        self.chart.setMinimumHeight(220)
        self.chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.note = QLineEdit()
        self.note.setFont(theme.scaled_font(self.font(), 1.2))
        self.note.setPlaceholderText("Your note to the lead (conditions, reasons) — optional")
        self.note.textEdited.connect(lambda *_: self.message.clear())
        self.approve_button = QPushButton("Approve   Ctrl+Enter")
        self.decline_button = QPushButton("Decline   Ctrl+Shift+Enter")
        for button in (self.approve_button, self.decline_button):
            button.setFont(theme.scaled_font(self.font(), 1.15, bold=True))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.approve_button.clicked.connect(lambda: self.answer(True))
        self.decline_button.clicked.connect(lambda: self.answer(False))
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.note, 1)
        answer_row.addWidget(self.approve_button)
        answer_row.addWidget(self.decline_button)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.context = QWidget()
        ctx_box = QVBoxLayout(self.context)
        ctx_box.setContentsMargins(0, 0, 0, 0)
        ctx_box.addWidget(self.headline)
        ctx_box.addWidget(self.request_note)
        ctx_box.addWidget(self.status)
        ctx_box.addLayout(grid)
        ctx_box.addWidget(self.remarks)
        ctx_box.addWidget(self.warnings)
        ctx_box.addWidget(self.chart, 1)
        ctx_box.addLayout(answer_row)
        self.empty = QLabel("Nothing is waiting for you. A request from the lead appears here the "
                            "moment it is sent, with its context.")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setFont(theme.scaled_font(self.font(), 1.3))
        self.empty.setProperty("role", "muted")
        context_card = Card("Request")
        context_card.box.addWidget(self.context, 1)
        context_card.box.addWidget(self.empty, 1)
        context_card.box.addWidget(self.message)

        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 4, 0, 0)
        columns.addLayout(left, 1)
        columns.addWidget(context_card, 2)

        for key in APPROVE_KEYS:
            add_shortcut(self, key, lambda: self.answer(True))
        for key in DECLINE_KEYS:
            add_shortcut(self, key, lambda: self.answer(False))
        add_shortcut(self, "Alt+Down", lambda: self.step(1))
        add_shortcut(self, "Alt+Up", lambda: self.step(-1))

        session.acts_added.connect(self.refresh)
        session.analysis_changed.connect(self._show_context)
        session.preparation_changed.connect(self.refresh)
        session.write_done.connect(self._written)
        session.write_failed.connect(self._failed)
        self._age = QTimer(self, interval=30_000, timeout=self._refresh_lists)
        self._age.start()
        self.refresh()

    # --- the window's hooks ---------------------------------------------------------------------

    def retheme(self) -> None:
        """The system theme changed: redraw in the new colours."""
        self.refresh()

    def shortcuts(self) -> list[tuple[str, str]]:
        """Approve, decline and move between requests, for the F1 overlay."""
        return [("Ctrl+Enter", "Approve the selected request (with the note typed)"),
                ("Ctrl+Shift+Enter", "Decline the selected request (with the note typed)"),
                ("Alt+Up / Alt+Down", "Previous / next request")]

    def focus_entry(self) -> None:
        """Put the keyboard in the note line."""
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- answering ------------------------------------------------------------------------------

    def pending_ids(self) -> list[str]:
        """Ids of the requests in the pending list, in order."""
        return [self.pending.item(n).data(REQUEST_ROLE).id for n in range(self.pending.count())
                if self.pending.item(n).data(REQUEST_ROLE) is not None]

    def answer(self, granted: bool) -> None:
        """Approve or decline the selected pending request, with the note typed."""
        request = self.current
        if request is None or request.id not in self.pending_ids():
            self.message.setText("Select a request that is waiting for an answer first.")
            return
        if self._answer_write is not None:
            return  # one answer at a time
        payload: dict = {"request": request.id, "granted": granted}
        if self.note.text().strip():
            payload["note"] = self.note.text().strip()
        self.message.setText("Approving…" if granted else "Declining…")
        self._answer_write = self.session.log("approval", payload)

    def step(self, delta: int) -> None:
        """Select the previous or next pending request."""
        count = self.pending.count()
        if count and self.pending.item(0).data(REQUEST_ROLE) is not None:
            self.pending.setCurrentRow((self.pending.currentRow() + delta) % count)

    def _written(self, future: Future, act: object) -> None:
        if future is self._answer_write:
            self._answer_write = None
            self.note.clear()
            styled(self.message, "")
            word = "Approved" if act.payload.get("granted") else "Declined"
            self.message.setText(f"{word} at {act.at.astimezone():%H:%M:%S} — the lead sees it "
                                 "now. Ctrl+Z withdraws it.")

    def _failed(self, future: Future | None, message: str) -> None:
        if future is None or future is not self._answer_write:
            return  # not ours: the window's status line says it
        self._answer_write = None  # the note keeps its text
        self.message.setText(f"Not saved: {message}")
        styled(self.message, "breach")

    # --- refreshing -----------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        """Redraw both lists and the context."""
        self._refresh_lists()
        self._show_context()

    def _refresh_lists(self) -> None:
        acts = self.session.acts
        prep = self.session.prep
        pending = [a for a in pending_requests(acts) if a.payload.get("issue") in prep.issues]
        keep = self.current.seq if self.current is not None else None
        for widget in (self.pending, self.answered):
            widget.blockSignals(True)
            widget.clear()
        now = datetime.now(UTC)
        for req in pending:
            minutes = int((now - req.at).total_seconds() // 60)
            age = "just now" if minutes < 1 else f"{minutes} min ago"
            item = QListWidgetItem(f"{self._request_line(req)}\n"
                                   f"    {req.by} · {req.at.astimezone():%H:%M} ({age})")
            item.setData(REQUEST_ROLE, req)
            self.pending.addItem(item)
        if not pending:
            item = QListWidgetItem("Nothing waiting.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.pending.addItem(item)
        answers = answers_to_requests(acts)
        withdrawn = self.session.withdrawn()
        requests = [a for a in acts if a.kind == "approval_request"]
        for req in reversed(requests):
            ans = answers.get(req.id)
            if ans is None and req.id not in withdrawn:
                continue
            if req.id in withdrawn:
                head = "– withdrawn"
            else:
                head = "✓ granted" if ans.payload.get("granted") else "✗ declined"
            item = QListWidgetItem(f"{head}   {self._request_line(req)}"
                                   + (f"\n    by {ans.by} at {ans.at.astimezone():%H:%M}"
                                      if ans is not None else ""))
            item.setData(REQUEST_ROLE, req)
            if req.id in withdrawn:
                font = QFont(self.answered.font())
                font.setStrikeOut(True)
                item.setFont(font)
            self.answered.addItem(item)
        self.pending_card.title.setText(f"Waiting for your answer — {len(pending)}" if pending
                                        else "Waiting for your answer")
        # keep the selection; once the selected request is answered move on to the next one
        was_pending = keep is not None and keep in self._pending_seqs
        self._pending_seqs = {a.seq for a in pending}
        selected = self._select(self.pending, keep)
        if selected is None and was_pending and pending:
            selected = self._select(self.pending, pending[0].seq)
        if selected is None:
            selected = self._select(self.answered, keep)
        if selected is None and pending:
            selected = self._select(self.pending, pending[0].seq)
        self.current = selected
        for widget in (self.pending, self.answered):
            widget.blockSignals(False)

    @staticmethod
    def _select(widget: QListWidget, seq: int | None) -> Act | None:
        for n in range(widget.count()):
            act = widget.item(n).data(REQUEST_ROLE)
            if act is not None and act.seq == seq:
                widget.setCurrentRow(n)
                return act
        return None

    def _request_line(self, req: Act) -> str:
        prep = self.session.prep
        issue = prep.issues.get(req.payload.get("issue"))
        name = issue.label if issue is not None and issue.label else req.payload.get("issue")
        value = fmt(req.payload["value"], issue.unit if issue else None, prep.currency)
        return f"{name} → {value}"

    def _picked(self, item: QListWidgetItem | None, *_: object) -> None:
        if item is None or item.data(REQUEST_ROLE) is None:
            return
        other = self.answered if item.listWidget() is self.pending else self.pending
        other.blockSignals(True)
        other.clearSelection()
        other.setCurrentRow(-1)
        other.blockSignals(False)
        self.current = item.data(REQUEST_ROLE)
        self.message.clear()
        self._show_context()

    def _show_context(self, *_: object) -> None:
        req = self.current
        prep = self.session.prep
        if req is None or req.payload.get("issue") not in prep.issues:
            self.context.hide()
            self.empty.show()
            return
        self.empty.hide()
        self.context.show()
        ctx = request_context(prep, self.session.acts, self.session.analysis, req,
                              self.session.member)
        issue, unit, cur = ctx.issue, ctx.issue.unit, prep.currency
        name = issue.label or issue.key
        asked = fmt(ctx.value, unit, cur)
        self.headline.setText(f"{name}: {req.by} asks to go to {asked}")
        note = req.payload.get("note")
        self.request_note.setText(f"“{note}”" if note else "")
        self.request_note.setVisible(bool(note))
        answers = answers_to_requests(self.session.acts)
        pending = req.id in self.pending_ids()
        if req.id in self.session.withdrawn():
            self.status.setText(f"Withdrawn — asked {req.at.astimezone():%H:%M}")
        elif not pending and req.id in answers:
            ans = answers[req.id]
            word = "Granted" if ans.payload.get("granted") else "Declined"
            note = ans.payload.get("note")
            shown = f": {note}" if note else ""
            self.status.setText(f"{word} by {ans.by} at {ans.at.astimezone():%H:%M}{shown}")
        else:
            self.status.setText(f"Asked {req.at.astimezone():%H:%M} — waiting for your answer")
        # the same rule the services enforce: only an approver answers
        refused = refusal(self.session, "approval")
        for button in (self.approve_button, self.decline_button):
            button.setEnabled(pending and refused is None)
            button.setToolTip(refused or "")
        self.note.setEnabled(pending and refused is None)
        if refused is not None and pending:
            self.message.setText(f"Read-only: {refused}.")
            styled(self.message, "muted")

        def f(value):
            return fmt(value, unit, cur)  # "—" for None

        self.tiles["asked"].set(f(ctx.value))
        def limit(value, locked: bool) -> str:
            return sealed(value, unit, cur, locked) if value is not None or locked else "no limit"

        self.tiles["limit"].set(limit(ctx.requester_limit, ctx.requester_limit_locked),
                                caption=f"{req.by}'s limit")
        self.tiles["walk_away"].set(sealed(issue.walk_away, unit, cur),
                                    f"target {sealed(issue.target, unit, cur)}")
        self.tiles["yours"].set(limit(ctx.approver_limit, ctx.approver_limit_locked))
        self.tiles["covered"].set(f(ctx.covered_to) if ctx.covered_to is not None else "none")
        self.tiles["ours"].set(f(ctx.ours))
        self.tiles["theirs"].set(f(ctx.theirs))
        self.tiles["gap"].set(f(ctx.gap))
        self.tiles["benchmark"].set(f(issue.benchmark))
        self.tiles["should_cost"].set(f(issue.should_cost))
        fc = ctx.forecast
        if issue.locked:  # the forecast needs the sealed positions
            self.tiles["forecast"].set(LOCKED)
        else:
            self.tiles["forecast"].set(
                f(fc["estimate"]) if fc else "—",
                f"{f(fc['low'])} – {f(fc['high'])}, from {fc['offers']} of their offers" if fc
                else "needs three of their offers on this issue")
        self.warnings.set_figure("\n".join(ctx.breaches))
        self.warnings.setVisible(bool(ctx.breaches))
        self.remarks.set_figure("\n".join(ctx.remarks))
        self.remarks.setVisible(bool(ctx.remarks))
        acts = self.session.acts
        self.chart.show_data(ChartData(
            issue=issue, currency=cur, points=offer_points(acts, issue.key),
            offers=offer_count(acts), agreed=ctx.agreed.value if ctx.agreed else None,
            forecast=ctx.forecast, limit=ctx.requester_limit, approved=ctx.covered_to,
            asked=ctx.value, captions={"limit": f"{req.by.split()[0]}'s limit",
                                       "approved": "granted so far"}))
        self.chart.mark(offer_axis(acts).get(req.seq), "asked here")
