"""The reading of raw input shared by every check: ``Problem``, ``Checker``, text limits, times,
and references to team members and issues."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from app.domain import Issue, Preparation
from app.numbers import NotANumber, dec_str, parse_decimal
from app.numbers import show_value as _show
from app.ranges import coarse_problem, issue_value_problem
from app.text import printable, text_problem

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
#: The longest text each field takes, and whether it may hold line breaks; any other text field
#: takes ``SHORT_TEXT`` characters on one line.
TEXTS: dict[str, tuple[int, bool]] = {
    "title": (200, False), "supplier": (200, False), "category": (200, False),
    "label": (100, False), "unit": (30, False), "name": (100, False), "member": (100, False),
    "by": (100, False), "key": (40, False), "issue": (40, False), "tag": (40, False),
    "tactic": (40, False), "id": (40, False), "request": (40, False), "act": (40, False),
    "about": (40, False), "lever": (500, False), "ask": (500, False),
    "note": (2000, True), "reason": (2000, True), "text": (4000, True), "ours": (4000, True),
    "theirs": (4000, True), "conceded": (10000, True), "tactics": (10000, True),
    "differently": (10000, True), "limit_text": (500, False),
}
SHORT_TEXT = 200
#: Times Caucus accepts: any real negotiation falls between, and every local clock can show them.
YEARS = (1900, 2999)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located by its JSON path."""

    path: str
    message: str

    def under(self, prefix: str) -> Problem:
        """The same problem seen from an enclosing object."""
        if not self.path:
            return Problem(prefix, self.message)
        sep = "" if self.path.startswith("[") else "."
        return Problem(f"{prefix}{sep}{self.path}" if prefix else self.path, self.message)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class Checker:
    """Collects problems while reading one object."""

    data: Any
    problems: list[Problem] = field(default_factory=list)

    def fail(self, path: str, message: str) -> None:
        """Record a problem at ``path``."""
        self.problems.append(Problem(path, message))

    def is_object(self) -> bool:
        """True when the data is a JSON object; records a problem otherwise."""
        if isinstance(self.data, dict):
            return True
        self.fail("", f"expected an object, got {kind_of(self.data)}")
        return False

    def keys(self, allowed: set[str], required: set[str] = frozenset()) -> None:
        """Unknown keys and missing (or null) required keys are both problems."""
        for key in self.data:
            if key not in allowed:
                self.fail(str(key), "unknown key")
        self.require(required)

    def require(self, required: set[str]) -> None:
        """Each of ``required`` must be present, not null and not a blank text."""
        present = {k for k, v in self.data.items() if v is not None and not blank(v)}
        for key in sorted(required - present):
            self.fail(key, "is required")

    def text(self, key: str, limit_key: str | None = None) -> str | None:
        """A text at ``key``, stripped, within its field's limit (``TEXTS``) and free of control
        characters. Absent or blank (``""``) is None: for an optional text the same as leaving
        it out (``keys``/``require`` report required ones)."""
        value = self.data.get(key)
        if value is None or blank(value):
            return None
        return self.text_value(key, value, limit_key or key)

    def text_value(self, path: str, value: Any, field_name: str) -> str | None:
        """Read one value as a text of the kind ``field_name`` (see ``TEXTS``), or record why
        it is not one."""
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{_show(value)} is not a non-empty text")
            return None
        limit, multiline = TEXTS.get(field_name, (SHORT_TEXT, False))
        problem = text_problem(value, limit, multiline)
        if problem is not None:
            self.fail(path, problem)
            return None
        return value.strip()

    def number(self, key: str) -> Decimal | None:
        """An exact decimal at ``key`` (a JSON number or a numeric string), None when absent."""
        if self.data.get(key) is None:
            return None
        return self.number_value(key, self.data[key])

    def number_value(self, path: str, value: Any) -> Decimal | None:
        """Read one value as a decimal, recording a problem at ``path`` if it is not one."""
        try:
            number = parse_decimal(value)
        except NotANumber as exc:
            self.fail(path, str(exc))
            return None
        problem = coarse_problem(number)
        if problem is not None:
            self.fail(path, f"{_show(number)} {problem}")
            return None
        return number

    def issue_number(self, path: str, value: Any, issue: Issue) -> Decimal | None:
        """Read one value on ``issue``: a number within the issue's sane range and precision."""
        try:
            number = parse_decimal(value)
        except NotANumber as exc:
            self.fail(path, str(exc))
            return None
        problem = issue_value_problem(issue, number)
        if problem is not None:
            self.fail(path, problem)
            return None
        return number

    def choice(self, key: str, options: tuple[str, ...]) -> str | None:
        """One of ``options`` at ``key``."""
        value = self.data.get(key)
        if value is None:
            return None
        if value not in options:
            self.fail(key, f"{_show(value)} is not one of {', '.join(options)}")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        """A JSON boolean at ``key``."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(key, f"{_show(value)} is not true or false")
            return None
        return value



def blank(value: Any) -> bool:
    """True for an absent value or a text of only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())



