"""A live feed of the meeting's acts: offers with what answers them nested underneath.

``ActFeed(session)`` follows the session: newest first, each offer (or question, or approval
request) as a row with the reactions, tactics, notes and approvals that name it (``about`` /
``request``) under it, oldest first. Withdrawn acts stay, struck through and marked "withdrawn".

Acts are worded by ``app.wording.act_text``, the one wording of an act for a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QTreeWidget,
    QTreeWidgetItem,
)

from app.analysis.playbook import tactic_entry
from app.domain import Act, Preparation
from app.wording import act_text, tactic_label, tag_label  # noqa: F401 - the feed's wording
from ui import theme

#: The kinds a feed shows unless told otherwise (``retract`` marks its target instead of a row).
FEED_KINDS = frozenset({"offer", "reaction", "tactic", "note", "approval_request", "approval",
                        "agreement", "phase"})
ACT_ROLE = Qt.ItemDataRole.UserRole
COL_TIME, COL_WHO, COL_WHAT = range(3)
def who_text(act: Act) -> str:
    """``Them`` / ``Us`` for offers, the member's name otherwise."""
    if act.kind == "offer":
        return "Them" if act.payload.get("side") == "them" else "Us"
    return act.by


def parent_ref(act: Act) -> str | None:
    """The id of the act this one answers, if any (``about`` or an approval's ``request``)."""
    return act.payload.get("about") or (act.payload.get("request") if act.kind == "approval"
                                        else None)


def _offer_before(act: Act, offers: list[Act]) -> Act | None:
    """Where an act logged without a link belongs: a reaction or tactic under the latest offer
    before it; a note on an issue under the latest offer before it that names the issue."""
    if act.kind in ("reaction", "tactic"):
        return offers[-1] if offers else None
    issue = act.payload.get("issue") if act.kind == "note" else None
    if issue:
        return next((o for o in reversed(offers) if issue in o.payload.get("terms", {})), None)
    return None


class _WrapDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text in the column's current width."""

    def __init__(self, view: QTreeWidget):
        super().__init__(view)
        self.view = view

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 - Qt naming
        size = super().sizeHint(option, index)
        if index.column() != COL_WHAT:
            return size
        width = self.view.columnWidth(COL_WHAT) - 8
        font = index.data(Qt.ItemDataRole.FontRole) or self.view.font()
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        rect = QFontMetrics(font).boundingRect(QRect(0, 0, max(width, 40), 100000),
                                               Qt.TextFlag.TextWordWrap, text)
        return QSize(size.width(), max(size.height(), rect.height() + 6))


#: The feed shows the newest acts only: a meeting screen needs the recent past, and rebuilding
#: thousands of rows on every new act would make a long negotiation lag (Review shows them all).
FEED_LIMIT = 250


