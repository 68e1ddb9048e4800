"""Before the window: choose a workspace and negotiation (create one, the demo, or a recent file),
then who you are and your role — remembered per workspace. Nothing is created until the user
chooses (``app.creation``: the file appears only once the negotiation or the demo is in it). When
this creates the workspace, its join phrase is shown once (``ui.join.PhraseDialog``) before the
window opens. The join phrase and member key given with ``--phrase-file``/``$CAUCUS_JOIN_PHRASE``
and ``--key-file``/``$CAUCUS_MEMBER_KEY`` are used for whatever is opened or created."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from app.cli_keys import given_key, given_phrase
from app.creation import creating
from app.demo import add_demo
from app.domain import ROLES
from app.errors import CaucusError, InvalidInput
from app.workspace import Workspace, default_path
from ui import settings
from ui.join import show_created_phrase


def choose_start(args: argparse.Namespace):
    """Open the workspace and negotiation to work on; None when the user cancels."""
    path = Path(args.workspace).expanduser() if args.workspace else default_path()
    ws = None
    try:
        given = {"phrase": given_phrase(args), "member_key": given_key(args)}
        if path.exists():
            ws = Workspace(path, create=False, **given)
    except CaucusError as exc:
        QMessageBox.critical(None, "Caucus", str(exc))
        if not path.exists():
            return None  # the phrase or key given cannot be read: nothing to start with
        given = {}
    while ws is None or not ws.negotiations():
        start = StartDialog(ws, path, **given)
        if start.exec() != QDialog.DialogCode.Accepted:
            show_created_phrase(start.workspace)  # created here: its only chance to be seen
            return None
        ws = start.workspace
    show_created_phrase(ws)
    settings.remember_workspace(str(ws.path))
    try:
        negotiation = ws.find(args.negotiation)
    except InvalidInput:
        negotiation = ws.negotiations()[-1].id
    member, role = args.member, args.role
    remembered = settings.identity(str(ws.path))
    member = member or remembered[0]
    role = role or remembered[1]
    team = ws.preparation(negotiation).team
    if member not in team or role not in ROLES:
        who = IdentityDialog(team, member, role)
        if who.exec() != QDialog.DialogCode.Accepted:
            return None
        member, role = who.choice()
    settings.remember_identity(str(ws.path), member, role)
    return ws, negotiation, member, role


class StartDialog(QDialog):
    """Create a negotiation, open the demo, or open a recent workspace."""

    def __init__(self, ws: Workspace | None, path: Path | None = None, **given):
        super().__init__()
        self.setWindowTitle("Caucus — start")
        self.workspace = ws
        self.path = Path(path) if path is not None else default_path()
        self.given = given  # the phrase and member key given on the command line
        box = QVBoxLayout(self)
        box.addWidget(QLabel("<h2>Caucus</h2>Prepare, run and review a supplier negotiation."))
        form = QFormLayout()
        self.title = QLineEdit(placeholderText="e.g. Corrugated packaging 2027")
        self.supplier = QLineEdit(placeholderText="e.g. Northbox Packaging")
        self.me = QLineEdit(placeholderText="your name")
        form.addRow("Negotiation", self.title)
        form.addRow("Supplier", self.supplier)
        form.addRow("You (lead)", self.me)
        box.addLayout(form)
        self.error = QLabel()
        self.error.setProperty("role", "breach")
        self.error.setWordWrap(True)
        box.addWidget(self.error)
        create = QPushButton("Create negotiation")
        create.clicked.connect(self._create)
        demo = QPushButton("Open the demo")
        demo.clicked.connect(self._demo)
        box.addWidget(create)
        box.addWidget(demo)
        box.addWidget(QLabel("Recent workspaces"))
        self.recent = QListWidget()
        self.recent.addItems(settings.recent_workspaces())
        self.recent.itemActivated.connect(lambda item: self._open(item.text()))
        box.addWidget(self.recent)
        browse = QPushButton("Open a workspace file…")
        browse.clicked.connect(self._browse)
        box.addWidget(browse)

    def _make(self, fill: Callable[[Workspace], object]) -> None:
        """Run ``fill`` on the workspace — created now, and kept only if ``fill`` succeeds."""
        try:
            if self.workspace is not None:
                fill(self.workspace)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with creating(self.path, **self.given) as made:
                    fill(made)
                self.workspace = reopen(made, self.path, self.given.get("phrase"))
        except CaucusError as exc:
            self.error.setText(str(exc))  # the typed text stays in the fields
            return
        self.accept()

    def _create(self) -> None:
        self._make(lambda ws: ws.create_negotiation(
            {"title": self.title.text(), "supplier": self.supplier.text()},
            self.me.text().strip()))

    def _demo(self) -> None:
        self._make(add_demo)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a workspace", "",
                                              "Caucus workspaces (*.caucus);;All files (*)")
        if path:
            self._open(path)

    def _open(self, path: str) -> None:
        try:
            ws = Workspace(path, create=False, **self.given)
        except CaucusError as exc:
            self.error.setText(str(exc))
            return
        self.workspace = ws
        if ws.negotiations():
            self.accept()
        else:
            self.error.setText(f"{path} holds no negotiation yet: create one or open the demo")


def reopen(made: Workspace, path: Path, given: str | None = None) -> Workspace:
    """The workspace just created at ``path``, open again, with what its creation made: the
    phrase (shown once), and member keys no keychain keeps (held for this session)."""
    ws = Workspace(path, create=False, phrase=made.created_phrase or given,
                   member_key=made.signers.given)
    ws.signers = made.signers
    ws.created, ws.created_phrase = made.created, made.created_phrase
    ws.phrase_stored, ws.keychain_problem = made.phrase_stored, made.keychain_problem
    return ws


class IdentityDialog(QDialog):
    """Who are you on this team, and in which role."""

    def __init__(self, team: dict, member: str | None, role: str | None):
        super().__init__()
        self.setWindowTitle("Caucus — who are you?")
        self.team = team
        form = QFormLayout(self)
        self.member = QComboBox()
        self.member.addItems(list(team))
        if member in team:
            self.member.setCurrentText(member)
        self.role = QComboBox()
        self.role.addItems(list(ROLES))
        self.member.currentTextChanged.connect(self._default_role)
        self._default_role(self.member.currentText())
        if role in ROLES:
            self.role.setCurrentText(role)
        form.addRow("I am", self.member)
        form.addRow("Role", self.role)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _default_role(self, name: str) -> None:
        if name in self.team:
            self.role.setCurrentText(self.team[name].role)

    def choice(self) -> tuple[str, str]:
        """The chosen member and role."""
        return self.member.currentText(), self.role.currentText()

