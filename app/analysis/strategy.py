"""The strategy selector (which approach fits the situation) and the Kraljic quadrant."""

from __future__ import annotations

from typing import Any

KEY_MOVES = {
    "relationship-led": "Strengthen BATNA before talks",
    "automated": "Automate: let an agent negotiate at scale",
    "collaborative": "Expand the pie, multi-year value",
    "competitive": "Use market leverage, benchmark hard",
}

KRALJIC_REASONS = {
    "leverage": "Core spend with many able suppliers: your volume is the lever, so compete the "
    "business and hold prices to the benchmark.",
    "strategic": "Core spend with few or a single supplier: supply and the relationship both "
    "matter, so build long-term value and secure continuity.",
    "bottleneck": "Small spend with few or a single supplier: the risk outweighs the money, so "
    "secure supply and work to reduce the dependence.",
    "non-critical": "Small spend with many suppliers: simplify and standardise the buying rather "
    "than spend negotiation time on it.",
}


def strategy(situation: dict[str, str]) -> dict[str, Any]:
    """The recommended approach for a situation, per the selector's order.

    Weak BATNA → relationship-led; tail spend → automated; strategic relationship or few/single
    suppliers → collaborative; otherwise competitive.

    Args:
        situation: The negotiation's ``situation`` (keys suppliers, relationship, batna, spend).

    Returns:
        ``{approach, key_move, reason, kraljic: {quadrant, reason}}``.
    """
    approach, reason = _select(situation)
    return {
        "approach": approach,
        "key_move": KEY_MOVES[approach],
        "reason": reason,
        "kraljic": kraljic(situation),
    }


def _select(s: dict[str, str]) -> tuple[str, str]:
    if s.get("batna") == "weak":
        return "relationship-led", (
            "Our alternative is weak, so pressure would be a bluff: build the alternative first "
            "and keep the relationship working meanwhile."
        )
    if s.get("spend") == "tail":
        return "automated", (
            "This is tail spend, where the value at stake does not justify a team's time: "
            "standardise the terms and let a process or agent run it."
        )
    if s.get("relationship") == "strategic" or s.get("suppliers") in ("few", "single"):
        return "collaborative", _collaborative_reason(s)
    if not s:
        return "competitive", (
            "No situation is recorded, so the default applies: compete on market evidence; "
            "describe the situation to refine this."
        )
    return "competitive", (
        "With a strong alternative and a market of several suppliers, market evidence and "
        "competition carry the most weight."
    )


def _collaborative_reason(s: dict[str, str]) -> str:
    if s.get("suppliers") in ("few", "single"):
        who = "only one supplier" if s["suppliers"] == "single" else "few suppliers"
        why = f"{who} can serve us"
    else:
        why = "the relationship is strategic"
    return (f"Because {why}, a squeeze would cost more than it wins: trade for joint, "
            f"longer-term value.")


def kraljic(situation: dict[str, str]) -> dict[str, str | None]:
    """The Kraljic quadrant from supply risk (suppliers) and profit impact (spend).

    Args:
        situation: The negotiation's ``situation``.

    Returns:
        ``{quadrant, reason}``; ``quadrant`` is ``None`` when suppliers or spend is unknown.
    """
    suppliers, spend = situation.get("suppliers"), situation.get("spend")
    if suppliers is None or spend is None:
        return {
            "quadrant": None,
            "reason": "Record how many suppliers can serve us and whether this is core or tail "
            "spend to place the category.",
        }
    high_risk = suppliers in ("few", "single")
    high_impact = spend == "core"
    if high_impact:
        quadrant = "strategic" if high_risk else "leverage"
    else:
        quadrant = "bottleneck" if high_risk else "non-critical"
    return {"quadrant": quadrant, "reason": KRALJIC_REASONS[quadrant]}
