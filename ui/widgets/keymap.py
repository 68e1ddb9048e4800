"""The observer's single-key map: which key tags which reaction or tactic.

Kept per user in ``ui.settings`` under ``observer/keymap`` (a JSON list of ``{key, kind, tag}``).
``KeymapView`` shows the map on screen (each key cap is also a button); ``KeymapEditor`` is the
small, non-modal dialog that changes it. Keys are single keys, with Shift allowed; Ctrl, Alt and
Meta belong to the window's shortcuts, and Enter, Esc, Tab, Space, Backspace, F1 and F12 keep
their usual jobs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from PySide6.QtCore import QKeyCombination, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.analysis.playbook import tactic_entry
from app.domain import KNOWN_TACTICS
from app.rules import KEY_RE
from ui import theme
from ui.settings import settings

SETTINGS_KEY = "observer/keymap"
KINDS = ("reaction", "tactic")
REACTIONS = ("flinch", "interest", "frustration", "silence", "agreement_signal")
RESERVED = {"Return", "Enter", "Esc", "Tab", "Backtab", "Space", "Backspace", "Del", "F1",
            "F12"}
_MODS = (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
         | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier)
_NOT_SINGLE = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
               | Qt.KeyboardModifier.MetaModifier)


@dataclass(frozen=True)
class Binding:
    """One key and what it logs: a ``reaction`` with ``tag``, or a ``tactic`` named ``tag``."""

    key: str
    kind: str
    tag: str

    @property
    def label(self) -> str:
        """What the key does, in words."""
        if self.kind == "tactic":
            return tactic_entry(self.tag)["label"]
        return self.tag.replace("_", " ").capitalize()


DEFAULT_KEYMAP: tuple[Binding, ...] = (
    Binding("F", "reaction", "flinch"),
    Binding("I", "reaction", "interest"),
    Binding("R", "reaction", "frustration"),
    Binding("S", "reaction", "silence"),
    Binding("A", "reaction", "agreement_signal"),
    *(Binding(str(n), "tactic", tactic) for n, tactic in enumerate(KNOWN_TACTICS, start=1)),
)


# --- keys ---------------------------------------------------------------------------------------


def key_name(key: int | Qt.Key, modifiers: Qt.KeyboardModifier) -> str:
    """The portable name of a key press: ``F``, ``Shift+N``, ``3`` (the keypad counts as digits)."""
    mods = Qt.KeyboardModifier(modifiers) & _MODS
    combo = QKeyCombination(mods, Qt.Key(key))
    return QKeySequence(combo).toString(QKeySequence.SequenceFormat.PortableText)


def event_key(event: QKeyEvent) -> str | None:
    """The name of a single-key press, or None when Ctrl, Alt or Meta is held (window shortcuts)."""
    if event.modifiers() & _NOT_SINGLE or event.key() in (Qt.Key.Key_Shift, Qt.Key.Key_unknown):
        return None
    return key_name(event.key(), event.modifiers())


def keymap_problems(bindings: list[Binding]) -> list[str]:
    """Every reason the map cannot be saved (empty when it can)."""
    problems, seen = [], {}
    for n, b in enumerate(bindings, start=1):
        where = f"row {n}"
        if not b.key:
            problems.append(f"{where}: press the key it should use")
        elif any(m in b.key for m in ("Ctrl+", "Alt+", "Meta+")) or "," in b.key:
            problems.append(f"{where}: {b.key} is not a single key (Shift is the only modifier "
                            "allowed; Ctrl and Alt belong to the window)")
        elif b.key in RESERVED:
            problems.append(f"{where}: {b.key} keeps its usual job; pick another key")
        elif b.key in seen:
            problems.append(f"{where}: {b.key} is already used by row {seen[b.key]}")
        else:
            seen[b.key] = n
        if b.kind not in KINDS:
            problems.append(f"{where}: choose reaction or tactic")
        if not KEY_RE.match(b.tag or ""):
            problems.append(f'{where}: "{b.tag}" must be one lower-case word such as flinch or '
                            "nibble (letters, digits, _)")
    return problems


# --- storage ------------------------------------------------------------------------------------


def load_keymap() -> list[Binding]:
    """The user's map, or the default one when none is saved (or the saved one is unreadable)."""
    raw = settings().value(SETTINGS_KEY)
    if not raw:
        return list(DEFAULT_KEYMAP)
    try:
        bindings = [Binding(str(d["key"]), str(d["kind"]), str(d["tag"])) for d in json.loads(raw)]
    except (ValueError, TypeError, KeyError):
        return list(DEFAULT_KEYMAP)
    return bindings if bindings and not keymap_problems(bindings) else list(DEFAULT_KEYMAP)


def save_keymap(bindings: list[Binding]) -> None:
    """Save the map (raises ``ValueError`` listing the problems if it is not valid)."""
    problems = keymap_problems(bindings)
    if problems:
        raise ValueError("; ".join(problems))
    store = settings()
    store.setValue(SETTINGS_KEY, json.dumps([asdict(b) for b in bindings]))
    store.sync()


# --- widgets ------------------------------------------------------------------------------------


