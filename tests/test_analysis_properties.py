"""Property tests of the analysis on generated negotiations over the example's preparation."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    from tests.analysis_fixtures import ActMaker, load_scenario, scenario_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import ActMaker, load_scenario, scenario_acts

from app.analysis import Analyzer, analyze
from app.domain import KNOWN_TACTICS, MEETING_KINDS, Act
from app.state import fold

SCENARIO = load_scenario()
PREP_DATA = copy.deepcopy(SCENARIO)
del PREP_DATA["meetings"]
PREP_ACTS = scenario_acts(PREP_DATA)
PREP = fold(PREP_ACTS)
ISSUES = list(PREP.issues)
TEAM = [m["name"] for m in SCENARIO["team"]]

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def grid(key: str, j: int) -> str:
    """Value ``j/10`` of the way from opening to walk-away (j may leave the range)."""
    issue = PREP.issues[key]
    step = (issue.walk_away - issue.opening) / 10
    return format((issue.opening + step * j).quantize(Decimal("0.001")).normalize(), "f")


terms_st = st.dictionaries(st.sampled_from(ISSUES[:2]) | st.sampled_from(ISSUES),
                           st.integers(-3, 13), min_size=1, max_size=3)
offer_st = st.tuples(st.just("offer"), st.sampled_from(["us", "them"]), terms_st,
                     st.one_of(st.none(), terms_st), st.sampled_from(TEAM))
spec_st = st.one_of(
    offer_st, offer_st, offer_st, offer_st,
    st.tuples(st.just("tactic"), st.sampled_from([*KNOWN_TACTICS, "mystery"])),
    st.tuples(st.just("agreement"), terms_st, st.booleans(), st.sampled_from(TEAM)),
    st.tuples(st.just("approval_request"), st.sampled_from(ISSUES), st.integers(0, 12)),
    st.tuples(st.just("approval"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("retract"), st.integers(0, 50)),
    st.tuples(st.just("note"), st.just("x")),
    st.tuples(st.just("authority"), st.integers(0, 10)),
    st.tuples(st.just("batna"), st.just("x")),
)
meeting_st = st.lists(st.tuples(spec_st, st.booleans()), min_size=6, max_size=40)


class Builder(ActMaker):
    """Turns generated specs into acts after the example's preparation."""

    def __init__(self) -> None:
        super().__init__({m["name"]: m["role"] for m in SCENARIO["team"]}, "Dana Whitfield")
        self.acts = list(PREP_ACTS)
        self.seq = len(self.acts)
        self.meeting = 1
        self.at = PREP_ACTS[-1].at
        self.requests: list[str] = []
        self.ids: list[str] = []

    def meet(self, kind, payload, by="Dana Whitfield", with_id=True) -> Act:
        self.at += timedelta(seconds=30)
        act_id = f"m{self.seq + 1}" if with_id or kind in ("approval_request", "retract") else None
        if act_id and kind not in ("retract",):
            self.ids.append(act_id)
        return self.act(kind, payload, by, self.at, act_id)

    def spec(self, spec, with_id: bool) -> None:
        kind = spec[0]
        if kind == "offer":
            payload = {"side": spec[1], "terms": {k: grid(k, j) for k, j in spec[2].items()}}
            if spec[3] is not None:
                payload["asks"] = {k: grid(k, j) for k, j in spec[3].items()}
            self.meet("offer", payload, spec[4], with_id)
        elif kind == "tactic":
            self.meet("tactic", {"tactic": spec[1]}, "Oli Park", with_id)
        elif kind == "agreement":
            terms = {k: grid(k, j) for k, j in spec[1].items()}
            self.meet("agreement", {"terms": terms, "final": spec[2]}, spec[3], with_id)
        elif kind == "approval_request":
            act = self.meet("approval_request", {"issue": spec[1], "value": grid(spec[1], spec[2])})
            self.requests.append(act.id)
        elif kind == "approval" and self.requests:
            request = self.requests[spec[1] % len(self.requests)]
            self.meet("approval", {"request": request, "granted": spec[2]}, "Priya Raman", with_id)
        elif kind == "retract" and self.ids:
            self.meet("retract", {"act": self.ids.pop(spec[1] % len(self.ids)), "reason": "x"})
        elif kind == "note":
            self.meet("note", {"text": "x", "topic": "fact"}, "Sam Ortiz", with_id)
        elif kind == "authority":
            self.prep("authority", {"member": "Dana Whitfield", "issue": "price",
                                    "limit": grid("price", spec[1])}, self.at)
        elif kind == "batna":
            self.prep("batna", {"ours": "BoxCo", "theirs": "idle line"}, self.at)


