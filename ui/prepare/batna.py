"""BATNA: what we do if this deal fails, our estimate of what the supplier does if they lose us, and
our alternative's value per issue (e.g. the second source's price). Confidential throughout: sealed
on a computer without the join phrase, where every field says "locked" and nothing can be saved."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.prepare import Place, batna_locked, batna_notes
from ui.prepare.form import Form, SecretEdit, SecretText, muted
from ui.prepare.section import FormSection, focus
from ui.widgets.common import Card, FigureLabel, sealed


class BatnaSection(FormSection):
    """Both BATNAs as text, ours in numbers, and what those numbers say about the walk-aways."""

    name = "batna"
    title = "BATNA"
    intro = ("Our best alternative to this deal is where our leverage comes from: a qualified "
             "second source, making it ourselves, or waiting. Estimate the supplier's too: what "
             "losing our business would cost them.")
    checks = ("batna",)

    def build(self) -> None:
        self.form = Form(self)
        self.form.edited.connect(self._edited)
        texts = QHBoxLayout()
        for name, caption, hint in (
                ("ours", "Ours — what we do if this deal fails",
                 "e.g. Second source qualified at 0.88 EUR/box, 60 days"),
                ("theirs", "Theirs — what the supplier does if they lose us (our estimate)",
                 "e.g. A line stands idle; they need the volume before Q1")):
            card = Card(caption)
            edit = SecretText(secret=True)
            edit.setPlaceholderText(hint)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(edit.fontMetrics().height() * 5)
            card.box.addWidget(edit)
            card.box.addWidget(self.form.add(name, edit))
            texts.addWidget(card, 1)
        self.box.addLayout(texts)
        values = Card("Our alternative in numbers, per issue (where it has one)")
        self.grid = QGridLayout()
        self.grid.setColumnStretch(3, 1)
        self.rows: dict[str, list[QWidget]] = {}
        values.box.addLayout(self.grid)
        values.box.addWidget(muted("Leave blank where the alternative says nothing about an "
                                   "issue. The lead's trajectory chart draws these as a "
                                   "“BATNA” line."))
        self.notes = FigureLabel()
        self.notes.setProperty("role", "warning")
        self.notes.setWordWrap(True)
        values.box.addWidget(self.notes)
        self.box.addWidget(values)
        self.box.addWidget(self.form.general)
        row, (self.save, self.revert) = self.buttons(
            ("Save BATNA", self.submit, "Record both BATNAs and our values in the journal"),
            ("Revert", self.reload, "Drop the unsaved changes"))
        self.status = muted("")
        self.sealed_note = muted("The BATNA is sealed on this computer: enter the join phrase "
                                 "(Edit → Join this workspace…) to read or change it.")
        self.box.addLayout(row)
        self.box.addWidget(self.status)
        self.box.addWidget(self.sealed_note)

    def _value_rows(self) -> None:
        """One row per issue (rebuilt when the issues change; typed values survive)."""
        prep = self.prep
        if list(self.rows) == list(prep.issues):
            for key, (name, _edit, unit, _holder, walk) in self.rows.items():
                issue = prep.issues[key]
                name.setText(issue.label or key)
                unit.setText(issue.unit or prep.currency or "")
                self._walk(walk, issue)
            return
        typed = {k: self.form.value(f"values.{k}") for k in self.rows}
        for key, widgets in self.rows.items():
            self.form.remove(f"values.{key}")
            for w in widgets:
                w.deleteLater()
        self.rows = {}
        for r, (key, issue) in enumerate(prep.issues.items()):
            edit = SecretEdit(secret=True)
            edit.setMaximumWidth(160)
            error = self.form.add(f"values.{key}", edit)
            edit.set_value(typed.get(key, ""))
            edit.set_editable(self.editable)
            name, unit = QLabel(issue.label or key), QLabel(issue.unit or prep.currency or "")
            walk = FigureLabel()
            walk.setProperty("role", "muted")
            holder = QWidget()
            col = QVBoxLayout(holder)
            col.setContentsMargins(0, 0, 0, 0)
            col.addWidget(walk)
            col.addWidget(error)
            for c, w in enumerate((name, edit, unit, holder)):
                self.grid.addWidget(w, r, c)
            self.rows[key] = [name, edit, unit, holder, walk]
            self._walk(walk, issue)

    def _walk(self, label: FigureLabel, issue) -> None:
        label.set_figure(f"our walk-away: {sealed(issue.walk_away, issue.unit, self.currency())}",
                         locked=issue.walk_away is None)

    def is_sealed(self) -> bool:
        """True when the BATNA cannot be read or saved here (no join phrase)."""
        return not self.keyed or batna_locked(self.prep)

    # --- behaviour ------------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        self._value_rows()
        locked = self.is_sealed()
        for editor in self.form.editors.values():
            editor.set_locked(locked)
        self.sealed_note.setVisible(locked)
        self.notes.set_figure("\n".join(f"⚠ {n}" for n in batna_notes(self.prep)))
        self.reload_unless_typing()

    def reload(self) -> None:
        """Load both BATNAs and the values as they stand."""
        batna = self.prep.batna
        values = {"ours": batna.get("ours"), "theirs": batna.get("theirs")}
        saved = batna.get("values") or {}
        values.update({f"values.{k}": saved.get(k) for k in self.rows})
        self.form.load(values)
        self.status.setText("")
        self._edited()

    def _edited(self) -> None:
        self.save.setEnabled(self.editable and self.form.dirty and not self.is_sealed())
        self.revert.setEnabled(self.editable and self.form.dirty)

    def submit(self) -> None:
        """Save through ``set_batna`` (the whole BATNA at once)."""
        values = self.form.values()
        data: dict = {k: values[k] for k in ("ours", "theirs") if values[k]}
        numbers = {k: values[f"values.{k}"] for k in self.rows if values[f"values.{k}"]}
        if numbers:
            data["values"] = numbers
        self.write("set_batna", data)

    # --- section hooks --------------------------------------------------------------------------

    def focus_place(self, place: Place) -> None:
        editor = self.form.editors.get(place.field or "ours")
        if editor is not None:
            focus(editor)

