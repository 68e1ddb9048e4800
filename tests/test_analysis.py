"""The analysis of the example scenario, checked against expectations worked out by hand.

Example issues (R = |walk_away − opening|): price lower-better 0.78/0.84/0.90 (R 0.12),
payment higher-better 90/60/45 (R 45), term lower 12/24/36 (R 24), volume lower 60/75/90 (R 30),
rebate higher 3.0/1.5/0.5 (R 2.5), otif higher 98/96/95 (R 3).
Plan: price 0.81 → 0.83 → 0.84, term 18 → 24. Dana's limits: price 0.86, payment 60, term 24.
a14/a15: approval granted for price up to 0.87.

Our conceding offers:
* a8: price 0.78→0.81 (0.25), term 12→18 (0.25); asks rebate → conditional; both reach exactly
  the next plan step; first concession, so nothing to diminish from or to repeat → no alert.
* a11: price 0.81→0.84 (0.25), no asks → unconditional; 0.25 is not smaller than 0.25 →
  non_diminishing; the next step after 0.81 is 0.83 and 0.84 passes it → beyond_plan. They
  conceded at a9 since a8 → no consecutive_concession.
* a18: price 0.84→0.86 (0.1667, smaller → fine), term 18→24 (0.25, same as a8 → non_diminishing on
  term). Price was at the last plan step 0.84, so any further move passes the plan's end →
  beyond_plan on price; term 24 is exactly the next step → fine. 0.86 is at (not past) Dana's limit.
* a22: price 0.86→0.865 (0.0417), asks volume; past the plan's end → beyond_plan. 0.865 is past
  Dana's 0.86 but the approval a15 covers values up to 0.87 → no beyond_authority.
Agreements a20 and a23 stay within walk-aways; a23's price 0.868 is covered by the approval.
Tactics a3, a10, a21 → tactic_counter each. No new kinds fire: their concessions never grow (price
0.04, 0.02, 0.02, 0.015; payment 15, 15; rebate 1.0, 0.5), they make no offer after the tentative
agreement, and our conceding offers do not move price alone three times in a row.
"""

from __future__ import annotations

import copy
import json

import pytest

try:
    from tests.analysis_fixtures import example_acts, load_scenario, scenario_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import example_acts, load_scenario, scenario_acts

from app.analysis import Analyzer, analyze

EXPECTED_ALERTS = {
    ("tactic_counter", "a3", None),
    ("tactic_counter", "a10", None),
    ("unconditional_concession", "a11", "price"),
    ("non_diminishing", "a11", "price"),
    ("beyond_plan", "a11", "price"),
    ("beyond_plan", "a18", "price"),
    ("non_diminishing", "a18", "term"),
    ("tactic_counter", "a21", None),
    ("beyond_plan", "a22", "price"),
}
SILENT_ACTS = ["a2", "a5", "a7", "a8", "a9", "a14", "a15", "a17", "a19", "a20", "a23"]


def upto(acts, act_id):
    """The acts up to and including the one with ``act_id``."""
    index = next(n for n, a in enumerate(acts) if a.id == act_id)
    return acts[: index + 1]


def triples(result):
    return {(a["kind"], a["act"], a["issue"]) for a in result["alerts"]}


@pytest.fixture(scope="module")
def acts():
    return example_acts()


@pytest.fixture(scope="module")
def result(acts):
    return analyze(acts)


def test_alert_set_is_exactly_the_hand_worked_one(result):
    assert triples(result) == EXPECTED_ALERTS
    assert len(result["alerts"]) == len(EXPECTED_ALERTS)


@pytest.mark.parametrize("act_id", SILENT_ACTS)
def test_acts_that_raise_nothing(result, act_id):
    assert [a for a in result["alerts"] if a["act"] == act_id] == []


def test_excerpt_after_a11(acts):
    r = analyze(upto(acts, "a11"))
    price = r["issues"]["price"]
    assert r["format"] == "caucus-analysis/1"
    assert r["negotiation"] == "Corrugated packaging 2027"
    assert r["strategy"]["approach"] == "competitive"
    assert r["strategy"]["key_move"] == "Use market leverage, benchmark hard"
    assert price["ours"] == ["0.78", "0.81", "0.84"]
    assert price["theirs"] == ["0.97", "0.93", "0.91"]
    assert price["our_concessions"] == [0.25, 0.25]
    assert price["their_concessions"] == [0.3333, 0.1667]
    assert price["gap"] == "0.07"
    assert price["agreed"] is None
    assert price["forecast"]["offers"] == 3
    assert ("non_diminishing", "a11", "price") in triples(r)
    assert r["ledger"][0] == {"act": "a8", "gives": {"price": 0.25, "term": 0.25},
                              "asks": {"rebate": "2.0"}, "reciprocated": True,
                              "gives_value": None, "asks_value": None}  # no value_per_unit here


