"""The base of every Prepare section: its session, its writer, who may edit, and whether this
computer holds the join phrase (``keyed``) to read and save the sealed fields."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.analysis import readiness
from app.prepare import Place
from ui.prepare.form import Writer, can_edit, page


class Section(QWidget):
    """One page of the Prepare view. Subclasses build their layout in ``build`` and fill it in
    ``refresh`` (called whenever the preparation changes, from any window)."""

    name = ""
    title = ""
    intro = ""
    checks: tuple[str, ...] = ()  # the readiness items this section fills in
    jump = Signal(object)  # a Place another section should show (e.g. "edit the situation")

    def __init__(self, session):
        super().__init__()
        self.session = session
        self.writer = Writer(session, self)
        self.editable = can_edit(session)
        body, self.box = page(self.title, self.intro, self.font())
        self.todo = QLabel()  # what the checklist still misses here, in its words
        self.todo.setProperty("role", "warning")
        self.todo.setWordWrap(True)
        self.box.addWidget(self.todo)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(body)
        self.build()
        self.box.addStretch(1)
        session.preparation_changed.connect(self.refresh)
        session.preparation_changed.connect(self._todo)
        session.reloaded.connect(self._reloaded)
        self._todo()
        self.refresh()
        self.set_editable(self.editable)

    # --- for subclasses -------------------------------------------------------------------------

    def build(self) -> None:
        """Lay out the section's widgets under the heading (``self.box``)."""

    def refresh(self, *_: object) -> None:
        """Show the preparation as it stands (keeping whatever the user is typing)."""

    def set_editable(self, on: bool) -> None:
        """Enable or disable the section's editors and buttons."""

    def focus_place(self, place: Place) -> None:
        """Select and focus what ``place`` names (a readiness jump)."""

    def retheme(self) -> None:
        """The system theme flipped: redraw whatever holds a colour."""
        self.refresh()

    @property
    def keyed(self) -> bool:
        """True when this computer holds the join phrase: sealed fields can be read and saved
        (without it the services refuse them: "… is confidential: join the workspace …")."""
        return self.session.unlocked

    def _reloaded(self) -> None:
        """The join phrase was entered: the sealed fields open (their editors too)."""
        self.refresh()
        self.set_editable(self.editable)

    def _todo(self, *_: object) -> None:
        items = [i for i in readiness(self.prep)["items"]
                 if i["item"] in self.checks and not i["ok"]]
        self.todo.setText("\n".join(f"To do: {i['message']}" for i in items))
        self.todo.setVisible(bool(items))

    # --- helpers --------------------------------------------------------------------------------

    def buttons(self, *specs: tuple[str, object, str]) -> tuple[QHBoxLayout, list[QPushButton]]:
        """A row of buttons: (text, slot, tooltip) each, left-aligned."""
        row = QHBoxLayout()
        made = []
        for text, slot, tip in specs:
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=slot: s())
            row.addWidget(button)
            made.append(button)
        row.addStretch(1)
        return row, made

    @property
    def prep(self):
        """The preparation as it stands."""
        return self.session.prep

    def currency(self) -> str | None:
        """The negotiation's currency."""
        return self.prep.currency


class FormSection(Section):
    """A section whose ``self.form`` is saved whole by one service call (``write``): Save and
    Revert follow the form's changes, a save reloads it, a refusal marks the fields. Subclasses
    make ``self.form``, ``self.save``, ``self.revert`` and ``self.status`` in ``build``."""

    refused_text = "Not saved: correct the fields marked in red."

    def reload(self) -> None:
        """Load the form from the preparation as it stands."""

    def reload_unless_typing(self) -> None:
        """``reload``, unless the form holds unsaved changes (then say so and keep them)."""
        if self.form.dirty:
            self.status.setText("Changed elsewhere meanwhile; Save keeps yours, Revert takes "
                                "theirs.")
            return
        self.reload()

    def write(self, service: str, data: object) -> None:
        """Submit ``data`` to ``service``; ``_saved`` or ``_refused`` follows."""
        self.status.setText("saving…")
        self.writer.submit(service, data, done=self._saved, failed=self._refused)

    def _edited(self) -> None:
        self.save.setEnabled(self.editable and self.form.dirty)
        self.revert.setEnabled(self.editable and self.form.dirty)

    def _saved(self, _act: object) -> None:
        self.form.dirty = False
        self.reload()
        self.status.setText("Saved.")

    def _refused(self, problems) -> None:
        self.form.show_problems(problems)
        self.status.setText(self.refused_text)

    def set_editable(self, on: bool) -> None:
        self.form.set_editable(on)
        self._edited()


def focus(widget: QWidget) -> None:
    """Give ``widget`` the keyboard focus (and make it visible in its scroll area)."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
