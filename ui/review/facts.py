"""The figures beside the debrief form, from ``app.review.debrief_draft``: what they conceded per
issue, the tactics they used and how we answered, our gives they never paid for, the coaching
alerts, our plan against what we did, and how long it took to agree. HTML for a read-only pane."""

from __future__ import annotations

from html import escape

from app.domain import Preparation
from ui.widgets.alerts import TITLES
from ui.widgets.common import fmt


def _issue(prep: Preparation, key: str) -> tuple[str, str | None]:
    issue = prep.issues.get(key)
    return ((issue.label or key), issue.unit) if issue else (key, None)


def duration(seconds: int | None) -> str:
    """``12 min`` / ``1 h 26 min`` / ``7 days 6 h``."""
    if seconds is None:
        return "—"
    hours, rest = divmod(int(seconds) // 60, 60)
    if hours >= 48:
        return f"{hours // 24} days {hours % 24} h"
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def concessions_html(prep: Preparation, draft: dict) -> str:
    rows = []
    for key, row in (draft.get("their_concessions") or {}).items():
        name, unit = _issue(prep, key)
        share = row.get("share")
        share_text = f"{share:.0%}" if share is not None else "—"
        agreed = " (agreed)" if row.get("agreed") else " (last offer)"
        rows.append(f"<tr><td>{escape(name)}</td><td>{fmt(row['opening'], unit, prep.currency)}"
                    f"</td><td><b>{fmt(row['final'], unit, prep.currency)}</b>{agreed}</td>"
                    f"<td>{fmt(row['moved'], unit, prep.currency)}</td><td>{share_text}</td>"
                    f"<td>{row.get('offers', '')}</td></tr>")
    if not rows:
        return "<p>They made no offer.</p>"
    head = ("<tr><th align=left>Issue</th><th align=left>They opened</th>"
            "<th align=left>Ended at</th><th align=left>Moved</th>"
            "<th align=left>of our range</th><th align=left>offers</th></tr>")
    return f"<table cellspacing=0 cellpadding=3>{head}{''.join(rows)}</table>"


def tactics_html(draft: dict) -> str:
    items = []
    for row in (draft.get("tactics") or {}).values():
        after = row.get("conceded_after", 0)
        answer = (f"we conceded right after it {after}×" if after
                  else "we never conceded right after it")
        items.append(f"<li><b>{escape(row['label'])}</b> ×{row['count']} — {answer}.<br>"
                     f"<i>Counter:</i> {escape(row.get('counter') or '')}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>No tactic was tagged.</p>"


def gives_html(draft: dict) -> str:
    rows = draft.get("unrequited") or []
    if not rows:
        return "<p>They answered every give of ours with a move of theirs.</p>"
    items = []
    for row in rows:
        gives = row.get("gives") or {}
        what = ", ".join(f"{k} {round(v * 100)} %" for k, v in gives.items())
        asked = "we asked nothing back" if not row.get("asks") else "they did not move"
        items.append(f"<li>act {escape(str(row['act']))}: {escape(what)} — {asked}</li>")
    return f"<ul>{''.join(items)}</ul>"


def alerts_html(draft: dict) -> str:
    counts = draft.get("alerts") or {}
    if not counts:
        return "<p>No coaching alert.</p>"
    return "<p>" + " · ".join(f"{escape(TITLES.get(k, k.replace('_', ' ')))} ×{n}"
                              for k, n in counts.items()) + "</p>"


def plan_html(prep: Preparation, draft: dict) -> str:
    items = []
    for key, row in (draft.get("plan") or {}).items():
        name, unit = _issue(prep, key)
        planned = " → ".join(row.get("planned") or []) or ("sealed" if row.get("locked")
                                                             else "no plan")
        actual = " → ".join(row.get("actual") or []) or "no offer"
        verdict = (" <b>past the plan</b>" if row.get("past_plan") else
                   " within the plan" if row.get("past_plan") is False else "")
        items.append(f"<li><b>{escape(name)}</b> ({escape(unit or prep.currency or '')}): "
                     f"planned {escape(planned)}; we offered {escape(actual)}; ended "
                     f"{fmt(row.get('final'), unit, prep.currency)}{verdict}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else "<p>No plan and no offer of ours.</p>"


def facts_html(prep: Preparation, draft: dict) -> str:
    """The whole pane."""
    took = draft.get("time_to_agreement") or {}
    agreed = (f"The final agreement came {duration(took.get('seconds'))} after the first act "
              f"at the table, over {took.get('meetings')} meeting(s)."
              if took.get("seconds") is not None else "No final agreement yet.")
    sections = [("What they conceded", concessions_html(prep, draft)),
                ("Their tactics and how we answered", tactics_html(draft)),
                ("Gives of ours they did not answer with a move", gives_html(draft)),
                ("Coaching alerts raised", alerts_html(draft)),
                ("Our plan against what we did", plan_html(prep, draft)),
                ("Time to agreement", f"<p>{agreed}</p>")]
    return "".join(f"<h4>{title}</h4>{body}" for title, body in sections)
