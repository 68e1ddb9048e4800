"""The next_move contract (SCENARIO.md §3) as properties over generated negotiations.

Each example builds a preparation (the money example's six issues, the lead's limits and the plan
on price and term, optionally more limits, approvals and agreements) and a meeting of generated
offers; after every act the analysis' ``next_move`` is checked by ``app.analysis.contract``, which
re-derives positions, limits, approvals, plan steps and the order of concessions from the journal
itself. A separate property steers the negotiation by the coach's own moves (the lead logs each
suggestion), so that counters, closes, accepts and walk-aways all occur, and checks every one.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    from tests.analysis_fixtures import ActMaker, load_scenario, scenario_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import ActMaker, load_scenario, scenario_acts

from app.analysis import Analyzer
from app.analysis.contract import violations
from app.state import fold

MONEY = Path(__file__).parent / "fixtures" / "corrugated-2027-money.json"
SCENARIO = load_scenario(MONEY)
PREP_DATA = copy.deepcopy(SCENARIO)
del PREP_DATA["meetings"]
PREP_ACTS = scenario_acts(PREP_DATA)
PREP = fold(PREP_ACTS)
ISSUES = list(PREP.issues)
LEAD = "Dana Whitfield"
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def grid(key: str, j: int) -> str:
    """Value ``j/10`` of the way from our opening to our walk-away (may leave the range)."""
    issue = PREP.issues[key]
    step = (issue.walk_away - issue.opening) / 10
    return format((issue.opening + step * j).quantize(Decimal("0.001")).normalize(), "f")


terms_st = st.dictionaries(st.sampled_from(ISSUES), st.integers(-2, 16), min_size=1, max_size=6)
spec_st = st.one_of(
    st.tuples(st.just("them"), terms_st),
    st.tuples(st.just("them"), terms_st),
    st.tuples(st.just("us"), terms_st, st.one_of(st.none(), terms_st)),
    st.tuples(st.just("agreement"), terms_st, st.booleans()),
    st.tuples(st.just("approval"), st.sampled_from(ISSUES), st.integers(0, 12)),
    st.tuples(st.just("limit"), st.sampled_from(ISSUES), st.integers(0, 10)),
    st.tuples(st.just("plan"), st.sampled_from(ISSUES), st.integers(1, 3)),
    st.tuples(st.just("retract"), st.integers(0, 50)),
)


class Meeting(ActMaker):
    """A meeting after the money example's preparation."""

    def __init__(self) -> None:
        super().__init__({m["name"]: m["role"] for m in SCENARIO["team"]}, LEAD)
        self.acts = list(PREP_ACTS)
        self.seq, self.meeting, self.at = len(self.acts), 1, PREP_ACTS[-1].at
        self.ids: list[str] = []

    def meet(self, kind: str, payload: dict, by: str = LEAD) -> None:
        self.at += timedelta(seconds=20)
        act_id = f"m{self.seq + 1}"
        self.ids.append(act_id)
        self.act(kind, payload, by, self.at, act_id)

    def spec(self, spec: tuple) -> None:
        kind = spec[0]
        if kind in ("them", "us"):
            payload = {"side": kind, "terms": {k: grid(k, j) for k, j in spec[1].items()}}
            if kind == "us" and spec[2]:
                payload["asks"] = {k: grid(k, j) for k, j in spec[2].items()}
            self.meet("offer", payload)
        elif kind == "agreement":
            self.meet("agreement", {"terms": {k: grid(k, j) for k, j in spec[1].items()},
                                    "final": spec[2]})
        elif kind == "approval":
            self.meet("approval_request", {"issue": spec[1], "value": grid(spec[1], spec[2])})
            self.meet("approval", {"request": self.ids[-1], "granted": True}, "Priya Raman")
        elif kind == "limit":
            self.prep("authority", {"member": LEAD, "issue": spec[1],
                                    "limit": grid(spec[1], spec[2])}, self.at)
        elif kind == "plan":
            steps = [grid(spec[1], 2 * n + 2) for n in range(spec[2])]
            self.prep("plan", {"issue": spec[1], "steps": steps, "asks": ["x"] * len(steps)},
                      self.at)
        elif kind == "retract" and self.ids:
            self.meet("retract", {"act": self.ids[spec[1] % len(self.ids)], "reason": "x"})


@SETTINGS
@given(st.lists(spec_st, min_size=1, max_size=30))
def test_every_next_move_keeps_the_contract(specs):
    """After every act of a generated meeting, the move suggested keeps every invariant:
    ``null`` exactly when due, each counter/hold value between our position and the tighter of
    the walk-away and the lead's limit (with approvals) and no worse than theirs, counters
    diminishing, within the plan's next step, after a move of theirs and with an ask."""
    meeting = Meeting()
    analyzer = Analyzer().extend(meeting.acts)
    for spec in specs:
        before = len(meeting.acts)
        meeting.spec(spec)
        for act in meeting.acts[before:]:
            analyzer.add(act)
        move = analyzer.result()["next_move"]
        assert violations(meeting.acts, move) == [], move


supplier_st = st.lists(st.dictionaries(st.sampled_from(ISSUES), st.integers(-2, 14),
                                       min_size=1, max_size=6), min_size=2, max_size=14)


@SETTINGS
@given(supplier_st, st.booleans())
def test_a_lead_who_logs_every_next_move_never_breaks_the_contract(offers, nibble):
    """The lead logs each suggestion (counter and hold as our offer, accept as the agreement);
    the other side's offers are generated. Every suggestion keeps the contract, and kinds other
    than counter appear too."""
    meeting = Meeting()
    analyzer = Analyzer().extend(meeting.acts)

    def log(kind: str, payload: dict) -> None:
        meeting.meet(kind, payload)
        analyzer.add(meeting.acts[-1])

    for terms in offers:
        log("offer", {"side": "them", "terms": {k: grid(k, j) for k, j in terms.items()}})
        move = analyzer.result()["next_move"]
        assert violations(meeting.acts, move) == [], move
        if move["kind"] in ("counter", "hold"):
            log("offer", {"side": "us", "terms": move["terms"], **(
                {"asks": move["asks"]} if move["asks"] else {})})
        elif move["kind"] == "accept":
            log("agreement", {"terms": move["terms"], "final": not nibble})
            if not nibble:
                return
        else:
            return