def test_scores_after_a11_worked_by_hand(acts):
    # ours: price 0.84 → 50, payment 90/volume 60/rebate 3.0/otif 98 → 100, term 18 → 75:
    # 0.45·50 + 0.15·100 + 0.10·75 + 3·0.10·100 = 75.0
    # theirs: only volume 85 → 16.67 and rebate 1.0 → 20 score above 0: 0.1·36.67 = 3.67
    r = analyze(upto(acts, "a11"))
    assert r["score"] == {"ours": 75.0, "theirs": 3.7}


def test_issue_views_at_the_end(result):
    price, term = result["issues"]["price"], result["issues"]["term"]
    assert price["ours"] == ["0.78", "0.81", "0.84", "0.86", "0.865"]
    assert price["theirs"] == ["0.97", "0.93", "0.91", "0.89", "0.875"]
    assert price["our_concessions"] == [0.25, 0.25, 0.1667, 0.0417]
    assert price["their_concessions"] == [0.3333, 0.1667, 0.1667, 0.125]
    assert price["gap"] == "0.01"
    assert price["agreed"] == "0.868"
    assert term["ours"] == ["12", "18", "24"] and term["theirs"] == ["36", "36"]
    assert term["their_concessions"] == [] and term["agreed"] == "24"
    assert result["issues"]["otif"]["forecast"] is None  # they made two offers on it
    assert list(result["issues"]) == ["price", "payment", "term", "volume", "rebate", "otif"]


def test_ledger(result):
    assert [(r["act"], r["gives"], r["asks"], r["reciprocated"]) for r in result["ledger"]] == [
        ("a8", {"price": 0.25, "term": 0.25}, {"rebate": "2.0"}, True),
        ("a11", {"price": 0.25}, None, True),
        ("a18", {"price": 0.1667, "term": 0.25}, {"payment": "60", "otif": "97"}, True),
        ("a22", {"price": 0.0417}, {"volume": "75"}, False),
    ]


def test_tactic_alerts_carry_the_playbook_counter(result):
    nibble = next(a for a in result["alerts"] if a["act"] == "a21")
    assert nibble["tactic"] == "nibble"
    assert nibble["counter"] in nibble["message"]
    assert "package" in nibble["counter"]


def test_result_is_json_ready(result):
    assert json.loads(json.dumps(result)) == result


def test_strategy_and_kraljic(result):
    assert result["strategy"]["kraljic"]["quadrant"] == "leverage"
    assert result["strategy"]["reason"]


def test_incremental_matches_at_every_prefix(acts):
    analyzer = Analyzer()
    for k, act in enumerate(acts, start=1):
        analyzer.add(act)
        assert analyzer.result() == analyze(acts[:k]), f"differs after act {k}"


# --- variants of the example: approvals and authority -----------------------------------------


def variant(change):
    data = copy.deepcopy(load_scenario())
    change(data)
    return analyze(scenario_acts(data))


def meeting_acts(data):
    return data["meetings"][0]["acts"]


def test_without_the_approval_a22_and_a23_go_beyond_authority():
    def drop(data):
        data["meetings"][0]["acts"] = [a for a in meeting_acts(data)
                                       if a["id"] not in ("a14", "a15")]
    found = triples(variant(drop))
    assert found == EXPECTED_ALERTS | {("beyond_authority", "a22", "price"),
                                       ("beyond_authority", "a23", "price")}


def test_a_refused_approval_covers_nothing():
    def refuse(data):
        next(a for a in meeting_acts(data) if a["id"] == "a15")["granted"] = False
    found = triples(variant(refuse))
    assert {t for t in found if t[0] == "beyond_authority"} == {
        ("beyond_authority", "a22", "price"), ("beyond_authority", "a23", "price")}


def test_an_approval_covers_values_up_to_and_including_its_value():
    def narrow(data):
        next(a for a in meeting_acts(data) if a["id"] == "a14")["value"] = "0.865"
    found = triples(variant(narrow))
    # 0.865 (a22) is covered, 0.868 (a23) is not.
    assert {t for t in found if t[0] == "beyond_authority"} == {
        ("beyond_authority", "a23", "price")}


def test_retracting_the_approval_brings_the_authority_alerts_back(acts):
    from dataclasses import replace
    retract = replace(acts[-1], seq=acts[-1].seq + 1, id="r1", kind="retract",
                      payload={"act": "a15", "reason": "logged in error"})
    found = triples(analyze([*acts, retract]))
    assert ("beyond_authority", "a22", "price") in found
    assert ("beyond_authority", "a23", "price") in found


def test_the_real_import_analyses_the_same(imported, result):
    """The journal written by ``app.scenario`` through the store gives the same analysis."""
    acts = imported.ws.acts(imported.negotiation)
    assert analyze(acts) == result


def test_a_kept_result_does_not_change_when_more_acts_arrive(acts):
    analyzer = Analyzer().extend(upto(acts, "a8"))
    kept = analyzer.result()
    snapshot = json.loads(json.dumps(kept))
    analyzer.add(next(a for a in acts if a.id == "a9"))  # their concession reciprocates a8
    assert kept == snapshot
    assert analyzer.result()["ledger"][0]["reciprocated"] is True
