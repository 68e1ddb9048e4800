"""The room-safe report and CSV: drawn from ``app.public``'s view only, so that they hold nothing
the room may not see — the supplier, the issues, both sides' offers, the positions and gaps, what
is agreed, the meetings and the team. No title or category, no limits, plan, analysis or
coaching: they are not in the view to be left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from app.public import ROLE_NAMES, PublicView, side_name
from app.report_charts import trajectory
from app.report_sections import Sheet, when
from app.rules import format_time

#: The public CSV: one row per value said at the table (a term or an ask of an offer) and one per
#: agreed value.
CSV_COLUMNS = ("at", "side", "logged_by", "kind", "issue", "value", "unit")


def with_unit(view: PublicView, key: str, value: Any) -> str:
    """A value with its issue's unit."""
    issue = view.issue(key)
    unit = issue.unit if issue and issue.unit else ""
    return f"{value} {unit}".strip() if value is not None else "—"


@dataclass
class PublicReport(Sheet):
    """The room-safe report of one ``PublicView``."""

    view: PublicView

    def story(self) -> list[Flowable]:
        """Every section, in order."""
        out: list[Flowable] = []
        for section in (self.summary, self.positions, self.charts, self.offers):
            out += section()
        return out

    def page(self, canvas: Any, doc: Any) -> None:
        """Footer of every page."""
        self.footer(canvas, doc, f"Caucus · {self.view.supplier} · room-safe report")

    def summary(self) -> list[Flowable]:
        v = self.view
        out: list[Flowable] = [self.p(f"Negotiation with {v.supplier}", self.h1)]
        if v.currency:
            out.append(self.p(f"Currency: {v.currency}"))
        out.append(self.p("Meetings", self.h2))
        out += self.table(["Meeting", "Started", "Ended"],
                          [[m.title, when(m.started), when(m.ended) if m.ended else "running"]
                           for m in v.meetings], [200, 130, 130], wrap=(0,))
        out.append(self.p("Team", self.h2))
        out.append(self.p(" · ".join(f"{m.name} ({ROLE_NAMES.get(m.role, m.role)})"
                                     for m in v.team) or "—"))
        return out

    def positions(self) -> list[Flowable]:
        v, rows = self.view, []
        for issue in v.issues:
            at = v.position(issue.key)
            agreed = v.agreed_on(issue.key)
            rows.append([issue.label, issue.unit or "", at.ours, at.theirs, at.gap,
                         "—" if agreed is None else
                         f"{agreed.value} ({'final' if agreed.final else 'tentative'})"])
        return [self.p("Where the sides stand", self.h2)] + self.table(
            ["Issue", "Unit", "Ours now", "Theirs now", "Gap", "Agreed"], rows,
            [140, 60, 60, 60, 60, 100], wrap=(0,))

    def charts(self) -> list[Flowable]:
        v = self.view
        out: list[Flowable] = [self.p("Offers per issue", self.h2), self.p(
            f"Our offers in blue, {side_name(v, 'them')}'s in orange; the agreed value, if "
            f"any, in green.", self.small)]
        for issue in v.issues:
            agreed = v.agreed_on(issue.key)
            chart = trajectory(v.points(issue.key), len(v.offers),
                               agreed.value if agreed else None, font=self.font)
            out.append(KeepTogether([self.p(f"{issue.label} ({issue.unit or ''})", self.h3),
                                     chart]))
        return out

    def offers(self) -> list[Flowable]:
        v = self.view
        rows = [[when(o.at), side_name(v, o.side), o.by,
                 " · ".join(f"{k} {with_unit(v, k, x)}" for k, x in o.terms)
                 + (f"; asks {' · '.join(f'{k} {with_unit(v, k, x)}' for k, x in o.asks)}"
                    if o.asks else "")] for o in v.offers]
        return [self.p("Offers (UTC)", self.h2)] + self.table(
            ["Time", "Side", "Logged by", "Values"], rows, [85, 95, 95, 245], wrap=(1, 3))


def csv_rows(view: PublicView) -> list[list[str]]:
    """The public CSV's rows (``CSV_COLUMNS``), offers in order, then what is agreed."""
    rows = []
    for offer in view.offers:
        for kind, values in (("offer", offer.terms), ("ask", offer.asks)):
            for key, value in values:
                issue = view.issue(key)
                rows.append([format_time(offer.at), side_name(view, offer.side), offer.by,
                             kind, key, format(value, "f"), issue.unit or "" if issue else ""])
    for agreed in view.agreed:
        issue = view.issue(agreed.issue)
        rows.append([format_time(agreed.at), "both", "",
                     "agreed (final)" if agreed.final else "agreed (tentative)", agreed.issue,
                     format(agreed.value, "f"), issue.unit or "" if issue else ""])
    return rows
