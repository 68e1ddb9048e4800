"""Policy in the services: limits (``PastLimit`` unless logged knowingly, with the approval
requests in the same transaction), sane values per issue, text limits and control characters,
live times, no offer after a final agreement, and the lead withdrawing an act that breaks the
analysis. Called in-process through ``Workspace``, as the console and the CLI call them; each
refusal leaves the journal as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app import journal, keychain
from app.authority import unchecked
from app.enrolment import enrol_team_here
from app.errors import InvalidInput, PastLimit, PermissionDenied
from app.workspace import Workspace

LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"


@pytest.fixture
def live(ws):
    """A negotiation opened now, its team and limits (the example's figures) and a meeting."""
    n = ws.create_negotiation({"title": "Boxes", "supplier": "Northbox", "currency": "EUR"}, LEAD,
                              at=datetime.now(UTC) - timedelta(hours=1))
    for name, role in ((SME, "sme"), (OBSERVER, "observer"), (APPROVER, "approver")):
        ws.set_member(n, LEAD, {"name": name, "role": role})
    ws.set_issue(n, LEAD, {"key": "price", "label": "Unit price", "unit": "EUR/box",
                           "better": "lower", "opening": "0.78", "target": "0.84",
                           "walk_away": "0.90"})
    ws.set_issue(n, LEAD, {"key": "rebate", "unit": "%", "better": "higher", "opening": "3.0",
                           "target": "1.5", "walk_away": "0.5"})
    ws.set_authority(n, LEAD, {"member": LEAD, "issue": "price", "limit": "0.86"})
    enrol_team_here(ws, n)  # their keys in the test's keychain: the test acts as each of them
    ws.start_meeting(n, LEAD, "Round 1")
    return ws, n


def refused(ws, n, kind_of=InvalidInput, call=None, *args, **kwargs):
    """The error of a call that must be refused, after checking that nothing was written."""
    before = ws.last_seq()
    with pytest.raises(kind_of) as caught:
        (call or ws.log)(n, *args, **kwargs)
    assert ws.last_seq() == before
    return caught.value


def problem(error: InvalidInput) -> tuple[str, str]:
    [p] = error.problems
    return p.path, p.message


# --- limits are policy ------------------------------------------------------------------------


def test_an_offer_of_ours_past_the_walk_away_and_the_authority_is_refused_naming_both(live):
    ws, n = live
    error = refused(ws, n, PastLimit, None, LEAD, "offer", {"side": "us",
                                                           "terms": {"price": "9.99"}})
    assert error.exit_code == 2
    assert [(b.issue, b.kind) for b in error.breaches] == [("price", "walk_away"),
                                                           ("price", "authority")]
    assert "past the walk-away 0.90 EUR/box" in str(error)
    assert "past Dana Whitfield's authority of 0.86 EUR/box" in str(error)


def test_an_agreement_past_the_authority_is_refused_and_theirs_is_not_held(live):
    ws, n = live
    refused(ws, n, PastLimit, None, LEAD, "agreement", {"terms": {"price": "0.87"},
                                                        "final": False})
    ws.log(n, LEAD, "offer", {"side": "them", "terms": {"price": "0.97"}})  # theirs: a fact


def test_past_limit_logs_the_offer_and_its_approval_requests_in_one_transaction(live):
    ws, n = live
    with ws.unit() as unit:
        offer = unit.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0.92",
                                                                   "rebate": "0.4"}},
                         past_limit=True)
        filed = list(unit.requests)
    assert [(a.kind, a.payload["issue"], a.payload["value"]) for a in filed] == [
        ("approval_request", "price", "0.92"), ("approval_request", "rebate", "0.4")]
    assert [a.seq for a in filed] == [offer.seq + 1, offer.seq + 2]
    assert "walk-away and Dana Whitfield's authority" in filed[0].payload["note"]
    assert offer.id in filed[0].payload["note"]
    assert ws.acts(n)[-3:] == [offer, *filed]
    pending = [a.id for a in ws.acts(n) if a.kind == "approval_request"]
    assert pending == [f.id for f in filed]  # the approver sees them


