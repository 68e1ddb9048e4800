"""What the review timeline draws, from ``app.review.timeline``'s columns: the rows of the chosen
meetings, their x on the compressed meeting axis, their mark style, and their texts.

Each meeting keeps its clock on the axis; it is shifted by whole quarter hours so that it starts
``GAP_S`` or a little more after the previous one ends, and round ticks stay round clock times.
Texts (tooltips, details) are worded when asked for, one row at a time, with the console's own
wording (``act_text``, ``alert_text``).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from app.analysis.playbook import tactic_entry
from app.domain import Act, Preparation
from app.meeting import refs
from app.review.timeline import Timeline
from app.wording import act_text
from ui import theme
from ui.widgets.alerts import BREACH_KINDS, TITLES, alert_text

GAP_S = 600.0  # at least this much axis between two meetings
STEP_S = 900.0  # meetings shift by whole quarter hours: round ticks stay round clock times
STYLES = list(theme.MARKS)
KIND_NAMES = {"approval_request": "Approval request", "offer": "Offer", "tactic": "Tactic",
              "reaction": "Reaction", "note": "Note", "approval": "Approval answer",
              "agreement": "Agreement", "phase": "Phase", "retract": "Withdrawal"}


@dataclass
class TimelineModel:
    """The chosen meetings' rows of a ``Timeline`` and how to draw and word them."""

    timeline: Timeline
    acts: list[Act]
    prep: Preparation
    analysis: dict
    meetings: set[int] | None = None  # meeting numbers; None: every meeting
    segments: list[tuple[float, float, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        tl = self.timeline
        self._seqs = [a.seq for a in self.acts]
        act_meeting = np.array([a.meeting if a.meeting is not None else -1 for a in self.acts],
                               dtype=np.int64)
        where = np.searchsorted(np.asarray(self._seqs, dtype=np.int64), tl.seq)
        where = np.clip(where, 0, max(len(self.acts) - 1, 0))
        meeting = act_meeting[where] if len(self.acts) else np.zeros(0, dtype=np.int64)
        chosen = (meeting >= 0 if self.meetings is None
                  else np.isin(meeting, sorted(self.meetings)))
        self.index = np.flatnonzero(chosen)  # timeline rows shown
        self.rows = self.index
        self.lane = tl.lane[self.index].astype(np.int64)
        self.withdrawn = tl.withdrawn[self.index]
        self.style = self._styles(self.index, where)
        shifts = self._place(meeting[self.index], tl.time[self.index])
        self.x = tl.time[self.index] - shifts
        # where each act of the journal sits on the axis (nan: not in the chosen meetings)
        self.act_index = where[self.index]
        self.act_x = np.full(len(self.acts), np.nan)
        acts_only = ~tl.alert[self.index]
        self.act_x[self.act_index[acts_only]] = self.x[acts_only]
        self.row_by_act = np.full(len(self.acts), -1, dtype=np.int64)  # journal position → row
        self.row_by_act[self.act_index[acts_only]] = self.index[acts_only]

    # --- layout -----------------------------------------------------------------------------------

    def _place(self, meeting: np.ndarray, time: np.ndarray) -> np.ndarray:
        """Shift per row, and ``segments`` (x start, shift, caption) per meeting."""
        shifts = np.zeros(len(time))
        end = None
        titles = {m.number: m for m in self.prep.meetings}
        for number in sorted(set(meeting.tolist())):
            rows = meeting == number
            first, last = float(time[rows].min()), float(time[rows].max())
            shift = 0.0 if end is None else STEP_S * math.floor((first - end - GAP_S) / STEP_S)
            shift = max(shift, 0.0)
            shifts[rows] = shift
            info = titles.get(number)
            started = info.started.astimezone() if info else None
            caption = (f"{info.title} · {started:%d %b %H:%M}" if info and started
                       else f"Meeting {number}")
            self.segments.append((first - shift - 30.0, shift, caption))
            end = last - shift
        return shifts

    def _styles(self, index: np.ndarray, where: np.ndarray) -> np.ndarray:
        """Each shown row's style code: by kind (one lookup per distinct kind), offers by side,
        alerts by severity."""
        tl = self.timeline
        severity = {a.get("kind"): a.get("severity") for a in self.analysis.get("alerts", [])}
        kinds, inverse = np.unique(tl.kind[index], return_inverse=True)
        alert = tl.alert[index]
        act_codes = np.array([STYLES.index(k if k in theme.MARKS else "other") for k in kinds],
                             dtype=np.int64)
        alert_codes = np.array([STYLES.index(
            "breach" if k in BREACH_KINDS else
            "alert" if severity.get(k) == "warning" else "alert_info") for k in kinds],
            dtype=np.int64)
        out = np.where(alert, alert_codes[inverse], act_codes[inverse]) if len(kinds) else \
            np.zeros(0, dtype=np.int64)
        offers = np.flatnonzero(~alert & (tl.kind[index] == "offer"))
        them, us = STYLES.index("offer_them"), STYLES.index("offer_us")
        out[offers] = [them if self.acts[i].payload.get("side") == "them" else us
                       for i in where[index[offers]].tolist()]
        return out

    # --- filters ----------------------------------------------------------------------------------

    def kinds(self) -> list[str]:
        """Kinds among the shown rows: the acts' kinds, then the alerts'."""
        tl = self.timeline
        acts = sorted(set(tl.kind[self.index][~tl.alert[self.index]].tolist()))
        alerts = sorted(set(tl.kind[self.index][tl.alert[self.index]].tolist()))
        return acts + [a for a in alerts if a not in acts]

    def kind_label(self, kind: str) -> str:
        """A kind as the filter lists it."""
        if kind in KIND_NAMES:
            return KIND_NAMES[kind]
        if kind in TITLES:
            return f"Alert: {TITLES[kind]}"
        return kind.replace("_", " ").capitalize()

    def members(self) -> list[str]:
        """Members among the shown rows."""
        return sorted(set(self.timeline.member[self.index].tolist()))

    def issues(self) -> list[str]:
        """The preparation's issues."""
        return list(self.prep.issues)

    def issue_label(self, key: str) -> str:
        """An issue as the filter lists it."""
        issue = self.prep.issues.get(key)
        return (issue.label or key) if issue else key

    def mask(self, kind: str | None, member: str | None, issue: str | None) -> np.ndarray:
        """Which shown rows every given filter keeps (the timeline's own helpers choose)."""
        tl = self.timeline
        keep = np.ones(len(self.index), dtype=bool)
        for chosen, rows_of in ((kind, tl.by_kind), (member, tl.by_member),
                                (issue, tl.by_issue)):
            if chosen:
                hit = np.zeros(len(tl), dtype=bool)
                hit[rows_of(chosen)] = True
                keep &= hit[self.index]
        return keep

    # --- texts ------------------------------------------------------------------------------------

    def act_of(self, row: int) -> Act | None:
        """The act a timeline row stands for (for an alert row: the act that raised it)."""
        seq = int(self.timeline.seq[row])
        at = bisect.bisect_left(self._seqs, seq)
        return self.acts[at] if at < len(self.acts) and self._seqs[at] == seq else None

    def alert_of(self, row: int) -> dict | None:
        """The alert an alert row stands for."""
        act = self.act_of(row)
        if act is None:
            return None
        ref = next((r for r, a in refs(self.acts).items() if a.seq == act.seq), None)
        kind = str(self.timeline.kind[row])
        return next((a for a in self.analysis.get("alerts", [])
                     if a.get("act") == ref and a.get("kind") == kind), None)

    def tip(self, row: int) -> str:
        """One or two lines for the tooltip of a mark."""
        tl, act = self.timeline, self.act_of(row)
        if act is None:
            return tl.label[row]
        when = act.at.astimezone().strftime("%H:%M:%S")
        if tl.alert[row]:
            alert = self.alert_of(row)
            text = alert_text(alert, self.prep) if alert else tl.label[row]
            return f"{when} · alert on {act.id or act.seq}\n{text}"
        gone = "   (withdrawn)" if tl.withdrawn[row] else ""
        what = act_text(act, self.prep)
        return f"{when} · {act.by} ({act.role})\n{what}{gone}"

    def details(self, row: int) -> tuple[str, list[str]]:
        """A title and the lines of the details pane for a row."""
        tl, act = self.timeline, self.act_of(row)
        if act is None:
            return tl.label[row], []
        when = act.at.astimezone().strftime("%a %d %b %Y, %H:%M:%S")
        if tl.alert[row]:
            alert = self.alert_of(row) or {}
            text = alert_text(alert, self.prep) if alert else tl.label[row]
            head, _, body = text.partition("\n")
            lines = [body, f"Raised by act {act.id or act.seq} ({act.kind} by {act.by}) at "
                     f"{when}"]
            if alert.get("counter"):
                lines.append(f"Counter: {alert['counter']}")
            return head, lines
        lines = [act_text(act, self.prep),
                 f"{act.by} ({act.role}) · {when} · act {act.id or '#' + str(act.seq)}"]
        meeting = next((m for m in self.prep.meetings if m.number == act.meeting), None)
        if meeting is not None:
            lines.append(f"Meeting: {meeting.title}")
        if act.kind == "tactic":
            entry = tactic_entry(act.payload.get("tactic", ""))
            lines += [f"How to recognise it: {entry['recognise']}", f"Counter: {entry['counter']}"]
        if tl.withdrawn[row]:
            lines.append(self._withdrawal(act))
        return f"{self.kind_label(act.kind)} — {act.by}", lines

    def _withdrawal(self, act: Act) -> str:
        retract = next((a for a in self.acts if a.kind == "retract"
                        and a.payload.get("act") == act.id), None)
        if retract is None:
            return "WITHDRAWN"
        reason = f": {retract.payload['reason']}" if retract.payload.get("reason") else ""
        return (f"WITHDRAWN by {retract.by} at "
                f"{retract.at.astimezone():%H:%M:%S}{reason}")
