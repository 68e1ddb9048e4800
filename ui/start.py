"""Before the window: choose a workspace and negotiation (create one, the demo, or a recent file),
then who you are and your role — remembered per workspace. When this creates the workspace, its
join phrase is shown once (``ui.join.PhraseDialog``) before the window opens."""

from __future__ import annotations

import argparse

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

from app import scenario
from app.domain import ROLES
from app.errors import CaucusError, InvalidInput
from app.resources import resource
from app.workspace import Workspace, default_path
from ui import settings
from ui.join import show_created_phrase


def choose_start(args: argparse.Namespace):
    """Open the workspace and negotiation to work on; None when the user cancels."""
    path = args.workspace or str(default_path())
    default_path().parent.mkdir(parents=True, exist_ok=True)
    try:
        ws = Workspace(path)
    except CaucusError as exc:
        QMessageBox.critical(None, "Caucus", str(exc))
        ws = None
    while ws is None or not ws.negotiations():
        start = StartDialog(ws)
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

    def __init__(self, ws: Workspace | None):
        super().__init__()
        self.setWindowTitle("Caucus — start")
        self.workspace = ws
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

    def _ensure(self) -> Workspace:
        if self.workspace is None:
            self.workspace = Workspace(default_path())
        return self.workspace

    def _create(self) -> None:
        try:
            ws = self._ensure()
            ws.create_negotiation({"title": self.title.text(), "supplier": self.supplier.text()},
                                  self.me.text().strip())
        except CaucusError as exc:
            self.error.setText(str(exc))  # the typed text stays in the fields
            return
        self.accept()

    def _demo(self) -> None:
        try:
            ws = self._ensure()
            with ws.unit(auto_ids=False) as unit:
                scenario.import_scenario(unit, scenario.load(resource("demo-scenario.json")))
        except CaucusError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a workspace", "",
                                              "Caucus workspaces (*.caucus);;All files (*)")
        if path:
            self._open(path)

    def _open(self, path: str) -> None:
        try:
            ws = Workspace(path)
        except CaucusError as exc:
            self.error.setText(str(exc))
            return
        self.workspace = ws
        if ws.negotiations():
            self.accept()
        else:
            self.error.setText(f"{path} holds no negotiation yet: create one or open the demo")


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

