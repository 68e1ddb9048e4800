"""Which numbers make sense: a coarse bound for any figure, and a range and precision per issue.

Every number that enters the journal is checked here before any arithmetic is done on it: the
exponent and the digits of a ``Decimal`` are read without computing with it, so that
``1e999999999`` is refused at once instead of being written out digit by digit.

Per issue, the range follows the order of magnitude of its opening and walk-away (the opening
alone while the walk-away is sealed to this process): values up to a hundred times the next
power of ten above them, none below zero where the positions are not negative, zero itself only
where higher is better (no rebate, no payment days) and not where lower is (a price of 0), and
at most four more decimals than the positions are written with (two at least: 0.80 and 0.8 both
let a price carry six). The bounds say nothing finer than an order of magnitude, so they give no
confidential figure away in a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain import Issue

#: Any figure at all (an issue's own positions, a weight): at most this large, this fine.
MAX_ADJUSTED_EXPONENT = 14  # below 10^15
MAX_DECIMALS = 10
#: Per issue: up to this many times the next power of ten above the positions …
SPAN_FACTOR = 100
#: … and this many decimals more than the positions are written with (at least 2 + 4).
EXTRA_DECIMALS = 4


def decimals(value: Decimal, as_written: bool = False) -> int:
    """How many digits ``value`` has after the decimal point, trailing zeros left out (0.780 has
    2) unless ``as_written`` (0.780 has 3). Read from the digits: no rounding, no arithmetic."""
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    places = -exponent
    if as_written:
        return places
    for digit in reversed(digits):
        if digit or not places:
            break
        places -= 1
    return places


def coarse_problem(value: Decimal) -> str | None:
    """Why ``value`` is no sane figure of any kind (too large, too fine), or None. No arithmetic."""
    if value and value.adjusted() > MAX_ADJUSTED_EXPONENT:
        return "is too large"
    if decimals(value) > MAX_DECIMALS:
        return f"has too many decimals (at most {MAX_DECIMALS})"
    return None


@dataclass(frozen=True)
class IssueRange:
    """The values an issue takes: ``low`` … ``high`` (``low_open``: ``low`` itself excluded)."""

    low: Decimal
    high: Decimal
    low_open: bool
    places: int

    def problem(self, value: Decimal) -> str | None:
        """Why ``value`` falls outside the range, or None."""
        if decimals(value) > self.places:
            return f"has more than {self.places} decimals"
        if value > self.high or value < self.low or (self.low_open and value == self.low):
            return "is out of range"
        return None

    def words(self, unit: str | None) -> str:
        """``above 0 and at most 100 EUR/box, with at most 6 decimals``."""
        u = f" {unit}" if unit else ""
        low = f"above {self.low} and" if self.low_open else f"from {self.low}"
        return f"{low} up to {self.high}{u}, with at most {self.places} decimals"


def issue_range(issue: Issue) -> IssueRange:
    """The sane values of ``issue`` (see the module's docstring)."""
    known = [v for v in (issue.opening, issue.walk_away) if v is not None]
    scale = max(abs(v) for v in known)
    power = Decimal(1)
    while power < scale:
        power *= 10
    high = power * SPAN_FACTOR
    places = max(max(decimals(v, as_written=True) for v in known), 2) + EXTRA_DECIMALS
    if any(v < 0 for v in known):
        return IssueRange(-high, high, False, places)
    zero_excluded = issue.better == "lower" and all(v > 0 for v in known)
    return IssueRange(Decimal(0), high, zero_excluded, places)


def issue_value_problem(issue: Issue, value: Decimal) -> str | None:
    """Why ``value`` is not a sane value of ``issue``, with the range in words, or None."""
    sane = issue_range(issue)
    problem = sane.problem(value)  # comparisons and digits only: fast for any exponent
    if problem is None:
        return None
    return (f"{_shown(value)} {problem} for {issue.label or issue.key}: give a value "
            f"{sane.words(issue.unit)}")


def _shown(value: Decimal) -> str:
    """The value as typed where that is short; in scientific notation when it is huge or tiny."""
    return str(value) if abs(value.adjusted()) > 20 else format(value, "f")
