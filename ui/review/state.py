"""What the replay shows of one moment: positions per issue, the package scores, the trajectory of
the chosen issue, the coaching alerts and the give/get ledger — all as they stood then.

Layout and drawing only: the analysis of the moment comes from ``app.review.Replay``, the chart's
series from ``ui.review.chart.OfferArrays``. The lists show the newest entries (``SHOWN``); a
redraw skips a list whose content did not change since the last one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import Preparation
from ui import theme
from ui.review.chart import ReplayChart
from ui.review.replay import QuietLabel
from ui.widgets.alerts import AlertList
from ui.widgets.common import FigureLabel, fmt
from ui.widgets.ledger import LedgerTable

SHOWN = 60  # newest alerts and ledger rows a moment lists
POSITION_COLUMNS = ("Issue", "Them", "Us", "Gap", "Agreed")


def moment_of(analysis: dict) -> dict:
    """What a replay step shows of an analysis, and no more: per issue the last positions, the
    gap, the agreed value and the forecast; the scores; the newest alerts and ledger rows and how
    many there are. A few kilobytes where the whole analysis of a long meeting holds megabytes:
    the view keeps dozens of them."""
    issues = {key: {"ours": (v.get("ours") or [])[-1:], "theirs": (v.get("theirs") or [])[-1:],
                    "gap": v.get("gap"), "agreed": v.get("agreed"), "forecast": v.get("forecast")}
              for key, v in (analysis.get("issues") or {}).items()}
    alerts, ledger = analysis.get("alerts") or [], analysis.get("ledger") or []
    return {"issues": issues, "score": analysis.get("score") or {},
            "alerts": alerts[-SHOWN:], "alert_count": len(alerts),
            "ledger": ledger[-SHOWN:], "ledger_count": len(ledger)}


def legend_html() -> str:
    """What each line of the replay chart is, in its colour."""
    return (f'<span style="color:{theme.OURS}">━ us</span> &nbsp; '
            f'<span style="color:{theme.THEIRS}">━ them</span> &nbsp; '
            f'<span style="color:{theme.BREACH}">━ walk-away / limit</span> &nbsp; '
            f'<span style="color:{theme.REFERENCE}">╌ market</span> &nbsp; '
            f'<span style="color:{theme.AGREED}">━ agreed</span>')


class PositionsTable(QTableWidget):
    """Both sides' positions, the gap and what is agreed, one row per issue."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, len(POSITION_COLUMNS), parent)
        self.setHorizontalHeaderLabels(POSITION_COLUMNS)
        self.verticalHeader().hide()
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        head = self.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.setFont(theme.scaled_font(self.font(), 1.1))
        self._bold = theme.scaled_font(self.font(), 1.0, bold=True)

    def show_positions(self, prep: Preparation, issues: dict) -> None:
        """Fill from the analysis' ``issues`` (last values of each side)."""
        if self.rowCount() != len(prep.issues):
            self.setRowCount(len(prep.issues))
        colours = (None, theme.THEIRS, theme.OURS, None, theme.AGREED)
        for row, (key, issue) in enumerate(prep.issues.items()):
            state = issues.get(key) or {}
            ours, theirs = state.get("ours") or [], state.get("theirs") or []
            values = (theirs[-1] if theirs else None, ours[-1] if ours else None,
                      state.get("gap"), state.get("agreed"))
            cells = [issue.label or key] + [fmt(v, issue.unit, prep.currency) if v is not None
                                            else "—" for v in values]
            for col, text in enumerate(cells):
                item = self.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    if col:
                        item.setFont(self._bold)
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                              | Qt.AlignmentFlag.AlignVCenter)
                    if colours[col]:
                        item.setForeground(QBrush(theme.color(colours[col])))
                    self.setItem(row, col, item)
                if item.text() != text:
                    item.setText(text)
        self.setFixedHeight(self.horizontalHeader().height() + 4
                            + sum(self.rowHeight(r) for r in range(self.rowCount())))

    def texts(self) -> list[str]:
        """Every cell, row by row (for tests)."""
        return [self.item(r, c).text() for r in range(self.rowCount())
                for c in range(self.columnCount()) if self.item(r, c)]

    def retheme(self) -> None:
        """Colours of the theme in force (cells are re-made on the next fill)."""
        self.clearContents()


