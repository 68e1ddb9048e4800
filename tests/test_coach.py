"""Money and the next move (SCENARIO.md §3) on the money example, worked by hand.

``tests/fixtures/corrugated-2027-money.json`` gives ``value_per_unit`` to four issues:
price 14,000,000 (boxes a year), payment 2,660 (EUR 12.15M × 8 % ÷ 365, rounded), rebate
121,500 (EUR 12.15M ÷ 100) and OTIF 18,000. Walk-aways: price 0.90 (lower better), payment 45,
rebate 0.5, OTIF 95 (higher better). Term and volume carry no value.

After a11 — ours: price 0.84 (a11), payment 90, rebate 3.0, OTIF 98 (a5); theirs: price 0.91,
rebate 1.0 (a9), payment 45 (a7), OTIF 94 (a2):
  ours   = 14M × (0.90 − 0.84) + 2,660 × (90 − 45) + 121,500 × (3.0 − 0.5) + 18,000 × (98 − 95)
         = 840,000 + 119,700 + 303,750 + 54,000 = 1,317,450
  theirs = 14M × (0.90 − 0.91) + 2,660 × 0 + 121,500 × (1.0 − 0.5) + 18,000 × (94 − 95)
         = −140,000 + 0 + 60,750 − 18,000 = −97,250;   gap = 1,414,700
At the end — ours: price 0.865 (a22), the rest as above; theirs: price 0.875, OTIF 96 (a19),
payment 60, rebate 1.5 (a17):
  ours   = 14M × 0.035 + 119,700 + 303,750 + 54,000 = 490,000 + 477,450 = 967,450
  theirs = 14M × 0.025 + 2,660 × 15 + 121,500 × 1.0 + 18,000 × 1 = 350,000 + 39,900 + 121,500
           + 18,000 = 529,400;   gap = 438,050
Ledger: a8 gives price 0.78 → 0.81 = 0.03 × 14M = 420,000 (term has no value) and asks rebate 2.0
against their 0.0 (a2) = 2.0 × 121,500 = 243,000; a11 gives 0.03 again = 420,000 and asks nothing;
a18 gives 0.84 → 0.86 = 280,000, asks payment 60 against their 60 (a17) = 0 and OTIF 97 against
their 94 (a2) = 3 × 18,000 = 54,000; a22 gives 0.005 = 70,000 and asks only volume (no value).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import pytest

try:
    from tests.analysis_fixtures import load_scenario, scenario_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import load_scenario, scenario_acts

from app.analysis import analyze
from app.analysis.contract import violations
from app.domain import Act
from app.money import money, value_per_unit, worth_text
from app.quickentry import Vocabulary, parse
from app.state import fold

ROOT = Path(__file__).resolve().parents[1]
MONEY = Path(__file__).parent / "fixtures" / "corrugated-2027-money.json"


@pytest.fixture(scope="module")
def acts() -> list[Act]:
    return scenario_acts(load_scenario(MONEY))


def upto(acts: list[Act], act_id: str) -> list[Act]:
    return acts[: next(n for n, a in enumerate(acts) if a.id == act_id) + 1]


# --- money ------------------------------------------------------------------------------------


def test_economics_worked_by_hand(acts):
    assert analyze(upto(acts, "a11"))["economics"] == {
        "currency": "EUR", "ours": "1317450", "theirs": "-97250", "gap": "1414700"}
    assert analyze(acts)["economics"] == {
        "currency": "EUR", "ours": "967450", "theirs": "529400", "gap": "438050"}


def test_ledger_values_worked_by_hand(acts):
    rows = [(r["act"], r["gives_value"], r["asks_value"]) for r in analyze(acts)["ledger"]]
    assert rows == [("a8", "420000", "243000"), ("a11", "420000", None),
                    ("a18", "280000", "54000"), ("a22", "70000", None)]


def test_no_value_per_unit_means_no_economics():
    plain = scenario_acts(load_scenario(ROOT / "tests" / "fixtures" / "corrugated-2027.json"))
    result = analyze(plain)
    assert result["economics"] is None
    assert all(r["gives_value"] is None and r["asks_value"] is None for r in result["ledger"])


def test_money_is_written_with_currency_and_separators():
    assert money(Decimal("39900"), "EUR") == "EUR 39,900"
    assert money(Decimal("-1250.5"), "EUR", places=2) == "EUR -1,250.50"
    assert money(Decimal("12.345"), "USD") == "USD 12.34"
    assert money(Decimal("967450"), "EUR", compact=True) == "EUR 967k"
    assert money(Decimal("1234567"), None, compact=True) == "1.23M"
    assert money(Decimal("1e18"), "EUR") == "EUR 1,000,000,000,000,000,000"  # no float anywhere


def test_a_trade_in_currency(acts):
    payment = fold(acts).issues["payment"]
    assert worth_text(payment, Decimal(15), "EUR") == "Payment terms 15 days ≈ EUR 39,900 a year"
    assert worth_text(fold(acts).issues["term"], Decimal(6), "EUR") is None


def test_the_value_calculator_shows_its_arithmetic():
    price = value_per_unit("price", volume=Decimal("14000000"), currency="EUR")
    assert price.value == Decimal("14000000")
    assert "EUR 140,000" in price.text  # a cent off the price
    days = value_per_unit("payment_days", spend=Decimal("12150000"),
                          cost_of_capital=Decimal("8"), currency="EUR")
    assert days.value == Decimal("2663.01")  # 12,150,000 × 0.08 ÷ 365 = 2,663.0137
    assert "EUR 12,150,000 a year × 8 % cost of capital ÷ 365 days = EUR 2,663.01" in days.text
    rebate = value_per_unit("rebate_percent", spend=Decimal("12150000"), currency="EUR")
    assert rebate.value == Decimal("121500.00") and "÷ 100" in rebate.text
    with pytest.raises(ValueError, match="cost of capital is needed"):
        value_per_unit("payment_days", spend=Decimal(1))
    with pytest.raises(ValueError, match="not one of"):
        value_per_unit("freight")
    with pytest.raises(ValueError, match="0 or more"):
        value_per_unit("price", volume=Decimal(-5))


# --- the next move ----------------------------------------------------------------------------


def test_next_move_is_null_unless_the_latest_offer_is_theirs(acts):
    assert analyze(upto(acts, "a5"))["next_move"] is None  # our offer is the latest
    assert analyze(upto(acts, "a6"))["next_move"] is None  # still ours (a reaction since)
    assert analyze(acts)["next_move"] is None  # a final agreement (a23) after the latest
    assert analyze(upto(acts, "a2"))["next_move"]["kind"] == "counter"  # open with ours


def test_before_our_first_offer_the_move_is_our_opening(acts):
    move = analyze(upto(acts, "a2"))["next_move"]
    assert move["terms"] == {"price": "0.78", "payment": "90", "term": "12", "volume": "60",
                             "rebate": "3.0", "otif": "98"}
    assert move["asks"] == {}


@pytest.mark.parametrize("act_id", ["a2", "a7", "a9", "a17", "a19", "a21"])
def test_every_move_of_the_example_keeps_the_contract(acts, act_id):
    cut = upto(acts, act_id)
    move = analyze(cut)["next_move"]
    assert violations(cut, move) == []


def test_a_counter_in_the_example_gives_within_the_limits_and_asks(acts):
    cut = upto(acts, "a19")
    move = analyze(cut)["next_move"]
    assert move["kind"] == "counter"
    terms = {k: Decimal(v) for k, v in move["terms"].items()}
    # Dana's limits: price 0.86 (the approval a15 extends it to 0.87), payment 60, term 24
    assert Decimal("0.84") <= terms["price"] <= Decimal("0.87")
    assert terms["payment"] >= 60 and terms["term"] <= 24
    assert move["asks"] and all(k in ("price", "payment", "term", "volume", "rebate", "otif")
                                for k in move["asks"])
    assert "≈ EUR" in move["why"]


def test_room_safe_and_sealed_reasons_name_no_figure(acts):
    for act_id in ("a7", "a9", "a17", "a19", "a21"):
        why = analyze(upto(acts, act_id), room_safe=True)["next_move"]["why"]
        assert not re.search(r"\d", why), why
        assert "EUR" not in why


def test_without_the_key_the_move_holds_and_names_nothing_sealed(acts):
    sealed = {"sealed": "x"}
    locked = [Act(a.seq, a.negotiation, a.meeting, a.id, a.kind, a.by, a.role, a.at,
                  {**a.payload, "target": sealed, "walk_away": sealed}) if a.kind == "issue"
              else a for a in upto(acts, "a19")]
    move = analyze(locked)["next_move"]
    assert move["kind"] == "hold"
    assert not re.search(r"\d", move["why"])
    assert violations(locked, move) == []


def test_a_nibble_after_the_agreement_is_held(acts):
    cut = upto(acts, "a21")  # tentative agreement a20, then their nibble tactic
    nibble = Act(cut[-1].seq + 1, 1, 1, "n1", "offer", "Dana Whitfield", "lead", cut[-1].at,
                 {"side": "them", "terms": {"price": "0.875", "payment": "50"}})
    move = analyze([*cut, nibble])["next_move"]
    assert move["kind"] == "hold"  # they moved back on an agreed term: do not pay twice
    assert move["terms"]["payment"] == "60"  # the agreed value stands
    assert violations([*cut, nibble], move) == []


def test_walk_away_when_they_stop_past_our_walk_away(acts):
    cut = upto(acts, "a5")
    stuck = {"price": "0.97", "payment": "30", "term": "36", "volume": "90", "rebate": "0.0",
             "otif": "94"}
    more = [Act(cut[-1].seq + n, 1, 1, f"s{n}", "offer", "Dana Whitfield", "lead", cut[-1].at,
                {"side": "them", "terms": stuck}) for n in range(1, 5)]
    kinds = [analyze([*cut, *more[:n]])["next_move"]["kind"] for n in range(1, 5)]
    assert kinds[0] == "hold" and kinds[-1] == "walk_away"
    move = analyze([*cut, *more])["next_move"]
    assert move["terms"] == {} and "BATNA" in move["why"]


# --- caucus next ------------------------------------------------------------------------------


def test_caucus_next_prints_a_line_that_parses_back_and_logs(run_cli, tmp_path, workspace_path):
    data = json.loads(MONEY.read_text(encoding="utf-8"))
    acts_ = data["meetings"][0]["acts"]
    data["meetings"][0]["acts"] = acts_[: [a["id"] for a in acts_].index("a19") + 1]
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(data), encoding="utf-8")
    assert run_cli("import", cut).returncode == 0
    shown = run_cli("next", "--json")
    move = json.loads(shown.stdout)
    result = run_cli("next")
    assert result.returncode == 0
    line = result.stdout.strip()
    assert move["kind"] in result.stderr and move["why"] in result.stderr
    prep = fold(scenario_acts(load_scenario(MONEY)))
    offer = parse(line, Vocabulary(prep.issues))
    assert offer.side == "us"
    assert {k: str(v) for k, v in offer.terms.items()} == move["terms"]
    assert {k: str(v) for k, v in offer.asks.items()} == move["asks"]
    logged = run_cli("log", "--as", "Dana Whitfield", "offer", *line.split())
    assert logged.returncode == 0, logged.stderr
    rows = json.loads(run_cli("timeline", "--json").stdout)
    assert (rows[-1]["terms"], rows[-1].get("asks", {})) == (move["terms"], move["asks"])
    after = run_cli("next")
    assert (after.returncode, after.stdout) == (0, "")  # the latest offer is ours now
    assert "no next move" in after.stderr


def test_analyze_json_carries_economics_and_the_next_move(run_cli):
    assert run_cli("import", MONEY).returncode == 0
    result = json.loads(run_cli("analyze", "--json").stdout)
    assert result["economics"]["ours"] == "967450"
    assert result["next_move"] is None
    assert result["ledger"][0]["gives_value"] == "420000"


def test_eval_coach_runs_and_the_coach_keeps_the_contract(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import eval_coach
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    results = eval_coach.evaluate(4, 1000, ["linear", "tit_for_tat", "nibbler"])
    rows = [r for per in results["coach"].values() for r in per]
    assert eval_coach.figures(rows)["violations"] == 0
    assert any(o.deal is not None for _, o in rows)
    assert shutil.which  # the benchmark script itself is importable and deterministic
    assert eval_coach.figures(rows) == eval_coach.figures(
        [r for per in eval_coach.evaluate(4, 1000, ["linear", "tit_for_tat", "nibbler"])[
            "coach"].values() for r in per])


# --- the report and the debrief carry the money -----------------------------------------------


def test_the_debrief_draft_words_their_moves_and_our_unpaid_gives_in_money(acts):
    from app.review import debrief_draft

    draft = debrief_draft(acts)
    # their payment 30 (a2) → 60 agreed: 30 days × 2,660 = 79,800; OTIF 94 → 96: 2 × 18,000
    assert draft["their_concessions"]["payment"]["worth"] == "79800"
    assert draft["their_concessions"]["otif"]["worth"] == "36000"
    assert draft["their_concessions"]["term"]["worth"] is None
    assert "Payment terms 30 → 60 days (67% of our range; ≈ EUR 79,800 a year)" in \
        draft["form"]["conceded"]
    assert "a22 (price; ≈ EUR 70,000 a year)" in draft["form"]["differently"]


def test_the_report_carries_the_money_and_the_room_safe_one_does_not(acts, tmp_path):
    from test_report import pdf_text

    from app.report import write_pdf

    write_pdf(tmp_path / "r.pdf", acts)
    write_pdf(tmp_path / "s.pdf", acts, room_safe=True)
    text, safe = pdf_text(tmp_path / "r.pdf"), pdf_text(tmp_path / "s.pdf")
    assert "ours EUR 967,450, theirs EUR 529,400 (gap EUR 438,050)" in text
    assert "Gives a year" in text and "EUR 420,000" in text and "EUR 243,000" in text
    assert not re.search(r"EUR [\d-]", safe)  # room-safe: no money at all
    assert "Gives a year" not in safe


# --- value_per_unit in the scenario -----------------------------------------------------------


def test_value_per_unit_round_trips_through_import_and_export(tmp_path):
    from app import scenario
    from app.workspace import Workspace

    with Workspace(tmp_path / "w.caucus") as ws:
        with ws.unit(auto_ids=False) as unit:
            n = scenario.import_scenario(unit, scenario.load(MONEY))
        out = scenario.export_scenario(ws.acts(n))
    values = {i["key"]: i.get("value_per_unit") for i in out["issues"]}
    assert values == {"price": "14000000", "payment": "2660", "term": None, "volume": None,
                      "rebate": "121500", "otif": "18000"}
    assert fold(scenario_acts(load_scenario(MONEY))).issues["rebate"].value_per_unit == \
        Decimal("121500")


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "issues[0].value_per_unit: -1 is negative"),
    ("lots", 'issues[0].value_per_unit: "lots" is not a number'),
])
def test_a_bad_value_per_unit_is_refused_at_its_path(tmp_path, value, message):
    from app import scenario
    from app.errors import InvalidInput
    from app.workspace import Workspace

    data = scenario.load(MONEY)
    data["issues"][0]["value_per_unit"] = value
    with Workspace(tmp_path / "w.caucus") as ws, pytest.raises(InvalidInput) as caught, \
            ws.unit(auto_ids=False) as unit:
        scenario.import_scenario(unit, data)
    assert message in [str(p) for p in caught.value.problems]
