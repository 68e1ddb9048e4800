"""The incremental core: feeds meeting acts one at a time and keeps every trajectory and alert.

``Engine`` knows the preparation (fixed for its lifetime) and sees only standing meeting acts, in
journal order, each with the reference the analysis uses for it. All per-act work is O(issues in
the act), so adding an act costs the same at act 10 and at act 10 000.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from app.analysis import alerts
from app.analysis.economics import asks_value, gives_value
from app.authority import breaches_on, widen
from app.domain import Act, Issue, Preparation
from app.numbers import dec_str, readable

Ref = str | int
SINGLE_ISSUE_RUN = 3  # conceding offers in a row on one and the same issue before we say so


@dataclass
class Track:
    """Everything known about one issue: both sides' trajectories, agreement and approvals."""

    issue: Issue
    ours: list[str] = field(default_factory=list)
    theirs: list[str] = field(default_factory=list)
    their_values: list[Decimal] = field(default_factory=list)
    our_concessions: list[float] = field(default_factory=list)
    their_concessions: list[float] = field(default_factory=list)
    our_pos: Decimal | None = None
    their_pos: Decimal | None = None
    our_last: Decimal | None = None  # |Δ| of our latest concession
    their_last: Decimal | None = None
    agreed: Decimal | None = None
    theirs_since_agreed: Decimal | None = None  # their latest value after the latest agreement
    covered: Decimal | None = None  # furthest value a granted approval covers


@dataclass(frozen=True)
class Turn:
    """Whose move it is and how the other side has been moving, for ``next_move``.

    Replaced, never changed in place, so a checkpoint of the engine may keep it by reference.
    """

    last_side: str | None = None  # the side of the latest offer
    final_after: bool = False  # a final agreement was logged after the latest offer
    moved_since: bool | None = None  # they conceded since our last concession (or first offer)
    stalled: int = 0  # their offers in a row that conceded on nothing (not their first)
    gains: tuple[tuple[str, float], ...] = ()  # (issue, size) they conceded since our offer
    by: str | None = None  # who logged our latest offer
    offers: int = 0  # how many offers we have made
    paces: tuple[float, float] = (0.0, 0.0)  # worth to us of their last two conceding offers