def test_past_limit_rolls_back_whole_with_its_transaction(live):
    ws, n = live
    before = ws.last_seq()
    with pytest.raises(InvalidInput), ws.unit() as unit:
        unit.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0.92"}}, past_limit=True)
        unit.log(n, LEAD, "phase", {"phase": "no such phase"})
    assert ws.last_seq() == before


def test_a_granted_approval_covers_the_authority_not_the_walk_away(live):
    ws, n = live
    request = ws.log(n, LEAD, "approval_request", {"issue": "price", "value": "0.88"})
    ws.log(n, APPROVER, "approval", {"request": request.id, "granted": True})
    ws.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0.88"}})  # covered
    error = refused(ws, n, PastLimit, None, LEAD, "offer", {"side": "us",
                                                           "terms": {"price": "0.89"}})
    assert [b.kind for b in error.breaches] == ["authority"]
    error = refused(ws, n, PastLimit, None, LEAD, "agreement", {"terms": {"price": "0.95"},
                                                                "final": True})
    assert {b.kind for b in error.breaches} == {"walk_away", "authority"}


def test_without_the_join_phrase_the_limits_cannot_be_checked_and_the_offer_is_logged(
        live, workspace_path):
    ws, n = live
    keychain.forget(ws.store.workspace_id)
    sealed = Workspace(workspace_path)
    try:
        assert not sealed.unlocked
        act = sealed.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0.95"}})
        assert act.payload["terms"] == {"price": "0.95"}
        assert unchecked(sealed.preparation(n), LEAD, ["price", "rebate"]) == ["price",
                                                                               "rebate"]
        assert unchecked(ws.preparation(n), LEAD, ["price"]) == []
    finally:
        sealed.close()


# --- bad values: refused, nothing written -----------------------------------------------------


@pytest.mark.parametrize(("value", "words"), [
    ("-3.2", "out of range"), ("0", "out of range"), ("1e30", "out of range"),
    ("1e999", "out of range"), ("1e-999", "more than 6 decimals"),
    ("1e999999999", "out of range"), ("-1e999999999", "out of range"),
    ("0.1234567", "more than 6 decimals"), ("100.01", "out of range"),
    ("NaN", "not a finite number"), ("Infinity", "not a finite number"),
    ("1" * 101, "not a number"),
])
def test_absurd_values_are_refused_naming_the_field_and_the_range(live, value, words):
    ws, n = live
    error = refused(ws, n, InvalidInput, None, LEAD, "offer", {"side": "them",
                                                              "terms": {"price": value}})
    path, message = problem(error)
    assert path == "terms.price" and words in message
    if "range" in words or "decimals" in words:
        assert "give a value above 0 and up to 100 EUR/box, with at most 6 decimals" in message


def test_a_value_on_an_issue_where_higher_is_better_may_be_zero_but_not_negative(live):
    ws, n = live
    ws.log(n, LEAD, "offer", {"side": "them", "terms": {"rebate": "0"}})  # no rebate at all
    path, message = problem(refused(ws, n, InvalidInput, None, LEAD, "offer",
                                    {"side": "them", "terms": {"rebate": "-0.5"}}))
    assert path == "terms.rebate" and "from 0 up to 1000 %" in message


@pytest.mark.parametrize(("kind", "payload", "path"), [
    ("approval_request", {"issue": "price", "value": "1e30"}, "value"),
    ("offer", {"side": "us", "terms": {"price": "0.80"}, "asks": {"rebate": "-1"}},
     "asks.rebate"),
    ("agreement", {"terms": {"price": "0"}, "final": False}, "terms.price"),
])
def test_every_value_on_an_issue_is_checked(live, kind, payload, path):
    ws, n = live
    assert problem(refused(ws, n, InvalidInput, None, LEAD, kind, payload))[0] == path


