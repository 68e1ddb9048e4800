"""Strategy selector, Kraljic quadrant, readiness checklist and the tactics playbook."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

try:
    from tests.analysis_fixtures import example_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import example_acts

from app.analysis import kraljic, readiness, strategy
from app.analysis.playbook import playbook, resource_path, tactic_entry
from app.domain import KNOWN_TACTICS, Issue, Member, Preparation
from app.state import fold


@pytest.mark.parametrize(("situation", "approach"), [
    # weak BATNA wins over everything
    ({"batna": "weak", "spend": "tail", "relationship": "strategic", "suppliers": "single"},
     "relationship-led"),
    ({"batna": "weak"}, "relationship-led"),
    # then tail spend
    ({"spend": "tail", "suppliers": "single", "relationship": "strategic"}, "automated"),
    ({"spend": "tail", "batna": "strong"}, "automated"),
    # then strategic relationship or few/single suppliers
    ({"relationship": "strategic", "suppliers": "many"}, "collaborative"),
    ({"suppliers": "few"}, "collaborative"),
    ({"suppliers": "single", "relationship": "transactional", "spend": "core"}, "collaborative"),
    # otherwise competitive
    ({"suppliers": "many", "relationship": "transactional"}, "competitive"),
    ({"batna": "strong", "spend": "core"}, "competitive"),
    ({}, "competitive"),
])
def test_selector_rows_in_order(situation, approach):
    s = strategy(situation)
    assert s["approach"] == approach
    assert s["key_move"] and s["reason"].endswith(".")
    assert set(s) == {"approach", "key_move", "reason", "kraljic"}


def test_competitive_key_move_matches_the_spec():
    assert strategy({"suppliers": "many"})["key_move"] == "Use market leverage, benchmark hard"


@pytest.mark.parametrize(("suppliers", "spend", "quadrant"), [
    ("many", "core", "leverage"), ("few", "core", "strategic"), ("single", "core", "strategic"),
    ("few", "tail", "bottleneck"), ("single", "tail", "bottleneck"),
    ("many", "tail", "non-critical"),
])
def test_kraljic_quadrants(suppliers, spend, quadrant):
    k = kraljic({"suppliers": suppliers, "spend": spend})
    assert k["quadrant"] == quadrant
    assert k["reason"].count(".") == 1 and k["reason"].endswith(".")  # one sentence


def test_kraljic_unknown_without_suppliers_or_spend():
    assert kraljic({"suppliers": "many"})["quadrant"] is None
    assert kraljic({})["reason"]


def items(report):
    return {i["item"]: i for i in report["items"]}


def test_readiness_of_the_example():
    r = readiness(fold(example_acts()))
    got = items(r)
    assert [i["item"] for i in r["items"]] == ["market", "positions", "batna", "levers", "team",
                                               "plan"]
    assert not got["market"]["ok"]
    assert "price.benchmark" not in got["market"]["missing"]
    assert "payment.benchmark" in got["market"]["missing"]
    assert all(got[k]["ok"] for k in ("positions", "batna", "levers", "team", "plan"))
    # market credit = weight share with both numbers = 0.45; five items complete: (5.45/6)·100
    assert r["score"] == 91
    json.dumps(r)


def test_readiness_of_an_empty_preparation():
    r = readiness(Preparation())
    assert r["score"] == 0
    assert all(not i["ok"] and i["missing"] and i["message"] for i in r["items"])


def test_readiness_lists_what_is_missing():
    prep = Preparation(title="t", supplier="s")
    prep.issues["price"] = Issue("price", "lower", Decimal("1"), Decimal("2"), Decimal("3"),
                                 benchmark=Decimal("2"), should_cost=Decimal("1.5"))
    prep.team["Ann"] = Member("Ann", "lead")
    prep.batna = {"ours": "re-tender"}
    got = items(readiness(prep))
    assert got["market"]["ok"] and got["positions"]["ok"]
    assert got["batna"]["missing"] == ["batna.theirs"]
    assert got["levers"]["missing"] == ["leverage.ours", "non-price issues"]
    assert got["team"]["missing"] == ["approver", "authority"]
    assert got["plan"]["missing"] == ["plan"]
    prep.leverage = {"ours": ["volume"]}
    assert items(readiness(prep))["levers"]["ok"]


def test_playbook_covers_the_known_tactics():
    assert resource_path("tactics.json").exists()
    tactics = playbook()["tactics"]
    for tag in KNOWN_TACTICS:
        entry = tactics[tag]
        assert set(entry) == {"label", "recognise", "counter"}
        assert all(len(text) > 20 for key, text in entry.items() if key != "label")


def test_unknown_tactic_gets_the_general_counter():
    entry = tactic_entry("salami_slicing")
    assert entry["label"] == "Salami slicing"
    assert entry["counter"] == playbook()["default"]["counter"]
