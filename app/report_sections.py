"""The sections of the PDF report (``app.report``), as reportlab flowables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, TableStyle

from app.domain import MEETING_KINDS, Act, Preparation
from app.meeting import offer_count, offer_points
from app.money import money
from app.numbers import parse_decimal
from app.report_charts import references, trajectory
from app.review.timeline import label

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
             "/Library/Fonts", "C:/Windows/Fonts")
ROWS_PER_TABLE = 150
TIMELINE_KINDS = set(MEETING_KINDS) | {"meeting_start", "meeting_end", "debrief"}
LOCKED = "locked"


@cache
def fonts() -> tuple[str, str]:
    """The regular and bold font names: DejaVu Sans when found (every glyph Caucus writes),
    else the built-in Helvetica (texts are then reduced to Latin-1)."""
    for folder in FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("CaucusSans", str(regular)))
            pdfmetrics.registerFont(TTFont("CaucusSans-Bold", str(bold)))
            return "CaucusSans", "CaucusSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def text(value: Any) -> str:
    """A value as text the chosen font can show."""
    out = "—" if value is None else str(value)
    if fonts()[0] == "Helvetica":
        for a, b in (("→", "->"), ("≥", ">="), ("≤", "<="), ("×", "x"), ("…", "..."),
                     ("—", "-"), ("–", "-"), ("✗", "x")):
            out = out.replace(a, b)
        out = out.encode("latin-1", "replace").decode("latin-1")
    return out


def when(value: datetime | str | None) -> str:
    """A time as ``2027-01-14 09:04`` (UTC)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min {rest % 60} s"


