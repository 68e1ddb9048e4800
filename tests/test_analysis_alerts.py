"""Each alert kind on small negotiations built on the example's preparation."""

from __future__ import annotations

import copy

try:
    from tests.analysis_fixtures import load_scenario, scenario_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import load_scenario, scenario_acts

from app.analysis import analyze

LEAD, APPROVER, OBSERVER = "Dana Whitfield", "Priya Raman", "Oli Park"


def act(kind, by=LEAD, id=None, **fields):
    return {"id": id, "by": by, "kind": kind, **fields}


def us(terms, asks=None, by=LEAD, id=None):
    extra = {"asks": asks} if asks is not None else {}
    return act("offer", by, id, side="us", terms=terms, **extra)


def them(terms, id=None):
    return act("offer", LEAD, id, side="them", terms=terms)


def run(meeting, change=None):
    """Analyze the example's preparation with ``meeting`` as its only meeting's acts."""
    data = copy.deepcopy(load_scenario())
    if change:
        change(data)
    for n, a in enumerate(meeting):
        a.setdefault("at", f"2027-01-14T09:{n:02d}:00Z")
        if a.get("id") is None:
            a.pop("id", None)
    data["meetings"] = [{"title": "R1", "started": "2027-01-14T09:00:00Z", "acts": meeting}]
    return analyze(scenario_acts(data))


def found(result, kind=None):
    return {(a["kind"], a["act"], a["issue"]) for a in result["alerts"]
            if kind is None or a["kind"] == kind}


OPEN = [them({"price": "0.97", "term": "36"}, id="t1"),
        us({"price": "0.78", "term": "12"}, id="u1")]


def test_unconditional_one_alert_per_conceded_issue():
    r = run([*OPEN, us({"price": "0.81", "term": "18", "payment": "90"}, id="u2")])
    assert found(r, "unconditional_concession") == {
        ("unconditional_concession", "u2", "price"), ("unconditional_concession", "u2", "term")}


def test_empty_asks_are_no_asks_and_any_ask_makes_it_conditional():
    r = run([*OPEN, us({"price": "0.81"}, asks={}, id="u2")])
    assert found(r, "unconditional_concession") == {("unconditional_concession", "u2", "price")}
    r = run([*OPEN, us({"price": "0.81"}, asks={"otif": "97"}, id="u2")])
    assert found(r, "unconditional_concession") == set()


def test_retreat_and_restating_are_not_concessions():
    r = run([*OPEN, us({"price": "0.78"}, id="u2"), us({"price": "0.77"}, id="u3")])
    assert r["issues"]["price"]["our_concessions"] == []
    assert r["alerts"] == [] and r["ledger"] == []


def test_non_diminishing_compares_with_the_previous_concession_on_the_same_issue():
    ask = {"rebate": "2.0"}
    r = run([*OPEN, us({"price": "0.80"}, ask, id="u2"), them({"price": "0.96"}),
             us({"term": "18"}, ask, id="u3"), them({"price": "0.95"}),
             us({"price": "0.81"}, ask, id="u4"), them({"price": "0.94"}),
             us({"price": "0.83"}, ask, id="u5")])
    # price: 0.02, then 0.01 (smaller, fine), then 0.02 (not smaller than 0.01)
    assert found(r, "non_diminishing") == {("non_diminishing", "u5", "price")}


def test_consecutive_concession_needs_a_previous_concession_and_no_reply_in_between():
    ask = {"rebate": "2.0"}
    r = run([*OPEN, us({"price": "0.80"}, ask, id="u2"),
             them({"price": "0.97"}, id="t2"),  # restates: no concession
             us({"term": "14"}, ask, id="u3"),
             them({"term": "35"}, id="t3"),  # concedes on term
             us({"price": "0.805"}, ask, id="u4"),
             us({"price": "0.806"}, ask, id="u5")])
    assert found(r, "consecutive_concession") == {
        ("consecutive_concession", "u3", None), ("consecutive_concession", "u5", None)}


def test_beyond_plan_skip_and_past_last_step():
    ask = {"rebate": "2.0"}
    r = run([*OPEN, us({"price": "0.80"}, ask, id="u2"),  # before the first step: fine
             them({"price": "0.96"}), us({"price": "0.82"}, ask, id="u3"),  # past 0.81: skips
             them({"price": "0.95"}), us({"price": "0.83"}, ask, id="u4"),  # next step: fine
             them({"price": "0.94"}), us({"price": "0.84"}, ask, id="u5"),  # last step: fine
             them({"price": "0.93"}), us({"price": "0.845"}, ask, id="u6")])  # past the end
    assert found(r, "beyond_plan") == {("beyond_plan", "u3", "price"),
                                       ("beyond_plan", "u6", "price")}


