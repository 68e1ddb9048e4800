"""The Prepare view: a list of sections on the left (each marked when the checklist finds it
incomplete), the chosen section on the right. Every role may open it; only the lead edits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.analysis import readiness
from app.prepare import SECTIONS, Place, locate
from ui import theme
from ui.prepare.batna import BatnaSection
from ui.prepare.form import can_edit, scrolled
from ui.prepare.issues import IssuesSection
from ui.prepare.leverage import LeverageSection
from ui.prepare.negotiation import NegotiationSection
from ui.prepare.plan import PlanSection
from ui.prepare.readiness import ReadinessSection
from ui.prepare.section import Section
from ui.prepare.strategy import StrategySection
from ui.prepare.team import TeamSection

NAV = {
    "negotiation": "Negotiation",
    "issues": "Issues",
    "batna": "BATNA",
    "leverage": "Leverage map",
    "strategy": "Strategy",
    "plan": "Concession plan",
    "team": "Team and authority",
    "readiness": "Readiness",
    "history": "Supplier history",
}
SECTION = Qt.ItemDataRole.UserRole


class HistorySection(Section):
    """What earlier negotiations with this supplier showed (``ui.review.history``), read when
    the section is first shown and again when the supplier's name changes."""

    name = "history"
    title = "Supplier history"
    intro = ("Every negotiation with this supplier in this workspace: what they conceded, the "
             "tactics they used and where their real limits turned out to be.")

    def build(self) -> None:
        from ui.review.history import SupplierHistory

        self.history = SupplierHistory(self.session)
        self.box.addWidget(self.history)

    def refresh(self, *_: object) -> None:
        self.history.follow(self.prep.supplier)


CLASSES: dict[str, type[Section]] = {
    "negotiation": NegotiationSection, "issues": IssuesSection, "batna": BatnaSection,
    "leverage": LeverageSection, "strategy": StrategySection, "plan": PlanSection,
    "team": TeamSection, "readiness": ReadinessSection, "history": HistorySection,
}


class PrepareView(QWidget):
    """Navigation and sections. ``show_section`` and ``go_to`` are the window's hooks."""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.sections: dict[str, Section] = {}
        self.nav = QListWidget()
        self.nav.setFont(theme.scaled_font(self.font(), 1.1))
        self.nav.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 16)
        self.stack = QStackedWidget()
        for name in SECTIONS:
            section = CLASSES[name](session)
            section.jump.connect(self.go_to)
            self.sections[name] = section
            self.stack.addWidget(scrolled(section))
            item = QListWidgetItem(NAV[name])
            item.setData(SECTION, name)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.banner = QLabel()
        self.banner.setProperty("role", "muted")
        self.banner.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.nav, 1)
        self.score = QLabel()
        self.score.setWordWrap(True)
        left.addWidget(self.score)
        right = QVBoxLayout()
        right.addWidget(self.banner)
        right.addWidget(self.stack, 1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.addLayout(left)
        outer.addLayout(right, 1)
        session.preparation_changed.connect(self.refresh)
        session.reloaded.connect(self.refresh)
        self.nav.setCurrentRow(0)
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Mark the sections the checklist finds incomplete; say who may edit."""
        prep = self.session.prep
        report = readiness(prep)
        open_sections = {locate(prep, m).section for i in report["items"] for m in i["missing"]}
        for n in range(self.nav.count()):
            item = self.nav.item(n)
            name = item.data(SECTION)
            missing = name in open_sections
            item.setText(NAV[name] + ("  •" if missing else ""))
            item.setForeground(QBrush(theme.color(theme.WARNING)) if missing else QBrush())
            item.setToolTip("Something is missing here (see Readiness)" if missing else "")
        self.score.setText(f"Ready: {report['score']} %")
        if can_edit(self.session):
            self.banner.setText(f"Preparing “{prep.title}” with {prep.supplier}. Every change "
                                "is recorded in the journal; teammates see it at once.")
        else:
            self.banner.setText(f"Read-only: only the lead edits the preparation (you are "
                                f"{self.session.member}, {self.session.role}).")
        if not self.session.unlocked:
            self.banner.setText(self.banner.text() + " Confidential fields say “locked”: this "
                                "computer does not hold the join phrase.")

    def retheme(self) -> None:
        """The system theme flipped: re-colour the marks of the list."""
        self.refresh()

    def current_section(self) -> str:
        """The name of the section on screen."""
        return SECTIONS[self.stack.currentIndex()]

    def show_section(self, name: str) -> None:
        """Show one section by name (see ``app.prepare.SECTIONS``)."""
        self.nav.setCurrentRow(SECTIONS.index(name))

    def go_to(self, place: Place) -> None:
        """Show the section of ``place`` and select/focus what it names."""
        self.show_section(place.section)
        self.sections[place.section].focus_place(place)

    def shortcuts(self) -> list[tuple[str, str]]:
        """For the F1 overlay."""
        return [("Ctrl+P", "Back to the role's panel"),
                ("↑ / ↓ in the list", "Choose a section")]
