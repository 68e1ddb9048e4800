"""Team and authority: who is on the team in which role, and for each member and issue the furthest
value they may agree without approval (the services check it lies between opening and walk-away).
Limits are confidential: without the join phrase a recorded limit says "locked" and no limit can be
written; the members can still be edited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain import ROLES
from app.numbers import dec_str
from app.prepare import Place, limit_locked
from app.rules import Problem
from app.signing import short_code
from ui import theme
from ui.prepare.enrol import EnrolCard
from ui.prepare.form import Form, SecretEdit, muted
from ui.prepare.section import Section, focus
from ui.widgets.common import Card, FigureLabel, fmt, sealed

ROLE_WORDS = {"lead": "lead — speaks and logs offers", "sme": "SME — technical and cost facts",
              "observer": "observer — watches the other side", "approver": "approver — signs off "
              "beyond the others' limits"}


def cell(member: str, issue: str) -> str:
    """The form name of a member's limit on an issue."""
    return f"{member}|{issue}"


class TeamSection(Section):
    """Members and their roles; the authority grid."""

    name = "team"
    title = "Team and authority"
    intro = ("Settle inside the team, before the meeting, who speaks, who handles the facts, who "
             "watches — and who may agree what. A limit is the furthest value a member may "
             "agree on an issue without asking the approver; blank means not limited.")
    checks = ("team",)

    def build(self) -> None:
        self.loaded: dict[str, str] = {}  # limit cell → the text last loaded into it
        self.box.addWidget(self._members())
        self.enrol = EnrolCard(self)
        self.box.addWidget(self.enrol)
        self.box.addWidget(self._authority())

    def _members(self) -> Card:
        card = Card("Members")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Name", "Role", "Signing key"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._member_picked)
        card.box.addWidget(self.table)
        self.members = Form(self)
        self.name = SecretEdit()
        self.name.setPlaceholderText("name, as they will sign in")
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(ROLE_WORDS[role], role)
        row = QHBoxLayout()
        for editor, field in ((self.name, "name"), (self.role, "role")):
            col = QVBoxLayout()
            col.addWidget(editor)
            col.addWidget(self.members.add(field, editor))
            row.addLayout(col, 1)
        self.editor_box = QCheckBox("may also edit the preparation and speak for us (editor)")
        self.editor_box.setToolTip("Leads always may; name an editor when the lead needs a "
                                   "deputy")
        card.box.addLayout(row)
        card.box.addWidget(self.editor_box)
        card.box.addWidget(self.members.general)
        buttons, (self.set_member, self.drop_member) = self.buttons(
            ("Add / change role", self.submit_member, "Add the member, or give them this role"),
            ("Remove member…", self.remove_member, "Take the member off the team"))
        card.box.addLayout(buttons)
        self.member_status = muted("")
        card.box.addWidget(self.member_status)
        return card

    def _authority(self) -> Card:
        card = Card("Authority limits — the furthest value each member may agree without "
                    "approval")
        self.limits = Form(self)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        card.box.addWidget(self.grid_host)
        buttons, (self.save_limits, self.revert_limits) = self.buttons(
            ("Save limits", self.submit_limits, "Record every changed limit in the journal"),
            ("Revert", self.reload_limits, "Drop the unsaved changes"))
        card.box.addLayout(buttons)
        self.limit_status = muted("")
        self.sealed_note = muted("Limits are sealed on this computer: enter the join phrase "
                                 "(Edit → Join this workspace…) to see or change them.")
        card.box.addWidget(self.limit_status)
        card.box.addWidget(self.sealed_note)
        self.limits.edited.connect(self._limits_edited)
        return card

    # --- refreshing -----------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        prep = self.prep
        self.table.setRowCount(len(prep.team))
        for r, member in enumerate(prep.team.values()):
            self.table.setItem(r, 0, QTableWidgetItem(member.name))
            editor = "  · editor" if member.editor and member.role != "lead" else ""
            self.table.setItem(r, 1, QTableWidgetItem(ROLE_WORDS[member.role] + editor))
            key = prep.keys.get(member.name)
            self.table.setItem(r, 2, QTableWidgetItem(
                f"✓ enrolled · {short_code(key)}…" if key else "not enrolled: entries refused"))
        self.table.setFixedHeight(self.table.horizontalHeader().height() + 4 +
                                  sum(self.table.rowHeight(r) for r in range(len(prep.team))))
        self.enrol.refresh(prep, self.editable)
        self._grid()
        self._buttons()

    def _grid(self) -> None:
        """The grid of limits: rebuilt when the team or the issues change, else filled in place;
        what was typed and not saved stays either way."""
        prep = self.prep
        shape = (tuple((m.name, m.role) for m in prep.team.values()),
                 tuple((i.key, i.label, i.unit, i.opening, i.walk_away)
                       for i in prep.issues.values()), prep.currency)
        if shape != getattr(self, "_shape", None):
            self._shape = shape
            self._build_grid()
        typed = {n: self.limits.value(n) for n in self.limits.editors}
        loaded = {}
        for name in self.limits.editors:
            member, issue = name.split("|", 1)
            saved = dec_str(prep.limit(member, issue)) or ""
            loaded[name] = saved
            self.limits.editors[name].set_locked(limit_locked(prep, member, issue))
            if typed[name] == self.loaded.get(name, ""):  # untouched: show the recorded limit
                self.limits.set_value(name, saved)
        self.loaded = loaded
        self.sealed_note.setVisible(not self.keyed and bool(self.limits.editors))
        self.limits.set_editable(self.editable and self.keyed)
        self._limits_edited()

    def _build_grid(self) -> None:
        prep = self.prep
        typed = {n: self.limits.value(n) for n in self.limits.editors}
        problems = {n: m for n, m in self.limits.problems_shown().items() if n}
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for name in list(self.limits.editors):
            self.limits.remove(name)
        cur = prep.currency
        for c, issue in enumerate(prep.issues.values(), start=1):
            head = QLabel(f"<b>{issue.label or issue.key}</b>")
            span = FigureLabel()
            span.setProperty("role", "muted")
            span.set_figure(f"{fmt(issue.opening, issue.unit, cur)} … "
                            f"{sealed(issue.walk_away, issue.unit, cur)}",
                            locked=issue.walk_away is None)
            self.grid.addWidget(head, 0, c)
            self.grid.addWidget(span, 1, c)
        self.grid.addWidget(muted("opening … walk-away", wrap=False), 1, 0)
        for r, member in enumerate(prep.team.values(), start=2):
            who = QLabel(f"{member.name}\n({member.role})")
            if member.role == "approver":  # the one whose limits end the others' escalations
                who.setFont(theme.scaled_font(self.font(), 1.0, bold=True))
            self.grid.addWidget(who, r, 0, Qt.AlignmentFlag.AlignTop)
            for c, issue in enumerate(prep.issues.values(), start=1):
                name = cell(member.name, issue.key)
                edit = SecretEdit(secret=True)
                edit.setPlaceholderText("not limited")
                edit.setToolTip(f"{member.name} on {issue.label or issue.key}"
                                + (f" ({issue.unit})" if issue.unit else ""))
                error = self.limits.add(name, edit)
                edit.set_value(typed.get(name, self.loaded.get(name, "")))
                edit.set_editable(self.editable and self.keyed)
                holder = QWidget()
                col = QVBoxLayout(holder)
                col.setContentsMargins(0, 0, 0, 0)
                col.setSpacing(1)
                col.addWidget(edit)
                col.addWidget(error)
                self.grid.addWidget(holder, r, c, Qt.AlignmentFlag.AlignTop)
        self.limits.show_problems([Problem(n, m) for n, m in problems.items()
                                   if n in self.limits.editors])

    def reload_limits(self) -> None:
        """Drop typed limits and problems; show the limits as they stand."""
        for name, text in self.loaded.items():
            self.limits.set_value(name, text)
        self.limits.clear_problems()
        self._limits_edited()
        self.limit_status.setText("")

    def changed_limits(self) -> list[str]:
        """The cells whose text differs from the recorded limit."""
        return [n for n in self.limits.editors if self.limits.value(n) != self.loaded.get(n, "")]

    def _limits_edited(self, *_: object) -> None:
        changed = bool(self.changed_limits())
        self.save_limits.setEnabled(self.editable and self.keyed and changed)
        self.revert_limits.setEnabled(self.editable and changed)

    # --- members --------------------------------------------------------------------------------

    def _member_picked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            name = self.table.item(rows[0].row(), 0).text()
            member = self.prep.team.get(name)
            if member is not None:
                self.members.load({"name": member.name, "role": member.role})
                self.editor_box.setChecked(member.editor)
        self._buttons()

    def submit_member(self) -> None:
        """Add the member or change their role (``set_member``)."""
        data: dict = {k: v for k, v in self.members.values().items() if v}
        if self.editor_box.isChecked():
            data["editor"] = True
        self.member_status.setText("saving…")
        self.writer.submit("set_member", data, failed=self._member_refused,
                           done=lambda act: self._member_saved(f"{act.payload['name']} saved."))

    def remove_member(self) -> None:
        """Take the named member off the team, after a confirmation."""
        name = self.members.value("name")
        if name not in self.prep.team:
            self.members.show_problems([Problem("name", f'"{name}" is not on the team')])
            return
        if self.confirm(f"Take {name} off the team? Their limits go too; their acts stay in "
                        "the journal."):
            self.writer.submit("remove_member", name, failed=self._member_refused,
                               done=lambda _act: self._member_saved(f"{name} removed."))

    def confirm(self, question: str) -> bool:
        """Ask before removing (preparation time: a modal is fine)."""
        answer = QMessageBox.question(self, "Caucus", question)
        return answer == QMessageBox.StandardButton.Yes

    def _member_saved(self, message: str) -> None:
        self.members.load({"name": "", "role": "lead"})
        self.editor_box.setChecked(False)
        self.member_status.setText(message)

    def _member_refused(self, problems) -> None:
        self.members.show_problems(problems)
        self.member_status.setText("Not saved.")

    # --- limits ---------------------------------------------------------------------------------

    def submit_limits(self) -> None:
        """One write per changed cell: ``set_authority``, or ``clear_authority`` when blanked."""
        changed = self.changed_limits()
        self.limits.clear_problems(changed)
        self.limit_status.setText(f"saving {len(changed)} limit(s)…")
        for name in changed:
            member, issue = name.split("|", 1)
            text = self.limits.value(name)

            def done(_act, name=name, text=text) -> None:
                self.loaded[name] = text
                self._limits_edited()
                self.limit_status.setText("Saved.")

            def failed(problems, name=name) -> None:
                self.limits.show_problems([Problem(name, p.message) for p in problems],
                                          clear=False)
                self.limit_status.setText("Some limits were not saved: see the cells marked "
                                          "in red.")

            if text:
                self.writer.submit("set_authority", {"member": member, "issue": issue,
                                                     "limit": text}, done=done, failed=failed)
            else:
                self.writer.submit("clear_authority", member, issue, done=done, failed=failed)

    # --- section hooks --------------------------------------------------------------------------

    def _buttons(self) -> None:
        on = self.editable
        self.set_member.setEnabled(on)
        self.drop_member.setEnabled(on and self.members.value("name") in self.prep.team)

    def set_editable(self, on: bool) -> None:
        self.enrol.refresh(self.prep, on)
        self.members.set_editable(on)
        self.editor_box.setEnabled(on)
        self.limits.set_editable(on and self.keyed)  # a limit is sealed when written
        self._buttons()
        self._limits_edited()

    def focus_place(self, place: Place) -> None:
        if place.field == "authority" and self.limits.editors:
            first = next(iter(self.limits.editors.values()))
            if first.isEnabled():
                focus(first)
                return
        if self.name.isEnabled():
            focus(self.name)
