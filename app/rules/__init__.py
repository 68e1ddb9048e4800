"""Validation of all that enters the journal, shared by the services and the scenario importer.

Each ``check_*`` function takes raw data (as parsed from JSON, a form or the command line) and
returns the clean payload to store plus every problem found, each with a path relative to the
checked object. The services raise on the first batch; the importer prefixes the paths and keeps
collecting. ``check`` reads raw values, ``prep`` checks the preparation, ``acts`` meeting acts.
"""

from app.rules.acts import (
    ACT_FIELDS,
    ActContext,
    check_act,
    check_envelope,
    unusable_values,
)
from app.rules.check import (
    KEY_RE,
    NOT_AN_ISSUE,
    NOT_ON_TEAM,
    TEXTS,
    Checker,
    Problem,
    format_time,
    not_an_issue,
    not_on_team,
    parse_iso,
    parse_time,
)
from app.rules.prep import (
    STRATEGIES,
    check_authority,
    check_batna,
    check_debrief,
    check_issue,
    check_leverage,
    check_member,
    check_negotiation,
    check_plan,
    check_strategy,
    issue_payload,
    position_order_problems,
)

__all__ = [
    "ACT_FIELDS", "KEY_RE", "NOT_AN_ISSUE", "NOT_ON_TEAM", "STRATEGIES", "TEXTS", "ActContext",
    "Checker", "Problem", "check_act", "check_authority", "check_batna", "check_debrief",
    "check_envelope", "check_issue", "check_leverage", "check_member", "check_negotiation",
    "check_plan", "check_strategy", "format_time", "issue_payload", "not_an_issue",
    "not_on_team", "parse_iso", "parse_time", "position_order_problems", "unusable_values",
]