def test_no_plan_no_beyond_plan():
    r = run([them({"volume": "90"}), us({"volume": "60"}), us({"volume": "88"}, {"price": "1"})])
    assert found(r, "beyond_plan") == set()


def test_beyond_walk_away_on_offers_and_agreements():
    r = run([*OPEN, us({"price": "0.91", "otif": "98"}, {"rebate": "2"}, id="u2"),
             act("agreement", id="g1", terms={"otif": "94", "price": "0.90"}, final=True)])
    assert found(r, "beyond_walk_away") == {("beyond_walk_away", "u2", "price"),
                                            ("beyond_walk_away", "g1", "otif")}


def test_beyond_authority_depends_on_who_logs_it():
    r = run([*OPEN, us({"price": "0.87", "volume": "88"}, {"rebate": "2"}, id="u2"),
             us({"price": "0.89"}, {"rebate": "2"}, by=APPROVER, id="u3"),
             us({"price": "0.87"}, {"rebate": "2"}, by=OBSERVER, id="u4")])
    # Dana is limited at 0.86 on price and not limited on volume; Priya at 0.90; Oli not at all.
    assert found(r, "beyond_authority") == {("beyond_authority", "u2", "price")}


def test_approval_must_precede_the_act_and_name_a_request():
    r = run([*OPEN, act("approval_request", id="q1", issue="price", value="0.88"),
             us({"price": "0.87"}, {"rebate": "2"}, id="u2"),
             act("approval", by=APPROVER, id="p1", request="q1", granted=True),
             us({"price": "0.875"}, {"rebate": "2"}, id="u3"),
             act("agreement", id="g1", terms={"price": "0.885"}, final=False)])
    assert found(r, "beyond_authority") == {("beyond_authority", "u2", "price"),
                                            ("beyond_authority", "g1", "price")}


def test_tactic_counter_for_known_and_unknown_tactics():
    r = run([act("tactic", by=OBSERVER, id="x1", tactic="flinch"),
             act("tactic", by=OBSERVER, tactic="salami_slicing")])
    alerts = r["alerts"]
    assert [(a["kind"], a["act"], a["issue"]) for a in alerts] == [
        ("tactic_counter", "x1", None), ("tactic_counter", 2, None)]
    assert "calm" in alerts[0]["message"]
    assert alerts[1]["counter"]


def test_acts_without_id_are_named_by_position_among_meeting_acts():
    r = run([act("phase", phase="opening"), them({"price": "0.97"}), us({"price": "0.78"}),
             us({"price": "0.80"})])
    assert found(r) == {("unconditional_concession", 4, "price")}
    assert r["ledger"][0]["act"] == 4


def test_opening_at_target_is_a_preparation_alert():
    def flat(data):
        data["issues"][5]["opening"] = data["issues"][5]["target"]
    r = run([], flat)
    assert found(r) == {("opening_at_target", None, "otif")}


def test_their_concessions_growing():
    r = run([them({"price": "0.97"}), them({"price": "0.96"}), them({"price": "0.94"}, id="t3"),
             them({"price": "0.93"})])
    assert found(r, "their_concessions_growing") == {("their_concessions_growing", "t3", "price")}


def test_reopening_an_agreed_term():
    r = run([them({"payment": "45"}), act("agreement", terms={"payment": "60"}, final=False),
             them({"payment": "60", "price": "0.9"}), them({"payment": "50"}, id="t3")])
    assert found(r, "reopened_agreed") == {("reopened_agreed", "t3", "payment")}


def test_single_issue_after_three_price_only_concessions():
    ask = {"rebate": "2"}
    r = run([*OPEN, us({"price": "0.80"}, ask), them({"price": "0.95"}),
             us({"price": "0.81"}, ask), them({"price": "0.94"}),
             us({"price": "0.815"}, ask, id="u4"), them({"price": "0.93"}),
             us({"price": "0.818"}, ask)])
    assert found(r, "single_issue") == {("single_issue", "u4", "price")}


def test_retracted_acts_and_their_retractions_change_nothing():
    base = [*OPEN, us({"price": "0.81"}, {"rebate": "2"}, id="u2")]
    extra = [us({"price": "0.85"}, id="oops"), act("tactic", id="x", tactic="nibble"),
             act("retract", id="r1", act="oops", reason="typo"),
             act("retract", id="r2", act="x", reason="wrong meeting")]
    assert run([*base, *extra]) == run(base)


def test_restating_a_reopened_value_is_not_reopening_again():
    r = run([them({"payment": "45"}), act("agreement", terms={"payment": "60"}, final=False),
             them({"payment": "50"}, id="t2"), them({"payment": "50"}, id="t3"),
             them({"payment": "48"}, id="t4")])
    assert found(r, "reopened_agreed") == {("reopened_agreed", "t2", "payment"),
                                           ("reopened_agreed", "t4", "payment")}
