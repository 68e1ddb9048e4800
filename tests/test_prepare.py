"""The Qt-free preparation helpers: the suggested ladder, the asks, the leverage balance and where
each missing readiness item is filled in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.analysis import readiness
from app.domain import Issue, Member, Preparation
from app.prepare import (
    GENERIC_ASKS,
    leverage_balance,
    locate,
    missing_summary,
    suggest_asks,
    suggest_ladder,
)
from app.rules import check_plan

D = Decimal


def _issue(better: str, opening: str, target: str, walk_away: str, unit: str | None = None,
           key: str = "x", label: str | None = None, weight: str | None = None) -> Issue:
    return Issue(key, better, D(opening), D(target), D(walk_away), label=label, unit=unit,
                 weight=D(weight) if weight else None)


def _sizes(issue: Issue, ladder: list[Decimal]) -> list[Decimal]:
    return [abs(b - a) for a, b in zip([issue.opening, *ladder], ladder, strict=False)]


# --- suggest_ladder -----------------------------------------------------------------------------


@pytest.mark.parametrize(("issue", "expected"), [
    (_issue("lower", "0.78", "0.84", "0.90"), ["0.81", "0.83", "0.84"]),
    (_issue("higher", "90", "60", "45"), ["73", "65", "60"]),
    (_issue("lower", "12", "24", "36"), ["18", "22", "24"]),
    (_issue("higher", "3.0", "1.5", "0.5"), ["2.2", "1.8", "1.5"]),
])
def test_ladder_halves_each_step_rounded_toward_the_opening(issue, expected):
    ladder = suggest_ladder(issue)
    assert ladder == [D(v) for v in expected]
    sizes = _sizes(issue, ladder)
    assert all(b < a for a, b in zip(sizes, sizes[1:], strict=False))
    assert ladder[-1] == issue.target


def test_ladder_on_a_narrow_range_takes_a_finer_precision_rather_than_flat_steps():
    otif = _issue("higher", "98", "96", "95", unit="%")
    assert suggest_ladder(otif) == [D("96.9"), D("96.3"), D("96")]


def test_ladder_prefers_fewer_whole_steps_to_a_finer_precision():
    issue = _issue("lower", "10", "13", "20")
    assert suggest_ladder(issue) == [D("12"), D("13")]


def test_ladder_is_empty_when_the_opening_is_the_target():
    assert suggest_ladder(_issue("lower", "5", "5", "9")) == []


def test_ladder_needs_a_step():
    with pytest.raises(ValueError):
        suggest_ladder(_issue("lower", "1", "2", "3"), steps=0)


def test_suggested_ladder_passes_the_plan_rules():
    issue = _issue("higher", "90", "60", "45", unit="days", key="payment")
    prep = Preparation(issues={"payment": issue})
    ladder = suggest_ladder(issue, 4)
    _, problems = check_plan({"issue": "payment", "steps": [str(v) for v in ladder]}, prep)
    assert problems == []


_amount = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False,
                      allow_infinity=False)


@given(a=_amount, b=_amount, c=_amount, better=st.sampled_from(["lower", "higher"]),
       steps=st.integers(min_value=1, max_value=5))
def test_ladder_diminishes_within_the_positions(a, b, c, better, steps):
    opening, target, walk_away = sorted([a, b, c], reverse=(better == "higher"))
    if opening == walk_away:
        return
    issue = Issue("x", better, opening, target, walk_away)
    ladder = suggest_ladder(issue, steps)
    if opening == target:
        assert ladder == []
        return
    assert 1 <= len(ladder) <= steps
    assert ladder[-1] == target
    previous = opening
    for value in ladder:
        assert issue.is_worse(value, previous)  # moves toward the walk-away…
        assert not issue.is_worse(value, target)  # …but never past the target
        previous = value
    sizes = _sizes(issue, ladder)
    assert all(b < a for a, b in zip(sizes, sizes[1:], strict=False))


# --- suggest_asks -------------------------------------------------------------------------------


def test_asks_are_the_other_issues_at_their_target_weightiest_first():
    prep = Preparation(issues={
        "price": _issue("lower", "0.78", "0.84", "0.90", "EUR/box", "price", "Unit price", "0.5"),
        "payment": _issue("higher", "90", "60", "45", "days", "payment", "Payment terms", "0.1"),
        "rebate": _issue("higher", "3.0", "1.5", "0.5", "%", "rebate", None, "0.4"),
    })
    assert suggest_asks(prep, "price") == ["rebate at 1.5%", "Payment terms at 60 days"]


def test_a_single_issue_gets_generic_asks():
    prep = Preparation(issues={"price": _issue("lower", "1", "2", "3", key="price")})
    assert suggest_asks(prep, "price") == list(GENERIC_ASKS)


# --- leverage_balance ---------------------------------------------------------------------------


def test_leverage_counts_plain_levers_as_one():
    prep = Preparation(leverage={"ours": ["volume", "growth", "prompt payment"],
                                 "theirs": ["switching cost"]})
    balance = leverage_balance(prep)
    assert (balance["ours"], balance["theirs"], balance["holder"]) == (D(3), D(1), "us")
    assert balance["summary"].startswith("We hold")
    assert balance["summary"].count(".") == 1  # one sentence


def test_leverage_weights_decide():
    prep = Preparation(leverage={"ours": ["volume", {"text": "growth", "weight": "0.5"}],
                                 "theirs": [{"text": "only supplier", "weight": "3"}]})
    balance = leverage_balance(prep)
    assert (balance["ours"], balance["theirs"], balance["holder"]) == (D("1.5"), D(3), "them")
    assert "supplier holds" in balance["summary"]


def test_leverage_even_and_unmapped():
    even = leverage_balance(Preparation(leverage={"ours": ["a", "b"], "theirs": ["c", "d"]}))
    assert even["holder"] == "balanced"
    assert "2 against 2" in even["summary"]
    none = leverage_balance(Preparation())
    assert none["holder"] is None and "No leverage" in none["summary"]


# --- readiness places ---------------------------------------------------------------------------


def test_every_missing_item_of_a_bare_preparation_has_a_place():
    prep = Preparation(team={"Ann": Member("Ann", "lead")}, issues={
        "price": _issue("lower", "1", "2", "3", key="price", label="Unit price")})
    report = readiness(prep)
    places = [locate(prep, m) for item in report["items"] for m in item["missing"]]
    assert {p.section for p in places} == {"issues", "batna", "leverage", "team", "plan"}
    assert all(p.section != "readiness" for p in places)  # nothing left unplaced
    bench = locate(prep, "price.benchmark")
    assert (bench.section, bench.issue, bench.field) == ("issues", "price", "benchmark")
    assert "Unit price: no market benchmark" in missing_summary(prep, report)
