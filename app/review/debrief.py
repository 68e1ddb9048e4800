"""``debrief_draft(acts)``: the debrief pre-filled from the journal, for the team to edit.

Every number comes from the journal and the analysis: what the other side conceded per issue,
the tactics they used and how we answered each, our gives they never paid for, the coaching
alerts, our plan against what we actually did, and how long it took to agree. ``form`` is a
suggested ``debrief`` act payload (the saved one, if any, is ``saved``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from app.analysis import analyze
from app.analysis.economics import amount, toward_us
from app.analysis.playbook import tactic_entry
from app.domain import MEETING_KINDS, Act, Issue, Preparation
from app.meeting import agreed_terms
from app.money import money, yearly
from app.numbers import dec_str, parse_decimal
from app.rules import format_time
from app.state import fold, standing


def debrief_draft(acts: Sequence[Act], analysis: dict[str, Any] | None = None) -> dict[str, Any]:
    """The draft debrief of a negotiation (``analysis``: ``analyze(acts)`` if already known).

    Keys: ``negotiation``, ``supplier``, ``their_concessions`` (per issue: their ``opening``,
    ``last_offer``, ``agreed``, ``final`` = agreed else last offer, ``moved`` toward us as a
    value, ``share`` of our range and ``worth`` a year in money where the issue has a
    ``value_per_unit``, ``sizes`` of each concession), ``tactics`` (per tactic:
    ``count``, ``label``, ``counter``, ``conceded_after``; and ``seen``, one row per tactic act),
    ``unrequited`` (ledger rows not reciprocated, with ``answered``: whether they made an offer
    after it), ``alerts`` (count per kind), ``plan`` (per issue: ``planned`` steps, ``actual``
    positions of ours, ``final``, ``past_plan``), ``time_to_agreement``, ``form``, ``saved``.
    """
    acts = list(acts)
    prep = fold(acts)
    result = analysis if analysis is not None else analyze(acts)
    agreed = {k: a.value for k, a in agreed_terms(acts).items()}
    theirs = their_moves(prep, result, agreed)
    tactics, seen = tactics_answered(acts, result)
    draft = {
        "negotiation": prep.title,
        "supplier": prep.supplier,
        "their_concessions": theirs,
        "tactics": tactics,
        "tactics_seen": seen,
        "unrequited": unrequited(acts, result),
        "alerts": dict(sorted(Counter(a["kind"] for a in result["alerts"]).items())),
        "plan": plan_vs_actual(prep, result, agreed),
        "time_to_agreement": time_to_agreement(acts),
    }
    draft["form"] = suggested_form(prep, draft)
    draft["saved"] = dict(prep.debrief) or None
    return draft


def their_moves(prep: Preparation, result: dict[str, Any],
                agreed: dict[str, Decimal]) -> dict[str, dict[str, Any]]:
    """Per issue they offered on: from their opening to the outcome (agreed, else last offer)."""
    out = {}
    for key, issue in prep.issues.items():
        view = result["issues"].get(key) or {}
        values = view.get("theirs") or []
        if not values:
            continue
        opening, last = parse_decimal(values[0]), parse_decimal(values[-1])
        final = agreed.get(key, last)
        moved = toward_us(issue, opening, final)
        out[key] = {
            "opening": dec_str(opening), "last_offer": dec_str(last),
            "agreed": dec_str(agreed.get(key)), "final": dec_str(final), "moved": dec_str(moved),
            "share": share(issue, moved), "offers": len(values),
            "worth": amount(yearly(issue, moved)),
            "sizes": list(view.get("their_concessions") or []),
        }
    return out


def share(issue: Issue, delta: Decimal) -> float | None:
    """``delta`` as a share of our range ``|walk_away − opening|`` (None while locked)."""
    return round(float(delta / issue.range), 4) if issue.range else None


def _refs(acts: list[Act]) -> dict[int, str | int]:
    """seq -> the analysis's reference of each meeting act."""
    out, position = {}, 0
    for act in acts:
        if act.kind in MEETING_KINDS:
            position += 1
            out[act.seq] = act.ref(position)
    return out


