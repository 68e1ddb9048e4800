"""Exact numbers: reading user and file input as ``Decimal`` and writing it back canonically."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from app.text import printable, shorten

#: No number anyone types or stores is longer; longer text is refused before it is read.
MAX_NUMBER_CHARS = 100


class NotANumber(ValueError):
    """A value that cannot be read as a finite decimal number."""


def parse_decimal(value: Any) -> Decimal:
    """Read ``value`` (a JSON number already parsed as Decimal, an int, or a string) exactly.

    Binary floats are refused: they would carry representation error into money.
    """
    if isinstance(value, bool) or value is None:
        raise NotANumber(f"{show_value(value)} is not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_CHARS:
            raise NotANumber(f"{show_value(value)} is not a number (over {MAX_NUMBER_CHARS} "
                             f"characters)")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise NotANumber(f"{show_value(value)} is not a number") from None
    else:
        raise NotANumber(f"{show_value(value)} is not a number")
    if not result.is_finite():
        raise NotANumber(f"{show_value(value)} is not a finite number")
    return result


#: Stored values the computations take: at most this many digits, and a magnitude (the exponent
#: of the leading digit) within ±READABLE_EXPONENT. The services refuse anything near these at
#: entry; a value written straight into the journal beyond them is left out of every computation
#: (1e999 would overflow, 1e-999 would need a thousand places, 1e999999999 a billion characters).
READABLE_DIGITS = 40
READABLE_EXPONENT = 18


def readable(value: Any) -> Decimal | None:
    """A stored value as a decimal the computations can use, or ``None`` if it is not one.

    Never raises: non-numbers, infinities, NaN and values outside the readable magnitude
    (``READABLE_EXPONENT``, ``READABLE_DIGITS``) all give ``None``.
    """
    if isinstance(value, str) and len(value) > 4 * READABLE_DIGITS:
        return None
    try:
        result = parse_decimal(value)
    except NotANumber:
        return None
    if not result:  # "0.00" stays as written; "0e-999999" would print a million zeros
        return result if abs(result.as_tuple().exponent) <= READABLE_DIGITS else Decimal(0)
    if len(result.as_tuple().digits) > READABLE_DIGITS:
        result = result.normalize()  # "1.000…0" with many zeros still reads
        if len(result.as_tuple().digits) > READABLE_DIGITS:
            return None
    if abs(result.adjusted()) > READABLE_EXPONENT:
        return None
    return result


def dec_str(value: Decimal | None) -> str | None:
    """The canonical string of a decimal for payloads and JSON output (no exponent)."""
    if value is None:
        return None
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


def show_value(value: Any) -> str:
    """A value quoted for a message, as a person reads it (never a Python repr): texts in quotes,
    shortened, with control characters escaped; JSON's words for the rest."""
    if isinstance(value, str):
        return f'"{printable(shorten(value))}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, Decimal)):
        return shorten(str(value))  # str, not format(): fast even for 1e999999999
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"
