"""Review after the meeting (#6): replay, timeline, debrief draft, agreed terms, supplier history
and the debrief act. Real workspace files; numbers worked out by hand from the example."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:
    from tests.analysis_fixtures import ActMaker, load_scenario, scenario_acts
    from tests.test_analysis_properties import build as build_journal
    from tests.test_analysis_properties import meeting_st
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import ActMaker, load_scenario, scenario_acts
    from test_analysis_properties import build as build_journal
    from test_analysis_properties import meeting_st

from app import scenario
from app.analysis import analyze
from app.errors import InvalidInput, PermissionDenied
from app.review import Replay, agreed_terms, debrief_draft, supplier_history, timeline
from app.workspace import Workspace

LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"
EXAMPLE_ACTS = scenario_acts(load_scenario())
PROPS = settings(max_examples=40, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])


# --- Replay -------------------------------------------------------------------------------------


def check_replay(acts, every, cuts):
    replay = Replay(acts, every=every)
    for k in cuts:
        assert replay.at(k) == analyze(acts[:k]), f"k={k}"


@PROPS
@given(st.integers(1, 12), st.lists(st.integers(0, 10_000), min_size=1, max_size=25))
def test_replay_equals_the_analysis_of_the_prefix_on_the_example(every, picks):
    n = len(EXAMPLE_ACTS)
    cuts = [p % (n + 1) for p in picks]
    cuts += [max(cuts[-1] - 1, 0), cuts[-1], min(cuts[-1] + 1, n)]  # steps of one both ways
    check_replay(EXAMPLE_ACTS, every, cuts)


@PROPS
@given(meeting_st, st.integers(1, 9), st.lists(st.integers(0, 10_000), min_size=1, max_size=25))
def test_replay_equals_the_analysis_of_the_prefix_on_generated_journals(specs, every, picks):
    """Offers, agreements, approvals, limits changed mid-meeting, acts without ids and
    retractions of earlier acts, cut anywhere, visited in any order."""
    acts = build_journal(specs)
    n = len(acts)
    cuts = [p % (n + 1) for p in picks]
    cuts += [cuts[-1] - d for d in range(1, 4) if cuts[-1] - d >= 0]
    check_replay(acts, every, cuts)


def test_replay_of_the_imported_example_at_every_cut(imported):
    acts = imported.ws.acts(imported.negotiation)
    replay = Replay(acts, every=4)
    for k in [*range(len(acts) + 1), *range(len(acts), -1, -1)]:
        assert replay.at(k) == analyze(acts[:k])
    replay.warm()
    assert replay.at(len(acts))["issues"]["price"]["agreed"] == "0.868"


def test_replay_across_tricky_retractions():
    """A retraction of an act not logged yet (its id is withdrawn when it comes), of an act long
    before, of the same act twice, and of a retraction; acts without ids in between."""
    make = ActMaker({LEAD: "lead", OBSERVER: "observer", APPROVER: "approver"}, LEAD)
    make.acts, make.seq = list(EXAMPLE_ACTS), len(EXAMPLE_ACTS)
    at = EXAMPLE_ACTS[-1].at
    specs = [
        ("retract", {"act": "z9", "reason": "early"}, "r1"),
        ("offer", {"side": "them", "terms": {"price": "0.86"}}, "z9"),
        ("offer", {"side": "us", "terms": {"price": "0.87"}, "asks": {"otif": "97"}}, None),
        ("retract", {"act": "a5", "reason": "long ago"}, "r2"),
        ("offer", {"side": "them", "terms": {"price": "0.85", "volume": "70"}}, "y1"),
        ("retract", {"act": "a5", "reason": "again"}, "r3"),
        ("retract", {"act": "r2", "reason": "a retraction"}, "r4"),
        ("tactic", {"tactic": "nibble"}, None),
        ("retract", {"act": "y1", "reason": "undo"}, "r5"),
        ("agreement", {"terms": {"price": "0.86"}, "final": True}, "y2"),
    ]
    for kind, payload, act_id in specs:
        at += timedelta(seconds=20)
        make.act(kind, payload, OBSERVER if kind == "tactic" else LEAD, at, act_id)
    acts = make.acts
    for every in (1, 3, 16):
        replay = Replay(acts, every=every)
        order = [*range(len(acts) + 1), *range(len(acts), -1, -3), len(acts), 30, len(acts) - 1]
        for k in order:
            assert replay.at(k) == analyze(acts[:k]), (every, k)


def test_index_at_counts_the_acts_up_to_a_moment():
    replay = Replay(EXAMPLE_ACTS)
    a11 = next(n for n, a in enumerate(EXAMPLE_ACTS) if a.id == "a11")
    moment = EXAMPLE_ACTS[a11].at
    assert replay.index_at(moment) == a11 + 1
    assert replay.index_at(moment.timestamp() - 1) == a11
    assert replay.index_at(datetime(2000, 1, 1, tzinfo=UTC)) == 0
    assert replay.index_at(datetime(2100, 1, 1, tzinfo=UTC)) == len(EXAMPLE_ACTS)
    with pytest.raises(IndexError):
        replay.at(len(EXAMPLE_ACTS) + 1)


# --- timeline -----------------------------------------------------------------------------------


def test_timeline_lanes_alerts_and_filters(imported):
    acts = imported.ws.acts(imported.negotiation)
    t = timeline(acts)
    rows = t.acts_only()
    assert len(rows) == len(acts) and list(t.seq[rows]) == [a.seq for a in acts]
    assert t.time[rows[0]] == acts[0].at.timestamp()
    alerts = t.by_lane("alerts")
    assert len(alerts) == 9 and t.alert[alerts].all()  # 3 tactic counters + 6 coaching alerts
    assert sorted(t.kind[alerts]) == sorted(["tactic_counter"] * 3 + ["beyond_plan"] * 3 + [
        "non_diminishing"] * 2 + ["unconditional_concession"])
    a11 = next(a for a in acts if a.id == "a11")  # the alerts sit at the time of their act
    assert set(t.time[alerts[t.seq[alerts] == a11.seq]]) == {a11.at.timestamp()}
    tactics = t.by_kind("tactic")
    assert [t.label[i].split(" — ")[0] for i in tactics] == [
        "Tactic: Anchoring", "Tactic: Deadline pressure", "Tactic: Nibble"]
    assert set(t.lane[tactics]) == {t.lanes.index("observer")}
    assert t.lanes[t.lane[t.by_kind("approval")[0]]] == "approver"
    assert set(t.member[t.by_member(OBSERVER)]) == {OBSERVER}
    assert {a.id for a in acts if a.seq in set(t.seq[t.by_issue("rebate")]) and a.id} >= {
        "a2", "a8", "a9", "a17", "a20", "a23"}
    assert isinstance(t.by_issue("otif", "volume"), np.ndarray)


def test_timeline_marks_withdrawn_acts(imported):
    ws, n = imported
    flinch = ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})
    ws.undo(n, OBSERVER)
    t = timeline(ws.acts(n))
    rows = np.flatnonzero(t.seq == flinch.seq)
    assert t.withdrawn[rows].all() and t.kind[t.acts_only()][-1] == "retract"


# --- agreed terms -------------------------------------------------------------------------------


def test_agreed_terms_of_the_example(imported):
    rows = {r["issue"]: r for r in agreed_terms(imported.ws.acts(imported.negotiation))}
    price = rows["price"]
    assert (price["value"], price["status"], price["by"], price["act"]) == (
        "0.868", "final", LEAD, "a23")
    assert (price["target"], price["walk_away"], price["vs_target"]) == ("0.84", "0.90", "worse")
    assert price["past_authority"] is True and price["limit"] == "0.86"
    assert price["approval"]["request"] == "a14" and price["approval"]["approval"] == "a15"
    assert price["approval"]["value"] == "0.87" and price["approval"]["by"] == APPROVER
    assert price["used"] == 0.7333  # (0.868 − 0.78) / (0.90 − 0.78)
    for key, value, vs in (("payment", "60", "at"), ("term", "24", "at"),
                           ("volume", "80", "worse"), ("rebate", "1.5", "at"),
                           ("otif", "96", "at")):
        assert (rows[key]["value"], rows[key]["vs_target"], rows[key]["approval"]) == (
            value, vs, None)
    assert rows["payment"]["past_authority"] is False  # 60 days is exactly Dana's limit
    assert rows["volume"]["limit"] is None and rows["volume"]["used"] == 0.6667


def test_agreed_terms_before_the_final_package():
    cut = next(n for n, a in enumerate(EXAMPLE_ACTS) if a.id == "a21")
    rows = {r["issue"]: r for r in agreed_terms(EXAMPLE_ACTS[:cut])}
    assert rows["price"]["status"] == "open" and rows["price"]["value"] is None
    assert rows["payment"]["status"] == "tentative" and rows["payment"]["act"] == "a20"


# --- debrief draft ------------------------------------------------------------------------------


def test_debrief_draft_of_the_example(imported):
    draft = debrief_draft(imported.ws.acts(imported.negotiation))
    theirs = draft["their_concessions"]
    # price 0.97 → 0.868 agreed: 0.102 of the 0.12 range; their steps 0.04, 0.02, 0.02, 0.015
    assert theirs["price"] == {"opening": "0.97", "last_offer": "0.875", "agreed": "0.868",
                               "final": "0.868", "moved": "0.102", "share": 0.85, "offers": 5,
                               "sizes": [0.3333, 0.1667, 0.1667, 0.125],
                               "worth": None}  # no value_per_unit in this example
    assert (theirs["payment"]["moved"], theirs["payment"]["share"]) == ("30", 0.6667)  # 30/45
    assert (theirs["term"]["moved"], theirs["term"]["share"]) == ("12", 0.5)  # 36 → 24 of 24
    assert (theirs["volume"]["moved"], theirs["volume"]["share"]) == ("10", 0.3333)  # 90 → 80
    assert (theirs["rebate"]["moved"], theirs["rebate"]["share"]) == ("1.5", 0.6)  # 0 → 1.5 of 2.5
    assert (theirs["otif"]["moved"], theirs["otif"]["share"]) == ("2", 0.6667)  # 94 → 96 of 3
    tactics = draft["tactics"]
    assert {k: (v["count"], v["conceded_after"]) for k, v in tactics.items()} == {
        "anchoring": (1, 0), "deadline_pressure": (1, 1), "nibble": (1, 1)}
    assert tactics["nibble"]["counter"].startswith("Do not grant extras one by one")
    assert [(s["act"], s["next_offer"]) for s in draft["tactics_seen"]] == [
        ("a3", "a5"), ("a10", "a11"), ("a21", "a22")]
    assert draft["unrequited"] == [{"act": "a22", "gives": {"price": 0.0417},
                                    "asks": {"volume": "75"}, "reciprocated": False,
                                    "gives_value": None, "asks_value": None,
                                    "answered": False}]
    assert draft["alerts"] == {"beyond_plan": 3, "non_diminishing": 2, "tactic_counter": 3,
                               "unconditional_concession": 1}
    price_plan = draft["plan"]["price"]
    assert price_plan["planned"] == ["0.81", "0.83", "0.84"]
    assert price_plan["actual"] == ["0.78", "0.81", "0.84", "0.86", "0.865"]
    assert (price_plan["final"], price_plan["past_plan"]) == ("0.868", True)
    assert draft["plan"]["term"]["past_plan"] is False  # 24 months is the plan's last step
    assert draft["time_to_agreement"] == {"from": "2027-01-14T09:04:10Z",
                                          "to": "2027-01-14T10:27:30Z", "seconds": 5000,
                                          "meetings": 1}
    form = draft["form"]
    assert form["limits"] == {"price": "0.868", "payment": "60", "term": "24", "volume": "80",
                              "rebate": "1.5", "otif": "96"}
    assert "Unit price 0.97 → 0.868 EUR/box (85% of our range)" in form["conceded"]
    assert "Deadline pressure ×1: we conceded right after 1 of 1" in form["tactics"]
    assert "a22 (price)" in form["differently"] and draft["saved"] is None


# --- the debrief act ----------------------------------------------------------------------------

FORM = {"conceded": "Price to 0.868 once we gave 24 months.", "tactics": "Anchoring, a nibble.",
        "limits": {"price": "0.868", "payment": "60 if we pay on time", "otif": 96},
        "differently": "Hold price until they move on rebate."}


def test_the_debrief_is_journaled_and_round_trips(imported, tmp_path):
    ws, n = imported
    act = ws.set_debrief(n, LEAD, {**FORM, "tactics": "  "})
    assert act.kind == "debrief" and act.by == LEAD and act.meeting is None
    saved = {"conceded": FORM["conceded"], "differently": FORM["differently"],
             "limits": {"price": "0.868", "payment": "60 if we pay on time", "otif": "96"}}
    assert ws.preparation(n).debrief == saved
    assert debrief_draft(ws.acts(n))["saved"] == saved
    exported = scenario.export_scenario(ws.acts(n))
    assert exported["debrief"] == saved
    path = tmp_path / "out.json"
    scenario.write_json(path, exported)
    with Workspace(tmp_path / "again.caucus") as other:
        with other.unit(auto_ids=False) as unit:
            m = scenario.import_scenario(unit, scenario.load(path))
        assert other.preparation(m).debrief == saved
        assert scenario.export_scenario(other.acts(m)) == exported
    ws.set_debrief(n, LEAD, {"differently": "Ask for the rebate first."})  # replaces the form
    assert ws.preparation(n).debrief == {"differently": "Ask for the rebate first."}
    assert [a.kind for a in ws.acts(n)].count("debrief") == 2  # the journal keeps both


@pytest.mark.parametrize("member", [OBSERVER, SME, APPROVER])
def test_only_the_lead_and_editors_write_the_debrief(imported, member):
    ws, n = imported
    with pytest.raises(PermissionDenied, match=f"may write the debrief; {member}"):
        ws.set_debrief(n, member, FORM)
    ws.set_member(n, LEAD, {"name": SME, "role": "sme", "editor": True})
    if member == SME:
        ws.set_debrief(n, SME, FORM)
        assert ws.preparation(n).debrief["conceded"] == FORM["conceded"]


def test_a_bad_debrief_is_refused_with_its_paths(imported):
    ws, n = imported
    with pytest.raises(InvalidInput) as caught:
        ws.set_debrief(n, LEAD, {"conceded": "x", "limits": {"fx": "1", "price": True},
                                 "lessons": "typo"})
    assert {str(p) for p in caught.value.problems} == {
        'limits.fx: "fx" is not an issue of this negotiation (the issues: price, payment, term, '
        'volume, rebate, otif)',
        "limits.price: true is not a number or a text", "lessons: unknown key"}
    with pytest.raises(InvalidInput, match="the debrief is empty"):
        ws.set_debrief(n, LEAD, {"conceded": " ", "limits": {}})
    assert ws.preparation(n).debrief == {}


def test_a_scenario_with_a_bad_debrief_is_refused_whole(ws, example):
    data = {**example, "debrief": {"limits": {"price": "0.86"}, "mood": "good"}}
    with pytest.raises(InvalidInput) as caught, ws.unit(auto_ids=False) as unit:
        scenario.import_scenario(unit, data)
    assert [str(p) for p in caught.value.problems] == ["debrief.mood: unknown key"]
    assert ws.negotiations() == []


# --- supplier history ---------------------------------------------------------------------------


def test_supplier_history_across_two_negotiations(imported, example):
    ws, _ = imported
    later = copy.deepcopy(example)
    later["negotiation"]["title"] = "Corrugated packaging 2028"
    later["negotiation"]["supplier"] = "  northbox  packaging "
    for meeting in later["meetings"]:
        meeting["started"] = meeting["started"].replace("2027", "2028")
        for act in meeting["acts"]:
            act["at"] = act["at"].replace("2027", "2028")
            if act["id"] == "a19":
                act["terms"]["price"] = "0.88"
            if act["id"] == "a23":
                act["terms"]["price"] = "0.872"
    with ws.unit(auto_ids=False) as unit:
        scenario.import_scenario(unit, later)
    other = copy.deepcopy(example)
    other["negotiation"].update(title="Tape", supplier="Stickwell")
    with ws.unit(auto_ids=False) as unit:
        scenario.import_scenario(unit, other)

    history = supplier_history(ws, "NORTHBOX PACKAGING")
    assert [n["title"] for n in history["negotiations"]] == ["Corrugated packaging 2027",
                                                             "Corrugated packaging 2028"]
    first, second = history["negotiations"]
    assert first["issues"]["price"]["agreed"] == "0.868"
    assert second["issues"]["price"]["agreed"] == "0.872"
    assert second["issues"]["price"]["sizes"] == [0.3333, 0.1667, 0.1667, 0.0833]
    assert (second["issues"]["price"]["moved"], second["issues"]["price"]["share"]) == (
        "0.098", 0.8167)  # 0.97 → 0.872 of the 0.12 range
    assert first["status"] == "agreed" and first["agreed_at"] == "2027-01-14T10:27:30Z"
    # their first concessions on an issue: price 1/3, payment 1/3, volume 1/6, rebate 0.4,
    # otif 2/3 (mean 0.38); second: price 1/6, payment 1/3, rebate 0.2 (0.2333); third: 1/6
    assert history["pattern"] == {"sizes": [0.38, 0.2333, 0.1667], "counts": [10, 6, 2],
                                  "shrinking": True}
    assert history["moved"]["price"] == pytest.approx((0.85 + 0.8167) / 2, abs=1e-4)
    assert history["moved"]["volume"] == 0.3333
    assert history["tactics"] == {"anchoring": 2, "deadline_pressure": 2, "nibble": 2}
    assert supplier_history(ws, "Nobody")["negotiations"] == []


# --- without the join phrase --------------------------------------------------------------------


def test_review_of_a_locked_workspace(tmp_path, example):
    from app import keychain

    path = tmp_path / "w.caucus"
    with Workspace(path) as ws:
        with ws.unit(auto_ids=False) as unit:
            scenario.import_scenario(unit, example)
        keychain.forget(ws.store.workspace_id)  # a teammate who has not joined
    with Workspace(path) as other:
        assert not other.unlocked
        acts = other.acts(other.find(None))
    replay = Replay(acts, every=5)
    for k in (len(acts), 30, 31, 29, 0):
        assert replay.at(k) == analyze(acts[:k])
    price = next(r for r in agreed_terms(acts) if r["issue"] == "price")
    assert (price["value"], price["locked"], price["walk_away"], price["vs_target"]) == (
        "0.868", True, None, None)
    draft = debrief_draft(acts)
    assert draft["their_concessions"]["price"]["moved"] == "0.102"
    assert draft["their_concessions"]["price"]["share"] is None
    assert draft["plan"]["price"]["locked"] is True and draft["plan"]["price"]["planned"] is None
    assert "(85% of our range)" not in draft["form"]["conceded"]