def tactics_answered(acts: list[Act], result: dict[str, Any]
                     ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Per tactic: counts, the playbook's counter, and how often our very next offer conceded."""
    refs = _refs(acts)
    conceding = {row["act"] for row in result["ledger"]}
    seen = []
    nxt: Act | None = None
    for act in reversed(standing(acts)):  # backwards, so the next offer is at hand
        if act.kind == "offer":
            nxt = act
        if act.kind != "tactic":
            continue
        ours = nxt is not None and nxt.payload.get("side") == "us"
        seen.append({"act": refs[act.seq], "at": format_time(act.at),
                     "tactic": act.payload.get("tactic"), "by": act.by,
                     "next_offer": refs[nxt.seq] if nxt is not None else None,
                     "next_offer_side": nxt.payload.get("side") if nxt is not None else None,
                     "conceded_after": ours and refs[nxt.seq] in conceding})
    seen.reverse()
    summary: dict[str, dict[str, Any]] = {}
    for row in seen:
        entry = tactic_entry(row["tactic"] or "")
        item = summary.setdefault(row["tactic"], {"count": 0, "label": entry["label"],
                                                  "counter": entry["counter"],
                                                  "conceded_after": 0})
        item["count"] += 1
        item["conceded_after"] += row["conceded_after"]
    return dict(sorted(summary.items())), seen


def unrequited(acts: list[Act], result: dict[str, Any]) -> list[dict[str, Any]]:
    """Ledger rows of ours not reciprocated; ``answered``: they made an offer after it."""
    refs = _refs(acts)
    seq_of = {ref: seq for seq, ref in refs.items()}
    their_offers = [a.seq for a in standing(acts)
                    if a.kind == "offer" and a.payload.get("side") == "them"]
    last_theirs = their_offers[-1] if their_offers else -1
    return [{**row, "answered": seq_of.get(row["act"], 0) < last_theirs}
            for row in result["ledger"] if not row["reciprocated"]]


def plan_vs_actual(prep: Preparation, result: dict[str, Any],
                   agreed: dict[str, Decimal]) -> dict[str, dict[str, Any]]:
    """Per issue with a plan or an offer of ours: the planned steps against our positions."""
    out = {}
    for key, issue in prep.issues.items():
        plan = prep.plan.get(key)
        ours = (result["issues"].get(key) or {}).get("ours") or []
        if plan is None and not ours and f"plan:{key}" not in prep.locked:
            continue
        final = agreed.get(key, parse_decimal(ours[-1]) if ours else None)
        past = None
        if plan is not None and plan.steps and final is not None:
            past = issue.is_worse(final, plan.steps[-1])
        out[key] = {
            "planned": [dec_str(s) for s in plan.steps] if plan else None,
            "asks": list(plan.asks) if plan else None,
            "locked": f"plan:{key}" in prep.locked,
            "actual": list(ours), "final": dec_str(final), "past_plan": past,
            "concessions": list((result["issues"].get(key) or {}).get("our_concessions") or []),
        }
    return out


def time_to_agreement(acts: list[Act]) -> dict[str, Any]:
    """From the first act at the table to the final agreement (the latest standing one)."""
    live = [a for a in standing(acts) if a.kind in MEETING_KINDS]
    start = live[0].at if live else None
    final = next((a for a in reversed(live)
                  if a.kind == "agreement" and a.payload.get("final") is True), None)
    meetings = {a.meeting for a in live if final is not None and a.seq <= final.seq}
    return {"from": format_time(start) if start else None,
            "to": format_time(final.at) if final else None,
            "seconds": int((final.at - start).total_seconds()) if final and start else None,
            "meetings": len(meetings - {None}) if final else None}


def _worth(row: dict[str, Any], prep: Preparation) -> str:
    value = row.get("gives_value")
    return f"; ≈ {money(Decimal(value), prep.currency)} a year" if value is not None else ""


def suggested_form(prep: Preparation, draft: dict[str, Any]) -> dict[str, Any]:
    """A ``debrief`` payload written from the draft's numbers, for the team to edit."""
    who = prep.supplier or "They"
    moves = []
    for key, row in draft["their_concessions"].items():
        issue = prep.issues[key]
        notes = [f"{row['share']:.0%} of our range"] if row["share"] is not None else []
        if row["worth"] is not None:
            notes.append(f"≈ {money(Decimal(row['worth']), prep.currency)} a year")
        pct = f" ({'; '.join(notes)})" if notes else ""
        final = issue.with_unit(parse_decimal(row["final"]))
        moves.append(f"{issue.label or key} {row['opening']} → {final}{pct}")
    tactics = [f"{t['label']} ×{t['count']}: " + (
        f"we conceded right after {t['conceded_after']} of {t['count']}" if t["conceded_after"]
        else "we held") for t in draft["tactics"].values()]
    lessons = [f"{kind.replace('_', ' ')} ×{n}" for kind, n in draft["alerts"].items()
               if kind != "tactic_counter"]
    gives = [f"{row['act']} ({', '.join(row['gives'])}{_worth(row, prep)})"
             for row in draft["unrequited"]]
    differently = []
    if lessons:
        differently.append("Coaching alerts: " + ", ".join(lessons) + ".")
    if gives:
        differently.append("Gives not paid for: " + ", ".join(gives) + ".")
    form: dict[str, Any] = {
        "conceded": f"{who} moved: " + "; ".join(moves) + "." if moves else None,
        "tactics": "; ".join(tactics) + "." if tactics else None,
        "limits": {k: row["final"] for k, row in draft["their_concessions"].items()},
        "differently": " ".join(differently) or None,
    }
    return {k: v for k, v in form.items() if v}
