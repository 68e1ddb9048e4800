"""The resistance-point forecast and its evaluation script."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from app.analysis.forecast import forecast
from app.domain import Issue

ROOT = Path(__file__).resolve().parents[1]
PRICE = Issue("price", "lower", Decimal("0.78"), Decimal("0.84"), Decimal("0.90"))
REBATE = Issue("rebate", "higher", Decimal("3.0"), Decimal("1.5"), Decimal("0.5"))


def d(*values):
    return [Decimal(v) for v in values]


def numbers(f):
    return Decimal(f["low"]), Decimal(f["estimate"]), Decimal(f["high"])


def test_null_until_three_offers():
    assert forecast(PRICE, d("0.97", "0.93"), Decimal("0.80")) is None
    assert forecast(PRICE, d("0.97", "0.93", "0.91"), Decimal("0.84"))["offers"] == 3


def test_example_after_a11_is_plausible():
    f = forecast(PRICE, d("0.97", "0.93", "0.91"), Decimal("0.84"))
    low, est, high = numbers(f)
    assert f["signal"] == "shrinking"
    assert Decimal("0.84") <= low <= est <= high <= Decimal("0.91")
    assert Decimal("0.87") <= est <= Decimal("0.90")  # 0.91 − 0.02·ρ/(1−ρ) for ρ ≈ 0.5


def test_geometric_sequence_converges_on_its_limit():
    # concessions 0.08, 0.04, 0.02, 0.01: the limit is 0.80
    f = forecast(PRICE, d("0.95", "0.87", "0.83", "0.81", "0.80"), Decimal("0.70"))
    low, est, high = numbers(f)
    assert abs(est - Decimal("0.79")) <= Decimal("0.005")
    assert low <= Decimal("0.79") <= high


def test_mirrored_for_higher_is_better():
    f = forecast(REBATE, d("0.0", "1.0", "1.5", "1.75"), Decimal("3.0"))
    low, est, high = numbers(f)
    assert Decimal("1.75") <= low <= est <= high <= Decimal("3.0")
    assert abs(est - Decimal("2.0")) <= Decimal("0.1")


def test_steady_concessions_are_a_weak_signal_with_the_whole_window():
    f = forecast(PRICE, d("0.97", "0.95", "0.93", "0.91"), Decimal("0.84"))
    assert f["signal"] == "weak"
    assert (f["low"], f["high"]) == ("0.840", "0.910")


def test_no_concession_at_all_is_weak():
    f = forecast(PRICE, d("0.97", "0.97", "0.97"), Decimal("0.84"))
    assert f["signal"] == "weak"


def test_met_when_their_offer_already_reaches_ours():
    f = forecast(PRICE, d("0.97", "0.90", "0.86"), Decimal("0.87"))
    assert f["signal"] == "met"
    assert f["estimate"] == f["low"] == f["high"] == "0.860"


def test_a_held_last_offer_stays_inside_the_interval():
    f = forecast(PRICE, d("0.97", "0.93", "0.91", "0.91"), Decimal("0.84"))
    assert Decimal(f["high"]) == Decimal("0.91")


def test_without_our_offer_the_window_ends_at_our_opening():
    f = forecast(PRICE, d("0.97", "0.95", "0.93", "0.91"), None)
    assert Decimal(f["low"]) == Decimal("0.78")


sequences = st.lists(st.integers(0, 400), min_size=3, max_size=12)


@settings(max_examples=300, deadline=None)
@given(sequences, st.integers(-100, 500), st.booleans())
def test_always_ordered_and_inside_the_window(steps, ours, higher):
    issue = REBATE if higher else PRICE
    sign = 1 if higher else -1
    start = Decimal("1.0")
    theirs = [start + sign * Decimal(s) / 1000 for s in steps]
    our = start + sign * Decimal(ours) / 1000
    f = forecast(issue, theirs, our)
    low, est, high = numbers(f)
    assert low <= est <= high
    last = theirs[-1]
    if issue.is_better(our, last):
        assert min(our, last) <= low and high <= max(our, last)
    else:
        assert low == est == high == last


def test_eval_script_prints_figures_for_every_family():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "eval_forecast.py"), "--n", "60", "--seed", "3"],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout
    for family in ("shrinking", "boulware", "linear", "conceder", "stepwise", "slow", "late",
                   "beyond", "ALL", "ALL held out"):
        row = next(line for line in out.splitlines() if line.startswith(family))
        figures = re.findall(r"\d+\.\d+%?", row)
        assert len(figures) >= 6, row


def test_eval_is_reproducible_and_beats_the_last_offer_where_concessions_shrink():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import eval_forecast
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    first = eval_forecast.evaluate(300, 5)
    assert first == eval_forecast.evaluate(300, 5)
    shrinking = first["shrinking"]
    assert shrinking["forecast"] < 0.5 * shrinking["last_offer"]
    assert 0.6 <= shrinking["coverage"] <= 0.95