def build(specs, retracts: bool = True) -> list[Act]:
    b = Builder()
    for spec, with_id in specs:
        if retracts or spec[0] != "retract":
            b.spec(spec, with_id)
    return b.acts


def refs(acts: list[Act]) -> set:
    out, n = set(), 0
    for a in acts:
        if a.kind in MEETING_KINDS:
            n += 1
            out.add(a.ref(n))
    return out


@SETTINGS
@given(meeting_st)
def test_invariants(specs):
    acts = build(specs)
    r = analyze(acts)
    assert json.loads(json.dumps(r)) == r
    for view in r["issues"].values():
        assert all(s > 0 for s in view["our_concessions"] + view["their_concessions"])
        f = view["forecast"]
        if f is not None:
            low, est, high = Decimal(f["low"]), Decimal(f["estimate"]), Decimal(f["high"])
            assert low <= est <= high
            assert f["offers"] == len(view["theirs"]) >= 3
    for row in r["ledger"]:
        assert row["gives"] and all(s > 0 for s in row["gives"].values())
    for side in ("ours", "theirs"):
        assert r["score"][side] is None or 0 <= r["score"][side] <= 100
    known = refs(acts)
    assert all(a["act"] is None or a["act"] in known for a in r["alerts"])
    assert 0 <= r["readiness"]["score"] <= 100


@SETTINGS
@given(meeting_st)
def test_forecast_stays_between_their_last_offer_and_our_position(specs):
    r = analyze(build(specs))
    for key, view in r["issues"].items():
        f = view["forecast"]
        if f is None:
            continue
        issue = PREP.issues[key]
        theirs = Decimal(view["theirs"][-1])
        ours = Decimal(view["ours"][-1]) if view["ours"] else issue.opening
        for value in (Decimal(f["low"]), Decimal(f["high"])):
            if issue.is_better(ours, theirs):  # a window is open between the two positions
                assert not issue.is_worse(value, theirs) and not issue.is_better(value, ours)


@SETTINGS
@given(meeting_st)
def test_incremental_equals_full_analysis_at_every_prefix(specs):
    acts = build(specs)
    analyzer = Analyzer().extend(acts[: len(PREP_ACTS)])
    for k in range(len(PREP_ACTS), len(acts)):
        analyzer.add(acts[k])
        assert analyzer.result() == analyze(acts[: k + 1])


@SETTINGS
@given(meeting_st, st.data())
def test_an_act_and_its_retraction_change_nothing(specs, data):
    base = build(specs, retracts=False)
    extra = Builder()
    extra.seq = 10_000
    spec = data.draw(spec_st.filter(lambda s: s[0] in ("offer", "tactic", "agreement", "note")))
    extra.spec(spec, True)
    added = extra.acts[-1]
    retract = extra.meet("retract", {"act": added.id, "reason": "logged in error"})
    # at the end: positions of the acts before are unaffected, whatever their ids
    assert analyze([*base, added, retract]) == analyze(base)
    # anywhere in the middle, when every act carries an id
    with_ids = build([(s, True) for s, _ in specs], retracts=False)
    at = data.draw(st.integers(len(PREP_ACTS), len(with_ids)))
    later = data.draw(st.integers(at, len(with_ids)))
    mixed = [*with_ids[:at], added, *with_ids[at:later], retract, *with_ids[later:]]
    assert analyze(mixed) == analyze(with_ids)


@SETTINGS
@given(meeting_st)
def test_limit_alerts_agree_with_app_authority(specs):
    """beyond_walk_away / beyond_authority match ``app.authority.breaches`` act by act, each
    judged against the preparation as it stood when the act was logged."""
    from app.authority import breaches
    from app.state import standing

    acts = build(specs)
    r = analyze(acts)
    raised = {(a["act"], a["issue"], a["kind"]) for a in r["alerts"]
              if a["kind"] in ("beyond_walk_away", "beyond_authority")}
    kept = standing(acts)
    expected, position = set(), 0
    for act in acts:
        if act.kind not in MEETING_KINDS:
            continue
        position += 1
        ours = act.kind == "offer" and act.payload["side"] == "us"
        if act not in kept or not (ours or act.kind == "agreement"):
            continue
        before = kept[: kept.index(act)]
        for b in breaches(fold(before), before, act.by, act.payload["terms"]):
            kind = "beyond_walk_away" if b.kind == "walk_away" else "beyond_authority"
            expected.add((act.ref(position), b.issue, kind))
    assert raised == expected