class ReplayState(QWidget):
    """One moment of the meeting. ``show_moment`` draws it; the view owns the timing."""

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.positions = PositionsTable()
        self.issue = QComboBox()
        self.issue.setToolTip("The issue the chart shows (Ctrl+PgDown / Ctrl+PgUp)")
        self.legend = QLabel(legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.chart = ReplayChart()
        self.score_ours = FigureLabel()
        self.score_theirs = FigureLabel()
        for label, role in ((self.score_ours, "ours"), (self.score_theirs, "theirs")):
            label.setProperty("role", role)
            label.setFont(theme.scaled_font(self.font(), 1.4, bold=True))
            metrics = label.fontMetrics()  # a fixed size: a new score lays nothing out again
            label.setFixedSize(metrics.horizontalAdvance("theirs 100 / 100") + 12,
                               metrics.height() + 4)
        self.alerts = AlertList()
        self.ledger = LedgerTable()
        self.lists = QTabWidget()
        self.lists.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lists.addTab(self.alerts, "Coaching alerts")
        self.lists.addTab(self.ledger, "Give / get ledger")
        self.counts = QuietLabel()
        self._lay_out()
        self._shown: dict[str, tuple] = {}

    def _lay_out(self) -> None:
        head = QHBoxLayout()
        head.addWidget(QLabel("Trajectory of"))
        head.addWidget(self.issue)
        head.addStretch(1)
        head.addWidget(self.legend)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.positions)
        left.addLayout(head)
        left.addWidget(self.chart, 1)
        scores = QHBoxLayout()
        caption = QLabel("Package score")
        caption.setProperty("role", "muted")
        scores.addWidget(caption)
        scores.addWidget(self.score_ours)
        scores.addWidget(self.score_theirs)
        scores.addStretch(1)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(scores)
        right.addWidget(self.lists, 1)
        right.addWidget(self.counts)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for layout, stretch in ((left, 3), (right, 2)):
            column = QWidget()
            column.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            column.setLayout(layout)
            row.addWidget(column, stretch)

    def set_issues(self, prep: Preparation) -> None:
        """The issues the chart can show (keeps the choice when it still exists)."""
        current = self.issue.currentData()
        self.issue.blockSignals(True)
        self.issue.clear()
        for key, issue in prep.issues.items():
            self.issue.addItem(issue.label or key, key)
        at = self.issue.findData(current)
        self.issue.setCurrentIndex(at if at >= 0 else 0)
        self.issue.blockSignals(False)

    def step_issue(self, step: int) -> None:
        """Chart the next (or previous) issue."""
        if self.issue.count():
            self.issue.setCurrentIndex((self.issue.currentIndex() + step) % self.issue.count())

    def show_moment(self, moment: dict, prep: Preparation) -> None:
        """Positions, scores and the lists of a ``moment_of`` (the chart: see the view)."""
        self.positions.show_positions(prep, moment["issues"])
        score = moment["score"]
        for label, side in ((self.score_ours, "ours"), (self.score_theirs, "theirs")):
            value = score.get(side)
            label.set_figure(f"{side} —" if value is None else f"{side} {value:.0f} / 100",
                             f"{side} package at this moment, scored by our own preferences")
        alerts, ledger = moment["alert_count"], moment["ledger_count"]
        if self._changed("alerts", (alerts, id(prep))):
            self.alerts.show_alerts(moment["alerts"], prep)
        last = moment["ledger"][-1] if moment["ledger"] else None
        if self._changed("ledger", (ledger, last.get("reciprocated") if last else None,
                                    id(prep))):
            self.ledger.show_ledger(moment["ledger"], prep)
        self.counts.setText(f"{alerts:,} alert(s) and {ledger:,} give(s) of ours so far"
                            + (f"; the newest {SHOWN} listed" if max(alerts, ledger) > SHOWN
                               else ""))

    def _changed(self, name: str, key: tuple) -> bool:
        if self._shown.get(name) == key:
            return False
        self._shown[name] = key
        return True

    def forget(self) -> None:
        """Redraw every list on the next moment (the theme or the preparation changed)."""
        self._shown.clear()

    def retheme(self) -> None:
        """The system theme changed."""
        self.legend.setText(legend_html())
        self.positions.retheme()
        self.forget()
