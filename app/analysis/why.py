"""The one sentence that says why the coach suggests its next move, for a lead to read in the room.

With ``reveal`` off (room-safe, or a process without the join phrase) a sentence names issues but
no figure: no walk-away, target, limit, plan step or BATNA, and no money.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from app.analysis.economics import package_value
from app.domain import Issue, Preparation
from app.money import money

if TYPE_CHECKING:
    from app.analysis.engine import Track
    from app.analysis.lanes import Lane


def _name(issue: Issue) -> str:
    return issue.label or issue.key


def _names(issues: Iterable[Issue]) -> str:
    return _names_text([_name(i) for i in issues])


class Why:
    """Words the reason of each kind of move."""

    def __init__(self, prep: Preparation, reveal: bool) -> None:
        self.prep, self.reveal = prep, reveal

    def _money(self, amount: Decimal | None) -> str:
        return "" if amount is None else f" (≈ {money(amount, self.prep.currency)} a year)"

    def _values(self, values: Mapping[str, Decimal], lines: list[Lane]) -> str:
        issues = {lane.key: lane.issue for lane in lines}
        if not self.reveal:
            return _names(issues[k] for k in values)
        return _names_text([f"{_name(issues[k])} at {issues[k].with_unit(v)}"
                            for k, v in values.items()])

    def opening(self) -> str:
        """Before our first offer."""
        return ("We have not made an offer yet: open with our opening package and the reasons "
                "behind it, so that the first numbers on the table are ours.")

    def locked(self) -> str:
        """The process cannot read the limits."""
        return ("The walk-aways and limits are sealed to this process: hold our position and ask "
                "them to move; join the workspace for a full suggestion.")

    def walk_away(self, past: list[Lane]) -> str:
        """They stopped with terms past our walk-away."""
        if not self.reveal:
            return (f"They have stopped moving and {_names(p.issue for p in past)} stays past "
                    f"our walk-away: fall back to our BATNA.")
        lane = past[0]
        batna = self.prep.batna.get("ours")
        plan_b = f" ({batna.rstrip('.')})" if isinstance(batna, str) and batna else ""
        return (f"They have stopped moving and {_name(lane.issue)} at "
                f"{lane.issue.with_unit(lane.theirs)} is past our walk-away of "
                f"{lane.issue.with_unit(lane.issue.walk_away)}: fall back to our BATNA{plan_b}.")

    def accept(self, lines: list[Lane], tracks: Mapping[str, Track]) -> str:
        """Their package is as good as ours would be, and meets every target."""
        worth = package_value(tracks, "their_pos") if self.reveal else None
        tail = (f", worth ≈ {money(worth, self.prep.currency)} a year to us above our "
                f"walk-aways" if worth is not None else "")
        return (f"Their package meets our targets and is at least as good as what we would "
                f"counter with{tail}: accept it and read the full terms back.")

    def not_moved(self, asks: Mapping[str, Decimal], lines: list[Lane]) -> str:
        """They have not conceded since our last concession."""
        on = f", on {self._values(asks, lines)}" if asks else ""
        return (f"They have not conceded on anything since our last concession: hold our "
                f"package and ask them to move first{on}; giving again now would be bidding "
                f"against ourselves.")

    def reopened(self, lines: list[Lane]) -> str:
        """They moved an agreed issue back against us (a nibble)."""
        return (f"They reopened {_names(lane.issue for lane in lines)}, already agreed: hold the "
                f"agreed terms and do not pay twice; trade it only for a term of ours.")

    def waiting(self, asks: Mapping[str, Decimal], lines: list[Lane]) -> str:
        """They are moving our way and it is not yet time to close."""
        on = f", on {self._values(asks, lines)}" if asks else ""
        return (f"They are still coming our way: hold our package and ask for more{on}; keep "
                f"our concessions for the close.")

    def no_room(self, lines: list[Lane]) -> str:
        """No issue has room left within our limits."""
        if not self.reveal:
            return ("We have no room left within our limits: hold, ask them to move, or caucus "
                    "and ask for approval.")
        edges = {lane.key: lane.floor for lane in lines if lane.theirs is not None
                 and lane.issue.is_worse(lane.theirs, lane.base)}
        where = f" ({self._values(edges, lines)})" if edges else ""
        return (f"We have no room left within our limits{where}: hold, ask them to move, or "
                f"caucus and ask for approval.")

    def counter(self, gives: Mapping[str, Decimal], asks: Mapping[str, Decimal],
                lines: list[Lane], gains: Iterable[tuple[str, float]]) -> str:
        """A counter: what to give, what to ask, and why there."""
        issues = {lane.key: lane.issue for lane in lines}
        moved = [issues[k] for k, _ in gains if k in issues]
        they = f"They moved on {_names(moved)}" if moved else "They moved"
        give = self._gives(gives, lines)
        ask = f" and ask for {self._values(asks, lines)} in return" if asks else ""
        return (f"{they}: give {give} where it costs us least{ask}, each step smaller than our "
                f"last.")

    def _gives(self, gives: Mapping[str, Decimal], lines: list[Lane]) -> str:
        if not self.reveal:
            return _names(lane.issue for lane in lines if lane.key in gives)
        parts = []
        for lane in lines:
            if lane.key in gives:
                value = lane.issue.value_per_unit
                worth = self._money(value * gives[lane.key] if value is not None else None)
                parts.append(f"{lane.issue.with_unit(gives[lane.key])} on {_name(lane.issue)}"
                             f"{worth}")
        return _names_text(parts)


#: A sentence names at most this many issues; the rest are counted.
NAMED = 3


def _names_text(parts: list[str]) -> str:
    if len(parts) > NAMED:
        parts = [*parts[:NAMED], "others"]
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)
