"""``app.meeting``: every seat's view of the example meeting (no Qt, no store).

Example offers in order: a2 them, a5 us, a7 them, a8 us, a9 them, a11 us, a17 them, a18 us,
a19 them, a22 us (offer numbers 1..10). Dana's price limit 0.86; a15 grants price up to 0.87.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

try:
    from tests.analysis_fixtures import example_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import example_acts

from app import meeting
from app.analysis import analyze
from app.domain import Act
from app.state import fold


def _more(acts: list[Act], kind: str, payload: dict, by: str = "Dana Whitfield",
          act_id: str | None = None) -> list[Act]:
    last = acts[-1]
    act = Act(last.seq + 1, 1, 1, act_id, kind, by, "lead", last.at + timedelta(seconds=5), payload)
    return [*acts, act]


def test_parse_note_prefixes():
    assert meeting.parse_note("fact: index down 4%") == ("fact", "index down 4%")
    assert meeting.parse_note("Claim:their energy costs") == ("claim", "their energy costs")
    assert meeting.parse_note("q: who signs?") == ("question", "who signs?")
    assert meeting.parse_note("  just a note ", "fact") == ("fact", "just a note")
    assert meeting.parse_note("ratio: 3:1") == ("general", "ratio: 3:1")  # not a topic word


def test_latest_offer_skips_withdrawn():
    acts = [a for a in example_acts() if a.kind != "meeting_end"]
    assert meeting.latest_offer(acts).id == "a22"
    assert meeting.latest_offer(acts, "them").id == "a19"
    acts = _more(acts, "retract", {"act": "a22"}, act_id="x1")
    assert meeting.latest_offer(acts).id == "a19"
    assert meeting.default_issue(acts, fold(acts)) == "price"


def test_pending_requests_and_context():
    acts = example_acts()
    assert meeting.pending_requests(acts) == []
    acts = _more(acts, "approval_request", {"issue": "price", "value": "0.88", "note": "to close"},
                 act_id="r1")
    pending = meeting.pending_requests(acts)
    assert [a.id for a in pending] == ["r1"]
    ctx = meeting.request_context(fold(acts), acts, analyze(acts), pending[0], "Priya Raman")
    assert ctx.value == Decimal("0.88")
    assert ctx.requester_limit == Decimal("0.86") and ctx.approver_limit == Decimal("0.90")
    assert ctx.covered_to == Decimal("0.87")  # a15 granted a14's 0.87
    assert ctx.past_requester_by == Decimal("0.02")
    assert not ctx.past_walk_away and not ctx.past_approver_limit and not ctx.already_covered
    assert ctx.breaches == []
    assert ctx.remarks[0] == "0.02 EUR/box past Dana Whitfield's limit of 0.86 EUR/box"
    assert ctx.ours == Decimal("0.865") and ctx.theirs == Decimal("0.875")
    answered = _more(acts, "approval", {"request": "r1", "granted": False}, "Priya Raman", "r2")
    assert meeting.pending_requests(answered) == []
    # an answer withdrawn puts the request back in the queue
    again = _more(answered, "retract", {"act": "r2"}, "Priya Raman", "r3")
    assert [a.id for a in meeting.pending_requests(again)] == ["r1"]


def test_request_past_walk_away_warns():
    acts = _more(example_acts(), "approval_request", {"issue": "price", "value": "0.92"},
                 act_id="r1")
    ctx = meeting.request_context(fold(acts), acts, analyze(acts), acts[-1], "Priya Raman")
    assert ctx.past_walk_away and ctx.past_approver_limit
    assert any("walk-away 0.90 EUR/box" in w for w in ctx.breaches)


def test_questions_marked_answered():
    acts = _more(example_acts(), "note", {"topic": "question", "text": "Energy index?"},
                 act_id="q1")
    [q] = meeting.questions(acts)
    assert not q.answered
    acts = _more(acts, "note", {"topic": "answer", "text": "down 4%", "about": "q1"},
                 "Sam Ortiz", "q2")
    [q] = meeting.questions(acts)
    assert q.answered and q.answers[0].id == "q2"


def test_agreed_terms_tentative_then_final():
    acts = example_acts()
    upto_a20 = acts[: next(i for i, a in enumerate(acts) if a.id == "a20") + 1]
    agreed = meeting.agreed_terms(upto_a20)
    assert agreed["payment"].value == Decimal("60") and not agreed["payment"].final
    assert "price" not in agreed
    agreed = meeting.agreed_terms(acts)
    assert agreed["price"].value == Decimal("0.868") and agreed["price"].final


def test_references_and_trajectory():
    acts = example_acts()
    rows = {r.issue.key: r for r in meeting.references(fold(acts), analyze(acts))}
    price = rows["price"]
    assert (price.ours, price.theirs) == (Decimal("0.865"), Decimal("0.875"))
    assert price.theirs_over_should_cost == Decimal("0.065")
    assert price.theirs_over_should_cost_pct == Decimal("8.0")
    assert rows["payment"].should_cost is None and rows["payment"].theirs_over_should_cost is None
    sides = meeting.offer_points(acts, "price")
    points = sorted(sides["them"] + sides["us"], key=lambda p: p.n)
    assert [p.side for p in points[:2]] == ["them", "us"]
    assert points[-1].value == Decimal("0.865")
    assert [p.at for p in points] == sorted(p.at for p in points)


def test_higher_better_should_cost_sign():
    acts = example_acts()
    prep = fold(acts)
    prep.issues["rebate"] = replace(prep.issues["rebate"], should_cost=Decimal("2.0"))
    rows = {r.issue.key: r for r in meeting.references(prep, analyze(acts))}
    # their rebate 1.5 % is worse for us than a should-cost of 2.0 %: positive
    assert rows["rebate"].theirs_over_should_cost == Decimal("0.5")


# --- offers on one axis, trends, authority -------------------------------------------------

DANA = "Dana Whitfield"


def upto(acts, act_id):
    index = next(n for n, a in enumerate(acts) if a.id == act_id)
    return acts[: index + 1]


def test_offer_points_number_offers_of_both_sides():
    points = meeting.offer_points(example_acts(), "price")
    assert [(p.n, str(p.value)) for p in points["them"]] == [
        (1, "0.97"), (3, "0.93"), (5, "0.91"), (7, "0.89"), (9, "0.875")]
    assert [p.n for p in points["us"]] == [2, 4, 6, 8, 10]
    assert [p.act.id for p in meeting.offer_points(example_acts(), "payment")["them"]] == [
        "a2", "a7", "a17"]


def test_withdrawn_offers_leave_the_axis():
    acts = example_acts()
    last = acts[-1]
    retract = replace(last, seq=last.seq + 1, id="r1", kind="retract",
                      payload={"act": "a22", "reason": "typo"})
    acts = [*acts, retract]
    assert [p.n for p in meeting.offer_points(acts, "price")["us"]] == [2, 4, 6, 8]
    assert meeting.offer_count(acts) == 9


def test_axis_and_refs_place_every_meeting_act():
    acts = example_acts()
    axis = meeting.offer_axis(acts)
    by_id = {a.id: a for a in acts if a.id}
    assert axis[by_id["a2"].seq] == 1.0
    assert axis[by_id["a3"].seq] == 1.5  # the tactic after the first offer
    assert axis[by_id["a1"].seq] == 0.5  # the phase before any offer
    assert meeting.refs(acts)["a11"] is by_id["a11"]


def test_trend_follows_the_non_diminishing_rule():
    assert meeting.trend([0.25]) is None
    assert meeting.trend([0.25, 0.25]) == "not shrinking"
    assert meeting.trend([0.25, 0.1667]) == "shrinking"
    assert meeting.trend([0.1, 0.2]) == "not shrinking"


def test_meter_counts_limit_walk_away_and_approvals():
    acts = example_acts()
    prep = fold(acts)
    before = upto(acts, "a11")
    m = meeting.meter(prep, before, DANA, "price", Decimal("0.84"))
    assert m.limit == Decimal("0.86") and m.used == Decimal("0.5")  # 0.06 of 0.12
    assert m.limit_used == Decimal("0.75")  # (0.84 − 0.78) / (0.86 − 0.78)
    assert m.limit_at == Decimal("0.6666666666666666666666666667")
    assert not m.past_limit and not m.past_walk_away and m.approved_to is None
    assert meeting.meter(prep, before, DANA, "price", Decimal("0.865")).past_limit
    after = meeting.meter(prep, acts, DANA, "price", Decimal("0.865"))
    assert not after.past_limit and after.approved_to == Decimal("0.87")
    assert meeting.meter(prep, acts, DANA, "price", Decimal("0.91")).past_walk_away
    volume = meeting.meter(prep, acts, DANA, "volume", Decimal("75"))
    assert volume.limit is None and volume.used == Decimal("0.5")
    assert meeting.meter(prep, acts, DANA, "price", None).used is None
