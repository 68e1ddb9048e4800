"""Acts are judged against the preparation as it stood when they were logged."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

try:
    from tests.analysis_fixtures import example_acts
except ImportError:  # tests/ itself is on sys.path
    from analysis_fixtures import example_acts

from app.analysis import Analyzer, analyze
from app.domain import Act


def _prep_act(after: Act, kind: str, payload: dict) -> Act:
    return Act(after.seq + 1, after.negotiation, after.meeting, None, kind, "Dana Whitfield",
               "lead", datetime(2027, 1, 14, 10, 40, tzinfo=UTC), payload)


def _authority_alerts(result: dict) -> list[tuple]:
    return [(a["act"], a["issue"]) for a in result["alerts"] if a["kind"] == "beyond_authority"]


def _without_approval(acts: list[Act]) -> list[Act]:
    return [a for a in acts if a.id not in ("a14", "a15")]


def test_raising_a_limit_later_keeps_the_alert_the_lower_limit_raised():
    acts = _without_approval(example_acts())
    before = _authority_alerts(analyze(acts))
    assert ("a22", "price") in before
    raised = _prep_act(acts[-1], "authority",
                       {"member": "Dana Whitfield", "issue": "price", "limit": "0.90"})
    assert _authority_alerts(analyze([*acts, raised])) == before


def test_a_limit_raised_before_the_offer_does_count():
    acts = _without_approval(example_acts())
    at = next(n for n, a in enumerate(acts) if a.id == "a22")
    raised = _prep_act(acts[at - 1], "authority",
                       {"member": "Dana Whitfield", "issue": "price", "limit": "0.90"})
    result = analyze([*acts[:at], raised, *acts[at:]])
    assert ("a22", "price") not in _authority_alerts(result)


def test_incremental_prep_edit_equals_full_analysis():
    acts = example_acts()
    issue = next(a for a in acts if a.kind == "issue" and a.payload["key"] == "otif")
    changed = dataclasses.replace(issue, seq=acts[-1].seq + 1,
                                  payload={**issue.payload, "walk_away": "94"})
    incremental = Analyzer().extend(acts)
    incremental.add(changed)
    assert incremental.result() == analyze([*acts, changed])