class ActFeed(QTreeWidget):
    """The live feed (newest first). ``act_selected(Act)`` fires when the user picks a row."""

    act_selected = Signal(object)

    def __init__(self, session, kinds: Iterable[str] = FEED_KINDS,
                 include: Callable[[Act], bool] | None = None, nest: bool = True,
                 scale: float = 1.1, parent=None):
        super().__init__(parent)
        self.session = session
        self.kinds = frozenset(kinds)
        self.include = include
        self.nest = nest
        self.setColumnCount(3)
        self.setHeaderLabels(["Time", "Who", "What"])
        self.setHeaderHidden(True)
        self.setRootIsDecorated(nest)
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFont(theme.scaled_font(self.font(), scale))
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_WHO, QHeaderView.ResizeMode.ResizeToContents)
        self.setItemDelegate(_WrapDelegate(self))
        header.sectionResized.connect(lambda *_: self.scheduleDelayedItemsLayout())
        self.itemSelectionChanged.connect(self._selected)
        session.acts_added.connect(self.refresh)
        session.preparation_changed.connect(self.refresh)
        self._items: dict[int, QTreeWidgetItem] = {}
        self.refresh()

    # --- reading --------------------------------------------------------------------------------

    def shown(self, act: Act) -> bool:
        """True when ``act`` belongs in this feed."""
        return act.kind in self.kinds and (self.include is None or self.include(act))

    def item_of(self, act_id: str) -> QTreeWidgetItem | None:
        """The row of the act with id ``act_id``, if shown."""
        for item in self._items.values():
            if item.data(COL_WHAT, ACT_ROLE).id == act_id:
                return item
        return None

    def rows(self) -> list[tuple[int, str]]:
        """(depth, text of the What column) of every row, top to bottom (for tests)."""
        out: list[tuple[int, str]] = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            out.append((depth, item.text(COL_WHAT)))
            for n in range(item.childCount()):
                walk(item.child(n), depth + 1)

        for n in range(self.topLevelItemCount()):
            walk(self.topLevelItem(n), 0)
        return out

    # --- building -------------------------------------------------------------------------------

    def retheme(self) -> None:
        """The system theme changed: rows in the new colours."""
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Rebuild from the session's journal, keeping the selection and the scroll position."""
        selected = self.currentItem().data(COL_WHAT, ACT_ROLE) if self.currentItem() else None
        bar = self.verticalScrollBar()
        at_top, scroll = bar.value() == bar.minimum(), bar.value()
        self.blockSignals(True)
        self.clear()
        self._items.clear()
        prep = self.session.prep
        retracts = {a.payload.get("act"): a for a in self.session.acts if a.kind == "retract"}
        acts = [a for a in self.session.acts if self.shown(a)][-FEED_LIMIT:]
        by_id = {a.id: a for a in acts if a.id}
        tops: list[QTreeWidgetItem] = []
        offers: list[Act] = []  # standing offers shown so far
        for act in acts:
            item = self._item(act, prep, retracts.get(act.id) if act.id else None)
            self._items[act.seq] = item
            parent_id = parent_ref(act) if self.nest else None
            parent = by_id.get(parent_id) if parent_id else None
            if self.nest and parent_id is None:
                parent = _offer_before(act, offers)
            if act.kind == "offer" and act.id not in retracts:
                offers.append(act)
            if parent is not None and parent.seq in self._items:
                self._items[parent.seq].addChild(item)
            else:
                tops.append(item)
        self.addTopLevelItems(list(reversed(tops)))
        self.expandAll()
        if selected is not None and selected.seq in self._items:
            self.setCurrentItem(self._items[selected.seq])
        self.blockSignals(False)
        bar.setValue(bar.minimum() if at_top else scroll)

    def _item(self, act: Act, prep: Preparation, retract: Act | None) -> QTreeWidgetItem:
        what = act_text(act, prep, side_shown=True)
        if retract is not None:
            what += "   (withdrawn)"
        item = QTreeWidgetItem(["", who_text(act), what])
        item.setText(COL_TIME, act.at.astimezone().strftime("%H:%M:%S"))
        item.setData(COL_WHAT, ACT_ROLE, act)
        tips = [f"{act.id or '#' + str(act.seq)} · {act.kind} by {act.by} ({act.role})"]
        if act.kind == "tactic":
            tips.append("Counter: " + tactic_entry(act.payload["tactic"])["counter"])
        if retract is not None:
            reason = f": {retract.payload['reason']}" if retract.payload.get("reason") else ""
            tips.append(f"withdrawn by {retract.by} at "
                        f"{retract.at.astimezone().strftime('%H:%M:%S')}{reason}")
        for col in range(3):
            item.setToolTip(col, "\n".join(tips))
        colour = self._colour(act)
        if colour is not None:
            item.setForeground(COL_WHO, QBrush(colour))
            if act.kind in ("offer", "agreement"):
                item.setForeground(COL_WHAT, QBrush(colour))
        if act.kind in ("offer", "agreement", "approval_request"):
            for col in (COL_WHO, COL_WHAT):
                font = QFont(self.font())
                font.setBold(True)
                item.setFont(col, font)
        muted = self.palette().color(self.palette().ColorRole.PlaceholderText)
        if act.kind == "phase":
            for col in range(3):
                item.setForeground(col, QBrush(muted))
        if retract is not None:
            for col in range(3):
                font = QFont(item.font(col))
                font.setStrikeOut(True)
                item.setFont(col, font)
                item.setForeground(col, QBrush(muted))
        return item

    @staticmethod
    def _colour(act: Act) -> QColor | None:
        if act.kind == "offer":
            return theme.color(theme.THEIRS if act.payload.get("side") == "them" else theme.OURS)
        if act.kind == "agreement":
            return theme.color(theme.AGREED)
        return None

    def _selected(self) -> None:
        item = self.currentItem()
        if item is not None:
            self.act_selected.emit(item.data(COL_WHAT, ACT_ROLE))
