"""Preparation helpers behind the Prepare view: a suggested concession ladder, the gets to ask for,
who holds the leverage, and where each missing readiness item is edited.

Plain Python (no Qt); the view only shows what these return and submits the user's edits to the
services, which remain the judges of what is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from app.domain import Issue, Preparation
from app.numbers import dec_str

#: Finer precisions tried (in extra decimal places) when rounding to the issue's own precision
#: would make two steps equal or stop the steps from shrinking.
EXTRA_DIGITS = (0, 1, 2)
#: Gets worth asking for when the negotiation has no other issue to trade against.
GENERIC_ASKS = (
    "longer payment terms",
    "a volume rebate tier",
    "price held for the full term",
    "delivery flexibility at no charge",
)
#: One side's levers must outweigh the other's by this factor to "hold" the leverage.
LEVERAGE_MARGIN = Decimal("1.25")


# --- the concession ladder --------------------------------------------------------------------


def suggest_ladder(issue: Issue, steps: int = 3) -> list[Decimal]:
    """A diminishing ladder of concessions from the opening to the target.

    Each step is about half the one before (for three steps: 4/7, 2/7 and 1/7 of the distance),
    the last step lands on the target, and no step passes the walk-away. Values are rounded to
    the issue's precision (the most decimals among its three positions), always toward the
    opening, so a rounded step never gives more than the ideal ladder would. Where that precision
    is too coarse for the steps to keep shrinking, fewer steps are suggested first, then one or
    two more decimals.

    Args:
        issue: The issue, with valid positions.
        steps: How many steps to suggest (at least 1).

    Returns:
        The planned values in order (not including the opening); empty when the opening equals
        the target (there is nothing to give before the target), and when the target and
        walk-away are sealed to this process (``issue.locked``).
    """
    if steps < 1:
        raise ValueError("a ladder needs at least one step")
    if issue.locked:
        return []
    end = _clamp_to_walk_away(issue, issue.target)
    if end == issue.opening:
        return []
    base = _precision(issue)
    tries = [(base, n) for n in range(steps, 1, -1)]
    tries += [(base - extra, n) for extra in EXTRA_DIGITS[1:] for n in range(steps, 1, -1)]
    for exponent, count in tries:
        ladder = _ladder(issue, end, count, exponent)
        if _diminishing(issue.opening, ladder):
            return ladder
    return [end]


def _ladder(issue: Issue, end: Decimal, count: int, exponent: int) -> list[Decimal]:
    span = end - issue.opening
    total = 2 ** count - 1  # step sizes 2^(count-1) … 1 parts of the span
    quantum = Decimal(1).scaleb(exponent)
    # toward the opening: for "lower is better" the opening is below, so round down
    rounding = ROUND_FLOOR if issue.better == "lower" else ROUND_CEILING
    values, done = [], 0
    for n in range(count - 1):
        done += 2 ** (count - 1 - n)
        raw = issue.opening + span * done / total
        values.append(raw.quantize(quantum, rounding=rounding))
    values.append(end)
    return values


def _diminishing(opening: Decimal, ladder: list[Decimal]) -> bool:
    sizes = [abs(b - a) for a, b in zip([opening, *ladder], ladder, strict=False)]
    return all(s > 0 for s in sizes) and all(b < a for a, b in zip(sizes, sizes[1:],
                                                                   strict=False))


def _precision(issue: Issue) -> int:
    """The exponent of the issue's finest position (e.g. -2 for 0.78, 0 for 90)."""
    exponents = [v.as_tuple().exponent for v in (issue.opening, issue.target, issue.walk_away)]
    return min([0, *(e for e in exponents if isinstance(e, int))])


def _clamp_to_walk_away(issue: Issue, value: Decimal) -> Decimal:
    return issue.walk_away if issue.is_worse(value, issue.walk_away) else value


