"""The analysis never crashes on a stored value (issue 13).

Values the services refuse at entry can still be in a journal — written by an older version, by
another tool, or straight into the file. Here they are appended with ``app.journal.append``
(past every check) to a real workspace holding the money example, and everything that reads the
analysis must still work: ``analyze`` (every number finite, JSON without NaN), the debrief draft,
the PDF and CSV reports, ``caucus analyze --json`` and ``caucus next``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import journal, scenario
from app.analysis import analyze
from app.report import write_csv, write_pdf
from app.review import debrief_draft
from app.workspace import Workspace

MONEY = Path(__file__).parent / "fixtures" / "corrugated-2027-money.json"
EXTREMES = ["1e999", "-1e999", "1e-999", "1e999999999", "-1e-999999999", "0e-999999", "NaN",
            "Infinity", "-Infinity", "abc", "", "1" * 60, "0." + "0" * 50 + "1", "1e30", "0", "-0",
            "12345678901234567890.123456789", "0.8123456789012345678901234567890123"]
KINDS = ("offer_them", "offer_us", "asks", "agreement", "approval", "issue", "plan", "limit")


def append(ws: Workspace, negotiation: int, kind: str, payload: dict, act_id: str) -> None:
    """Write one act straight into the journal, past every check of the services."""
    with ws.unit() as unit:
        st = unit.state(negotiation)
        signer = unit.signers.key_for(st.prep.keys, "Dana Whitfield")  # the importer's key
        journal.append(unit.conn, unit.codec, signer, place=st.place, meeting=1,
                       act_id=act_id, kind=kind, by="Dana Whitfield", role="lead",
                       at=datetime(2027, 1, 14, 11, tzinfo=UTC), payload=payload)


def poison(ws: Workspace, negotiation: int, where: str, value: str, n: int) -> None:
    """One bad value at one place a number is stored."""
    issue = {"key": "price", "label": "Unit price", "unit": "EUR/box", "better": "lower",
             "opening": "0.78", "target": "0.84", "walk_away": "0.90",
             "value_per_unit": "14000000"}
    payloads = {
        "offer_them": ("offer", {"side": "them", "terms": {"price": value, "payment": "55"}}),
        "offer_us": ("offer", {"side": "us", "terms": {"price": value}, "asks": {"otif": "97"}}),
        "asks": ("offer", {"side": "us", "terms": {"price": "0.85"}, "asks": {"rebate": value}}),
        "agreement": ("agreement", {"terms": {"price": value}, "final": False}),
        "approval": ("approval_request", {"issue": "price", "value": value}),
        "issue": ("issue", {**issue, "walk_away": value, "value_per_unit": value}),
        "plan": ("plan", {"issue": "price", "steps": [value, "0.88"], "asks": ["a", "b"]}),
        "limit": ("authority", {"member": "Dana Whitfield", "issue": "price", "limit": value}),
    }
    kind, payload = payloads[where]
    append(ws, negotiation, kind, payload, f"x{n}")
    if where == "approval":  # granted, so that reports and limits read its value
        append(ws, negotiation, "approval", {"request": f"x{n}", "granted": True}, f"g{n}")


def check_everything_reads(ws: Workspace, negotiation: int, tmp: Path) -> None:
    acts = ws.acts(negotiation)
    for room_safe in (False, True):
        result = analyze(acts, room_safe=room_safe)
        text = json.dumps(result, allow_nan=False)  # every number finite
        assert len(text) < 2_000_000
    debrief_draft(acts)
    write_pdf(tmp / "r.pdf", acts)
    write_pdf(tmp / "s.pdf", acts, room_safe=True)
    write_csv(tmp / "r.csv", acts)


@pytest.fixture
def money_ws(tmp_path: Path):
    ws = Workspace(tmp_path / "w.caucus")
    with ws.unit(auto_ids=False) as unit:
        negotiation = scenario.import_scenario(unit, scenario.load(MONEY))
    yield ws, negotiation
    ws.close()


@pytest.mark.parametrize("where", KINDS)
def test_every_extreme_value_at_every_place(money_ws, tmp_path, where):
    ws, negotiation = money_ws
    for n, value in enumerate(EXTREMES):
        poison(ws, negotiation, where, value, n)
        append(ws, negotiation, "offer", {"side": "them", "terms": {"price": "0.88"}}, f"t{n}")
    check_everything_reads(ws, negotiation, tmp_path)
    unreadable = [a for a in analyze(ws.acts(negotiation))["alerts"]
                  if a["kind"] == "unreadable_value"]
    if where in ("offer_them", "offer_us", "agreement"):
        assert unreadable, "a value no computation can use is named, so it can be withdrawn"


def test_a_zero_range_issue(money_ws, tmp_path):
    ws, negotiation = money_ws
    append(ws, negotiation, "issue", {"key": "otif", "better": "higher", "opening": "95",
                                      "target": "95", "walk_away": "95", "value_per_unit": "1"},
           "z1")
    for n, value in enumerate(("95", "94", "96", "95")):
        append(ws, negotiation, "offer", {"side": "them", "terms": {"otif": value}}, f"z{n + 2}")
        append(ws, negotiation, "offer", {"side": "us", "terms": {"otif": value}}, f"u{n + 2}")
    append(ws, negotiation, "offer", {"side": "them", "terms": {"otif": "94"}}, "z9")
    check_everything_reads(ws, negotiation, tmp_path)


def test_the_command_line_reads_a_poisoned_journal(money_ws, run_cli, workspace_path):
    ws, negotiation = money_ws
    for n, value in enumerate(("1e999", "1e-999", "1e999999999", "NaN")):
        poison(ws, negotiation, "offer_them", value, n)
    path = ws.path
    ws.close()
    for args in (("analyze", "--json"), ("next",), ("next", "--json")):
        result = run_cli(*args, workspace=path)
        assert result.returncode == 0, result.stderr
        if "--json" in args:
            json.loads(result.stdout)


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(KINDS), st.one_of(
    st.sampled_from(EXTREMES),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-10**40, 10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr))), min_size=1, max_size=6))
def test_any_stored_value_anywhere(tmp_path_factory, values):
    folder = tmp_path_factory.mktemp("poison")
    ws = Workspace(folder / "w.caucus")
    try:
        with ws.unit(auto_ids=False) as unit:
            negotiation = scenario.import_scenario(unit, scenario.load(MONEY))
        for n, (where, value) in enumerate(values):
            poison(ws, negotiation, where, value, n)
        append(ws, negotiation, "offer", {"side": "them", "terms": {"price": "0.88"}}, "last")
        for room_safe in (False, True):
            json.dumps(analyze(ws.acts(negotiation), room_safe=room_safe), allow_nan=False)
        debrief_draft(ws.acts(negotiation))
    finally:
        ws.close()
