"""The lead's quick-entry line: ``them price 0.93 pay 45 term 36`` or ``us price .81 ask rebate 2``.

Qt-free so that it is tested on its own; the console shows the error inline at ``start:end`` and
keeps the typed text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain import Issue
from app.numbers import NotANumber, dec_str, parse_decimal
from app.ranges import issue_value_problem

SIDE_WORDS = {
    "us": "us", "we": "us", "our": "us", "ours": "us", "u": "us",
    "them": "them", "they": "them", "their": "them", "theirs": "them", "t": "them",
    "supplier": "them",
}
ASK_WORDS = ("ask", "asks", "for", "get")
STOP_WORDS = {"the", "and", "for", "per", "with", "annual", "of", "on", "in", "to", "our", "their"}
TOKEN = re.compile(r"[^\s=]+")
UNIT_SUFFIX = re.compile(r"^(?P<num>[-+]?(\d+\.?\d*|\.\d+))(%|d|days?|m|mo|months?|€|eur|usd|\$)?$",
                         re.IGNORECASE)


@dataclass
class QuickOffer:
    """A parsed offer: who puts it on the table, the terms, and what we ask in return."""

    side: str
    terms: dict[str, Decimal] = field(default_factory=dict)
    asks: dict[str, Decimal] = field(default_factory=dict)

    def line(self) -> str:
        """The offer as a line ``parse`` reads back to the same offer, which is also what
        ``caucus log … offer`` takes: ``us price=0.84 term=24 asks rebate=2``."""
        words = [self.side, *(f"{k}={dec_str(v)}" for k, v in self.terms.items())]
        if self.asks:
            words += ["asks", *(f"{k}={dec_str(v)}" for k, v in self.asks.items())]
        return " ".join(words)

    def payload(self) -> dict:
        """The ``offer`` act payload (decimals as strings)."""
        out: dict = {"side": self.side, "terms": {k: str(v) for k, v in self.terms.items()}}
        if self.asks:
            out["asks"] = {k: str(v) for k, v in self.asks.items()}
        return out


class QuickEntryError(ValueError):
    """What is wrong with the line, and where (character offsets into the text)."""

    def __init__(self, message: str, start: int, end: int):
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


class Vocabulary:
    """The words that name the issues of one negotiation: keys, labels and unique prefixes."""

    def __init__(self, issues: dict[str, Issue]):
        self.issues = issues
        self.keys = list(issues)
        self.words: dict[str, str] = {}
        for key, issue in issues.items():
            self.words[key] = key
            self.words[key.replace("_", "")] = key
            for word in re.findall(r"[a-z]+", (issue.label or "").lower()):
                clashes = any(word.startswith(k) for k in issues if k != key)
                if len(word) >= 3 and word not in STOP_WORDS and not clashes:
                    self.words.setdefault(word, key)
        ambiguous: set[str] = set()
        prefixes: dict[str, str] = {}
        for word, key in list(self.words.items()):
            for n in range(2, len(word)):
                p = word[:n]
                if p in prefixes and prefixes[p] != key:
                    ambiguous.add(p)
                prefixes.setdefault(p, key)
        for p, key in prefixes.items():
            if p not in ambiguous:
                self.words.setdefault(p, key)

    def issue(self, word: str) -> str | None:
        """The issue key a word names, if exactly one."""
        return self.words.get(word.lower())

    def complete(self, prefix: str) -> list[str]:
        """Issue keys that start with ``prefix`` or that a label word starting with it names."""
        p = prefix.lower()
        found = [k for k in self.keys if k.startswith(p)]
        found += [k for w, k in self.words.items() if w.startswith(p) and k not in found]
        return sorted(set(found), key=self.keys.index)


def parse(text: str, vocab: Vocabulary) -> QuickOffer:
    """Read one quick-entry line; raise ``QuickEntryError`` pointing at the first bad word."""
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
    if not tokens:
        raise QuickEntryError("type who offers (us / them), then issue and value pairs", 0, 0)
    word, start, end = tokens[0]
    side = SIDE_WORDS.get(word.lower())
    if side is None:
        raise QuickEntryError(f'start with "us" or "them", not "{word}"', start, end)
    offer = QuickOffer(side)
    target = offer.terms
    i = 1
    while i < len(tokens):
        word, start, end = tokens[i]
        if word.lower() in ASK_WORDS:
            if side != "us":
                raise QuickEntryError("only our offers carry asks", start, end)
            target, i = offer.asks, i + 1
            continue
        key = vocab.issue(word)
        if key is None:
            options = ", ".join(vocab.keys)
            raise QuickEntryError(f'"{word}" is not an issue here ({options})', start, end)
        if i + 1 >= len(tokens):
            raise QuickEntryError(f"{key} needs a value", start, end)
        value_word, vstart, vend = tokens[i + 1]
        target[key] = _value(value_word, vstart, vend, key)
        problem = issue_value_problem(vocab.issues[key], target[key])  # the services' own rule
        if problem is not None:
            raise QuickEntryError(f"{key}: {problem}", vstart, vend)
        i += 2
    if not offer.terms:
        raise QuickEntryError("name at least one issue and its value", len(text), len(text))
    return offer


def _value(word: str, start: int, end: int, key: str) -> Decimal:
    match = UNIT_SUFFIX.match(word)
    try:
        return parse_decimal(match.group("num") if match else word)
    except NotANumber:
        raise QuickEntryError(f'{key}: "{word}" is not a number', start, end) from None


def completions(text: str, cursor: int, vocab: Vocabulary) -> tuple[int, list[str]]:
    """Where the word under the cursor starts, and what it may complete to."""
    start = cursor
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    prefix = text[start:cursor]
    before = TOKEN.findall(text[:start])
    if not before:
        sides = ["us", "them"]
        return start, [s for s in sides if s.startswith(prefix.lower())]
    expecting_issue = _expects_issue(before, vocab)
    if not expecting_issue or not prefix:
        return start, [] if not expecting_issue else vocab.keys
    return start, vocab.complete(prefix)


def _expects_issue(before: list[str], vocab: Vocabulary) -> bool:
    pending = False  # an issue word waits for its value
    for word in before[1:]:
        if word.lower() in ASK_WORDS or pending:
            pending = False
        else:
            pending = vocab.issue(word) is not None
    return not pending
