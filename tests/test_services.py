"""The services (the one command path): validation naming the field, ids, undo, exact numbers,
atomic units. Called through ``Workspace`` as the console and the CLI call them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app import scenario
from app.enrolment import enrol_team_here
from app.errors import CaucusError, InvalidInput, NotFound
from app.state import standing

LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"
T0 = datetime(2027, 1, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def prepared(ws):
    """A negotiation with a team, two issues and no meeting yet."""
    n = ws.create_negotiation({"title": "Pallets 2027", "supplier": "Woodline", "currency": "EUR"},
                              LEAD, at=T0)
    for name, role in ((SME, "sme"), (OBSERVER, "observer"), (APPROVER, "approver")):
        ws.set_member(n, LEAD, {"name": name, "role": role})
    enrol_team_here(ws, n)  # their keys in the test's keychain: the test acts as each of them
    ws.set_issue(n, LEAD, {"key": "price", "unit": "EUR", "better": "lower", "opening": "0.78",
                           "target": "0.84", "walk_away": "0.90"})
    ws.set_issue(n, LEAD, {"key": "payment", "unit": "days", "better": "higher",
                           "opening": "90", "target": "60", "walk_away": "45"})
    return ws, n


def problems_of(excinfo) -> list[tuple[str, str]]:
    return [(p.path, p.message) for p in excinfo.value.problems]


def refused(call, *args, **kwargs) -> list[tuple[str, str]]:
    """The (path, message) problems of a call that must be refused as bad input."""
    with pytest.raises(InvalidInput) as excinfo:
        call(*args, **kwargs)
    assert str(excinfo.value)  # a message the user can read
    return problems_of(excinfo)


def has(problems: list[tuple[str, str]], path: str, *words: str) -> bool:
    return any(p == path and all(w in m for w in words) for p, m in problems)


# --- validation, each naming the field ----------------------------------------------------------


def test_unknown_issue(prepared):
    ws, n = prepared
    offer = refused(ws.log, n, LEAD, "offer", {"side": "us", "terms": {"colour": "red"}})
    assert has(offer, "terms.colour", '"colour" is not an issue')
    auth = refused(ws.set_authority, n, LEAD, {"member": LEAD, "issue": "colour", "limit": "1"})
    assert has(auth, "issue", '"colour" is not an issue')
    note = refused(ws.log, n, SME, "note", {"topic": "fact", "text": "x", "issue": "colour"})
    assert has(note, "issue", '"colour"')
    assert has(refused(ws.set_plan, n, LEAD, {"issue": "colour", "steps": ["1"]}), "issue",
               "colour")


@pytest.mark.parametrize("value", ["0,9x", "abc", "", "NaN", "Infinity", 0.9, True, [1]])
def test_value_not_a_number(prepared, value):
    ws, n = prepared
    problems = refused(ws.log, n, LEAD, "offer", {"side": "them", "terms": {"price": value}})
    assert has(problems, "terms.price", "not a")


def test_numbers_elsewhere_must_be_numbers(prepared):
    ws, n = prepared
    assert has(refused(ws.log, n, LEAD, "approval_request", {"issue": "price", "value": "x"}),
               "value", '"x" is not a number')
    assert has(refused(ws.set_issue, n, LEAD, {"key": "term", "better": "lower", "opening": "12",
                                               "target": "lots", "walk_away": "36"}),
               "target", '"lots" is not a number')
    assert has(refused(ws.set_plan, n, LEAD, {"issue": "price", "steps": ["0.81", "0.8x"]}),
               "steps[1]", "not a number")


def test_member_not_on_the_team(prepared):
    ws, n = prepared
    assert has(refused(ws.log, n, "Kim", "reaction", {"tag": "flinch"}), "by",
               '"Kim" is not on the team')
    assert has(refused(ws.set_authority, n, LEAD, {"member": "Kim", "issue": "price",
                                                   "limit": "0.85"}),
               "member", '"Kim" is not on the team')
    assert has(refused(ws.set_batna, n, "Kim", {"ours": "x"}), "by", "Kim")
    with pytest.raises(NotFound, match="Kim"):
        ws.remove_member(n, LEAD, "Kim")


def test_a_member_needs_a_known_role(prepared):
    ws, n = prepared
    assert has(refused(ws.set_member, n, LEAD, {"name": "Kim", "role": "boss"}), "role",
               '"boss" is not one of lead, sme, observer, approver')


def test_positions_must_be_ordered_for_the_direction(prepared):
    ws, n = prepared
    problems = refused(ws.set_issue, n, LEAD, {"key": "terms", "unit": "days", "better": "higher",
                                               "opening": "45", "target": "50",
                                               "walk_away": "60"})
    assert has(problems, "", "opening 45 days is worse than the walk-away 60 days")
    lower = refused(ws.set_issue, n, LEAD, {"key": "term", "better": "lower", "opening": "12",
                                            "target": "40", "walk_away": "36"})
    assert has(lower, "target", "target 40 is worse than the walk-away 36")
    ahead = refused(ws.set_issue, n, LEAD, {"key": "term", "better": "lower", "opening": "12",
                                            "target": "6", "walk_away": "36"})
    assert has(ahead, "target", "target 6 is better than the opening 12")
    # opening may equal target (the analysis warns); target may equal walk-away
    ws.set_issue(n, LEAD, {"key": "term", "better": "lower", "opening": "12", "target": "12",
                           "walk_away": "36"})
    ws.set_issue(n, LEAD, {"key": "volume", "better": "lower", "opening": "60", "target": "90",
                           "walk_away": "90"})


def test_an_approval_needs_a_request_logged_before(prepared):
    ws, n = prepared
    assert has(refused(ws.log, n, APPROVER, "approval", {"request": "a9", "granted": True}),
               "request", '"a9" is not an approval request logged before')
    offer = ws.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0.80"}})
    assert has(refused(ws.log, n, APPROVER, "approval", {"request": offer.id, "granted": True}),
               "request", "not an approval request")
    request = ws.log(n, LEAD, "approval_request", {"issue": "price", "value": "0.87"})
    ws.log(n, APPROVER, "approval", {"request": request.id, "granted": False, "note": "no"})


def test_retract_of_an_unknown_act(prepared):
    ws, n = prepared
    assert has(refused(ws.retract, n, LEAD, "a42"), "act", '"a42" is not an act logged before')


def test_retract_twice_and_retract_of_a_retraction(prepared):
    ws, n = prepared
    offer = ws.log(n, LEAD, "offer", {"side": "them", "terms": {"price": "0.97"}})
    retraction = ws.retract(n, LEAD, offer.id, "typo")
    assert retraction.payload == {"act": offer.id, "reason": "typo"}
    assert has(refused(ws.retract, n, LEAD, offer.id), "act", "already withdrawn")
    assert has(refused(ws.retract, n, LEAD, retraction.id), "act", "itself a retraction")


@pytest.mark.parametrize("limit", ["0.95", "0.70", "0.9001"])
def test_authority_limit_out_of_range(prepared, limit):
    ws, n = prepared
    problems = refused(ws.set_authority, n, LEAD, {"member": LEAD, "issue": "price",
                                                   "limit": limit})
    assert has(problems, "limit", f"{limit} EUR is not between the opening 0.78 EUR and the "
                                  "walk-away 0.90 EUR")


def test_authority_limits_at_the_ends_and_removal(prepared):
    ws, n = prepared
    for limit in ("0.78", "0.90", "0.86"):
        ws.set_authority(n, LEAD, {"member": LEAD, "issue": "price", "limit": limit})
    assert ws.preparation(n).limit(LEAD, "price") == Decimal("0.86")
    ws.clear_authority(n, LEAD, LEAD, "price")
    assert ws.preparation(n).limit(LEAD, "price") is None


def test_plan_steps_past_the_walk_away_or_backwards(prepared):
    ws, n = prepared
    assert has(refused(ws.set_plan, n, LEAD, {"issue": "price", "steps": ["0.81", "0.95"]}),
               "steps[1]", "0.95 EUR is past the walk-away 0.90 EUR")
    assert has(refused(ws.set_plan, n, LEAD, {"issue": "price", "steps": ["0.83", "0.81"]}),
               "steps[1]", "does not move from 0.83 EUR toward the walk-away")
    assert has(refused(ws.set_plan, n, LEAD, {"issue": "payment", "steps": ["75", "60"],
                                              "asks": ["price 0.80"]}),
               "asks", "1 entries for 2 steps")
    ws.set_plan(n, LEAD, {"issue": "payment", "steps": ["75", "60", "45"],
                          "asks": ["price 0.80", "rebate 2%", "term 12"]})
    assert ws.preparation(n).plan["payment"].steps == (Decimal(75), Decimal(60), Decimal(45))


def test_remove_issue_only_before_the_first_meeting(prepared):
    ws, n = prepared
    ws.set_issue(n, LEAD, {"key": "rebate", "better": "higher", "opening": "3", "target": "2",
                           "walk_away": "1"})
    ws.set_authority(n, LEAD, {"member": LEAD, "issue": "rebate", "limit": "2"})
    ws.remove_issue(n, LEAD, "rebate")
    prep = ws.preparation(n)
    assert "rebate" not in prep.issues
    assert prep.limit(LEAD, "rebate") is None
    with pytest.raises(NotFound, match="rebate"):
        ws.remove_issue(n, LEAD, "rebate")
    ws.start_meeting(n, LEAD, "Round 1")
    assert has(refused(ws.remove_issue, n, LEAD, "payment"), "key",
               "negotiated in a meeting already")
    assert "payment" in ws.preparation(n).issues


def test_unknown_kind_and_unknown_negotiation(prepared):
    ws, n = prepared
    assert has(refused(ws.log, n, LEAD, "bribe", {}), "kind", '"bribe" is not one of')
    with pytest.raises(NotFound, match="negotiation 99"):
        ws.log(99, LEAD, "phase", {"phase": "opening"})


def test_an_unknown_payload_key_is_refused(prepared):
    ws, n = prepared
    assert has(refused(ws.log, n, LEAD, "offer", {"side": "us", "terms": {"price": "0.8"},
                                                  "colour": "red"}),
               "colour", "unknown key")


# --- ids, undo, retractions ---------------------------------------------------------------------


def test_auto_ids_count_the_meeting_acts(prepared):
    ws, n = prepared
    ids = [ws.log(n, LEAD, "phase", {"phase": "opening"}).id,
           ws.log(n, LEAD, "offer", {"side": "them", "terms": {"price": "0.97"}}).id,
           ws.log(n, OBSERVER, "tactic", {"tactic": "anchoring"}).id]
    assert ids == ["a1", "a2", "a3"]
    assert ws.log(n, LEAD, "phase", {"phase": "exploring"}, act_id="x-1").id == "x-1"
    assert ws.log(n, LEAD, "phase", {"phase": "bargaining"}).id == "a5"
    assert has(refused(ws.log, n, LEAD, "phase", {"phase": "caucus"}, act_id="a2"), "id",
               '"a2" is already used')


def test_auto_ids_skip_ids_already_taken(imported):
    ws, n = imported  # the example uses a1…a24
    assert ws.log(n, OBSERVER, "reaction", {"tag": "silence"}).id == "a25"


def test_the_first_act_opens_a_meeting(prepared):
    ws, n = prepared
    act = ws.log(n, OBSERVER, "reaction", {"tag": "silence"})
    assert act.meeting == 1
    assert ws.preparation(n).current_meeting().title == "Meeting 1"
    ws.end_meeting(n, LEAD)
    with pytest.raises(InvalidInput, match="no meeting is in progress"):
        ws.end_meeting(n, LEAD)
    assert ws.log(n, OBSERVER, "reaction", {"tag": "silence"}).meeting == 2


def test_undo_withdraws_the_members_own_last_acts_one_by_one(prepared):
    ws, n = prepared
    first = ws.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0.78"}})
    note = ws.log(n, SME, "note", {"topic": "fact", "text": "Index down 4%"})
    second = ws.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0.81"}})
    reaction = ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})

    undo1 = ws.undo(n, LEAD)
    assert (undo1.kind, undo1.by, undo1.payload) == (
        "retract", LEAD, {"act": second.id, "reason": "undone"})
    undo2 = ws.undo(n, LEAD)
    assert undo2.payload["act"] == first.id
    with pytest.raises(InvalidInput, match="no act of their own to undo"):
        ws.undo(n, LEAD)
    kept = [a.id for a in standing(ws.acts(n)) if a.id]
    assert kept == [note.id, reaction.id]


def test_undo_skips_an_act_someone_else_withdrew(prepared):
    ws, n = prepared
    first = ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})
    last = ws.log(n, OBSERVER, "tactic", {"tactic": "nibble"})
    ws.retract(n, OBSERVER, last.id, "logged twice")
    assert ws.undo(n, OBSERVER).payload["act"] == first.id


def test_undo_state_survives_a_fresh_workspace_object(prepared, workspace_path):
    from app.workspace import Workspace

    ws, n = prepared
    first = ws.log(n, LEAD, "phase", {"phase": "opening"})
    ws.log(n, LEAD, "phase", {"phase": "exploring"})
    with Workspace(workspace_path) as other:
        other.undo(n, LEAD)
    assert ws.undo(n, LEAD).payload["act"] == first.id


def test_undo_never_withdraws_an_older_act_than_the_last(ws, example):
    for act in example["meetings"][0]["acts"]:
        if act.get("id") == "a21":  # Oli's last act, the nibble
            del act["id"]
    with ws.unit(auto_ids=False) as u:
        n = scenario.import_scenario(u, example)
    try:
        act = ws.undo(n, OBSERVER)
    except InvalidInput:
        return  # refusing ("your last act has no id") is acceptable
    assert act.payload["act"] != "a12", "undo withdrew Oli's reaction a12, not his last act"


def test_a_retract_without_a_target_is_bad_input(prepared):
    ws, n = prepared
    assert has(refused(ws.log, n, LEAD, "retract", {"act": None}), "act", "required")


# --- exact numbers, times, roles ----------------------------------------------------------------


@pytest.mark.parametrize(("given", "stored"), [
    ("0.90", "0.90"), ("0.900", "0.900"), (Decimal("0.90"), "0.90"), (" 0.875 ", "0.875"),
    ("1E+1", "10"), (7, "7"), ("0.868000", None), ("0.123456", None),
])
def test_decimals_are_kept_exactly(prepared, given, stored):
    ws, n = prepared
    act = ws.log(n, LEAD, "offer", {"side": "them", "terms": {"price": given}})
    expected = stored if stored is not None else given
    assert act.payload["terms"]["price"] == expected
    assert ws.acts(n)[-1].payload["terms"]["price"] == expected


def test_issue_positions_keep_their_digits(prepared):
    ws, n = prepared
    issue = ws.preparation(n).issues["price"]
    assert (str(issue.opening), str(issue.target), str(issue.walk_away)) == ("0.78", "0.84", "0.90")
    assert isinstance(issue.walk_away, Decimal)


def test_times_are_stored_in_utc(ws):
    now = datetime.now(UTC).replace(microsecond=0)
    n = ws.create_negotiation({"title": "Pallets", "supplier": "Woodline"}, LEAD,
                              at=now - timedelta(hours=2))
    local = (now - timedelta(hours=1)).astimezone(timezone(timedelta(hours=1)))
    act = ws.log(n, LEAD, "phase", {"phase": "opening"}, at=local)
    stored = ws.acts(n)[-1]
    assert stored.seq == act.seq
    assert stored.at == now - timedelta(hours=1)
    assert stored.at.utcoffset() == timedelta(0)


def test_each_act_keeps_the_role_its_author_had(prepared):
    ws, n = prepared
    before = ws.log(n, SME, "note", {"topic": "claim", "text": "Energy costs up"})
    ws.set_member(n, LEAD, {"name": SME, "role": "observer"})
    after = ws.log(n, SME, "reaction", {"tag": "interest"})
    roles = {a.id: a.role for a in ws.acts(n) if a.id}
    assert (roles[before.id], roles[after.id]) == ("sme", "observer")


def test_a_removed_member_can_no_longer_log(prepared):
    ws, n = prepared
    ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})
    ws.remove_member(n, LEAD, OBSERVER)
    assert has(refused(ws.log, n, OBSERVER, "reaction", {"tag": "flinch"}), "by",
               "not on the team")
    assert any(a.by == OBSERVER for a in ws.acts(n))  # their acts stay in the journal


# --- units of work ------------------------------------------------------------------------------


def test_a_unit_is_all_or_nothing(prepared):
    ws, n = prepared
    before = ws.acts(n)
    with pytest.raises(InvalidInput), ws.unit() as u:
        u.log(n, LEAD, "offer", {"side": "them", "terms": {"price": "0.97"}})
        u.log(n, LEAD, "offer", {"side": "us", "terms": {"price": "0,9x"}})
    assert ws.acts(n) == before
    assert ws.preparation(n).current_meeting() is None  # the cached state was dropped too
    assert ws.log(n, LEAD, "offer", {"side": "them", "terms": {"price": "0.97"}}).id == "a1"


def test_a_failed_command_changes_nothing(prepared):
    ws, n = prepared
    last = ws.last_seq()
    for call in (lambda: ws.set_issue(n, LEAD, {"key": "x", "better": "up"}),
                 lambda: ws.set_authority(n, LEAD, {"member": "Kim", "issue": "price",
                                                    "limit": "1"}),
                 lambda: ws.log(n, LEAD, "offer", {"side": "sideways", "terms": {}})):
        with pytest.raises(CaucusError):
            call()
    assert ws.last_seq() == last


def test_finding_negotiations(prepared):
    ws, n = prepared
    info = ws.negotiations()[0]
    assert ws.find() == ws.find(str(n)) == ws.find(info.uid) == ws.find("pallets 2027") == n
    with pytest.raises(NotFound):
        ws.find("Steel 2028")
    second = ws.create_negotiation({"title": "Steel 2028", "supplier": "Ferro"}, LEAD)
    assert ws.find("Steel 2028") == second
    with pytest.raises(InvalidInput, match="2 negotiations"):
        ws.find()
