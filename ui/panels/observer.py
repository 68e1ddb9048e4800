"""The observer's panel: tag the other side's reactions and tactics with single keys.

Each key logs a ``reaction`` or ``tactic`` linked (``about``) to the latest standing offer; the
journal stamps the time. Keys are live while the panel (not the note line) has the keyboard:
Enter goes to the note line, Esc comes back. The feed shows the offers with the tags under each,
and a tracker shows what has been agreed so far.
"""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.analysis.playbook import tactic_entry
from app.authority import breaches
from app.domain import Act
from app.meeting import agreed_terms, latest_offer, parse_note
from ui import theme
from ui.widgets.common import Card, EscapeLine, fmt, issue_tooltip, terms_text
from ui.widgets.feed import ActFeed, who_text
from ui.widgets.keymap import Binding, KeymapEditor, KeymapView, event_key, load_keymap

FEED_KINDS = ("offer", "reaction", "tactic", "agreement", "phase", "note")


class ObserverPanel(QWidget):
    """Single-key tags, a note line, the feed of offers with their tags, and the agreed tracker."""

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.bindings: list[Binding] = load_keymap()
        self._by_key = {b.key: b for b in self.bindings}
        self._tag_writes: set[Future] = set()
        self._note_write: tuple[Future, str] | None = None  # the note being logged, its text
        self.editor: KeymapEditor | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        big = theme.scaled_font(self.font(), 1.35, bold=True)

        # where the next tag goes, and whether keys are live
        self.target = QLabel()
        self.target.setFont(big)
        self.target.setWordWrap(True)
        self.live = QLabel()
        self.live.setFont(theme.scaled_font(self.font(), 1.1, bold=True))
        self.last = QLabel("Press a key to tag what you see; it links to the offer above.")
        self.last.setWordWrap(True)
        self.last.setProperty("role", "muted")
        self.counter = QLabel()
        self.counter.setWordWrap(True)
        head = Card("Tags go to")
        top = QHBoxLayout()
        top.addWidget(self.target, 1)
        top.addWidget(self.live, 0, Qt.AlignmentFlag.AlignTop)
        head.box.addLayout(top)
        head.box.addWidget(self.last)
        head.box.addWidget(self.counter)

        self.feed = ActFeed(session, FEED_KINDS, include=self._in_feed)
        self.feed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        feed_card = Card("Offers, with the reactions and tactics seen after each (newest first)")
        feed_card.box.addWidget(self.feed)

        self.keys = KeymapView(self.bindings)
        self.keys.triggered.connect(self.tag)
        self.edit_keys = QPushButton("Edit keys…")
        self.edit_keys.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.edit_keys.clicked.connect(self.open_editor)
        keys_card = Card("Keys")
        keys_card.box.addWidget(self.keys)
        keys_card.box.addWidget(self.edit_keys, 0, Qt.AlignmentFlag.AlignRight)

        self.tracker = QTableWidget(0, 3)
        self.tracker.setHorizontalHeaderLabels(["Issue", "Agreed", "Status"])
        self.tracker.verticalHeader().setVisible(False)
        self.tracker.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tracker.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tracker.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.tracker.setFont(theme.scaled_font(self.font(), 1.1))
        header = self.tracker.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        tracker_card = Card("Agreed so far")
        tracker_card.box.addWidget(self.tracker)

        self.note = EscapeLine()  # Esc hands the keyboard back to the tag keys
        self.note.setFont(theme.scaled_font(self.font(), 1.15))
        self.note.setPlaceholderText("Note — Enter logs it. Start with fact:, claim: or question: "
                                     "to file it so. Esc returns to the tag keys.")
        self.note.returnPressed.connect(self.log_note)
        self.note.escaped.connect(self.focus_entry)
        self.note.textEdited.connect(self._clear_message)
        self.message = QLabel()
        self.message.setProperty("role", "breach")
        self.message.setWordWrap(True)

        left = QVBoxLayout()
        left.addWidget(head)
        left.addWidget(feed_card, 1)
        right = QVBoxLayout()
        right.addWidget(keys_card)
        right.addWidget(tracker_card, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.addLayout(columns, 1)
        outer.addWidget(self.note)
        outer.addWidget(self.message)

        session.acts_added.connect(self.refresh)
        session.analysis_changed.connect(self._refresh_tracker)
        session.preparation_changed.connect(self.refresh)
        session.write_done.connect(self._written)
        session.write_failed.connect(self._failed)
        QApplication.instance().focusChanged.connect(self._focus_moved)
        self.refresh()
        self._focus_moved()

    # --- the window's hooks ---------------------------------------------------------------------

    def shortcuts(self) -> list[tuple[str, str]]:
        """The tag keys and the note line's keys, for the F1 overlay."""
        keys = [(b.key, f"Tag {b.kind}: {b.label}") for b in self.bindings]
        return keys + [("Enter", "Type a note (keys pause while you type)"),
                       ("Esc", "Leave the note line; keys are live again")]

    def retheme(self) -> None:
        """The system theme changed: redraw in the new colours."""
        self.refresh()
        self._focus_moved()

    def focus_entry(self) -> None:
        """Give the keyboard to the tag keys."""
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- tagging --------------------------------------------------------------------------------

    def keys_live(self) -> bool:
        """True while a key press would log a tag (the note line does not have the keyboard)."""
        focus = QApplication.focusWidget()
        if focus is None or focus is self.note:
            return False
        return focus is self or self.isAncestorOf(focus)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.note.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        if QApplication.focusWidget() is self.note or not self.tag_key(event):
            super().keyPressEvent(event)

    def tag_key(self, event) -> bool:
        """Tag what ``event``'s key is bound to (a held key tags once); False for other keys.
        The window hands it the keys of the view it shows instead of this panel, if any."""
        name = event_key(event)
        binding = self._by_key.get(name) if name else None
        if binding is None:
            return False
        if not event.isAutoRepeat():
            self.tag(binding)
        event.accept()
        return True

    def tag(self, binding: Binding) -> None:
        """Log ``binding``'s reaction or tactic, linked to the latest standing offer."""
        field = "tag" if binding.kind == "reaction" else "tactic"
        payload = {field: binding.tag}
        offer = latest_offer(self.session.acts)
        if offer is not None and offer.id:
            payload["about"] = offer.id
        self.last.setText(f"{binding.label} — saving…")
        self._tag_writes.add(self.session.log(binding.kind, payload))

    # --- notes ----------------------------------------------------------------------------------

    def log_note(self) -> None:
        """Log the note line (topic from its prefix, else general); the text stays until saved."""
        topic, text = parse_note(self.note.text())
        if not text:
            self._show_message("Type the note first (after the prefix, if any).")
            return
        self._note_write = (self.session.log("note", {"text": text, "topic": topic}), text)

    # --- keymap ---------------------------------------------------------------------------------

    def open_editor(self) -> KeymapEditor:
        """Open the keymap editor (not modal); saving applies the new keys at once."""
        if self.editor is None:
            self.editor = KeymapEditor(self.bindings, self)
            self.editor.saved.connect(self.set_bindings)
            self.editor.finished.connect(self._editor_closed)
        self.editor.show()
        self.editor.raise_()
        return self.editor

    def _editor_closed(self, *_: object) -> None:
        self.editor.deleteLater()
        self.editor = None
        self.focus_entry()

    def set_bindings(self, bindings: list[Binding]) -> None:
        """Use ``bindings`` from now on."""
        self.bindings = list(bindings)
        self._by_key = {b.key: b for b in self.bindings}
        self.keys.set_bindings(self.bindings)
        window = self.window()
        if hasattr(window, "help") and hasattr(window, "shortcuts"):
            window.help.set_entries(window.shortcuts())

    # --- refreshing -----------------------------------------------------------------------------

    def refresh(self, *_: object) -> None:
        """Redraw the banner and the tracker (the feed follows the session by itself)."""
        offer = latest_offer(self.session.acts)
        if offer is None:
            self.target.setText("No offer yet — tags are logged without a link")
            self.target.setStyleSheet("")
        else:
            side = who_text(offer)
            when = offer.at.astimezone().strftime("%H:%M")
            terms = terms_text(self.session.prep, offer.payload["terms"])
            self.target.setText(f"{side} {when}   {terms}")
            colour = theme.THEIRS if offer.payload.get("side") == "them" else theme.OURS
            self.target.setStyleSheet(f"color: {colour};")
        self._refresh_tracker()

    def _refresh_tracker(self, *_: object) -> None:
        prep, analysis = self.session.prep, self.session.analysis
        agreed = agreed_terms(self.session.acts)
        self.tracker.setRowCount(len(prep.issues))
        for row, (key, issue) in enumerate(prep.issues.items()):
            unit, cur = issue.unit, prep.currency
            name = QTableWidgetItem(issue.label or key)
            name.setToolTip(issue_tooltip(issue, cur))
            done = agreed.get(key)
            if done is None:
                gap = analysis.get("issues", {}).get(key, {}).get("gap")
                value = QTableWidgetItem("—")
                status = QTableWidgetItem(f"open · gap {fmt(gap, unit, cur)}" if gap else "open")
                status.setForeground(QBrush(self.palette().color(
                    self.palette().ColorRole.PlaceholderText)))
            else:
                value = QTableWidgetItem(fmt(done.value, unit, cur))
                status = QTableWidgetItem("final" if done.final else "tentative")
                colour = theme.AGREED
                found = breaches(prep, self.session.acts, done.act.by, {key: done.value})
                if found:  # the services' own rule (they logged it knowingly past a limit)
                    colour = theme.BREACH
                    value.setToolTip("\n".join(b.message for b in found))
                value.setForeground(QBrush(theme.color(colour)))
                status.setForeground(QBrush(theme.color(theme.AGREED)))
                font = QFont(self.tracker.font())
                font.setBold(done.final)
                font.setItalic(not done.final)
                status.setFont(font)
                value.setFont(font)
            for col, item in enumerate((name, value, status)):
                self.tracker.setItem(row, col, item)

    def _in_feed(self, act: Act) -> bool:
        return act.kind != "note" or act.by == self.session.member

    def _focus_moved(self, *_: object) -> None:
        if self.keys_live():
            self.live.setText("● keys live")
            self.live.setStyleSheet(f"color: {theme.AGREED};")
        elif QApplication.focusWidget() is self.note:
            self.live.setText("typing a note — keys paused (Esc)")
            self.live.setStyleSheet("")
        else:
            self.live.setText("keys paused — click here or press Esc")
            self.live.setStyleSheet("")

    # --- write results --------------------------------------------------------------------------

    def _written(self, future: Future, act: object) -> None:
        if future in self._tag_writes:
            self._tag_writes.discard(future)
            binding_label = Binding("", act.kind, act.payload.get("tag") or
                                    act.payload.get("tactic")).label
            ref = act.payload.get("about")
            about = next((a for a in self.session.acts if ref and a.id == ref), None)
            linked = (f" on {who_text(about)}'s offer of {about.at.astimezone():%H:%M}"
                      if about else "")
            self.last.setText(f"Logged {binding_label}{linked} at {act.at.astimezone():%H:%M:%S}."
                              "  Ctrl+Z withdraws it.")
            if act.kind == "tactic":
                entry = tactic_entry(act.payload["tactic"])
                self.counter.setText(f"Counter now on the lead's screen: {entry['counter']}")
            else:
                self.counter.clear()
            self._clear_message()
        elif self._note_write is not None and future is self._note_write[0]:
            text = self._note_write[1]
            self._note_write = None
            if parse_note(self.note.text())[1] == text:
                self.note.clear()
                self.focus_entry()
            self.last.setText(f"Note logged at {act.at.astimezone():%H:%M:%S}.")
            self._clear_message()

    def _failed(self, future: Future | None, message: str) -> None:
        if future in self._tag_writes:
            self._tag_writes.discard(future)
        elif self._note_write is not None and future is self._note_write[0]:
            self._note_write = None  # the note line keeps its text
        else:
            return  # not ours: the window's status line says it
        self._show_message(f"Not saved: {message}")

    def _show_message(self, text: str) -> None:
        self.message.setText(text)

    def _clear_message(self, *_: object) -> None:
        self.message.clear()
