"""The SME's panel: facts and claim checks filed against an issue, the numbers beside the offers,
and the team's questions to answer.

The note line logs a ``note`` with the chosen topic (or a ``fact:`` / ``claim:`` … prefix) and
issue. The issue follows the latest offer's first term until the SME picks one. Selecting a
question switches to an answer linked to it (``about``); answered questions are marked so.
"""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import Act
from app.meeting import default_issue, parse_note, questions, references
from ui import theme
from ui.widgets.common import Card, EscapeLine, add_shortcut, fmt, issue_tooltip
from ui.widgets.feed import ActFeed

#: (topic, button text, shortcut)
TOPIC_KEYS = (
    ("fact", "Fact", "Alt+F"),
    ("claim", "Claim check", "Alt+C"),
    ("answer", "Answer", "Alt+A"),
    ("question", "Question", "Alt+Q"),
    ("general", "Note", "Alt+G"),
)
FEED_KINDS = ("offer", "note", "tactic", "agreement")
COLUMNS = ("Issue", "Ours now", "Theirs now", "Benchmark", "Should-cost",
           "Their gap to should-cost")
QUESTION_ROLE = Qt.ItemDataRole.UserRole


class SmePanel(QWidget):
    """Reference numbers per issue, questions to answer, the feed, and the note line."""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.topic = "fact"
        self.answering: Act | None = None
        self._issue_pinned = False
        self._note_write: tuple[Future, str] | None = None  # the note being logged, its text

        # numbers beside the offers
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeaderItem(5).setToolTip(
            "How much worse for us their current position is than the should-cost "
            "(negative: better than the should-cost)")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setFont(theme.scaled_font(self.font(), 1.2))
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        numbers = Card("Numbers beside the offers")
        numbers.box.addWidget(self.table)

        # questions from the team
        self.questions = QListWidget()
        self.questions.setWordWrap(True)
        self.questions.setFont(theme.scaled_font(self.font(), 1.1))
        self.questions.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.questions.itemClicked.connect(self._question_clicked)
        self.questions_card = Card("Questions from the team")
        self.questions_card.box.addWidget(self.questions)

        self.feed = ActFeed(session, FEED_KINDS)
        self.feed.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        feed_card = Card("Offers with the notes on their issues (newest first)")
        feed_card.box.addWidget(self.feed)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.questions_card)
        split.addWidget(feed_card)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)

        # the entry: topic, issue, line
        self.topic_group = QButtonGroup(self)
        self.topic_group.setExclusive(True)
        self.topic_buttons: dict[str, QPushButton] = {}
        topics = QHBoxLayout()
        for topic, text, key in TOPIC_KEYS:
            button = QPushButton(f"{text}  {key}")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"File the note as {text.lower()} ({key}, or type '{topic}:' first)")
            button.clicked.connect(lambda _=False, t=topic: self.set_topic(t))
            self.topic_group.addButton(button)
            self.topic_buttons[topic] = button
            topics.addWidget(button)
            add_shortcut(self, key, lambda t=topic: self.set_topic(t))
        for button in self.topic_buttons.values():
            button.setStyleSheet("QPushButton:checked { background: palette(highlight); "
                                 "color: palette(highlighted-text); }")
        topics.addSpacing(16)
        topics.addWidget(QLabel("Issue"))
        self.issue = QComboBox()
        self.issue.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.issue.setToolTip("The issue the note is about (Alt+Up / Alt+Down)")
        self.issue.activated.connect(self._issue_chosen)
        topics.addWidget(self.issue)
        topics.addStretch(1)
        add_shortcut(self, "Alt+Up", lambda: self.step_issue(-1))
        add_shortcut(self, "Alt+Down", lambda: self.step_issue(1))
        add_shortcut(self, "Alt+N", self.next_question)

        self.answering_label = QLabel()
        self.answering_label.setWordWrap(True)
        self.stop_answering = QToolButton()
        self.stop_answering.setText("✕")
        self.stop_answering.setToolTip("Stop answering (Esc)")
        self.stop_answering.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stop_answering.clicked.connect(lambda: self.answer(None))
        answering = QHBoxLayout()
        answering.addWidget(self.answering_label, 1)
        answering.addWidget(self.stop_answering)

        self.line = EscapeLine()  # Esc stops answering a question
        self.line.setFont(theme.scaled_font(self.font(), 1.2))
        self.line.returnPressed.connect(self.log_note)
        self.line.escaped.connect(lambda: self.answer(None))
        self.line.textEdited.connect(lambda *_: self.message.clear())
        self.log_button = QPushButton("Log")
        self.log_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.log_button.clicked.connect(self.log_note)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.line, 1)
        entry_row.addWidget(self.log_button)
        self.message = QLabel()
        self.message.setProperty("role", "breach")
        self.message.setWordWrap(True)
        entry = Card("Your note")
        entry.box.addLayout(topics)
        entry.box.addLayout(answering)
        entry.box.addLayout(entry_row)
        entry.box.addWidget(self.message)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.addWidget(numbers)
        outer.addWidget(split, 1)
        outer.addWidget(entry)

        session.acts_added.connect(self.refresh)
        session.analysis_changed.connect(self._refresh_table)
        session.preparation_changed.connect(self._fill_issues)
        session.write_done.connect(self._written)
        session.write_failed.connect(self._failed)
        self._fill_issues()
        self.answer(None)
        self.set_topic("fact")
        self.refresh()

    # --- the window's hooks ---------------------------------------------------------------------

    def shortcuts(self) -> list[tuple[str, str]]:
        """The note topics, issue and question keys, for the F1 overlay."""
        return [*((key, f"File the note as {text.lower()}") for _, text, key in TOPIC_KEYS),
                ("Alt+Up / Alt+Down", "Previous / next issue"),
                ("Alt+N", "Answer the next open question"),
                ("Enter", "Log the note"),
                ("Esc", "Stop answering a question")]

    def retheme(self) -> None:
        """The system theme changed: redraw in the new colours."""
        self.refresh()

    def focus_entry(self) -> None:
        """Put the keyboard in the note line."""
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- topic, issue, question -----------------------------------------------------------------

    def set_topic(self, topic: str) -> None:
        """File the next note as ``topic``; leaving ``answer`` drops the question link."""
        self.topic = topic
        self.topic_buttons[topic].setChecked(True)
        if topic != "answer" and self.answering is not None:
            self.answer(None)
        self._placeholder()

    def current_issue(self) -> str | None:
        """The issue the next note will name (None: no issue)."""
        return self.issue.currentData()

    def set_issue(self, key: str | None, pin: bool = True) -> None:
        """Choose the issue of the next note."""
        index = self.issue.findData(key)
        if index >= 0:
            self.issue.setCurrentIndex(index)
            self._issue_pinned = pin

    def step_issue(self, step: int) -> None:
        """Move the issue selector up or down."""
        count = self.issue.count()
        if count:
            self.issue.setCurrentIndex((self.issue.currentIndex() + step) % count)
            self._issue_pinned = True

    def _issue_chosen(self, *_: object) -> None:
        self._issue_pinned = True
        self.focus_entry()

    def _fill_issues(self, *_: object) -> None:
        current = self.current_issue()
        self.issue.blockSignals(True)
        self.issue.clear()
        self.issue.addItem("(no issue)", None)
        for key, issue in self.session.prep.issues.items():
            self.issue.addItem(issue.label or key, key)
        self.issue.blockSignals(False)
        if current is not None and self._issue_pinned:
            self.set_issue(current)
        else:
            self._follow_offer()
        self._refresh_table()

    def _follow_offer(self) -> None:
        if not self._issue_pinned:
            self.set_issue(default_issue(self.session.acts, self.session.prep), pin=False)

    def answer(self, question: Act | None) -> None:
        """Answer ``question`` with the next note (None: stop answering)."""
        self.answering = question
        if question is None:
            self.answering_label.clear()
            self.answering_label.hide()
            self.stop_answering.hide()
            self.questions.clearSelection()
            if self.topic == "answer":
                self.topic = "fact"
                self.topic_buttons["fact"].setChecked(True)
        else:
            self.topic = "answer"
            self.topic_buttons["answer"].setChecked(True)
            self.answering_label.setText(f"Answering {question.by}: “{question.payload['text']}”")
            self.answering_label.show()
            self.stop_answering.show()
            if question.payload.get("issue"):
                self.set_issue(question.payload["issue"])
            self._select_question(question)
            self.focus_entry()
        self._placeholder()

    def next_question(self) -> None:
        """Answer the oldest open question after the one being answered (wrapping round)."""
        open_ = [q.act for q in questions(self.session.acts) if not q.answered]
        if not open_:
            self.message.setText("No open question.")
            return
        after = [q for q in open_ if self.answering and q.seq > self.answering.seq]
        self.answer((after or open_)[0])

    def _question_clicked(self, item: QListWidgetItem) -> None:
        act = item.data(QUESTION_ROLE)
        if act is not None and act.id not in self.session.withdrawn():
            self.answer(act)

    def _select_question(self, question: Act) -> None:
        for n in range(self.questions.count()):
            item = self.questions.item(n)
            act = item.data(QUESTION_ROLE)
            if act is not None and act.seq == question.seq:
                self.questions.setCurrentItem(item)
                return

    def _placeholder(self) -> None:
        text = {"fact": "A fact, with its source", "claim": "Check a claim they made",
                "answer": "Your answer", "question": "A question for the team",
                "general": "A note"}[self.topic]
        self.line.setPlaceholderText(f"{text} — Enter logs it")

    # --- logging --------------------------------------------------------------------------------

    def log_note(self) -> None:
        """Log the line as a note (topic from a prefix or the selector, issue, question link)."""
        topic, text = parse_note(self.line.text(), self.topic)
        if not text:
            self.message.setText("Type the note first (after the prefix, if any).")
            return
        payload: dict = {"text": text, "topic": topic}
        if self.current_issue():
            payload["issue"] = self.current_issue()
        if topic == "answer" and self.answering is not None and self.answering.id:
            payload["about"] = self.answering.id
        self._note_write = (self.session.log("note", payload), text)

    def _written(self, future: Future, act: object) -> None:
        if self._note_write is None or future is not self._note_write[0]:
            return
        text = self._note_write[1]
        self._note_write = None
        if parse_note(self.line.text(), self.topic)[1] == text:
            self.line.clear()
        self.message.clear()
        if act.payload.get("topic") == "answer":
            self.answer(None)
        self._issue_pinned = False
        self._follow_offer()

    def _failed(self, future: Future | None, message: str) -> None:
        if self._note_write is None or future is not self._note_write[0]:
            return  # not ours: the window's status line says it
        self._note_write = None  # the line keeps its text
        self.message.setText(f"Not saved: {message}")

    # --- refreshing -----------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        """Follow the latest offer's issue, and redraw the questions and numbers."""
        self._follow_offer()
        self._refresh_questions()
        self._refresh_table()

    def _refresh_questions(self) -> None:
        withdrawn = self.session.withdrawn()
        standing = questions(self.session.acts)
        gone = [a for a in self.session.acts
                if a.kind == "note" and a.payload.get("topic") == "question" and a.id in withdrawn]
        open_ = [q for q in standing if not q.answered]
        answered = [q for q in standing if q.answered]
        current = self.answering
        self.questions.clear()
        muted = QBrush(self.palette().color(self.palette().ColorRole.PlaceholderText))
        for q in open_:
            item = QListWidgetItem(self._question_text(q.act, "●"))
            font = QFont(self.questions.font())
            font.setBold(True)
            item.setFont(font)
            item.setData(QUESTION_ROLE, q.act)
            item.setToolTip("Open — click (or Alt+N) to answer it")
            self.questions.addItem(item)
        for q in reversed(answered):
            last = q.answers[-1]
            item = QListWidgetItem(self._question_text(q.act, "✓") +
                                   f"\n    answered by {last.by}: {last.payload['text']}")
            item.setForeground(muted)
            item.setData(QUESTION_ROLE, q.act)
            item.setToolTip("Answered — click to add another answer")
            self.questions.addItem(item)
        for act in reversed(gone):
            item = QListWidgetItem(self._question_text(act, "–") + "   (withdrawn)")
            font = QFont(self.questions.font())
            font.setStrikeOut(True)
            item.setFont(font)
            item.setForeground(muted)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            self.questions.addItem(item)
        if not standing and not gone:
            item = QListWidgetItem("No questions yet. The lead's questions (notes filed as "
                                   "question) appear here to answer.")
            item.setForeground(muted)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.questions.addItem(item)
        self.questions_card.title.setText(
            f"Questions from the team — {len(open_)} open" if open_ else "Questions from the team")
        self.questions_card.title.setStyleSheet("font-weight: bold; color: palette(text);"
                                                if open_ else "")
        if current is not None:
            if current.id in withdrawn:
                self.answer(None)
            else:
                self._select_question(current)

    @staticmethod
    def _question_text(act: Act, mark: str) -> str:
        issue = f" [{act.payload['issue']}]" if act.payload.get("issue") else ""
        return f"{mark} {act.at.astimezone():%H:%M} {act.by}{issue}: {act.payload['text']}"

    def _refresh_table(self, *_: object) -> None:
        prep = self.session.prep
        rows = references(prep, self.session.analysis)
        self.table.setRowCount(len(rows))
        cur = prep.currency
        for n, r in enumerate(rows):
            unit = r.issue.unit
            name = QTableWidgetItem(r.issue.label or r.issue.key)
            name.setToolTip(issue_tooltip(r.issue, cur))
            cells = [name,
                     self._cell(fmt(r.ours, unit, cur), theme.OURS),  # fmt(None) is "—"
                     self._cell(fmt(r.theirs, unit, cur), theme.THEIRS),
                     self._cell(fmt(r.benchmark, unit, cur), theme.REFERENCE),
                     self._cell(fmt(r.should_cost, unit, cur), theme.REFERENCE),
                     self._cell(self._over_text(r, unit, cur), None)]
            for col, item in enumerate(cells):
                self.table.setItem(n, col, item)
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)

    def _cell(self, text: str, colour: str | None) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        if colour is not None and text != "—":
            item.setForeground(QBrush(theme.color(colour)))
        if colour in (theme.OURS, theme.THEIRS):
            font = QFont(self.table.font())
            font.setBold(True)
            item.setFont(font)
        return item

    @staticmethod
    def _over_text(r, unit: str | None, cur: str | None) -> str:
        if r.theirs_over_should_cost is None:
            return "—"
        sign = "+" if r.theirs_over_should_cost > 0 else ""
        text = f"{sign}{fmt(r.theirs_over_should_cost, unit, cur)}"
        pct = r.theirs_over_should_cost_pct
        return f"{text}  ({sign}{pct} %)" if pct is not None else text
