"""Issue 12 and 13 in the console: an act in another member's name refused (a clear line, no
traceback); the enrolment banner with the member's code and the one-step enrolment; Prepare → Team
enrolling a code; a workspace file deleted under a running console; the start screen creating
nothing until the user chooses, and honouring the phrase given on the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog
from ui_helpers import EXAMPLE, show_window

from app import keychain, scenario
from app.signing import MemberKey
from app.workspace import Workspace
from ui.main import open_window
from ui.start import StartDialog, choose_start

LEAD, OBSERVER, APPROVER = "Dana Whitfield", "Oli Park", "Priya Raman"
WAIT_MS = 5000


@pytest.fixture
def lead_only(tmp_path: Path, config_dir):
    """The example imported by its lead (the only member enrolled); (ws, negotiation, phrase)."""
    ws = Workspace(tmp_path / "w.caucus")
    with ws.unit(auto_ids=False) as unit:
        n = scenario.import_scenario(unit, scenario.load(EXAMPLE))
    ws.log(n, LEAD, "approval_request", {"issue": "price", "value": "0.88"})
    yield ws, n, ws.created_phrase
    ws.close()


@pytest.fixture
def window(qtbot):
    def make(ws: Workspace, negotiation: int, member: str, role: str):
        return show_window(qtbot, open_window(ws, negotiation, member, role, poll_ms=20),
                           1440, 900, WAIT_MS)

    return make


def test_an_approval_in_another_members_name_is_refused_in_the_console(qtbot, window,
                                                                       lead_only):
    ws, n, _ = lead_only
    ws.enrol(n, LEAD, {"member": APPROVER, "code": MemberKey.generate().code})  # hers, elsewhere
    win = window(ws, n, APPROVER, "approver")  # Dana's computer, opened as Priya
    assert win.enrol_banner.isVisible()
    assert "does not hold" in win.enrol_banner.text.text()
    panel = win.current_panel()
    qtbot.waitUntil(lambda: bool(panel.pending_ids()), timeout=WAIT_MS)
    before = ws.last_seq()
    panel.approve_button.click()
    qtbot.waitUntil(lambda: "Not saved" in panel.message.text(), timeout=WAIT_MS)
    assert "does not hold it" in panel.message.text()
    assert "Traceback" not in panel.message.text() and ws.last_seq() == before


def test_an_unenrolled_member_sees_their_code_and_enrols_in_one_step(qtbot, window, lead_only):
    ws, n, _ = lead_only
    win = window(ws, n, OBSERVER, "observer")
    banner = win.enrol_banner
    assert banner.isVisible()
    code = banner.status.code
    assert code and banner.code.text() == code and "not enrolled" in banner.text.text()
    assert keychain.load_member_key(ws.store.workspace_id, OBSERVER)  # a key was made and kept
    banner.copy_button.click()
    assert QGuiApplication.clipboard().text() == code
    assert banner.enrol_button.isVisible()
    assert banner.enrol_button.text() == "Enrol me, signed by Dana Whitfield (here)"
    banner.enrol_button.click()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=WAIT_MS)
    assert ws.preparation(n).keys[OBSERVER]
    with qtbot.waitSignal(win.session.write_done, timeout=WAIT_MS):
        win.session.log("reaction", {"tag": "flinch"})  # now accepted
    qtbot.waitUntil(lambda: any(a.kind == "reaction" and a.by == OBSERVER
                                for a in ws.acts(n)), timeout=WAIT_MS)


def test_the_lead_enrols_a_code_in_prepare_team(qtbot, window, lead_only, tmp_path):
    ws, n, _ = lead_only
    oli = MemberKey.generate()
    win = window(ws, n, LEAD, "lead")
    team = win.show_prepare("team").sections["team"]
    card = team.enrol
    card.member.setCurrentIndex(card.member.findData(OBSERVER))
    card.code.set_value(oli.code[:-1] + "X")  # a typo
    card.enrol_button.click()
    qtbot.waitUntil(lambda: "code" in card.form.problems_shown(), timeout=WAIT_MS)
    assert "does not check out" in card.form.problems_shown()["code"]
    sent = tmp_path / "oli.txt"
    sent.write_text(f"Oli Park's enrolment code:\n{oli.code}\n")
    card.load_file(str(sent))
    assert card.form.value("code") == oli.code
    card.enrol_button.click()
    qtbot.waitUntil(lambda: ws.preparation(n).keys.get(OBSERVER) == oli.public,
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Oli Park enrolled" in card.status.text(), timeout=WAIT_MS)
    assert team.table.item(2, 2).text().startswith("✓ enrolled")
    assert card.form.value("code") == ""


def test_a_workspace_file_deleted_under_the_console_stops_and_keeps_the_text(qtbot, window,
                                                                             lead_only):
    ws, n, _ = lead_only
    win = window(ws, n, LEAD, "lead")
    for leftover in ws.path.parent.glob(ws.path.name + "*"):
        leftover.unlink()
    qtbot.waitUntil(win.gone_banner.isVisible, timeout=WAIT_MS)
    assert "deleted or moved" in win.gone_banner.text()
    entry = win.current_panel().entry
    qtbot.keyClicks(entry.line, "them price 0.93")
    qtbot.keyClick(entry.line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "deleted or moved" in entry.note.text(), timeout=WAIT_MS)
    assert entry.line.text() == "them price 0.93"
    assert not ws.path.exists()


# --- the start screen ------------------------------------------------------------------------


def _args(path: Path, **extra) -> argparse.Namespace:
    base = {"workspace": str(path), "negotiation": None, "member": None, "role": None,
            "phrase_file": None, "key_file": None}
    return argparse.Namespace(**{**base, **extra})


def test_the_start_screen_creates_nothing_until_the_user_chooses(tmp_path, config_dir,
                                                                  monkeypatch):
    shown: list[StartDialog] = []

    def cancel(dialog: StartDialog) -> int:
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(StartDialog, "exec", cancel)
    path = tmp_path / "first.caucus"
    assert choose_start(_args(path)) is None
    assert shown and shown[0].workspace is None
    assert not any("first.caucus" in p.name for p in tmp_path.iterdir())


def test_a_failed_creation_on_the_start_screen_leaves_no_file(qtbot, tmp_path, config_dir):
    path = tmp_path / "first.caucus"
    dialog = StartDialog(None, path)
    qtbot.addWidget(dialog)
    dialog.title.setText("Cartons 2028")
    dialog.supplier.setText("Northbox")  # no name for the lead: refused
    dialog._create()
    assert dialog.error.text() and dialog.title.text() == "Cartons 2028"
    assert not any(p.name.endswith(".caucus") or ".caucus." in p.name
                   for p in tmp_path.iterdir())
    dialog.me.setText("Ana Lead")
    dialog._create()
    assert path.exists() and dialog.workspace is not None
    dialog.workspace.close()


@pytest.mark.parametrize("how", ["phrase-file", "environment"])
def test_the_console_honours_the_phrase_given(tmp_path, config_dir, lead_only, monkeypatch, how):
    ws, n, phrase = lead_only
    keychain.forget(ws.store.workspace_id)
    args = _args(ws.path, member=LEAD, role="lead")
    if how == "phrase-file":
        args.phrase_file = str(tmp_path / "phrase.txt")
        Path(args.phrase_file).write_text(phrase + "\n")
    else:
        monkeypatch.setenv("CAUCUS_JOIN_PHRASE", phrase)
    opened = choose_start(args)
    try:
        assert opened is not None and opened[0].unlocked
        assert str(opened[0].preparation(n).issues["price"].walk_away) == "0.90"
    finally:
        opened[0].close()