def test_the_preparation_refuses_absurd_figures_too(live):
    ws, n = live
    error = refused(ws, n, InvalidInput, ws.set_issue, LEAD, {
        "key": "freight", "better": "lower", "opening": "1e20", "target": "2e20",
        "walk_away": "3e20"})
    assert {p.path for p in error.problems} == {"opening", "target", "walk_away"}
    error = refused(ws, n, InvalidInput, ws.set_issue, LEAD, {
        "key": "price", "better": "lower", "opening": "0.78", "target": "0.84",
        "walk_away": "0.90", "benchmark": "-1"})
    assert problem(error)[0] == "benchmark"
    error = refused(ws, n, InvalidInput, ws.set_plan, LEAD, {"issue": "price",
                                                            "steps": ["0.8100000001"]})
    assert problem(error)[0] == "steps[0]"


@pytest.mark.parametrize(("at", "words"), [
    (datetime(2020, 1, 1, tzinfo=UTC), "before this negotiation's first act"),
    (datetime(2999, 1, 1, tzinfo=UTC), "more than a day ahead"),
])
def test_a_live_act_dated_outside_the_negotiation_is_refused(live, at, words):
    ws, n = live
    path, message = problem(refused(ws, n, InvalidInput, None, OBSERVER, "reaction",
                                    {"tag": "flinch"}, at=at))
    assert path == "at" and words in message


def test_no_offer_after_a_final_agreement_until_a_new_meeting_starts(live):
    ws, n = live
    final = ws.log(n, LEAD, "agreement", {"terms": {"price": "0.84"}, "final": True})
    error = refused(ws, n, InvalidInput, None, LEAD, "offer", {"side": "them",
                                                              "terms": {"price": "0.85"}})
    assert f"closed with the final agreement {final.id}" in str(error)
    assert "start a new meeting" in str(error)
    ws.log(n, OBSERVER, "reaction", {"tag": "agreement_signal"})  # the room may still react
    meetings = len(ws.preparation(n).meetings)
    ws.end_meeting(n, LEAD)
    refused(ws, n, InvalidInput, None, LEAD, "offer", {"side": "them", "terms": {"price": "1"}})
    assert len(ws.preparation(n).meetings) == meetings  # no "Meeting 3" opened silently
    ws.start_meeting(n, LEAD, "Round 2")  # explicitly: the negotiation is open again
    ws.log(n, LEAD, "offer", {"side": "them", "terms": {"price": "0.85"}})


def test_withdrawing_the_final_agreement_opens_the_negotiation_again(live):
    ws, n = live
    final = ws.log(n, LEAD, "agreement", {"terms": {"price": "0.84"}, "final": True})
    ws.retract(n, LEAD, final.id, "typo")
    ws.log(n, LEAD, "offer", {"side": "them", "terms": {"price": "0.85"}})


# --- texts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "words"), [
    ("x" * 2001, "is 2,001 characters long; the limit is 2,000"),
    ("red \x1b[31malert", "escape character (U+001B) at character 5"),
    ("a\x00b", "control character (U+0000)"),
    ("abc\u202edcba", "text-direction control (U+202E)"),
    ("lone \ud800", "lone surrogate (U+D800)"),
])
def test_texts_over_their_limit_or_with_control_characters_are_refused(live, text, words):
    ws, n = live
    path, message = problem(refused(ws, n, InvalidInput, None, OBSERVER, "reaction",
                                    {"tag": "flinch", "note": text}))
    assert path == "note" and words in message
    assert text not in message  # the text is never echoed, control characters and all


def test_a_title_of_200_kb_is_refused_with_its_limit(live):
    ws, n = live
    path, message = problem(refused(ws, n, InvalidInput, ws.update_negotiation, LEAD,
                                    {"title": "t" * 200_000, "supplier": "Northbox"}))
    assert (path, message) == ("title", "is 200,000 characters long; the limit is 200")


