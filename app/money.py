"""Money: what an issue is worth to us a year, worked out and written for a person.

Qt-free and exact: amounts are ``Decimal`` from input to text, never floats. ``money`` is the one
formatter the CLI, the reports and the debrief use (the console formats by the system's locale).
The calculator turns what a buyer knows — annual volume, annual spend, cost of capital — into an
issue's ``value_per_unit`` (SCENARIO.md §3), and shows the arithmetic.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from app.domain import Issue
from app.numbers import dec_str

CENT = Decimal("0.01")
DAYS_A_YEAR = 365
#: The three ways an issue's unit can be worth money (``value_per_unit`` cases).
KINDS = ("price", "payment_days", "rebate_percent")
_SCALES = ((Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k"))


class Worked(NamedTuple):
    """A ``value_per_unit`` and the arithmetic that gave it, as a sentence."""

    value: Decimal
    text: str


def money(amount: Decimal, currency: str | None = None, *, compact: bool = False,
          places: int | None = None) -> str:
    """An amount with its currency and thousands separators: ``EUR 39,900``, ``EUR -1,250.50``.

    Whole units from 100 up, cents below, unless ``places`` says; ``compact`` gives three
    significant figures with k / M / bn (``EUR 967k``), for a figure read at a glance.
    """
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    if compact:
        number = _compact(size)
    else:
        places = places if places is not None else 0 if size >= 100 else 2
        number = format(size, f",.{places}f")
    return f"{currency} {sign}{number}" if currency else f"{sign}{number}"


def _compact(size: Decimal) -> str:
    for scale, suffix in _SCALES:
        if size >= scale:
            scaled = size / scale
            places = 0 if scaled >= 100 else 1 if scaled >= 10 else 2
            return format(scaled, f",.{places}f") + suffix
    return format(size, ".0f" if size >= 100 else ".2f")


def yearly(issue: Issue, delta: Decimal) -> Decimal | None:
    """What a move of ``delta`` units on ``issue`` is worth a year (None without a value)."""
    if issue.value_per_unit is None:
        return None
    return issue.value_per_unit * abs(delta)


def worth_text(issue: Issue, delta: Decimal, currency: str | None) -> str | None:
    """``"Payment terms 15 days ≈ EUR 39,900 a year"``, or None when the issue has no value."""
    value = yearly(issue, delta)
    if value is None:
        return None
    amount = dec_str(abs(delta).normalize())
    unit = f" {issue.unit}" if issue.unit else ""
    return f"{issue.label or issue.key} {amount}{unit} ≈ {money(value, currency)} a year"


# --- the calculator ---------------------------------------------------------------------------


def per_unit_price(volume: Decimal, currency: str | None = None) -> Worked:
    """A price per unit: one currency unit off the price saves the annual volume a year."""
    _positive(volume, "annual volume")
    cent = money(volume * CENT, currency)
    text = (f"{format(volume, ',f')} units a year: each 1 off the unit price is worth "
            f"{money(volume, currency)} a year (0.01 off: {cent})")
    return Worked(volume, text)


def per_payment_day(spend: Decimal, cost_of_capital: Decimal,
                    currency: str | None = None) -> Worked:
    """Payment days: each day longer keeps ``spend × cost of capital ÷ 365`` a year.

    Args:
        spend: Annual spend with the supplier.
        cost_of_capital: Our cost of capital in percent a year (8 for 8 %).
        currency: For the text.
    """
    _positive(spend, "annual spend")
    _positive(cost_of_capital, "cost of capital")
    value = (spend * cost_of_capital / 100 / DAYS_A_YEAR).quantize(CENT, ROUND_HALF_EVEN)
    text = (f"{money(spend, currency)} a year × {dec_str(cost_of_capital)} % cost of capital "
            f"÷ {DAYS_A_YEAR} days = {money(value, currency, places=2)} a year for each day of "
            f"payment terms")
    return Worked(value, text)


def per_rebate_point(spend: Decimal, currency: str | None = None) -> Worked:
    """A rebate in %: each point returns one hundredth of the annual spend a year."""
    _positive(spend, "annual spend")
    value = (spend / 100).quantize(CENT, ROUND_HALF_EVEN)
    text = (f"{money(spend, currency)} a year ÷ 100 = {money(value, currency, places=2)} a "
            f"year for each point of rebate")
    return Worked(value, text)


def value_per_unit(kind: str, *, volume: Decimal | None = None, spend: Decimal | None = None,
                   cost_of_capital: Decimal | None = None,
                   currency: str | None = None) -> Worked:
    """The calculator: ``kind`` is one of ``KINDS``; give what that case needs.

    Raises:
        ValueError: an unknown kind, or a figure missing, negative or zero where it divides.
    """
    if kind == "price":
        return per_unit_price(_given(volume, "annual volume"), currency)
    if kind == "payment_days":
        return per_payment_day(_given(spend, "annual spend"),
                               _given(cost_of_capital, "cost of capital"), currency)
    if kind == "rebate_percent":
        return per_rebate_point(_given(spend, "annual spend"), currency)
    raise ValueError(f'"{kind}" is not one of {", ".join(KINDS)}')


def _given(value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise ValueError(f"{name} is needed")
    return value


def _positive(value: Decimal, name: str) -> None:
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a number of 0 or more, not {value}")