class Sheet:
    """The styles and building blocks of a report (the team's, and the room's in
    ``app.report_public``)."""

    def __post_init__(self) -> None:
        regular, bold = fonts()
        base = getSampleStyleSheet()
        self.font = regular
        self.body = ParagraphStyle("body", base["BodyText"], fontName=regular, fontSize=9,
                                   leading=12)
        self.small = ParagraphStyle("small", self.body, fontSize=7, leading=9)
        self.h1 = ParagraphStyle("h1", base["Title"], fontName=bold, fontSize=17, leading=21)
        self.h2 = ParagraphStyle("h2", base["Heading2"], fontName=bold, fontSize=12,
                                 spaceBefore=10, spaceAfter=4)
        self.h3 = ParagraphStyle("h3", base["Heading3"], fontName=bold, fontSize=10,
                                 spaceBefore=6, spaceAfter=2)

    # --- building blocks ----------------------------------------------------------------------

    def p(self, value: Any, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(text(value)), style or self.body)

    def table(self, header: Sequence[str], rows: list[list[Any]], widths: Sequence[float],
              wrap: Sequence[int] = ()) -> list[Flowable]:
        """Tables of at most ``ROWS_PER_TABLE`` rows (long ones lay out much faster in parts)."""
        if not rows:
            return [self.p("None.", self.small)]
        out: list[Flowable] = []
        for start in range(0, len(rows), ROWS_PER_TABLE):
            cells = [[self.p(h, self.small) for h in header]]
            for row in rows[start:start + ROWS_PER_TABLE]:
                cells.append([self.p(v, self.small) if n in wrap else text(v)
                              for n, v in enumerate(row)])
            t = LongTable(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
            t.setStyle(TableStyle([
                ("FONT", (0, 0), (-1, -1), self.font, 7),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F2F2F2")]),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]))
            out.append(t)
        return out

    def footer(self, canvas: Any, doc: Any, caption: str) -> None:
        """``caption`` and the page number at the foot of a page."""
        canvas.saveState()
        canvas.setFont(self.font, 7)
        canvas.drawString(36, 24, text(caption))
        canvas.drawRightString(A4[0] - 36, 24, f"page {doc.page}")
        canvas.restoreState()


@dataclass
class Report(Sheet):
    """Everything the team's report shows, gathered once."""

    acts: list[Act]
    prep: Preparation
    analysis: dict[str, Any]
    terms: list[dict[str, Any]]
    draft: dict[str, Any]

    def page(self, canvas: Any, doc: Any) -> None:
        """Footer of every page: the negotiation, page number."""
        self.footer(canvas, doc, f"Caucus · {self.prep.title}")

    # --- the story ----------------------------------------------------------------------------

    def story(self) -> list[Flowable]:
        out: list[Flowable] = []
        for section in (self.summary, self.agreed, self.charts, self.ledger, self.alerts,
                        self.tactics, self.debrief, self.timeline):
            out += section()
        return out

    def summary(self) -> list[Flowable]:
        prep = self.prep
        head = " · ".join(x for x in (prep.supplier, prep.category, prep.currency) if x)
        timing = self.draft["time_to_agreement"]
        out: list[Flowable] = [self.p(f"Negotiation report: {prep.title}", self.h1),
                               self.p(head)]
        out.append(self.p("Summary", self.h2))
        strategy = self.analysis["strategy"]
        meetings = len(prep.meetings)
        out.append(self.p(f"Approach: {strategy['approach']} ({strategy['key_move']}). "
                          f"Journal: {len(self.acts)} acts in {meetings} meeting(s)."))
        if timing["to"]:
            out.append(self.p(f"Final agreement on {when(timing['to'])}, "
                              f"{duration(timing['seconds'])} after the first act at the table "
                              f"({when(timing['from'])})."))
        else:
            out.append(self.p("No final agreement yet."))
        score = self.analysis["score"]
        out.append(self.p(f"Package score (our preferences, 0–100): ours {score['ours']}, "
                          f"theirs {score['theirs']}."))
        worth = self.analysis.get("economics")
        if worth and worth["ours"] is not None and worth["theirs"] is not None:
            out.append(self.p(
                f"Yearly value to us, from our walk-aways: ours {self.money(worth['ours'])}, "
                f"theirs {self.money(worth['theirs'])} (gap {self.money(worth['gap'])})."))
        if prep.batna.get("ours") or prep.batna.get("theirs"):
            out.append(self.p(f"Our BATNA: {prep.batna.get('ours')}"))
            out.append(self.p(f"Their BATNA (our estimate): {prep.batna.get('theirs')}"))
        elif "batna" in prep.locked:
            out.append(self.p(f"BATNA: {LOCKED}"))
        moves = self.draft["their_concessions"]
        rows = []
        for row in self.terms:
            move = moves.get(row["issue"], {})
            rows.append([row["label"], row["unit"] or "", row["opening"],
                         row["target"] or LOCKED, row["walk_away"] or LOCKED,
                         move.get("opening"), move.get("last_offer"), row["value"]])
        header = ["Issue", "Unit", "Our opening", "Target", "Walk-away", "Their opening",
                  "Their last", "Agreed"]
        return out + self.table(header, rows, [110, 50, 55, 55, 55, 60, 60, 55], wrap=(0,))

    def agreed(self) -> list[Flowable]:
        rows = []
        for row in self.terms:
            approval = row["approval"]
            covered = "—"
            if approval:
                covered = (f"{approval['approval']} ({approval['by']}) on request "
                           f"{approval['request']} to {approval['value']}")
            rows.append([row["label"], row["value"], row["status"],
                         row["vs_target"] or (LOCKED if row["locked"] else "—"),
                         row["by"], covered])
        header = ["Issue", "Agreed", "Status", "vs target", "Agreed by", "Under approval"]
        widths = [110, 55, 55, 50, 90, 160]
        return [self.p("Agreed terms", self.h2)] + self.table(header, rows, widths,
                                                               wrap=(0, len(header) - 1))

    def charts(self) -> list[Flowable]:
        out: list[Flowable] = [self.p("Trajectories", self.h2)]
        offers = offer_count(self.acts)
        agreed = {row["issue"]: row["value"] for row in self.terms}
        for key, issue in self.prep.issues.items():
            view = self.analysis["issues"].get(key, {})
            value = agreed.get(key)
            chart = trajectory(offer_points(self.acts, key), offers,
                               parse_decimal(value) if value else None, references(issue),
                               font=self.font)
            notes = []
            sizes = view.get("our_concessions") or []
            if sizes:
                shown = ", ".join(f"{s:.0%}" for s in sizes[-12:])
                more = f"{len(sizes)} in all, the last 12: " if len(sizes) > 12 else ""
                notes.append(f"our concessions ({more}{shown}) of the range")
            if view.get("forecast"):
                f = view["forecast"]
                notes.append(f"forecast of their stop {f['estimate']} ({f['low']}–{f['high']})")
            block: list[Flowable] = [self.p(f"{issue.label or key} ({issue.unit or ''})",
                                            self.h3), chart]
            if notes:
                block.append(self.p("; ".join(notes), self.small))
            out.append(KeepTogether(block))
        return out

    def money(self, value: str | None) -> str:
        """A money figure of the analysis in the negotiation's currency."""
        return "—" if value is None else money(Decimal(value), self.prep.currency)

    def ledger(self) -> list[Flowable]:
        valued = self.analysis.get("economics") is not None
        rows = []
        for row in self.analysis["ledger"]:
            gives = ", ".join(f"{k} {v:.0%}" for k, v in row["gives"].items())
            asks = ", ".join(f"{k} {v}" for k, v in (row["asks"] or {}).items()) or "nothing"
            worth = [self.money(row.get("gives_value")), self.money(row.get("asks_value"))]
            rows.append([row["act"], gives, asks, *(worth if valued else []),
                         "yes" if row["reciprocated"] else "no"])
        head = "Concession ledger (our gives, as shares of our range)"
        header = ["Act", "Gives", "Asks", *(["Gives a year", "Asks a year"] if valued else []),
                  "Reciprocated"]
        widths = [40, 130, 130, 70, 70, 70] if valued else [50, 200, 200, 70]
        return [self.p(head, self.h2)] + self.table(header, rows, widths, wrap=(1, 2))

    def alerts(self) -> list[Flowable]:
        counts = self.draft["alerts"]
        out: list[Flowable] = [self.p("Coaching alerts", self.h2), self.p(
            ", ".join(f"{k.replace('_', ' ')} ×{n}" for k, n in counts.items()) or "None.")]
        alerts = self.analysis["alerts"]
        rows = [[a["act"], a["kind"].replace("_", " "), a["issue"], a["message"]]
                for a in alerts]
        return out + self.table(["Act", "Kind", "Issue", "Message"], rows, [40, 90, 50, 340],
                                wrap=(3,))

    def tactics(self) -> list[Flowable]:
        rows = [[t["label"], t["count"], t["conceded_after"], t["counter"]]
                for t in self.draft["tactics"].values()]
        return [self.p("Their tactics and our answers", self.h2)] + self.table(
            ["Tactic", "Seen", "We conceded right after", "The playbook's counter"], rows,
            [90, 30, 70, 330], wrap=(0, 3))

    def debrief(self) -> list[Flowable]:
        out: list[Flowable] = [self.p("Debrief", self.h2)]
        saved, form = self.draft["saved"], self.draft["form"]
        shown = saved or form
        out.append(self.p("The team's debrief." if saved else
                          "No debrief saved yet; this draft comes from the journal.", self.small))
        for key, title in (("conceded", "What they conceded"), ("tactics", "Tactics they used"),
                           ("differently", "What we would do differently")):
            out += [self.p(title, self.h3), self.p(shown.get(key) or "—")]
        limits = shown.get("limits") or {}
        out.append(self.p("Where their limits turned out to be", self.h3))
        out += self.table(["Issue", "Their limit"], [[k, v] for k, v in limits.items()],
                          [120, 380], wrap=(1,))
        moves = [[k, m["opening"], m["final"], m["moved"],
                  f"{m['share']:.0%}" if m["share"] is not None else LOCKED]
                 for k, m in self.draft["their_concessions"].items()]
        out += [self.p("How far they moved", self.h3)] + self.table(
            ["Issue", "Their opening", "Final", "Moved", "Share of our range"], moves,
            [100, 80, 80, 80, 90])
        plans = [[k, ", ".join(p["planned"]) if p["planned"] else (LOCKED if p["locked"] else "—"),
                  ", ".join(p["actual"]), p["final"], {True: "yes", False: "no"}.get(
                      p["past_plan"], "—")] for k, p in self.draft["plan"].items()]
        return out + [self.p("Plan against what we did", self.h3)] + self.table(
            ["Issue", "Planned steps", "Our positions", "Final", "Past the plan"], plans,
            [70, 120, 200, 60, 60], wrap=(1, 2))

    def timeline(self) -> list[Flowable]:
        withdrawn = {a.payload.get("act") for a in self.acts if a.kind == "retract"}
        rows = [[a.at.strftime("%Y-%m-%d %H:%M:%S"), f"{a.by} ({a.role})", a.id or a.seq,
                 label(a, self.prep) + (" [withdrawn]" if a.id in withdrawn else "")]
                for a in self.acts if a.kind in TIMELINE_KINDS]
        return [self.p("Timeline (UTC)", self.h2)] + self.table(
            ["Time", "Who", "Act", "What"], rows, [80, 120, 35, 285])
