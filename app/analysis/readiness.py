"""Pre-negotiation checklist: what the preparation still lacks, as data and a 0–100 score.

Items follow the guide's checklist: know the numbers (market price and should-cost per issue, our
three positions), the BATNA on both sides, non-price levers to trade, and a team aligned on roles
and authority; plus a concession plan, which the team is meant to agree before the meeting.

Without the join phrase the BATNA, the limits and the plan are sealed: they count as recorded
(they are, only not readable here) and the messages say they are sealed on this computer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.domain import Preparation
from app.prepare import batna_locked, limit_locked, plan_locked

SEALED = "sealed on this computer (enter the join phrase to read it)"


def readiness(prep: Preparation) -> dict[str, Any]:
    """Check a preparation against the checklist.

    Args:
        prep: The folded preparation.

    Returns:
        ``{"score": int 0–100, "items": [{item, ok, missing, message}, ...]}``. ``missing`` lists
        what to add, e.g. ``"payment.benchmark"``, ``"batna.theirs"``, ``"approver"``.
    """
    checks = [_market(prep), _positions(prep), _batna(prep), _levers(prep), _team(prep),
              _plan(prep)]
    items = [item for item, _credit in checks]
    score = round(100 * sum(credit for _item, credit in checks) / len(checks))
    return {"score": score, "items": items}


def _item(name: str, missing: list[str], message: str) -> dict[str, Any]:
    return {"item": name, "ok": not missing, "missing": missing, "message": message}


def _label(prep: Preparation, key: str) -> str:
    return prep.issues[key].label or key


def _market(prep: Preparation) -> tuple[dict[str, Any], float]:
    if not prep.issues:
        return _item("market", ["issues"], "Define the issues first."), 0.0
    weights = prep.weights()
    missing: list[str] = []
    credit = Decimal(0)
    lacking: dict[tuple[str, ...], list[str]] = {}
    for key, issue in prep.issues.items():
        absent = tuple(f for f in ("benchmark", "should_cost") if getattr(issue, f) is None)
        missing += [f"{key}.{f}" for f in absent]
        credit += weights[key] * (2 - len(absent)) / 2
        if absent:
            lacking.setdefault(absent, []).append(_label(prep, key))
    if not missing:
        message = "Every issue has a market benchmark and a should-cost estimate."
    else:
        names = {("benchmark", "should_cost"): "no benchmark or should-cost",
                 ("benchmark",): "no market benchmark", ("should_cost",): "no should-cost"}
        message = "Know the numbers: " + "; ".join(
            f"{names[absent]} for {', '.join(labels)}" for absent, labels in lacking.items()) + "."
    return _item("market", missing, message), float(credit)


def _positions(prep: Preparation) -> tuple[dict[str, Any], float]:
    if not prep.issues:
        return _item("positions", ["issues"], "No issues yet: define opening, target and "
                                              "walk-away for each term you will negotiate."), 0.0
    return _item("positions", [], f"Opening, target and walk-away are set for all "
                                  f"{len(prep.issues)} issues."), 1.0


def _batna(prep: Preparation) -> tuple[dict[str, Any], float]:
    if batna_locked(prep):
        return _item("batna", [], f"The BATNA is recorded, {SEALED}."), 1.0
    missing = [f"batna.{side}" for side in ("ours", "theirs") if not prep.batna.get(side)]
    if not missing:
        message = "Our BATNA and our estimate of theirs are recorded."
    elif len(missing) == 2:
        message = ("No BATNA recorded: work out what we do if this deal fails, and estimate "
                   "what they do if they lose us.")
    elif missing[0] == "batna.ours":
        message = "Our own BATNA is missing: it is the source of our leverage; build it first."
    else:
        message = "Estimate the supplier's BATNA: what losing this business would cost them."
    return _item("batna", missing, message), (2 - len(missing)) / 2


def _levers(prep: Preparation) -> tuple[dict[str, Any], float]:
    has_leverage = bool(prep.leverage.get("ours"))
    has_other_issues = len(prep.issues) >= 2
    if has_leverage or has_other_issues:
        message = "Trades are stocked: " + " and ".join(
            part for part, present in (
                (f"{len(prep.leverage.get('ours', []))} levers of ours", has_leverage),
                (f"{len(prep.issues) - 1} terms besides the main one", has_other_issues),
            ) if present
        ) + "."
        return _item("levers", [], message), 1.0
    message = ("Nothing to trade but a single term: list our levers (volume, growth, payment "
               "record, term length) and add non-price issues such as payment, SLA or rebate.")
    return _item("levers", ["leverage.ours", "non-price issues"], message), 0.0


def _team(prep: Preparation) -> tuple[dict[str, Any], float]:
    roles = {m.role for m in prep.team.values()}
    missing = [role for role in ("lead", "approver") if role not in roles]
    sealed = any(limit_locked(prep, m, i) for m in prep.team for i in prep.issues)
    if not prep.authority and not sealed:
        missing.append("authority")
    if not missing:
        message = "Roles and authority are agreed: a lead, an approver and written limits."
        if sealed:
            message += f" The limits are {SEALED}."
    else:
        wanted = {"lead": "a lead negotiator", "approver": "an approver outside the room",
                  "authority": "limits saying who may agree what"}
        message = "Align the team: name " + ", ".join(wanted[m] for m in missing) + "."
    return _item("team", missing, message), (3 - len(missing)) / 3


def _plan(prep: Preparation) -> tuple[dict[str, Any], float]:
    sealed = [k for k in prep.issues if plan_locked(prep, k)]
    if prep.plan or sealed:
        labels = ", ".join(_label(prep, k) for k in prep.issues if k in prep.plan or k in sealed)
        tail = f" ({SEALED})" if sealed else ""
        return _item("plan", [], f"A concession plan is set for {labels}{tail}."), 1.0
    return _item("plan", ["plan"], "No concession plan: decide in advance what you will give, "
                                   "in which steps, and what you ask for each step."), 0.0