def _merged(gains: tuple[tuple[str, float], ...],
            more: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    """Concession sizes per issue, summed (one entry per issue, in the order first seen)."""
    if not more:
        return gains
    total = dict(gains)
    for key, amount in more:
        total[key] = round(total.get(key, 0.0) + amount, 4)
    return tuple(total.items())


def size(delta: Decimal, issue: Issue) -> float:
    """A concession's size, ``|Δ| / R``, rounded to 4 places."""
    return round(float(delta / issue.range), 4) if issue.range else 0.0


def number(raw: Any) -> Decimal | None:
    """A payload value as a decimal, or ``None`` if it is not a readable one."""
    return readable(raw)


def _asks(asks: Any) -> dict[str, Any] | None:
    """The asks of an offer as decimal strings, or ``None`` if it has none."""
    if not isinstance(asks, dict) or not asks:
        return None
    return {k: dec_str(v) if (v := number(raw)) is not None else _shown(raw)
            for k, raw in asks.items()}


def _shown(raw: Any) -> Any:
    """An unreadable stored value as output may carry it (long texts cut short)."""
    return raw[:40] + "…" if isinstance(raw, str) and len(raw) > 40 else raw


class Engine:
    """Trajectories, alerts and the give/get ledger of one negotiation, built act by act."""

    def __init__(self, prep: Preparation) -> None:
        self.prep = prep
        self.tracks = {key: Track(issue) for key, issue in prep.issues.items()}
        self.alerts: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []  # ledger rows waiting for their next offer
        self._we_conceded = False
        self._they_conceded_since = False
        self._run: tuple[str | None, int] = (None, 0)
        self._requests: dict[str, tuple[str, Decimal]] = {}
        self.turn = Turn()
        self._handlers = {"offer": self._offer, "agreement": self._agreement,
                          "approval_request": self._request, "approval": self._approval,
                          "tactic": self._tactic}

    def sync_issues(self) -> None:
        """Follow a change of the issues (added, redefined, reordered, removed) in ``prep``."""
        old = self.tracks
        self.tracks = {}
        for key, issue in self.prep.issues.items():
            track = old.get(key) or Track(issue)
            track.issue = issue
            self.tracks[key] = track

    def feed(self, act: Act, ref: Ref) -> None:
        """Take one standing meeting act (never a retraction) into account."""
        handler = self._handlers.get(act.kind)
        if handler is not None:
            handler(act, ref)

    def _values(self, terms: Any, ref: Ref = None) -> list[tuple[Track, Decimal]]:
        """The readable values of known issues; an unreadable one raises an alert if ``ref``."""
        if not isinstance(terms, dict):
            return []
        out = []
        for key, raw in terms.items():
            track, value = self.tracks.get(key), number(raw)
            if track is not None and value is not None:
                out.append((track, value))
            elif track is not None and ref is not None:
                self.alerts.append(alerts.unreadable(ref, track.issue, _shown(raw)))
        return out

    # --- offers -------------------------------------------------------------------------------

    def _offer(self, act: Act, ref: Ref) -> None:
        if act.payload.get("side") == "us":
            self._our_offer(act, ref)
        elif act.payload.get("side") == "them":
            self._their_offer(act, ref)

    def _our_offer(self, act: Act, ref: Ref) -> None:
        asks = act.payload.get("asks") or None
        gives: dict[str, float] = {}
        moved: dict[str, Decimal] = {}
        for track, value in self._values(act.payload.get("terms"), ref):
            before, issue = track.our_pos, track.issue
            track.ours.append(dec_str(value))
            track.our_pos = value
            if issue.locked:  # sizes, plan and limits need the sealed positions
                continue
            if before is not None and issue.is_worse(value, before):
                delta = abs(value - before)
                gives[issue.key] = size(delta, issue)
                moved[issue.key] = delta
                track.our_concessions.append(gives[issue.key])
                self._concession_alerts(ref, track, before, value, delta, asks)
                track.our_last = delta
            self._limit_alerts(act, ref, track, value, agreement=False)
        if gives:
            self._after_our_concession(ref, gives, asks, moved)
        first = self.turn.moved_since is None
        self.turn = replace(self.turn, last_side="us", final_after=False, by=act.by, gains=(),
                            offers=self.turn.offers + 1,
                            moved_since=False if gives or first else self.turn.moved_since)

    def _concession_alerts(self, ref: Ref, track: Track, before: Decimal, value: Decimal,
                           delta: Decimal, asks: Any) -> None:
        issue = track.issue
        if not asks:
            self.alerts.append(alerts.unconditional(ref, issue, before, value))
        if track.our_last is not None and delta >= track.our_last:
            self.alerts.append(alerts.non_diminishing(ref, issue, track.our_last, delta))
        plan = self.prep.plan.get(issue.key)
        if plan is None or not plan.steps:
            return
        ahead = [n for n, step in enumerate(plan.steps) if issue.is_worse(step, before)]
        if not ahead:
            self.alerts.append(alerts.beyond_plan(ref, issue, value, None, None, plan.steps[-1]))
        elif issue.is_worse(value, plan.steps[ahead[0]]):
            n = ahead[0]
            ask = plan.asks[n] if n < len(plan.asks) else None
            self.alerts.append(alerts.beyond_plan(ref, issue, value, plan.steps[n], ask,
                                                  plan.steps[-1]))

    def _after_our_concession(self, ref: Ref, gives: dict[str, float], asks: Any,
                              moved: dict[str, Decimal]) -> None:
        if self._we_conceded and not self._they_conceded_since:
            self.alerts.append(alerts.consecutive(ref))
        self._we_conceded, self._they_conceded_since = True, False
        asked = {k: v for k, raw in (asks.items() if isinstance(asks, dict) else ())
                 if (v := number(raw)) is not None}
        row = {"act": ref, "gives": gives, "asks": _asks(asks), "reciprocated": False,
               "gives_value": gives_value(self.tracks, moved),
               "asks_value": asks_value(self.tracks, asked)}
        self.ledger.append(row)
        self._pending.append(row)
        self._single_issue_run(ref, gives)

    def _single_issue_run(self, ref: Ref, gives: dict[str, float]) -> None:
        key = next(iter(gives)) if len(gives) == 1 and len(self.tracks) > 1 else None
        count = self._run[1] + 1 if key is not None and key == self._run[0] else 1
        self._run = (key, count)
        if key is not None and count == SINGLE_ISSUE_RUN:
            self.alerts.append(alerts.single_issue(ref, self.tracks[key].issue, count))

    def _their_offer(self, act: Act, ref: Ref) -> None:
        conceded = repeated = False
        gains: list[tuple[str, float]] = []
        for track, value in self._values(act.payload.get("terms"), ref):
            before, issue = track.their_pos, track.issue
            repeated = repeated or before is not None
            track.theirs.append(dec_str(value))
            track.their_values.append(value)
            track.their_pos = value
            if issue.locked:
                continue
            if before is not None and issue.is_better(value, before):
                conceded = True
                delta = abs(value - before)
                track.their_concessions.append(size(delta, issue))
                gains.append((issue.key, track.their_concessions[-1]))
                if track.their_last is not None and delta > track.their_last:
                    self.alerts.append(alerts.their_growing(ref, issue, track.their_last, delta))
                track.their_last = delta
            if self._reopens(track, value):
                self.alerts.append(alerts.reopened(ref, issue, value, track.agreed))
            track.theirs_since_agreed = value
        if conceded:
            self._they_conceded_since = True
        for row in self._pending:
            row["reciprocated"] = conceded
        self._pending.clear()
        turn = self.turn
        moved = True if conceded and turn.moved_since is not None else turn.moved_since
        paces = (turn.paces[1], self._worth(gains)) if conceded else turn.paces
        self.turn = replace(turn, last_side="them", final_after=False,
                            gains=_merged(turn.gains, gains),
                            stalled=0 if conceded else turn.stalled + repeated,
                            moved_since=moved, paces=paces)

    def _worth(self, gains: list[tuple[str, float]]) -> float:
        """What concession sizes on issues are worth to us, by the normalised weights."""
        weights = self.prep.weights()
        return round(sum(float(weights.get(k, 0)) * size for k, size in gains), 6)

    @staticmethod
    def _reopens(track: Track, value: Decimal) -> bool:
        """They put an agreed issue worse than agreed (restating such a value is not new)."""
        issue, agreed, before = track.issue, track.agreed, track.theirs_since_agreed
        if agreed is None or not issue.is_worse(value, agreed):
            return False
        return before is None or not issue.is_worse(before, agreed) or issue.is_worse(value, before)

    # --- agreements, authority ----------------------------------------------------------------

    def _agreement(self, act: Act, ref: Ref) -> None:
        for track, value in self._values(act.payload.get("terms"), ref):
            track.agreed, track.theirs_since_agreed = value, None
            self._limit_alerts(act, ref, track, value, agreement=True)
        if act.payload.get("final") is True:
            self.turn = replace(self.turn, final_after=True)

    def _limit_alerts(self, act: Act, ref: Ref, track: Track, value: Decimal,
                      agreement: bool) -> None:
        issue = track.issue
        if issue.locked:
            return
        for breach in breaches_on(self.prep, act.by, issue, value, track.covered):
            if breach.kind == "walk_away":
                self.alerts.append(alerts.beyond_walk_away(ref, issue, value, agreement))
            else:
                self.alerts.append(
                    alerts.beyond_authority(ref, issue, value, act.by, breach.limit))

    def _request(self, act: Act, ref: Ref) -> None:
        value = number(act.payload.get("value"))
        key = act.payload.get("issue")
        if act.id is not None and value is not None and key in self.tracks:
            self._requests[act.id] = (key, value)

    def _approval(self, act: Act, ref: Ref) -> None:
        request = self._requests.get(act.payload.get("request"))
        if act.payload.get("granted") is not True or request is None:
            return
        track = self.tracks.get(request[0])
        if track is not None:
            track.covered = widen(track.issue, track.covered, request[1])

    def _tactic(self, act: Act, ref: Ref) -> None:
        self.alerts.append(alerts.tactic_counter(ref, str(act.payload.get("tactic") or "")))