def terms_of(c: Checker, key: str, prep: Preparation, required: bool) -> dict[str, str] | None:
    """The ``{issue: value}`` object at ``key``, each value within its issue's range."""
    data = c.data.get(key)
    if data is None:
        return None
    if not isinstance(data, dict) or (required and not data):
        c.fail(key, "expected an object of issue: value with at least one issue")
        return None
    out = {}
    for issue_key, raw in data.items():
        if issue_key not in prep.issues:
            c.fail(f"{key}.{printable(issue_key)}", not_an_issue(issue_key, prep))
            continue
        value = c.issue_number(f"{key}.{issue_key}", raw, prep.issues[issue_key])
        if value is not None:
            out[issue_key] = dec_str(value)
    return out


def tag_of(c: Checker, key: str) -> str | None:
    """A lower-case tag word (flinch, nibble…) at ``key``."""
    value = c.text(key)
    if value is not None and not KEY_RE.match(value):
        c.fail(key, f'"{value}" must be a lower-case word such as flinch or nibble')
        return None
    return value


def member_ref(c: Checker, key: str, prep: Preparation) -> str | None:
    """The name of a team member at ``key``."""
    name = c.text(key)
    if name is not None and name not in prep.team:
        c.fail(key, not_on_team(name, prep))
        return None
    return name


def issue_ref(c: Checker, key: str, prep: Preparation) -> Issue | None:
    """The issue named at ``key``."""
    name = c.text(key)
    if name is not None and name not in prep.issues:
        c.fail(key, not_an_issue(name, prep))
        return None
    return prep.issues.get(name) if name else None



NOT_ON_TEAM = "is not on the team"
NOT_AN_ISSUE = "is not an issue of this negotiation"


def not_on_team(name: str, prep: Preparation) -> str:
    """``"Kim" is not on the team (the team: Dana Whitfield, Oli Park)``."""
    return f"{_show(name)} {NOT_ON_TEAM} ({listed('the team', prep.team)})"


def not_an_issue(key: str, prep: Preparation) -> str:
    """``"prise" is not an issue of this negotiation (the issues: price, payment)``."""
    return f"{_show(key)} {NOT_AN_ISSUE} ({listed('the issues', prep.issues)})"


def listed(what: str, names: Any, most: int = 12) -> str:
    """``the team: Dana, Oli`` — at most ``most`` names, then a count."""
    names = list(names)
    if not names:
        return f"{what}: none yet"
    shown = ", ".join(printable(n) for n in names[:most])
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"{what}: {shown}{more}"



def parse_time(c: Checker, key: str) -> datetime | None:
    """An ISO-8601 time with an offset or Z at ``key``, returned in UTC."""
    value = c.data.get(key)
    try:
        return parse_iso(value)
    except ValueError as exc:
        c.fail(key, str(exc))
        return None


def parse_iso(value: Any) -> datetime:
    """Read an ISO-8601 time that names its offset (or Z) and return it in UTC."""
    if not isinstance(value, str):
        raise ValueError(f"{_show(value)} is not an ISO-8601 time")
    shown = _show(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{shown} is not an ISO-8601 time") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{shown} has no offset or Z; say which time zone it is in")
    low, high = YEARS
    if not low <= parsed.year <= high:
        raise ValueError(f"{shown} is outside the years {low}–{high} that Caucus accepts")
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. year 1 or 9999 with an offset
        raise ValueError(f"{shown} is not a time Caucus can hold") from None


def format_time(value: datetime) -> str:
    """UTC time as ISO-8601 with Z, to the second or microsecond as needed."""
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def drop_none(data: dict) -> dict:
    """The object without its ``None`` values."""
    return {k: v for k, v in data.items() if v is not None}


def kind_of(value: Any) -> str:
    """What a JSON value is, for messages (``an object``, ``a list``…)."""
    return {dict: "an object", list: "a list", str: "a text", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, (int, float, Decimal)) else "null"
    )
