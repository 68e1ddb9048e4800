"""The debrief, kept in the journal: what they conceded, which tactics they used and how we
answered, where their real limits turned out to be (per issue), what we would do differently.

The form starts from the debrief saved last, else from ``app.review.debrief_draft``'s suggested
form; the draft's figures stand beside it (``facts``). Save journals a ``debrief`` act through
the session (``set_debrief``). A refused save keeps every word typed and says why, beside the
field it concerns when it names one.
"""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.review import debrief_draft
from ui.prepare.form import can_edit
from ui.review.facts import facts_html
from ui.widgets.common import add_shortcut, styled

TEXTS = {"conceded": "What they conceded",
         "tactics": "Which tactics they used, and how we answered",
         "differently": "What we would do differently"}


class DebriefForm(QWidget):
    """The form and the draft's figures. ``load()`` fills it (the view calls it when shown)."""

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.draft: dict | None = None
        self.dirty = False
        self._saving: Future | None = None
        self.texts = {key: QPlainTextEdit() for key in TEXTS}
        self.limits: dict[str, QLineEdit] = {}
        self.limit_grid = QGridLayout()
        self.save_button = QPushButton("Save to the journal (Ctrl+S)")
        self.redraft_button = QPushButton("Start again from the draft")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.facts = QTextBrowser()
        self._lay_out()
        self._wire()

    def _lay_out(self) -> None:
        form = QVBoxLayout()
        for key, caption in TEXTS.items():
            if key == "differently":
                form.addWidget(self._caption("Where their real limits turned out to be "
                                             "(a number, or words: “0.86 with 60 days”)"))
                form.addLayout(self.limit_grid)
            form.addWidget(self._caption(caption))
            self.texts[key].setTabChangesFocus(True)
            form.addWidget(self.texts[key], 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.redraft_button)
        buttons.addWidget(self.message, 1)
        form.addLayout(buttons)
        page = QWidget()
        page.setLayout(form)
        right = QVBoxLayout()
        right.addWidget(self._caption("From the journal (the draft's figures)"))
        right.addWidget(self.facts, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(page, 3)
        row.addLayout(right, 2)

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "muted")
        return label

    def _wire(self) -> None:
        s = self.session
        for edit in self.texts.values():
            edit.textChanged.connect(self._edited)
        self.save_button.clicked.connect(self.save)
        self.redraft_button.clicked.connect(lambda: self.fill((self.draft or {}).get("form")))
        add_shortcut(self, "Ctrl+S", self.save)
        s.write_done.connect(self._written)
        s.write_failed.connect(self._failed)
        s.preparation_changed.connect(self._elsewhere)
        editable = can_edit(s)
        self.save_button.setEnabled(editable)
        if not editable:
            self.save_button.setToolTip("Only the lead (or a member the lead names) writes the "
                                        "debrief; tell the lead what to add")

    # --- filling ----------------------------------------------------------------------------------

    def load(self, force: bool = False) -> None:
        """Compute the draft (once) and fill the form: the saved debrief, else the draft."""
        if self.draft is not None and not force:
            return
        s = self.session
        self.draft = debrief_draft(s.acts, s.analysis)
        self.facts.setHtml(facts_html(s.prep, self.draft))
        self._limit_rows()
        saved = self.draft.get("saved")
        self.fill(saved or self.draft.get("form"))
        self._say("Saved debrief from the journal." if saved else
                  "A draft from the journal: edit it, then Save.", "muted")

    def _limit_rows(self) -> None:
        prep = self.session.prep
        if list(self.limits) == list(prep.issues):
            return
        while self.limit_grid.count():
            widget = self.limit_grid.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.limits = {}
        for n, (key, issue) in enumerate(prep.issues.items()):
            label = QLabel(f"{issue.label or key} ({issue.unit or prep.currency or ''})")
            edit = QLineEdit()
            edit.textEdited.connect(self._edited)
            self.limit_grid.addWidget(label, n // 2, (n % 2) * 2)
            self.limit_grid.addWidget(edit, n // 2, (n % 2) * 2 + 1)
            self.limits[key] = edit

    def fill(self, data: dict | None) -> None:
        """Put ``data`` (a debrief payload) in the form."""
        data = data or {}
        for key, edit in self.texts.items():
            edit.blockSignals(True)
            edit.setPlainText(data.get(key) or "")
            edit.blockSignals(False)
        limits = data.get("limits") or {}
        for key, edit in self.limits.items():
            edit.setText(str(limits.get(key) or ""))
            edit.setProperty("invalid", False)
            edit.style().polish(edit)
        self.dirty = False

    def data(self) -> dict:
        """The form as a ``set_debrief`` payload (blanks left for the service to drop)."""
        out: dict = {key: edit.toPlainText() for key, edit in self.texts.items()}
        out["limits"] = {key: edit.text() for key, edit in self.limits.items()
                         if edit.text().strip()}
        return out

    def _edited(self, *_: object) -> None:
        self.dirty = True

    # --- saving -----------------------------------------------------------------------------------

    def save(self) -> Future | None:
        """Journal the form as a ``debrief`` act."""
        if not self.save_button.isEnabled():
            return None
        self._say("saving…", "muted")
        self._saving = self.session.submit("set_debrief", self.data())
        return self._saving

    def _written(self, future: Future, act: object) -> None:
        if future is not self._saving:
            return
        self._saving = None
        self.dirty = False
        at = getattr(act, "at", None)
        self._say(f"✓ Saved to the journal{f' at {at.astimezone():%H:%M}' if at else ''}; "
                  "every teammate sees it.", "agreed")

    def _failed(self, future: Future | None, message: str) -> None:
        if future is None or future is not self._saving:
            return
        self._saving = None
        problems = getattr(future.exception(), "problems", [])
        for problem in problems:
            key = problem.path.removeprefix("limits.")
            if key in self.limits:
                self.limits[key].setProperty("invalid", True)
                self.limits[key].style().polish(self.limits[key])
        self._say(f"✗ Not saved — {message}. What you typed is kept.", "breach")

    def _elsewhere(self) -> None:
        """The preparation changed (maybe a teammate's debrief): refill unless we are editing."""
        if self.draft is None or self._saving is not None:
            return  # our own save arrives through the feed before its write_done
        if self.dirty:
            self._say("A teammate changed the debrief or the preparation; yours is kept. "
                      "Save to keep yours, or start again from the draft.", "warning")
            return
        self.load(force=True)

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        styled(self.message, role)