def ladder_moves(issue: Issue, steps: list[Decimal]) -> list[tuple[Decimal, bool]]:
    """Each step's move from the one before (from the opening for the first), and whether it
    is smaller than the move before it (the first always is) — for showing a ladder as typed."""
    moves = [abs(b - a) for a, b in zip([issue.opening, *steps], steps, strict=False)]
    return [(m, n == 0 or m < moves[n - 1]) for n, m in enumerate(moves)]


def suggest_asks(prep: Preparation, issue_key: str) -> list[str]:
    """Gets to ask for in return for a concession on ``issue_key``.

    The other issues at their target, the weightiest first (what we most want in exchange), then,
    when there are no other issues, a few non-price gets the method recommends trading for. An
    issue whose target is sealed to this process is named without it.

    Args:
        prep: The preparation.
        issue_key: The issue being conceded.

    Returns:
        Short texts such as ``"Payment terms at 60 days"``.
    """
    weights = prep.weights()
    others = [i for k, i in prep.issues.items() if k != issue_key]
    others.sort(key=lambda i: -weights.get(i.key, Decimal(0)))  # stable: ties keep issue order
    asks = [f"{i.label or i.key} at {_with_unit(i, i.target)}" if i.target is not None
            else f"{i.label or i.key} toward our target" for i in others]
    return asks or list(GENERIC_ASKS)


def _with_unit(issue: Issue, value: Decimal) -> str:
    text = dec_str(value)
    if not issue.unit:
        return text
    return f"{text}{issue.unit}" if issue.unit == "%" else f"{text} {issue.unit}"


# --- the BATNA against the walk-away ----------------------------------------------------------


def batna_notes(prep: Preparation) -> list[str]:
    """Where our BATNA's value per issue disagrees with our positions, in words.

    The walk-away should sit where the alternative does: a walk-away worse than the BATNA accepts
    deals that are worse than no deal; one better than the BATNA refuses deals that beat it.
    Nothing is said about an issue whose positions are sealed to this process.
    """
    notes = []
    for key, issue in prep.issues.items():
        value = prep.batna_value(key)
        if value is None or issue.locked:
            continue
        name, alt = issue.label or key, _with_unit(issue, value)
        walk = _with_unit(issue, issue.walk_away)
        if issue.is_better(value, issue.target):
            notes.append(f"{name}: our alternative ({alt}) beats even the target; aim higher or "
                         f"take the alternative.")
        elif issue.is_better(value, issue.walk_away):
            notes.append(f"{name}: our alternative ({alt}) beats the walk-away ({walk}); a deal "
                         f"between the two is worse than walking away, so consider moving the "
                         f"walk-away to {alt}.")
        elif issue.is_worse(value, issue.walk_away):
            notes.append(f"{name}: the walk-away ({walk}) is stricter than our alternative "
                         f"({alt}); a deal between the two still beats no deal.")
    return notes


# --- what is sealed to this process -------------------------------------------------------------
# Without the join phrase a sealed value reads as missing (None, or absent from a dict); these tell
# "sealed" from "not set", so that the console can say "locked" rather than "none".


def batna_locked(prep: Preparation) -> bool:
    """True when the BATNA (texts and values) is sealed to this process."""
    return "batna" in prep.locked


def plan_locked(prep: Preparation, issue: str) -> bool:
    """True when ``issue``'s concession plan is sealed to this process."""
    return f"plan:{issue}" in prep.locked


def limit_locked(prep: Preparation, member: str, issue: str) -> bool:
    """True when ``member``'s authority limit on ``issue`` is sealed to this process."""
    return f"authority:{member}:{issue}" in prep.locked


# --- leverage ---------------------------------------------------------------------------------


def lever_text(item: Any) -> str:
    """The text of a lever (stored as a text or as ``{"text", "weight"}``)."""
    return item["text"] if isinstance(item, dict) else str(item)


