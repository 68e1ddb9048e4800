"""Assembles the ``caucus-analysis/1`` object from the preparation and the engine's state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.analysis import alerts
from app.analysis.coach import next_move
from app.analysis.economics import economics
from app.analysis.engine import Engine, Track
from app.analysis.forecast import forecast
from app.analysis.readiness import readiness
from app.analysis.strategy import strategy
from app.domain import Issue, Preparation
from app.numbers import dec_str

FORMAT = "caucus-analysis/1"


LOCKED_NOTICE = ("Targets, walk-aways, limits and the plan are sealed and this process does not "
                 "hold the join phrase: concession sizes, scores, forecasts and the alerts that "
                 "need them are left out. Join the workspace to see them.")


def build(prep: Preparation, engine: Engine, room_safe: bool = False) -> dict[str, Any]:
    """The analysis object, with fresh lists and ledger rows at every call.

    Alert dicts and the ``gives``/``asks`` dicts inside ledger rows are shared with the engine,
    which never changes them once made (so a kept result stays valid); treat them as read-only.
    Copying them too would cost about a millisecond per call at 10 000 acts.

    Args:
        prep: The preparation the engine was built on.
        engine: The engine after feeding the negotiation's standing meeting acts.
        room_safe: Word ``next_move.why`` without any figure of the sealed preparation (as it
            always is when this process cannot open the sealed figures).

    Returns:
        The JSON-ready ``caucus-analysis/1`` dict.
    """
    tracks = engine.tracks
    locked = prep.is_locked
    return {
        "format": FORMAT,
        **({"locked": LOCKED_NOTICE} if locked else {}),
        "negotiation": prep.title,
        "strategy": strategy(prep.situation),
        "issues": {key: issue_view(track) for key, track in tracks.items()},
        "alerts": alerts.preparation(prep) + engine.alerts,
        "ledger": [dict(row) for row in engine.ledger],
        "score": {side: None if locked else score(prep, tracks, attr)
                  for side, attr in (("ours", "our_pos"), ("theirs", "their_pos"))},
        "readiness": readiness(prep),
        "economics": economics(prep, tracks),
        "next_move": next_move(prep, engine, reveal=not room_safe),
    }


def issue_view(track: Track) -> dict[str, Any]:
    """The per-issue part of the analysis."""
    ours, theirs = track.our_pos, track.their_pos
    return {
        "ours": list(track.ours),
        "theirs": list(track.theirs),
        "our_concessions": list(track.our_concessions),
        "their_concessions": list(track.their_concessions),
        "gap": _gap(ours, theirs),
        "agreed": dec_str(track.agreed),
        "forecast": None if track.issue.locked else forecast(track.issue, track.their_values, ours),
    }


def _gap(ours: Decimal | None, theirs: Decimal | None) -> str | None:
    """``|ours − theirs|`` without trailing zeros, or ``None`` until both sides have a position."""
    if ours is None or theirs is None:
        return None
    return dec_str(abs(ours - theirs).normalize())


def issue_score(issue: Issue, value: Decimal) -> Decimal:
    """``100 × (v − walk_away)/(opening − walk_away)``, clipped to [0, 100]."""
    if issue.opening == issue.walk_away:
        return Decimal(100) if not issue.is_worse(value, issue.opening) else Decimal(0)
    raw = 100 * (value - issue.walk_away) / (issue.opening - issue.walk_away)
    return min(max(raw, Decimal(0)), Decimal(100))


def score(prep: Preparation, tracks: dict[str, Track], side: str) -> float | None:
    """A side's package score by our preferences, over the issues it has a position on.

    The normalised issue weights are restricted to those issues and rescaled to sum 1 (equal
    weights if they are all zero). ``None`` while the side has no position at all.
    """
    weights = prep.weights()
    held = {key: getattr(t, side) for key, t in tracks.items() if getattr(t, side) is not None}
    if not held:
        return None
    total = sum((weights.get(key, Decimal(0)) for key in held), Decimal(0))
    if total > 0:
        share = {key: weights.get(key, Decimal(0)) / total for key in held}
    else:
        share = {key: Decimal(1) / len(held) for key in held}
    value = sum((share[key] * issue_score(tracks[key].issue, v) for key, v in held.items()),
                Decimal(0))
    return round(float(value), 1)
