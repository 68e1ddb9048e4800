"""Reports of a negotiation to share: a PDF (``write_pdf``) and the journal as CSV (``write_csv``).

The PDF holds the summary, the agreed terms, a trajectory chart per issue, the concession ledger,
the alerts, the tactics and how we answered them, the debrief and the timeline. With
``room_safe`` every confidential value is left out (targets, walk-aways, BATNA, authority limits
and approval values, the plan, forecasts, scores and shares of our range, which would give the
range away), and so is the debrief. Both files are written atomically: a temporary file in the
same folder, flushed to disk, then renamed over the target, so a crash never leaves a broken or
empty report.
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
from app.report_sections import Report
from app.review import agreed_terms, debrief_draft
from app.rules import format_time
from app.state import fold
from app.wording import act_text

Progress = Callable[[int, int], None]
CSV_COLUMNS = ("seq", "id", "at", "member", "role", "kind", "meeting", "withdrawn", "payload",
               "summary")


def write_pdf(path: str | os.PathLike, acts: Sequence[Act], *, progress: Progress | None = None,
              room_safe: bool = False, share: int | None = None) -> None:
    """Write the negotiation's report as a PDF.

    Args:
        path: The PDF to write (replaced atomically).
        acts: The negotiation's journal, in order.
        progress: Called as ``progress(done, total)`` while the report is laid out.
        room_safe: Leave out every confidential value (and the debrief).
        share: Who may read the file (``app.files.PRIVATE``/``SHARED``); by default a room-safe
            report is shared (0644 with the usual umask), any other one private (0600).
    """
    acts = list(acts)
    analysis = analyze(acts)
    report = Report(
        acts=acts, prep=fold(acts), analysis=analysis, terms=agreed_terms(acts),
        draft=debrief_draft(acts, analysis), room_safe=room_safe)
    story = report.story()
    total = len(story)
    done = [0]

    def laid_out(_flowable: Any) -> None:
        done[0] += 1
        if progress is not None and done[0] <= total:
            progress(done[0], total)

    if share is None:
        share = SHARED if room_safe else PRIVATE
    with atomic(path, share=share) as f:
        doc = SimpleDocTemplate(f, pagesize=A4, leftMargin=36, rightMargin=36, topMargin=40,
                                bottomMargin=40, title=f"Caucus report: {report.prep.title}",
                                author="Caucus", creator="Caucus")
        doc.afterFlowable = laid_out
        doc.build(story, onFirstPage=report.page, onLaterPages=report.page)
    if progress is not None and done[0] < total:
        progress(total, total)


def write_csv(path: str | os.PathLike, acts: Sequence[Act], share: int = PRIVATE) -> None:
    """Write the journal as CSV, one row per act (``CSV_COLUMNS``), atomically; readable by the
    owner only unless ``share`` says otherwise (its payloads hold the confidential figures)."""
    acts = list(acts)
    prep = fold(acts)
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
