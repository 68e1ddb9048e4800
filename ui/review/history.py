"""The supplier's history across this workspace (``app.review.supplier_history``), for the
Prepare view: each negotiation with them (outcome per issue, how far they moved from their
opening, the tactics they used, where the debrief found their real limits) and the pattern across
them (how big their first, second and third concessions are)."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.analysis.playbook import tactic_entry
from app.review import supplier_history
from ui import theme
from ui.widgets.common import fmt

ORDINALS = ("1st", "2nd", "3rd")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def pattern_html(history: dict) -> str:
    """Their typical concessions, as shares of our range."""
    pattern = history.get("pattern") or {}
    sizes = [(n, s) for n, s in zip(ORDINALS, pattern.get("sizes") or [], strict=False)
             if s is not None]
    if not sizes:
        return "<p>Not enough of their concessions yet to see a pattern.</p>"
    steps = " → ".join(f"{n} {_pct(s)}" for n, s in sizes)
    trend = {True: "they give less each time", False: "their concessions do not shrink",
             None: ""}[pattern.get("shrinking")]
    return (f"<p>Their concessions on an issue, as shares of our range: {steps}"
            f"{' — ' + trend if trend else ''}.</p>")


def tactics_html(history: dict) -> str:
    """The tactics they used, most frequent first."""
    tactics = sorted((history.get("tactics") or {}).items(), key=lambda kv: -kv[1])
    if not tactics:
        return "<p>No tactic of theirs was tagged.</p>"
    return "<p>Tactics: " + ", ".join(f"{escape(tactic_entry(t)['label'])} ×{n}"
                                      for t, n in tactics) + "</p>"


def negotiation_html(neg: dict, debrief: dict, prep) -> str:
    """One past negotiation: its outcome per issue and the debrief's limits (issues named and
    measured as this preparation names them, when it has them)."""
    currency = prep.currency
    when = (neg.get("started") or "")[:10]
    head = (f"<h4>{escape(neg['title'])} <span style='font-weight:normal'>· {when} · "
            f"{'agreed' if neg.get('status') == 'agreed' else 'not agreed yet'}</span></h4>")
    rows = []
    for key, row in (neg.get("issues") or {}).items():
        if row.get("agreed") is None and row.get("their_opening") is None:
            continue
        issue = prep.issues.get(key)
        name, unit = (issue.label or key, issue.unit) if issue else (key, None)

        def value(v, unit=unit):
            return fmt(v, unit, currency) if v is not None else "—"

        target = value(row.get("target"))
        verdict = f" ({row['vs_target']})" if row.get("vs_target") else ""
        rows.append(f"<tr><td>{escape(name)}</td><td>{value(row.get('their_opening'))}</td>"
                    f"<td>{value(row.get('their_final'))}</td>"
                    f"<td>{_pct(row.get('share'))}</td>"
                    f"<td><b>{value(row.get('agreed'))}</b>{verdict}</td><td>{target}</td></tr>")
    table = ("<table cellpadding=3 cellspacing=0><tr><th align=left>Issue</th>"
             "<th align=left>They opened</th><th align=left>They ended</th>"
             "<th align=left>They moved (of our range)</th><th align=left>Agreed</th>"
             "<th align=left>Our target</th></tr>" + "".join(rows) + "</table>") if rows else ""
    limits = debrief.get("limits") or {}
    found = ("<p><i>Their real limits (debrief):</i> " + escape(", ".join(
        f"{k} {v}" for k, v in limits.items())) + "</p>") if limits else ""
    lesson = (f"<p><i>Next time:</i> {escape(debrief['differently'])}</p>"
              if debrief.get("differently") else "")
    return head + table + found + lesson


class SupplierHistory(QWidget):
    """The history of the session's supplier. ``refresh()`` reads the workspace again."""

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.history: dict | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setFont(theme.scaled_font(self.font(), 1.1, bold=True))
        self.body = QTextBrowser()
        self.body.setMinimumHeight(320)
        self.reload = QPushButton("Read the workspace again")
        self.reload.clicked.connect(self.refresh)
        self.reload.setProperty("navigation", True)  # reads, never writes: for every role
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.summary)
        box.addWidget(self.body, 1)
        box.addWidget(self.reload)
        self.supplier: str | None = None  # whose history was read (None: not read yet)

    def follow(self, supplier: str) -> None:
        """The preparation names ``supplier``: read again if it changed and the page shows."""
        if supplier != self.supplier:
            self.supplier = None
            if self.isVisible():
                self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.supplier is None:  # read when first seen: it analyses every negotiation
            self.refresh()

    def refresh(self) -> None:
        """Read every negotiation with this supplier and draw them."""
        ws, prep = self.session.ws, self.session.prep
        self.supplier = prep.supplier
        self.history = supplier_history(ws, prep.supplier) if prep.supplier else None
        self.draw()

    def draw(self) -> None:
        """Draw the history as read."""
        history, s = self.history, self.session
        if not history or not history.get("negotiations"):
            self.summary.setText("No negotiation with this supplier in this workspace yet.")
            self.body.setHtml("<p>Once a negotiation with them has been held and reviewed, "
                              "this page shows what they conceded, the tactics they used and "
                              "where their real limits turned out to be.</p>")
            return
        negs = history["negotiations"]
        agreed = sum(1 for n in negs if n.get("status") == "agreed")
        self.summary.setText(f"{len(negs)} negotiation(s) with {history['supplier']} in this "
                             f"workspace · {agreed} agreed")
        parts = [pattern_html(history), tactics_html(history)]
        for neg in reversed(negs):  # newest first
            debrief = dict(s.ws.preparation(neg["id"]).debrief or {})
            parts.append(negotiation_html(neg, debrief, s.prep))
        self.body.setHtml("".join(parts))

    def text(self) -> str:
        """What the page says (for tests)."""
        return self.summary.text() + "\n" + self.body.toPlainText()
