"""Reports of a negotiation to share: a PDF (``write_pdf``) and the journal as CSV (``write_csv``).

The PDF holds the summary, the agreed terms, a trajectory chart per issue, the concession ledger,
the alerts, the tactics and how we answered them, the debrief and the timeline. With
``room_safe`` the PDF and the CSV are the room's instead (``app.report_public``): drawn from
``app.public``'s view only, they hold what both sides know and nothing else. Every file is written
atomically: a temporary file in the same folder, flushed to disk, then renamed over the target,
so a crash never leaves a broken or empty report.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from app.analysis import analyze
from app.domain import Act
from app.files import PRIVATE, SHARED, atomic
from app.public import public_view
from app.report_public import CSV_COLUMNS as PUBLIC_COLUMNS
from app.report_public import PublicReport, csv_rows
from app.report_sections import Report
from app.review import agreed_terms, debrief_draft
from app.rules import format_time
from app.state import fold
from app.wording import act_text

Progress = Callable[[int, int], None]
CSV_COLUMNS = ("seq", "id", "at", "member", "role", "kind", "meeting", "withdrawn", "payload",
               "summary")


def write_pdf(path: str | os.PathLike, acts: Sequence[Act], *, progress: Progress | None = None,
              room_safe: bool = False) -> None:
    """Write the negotiation's report as a PDF.

    Args:
        path: The PDF to write (replaced atomically).
        acts: The negotiation's journal, in order.
        progress: Called as ``progress(done, total)`` while the report is laid out.
        room_safe: Write the room's report instead (``app.report_public``), readable by others
            (0644 with the usual umask); the full report holds confidential figures: 0600.
    """
    if room_safe:
        write_public_pdf(path, acts, progress=progress)
        return
    acts = list(acts)
    analysis = analyze(acts)
    report = Report(acts=acts, prep=fold(acts), analysis=analysis, terms=agreed_terms(acts),
                    draft=debrief_draft(acts, analysis))
    _build(path, report.story(), report.page, f"Caucus report: {report.prep.title}", progress,
           PRIVATE)


def write_public_pdf(path: str | os.PathLike, acts: Sequence[Act], *,
                     progress: Progress | None = None) -> None:
    """Write the room's report (``app.report_public``), from ``app.public``'s view only."""
    acts = list(acts)
    prep = fold(acts)
    report = PublicReport(view=public_view(acts, prep))
    _build(path, report.story(), report.page, f"Caucus report: {prep.supplier} (room-safe)",
           progress, SHARED)


def _build(path: str | os.PathLike, story: list, page: Callable, title: str,
           progress: Progress | None, share: int) -> None:
    """Lay ``story`` out into the PDF at ``path`` (atomically, readable as ``share`` says:
    ``app.files.PRIVATE`` or ``SHARED``), reporting progress."""
    total = len(story)
    done = [0]

    def laid_out(_flowable: Any) -> None:
        done[0] += 1
        if progress is not None and done[0] <= total:
            progress(done[0], total)

    with atomic(path, share=share) as f:
        doc = SimpleDocTemplate(f, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=40,
                                bottomMargin=40, title=title, author="Caucus", creator="Caucus")
        doc.afterFlowable = laid_out
        doc.build(story, onFirstPage=page, onLaterPages=page)
    if progress is not None and done[0] < total:
        progress(total, total)


def write_public_csv(path: str | os.PathLike, acts: Sequence[Act]) -> None:
    """Write the room's CSV (``app.report_public.CSV_COLUMNS``): the values said at the table and
    what is agreed, from ``app.public``'s view only; atomically, readable by others."""
    acts = list(acts)
    rows = csv_rows(public_view(acts, fold(acts)))
    with atomic(path, "w", encoding="utf-8", newline="", share=SHARED) as f:
        out = csv.writer(f)
        out.writerow(PUBLIC_COLUMNS)
        out.writerows(rows)


def write_csv(path: str | os.PathLike, acts: Sequence[Act], share: int = PRIVATE) -> None:
    """Write the journal as CSV, one row per act (``CSV_COLUMNS``), atomically; readable by the
    owner only unless ``share`` says otherwise (``app.files.SHARED``: the acts hold no
    confidential figure)."""
    acts = list(acts)
    # the issues' units and the currency, for the summary (the acts may have their confidential
    # fields left out: only the kinds that name them are folded)
    prep = fold(a for a in acts if a.kind in ("negotiation", "issue", "issue_removed"))
    withdrawn = {a.payload.get("act") for a in acts if a.kind == "retract"}
    with atomic(path, "w", encoding="utf-8", newline="", share=share) as f:
        out = csv.writer(f)
        out.writerow(CSV_COLUMNS)
        for a in acts:
            out.writerow([
                a.seq, a.id or "", format_time(a.at), a.by, a.role, a.kind,
                a.meeting if a.meeting is not None else "",
                "yes" if a.id is not None and a.id in withdrawn else "no",
                json.dumps(a.payload, ensure_ascii=False, separators=(",", ":"),
                           default=_json_default),
                act_text(a, prep)])


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
