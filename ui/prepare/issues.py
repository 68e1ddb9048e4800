"""Issues: the table of negotiable terms with our three positions, and the editor of one issue.

Add, edit, reorder, and remove before the first meeting. The editor keeps unsaved changes per
issue (a draft) while you look at another, and shows each refusal of the services beside its field.
Without the join phrase the target and walk-away say "locked", and no issue can be saved (each
carries them); reordering and removing still work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import Issue
from app.numbers import dec_str
from app.prepare import Place
from ui import theme
from ui.prepare.form import Form, SecretEdit, muted
from ui.prepare.section import Section, focus
from ui.widgets.common import LOCKED, LOCKED_TIP, Card, fmt

#: (field, column/label, confidential, placeholder)
FIELDS = (
    ("key", "Key", False, "e.g. payment (lower-case, no spaces)"),
    ("label", "Issue", False, "e.g. Payment terms"),
    ("unit", "Unit", False, "e.g. days, %, EUR/box"),
    ("better", "Better for us", False, ""),
    ("opening", "Opening", False, "our first position"),
    ("target", "Target", True, "where we aim to land"),
    ("walk_away", "Walk-away", True, "beyond this, no deal"),
    ("benchmark", "Benchmark", False, "market price or norm"),
    ("should_cost", "Should-cost", False, "their likely cost base"),
    ("weight", "Weight", False, "importance, e.g. 0.3"),
)
NUMBERS = ("opening", "target", "walk_away", "benchmark", "should_cost", "weight")
COLUMNS = ("label", "unit", "better", "opening", "target", "walk_away", "benchmark",
           "should_cost", "weight")
NEW = ""  # the draft key of an issue not saved yet


class IssuesSection(Section):
    """Every issue in order, and the form of the selected one."""

    name = "issues"
    title = "Issues"
    intro = ("The terms on the table. Numbers first: our opening, the target we aim for and the "
             "walk-away beyond which no deal is better — plus the market benchmark and the "
             "supplier's likely cost, so we argue from facts.")
    checks = ("market", "positions")

    def build(self) -> None:
        self.current: str = NEW
        self._started = False  # True once the user asked for a new issue
        self.drafts: dict[str, dict[str, str]] = {}
        labels = dict((f, lab) for f, lab, *_ in FIELDS)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([labels[c] for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._row_selected)
        self.box.addWidget(self.table)
        row, (self.add_button, self.up, self.down, self.remove_button) = self.buttons(
            ("New issue", self.new_issue, "Start a new issue in the form below"),
            ("Move up", lambda: self.move(-1), "Show this issue earlier"),
            ("Move down", lambda: self.move(1), "Show this issue later"),
            ("Remove…", self.remove, "Remove the issue (only before the first meeting)"))
        self.box.addLayout(row)
        self.box.addWidget(self._editor(labels))

    def _editor(self, labels: dict[str, str]) -> QWidget:
        self.form = Form(self)
        self.form.home = "opening"  # "opening … is worse than the walk-away …" has no path
        self.form.edited.connect(self._edited)
        self.editor = Card("New issue")
        self.editor_title = self.editor.title
        self.editor_title.setFont(theme.scaled_font(self.font(), 1.1, bold=True))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for n, (field, label, secret, hint) in enumerate(FIELDS):
            if field == "better":
                editor = QComboBox()
                editor.addItem("lower is better (price, term…)", "lower")
                editor.addItem("higher is better (payment days, SLA…)", "higher")
            else:
                editor = SecretEdit(secret)
                editor.setPlaceholderText(hint)
            error = self.form.add(field, editor)
            r, c = divmod(n, 2)
            cell = QWidget()
            col = QVBoxLayout(cell)
            col.setContentsMargins(0, 0, 0, 0)
            col.setSpacing(1)
            col.addWidget(QLabel(label + (" *" if secret else "")))
            col.addWidget(editor)
            col.addWidget(error)
            grid.addWidget(cell, r, c, Qt.AlignmentFlag.AlignTop)
        self.editor.box.addLayout(grid)
        self.editor.box.addWidget(self.form.general)
        row, (self.save, self.revert) = self.buttons(
            ("Save issue", self.submit, "Record the issue in the journal"),
            ("Revert", self.revert_draft, "Drop the unsaved changes to this issue"))
        self.status = muted("")
        self.sealed_note = muted("Each issue carries its target and walk-away, which are sealed "
                                 "on this computer: enter the join phrase (Edit → Join this "
                                 "workspace…) to add or change an issue.")
        self.editor.box.addLayout(row)
        self.editor.box.addWidget(self.status)
        self.editor.box.addWidget(self.sealed_note)
        self.editor.box.addWidget(muted("* confidential: sealed in the file, never shown to the "
                                        "room."))
        return self.editor

    # --- the table ------------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        prep = self.prep
        weights = prep.weights()
        self.table.blockSignals(True)
        self.table.setRowCount(len(prep.issues))
        for r, issue in enumerate(prep.issues.values()):
            for c, field in enumerate(COLUMNS):
                item = QTableWidgetItem(self._cell(issue, field, weights))
                item.setData(Qt.ItemDataRole.UserRole, issue.key)
                if field == "label":
                    item.setToolTip(f"key: {issue.key}")
                elif item.text() == LOCKED:
                    item.setToolTip(LOCKED_TIP)
                    item.setForeground(QBrush(theme.color(theme.muted())))
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 4 +
                                  sum(self.table.rowHeight(r) for r in range(len(prep.issues))))
        if self.current != NEW and self.current not in prep.issues:
            self.current = NEW
        if self.current == NEW and NEW not in self.drafts and prep.issues and not self._started:
            self.current = next(iter(prep.issues))  # open on the first issue
        self._select_row(self.current)
        self._load(self.current)

    def _cell(self, issue: Issue, field: str, weights: dict) -> str:
        cur = self.currency()
        if field == "label":
            return issue.label or issue.key
        if field == "unit":
            return issue.unit or ""
        if field == "better":
            return "lower" if issue.better == "lower" else "higher"
        if field in ("target", "walk_away") and getattr(issue, field) is None:
            return LOCKED  # sealed to this computer
        if field == "weight":
            share = f"{weights[issue.key] * 100:.0f} %"
            return f"{dec_str(issue.weight)} ({share})" if issue.weight is not None else share
        value = getattr(issue, field)
        return fmt(value, issue.unit, cur) if value is not None else "—"

    def _select_row(self, key: str) -> None:
        self.table.blockSignals(True)
        self.table.clearSelection()
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == key:
                self.table.selectRow(r)
        self.table.blockSignals(False)
        self._buttons()

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        key = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else NEW
        self.show_issue(key)

    def selected(self) -> str | None:
        """The key of the issue in the form (None for a new one)."""
        return self.current or None

    # --- the form -------------------------------------------------------------------------------

    def show_issue(self, key: str) -> None:
        """Put ``key``'s issue (or its unsaved draft) in the form; "" starts a new issue."""
        self._keep_draft()
        self.current = key
        self._select_row(key)
        self._load(key)

    def new_issue(self) -> None:
        """Start a new issue."""
        self._started = True
        self.show_issue(NEW)
        focus(self.form.editors["key"])

    def _keep_draft(self) -> None:
        if self.form.dirty:
            self.drafts[self.current] = self.form.values()

    def _load(self, key: str) -> None:
        issue = self.prep.issues.get(key)
        draft = self.drafts.get(key)  # what was typed and not saved (kept across refreshes)
        saved = _values(issue) if issue else {"better": "lower"}
        sealed = not self.keyed or (issue is not None and issue.locked)
        for field in ("target", "walk_away"):
            self.form.editors[field].set_locked(sealed)
        self.form.load(draft or saved)
        self.form.dirty = draft is not None
        name = (issue.label or issue.key) if issue else "New issue"
        self.editor_title.setText(name + ("  — unsaved changes" if draft else ""))
        self.form.editors["key"].set_editable(self.editable and self.keyed and issue is None)
        self.form.editors["key"].setToolTip(
            "" if issue is None else "The key names the issue in the journal; it cannot change. "
            "To rename it, add a new issue and remove this one before the first meeting.")
        self._buttons()

    def _edited(self) -> None:
        self.drafts[self.current] = self.form.values()
        self.editor_title.setText(self.editor_title.text().split("  — ")[0]
                                  + "  — unsaved changes")
        self._buttons()

    def revert_draft(self) -> None:
        """Drop the unsaved changes to the issue in the form."""
        self.drafts.pop(self.current, None)
        self.form.dirty = False
        self._load(self.current)

    def submit(self) -> None:
        """Save the form through ``set_issue``; refused fields keep their text."""
        values = self.form.values()
        data = {k: v for k, v in values.items() if v}
        if self.current != NEW:
            data["key"] = self.current
        self.status.setText("saving…")
        was = self.current
        self.writer.submit("set_issue", data, done=lambda act: self._saved(was, act),
                           failed=self._refused)

    def _saved(self, was: str, act) -> None:
        self.drafts.pop(was, None)
        if self.current == was:
            self.form.dirty = False
            self.current = act.payload["key"]
            self.refresh()
        self.status.setText(f"Saved {act.payload.get('label') or act.payload['key']}.")

    def _refused(self, problems) -> None:
        self.form.show_problems(problems)
        self.status.setText("Not saved: correct the fields marked in red.")

    # --- order and removal ----------------------------------------------------------------------

    def move(self, step: int) -> None:
        """Move the selected issue up or down the order."""
        keys = list(self.prep.issues)
        if self.current not in keys:
            return
        at = keys.index(self.current)
        to = at + step
        if 0 <= to < len(keys):
            keys[at], keys[to] = keys[to], keys[at]
            self.writer.submit("order_issues", keys, failed=self._refused)

    def remove(self) -> None:
        """Remove the selected issue, after a confirmation."""
        issue = self.prep.issues.get(self.current)
        if issue is None:
            return
        name = issue.label or issue.key
        if self.confirm(f"Remove the issue “{name}”, with its plan and authority limits?"):
            self.writer.submit("remove_issue", issue.key, failed=self._refused,
                               done=lambda _act: self.status.setText(f"Removed {name}."))

    def confirm(self, question: str) -> bool:
        """Ask before removing (preparation time: a modal is fine)."""
        answer = QMessageBox.question(self, "Caucus", question)
        return answer == QMessageBox.StandardButton.Yes

    def _buttons(self) -> None:
        prep, on = self.prep, self.editable
        existing = self.current in prep.issues
        keys = list(prep.issues)
        at = keys.index(self.current) if existing else -1
        keyed = self.keyed  # an issue cannot be written without its sealed positions
        self.sealed_note.setVisible(on and not keyed)
        self.add_button.setEnabled(on and keyed)
        self.up.setEnabled(on and existing and at > 0)
        self.down.setEnabled(on and existing and at < len(keys) - 1)
        met = bool(prep.meetings)
        self.remove_button.setEnabled(on and existing and not met)
        self.remove_button.setToolTip(
            "Issues negotiated in a meeting stay: their history refers to them." if met
            else "Remove the issue (only before the first meeting)")
        self.save.setEnabled(on and keyed and self.current in self.drafts)
        self.revert.setEnabled(on and self.current in self.drafts)

    # --- section hooks --------------------------------------------------------------------------

    def set_editable(self, on: bool) -> None:
        self.editor.setVisible(on)  # read-only: the table says it all
        for button in (self.add_button, self.up, self.down, self.remove_button):
            button.setVisible(on)
        writable = on and self.keyed  # without the key no issue can be saved: all read-only
        self.form.set_editable(writable)
        self.form.editors["key"].set_editable(writable and self.current not in self.prep.issues)
        self._buttons()

    def focus_place(self, place: Place) -> None:
        if place.issue and place.issue in self.prep.issues:
            self.show_issue(place.issue)
        elif place.field == "key":
            self.show_issue(NEW)
        editor = self.form.editors.get(place.field or "label")
        if editor is not None and editor.isEnabled():
            focus(editor)


def _values(issue: Issue) -> dict[str, str]:
    out = {"key": issue.key, "label": issue.label or "", "unit": issue.unit or "",
           "better": issue.better}
    out.update({k: dec_str(getattr(issue, k)) or "" for k in NUMBERS})
    return out
