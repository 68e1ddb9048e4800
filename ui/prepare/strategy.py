"""Strategy: the approach the situation calls for (the guide's selector), the Kraljic quadrant, and
the approach the lead chose — kept with its reason, shown beside the recommendation."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton

from app.analysis import strategy
from app.prepare import Place
from app.rules import STRATEGIES
from ui import theme
from ui.prepare.form import Form, SecretEdit, muted
from ui.prepare.section import FormSection, focus
from ui.widgets.common import Card

QUADRANTS = (  # (row, column) in the matrix: profit impact up, supply risk right
    ("leverage", 0, 0, "Leverage"), ("strategic", 0, 1, "Strategic"),
    ("non-critical", 1, 0, "Non-critical"), ("bottleneck", 1, 1, "Bottleneck"),
)
SITUATION_WORDS = {
    "suppliers": {"many": "many suppliers", "few": "few suppliers", "single": "a single supplier"},
    "relationship": {"transactional": "transactional", "strategic": "strategic relationship"},
    "batna": {"strong": "strong BATNA", "weak": "weak BATNA"},
    "spend": {"tail": "tail spend", "core": "core spend"},
}


def approach_name(approach: str) -> str:
    """``relationship-led`` → ``Relationship-led``."""
    return approach[:1].upper() + approach[1:]


class StrategySection(FormSection):
    """Recommendation and choice side by side."""

    name = "strategy"
    title = "Strategy"
    intro = ("The approach follows from the situation: compete where we have a strong "
             "alternative and many suppliers, collaborate where the supplier is hard to replace, "
             "build the alternative first where ours is weak, automate the tail. The lead may "
             "choose otherwise; the choice and its reason are kept.")
    refused_text = "Not saved."

    def build(self) -> None:
        self.situation = muted("")
        edit_situation = QPushButton("Edit the situation…")
        edit_situation.setProperty("navigation", True)  # moves, never writes: open to all
        edit_situation.clicked.connect(
            lambda: self.jump.emit(Place("negotiation", None, "situation.suppliers")))
        top = QHBoxLayout()
        top.addWidget(self.situation, 1)
        top.addWidget(edit_situation)
        self.box.addLayout(top)
        cards = QHBoxLayout()
        cards.addWidget(self._recommended(), 1)
        cards.addWidget(self._choice(), 1)
        self.box.addLayout(cards)
        self.box.addWidget(self._kraljic())

    def _recommended(self) -> Card:
        card = Card("Recommended for this situation")
        self.approach = QLabel()
        self.approach.setFont(theme.scaled_font(self.font(), 1.5, bold=True))
        self.key_move = QLabel()
        self.key_move.setFont(theme.scaled_font(self.font(), 1.1, bold=True))
        self.key_move.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        for w in (self.approach, self.key_move, self.reason):
            card.box.addWidget(w)
        card.box.addStretch(1)
        return card

    def _choice(self) -> Card:
        card = Card("Our choice")
        self.chosen = QLabel()
        self.chosen.setFont(theme.scaled_font(self.font(), 1.5, bold=True))
        self.chosen_reason = QLabel()
        self.chosen_reason.setWordWrap(True)
        card.box.addWidget(self.chosen)
        card.box.addWidget(self.chosen_reason)
        self.form = Form(self)
        self.form.edited.connect(self._edited)
        self.combo = QComboBox()
        for approach in STRATEGIES:
            self.combo.addItem(approach_name(approach), approach)
        self.reason_edit = SecretEdit()
        self.reason_edit.setPlaceholderText("why (kept with the choice)")
        card.box.addWidget(self.combo)
        card.box.addWidget(self.form.add("approach", self.combo))
        card.box.addWidget(self.reason_edit)
        card.box.addWidget(self.form.add("reason", self.reason_edit))
        card.box.addWidget(self.form.general)
        row, (self.save, self.follow) = self.buttons(
            ("Save choice", self.submit, "Record the chosen approach and why"),
            ("Take the recommendation", self.take_recommendation,
             "Fill in the recommended approach"))
        card.box.addLayout(row)
        self.status = muted("")
        card.box.addWidget(self.status)
        return card

    def _kraljic(self) -> Card:
        card = Card("Kraljic matrix: profit impact (up) against supply risk (right)")
        grid = QGridLayout()
        self.cells: dict[str, QLabel] = {}
        for quadrant, r, c, text in QUADRANTS:
            cell = QLabel(text)
            cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setMinimumHeight(cell.fontMetrics().height() * 2)
            grid.addWidget(cell, r, c)
            self.cells[quadrant] = cell
        box = QHBoxLayout()
        box.addLayout(grid, 1)
        self.kraljic_reason = QLabel()
        self.kraljic_reason.setWordWrap(True)
        box.addWidget(self.kraljic_reason, 2)
        card.box.addLayout(box)
        return card

    # --- behaviour ------------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        prep = self.prep
        rec = strategy(prep.situation)
        words = [SITUATION_WORDS[k][v] for k, v in prep.situation.items()
                 if v in SITUATION_WORDS.get(k, {})]
        self.situation.setText("Situation: " + (" · ".join(words) if words else
                                                "not described yet"))
        self.recommended = rec["approach"]
        self.approach.setText(approach_name(rec["approach"]))
        self.key_move.setText(f"Key move: {rec['key_move']}")
        self.reason.setText(rec["reason"])
        quadrant = rec["kraljic"]["quadrant"]
        for name, cell in self.cells.items():
            on = name == quadrant
            cell.setStyleSheet(
                f"background: {theme.OURS}; color: white; font-weight: bold; border-radius: 4px;"
                if on else "border: 1px solid palette(mid); border-radius: 4px; color: "
                           "palette(mid);")
        title = f"{quadrant.capitalize()} quadrant. " if quadrant else ""
        self.kraljic_reason.setText(title + rec["kraljic"]["reason"])
        chosen = prep.strategy.get("approach")
        if chosen:
            differs = "" if chosen == rec["approach"] else "  (differs from the recommendation)"
            self.chosen.setText(approach_name(chosen) + differs)
            self.chosen_reason.setText(prep.strategy.get("reason") or "No reason given.")
        else:
            self.chosen.setText("Not chosen yet")
            self.chosen_reason.setText("Until the lead chooses, the recommendation stands.")
        if not self.form.dirty:
            self.form.load({"approach": chosen or rec["approach"],
                            "reason": prep.strategy.get("reason")})
        self._edited()

    def take_recommendation(self) -> None:
        """Put the recommended approach in the choice (not saved yet)."""
        self.form.set_value("approach", self.recommended)
        self.form.dirty = True
        self._edited()

    def _edited(self) -> None:
        self.save.setEnabled(self.editable)
        self.follow.setEnabled(self.editable)

    def submit(self) -> None:
        """Save through ``set_strategy``."""
        values = self.form.values()
        data = {k: v for k, v in values.items() if v}
        self.write("set_strategy", data)

    def _saved(self, _act: object) -> None:
        self.form.dirty = False
        self.form.clear_problems()
        self.status.setText("Saved.")
        self.refresh()

    # --- section hooks --------------------------------------------------------------------------

    def focus_place(self, place: Place) -> None:
        focus(self.combo)
