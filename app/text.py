"""Texts from people and files: what a text field accepts, and how any text is printed safely.

A text field refuses control characters (an ANSI escape would recolour a terminal, a NUL cut a
line), lone surrogates (no file or terminal can encode them), the bidirectional overrides that
make a line read differently from what it holds, and anything longer than its limit. Multi-line
fields (notes, reasons, the debrief) keep their line breaks and tabs.

``printable`` is for the way out: whatever a workspace holds (written before these rules, or by
another tool) reaches a terminal with such characters shown as ``\\u001b`` escapes, never raw.
"""

from __future__ import annotations

import re
import unicodedata

#: Bidirectional embeddings, overrides and isolates: they reorder what is shown.
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_MULTILINE_OK = frozenset("\n\r\t")
#: What ``printable`` escapes: C0/C1 controls and DEL, surrogates, bidi controls, line separators
#: (written as escapes for ``re``: the characters themselves stay out of the source).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e"
                          r"\u2066-\u2069]")


def text_problem(value: str, limit: int, multiline: bool = False) -> str | None:
    """Why ``value`` cannot be stored as a text of at most ``limit`` characters, or None.

    The message never quotes the text itself (it may be long or hold the very character at
    fault): it names the character by its code point and its position.
    """
    if len(value) > limit:
        return f"is {len(value):,} characters long; the limit is {limit:,}"
    for n, char in enumerate(value):
        if _bad_char(char, multiline):
            return (f"holds {_name(char)} (U+{ord(char):04X}) at character {n + 1}; remove it "
                    f"(texts take no control characters or escape sequences)")
    return None


def _bad_char(char: str, multiline: bool) -> bool:
    if char in _MULTILINE_OK:
        return not multiline
    if char in _BIDI:
        return True
    category = unicodedata.category(char)
    if category in ("Zl", "Zp"):
        return not multiline
    return category in ("Cc", "Cs")


def _name(char: str) -> str:
    if 0xD800 <= ord(char) <= 0xDFFF:
        return "a lone surrogate"
    if char == "\x1b":
        return "an escape character"
    if char in "\n\r\u2028\u2029":
        return "a line break"
    if char == "\t":
        return "a tab"
    if char in _BIDI:
        return "a text-direction control"
    return "a control character"


def printable(text: str, lines: bool = False) -> str:
    """``text`` with every control character, surrogate and bidi control shown as an escape;
    with ``lines``, line breaks stay (text made of lines, such as indented JSON)."""
    def escaped(match: re.Match) -> str:
        char = match.group()
        return char if lines and char == "\n" else f"\\u{ord(char):04x}"

    return _UNPRINTABLE.sub(escaped, text)


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (for quoting input in messages)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
