"""The lead's panel ("meet"): log offers from the keyboard while talking, and read the meeting at a
glance — positions and gaps per issue, the selected issue's trajectory, authority, alerts, tactic
counters, the give/get ledger and the recent acts.

Layout only and wiring: every figure comes from the session's analysis or from ``app`` functions
(``app.quickentry``, ``app.authority``, ``app.meeting``). The quick-entry line
keeps the keyboard: nothing else in the panel takes focus, and alerts arrive without a sound.
"""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.authority import Breach, unchecked
from app.errors import PastLimit
from app.meeting import (
    answers_to_requests,
    default_issue,
    last_value,
    meter,
    offer_axis,
    offer_count,
    offer_points,
    refs,
)
from app.quickentry import QuickOffer
from ui import theme
from ui.widgets.alerts import AlertList, TacticCards
from ui.widgets.authority import AuthorityDialog, breach_line
from ui.widgets.common import LOCKED, FigureLabel, add_shortcut, fmt, refusal, sealed
from ui.widgets.feed import ActFeed
from ui.widgets.lead_issue import IssueCard
from ui.widgets.ledger import LedgerTable
from ui.widgets.quickentry import QuickEntry
from ui.widgets.trajectory import ChartData, TrajectoryChart

REFRESH_MS = 30  # acts arriving together are drawn once


def style() -> str:
    """The panel's own stylesheet, in the colours in force."""
    return (f'QFrame[card="true"][selected="true"] {{ border: 2px solid palette(highlight); }}\n'
            f'QFrame#tacticCard {{ border: 2px solid {theme.THEIRS}; border-radius: 6px; }}')


def legend_html() -> str:
    """What each line of the chart is, in its colour."""
    return (f'<span style="color:{theme.OURS}">━ us</span> &nbsp; '
            f'<span style="color:{theme.THEIRS}">━ them</span> &nbsp; '
            f'<span style="color:{theme.OURS}">┅ plan</span> &nbsp; '
            f'<span style="color:{theme.BREACH}">━ walk-away / limit</span> &nbsp; '
            f'<span style="color:{theme.REFERENCE}">╌ market</span> &nbsp; '
            f'<span style="color:{theme.AGREED}">━ agreed</span>')


