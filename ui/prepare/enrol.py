"""Prepare → Team: the members' signing keys. The lead picks a member and enters the enrolment code
their console shows (typed as read out, pasted, or read from a key file they sent); the services
check it (``app.members.check_enrol``) and refuse a typo, a wrong length or a key already enrolled
for someone else, shown beside the field with what was typed kept."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QVBoxLayout

from app.errors import InvalidInput
from app.rules import Problem
from app.signing import enrolment_code, parse_code, short_code
from ui.prepare.form import Form, SecretEdit, muted
from ui.widgets.common import Card


class EnrolCard(Card):
    """Enrol a member's key; the table above says who is enrolled."""

    def __init__(self, section):
        super().__init__("Member keys — only the key enrolled for a member signs acts in their "
                         "name")
        self.section = section
        self.form = Form(section)
        self.member = QComboBox()
        self.code = SecretEdit()
        self.code.setPlaceholderText("their enrolment code: 14 groups of 4, e.g. QFCE-DIFP-6K7J-…")
        row = QHBoxLayout()
        for editor, name, stretch in ((self.member, "member", 1), (self.code, "code", 3)):
            col = QVBoxLayout()
            col.addWidget(editor)
            col.addWidget(self.form.add(name, editor))
            row.addLayout(col, stretch)
        self.box.addWidget(muted("Each member's console shows their enrolment code until you "
                                 "enrol it. Enter it here as they read it out (spaces, dashes "
                                 "and case do not matter), or add the file they sent you."))
        self.box.addLayout(row)
        self.box.addWidget(self.form.general)
        buttons, (self.enrol_button, self.file_button) = section.buttons(
            ("Enrol", self.submit, "Enrol this member's key (signed by you)"),
            ("From a file…", self.from_file, "Read the code from a file the member sent"))
        self.box.addLayout(buttons)
        self.status = muted("")
        self.box.addWidget(self.status)

    def refresh(self, prep, editable: bool) -> None:
        """The members to choose from (not-enrolled ones first), and who may enrol."""
        chosen = self.member.currentData()
        self.member.clear()
        for name in sorted(prep.team, key=lambda n: (n in prep.keys, list(prep.team).index(n))):
            state = f"enrolled {short_code(prep.keys[name])}…" if name in prep.keys else \
                "not enrolled"
            self.member.addItem(f"{name} — {state}", name)
        if chosen is not None and self.member.findData(chosen) >= 0:
            self.member.setCurrentIndex(self.member.findData(chosen))
        self.form.set_editable(editable)
        self.enrol_button.setEnabled(editable)
        self.file_button.setEnabled(editable)

    def submit(self) -> None:
        """Enrol the code typed for the member chosen."""
        data = {"member": self.form.value("member"), "code": self.form.value("code")}
        self.status.setText("enrolling…")
        self.section.writer.submit("enrol", data, done=self._enrolled, failed=self._refused)

    def from_file(self) -> None:
        """Fill the code from a file the member sent (their code, or `caucus key` output)."""
        path, _ = QFileDialog.getOpenFileName(self, "The member's enrolment code", "",
                                              "Text files (*.txt);;All files (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        """Put a file's text in the code field (the services find the code in it)."""
        try:
            text = Path(path).read_text(encoding="utf-8")[:4000]
        except (OSError, UnicodeDecodeError) as exc:
            self.form.show_problems([Problem("code", f"{path} cannot be read ({exc})")])
            return
        try:
            code = enrolment_code(parse_code(text))
        except InvalidInput as exc:
            self.form.show_problems([p.under("code") for p in exc.problems])
            return
        self.form.set_value("code", code)
        self.form.clear_problems()

    def _enrolled(self, act) -> None:
        self.form.set_value("code", "")
        self.form.clear_problems()
        self.status.setText(f"{act.payload['member']} enrolled: their entries are accepted now.")

    def _refused(self, problems: list[Problem]) -> None:
        self.form.show_problems(problems)
        self.status.setText("Not enrolled.")
