"""Concession plan: per issue, a ladder of steps from the opening toward the target (never past the
walk-away), each with the get we ask for in return. "Suggest" proposes a diminishing ladder
(``app.prepare``) to edit before saving. The whole plan is confidential: on a computer without the
join phrase it is sealed, says "locked", and cannot be written."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.numbers import dec_str
from app.prepare import Place, ladder_moves, plan_locked, suggest_asks, suggest_ladder
from ui.prepare.form import Form, SecretEdit, muted
from ui.prepare.ladder_chart import LadderChart
from ui.prepare.section import Section, focus
from ui.widgets.common import LOCKED, Card, FigureLabel, fmt, sealed, styled

KEY = Qt.ItemDataRole.UserRole


class PlanSection(Section):
    """The issues on the left, the selected issue's ladder and its chart on the right."""

    name = "plan"
    title = "Concession plan"
    intro = ("Decide before the meeting what you will give, in which steps, and what you ask "
             "for each one. Make each step smaller than the last — shrinking steps tell the "
             "supplier you are near your limit — and never give without a get.")
    checks = ("plan",)

    def build(self) -> None:
        self.current: str | None = None
        self.drafts: dict[str, list[tuple[str, str]]] = {}
        self.rows: list[list[QWidget]] = []
        self.issues = QListWidget()
        self.issues.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 18)
        self.issues.currentItemChanged.connect(self._issue_picked)
        body = QHBoxLayout()
        body.addWidget(self.issues)
        body.addWidget(self._editor(), 1)
        self.box.addLayout(body)

    def _editor(self) -> Card:
        card = Card("")
        self.heading = card.title
        self.positions = FigureLabel()
        card.box.addWidget(self.positions)
        self.form = Form(self)
        self.form.edited.connect(self._edited)
        self.grid = QGridLayout()
        self.grid.setColumnStretch(2, 1)
        for c, text in enumerate(("", "give: move to", "get: ask for in return", "step size")):
            self.grid.addWidget(muted(text, wrap=False), 0, c)
        card.box.addLayout(self.grid)
        self.empty = QLabel()
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        card.box.addWidget(self.empty)
        card.box.addWidget(self.form.general)
        self.count = QSpinBox()
        self.count.setRange(1, 6)
        self.count.setValue(3)
        self.count.setPrefix("steps: ")
        self.count.setToolTip("How many steps Suggest proposes")
        row, (self.add, self.suggest, self.save, self.revert, self.clear) = self.buttons(
            ("Add step", self.add_step, "A step at the end of the ladder"),
            ("Suggest", self.suggest_ladder, "Propose a diminishing ladder (each step about half "
                                             "the one before) to edit before saving"),
            ("Save plan", self.submit, "Record this issue's ladder in the journal"),
            ("Revert", self.revert_draft, "Drop the unsaved changes"),
            ("Remove plan", self.remove_plan, "Record that this issue has no plan"))
        row.insertWidget(2, self.count)
        card.box.addLayout(row)
        self.status = muted("")
        card.box.addWidget(self.status)
        self.chart = LadderChart()
        card.box.addWidget(self.chart)
        return card

    # --- rows -----------------------------------------------------------------------------------

    def _set_rows(self, items: list[tuple[str, str]]) -> None:
        for n, widgets in enumerate(self.rows):
            self.form.remove(f"steps[{n}]")
            self.form.remove(f"asks[{n}]")
            for w in widgets:
                w.deleteLater()
        self.rows = []
        for n, (value, ask) in enumerate(items):
            step, get = SecretEdit(secret=True), SecretEdit(secret=True)
            step.setMaximumWidth(self.fontMetrics().horizontalAdvance("0") * 14)
            get.setPlaceholderText("e.g. payment 75 days")
            step_error = self.form.add(f"steps[{n}]", step)
            ask_error = self.form.add(f"asks[{n}]", get)
            drop = QToolButton()
            drop.setText("✕")
            drop.setToolTip("Remove this step")
            drop.clicked.connect(lambda _=False, i=n: self.remove_step(i))
            for w in (step, get):
                w.set_value(value if w is step else ask)
                w.set_editable(self.editable)
                w.textEdited.connect(self._draw)
            drop.setEnabled(self.editable)
            number = QLabel(f"{n + 1}.")
            move = QLabel()
            errors = QWidget()
            col = QVBoxLayout(errors)
            col.setContentsMargins(0, 0, 0, 0)
            col.addWidget(step_error)
            col.addWidget(ask_error)
            r = 1 + 2 * n
            for c, w in enumerate((number, step, get, move, drop)):
                self.grid.addWidget(w, r, c)
            self.grid.addWidget(errors, r + 1, 1, 1, 4)
            self.rows.append([number, step, get, drop, errors, move])
        for n in range(4):
            header = self.grid.itemAtPosition(0, n)
            if header is not None and header.widget() is not None:
                header.widget().setVisible(bool(items))
        issue = self.prep.issues.get(self.current or "")
        name = (issue.label or issue.key) if issue is not None else ""
        if issue is not None and plan_locked(self.prep, issue.key):
            text = (f"The plan for {name} is {LOCKED}: it is sealed on this computer. Enter the "
                    f"join phrase (Edit → Join this workspace…) to see it.")
        elif not self.keyed:
            text = (f"No plan for {name} yet. A plan is sealed when saved: enter the join phrase "
                    f"(Edit → Join this workspace…) to write one.")
        else:
            text = (f"No plan for {name} yet: press Suggest for a shrinking ladder to edit, or "
                    f"Add step.")
        self.empty.setText("" if items or issue is None else text)
        self.empty.setVisible(not items and issue is not None)
        self._draw()

    def _typed(self) -> list[tuple[str, str]]:
        return [(self.form.value(f"steps[{n}]"), self.form.value(f"asks[{n}]"))
                for n in range(len(self.rows))]

    def add_step(self) -> None:
        """An empty step at the end."""
        self._set_rows([*self._typed(), ("", "")])
        self._changed()
        focus(self.rows[-1][1])

    def remove_step(self, index: int) -> None:
        """Drop one step (saved with the next Save)."""
        typed = self._typed()
        del typed[index]
        self._set_rows(typed)
        self._changed()

    def suggest_ladder(self) -> None:
        """Fill in a suggested ladder and gets; nothing is saved until Save."""
        issue = self.prep.issues.get(self.current or "")
        if issue is None:
            return
        ladder = suggest_ladder(issue, self.count.value())
        if not ladder:
            self.status.setText("The opening equals the target: there is nothing to give "
                                "before the target.")
            return
        asks = suggest_asks(self.prep, issue.key)
        self._set_rows([(dec_str(v), asks[n % len(asks)] if asks else "")
                        for n, v in enumerate(ladder)])
        self._changed()
        self.status.setText(f"Suggested {len(ladder)} shrinking steps — edit them, then Save.")

    def _changed(self) -> None:
        self.form.dirty = True
        self._edited()

    # --- behaviour ------------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        prep = self.prep
        self.issues.blockSignals(True)
        self.issues.clear()
        for key, issue in prep.issues.items():
            plan = prep.plan.get(key)
            mark = f"{len(plan.steps)} steps" if plan else \
                LOCKED if plan_locked(prep, key) else "no plan"
            draft = "  (unsaved)" if key in self.drafts else ""
            item = QListWidgetItem(f"{issue.label or key}\n   {mark}{draft}")
            item.setData(KEY, key)
            self.issues.addItem(item)
        if self.current not in prep.issues:
            self.current = next(iter(prep.issues), None)
        for n in range(self.issues.count()):
            if self.issues.item(n).data(KEY) == self.current:
                self.issues.setCurrentRow(n)
        self.issues.blockSignals(False)
        self._load()

    def _issue_picked(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.show_issue(item.data(KEY))

    def show_issue(self, key: str) -> None:
        """Edit ``key``'s ladder (unsaved changes to the previous one are kept as a draft)."""
        if self.form.dirty and self.current:
            self.drafts[self.current] = self._typed()
        self.current = key
        self.form.dirty = False
        self.refresh()

    def _load(self) -> None:
        prep, key = self.prep, self.current
        issue = prep.issues.get(key or "")
        if issue is None:
            self.heading.setText("No issues yet: define them first.")
            self.positions.set_figure("")
            self._set_rows([])
            self._edited()
            return
        cur = prep.currency
        self.heading.setText(f"{issue.label or key} — {issue.better} is better for us")
        self.positions.set_figure(
            f"opening {fmt(issue.opening, issue.unit, cur)} → target "
            f"{sealed(issue.target, issue.unit, cur)}  ·  never past the walk-away "
            f"{sealed(issue.walk_away, issue.unit, cur)}", locked=issue.locked)
        if self.form.dirty:  # changed elsewhere while typing: keep what is typed
            self.drafts[key] = self._typed()
        plan = prep.plan.get(key)
        saved = [(dec_str(s), a) for s, a in
                 zip(plan.steps, [*plan.asks, *[""] * len(plan.steps)], strict=False)
                 ] if plan else []
        draft = self.drafts.get(key)
        self._set_rows(draft if draft is not None else saved)
        self.form.clear_problems()
        self.form.dirty = draft is not None
        self._edited()

    def _edited(self) -> None:
        if self.form.dirty and self.current:
            self.drafts[self.current] = self._typed()
        has_issue = self.current in self.prep.issues
        on = self.editable and has_issue and self.keyed  # a plan is sealed when written
        self.add.setEnabled(on)
        self.suggest.setEnabled(on)
        self.count.setEnabled(on)
        self.save.setEnabled(on and self.form.dirty)
        self.revert.setEnabled(on and self.form.dirty)
        self.clear.setEnabled(on and self.current in self.prep.plan)
        self._draw()

    def _draw(self, *_: object) -> None:
        issue = self.prep.issues.get(self.current or "")
        steps = []
        for value, _ask in self._typed():
            try:
                steps.append(Decimal(value))
            except InvalidOperation:
                continue
        self.chart.show_ladder(issue, steps, self.prep.currency)
        moves = ladder_moves(issue, steps) if issue and len(steps) == len(self.rows) else []
        self.chart.setVisible(not (issue is not None and issue.locked))
        for n, widgets in enumerate(self.rows):
            label = widgets[5]
            if n >= len(moves):
                label.setText("")
                styled(label, "muted")
                continue
            size, shrinks = moves[n]
            label.setText(f"{fmt(size, issue.unit, self.prep.currency)}"
                          + ("" if shrinks else "  ⚠ not smaller than the step before"))
            styled(label, "muted" if shrinks else "warning")

    def revert_draft(self) -> None:
        """Drop the unsaved changes to this issue's ladder."""
        self.drafts.pop(self.current or "", None)
        self.form.dirty = False
        self._load()

    def submit(self) -> None:
        """Save this issue's ladder through ``set_plan``."""
        typed = [(v, a) for v, a in self._typed() if v or a]
        if len(typed) != len(self.rows):
            self._set_rows(typed)
        data = {"issue": self.current, "steps": [v for v, _ in typed]}
        if any(a for _, a in typed):
            data["asks"] = [a for _, a in typed]
        self._write(data, "Saved.")

    def remove_plan(self) -> None:
        """Record that this issue has no plan (``set_plan`` with no steps)."""
        self._write({"issue": self.current, "steps": []}, "Plan removed.")

    def _write(self, data: dict, message: str) -> None:
        key = self.current
        self.status.setText("saving…")

        def saved(_act: object) -> None:
            self.drafts.pop(key, None)
            if self.current == key:
                self.form.dirty = False
                self.refresh()
            self.status.setText(message)

        self.writer.submit("set_plan", data, done=saved, failed=self._refused)

    def _refused(self, problems) -> None:
        self.form.show_problems(problems)
        self.status.setText("Not saved: correct the steps marked in red.")

    # --- section hooks --------------------------------------------------------------------------

    def set_editable(self, on: bool) -> None:
        self.form.set_editable(on)
        for widgets in self.rows:
            widgets[3].setEnabled(on)
        self._edited()

    def focus_place(self, place: Place) -> None:
        key = place.issue or next((k for k in self.prep.issues if k not in self.prep.plan), None)
        if key:
            self.show_issue(key)
        if self.rows:
            focus(self.rows[0][1])
        elif self.suggest.isEnabled():
            focus(self.suggest)
