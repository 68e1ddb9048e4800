"""Negotiation: supplier, category, currency and the situation that feeds the strategy selector."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.domain import SITUATION
from app.prepare import Place
from ui.prepare.form import Form, SecretEdit, muted
from ui.prepare.section import FormSection, focus

TEXT_FIELDS = (
    ("title", "Title", "e.g. Corrugated packaging 2027"),
    ("supplier", "Supplier", "who we negotiate with"),
    ("category", "Category", "e.g. Packaging / corrugated"),
    ("currency", "Currency", "ISO code, e.g. EUR"),
)
SITUATION_FIELDS = {
    "suppliers": ("Suppliers able to serve us", {
        "many": "many", "few": "few", "single": "a single one"}),
    "relationship": ("Relationship", {
        "transactional": "transactional", "strategic": "strategic"}),
    "batna": ("Our BATNA", {"strong": "strong", "weak": "weak"}),
    "spend": ("Spend", {"tail": "tail (small, routine)", "core": "core (large, critical)"}),
}


class NegotiationSection(FormSection):
    """The header of the negotiation."""

    name = "negotiation"
    title = "Negotiation"
    intro = ("Who we negotiate with, for what, in which currency — and the situation, which "
             "decides the approach the strategy page recommends.")

    def build(self) -> None:
        self.form = Form(self)
        self.form.edited.connect(self._edited)
        grid = QFormLayout()
        for name, label, hint in TEXT_FIELDS:
            edit = SecretEdit()
            edit.setPlaceholderText(hint)
            grid.addRow(label, self._with_error(edit, self.form.add(name, edit)))
        grid.addRow(QLabel(""))
        grid.addRow(muted("The situation", wrap=False))
        for key, (label, options) in SITUATION_FIELDS.items():
            combo = QComboBox()
            combo.addItem("(not known)", None)
            for value in SITUATION[key]:
                combo.addItem(options[value], value)
            grid.addRow(label, self._with_error(combo, self.form.add(f"situation.{key}", combo)))
        self.box.addLayout(grid)
        self.box.addWidget(self.form.general)
        row, (self.save, self.revert) = self.buttons(
            ("Save", self.submit, "Record the negotiation's header in the journal"),
            ("Revert", self.reload, "Drop the unsaved changes"))
        self.status = muted("", wrap=True)
        self.box.addLayout(row)
        self.box.addWidget(self.status)

    @staticmethod
    def _with_error(editor, error) -> QWidget:
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(1)
        col.addWidget(editor)
        col.addWidget(error)
        editor.setMaximumWidth(520)
        return holder

    # --- behaviour ------------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        self.reload_unless_typing()

    def reload(self) -> None:
        """Load the header as it stands."""
        prep = self.prep
        values = {"title": prep.title, "supplier": prep.supplier, "category": prep.category,
                  "currency": prep.currency}
        values.update({f"situation.{k}": prep.situation.get(k) for k in SITUATION})
        self.form.load(values)
        self.status.setText("")
        self._edited()

    def submit(self) -> None:
        """Save the header through ``update_negotiation``."""
        values = self.form.values()
        data: dict = {k: values[k] for k, *_ in TEXT_FIELDS if values[k]}
        situation = {k: values[f"situation.{k}"] for k in SITUATION if values[f"situation.{k}"]}
        if situation:
            data["situation"] = situation
        self.write("update_negotiation", data)

    def focus_place(self, place: Place) -> None:
        editor = self.form.editors.get(place.field or "supplier")
        if editor is not None:
            focus(editor)
