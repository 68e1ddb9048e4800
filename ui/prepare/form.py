"""The pieces every Prepare section is built from: forms that show the services' problems next to
the field they name, and a writer that hands each write's answer back to the section that made
it.

No rule lives here: what is valid is decided by ``app.services`` (through ``Session.submit``); a
form only routes each ``Problem`` to the editor its path names and keeps what the user typed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from app.errors import InvalidInput
from app.rules import Problem
from ui import theme
from ui.prepare.editors import ErrorLabel, SecretEdit, SecretText

__all__ = ["ErrorLabel", "Form", "SecretEdit", "SecretText", "Writer", "can_edit", "muted",
           "page", "scrolled"]


def can_edit(session) -> bool:
    """Whether this window's member may change the preparation: the lead, or a member the lead
    named editor (the services refuse anyone else; the view only spares them the attempt)."""
    member = session.prep.team.get(session.member)
    return member is not None and member.may_edit


Editor = SecretEdit | SecretText | QComboBox


class Form(QObject):
    """Named editors, each with its error label; problems land by their path.

    A problem's path picks the field with that name, or the longest name its path starts with
    (``values.price`` → ``values.price``; ``situation.spend`` → ``situation.spend`` or
    ``situation``); anything else shows in the form's own label.
    """

    edited = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.general = ErrorLabel()
        self.home = ""  # the field that problems without a path are shown beside ("": general)
        self.dirty = False
        self._editable = True

    def add(self, name: str, editor: Editor) -> ErrorLabel:
        """Register ``editor`` under ``name``; returns its error label (for the layout)."""
        self.editors[name] = editor
        label = self.errors[name] = ErrorLabel()
        if isinstance(editor, QComboBox):
            editor.activated.connect(self._edited)
        else:
            editor.textEdited.connect(self._edited)
        return label

    def remove(self, name: str) -> None:
        """Forget a field (its widgets are deleted by their layout's owner)."""
        self.editors.pop(name, None)
        self.errors.pop(name, None)

    def _edited(self, *_: object) -> None:
        self.dirty = True
        self.edited.emit()

    def value(self, name: str) -> str:
        """The field's text (a combo's data, or its text when it has none), stripped."""
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            data = editor.currentData()
            return "" if data is None else str(data)
        return editor.value().strip()

    def set_value(self, name: str, text: str | None) -> None:
        """Load a field (not an edit)."""
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            index = editor.findData(text)
            editor.setCurrentIndex(max(index, 0))
        else:
            editor.set_value(text or "")

    def values(self) -> dict[str, str]:
        """Every field's text."""
        return {name: self.value(name) for name in self.editors}

    def load(self, values: dict[str, str | None]) -> None:
        """Load every field given; clears the problems and the dirty mark."""
        for name, text in values.items():
            if name in self.editors:
                self.set_value(name, text)
        self.clear_problems()
        self.dirty = False

    def show_problems(self, problems: list[Problem], clear: bool = True) -> None:
        """Each problem beside its field; what the user typed stays as it is. With ``clear``
        false, the problems already shown stay (for forms saved by several writes)."""
        if clear:
            self.clear_problems()
        found: dict[str, list[str]] = {}
        for problem in problems:
            found.setdefault(self.field_of(problem.path), []).append(problem.message)
        for name, messages in found.items():
            label = self.errors.get(name, self.general)
            label.set_message("\n".join(messages))
            editor = self.editors.get(name)
            if editor is not None:
                editor.setProperty("invalid", True)
                editor.style().unpolish(editor)
                editor.style().polish(editor)

    def field_of(self, path: str) -> str:
        """The field a problem's path names ("" for the form as a whole)."""
        if path in self.editors:
            return path
        if not path:
            return self.home
        heads = [n for n in self.editors if path.startswith(n + ".") or path.startswith(n + "[")]
        return max(heads, key=len) if heads else ""

    def problems_shown(self) -> dict[str, str]:
        """Field → the message beside it ("" for the form's own label), for tests."""
        shown = {n: lab.message() for n, lab in self.errors.items() if lab.message()}
        if self.general.message():
            shown[""] = self.general.message()
        return shown

    def clear_problems(self, names: list[str] | None = None) -> None:
        """Hide every problem (or those of ``names``)."""
        labels = [*self.errors.items(), ("", self.general)]
        for name, label in labels if names is None else [(n, self.errors[n]) for n in names]:
            label.set_message("")
            editor = self.editors.get(name)
            if editor is not None and editor.property("invalid"):
                editor.setProperty("invalid", False)
                editor.style().unpolish(editor)
                editor.style().polish(editor)

    def set_editable(self, on: bool) -> None:
        """Enable or disable every editor."""
        self._editable = on
        for editor in self.editors.values():
            if isinstance(editor, QComboBox):
                editor.setEnabled(on)
            else:
                editor.set_editable(on)


class Writer(QObject):
    """Submits commands through the session and calls back the section that made each write."""

    def __init__(self, session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._pending: dict[Future, tuple[Callable | None, Callable | None]] = {}
        session.write_done.connect(self._done)
        session.write_failed.connect(self._failed)

    def submit(self, command: str, *args: Any, done: Callable[[Any], None] | None = None,
               failed: Callable[[list[Problem]], None] | None = None) -> Future:
        """Run ``command`` as this member; ``done(result)`` or ``failed(problems)`` follows."""
        future = self.session.submit(command, *args)
        self._pending[future] = (done, failed)
        return future

    def busy(self) -> bool:
        """True while a write of this writer is in flight."""
        return bool(self._pending)

    def _done(self, future: Future, result: object) -> None:
        callbacks = self._pending.pop(future, None)
        if callbacks and callbacks[0]:
            callbacks[0](result)

    def _failed(self, future: Future | None, message: str) -> None:
        callbacks = self._pending.pop(future, None) if future is not None else None
        if not callbacks:
            return
        error = future.exception()
        problems = (error.problems if isinstance(error, InvalidInput)
                    else [Problem("", message)])
        if callbacks[1]:
            callbacks[1](problems)


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that resizes it to the width."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area


def muted(text: str, wrap: bool = True) -> QLabel:
    """A muted explanatory line."""
    label = QLabel(text)
    label.setProperty("role", "muted")
    label.setWordWrap(wrap)
    return label


def heading(text: str, parent_font, factor: float = 1.25) -> QLabel:
    """A section heading that scales with the system font."""
    label = QLabel(text)
    label.setFont(theme.scaled_font(parent_font, factor, bold=True))
    return label


def page(title: str, intro: str, font) -> tuple[QWidget, QVBoxLayout]:
    """A section's page: heading, a muted introduction, then the caller's content."""
    body = QWidget()
    box = QVBoxLayout(body)
    box.setContentsMargins(12, 8, 12, 8)
    box.addWidget(heading(title, font))
    box.addWidget(muted(intro))
    return body, box


ALIGN_TOP = Qt.AlignmentFlag.AlignTop
