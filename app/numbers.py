"""Exact numbers: reading user and file input as ``Decimal`` and writing it back canonically."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


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
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise NotANumber(f"{show_value(value)} is not a number") from None
    else:
        raise NotANumber(f"{show_value(value)} is not a number")
    if not result.is_finite():
        raise NotANumber(f"{show_value(value)} is not a finite number")
    return result


def dec_str(value: Decimal | None) -> str | None:
    """The canonical string of a decimal for payloads and JSON output (no exponent)."""
    if value is None:
        return None
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


def show_value(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)
