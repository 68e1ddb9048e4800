"""The lead's quick-entry line: type an offer while talking, Tab completes, Enter logs.

Parsing and completion are ``app.quickentry``'s; this widget only shows them. A parse error marks
the bad word in the line and says what is wrong under it; the typed text is always kept. While
the line is ``cover``ed, what others say about its entries (a refused write, which may name a
limit; an answer) is replaced by the covering words until the cover is lifted.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QColor, QInputMethodEvent, QKeySequence, QTextCharFormat
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain import Issue
from app.quickentry import QuickEntryError, QuickOffer, Vocabulary, completions, parse
from ui import theme
from ui.widgets.common import fmt, styled

HISTORY = 50
PLACEHOLDER = "them price 0.93 pay 45 term 36   ·   us price .81 term 18 ask rebate 2"


class EntryLine(QLineEdit):
    """A line edit that hands Tab to completion, Up/Down to history, and an empty line's Ctrl+Z
    to the window (undo my last entry) instead of swallowing it."""

    tab_pressed = Signal(bool)  # True for Shift+Tab
    history_step = Signal(int)  # -1 older, +1 newer

    def event(self, event: QEvent) -> bool:  # noqa: D102 - Qt override
        if event.type() == QEvent.Type.ShortcutOverride and not self.text() \
                and event.matches(QKeySequence.StandardKey.Undo):
            event.ignore()  # let the window's "Undo my last entry" have it
            return True
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab,
                                                                    Qt.Key.Key_Backtab):
            self.tab_pressed.emit(event.key() == Qt.Key.Key_Backtab)
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and not event.modifiers():
            self.history_step.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            return
        super().keyPressEvent(event)

    def mark(self, start: int, end: int) -> None:
        """Underline ``start:end`` in the breach colour (cleared by ``mark(0, 0)``)."""
        attrs = []
        if end > start:
            form = QTextCharFormat()
            form.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            form.setUnderlineColor(QColor(theme.BREACH))
            form.setForeground(QColor(theme.BREACH))
            attrs.append(QInputMethodEvent.Attribute(
                QInputMethodEvent.AttributeType.TextFormat, start - self.cursorPosition(),
                end - start, form))
        QCoreApplication.sendEvent(self, QInputMethodEvent("", attrs))


class QuickEntry(QWidget):
    """The line, and under it one line of help: a completion hint, a preview, or the error."""

    submitted = Signal(object, str)  # (QuickOffer, the text as typed)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.issues: dict[str, Issue] = {}
        self.currency: str | None = None
        self.vocab = Vocabulary({})
        self.pending: str | None = None  # the text of an offer being logged
        self.history: list[str] = []
        self._back = 0
        self._cycle: tuple[int, list[str], int] | None = None  # (word start, candidates, index)
        self.line = EntryLine()
        self.line.setObjectName("quickEntry")
        self.line.setPlaceholderText(PLACEHOLDER)
        self.line.setFont(theme.scaled_font(self.font(), 1.5))
        self.line.setClearButtonEnabled(False)
        self.setFocusProxy(self.line)  # the widget's keyboard is the line's
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.line)
        box.addWidget(self.note)
        self.line.returnPressed.connect(self.enter)
        self.line.textEdited.connect(self._edited)
        self.line.cursorPositionChanged.connect(lambda *_: self._hint())
        self.line.tab_pressed.connect(self.complete)
        self.line.history_step.connect(self._recall)
        self.error: QuickEntryError | None = None
        self.refused: str | None = None  # why this member may not log offers here
        self._cover: tuple[str, str] | None = None  # (for a refusal, for any other message)
        self._held: tuple | None = None  # what was said from outside while covered
        self._hint()

    def cover(self, words: tuple[str, str] | None) -> None:
        """From now on say ``words[0]`` for a refused write and ``words[1]`` for any other
        message from outside the line (None: say them as they are again, starting with the one
        held back, if the line still holds what it was about)."""
        self._cover = words
        if words is None and self._held is not None:
            say, args = self._held
            self._held = None
            say(*args)

    def _covered(self, say, args: tuple, refusal: bool) -> bool:
        """While covered, hold ``say(*args)`` back and say the covering words instead."""
        if self._cover is None:
            return False
        self._held = (say, args)
        if refusal:
            self._mark_error(self._cover[0], 0, 0)
        else:
            self._clear_error()
            self._say(self._cover[1], "muted")
        return True

    def set_refused(self, reason: str | None) -> None:
        """Disable the line, saying ``reason`` under it in one line (the member may not speak
        for us: the services would refuse the offer), or enable it again with None."""
        if reason == self.refused:
            return
        self.refused = reason
        self.line.setEnabled(reason is None)
        self.line.setToolTip(reason or "")
        self._hint()

    # --- vocabulary ------------------------------------------------------------------------------

    def set_issues(self, issues: dict[str, Issue], currency: str | None) -> None:
        """The issues the line names (from the preparation)."""
        self.issues, self.currency = dict(issues), currency
        self.vocab = Vocabulary(self.issues)
        self._hint()

    def candidates(self) -> list[str]:
        """What the word under the cursor may complete to."""
        _, found = completions(self.line.text(), self.line.cursorPosition(), self.vocab)
        return found

    # --- typing ----------------------------------------------------------------------------------

    def complete(self, backwards: bool = False) -> None:
        """Tab: put in the first completion of the word under the cursor; Tab again cycles."""
        text, cursor = self.line.text(), self.line.cursorPosition()
        if self._cycle is not None:
            start, found, index = self._cycle
            index = (index + (-1 if backwards else 1)) % len(found)
            word_end = cursor
        else:
            start, found = completions(text, cursor, self.vocab)
            if not found:
                return
            index, word_end = 0, cursor
            while word_end < len(text) and not text[word_end].isspace():
                word_end += 1
        choice = found[index] + " "
        self.line.setText(text[:start] + choice + text[word_end:].lstrip())
        self.line.setCursorPosition(start + len(choice))
        self._cycle = (start, found, index) if len(found) > 1 else None
        self._clear_error()
        self._hint()

    def _edited(self, _text: str) -> None:
        self._cycle = None
        self._back = 0
        self._held = None  # a message about the text before this edit
        self._clear_error()
        self._hint()

    def _recall(self, step: int) -> None:
        if not self.history:
            return
        self._back = max(0, min(len(self.history), self._back - step))
        self.line.setText(self.history[-self._back] if self._back else "")
        self._clear_error()
        self._hint()

    # --- entering --------------------------------------------------------------------------------

    def enter(self) -> None:
        """Enter: parse the line; a good offer is ``submitted``, a bad one marked in place."""
        if self.pending is not None or self.refused is not None:
            return  # the previous offer is still being written, or the line is read-only
        text = self.line.text()
        try:
            offer = parse(text, self.vocab)
        except QuickEntryError as exc:
            self._mark_error(exc.message, exc.start, exc.end)
            return
        self.submitted.emit(offer, text)

    def mark_pending(self, text: str) -> None:
        """The offer typed as ``text`` is being logged."""
        self.pending = text
        self._say("logging…", "muted")

    def logged(self, text: str) -> None:
        """The offer typed as ``text`` is in the journal: clear the line (if it still holds it)."""
        self.pending = None
        self._held = None
        self.history = [*self.history, text][-HISTORY:]
        self._back = 0
        if self.line.text() == text:
            self.line.setText("")  # not clear(): an empty line's Ctrl+Z belongs to the window
        self._clear_error()
        self._hint()

    def failed(self, message: str) -> None:
        """Logging failed (or was held back): keep the text and say why."""
        self.pending = None
        if not self._covered(self.failed, (message,), refusal=True):
            self._mark_error(message, 0, 0)

    def cancelled(self) -> None:
        """The offer was not sent (the lead cancelled): keep the text, drop the pending mark."""
        self.pending = None
        self._hint()

    def notice(self, message: str, role: str = "muted") -> None:
        """Say something about the line under it (not an error); the next edit replaces it."""
        self._clear_error()
        if not self._covered(self.notice, (message, role), refusal=False):
            self._say(message, role)

    def show_error(self, message: str, start: int, end: int) -> None:
        """Something about the line went wrong (said by others): mark ``start:end``, keep the
        text, say what is wrong under the line."""
        if not self._covered(self.show_error, (message, start, end), refusal=True):
            self._mark_error(message, start, end)

    def _mark_error(self, message: str, start: int, end: int) -> None:
        """Mark the bad word (``start:end``), keep the text, say what is wrong under the line."""
        self.error = QuickEntryError(message, start, end)
        self.line.setProperty("invalid", True)
        self._restyle()
        word = self.line.text()[start:end]
        where = f'at "{word}": ' if word and f'"{word}"' not in message else ""
        self._say(f"✗ {where}{message}", "breach")
        if end > start:
            self.line.setCursorPosition(end)
        self.line.mark(start, end)

    def _clear_error(self) -> None:
        if self.error is None:
            return
        self.error = None
        self.line.setProperty("invalid", False)
        self._restyle()
        self.line.mark(0, 0)

    def _restyle(self) -> None:
        self.line.style().unpolish(self.line)
        self.line.style().polish(self.line)

    # --- the line under -------------------------------------------------------------------------

    def _hint(self) -> None:
        if self.refused is not None:
            self._say(f"Read-only: {self.refused}", "muted")
            return
        if self.error is not None or self.pending is not None:
            return
        text = self.line.text()
        if not text.strip():
            self._say("Type an offer and press Enter · Tab completes · ↑ recalls the last one",
                      "muted")
            return
        found = self.candidates()
        start, _ = completions(text, self.line.cursorPosition(), self.vocab)
        if found and start < self.line.cursorPosition():
            self._say("Tab → " + "  ·  ".join(found), "muted")
            return
        try:
            offer = parse(text, self.vocab)
        except QuickEntryError:
            self._say("Tab → " + "  ·  ".join(found) if found else "…", "muted")
            return
        self._say("Enter logs: " + self.preview(offer), "muted")

    def preview(self, offer: QuickOffer) -> str:
        """The offer in words, with units: what Enter will log."""
        who = "we offer" if offer.side == "us" else "they offer"
        terms = ", ".join(self._term(k, v) for k, v in offer.terms.items())
        asks = ", ".join(self._term(k, v) for k, v in offer.asks.items())
        return f"{who} {terms}" + (f"; we ask {asks}" if asks else "")

    def _term(self, key: str, value) -> str:
        issue = self.issues.get(key)
        return f"{key} {fmt(value, issue.unit if issue else None, self.currency)}"

    def _say(self, text: str, role: str) -> None:
        self.note.setText(text)
        styled(self.note, role)