class LeadPanel(QWidget):
    """The lead's console. Reads the session; writes only through ``session.log``."""

    dialog_opened = Signal(object)  # the authority guard, about to open (the window words it)

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.selected: str | None = None
        self.cards: dict[str, IssueCard] = {}
        self.authority_dialog: AuthorityDialog | None = None
        self.awaiting: set[str] = set()  # approval requests filed with our offers, unanswered
        self._offers: dict[Future, tuple[str, QuickOffer, bool]] = {}  # writes in flight, and
        # whether each was sent knowingly past a limit
        self.setStyleSheet(style())
        self._build()
        self._wire()
        self._issues_changed()
        self.select_issue(default_issue(session.acts, session.prep))

    # --- building -------------------------------------------------------------------------------

    def _build(self) -> None:
        self.entry = QuickEntry()
        self.card_grid = QGridLayout()
        self.card_grid.setSpacing(6)
        self.chart_title = QLabel()
        self.chart_title.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        self.forecast = FigureLabel()
        self.forecast.setProperty("role", "theirs")
        self.chart = TrajectoryChart()
        left = QVBoxLayout()
        left.addLayout(self.card_grid)
        head = QHBoxLayout()
        head.addWidget(self.chart_title)
        head.addStretch(1)
        head.addWidget(self._legend())
        left.addLayout(head)
        left.addWidget(self.forecast)
        left.addWidget(self.chart, 1)
        body = QHBoxLayout()
        for layout, stretch in ((left, 2), (self._side(), 1)):
            column = QWidget()  # fixed proportions: a long text must not shift the layout
            column.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            column.setLayout(layout)
            layout.setContentsMargins(0, 0, 0, 0)
            body.addWidget(column, stretch)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.addWidget(self.entry)
        outer.addLayout(body, 1)

    def _legend(self) -> QLabel:
        self.legend = QLabel(legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        return self.legend

    def _side(self) -> QVBoxLayout:
        side = QVBoxLayout()
        scores = QHBoxLayout()
        caption = QLabel("Package score")
        caption.setProperty("role", "muted")
        scores.addWidget(caption)
        self.score_ours = FigureLabel()
        self.score_theirs = FigureLabel()
        for label, role in ((self.score_ours, "ours"), (self.score_theirs, "theirs")):
            label.setProperty("role", role)
            label.setFont(theme.scaled_font(self.font(), 1.5, bold=True))
            scores.addWidget(label)
        scores.addStretch(1)
        side.addLayout(scores)
        self.tactics = TacticCards()
        side.addWidget(self.tactics)
        alerts_title = QLabel("Coaching alerts")
        alerts_title.setProperty("role", "muted")
        side.addWidget(alerts_title)
        self.alerts = AlertList()
        side.addWidget(self.alerts, 3)
        self.feed = ActFeed(self.session, scale=1.0)
        self.feed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ledger = LedgerTable()
        self.tabs = QTabWidget()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(self.feed, "Recent acts")
        self.tabs.addTab(self.ledger, "Give / get ledger")
        side.addWidget(self.tabs, 4)
        return side

    def _wire(self) -> None:
        s = self.session
        self._meters: dict | None = None  # the cards' meters, while one refresh runs
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS,
                                     timeout=self.refresh)
        s.analysis_changed.connect(self._schedule)
        s.preparation_changed.connect(self._issues_changed)
        self.entry.submitted.connect(self.offer)
        s.write_done.connect(self._written)
        s.write_failed.connect(self._failed)
        self.alerts.alert_picked.connect(self.point_at_alert)
        self.ledger.act_picked.connect(self.point_at)
        self.feed.act_selected.connect(self._act_selected)
        keys = (("Ctrl+PgDown", lambda: self.step_issue(1)),
                ("Ctrl+PgUp", lambda: self.step_issue(-1)),
                ("Alt+D", lambda: self.tactics.dismiss()))
        for key, slot in keys:
            add_shortcut(self, key, slot)

    def _issues_changed(self) -> None:
        prep = self.session.prep
        self.entry.set_issues(prep.issues, prep.currency)
        # the same rule the services enforce: only those who may speak for us log offers here
        self.entry.set_refused(refusal(self.session, "offer", {"side": "us"}))
        if list(self.cards) != list(prep.issues):
            for card in self.cards.values():
                card.setParent(None)
                card.deleteLater()
            self.cards = {}
            columns = 3 if len(prep.issues) > 4 else 2
            for n, (key, issue) in enumerate(prep.issues.items()):
                card = IssueCard(issue)
                card.clicked.connect(self.select_issue)
                self.card_grid.addWidget(card, n // columns, n % columns)
                self.cards[key] = card
        self.refresh()

    # --- the window's hooks ---------------------------------------------------------------------

    def retheme(self) -> None:
        """The system theme changed: the panel's colours, the legend, and a redraw."""
        self.setStyleSheet(style())
        self.legend.setText(legend_html())
        self.refresh()

    def focus_entry(self) -> None:
        """Put the keyboard in the quick-entry line."""
        self.entry.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def shortcuts(self) -> list[tuple[str, str]]:
        """The panel's keys, for the F1 overlay."""
        return [
            ("Enter", "Log the offer typed in the line"),
            ("Tab / Shift+Tab", "Complete (and cycle) the side or issue word"),
            ("↑ / ↓", "Recall earlier offers into the line"),
            ("Ctrl+Z", "In a line with text: undo typing. Empty line: undo my last entry"),
            ("Ctrl+PgDown / Ctrl+PgUp", "Chart the next / previous issue"),
            ("Alt+D", "Dismiss the newest tactic card"),
        ]

    # --- offers ---------------------------------------------------------------------------------

    def offer(self, offer: QuickOffer, text: str) -> None:
        """An offer parsed from the line: logged, unless the services hold it past a limit."""
        self.send(offer, text)

    def send(self, offer: QuickOffer, text: str, past_limit: bool = False) -> None:
        """Log the offer; the line clears when this very write is done. An offer of ours past
        the walk-away or this member's authority is refused by the services (``PastLimit``)
        and comes back to ``hold``; ``past_limit`` logs it knowingly, with approval requests."""
        self.entry.mark_pending(text)
        future = self.session.submit("log", "offer", offer.payload(), past_limit=past_limit)
        self._offers[future] = (text, offer, past_limit)

    def _written(self, future: Future, result: object) -> None:
        """One of our offers is in the journal: clear the line, say what went with it."""
        if future not in self._offers:
            return
        text, offer, past_limit = self._offers.pop(future)
        self.entry.logged(text)
        sealed = unchecked(self.session.prep, self.session.member, offer.terms) \
            if offer.side == "us" else []
        if past_limit:
            requests = self._filed_with(result)
            self.awaiting.update(r.id for r in requests if r.id)
            self.entry.notice(f"Logged past the limit; approval requested "
                              f"({', '.join(r.payload['issue'] for r in requests)})", "warning")
        elif sealed:  # the one stop of the meeting could not look: say so, quietly
            self.entry.notice(f"Logged, not checked against the walk-away or your limit on "
                              f"{', '.join(sealed)}: {LOCKED} on this computer", "warning")
        first = next(iter(offer.terms), None)
        if first in self.cards:
            self.select_issue(first)

    def _filed_with(self, act) -> list:
        """The approval requests the services filed with ``act`` (right after it, same writer)."""
        after = [a for a in self.session.acts if a.seq > act.seq][:len(act.payload["terms"])]
        return [a for a in after if a.kind == "approval_request" and a.by == act.by]

    def _failed(self, future: Future | None, message: str) -> None:
        """One of our offers was not logged: held past a limit (the dialog), or refused (the line
        keeps its text and says why)."""
        if future not in self._offers:
            return
        text, offer, _ = self._offers.pop(future)
        error = future.exception()
        if isinstance(error, PastLimit):
            self.entry.cancelled()
            self.hold(offer, text, error.breaches)
        else:
            self.entry.failed(f"not logged, the text is kept: {message}")

    def hold(self, offer: QuickOffer, text: str, found: list[Breach]) -> None:
        """Stop an offer past the walk-away or this member's authority: the one modal dialog."""
        prep = self.session.prep
        approver = next((m.name for m in prep.team.values() if m.role == "approver"), None)
        can_request = any(b.kind == "authority" for b in found)
        dialog = AuthorityDialog(self._breach_lines(found), can_request, approver,
                                 self.entry.preview(offer), self)
        dialog.finished.connect(lambda _code: self._decided(dialog, offer, text, found))
        self.authority_dialog = dialog
        self.dialog_opened.emit(dialog)
        dialog.open()

    def _breach_lines(self, found: list[Breach]) -> list[str]:
        s = self.session
        prep = s.prep
        return [breach_line(b, prep.issues[b.issue], s.member, prep.currency) for b in found]

    def _decided(self, dialog: AuthorityDialog, offer: QuickOffer, text: str,
                 found: list[Breach]) -> None:
        self.authority_dialog = None
        dialog.deleteLater()
        if dialog.choice in ("request", "log"):  # the same call, now said knowingly
            self.send(offer, text, past_limit=True)
        else:
            self.entry.cancelled()
        self.focus_entry()

    def _answers(self) -> None:
        """Tell the lead when the approver answers a request filed with one of our offers."""
        answers = answers_to_requests(self.session.acts)
        for request in [r for r in self.awaiting if r in answers]:
            self.awaiting.discard(request)
            answer = answers[request]
            note = f" — {answer.payload['note']}" if answer.payload.get("note") else ""
            if answer.payload.get("granted"):
                self.entry.notice(f"✓ {answer.by} approved request {request}{note}", "agreed")
            else:
                self.entry.show_error(f"{answer.by} declined request {request}{note}", 0, 0)

    # --- reading --------------------------------------------------------------------------------

    @property
    def refresh_pending(self) -> bool:
        """True while a redraw is scheduled (acts arrived and are about to be drawn)."""
        return self._refresh_timer.isActive()

    def _schedule(self, *_: object) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Redraw everything from the session's analysis (cheap: no item is re-created)."""
        s = self.session
        prep, analysis, acts = s.prep, s.analysis, s.acts
        issues = analysis.get("issues", {})
        self._meters = {}
        for key, card in self.cards.items():
            if key not in prep.issues:
                continue
            state = issues.get(key) or {}
            m = self._meters[key] = meter(prep, acts, s.member, key,
                                          last_value(state.get("ours")))
            card.show_state(prep.issues[key], prep.currency, state, m, s.member)
        score = analysis.get("score") or {}
        locked = bool(analysis.get("locked"))  # scores need the sealed positions
        self.score_ours.set_figure(_score("ours", score.get("ours"), locked),
                                   "our current package, scored by our own preferences", locked)
        self.score_theirs.set_figure(_score("theirs", score.get("theirs")),
                                     "their current package, scored by our own preferences")
        self.score_theirs.setVisible(not locked)  # one "locked" says it for both
        alerts = analysis.get("alerts") or []
        self.tactics.show_alerts(alerts, refs(acts))
        self.alerts.show_alerts(alerts, prep)
        self.ledger.show_ledger(analysis.get("ledger") or [], prep)
        self._draw_chart()
        self._meters = None
        if self.awaiting:
            self._answers()

    def select_issue(self, key: str | None) -> None:
        """Chart ``key`` and outline its card."""
        if key is None or key not in self.cards:
            return
        self.selected = key
        for k, card in self.cards.items():
            card.set_selected(k == key)
        self.chart.mark(None)
        self._draw_chart()

    def step_issue(self, step: int) -> None:
        """Chart the next (or previous) issue."""
        keys = list(self.cards)
        if keys:
            at = keys.index(self.selected) if self.selected in keys else 0
            self.select_issue(keys[(at + step) % len(keys)])

    def _draw_chart(self) -> None:
        s = self.session
        prep = s.prep
        issue = prep.issues.get(self.selected or "")
        if issue is None:
            return
        state = s.analysis.get("issues", {}).get(issue.key) or {}
        m = self._meters.get(issue.key) if self._meters is not None else None
        if m is None:  # the cards have not measured it in this refresh
            m = meter(prep, s.acts, s.member, issue.key, last_value(state.get("ours")))
        plan = prep.plan.get(issue.key)
        self.chart.show_data(ChartData(
            issue=issue, currency=prep.currency, points=offer_points(s.acts, issue.key),
            offers=offer_count(s.acts), agreed=last_value([state.get("agreed")]),
            forecast=state.get("forecast"), ladder=plan.steps if plan else (),
            limit=m.limit if m else None, approved=m.approved_to if m else None,
            batna=prep.batna_value(issue.key)))
        better = "lower" if issue.better == "lower" else "higher"
        self.chart_title.setText(f"{issue.label or issue.key} · {issue.unit or prep.currency or ''}"
                                 f" · {better} is better for us")
        self.forecast.set_figure(_references(issue, m, prep.currency) + "  ·  "
                                 + _forecast_text(state.get("forecast"), issue.unit,
                                                  prep.currency, issue.locked),
                                 locked=issue.locked)

    # --- pointing at acts -----------------------------------------------------------------------

    def point_at_alert(self, alert: dict) -> None:
        """An alert was clicked: chart its issue and point at its act."""
        if alert.get("issue") in self.cards:
            self.select_issue(alert["issue"])
        self.point_at(alert.get("act"))

    def point_at(self, ref) -> None:
        """Select the act with analysis reference ``ref`` in the recent acts and on the chart."""
        act = refs(self.session.acts).get(ref)
        if act is None:
            return
        item = self.feed.item_of(act.id) if act.id else None
        if item is not None:
            self.tabs.setCurrentWidget(self.feed)
            self.feed.setCurrentItem(item)
            self.feed.scrollToItem(item)
        self._act_selected(act)

    def _act_selected(self, act) -> None:
        self.chart.mark(offer_axis(self.session.acts).get(act.seq))


def _score(side: str, value, locked: bool = False) -> str:
    if locked:
        return LOCKED
    return f"{side} —" if value is None else f"{side} {value:.0f} / 100"


def _references(issue, m, currency: str | None) -> str:
    parts = [f"target {sealed(issue.target, issue.unit, currency)}",
             f"walk-away {sealed(issue.walk_away, issue.unit, currency)}"]
    if m is not None and (m.limit is not None or m.limit_locked):
        parts.append(f"my limit {sealed(m.limit, issue.unit, currency, m.limit_locked)}")
    return " · ".join(parts)


def _forecast_text(forecast: dict | None, unit: str | None, currency: str | None,
                   locked: bool = False) -> str:
    if locked:  # the forecast needs the sealed positions
        return f"forecast {LOCKED}"
    if not forecast:
        return "forecast of where they stop: after their 3rd offer here"
    signal = f", {forecast['signal']}" if forecast.get("signal") else ""
    return (f"they stop ≈ {fmt(forecast['estimate'], unit, currency)} "
            f"(80 %: {fmt(forecast['low'])}–{fmt(forecast['high'], unit, currency)}; "
            f"{forecast['offers']} offers{signal})")