def lever_weight(item: Any) -> Decimal:
    """The weight of a lever; 1 when none was given."""
    if isinstance(item, dict) and item.get("weight") is not None:
        return Decimal(str(item["weight"]))
    return Decimal(1)


def leverage_balance(prep: Preparation) -> dict[str, Any]:
    """Who holds the leverage, from the weighted leverage map (weights default to 1).

    Returns:
        ``{"ours": Decimal, "theirs": Decimal, "holder": "us" | "them" | "balanced" | None,
        "summary": one sentence}``. ``holder`` is None while neither side has a lever listed; a
        side holds the leverage when its levers weigh at least 1.25 times the other side's.
    """
    ours = sum((lever_weight(i) for i in prep.leverage.get("ours", [])), Decimal(0))
    theirs = sum((lever_weight(i) for i in prep.leverage.get("theirs", [])), Decimal(0))
    shown = f"{_short(ours)} against {_short(theirs)}"
    if ours == 0 and theirs == 0:
        holder = None
        summary = ("No leverage mapped yet: list what we bring and what the supplier brings to "
                   "see who holds the stronger hand.")
    elif ours >= theirs * LEVERAGE_MARGIN and ours > theirs:
        holder = "us"
        summary = (f"We hold the stronger hand: what we bring weighs {shown} for the supplier, "
                   f"so we can press for terms.")
    elif theirs >= ours * LEVERAGE_MARGIN and theirs > ours:
        holder = "them"
        summary = (f"The supplier holds the stronger hand ({shown} for us): strengthen our "
                   f"alternative and trade rather than press.")
    else:
        holder = "balanced"
        summary = (f"Leverage is roughly even ({shown}): neither side can dictate, so trade "
                   f"across issues.")
    return {"ours": ours, "theirs": theirs, "holder": holder, "summary": summary}


def _short(value: Decimal) -> str:
    return dec_str(value.normalize())


# --- readiness: where each missing item is edited ----------------------------------------------

SECTIONS = ("negotiation", "issues", "batna", "leverage", "strategy", "plan", "team", "readiness",
            "history")


@dataclass(frozen=True)
class Place:
    """Where in the preparation a missing item is filled in."""

    section: str  # one of SECTIONS
    issue: str | None = None  # the issue to select, if any
    field: str | None = None  # the field to focus, if any
    text: str = ""  # what is missing, in words


def locate(prep: Preparation, missing: str) -> Place:
    """Where to fill in one ``missing`` entry of ``app.analysis.readiness``.

    Args:
        prep: The preparation.
        missing: An entry such as ``"price.benchmark"``, ``"batna.theirs"``, ``"approver"``.
    """
    head, _, tail = missing.partition(".")
    if head in prep.issues and tail in ("benchmark", "should_cost"):
        name = prep.issues[head].label or head
        what = "market benchmark" if tail == "benchmark" else "should-cost estimate"
        return Place("issues", head, tail, f"{name}: no {what}")
    fixed = {
        "issues": Place("issues", None, "key", "No issues defined"),
        "non-price issues": Place("issues", None, "key",
                                  "Only one term to trade: add non-price issues"),
        "batna.ours": Place("batna", None, "ours", "Our BATNA"),
        "batna.theirs": Place("batna", None, "theirs", "Our estimate of the supplier's BATNA"),
        "leverage.ours": Place("leverage", None, "ours", "What we bring (our levers)"),
        "lead": Place("team", None, "name", "A lead negotiator on the team"),
        "approver": Place("team", None, "name", "An approver on the team"),
        "authority": Place("team", None, "authority", "Authority limits (who may agree what)"),
        "plan": Place("plan", None, None, "A concession plan"),
    }
    if missing in fixed:
        return fixed[missing]
    return Place("readiness", None, None, missing)


def missing_summary(prep: Preparation, report: dict[str, Any]) -> list[str]:
    """Every missing entry of a readiness report, in words (for the start-meeting confirmation)."""
    return [locate(prep, m).text for item in report["items"] for m in item["missing"]]
