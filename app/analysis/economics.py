"""Money in the analysis (SCENARIO.md §3): the yearly value of each side's package to us, and of
what each offer of ours gave and asked.

An issue's ``value_per_unit`` is what one unit, moved in our better direction, is worth to us a
year. Packages are measured from our walk-away (negative where a position is worse than it), a
give by the size of the move, an ask from the other side's position at the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.domain import Issue, Preparation
from app.numbers import dec_str

if TYPE_CHECKING:  # the engine imports this module
    from app.analysis.engine import Track


def amount(value: Decimal | None) -> str | None:
    """A money figure as a decimal string without trailing zeros (``"39900"``)."""
    return None if value is None else dec_str(value.normalize())


def toward_us(issue: Issue, start: Decimal, end: Decimal) -> Decimal:
    """How far ``start`` → ``end`` moves in our favour (negative: away from us)."""
    return end - start if issue.better == "higher" else start - end


def package_value(tracks: Mapping[str, Track], side: str) -> Decimal | None:
    """Yearly value to us of one side's current package (``side``: ``our_pos``/``their_pos``).

    ``None`` when the side has no position on any issue with a ``value_per_unit``, or when a
    walk-away it needs is sealed to this process.
    """
    total, counted = Decimal(0), False
    for track in tracks.values():
        issue, position = track.issue, getattr(track, side)
        if issue.value_per_unit is None or position is None:
            continue
        if issue.walk_away is None:
            return None
        total += issue.value_per_unit * toward_us(issue, issue.walk_away, position)
        counted = True
    return total if counted else None


def economics(prep: Preparation, tracks: Mapping[str, Track]) -> dict[str, Any] | None:
    """``{"currency", "ours", "theirs", "gap"}`` (decimal strings), or ``None`` when no issue
    has a ``value_per_unit``."""
    if not any(t.issue.value_per_unit is not None for t in tracks.values()):
        return None
    ours, theirs = package_value(tracks, "our_pos"), package_value(tracks, "their_pos")
    gap = ours - theirs if ours is not None and theirs is not None else None
    return {"currency": prep.currency, "ours": amount(ours), "theirs": amount(theirs),
            "gap": amount(gap)}


def gives_value(tracks: Mapping[str, Track], moved: Mapping[str, Decimal]) -> str | None:
    """Yearly value of the concessions of one offer of ours (``moved``: issue → |Δ|)."""
    total, counted = Decimal(0), False
    for key, delta in moved.items():
        issue = tracks[key].issue
        if issue.value_per_unit is not None:
            total += issue.value_per_unit * delta
            counted = True
    return amount(total) if counted else None


def asks_value(tracks: Mapping[str, Track], asks: Mapping[str, Decimal]) -> str | None:
    """Yearly value of what one offer of ours asked, each ask measured from the other side's
    position on its issue at the time (issues they have no position on are not measured)."""
    total, counted = Decimal(0), False
    for key, value in asks.items():
        track = tracks.get(key)
        if track is None or track.issue.value_per_unit is None or track.their_pos is None:
            continue
        total += track.issue.value_per_unit * toward_us(track.issue, track.their_pos, value)
        counted = True
    return amount(total) if counted else None