def test_a_note_keeps_its_line_breaks_but_a_name_may_not_have_one(live):
    ws, n = live
    act = ws.log(n, SME, "note", {"topic": "fact", "text": "line one\nline two"})
    assert act.payload["text"] == "line one\nline two"
    path, message = problem(refused(ws, n, InvalidInput, ws.set_member, LEAD,
                                    {"name": "Kim\nLee", "role": "sme"}))
    assert path == "name" and "line break" in message


def test_an_empty_optional_text_is_the_same_as_leaving_it_out(live):
    ws, n = live
    act = ws.log(n, OBSERVER, "reaction", {"tag": "flinch", "note": ""})
    assert act.payload == {"tag": "flinch"}
    tactic = ws.log(n, OBSERVER, "tactic", {"tactic": "nibble", "note": "  ", "about": ""})
    assert tactic.payload == {"tactic": "nibble"}
    path, message = problem(refused(ws, n, InvalidInput, None, OBSERVER, "reaction",
                                    {"tag": ""}))
    assert (path, message) == ("tag", "is required")


def test_errors_that_list_choices_name_them(live):
    ws, n = live
    _, message = problem(refused(ws, n, InvalidInput, None, "Kim", "reaction", {"tag": "x"}))
    assert message == ('"Kim" is not on the team (the team: Dana Whitfield, Sam Ortiz, '
                       'Oli Park, Priya Raman)')
    _, message = problem(refused(ws, n, InvalidInput, None, LEAD, "offer",
                                 {"side": "us", "terms": {"prise": "1"}}))
    assert message == '"prise" is not an issue of this negotiation (the issues: price, rebate)'


def test_an_id_that_is_a_list_or_an_object_is_refused_not_a_crash(live):
    ws, n = live
    for bad in ([1], {"a": 1}):
        refused(ws, n, InvalidInput, None, LEAD, "retract", {"act": bad})
        refused(ws, n, InvalidInput, None, APPROVER, "approval", {"request": bad,
                                                                  "granted": True})
        refused(ws, n, InvalidInput, None, OBSERVER, "reaction", {"tag": "x", "about": bad})
        refused(ws, n, InvalidInput, None, OBSERVER, bad, {"tag": "x"})


# --- the lead withdraws what breaks the analysis ------------------------------------------------


def _stored_as_is(ws: Workspace, n: int, by: str, role: str, kind: str, payload: dict):
    """An act written past the checks, as a Caucus from before them (or another tool) did."""
    with ws.unit() as unit:
        st = unit.state(n)
        signer = unit.signers.key_for(st.prep.keys, by)
        act = journal.append(unit.conn, unit.codec, signer, place=st.place, meeting=1,
                             act_id="bad1", kind=kind, by=by, role=role, at=datetime.now(UTC),
                             payload=payload)
        st.take(act)
        return act


def test_the_lead_may_withdraw_anyones_act_that_holds_an_unusable_value(live):
    ws, n = live
    _stored_as_is(ws, n, OBSERVER, "observer", "offer",
                  {"side": "them", "terms": {"price": "1000000000000000000000000000000"}})
    tag = ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})
    with pytest.raises(PermissionDenied, match="only its author"):
        ws.retract(n, LEAD, tag.id, "not mine")  # a sound act stays its author's
    ws.retract(n, LEAD, "bad1", "price of 1e30 logged by mistake")
    assert "bad1" in {a.payload["act"] for a in ws.acts(n) if a.kind == "retract"}


def test_the_sane_range_follows_the_issue_not_a_fixed_scale(live):
    ws, n = live
    ws.set_issue(n, LEAD, {"key": "volume", "unit": "boxes", "better": "higher",
                           "opening": "14000000", "target": "12000000", "walk_away": "10000000"})
    ws.log(n, LEAD, "offer", {"side": "them", "terms": {"volume": "9500000"}})
    assert Decimal(ws.acts(n)[-1].payload["terms"]["volume"]) == Decimal("9500000")
    refused(ws, n, InvalidInput, None, LEAD, "offer", {"side": "them",
                                                      "terms": {"volume": "1e11"}})
