"""``supplier_history(ws, supplier)``: every negotiation in the workspace with one supplier.

What the next preparation starts from: per negotiation, the outcome per issue against our
positions and how far they moved from their openings; across them, their typical concession
pattern (the mean size of their first, second and third concession on an issue, as shares of
our range, and whether it shrinks) and the tactics they used.
"""

from __future__ import annotations

from collections import Counter
from statistics import fmean
from typing import Any

from app.analysis import analyze
from app.numbers import parse_decimal
from app.review.debrief import tactics_answered, their_moves, time_to_agreement
from app.review.terms import agreed_terms
from app.state import fold

PATTERN_DEPTH = 3  # first, second and third concession


def same_supplier(a: str, b: str) -> bool:
    """Supplier names match whatever their case and surrounding or doubled spaces."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def supplier_history(ws: Any, supplier: str) -> dict[str, Any]:
    """The supplier's record across the workspace (``ws``: an open ``app.workspace.Workspace``).

    Returns:
        ``{supplier, negotiations: [...], pattern: {sizes, counts, shrinking}, moved: {issue:
        mean share}, tactics: {tag: count}}``; each negotiation: ``id``, ``title``, ``started``,
        ``agreed_at``, ``status`` (``agreed`` once a final agreement stands, else ``open``),
        ``issues`` (per issue: ``agreed``, ``status``, our ``opening``/``target``/``walk_away``,
        ``vs_target``, their ``their_opening``/``their_final``, ``moved``, ``share``,
        ``sizes``) and ``tactics``. Oldest first.
    """
    found = []
    for info in ws.negotiations():
        if not same_supplier(info.supplier, supplier):
            continue
        acts = ws.acts(info.id)
        found.append(_negotiation(info.id, acts))
    found.sort(key=lambda n: (n["started"] or "", n["id"]))
    return {
        "supplier": found[-1]["supplier"] if found else supplier.strip(),
        "negotiations": found,
        "pattern": concession_pattern(found),
        "moved": _mean_moved(found),
        "tactics": dict(sorted(sum((Counter(n["tactics"]) for n in found), Counter()).items())),
    }


def _negotiation(negotiation: int, acts: list) -> dict[str, Any]:
    prep = fold(acts)
    result = analyze(acts)
    terms = {row["issue"]: row for row in agreed_terms(acts)}
    agreed = {k: parse_decimal(row["value"]) for k, row in terms.items() if row["value"]}
    moves = their_moves(prep, result, agreed)
    tactics, _seen = tactics_answered(acts, result)
    timing = time_to_agreement(acts)
    issues = {}
    for key in prep.issues:
        row, move = terms[key], moves.get(key, {})
        issues[key] = {
            "agreed": row["value"], "status": row["status"], "opening": row["opening"],
            "target": row["target"], "walk_away": row["walk_away"],
            "vs_target": row["vs_target"], "their_opening": move.get("opening"),
            "their_final": move.get("final"), "moved": move.get("moved"),
            "share": move.get("share"), "sizes": move.get("sizes", []),
        }
    return {
        "id": negotiation, "title": prep.title, "supplier": prep.supplier,
        "started": timing["from"], "agreed_at": timing["to"],
        "status": "agreed" if timing["to"] else "open",
        "issues": issues,
        "tactics": {tag: item["count"] for tag, item in tactics.items()},
    }


def concession_pattern(negotiations: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean size of their k-th concession on an issue (k = 1..3) over every negotiation and issue.

    ``shrinking`` is True when each mean is smaller than the one before (None with fewer than
    two means).
    """
    by_rank: list[list[float]] = [[] for _ in range(PATTERN_DEPTH)]
    for neg in negotiations:
        for issue in neg["issues"].values():
            for rank, size in enumerate(issue["sizes"][:PATTERN_DEPTH]):
                by_rank[rank].append(size)
    sizes = [round(fmean(values), 4) if values else None for values in by_rank]
    known = [s for s in sizes if s is not None]
    shrinking = all(a > b for a, b in zip(known, known[1:], strict=False)) \
        if len(known) >= 2 else None
    return {"sizes": sizes, "counts": [len(v) for v in by_rank], "shrinking": shrinking}


def _mean_moved(negotiations: list[dict[str, Any]]) -> dict[str, float]:
    """Per issue key: the mean share of our range they moved, over the negotiations that have it."""
    shares: dict[str, list[float]] = {}
    for neg in negotiations:
        for key, issue in neg["issues"].items():
            if issue["share"] is not None:
                shares.setdefault(key, []).append(issue["share"])
    return {key: round(fmean(values), 4) for key, values in shares.items()}
