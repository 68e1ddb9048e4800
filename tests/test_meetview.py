"""``app.meetview``: offers on a shared axis, concession trends and authority use, on the example.

Example offers in order: a2 them, a5 us, a7 them, a8 us, a9 them, a11 us, a17 them, a18 us,
a19 them, a22 us (offer numbers 1..10). Dana's price limit 0.86; a15 grants price up to 0.87.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

try:
    from tests.analysis_fixtures import example_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import example_acts

from app import meetview
from app.state import fold

DANA = "Dana Whitfield"


def upto(acts, act_id):
    index = next(n for n, a in enumerate(acts) if a.id == act_id)
    return acts[: index + 1]


def test_offer_points_number_offers_of_both_sides():
    points = meetview.offer_points(example_acts(), "price")
    assert [(p.n, str(p.value)) for p in points["them"]] == [
        (1, "0.97"), (3, "0.93"), (5, "0.91"), (7, "0.89"), (9, "0.875")]
    assert [p.n for p in points["us"]] == [2, 4, 6, 8, 10]
    assert [p.act.id for p in meetview.offer_points(example_acts(), "payment")["them"]] == [
        "a2", "a7", "a17"]


def test_withdrawn_offers_leave_the_axis():
    acts = example_acts()
    last = acts[-1]
    retract = replace(last, seq=last.seq + 1, id="r1", kind="retract",
                      payload={"act": "a22", "reason": "typo"})
    acts = [*acts, retract]
    assert [p.n for p in meetview.offer_points(acts, "price")["us"]] == [2, 4, 6, 8]
    assert meetview.offer_count(acts) == 9


def test_axis_and_refs_place_every_meeting_act():
    acts = example_acts()
    axis = meetview.offer_axis(acts)
    by_id = {a.id: a for a in acts if a.id}
    assert axis[by_id["a2"].seq] == 1.0
    assert axis[by_id["a3"].seq] == 1.5  # the tactic after the first offer
    assert axis[by_id["a1"].seq] == 0.5  # the phase before any offer
    assert meetview.refs(acts)["a11"] is by_id["a11"]


def test_trend_follows_the_non_diminishing_rule():
    assert meetview.trend([0.25]) is None
    assert meetview.trend([0.25, 0.25]) == "not shrinking"
    assert meetview.trend([0.25, 0.1667]) == "shrinking"
    assert meetview.trend([0.1, 0.2]) == "not shrinking"


def test_meter_counts_limit_walk_away_and_approvals():
    acts = example_acts()
    prep = fold(acts)
    before = upto(acts, "a11")
    m = meetview.meter(prep, before, DANA, "price", Decimal("0.84"))
    assert m.limit == Decimal("0.86") and m.used == Decimal("0.5")  # 0.06 of 0.12
    assert m.limit_used == Decimal("0.75")  # (0.84 − 0.78) / (0.86 − 0.78)
    assert m.limit_at == Decimal("0.6666666666666666666666666667")
    assert not m.past_limit and not m.past_walk_away and m.approved_to is None
    assert meetview.meter(prep, before, DANA, "price", Decimal("0.865")).past_limit
    after = meetview.meter(prep, acts, DANA, "price", Decimal("0.865"))
    assert not after.past_limit and after.approved_to == Decimal("0.87")
    assert meetview.meter(prep, acts, DANA, "price", Decimal("0.91")).past_walk_away
    volume = meetview.meter(prep, acts, DANA, "volume", Decimal("75"))
    assert volume.limit is None and volume.used == Decimal("0.5")
    assert meetview.meter(prep, acts, DANA, "price", None).used is None
