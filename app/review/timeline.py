"""``timeline(acts)``: the journal as columns, ready to plot, one lane per role plus the alerts.

Each act is a row (its seq, time in epoch seconds, lane by the role it was logged in, kind,
member, the issues it names, whether it was withdrawn, and a short label). Each alert the analysis
raised is a row too, in the ``alerts`` lane at the time of the act that raised it, right after
that act's row. Filters return ``numpy`` index arrays into the columns.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.analysis import analyze
from app.domain import Act, Preparation
from app.meeting import refs
from app.state import fold
from app.text import shorten
from app.wording import act_text

LANES = ("lead", "sme", "observer", "approver", "alerts")
ALERTS_LANE = LANES.index("alerts")
LABEL_CHARS = 60


@dataclass(frozen=True)
class Timeline:
    """Columnar rows: ``len(t)`` rows; arrays share the row order.

    ``seq``, ``time`` (epoch seconds), ``lane`` (index into ``LANES``), ``withdrawn`` and
    ``alert`` (True for rows of the alerts lane) are numpy arrays; ``kind`` and ``member`` are
    numpy string arrays; ``issues`` is a list of tuples; ``label`` a list of short texts. For an
    alert row, ``kind`` is the alert's kind and ``seq`` that of the act that raised it.
    """

    seq: np.ndarray
    time: np.ndarray
    lane: np.ndarray
    kind: np.ndarray
    member: np.ndarray
    issues: list[tuple[str, ...]]
    withdrawn: np.ndarray
    alert: np.ndarray
    label: Sequence[str]
    lanes: tuple[str, ...] = LANES
    _by_issue: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.seq)

    def by_kind(self, *kinds: str) -> np.ndarray:
        """Rows whose kind is one of ``kinds`` (act kinds, or alert kinds for alert rows)."""
        return np.flatnonzero(np.isin(self.kind, list(kinds)))

    def by_member(self, *members: str) -> np.ndarray:
        """Rows logged by one of ``members`` (alert rows: the member of the act that raised it)."""
        return np.flatnonzero(np.isin(self.member, list(members)))

    def by_issue(self, *issues: str) -> np.ndarray:
        """Rows that name one of ``issues`` (an offer's terms or asks, an agreement, a note…)."""
        rows: set[int] = set()
        for key in issues:
            if key not in self._by_issue:
                self._by_issue[key] = np.array(
                    [n for n, named in enumerate(self.issues) if key in named], dtype=np.int64)
            rows.update(self._by_issue[key].tolist())
        return np.array(sorted(rows), dtype=np.int64)

    def by_lane(self, *lanes: str) -> np.ndarray:
        """Rows in one of ``lanes`` (names from ``LANES``)."""
        wanted = [LANES.index(name) for name in lanes]
        return np.flatnonzero(np.isin(self.lane, wanted))

    def acts_only(self) -> np.ndarray:
        """The rows that are acts (not alerts)."""
        return np.flatnonzero(~self.alert)

    def index_at(self, time: float) -> int:
        """How many rows lie at or before ``time`` (epoch seconds), rows being in journal order."""
        return int(np.searchsorted(np.maximum.accumulate(self.time), time, side="right")) \
            if len(self) else 0


def issues_named(act: Act) -> tuple[str, ...]:
    """The issues an act names: terms and asks of offers and agreements, an issue field."""
    p = act.payload
    named: list[str] = []
    for key in ("terms", "asks", "limits"):
        if isinstance(p.get(key), dict):
            named += [k for k in p[key] if k not in named]
    if isinstance(p.get("issue"), str) and p["issue"] not in named:
        named.append(p["issue"])
    if act.kind == "issue" and isinstance(p.get("key"), str):
        named.append(p["key"])
    return tuple(named)


def label(act: Act, prep: Preparation | None = None) -> str:
    """A short text for an act (``app.wording.act_text``, cut to ``LABEL_CHARS``)."""
    return shorten(act_text(act, prep), LABEL_CHARS)


def timeline(acts: Sequence[Act], analysis: dict[str, Any] | None = None) -> Timeline:
    """The columns of a negotiation's journal.

    Args:
        acts: The negotiation's journal, in order.
        analysis: ``analyze(acts)``, if already at hand (its alerts make the alerts lane).
    """
    acts = list(acts)
    if analysis is None:
        analysis = analyze(acts)
    by_ref = refs(acts)
    raised: dict[int, list[dict[str, Any]]] = {}
    for alert in analysis.get("alerts", []):
        act = by_ref.get(alert.get("act"))
        if act is not None:
            raised.setdefault(act.seq, []).append(alert)
    withdrawn = {a.payload.get("act") for a in acts if a.kind == "retract"}
    rows: dict[str, list] = {k: [] for k in ("seq", "time", "lane", "kind", "member", "issues",
                                             "withdrawn", "alert", "source")}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per distinct set of issues
    for act in acts:
        at = act.at.timestamp()
        named = issues_named(act)
        _row(rows, act.seq, at, LANES.index(act.role) if act.role in LANES else 0, act.kind,
             act.by, shared.setdefault(named, named),
             act.id is not None and act.id in withdrawn, False, act)
        for alert in raised.get(act.seq, ()):
            issue = alert.get("issue")
            named = (issue,) if issue else ()
            _row(rows, act.seq, at, ALERTS_LANE, alert["kind"], act.by,
                 shared.setdefault(named, named), False, True, alert)
    return Timeline(
        seq=np.array(rows["seq"], dtype=np.int64), time=np.array(rows["time"], dtype=np.float64),
        lane=np.array(rows["lane"], dtype=np.int8), kind=_strings(rows["kind"]),
        member=_strings(rows["member"]), issues=rows["issues"],
        withdrawn=np.array(rows["withdrawn"], dtype=bool),
        alert=np.array(rows["alert"], dtype=bool), label=Labels(rows["source"]))


class Labels(Sequence):
    """The short text of each row, made when it is asked for (a long journal shows few)."""

    def __init__(self, sources: list):
        self._sources = sources
        self._prep: Preparation | None = None  # for units: folded when a label is first asked

    def __len__(self) -> int:
        return len(self._sources)

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[n] for n in range(*row.indices(len(self)))]
        source = self._sources[row]
        if isinstance(source, dict):
            return _alert_label(source)
        if self._prep is None:
            self._prep = fold(s for s in self._sources if not isinstance(s, dict))
        return label(source, self._prep)


def _row(rows: dict[str, list], *values: Any) -> None:
    for key, value in zip(rows, values, strict=True):
        rows[key].append(value)


def _strings(values: Iterable[str]) -> np.ndarray:
    """A column of a few distinct texts: shared string objects, not fixed-width unicode."""
    return np.array([sys.intern(v) for v in values], dtype=object)


def _alert_label(alert: dict[str, Any]) -> str:
    kind = alert["kind"].replace("_", " ")
    what = alert.get("tactic") or alert.get("issue")
    return f"{kind}: {what}" if what else kind
