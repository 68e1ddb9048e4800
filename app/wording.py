"""How Caucus words an act for a person: one line, units on every number, names for tags and
tactics, no Python repr, and no control character from the journal printed raw.

``act_text`` is the one function for it: the CLI's timeline, the CSV and PDF reports, the review
timeline and the console's feed all use it. It words the team's own view; what the room may read
is decided apart, by ``app.public``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from app.analysis.playbook import tactic_entry
from app.domain import Act, Preparation
from app.text import printable

TOPIC_NAMES = {"fact": "Fact", "claim": "Claim check", "question": "Question", "answer": "Answer",
               "general": "Note"}


def fmt(value: Decimal | str | None, unit: str | None = None, currency: str | None = None) -> str:
    """A number with its unit (and the currency when the unit is money), never a bare figure.
    A value that is not a number (a stored one from before the checks) is shown as it is."""
    if value is None:
        return "—"
    try:
        number = Decimal(str(value)) if len(str(value)) <= 100 else None
    except (InvalidOperation, ValueError):
        number = None
    # written out in full only where that is short: 1E+999999999 stays as it is
    sane = number is not None and number.is_finite() and abs(number.adjusted()) <= 30
    text = format(number, "f") if sane else None
    if text is None:
        return printable(str(value)[:40])
    if unit:
        if currency and unit.upper().startswith(currency.upper()):
            return f"{text} {unit}"
        return f"{text} %" if unit == "%" else f"{text} {unit}"
    return f"{text} {currency}" if currency else text


def value_text(prep: Preparation | None, issue: str, value: object) -> str:
    """A value on ``issue`` with its unit (and currency when the unit is money)."""
    if prep is None:
        return fmt(value)
    unit = prep.issues[issue].unit if issue in prep.issues else None
    return fmt(value, unit, prep.currency)


def terms_text(prep: Preparation | None, terms: dict) -> str:
    """``price 0.91 EUR/box · rebate 1.0 %`` in the preparation's issue order."""
    if not isinstance(terms, dict):
        return "—"
    known = prep.issues if prep is not None else {}
    order = [k for k in known if k in terms] + [k for k in terms if k not in known]
    return " · ".join(f"{printable(str(k))} {value_text(prep, k, terms[k])}" for k in order)


def tag_label(tag: str) -> str:
    """``agreement_signal`` → ``Agreement signal``."""
    return printable(str(tag)).replace("_", " ").capitalize()


def tactic_label(tactic: str) -> str:
    """The playbook's name of a tactic."""
    return printable(tactic_entry(str(tactic))["label"])


def act_text(act: Act, prep: Preparation | None = None, side_shown: bool = False) -> str:
    """One line saying what ``act`` was.

    Args:
        act: Any act of the journal (meeting acts, preparation edits, meetings opened/closed).
        prep: The preparation, for units and currency (without it numbers stand bare).
        side_shown: The reader sees an offer's side already (the feed's "Them"/"Us" column):
            leave it out of the text.
    """
    words = _WORDS.get(act.kind)
    if words is None:
        return printable(act.kind.replace("_", " ").capitalize())
    text = words(act.payload, prep)
    if act.kind == "offer" and not side_shown:
        side = "Their offer" if act.payload.get("side") == "them" else "Our offer"
        text = f"{side}: {text}"
    return text


def _note(p: dict, key: str = "note") -> str:
    return f" — {printable(str(p[key]))}" if p.get(key) else ""


def _offer(p: dict, prep: Preparation | None) -> str:
    asks = f"   asks {terms_text(prep, p['asks'])}" if p.get("asks") else ""
    return terms_text(prep, p.get("terms", {})) + asks


def _approval_request(p: dict, prep: Preparation | None) -> str:
    issue = str(p.get("issue"))
    value = value_text(prep, issue, p.get("value"))
    return f"Asks approval: {printable(issue)} to {value}{_note(p)}"


def _approval(p: dict, prep: Preparation | None) -> str:
    answer = "Approved" if p.get("granted") is True else "Declined"
    return f"{answer} request {printable(str(p.get('request')))}{_note(p)}"


def _agreement(p: dict, prep: Preparation | None) -> str:
    state = "final" if p.get("final") is True else "tentative"
    return f"Agreed ({state}): {terms_text(prep, p.get('terms', {}))}"


def _note_act(p: dict, prep: Preparation | None) -> str:
    issue = f" [{printable(str(p['issue']))}]" if p.get("issue") else ""
    return f"{TOPIC_NAMES.get(p.get('topic'), 'Note')}{issue}: {printable(str(p.get('text')))}"


def _member(p: dict, prep: Preparation | None) -> str:
    editor = ", may edit the preparation" if p.get("editor") else ""
    return f"Team: {printable(str(p.get('name')))} as {printable(str(p.get('role')))}{editor}"


def _authority(p: dict, prep: Preparation | None) -> str:
    who, issue, limit = (printable(str(p.get(k))) for k in ("member", "issue", "limit"))
    if "limit" in p and p["limit"] is None:
        return f"Authority: {who} no longer limited on {issue}"
    if not isinstance(p.get("limit"), str):  # sealed to this process, or left out
        return f"Authority: {who}'s limit on {issue} set"
    return f"Authority: {who} may go to {value_text(prep, p.get('issue'), limit)} on {issue}"


def _issue(p: dict, prep: Preparation | None) -> str:
    key = printable(str(p.get("key")))
    label = f"{printable(str(p['label']))} ({key})" if p.get("label") else key
    better = f", {p.get('better')} is better" if p.get("better") else ""
    return f"Issue: {label}{better}, our opening {fmt(p.get('opening'), p.get('unit'))}"


def _text(template: str, *keys: str) -> Callable[[dict, Any], str]:
    def word(p: dict, prep: Preparation | None) -> str:
        return template.format(*(printable(str(p.get(k, ""))) for k in keys))
    return word


_WORDS: dict[str, Callable[[dict, Preparation | None], str]] = {
    "offer": _offer,
    "reaction": lambda p, prep: f"Reaction: {tag_label(p.get('tag'))}{_note(p)}",
    "tactic": lambda p, prep: f"Tactic: {tactic_label(p.get('tactic'))}{_note(p)}",
    "note": _note_act,
    "approval_request": _approval_request,
    "approval": _approval,
    "agreement": _agreement,
    "phase": _text("Phase: {}", "phase"),
    "retract": lambda p, prep: f"Withdrew {printable(str(p.get('act')))}"
                                     f"{_note(p, 'reason')}",
    "meeting_start": _text("Meeting opened: {}", "title"),
    "meeting_end": lambda p, prep: "Meeting closed",
    "negotiation": _text("Negotiation: {} with {}", "title", "supplier"),
    "issue": _issue,
    "issue_removed": _text("Issue removed: {}", "key"),
    "issue_order": lambda p, prep: "Issues ordered: " + ", ".join(
        printable(str(k)) for k in p.get("keys") or ()),
    "batna": lambda p, prep: "BATNA updated",
    "leverage": lambda p, prep: "Leverage map updated",
    "member": _member,
    "member_removed": _text("Team: {} left the team", "name"),
    "authority": _authority,
    "plan": _text("Concession plan for {} updated", "issue"),
    "strategy": _text("Strategy: {}", "approach"),
    "debrief": lambda p, prep: "Debrief written",
}