class KeymapView(QWidget):
    """The map on screen: a key cap and its meaning per row, reactions then tactics.

    Clicking a cap does what pressing the key does (``triggered(Binding)``).
    """

    triggered = Signal(object)

    def __init__(self, bindings: list[Binding], scale: float = 1.15, parent=None):
        super().__init__(parent)
        self.scale = scale
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.caps: dict[str, QToolButton] = {}
        self.set_bindings(bindings)

    def set_bindings(self, bindings: list[Binding]) -> None:
        """Show ``bindings``."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.caps = {}
        row = 0
        for kind, title in (("reaction", "Reactions"), ("tactic", "Tactics — the counter goes to "
                                                                   "the lead")):
            group = [b for b in bindings if b.kind == kind]
            if not group:
                continue
            heading = QLabel(title)
            heading.setProperty("role", "muted")
            self.grid.addWidget(heading, row, 0, 1, 2)
            row += 1
            for b in group:
                cap = QToolButton()
                cap.setText(b.key)
                cap.setObjectName("keyCap")
                cap.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                cap.setFont(theme.scaled_font(self.font(), self.scale, bold=True))
                cap.setMinimumWidth(cap.fontMetrics().horizontalAdvance("Shift+W") // 2 + 24)
                cap.clicked.connect(lambda _=False, b=b: self.triggered.emit(b))
                label = QLabel(b.label)
                label.setFont(theme.scaled_font(self.font(), self.scale))
                tip = (tactic_entry(b.tag)["recognise"] if kind == "tactic"
                       else f"Log a reaction: {b.label.lower()}")
                cap.setToolTip(f"{b.key}: {tip}")
                label.setToolTip(tip)
                self.grid.addWidget(cap, row, 0)
                self.grid.addWidget(label, row, 1)
                self.caps[b.key] = cap
                row += 1
        self.grid.setColumnStretch(1, 1)


class KeymapEditor(QDialog):
    """Change the map: one row per key. Not modal; the meeting keeps going while it is open."""

    saved = Signal(list)  # list[Binding]

    def __init__(self, bindings: list[Binding], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Observer keys")
        self.setModal(False)
        box = QVBoxLayout(self)
        intro = QLabel("Click a key cell and press the key (Shift allowed). The tag is what the "
                       "journal records: a reaction word, or a tactic of the playbook.")
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Key", "Logs", "Tag"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 130)
        box.addWidget(self.table, 1)
        self.problems = QLabel()
        self.problems.setProperty("role", "breach")
        self.problems.setWordWrap(True)
        box.addWidget(self.problems)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Add key")
        self.remove_button = QPushButton("Remove key")
        self.defaults_button = QPushButton("Default keys")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        for b in (self.add_button, self.remove_button, self.defaults_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        box.addLayout(buttons)
        self.add_button.clicked.connect(lambda: self.add_row(Binding("", "reaction", "")))
        self.remove_button.clicked.connect(self.remove_row)
        self.defaults_button.clicked.connect(lambda: self.set_bindings(list(DEFAULT_KEYMAP)))
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.set_bindings(bindings)
        self.resize(560, 520)

    def set_bindings(self, bindings: list[Binding]) -> None:
        """Fill the table with ``bindings``."""
        self.table.setRowCount(0)
        for b in bindings:
            self.add_row(b)

    def add_row(self, binding: Binding) -> int:
        """Append a row; returns its index."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        key = QKeySequenceEdit(QKeySequence(binding.key) if binding.key else QKeySequence())
        key.setMaximumSequenceLength(1)
        key.setClearButtonEnabled(True)
        kind = QComboBox()
        kind.addItems(list(KINDS))
        kind.setCurrentText(binding.kind)
        tag = QComboBox()
        tag.setEditable(True)
        kind.currentTextChanged.connect(lambda k, t=tag: self._tags(t, k))
        self._tags(tag, binding.kind)
        tag.setCurrentText(binding.tag)
        self.table.setCellWidget(row, 0, key)
        self.table.setCellWidget(row, 1, kind)
        self.table.setCellWidget(row, 2, tag)
        return row

    @staticmethod
    def _tags(combo: QComboBox, kind: str) -> None:
        current = combo.currentText()
        combo.clear()
        combo.addItems(list(KNOWN_TACTICS if kind == "tactic" else REACTIONS))
        combo.setCurrentText(current)

    def remove_row(self) -> None:
        """Remove the selected row (or the last one)."""
        row = self.table.currentRow()
        self.table.removeRow(row if row >= 0 else self.table.rowCount() - 1)

    def bindings(self) -> list[Binding]:
        """The map as the table shows it now."""
        out = []
        for row in range(self.table.rowCount()):
            seq = self.table.cellWidget(row, 0).keySequence()
            key = key_name(seq[0].key(), seq[0].keyboardModifiers()) if seq.count() else ""
            out.append(Binding(key, self.table.cellWidget(row, 1).currentText(),
                               self.table.cellWidget(row, 2).currentText().strip()))
        return out

    def save(self) -> bool:
        """Save and close, or list what is wrong and keep every edit. True when saved."""
        bindings = self.bindings()
        problems = keymap_problems(bindings)
        if problems:
            self.problems.setText("\n".join(problems))
            return False
        save_keymap(bindings)
        self.problems.clear()
        self.saved.emit(bindings)
        self.accept()
        return True
