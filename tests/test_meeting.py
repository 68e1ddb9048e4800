"""``app.meeting``: the side seats' view of the example meeting (no Qt, no store)."""

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
    points = meeting.trajectory(acts, "price")
    assert [p.side for p in points[:2]] == ["them", "us"]
    assert points[-1].value == Decimal("0.865")


def test_higher_better_should_cost_sign():
    acts = example_acts()
    prep = fold(acts)
    prep.issues["rebate"] = replace(prep.issues["rebate"], should_cost=Decimal("2.0"))
    rows = {r.issue.key: r for r in meeting.references(prep, analyze(acts))}
    # their rebate 1.5 % is worse for us than a should-cost of 2.0 %: positive
    assert rows["rebate"].theirs_over_should_cost == Decimal("0.5")
