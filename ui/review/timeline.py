"""The timeline of the chosen meeting(s): filters (kind, member, issue) above the lanes, and a
details pane with the full content of the mark last clicked.

The data is ``app.review.timeline(acts)`` (columnar arrays, one row per act or alert); this module
picks the rows of the chosen meetings, maps their times onto the compressed meeting axis, and asks
the timeline's own helpers for the rows a filter keeps.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui import theme
from ui.review.legend import MarkLegend, kind_icon
from ui.review.plot import LANES, TimelinePlot
from ui.review.tlmodel import STYLES, TimelineModel

ALL = ""


class TimelineView(QWidget):
    """Filters, lanes and details. ``picked(row)`` when a mark is clicked."""

    picked = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model: TimelineModel | None = None
        self.plot = TimelinePlot(list(theme.MARKS))
        self.kind = QComboBox()
        self.member = QComboBox()
        self.issue = QComboBox()
        for combo, tip in ((self.kind, "Show only one kind of act"),
                           (self.member, "Show only one member's acts"),
                           (self.issue, "Show only the acts naming one issue")):
            combo.setToolTip(tip)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self.apply_filters)
        self.count = QLabel()
        self.count.setProperty("role", "muted")
        self.legend = MarkLegend()
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText("Click a mark to read it in full here.\n\n"
                                        "Zoom: wheel, + / −, ↑ / ↓ · Pan: drag, ← / → · "
                                        "Home / End: first / last · 0: fit all")
        self._lay_out()
        self.plot.clicked.connect(self.show_details)
        self.plot.tip = self._tip

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for caption, combo in (("Kind", self.kind), ("Member", self.member),
                               ("Issue", self.issue)):
            label = QLabel(caption)
            label.setProperty("role", "muted")
            bar.addWidget(label)
            bar.addWidget(combo)
            bar.addSpacing(8)
        bar.addStretch(1)
        bar.addWidget(self.count)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.plot)
        split.addWidget(self.details)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([1000, 330])
        split.setChildrenCollapsible(False)
        self.split = split
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(bar)
        box.addWidget(split, 1)
        box.addWidget(self.legend)

    # --- data -------------------------------------------------------------------------------------

    def set_model(self, model: TimelineModel) -> None:
        """Show ``model`` (all its marks; filters reset)."""
        self.model = model
        self.plot.set_segments(model.segments)
        self.plot.set_marks(model.x, model.lane, model.style, model.withdrawn, model.rows)
        for combo, values, label in ((self.kind, model.kinds(), model.kind_label),
                                     (self.member, model.members(), str),
                                     (self.issue, model.issues(), model.issue_label)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("all", ALL)
            for value in values:
                combo.addItem(label(value), value)
                if combo is self.kind:
                    combo.setItemIcon(combo.count() - 1, kind_icon(value))
            combo.blockSignals(False)
        styles = {STYLES[n] for n in set(model.style.tolist())}
        self.legend.show_styles(styles, bool(model.withdrawn.any()))
        self.details.clear()
        self._count()
        self.plot.view_all()

    def apply_filters(self, *_: object) -> None:
        """Show only the marks every chosen filter keeps."""
        if self.model is None:
            return
        mask = self.model.mask(self.kind.currentData() or None,
                               self.member.currentData() or None,
                               self.issue.currentData() or None)
        self.plot.show_mask(mask)
        self._count()

    def _count(self) -> None:
        shown, total = int(self.plot.mask.sum()), len(self.plot.mask)
        withdrawn = int((self.plot.mask & self.plot.withdrawn).sum())
        text = f"{shown:,} of {total:,} marks" if shown != total else f"{total:,} marks"
        self.count.setText(text + (f" · {withdrawn:,} withdrawn (hollow)" if withdrawn else ""))

    def lane_counts(self, withdrawn: bool | None = None) -> dict[str, int]:
        """Marks drawn per lane now (for tests)."""
        return {lane: self.plot.marks_in_lane(lane, withdrawn) for lane in LANES}

    # --- reading ----------------------------------------------------------------------------------

    def _tip(self, row: int) -> str:
        return self.model.tip(row) if self.model is not None else ""

    def show_details(self, row: int) -> None:
        """The full content of a row in the details pane."""
        if self.model is None or row < 0:
            return
        title, lines = self.model.details(row)
        html = [f"<h3>{escape(title)}</h3>"]
        html += [f"<p>{escape(line)}</p>" for line in lines]
        self.details.setHtml("".join(html))
        self.picked.emit(row)

    def details_text(self) -> str:
        """The details pane as plain text (for tests)."""
        return self.details.toPlainText()

    def shortcuts(self) -> list[tuple[str, str]]:
        """Keys of the timeline (while it has the keyboard)."""
        return [("+ / − or ↑ / ↓", "Zoom the timeline in / out"),
                ("← / →", "Pan the timeline"), ("Home / End", "First / last act"),
                ("0", "Fit the whole timeline"),
                ("Click a mark", "Read it in full (hover for a summary)")]
