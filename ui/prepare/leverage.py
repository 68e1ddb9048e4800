"""Leverage map: what we bring and what the supplier brings, each lever with a weight, and one
sentence on who holds the stronger hand (``app.prepare.leverage_balance``)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QToolButton, QWidget

from app.prepare import Place, lever_text, leverage_balance
from ui import theme
from ui.prepare.form import Form, SecretEdit, muted
from ui.prepare.section import FormSection, focus
from ui.widgets.common import Card

SIDES = (
    ("ours", "What we bring", "e.g. 14M boxes/yr volume, prompt payment, growth"),
    ("theirs", "What they bring", "e.g. switching cost, scarce capability, our urgency"),
)


class LeverageSection(FormSection):
    """Two weighted lists and the balance between them."""

    name = "leverage"
    title = "Leverage map"
    intro = ("Leverage is rarely one-sided. List honestly what makes us attractive to the "
             "supplier and what makes them hard for us to replace; weigh each lever (blank "
             "counts 1). The balance tells which approach fits.")
    checks = ("levers",)
    refused_text = "Not saved: correct the levers marked in red."

    def build(self) -> None:
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setFont(theme.scaled_font(self.font(), 1.15, bold=True))
        self.box.addWidget(self.summary)
        self.form = Form(self)
        self.form.edited.connect(self._edited)
        self.grids: dict[str, QGridLayout] = {}
        self.rows: dict[str, list[list[QWidget]]] = {"ours": [], "theirs": []}
        self.adds: dict[str, QToolButton] = {}
        self.totals: dict[str, QLabel] = {}
        columns = QHBoxLayout()
        for side, caption, hint in SIDES:
            card = Card(caption)
            card.title.setProperty("role", "ours" if side == "ours" else "theirs")
            card.title.setFont(theme.scaled_font(self.font(), 1.05, bold=True))
            grid = QGridLayout()
            grid.setColumnStretch(0, 1)
            grid.addWidget(muted("lever", wrap=False), 0, 0)
            grid.addWidget(muted("weight", wrap=False), 0, 1)
            self.grids[side] = grid
            card.box.addLayout(grid)
            add = QToolButton()
            add.setText("+ Add a lever")
            add.setToolTip(hint)
            add.clicked.connect(lambda _=False, s=side: self.add_row(s))
            self.adds[side] = add
            self.totals[side] = muted("", wrap=False)
            foot = QHBoxLayout()
            foot.addWidget(add)
            foot.addStretch(1)
            foot.addWidget(self.totals[side])
            card.box.addLayout(foot)
            card.box.addStretch(1)
            columns.addWidget(card, 1)
        self.box.addLayout(columns)
        self.box.addWidget(self.form.general)
        row, (self.save, self.revert) = self.buttons(
            ("Save leverage map", self.submit, "Record both lists in the journal"),
            ("Revert", self.reload, "Drop the unsaved changes"))
        self.status = muted("")
        self.box.addLayout(row)
        self.box.addWidget(self.status)

    # --- rows -----------------------------------------------------------------------------------

    def _set_rows(self, side: str, items: list[tuple[str, str]]) -> None:
        for n, widgets in enumerate(self.rows[side]):
            self.form.remove(f"{side}[{n}]")
            self.form.remove(f"{side}[{n}].weight")
            for w in widgets:
                w.deleteLater()
        self.rows[side] = []
        grid = self.grids[side]
        for n, (text, weight) in enumerate(items):
            lever, wedit = SecretEdit(), SecretEdit()
            lever.setPlaceholderText("a lever")
            wedit.setPlaceholderText("1")
            wedit.setMaximumWidth(70)
            lever_error = self.form.add(f"{side}[{n}]", lever)
            weight_error = self.form.add(f"{side}[{n}].weight", wedit)
            lever.set_value(text)
            wedit.set_value(weight)
            lever.set_editable(self.editable)
            wedit.set_editable(self.editable)
            drop = QToolButton()
            drop.setText("✕")
            drop.setToolTip("Remove this lever")
            drop.setEnabled(self.editable)
            drop.clicked.connect(lambda _=False, s=side, i=n: self.remove_row(s, i))
            grid.addWidget(lever, 1 + 2 * n, 0)
            grid.addWidget(wedit, 1 + 2 * n, 1)
            grid.addWidget(drop, 1 + 2 * n, 2)
            grid.addWidget(lever_error, 2 + 2 * n, 0)
            grid.addWidget(weight_error, 2 + 2 * n, 1, 1, 2)
            self.rows[side].append([lever, wedit, drop, lever_error, weight_error])

    def _typed(self, side: str) -> list[tuple[str, str]]:
        return [(self.form.value(f"{side}[{n}]"), self.form.value(f"{side}[{n}].weight"))
                for n in range(len(self.rows[side]))]

    def add_row(self, side: str) -> None:
        """An empty lever at the end of ``side``'s list."""
        self._set_rows(side, [*self._typed(side), ("", "")])
        self.form.dirty = True
        self._edited()
        focus(self.rows[side][-1][0])

    def remove_row(self, side: str, index: int) -> None:
        """Drop one lever (saved with the next Save)."""
        typed = self._typed(side)
        del typed[index]
        self._set_rows(side, typed)
        self.form.dirty = True
        self._edited()

    # --- behaviour ------------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        balance = leverage_balance(self.prep)
        self.summary.setText(balance["summary"])
        role = {"us": "ours", "them": "theirs"}.get(balance["holder"], "")
        self.summary.setProperty("role", role)
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        for side, total in (("ours", balance["ours"]), ("theirs", balance["theirs"])):
            self.totals[side].setText(f"total weight {total.normalize():f}")
        self.reload_unless_typing()

    def reload(self) -> None:
        """Load both lists as they stand."""
        for side, *_ in SIDES:
            items = self.prep.leverage.get(side, [])
            self._set_rows(side, [(lever_text(i), _weight_text(i)) for i in items] or [("", "")])
        self.form.clear_problems()
        self.form.dirty = False
        self.status.setText("")
        self._edited()

    def submit(self) -> None:
        """Save both lists through ``set_leverage``; fully blank rows are dropped first."""
        data: dict = {}
        for side, *_ in SIDES:
            kept = [(t, w) for t, w in self._typed(side) if t or w]
            if len(kept) != len(self.rows[side]):
                self._set_rows(side, kept or [("", "")])
            data[side] = [{"text": t, "weight": w} if w else t for t, w in kept]
        self.write("set_leverage", data)

    # --- section hooks --------------------------------------------------------------------------

    def set_editable(self, on: bool) -> None:
        self.form.set_editable(on)
        for side in self.rows:
            self.adds[side].setEnabled(on)
            for widgets in self.rows[side]:
                widgets[2].setEnabled(on)
        self._edited()

    def focus_place(self, place: Place) -> None:
        side = place.field if place.field in self.rows else "ours"
        if self.rows[side]:
            focus(self.rows[side][0][0])


def _weight_text(item) -> str:
    return str(item.get("weight") or "") if isinstance(item, dict) else ""
