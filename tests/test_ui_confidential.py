"""Confidential by default, in the console (issue #7): a workspace opened without its join phrase,
the banner and the join dialog (with a keychain and without one), the created-phrase dialog of the
start screen, the role rules reflected in the controls, and the scenario export (never in the room).

Every keychain here is the test one from ``conftest`` (or keyring's failing backend, set and
restored by the test); never the real keychain. The example is cut after act a12 (the first
meeting still running), as in ``test_ui_window``: the walk-aways of price (0.90 EUR/box), rebate
(0.5 %) and on-time-in-full (95 %) appear nowhere else in it.
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QStackedWidget,
    QWidget,
)
from ui_helpers import example, import_into, readable_texts, show_window

from app import keychain, public
from app.analysis import readiness
from app.crypto import new_phrase
from app.domain import ROLES, Member
from app.errors import PermissionDenied
from app.meeting import meter, request_context
from app.prepare import SECTIONS, suggest_ladder
from app.services import NegState, may, permit
from app.workspace import Workspace
from ui.join import LOCKED_TEXT, NOT_REMEMBERED, JoinDialog, PhraseDialog
from ui.main import open_window, pick_member
from ui.prepare.files import LOCKED_REFUSAL
from ui.start import StartDialog, choose_start
from ui.widgets.common import LOCKED, LOCKED_TIP

ROOT = Path(__file__).resolve().parents[1]
DANA, SAM, OLI, PRIYA = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"
CUT_AFTER = 12
WALK_AWAYS = ("0.90", "0.5 %", "95 %")
WAIT_MS = 5000


# --- workspaces and windows -------------------------------------------------------------------


def build(path: Path) -> tuple[Workspace, int, str]:
    """A new workspace holding the example up to a12; its join phrase (in the test keychain)."""
    ws = Workspace(path)
    phrase = ws.created_phrase
    assert phrase and ws.phrase_stored
    negotiation = import_into(ws, example(cut_after=CUT_AFTER))
    return ws, negotiation, phrase


@pytest.fixture
def unlocked(tmp_path: Path, config_dir):
    """(workspace, negotiation, phrase): the example, readable."""
    ws, negotiation, phrase = build(tmp_path / "open.caucus")
    yield ws, negotiation, phrase
    ws.close()


@pytest.fixture
def locked(tmp_path: Path, config_dir):
    """(workspace, negotiation, phrase): the example opened on a computer without its phrase."""
    path = tmp_path / "locked.caucus"
    ws, negotiation, phrase = build(path)
    keychain.forget(ws.store.workspace_id)
    ws.close()
    again = Workspace(path)
    assert not again.unlocked and again.keychain_problem is None
    yield again, negotiation, phrase
    again.close()


@pytest.fixture
def no_keychain(monkeypatch: pytest.MonkeyPatch):
    """keyring's failing backend (no usable keychain) for this test; the test keychain after."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def window(qtbot):
    """``window(ws, negotiation, member, role)`` → a shown main window (closed after)."""

    def make(ws: Workspace, negotiation: int, member: str, role: str):
        win = show_window(qtbot, open_window(ws, negotiation, member, role, poll_ms=20),
                          1440, 900, WAIT_MS)
        settle(qtbot, win)
        return win

    return make


def settle(qtbot, win) -> None:
    """Wait until the panel on screen has drawn what the session holds."""
    panel = win.current_panel()
    if hasattr(panel, "refresh_pending"):
        qtbot.waitUntil(lambda: not panel.refresh_pending, timeout=WAIT_MS)


def texts(win) -> list[str]:
    """Every text a person could read in the window, charts counted only where drawn."""
    return readable_texts(win, chart_shown=lambda w: drawn(w, win))


def drawn(widget: QWidget, win) -> bool:
    """False when ``widget`` or a container of it is hidden — other than a page that its stack
    does not show now (the tests visit every page in turn)."""
    w = widget
    while w is not None and w is not win:
        parent = w.parentWidget()
        if w.isHidden() and not isinstance(parent, QStackedWidget):
            return False
        w = parent
    return True


def secrets_shown(win) -> list[str]:
    """The texts on screen that hold a walk-away."""
    return [t for t in texts(win) if any(v in t for v in WALK_AWAYS)]


def ask_approval(ws: Workspace, negotiation: int) -> str:
    """Dana asks Priya for price 0.87 (a pending request); its id."""
    return ws.log(negotiation, DANA, "approval_request",
                  {"issue": "price", "value": "0.87", "note": "to close today"}).id


# --- the core's locked paths (Qt-free) ----------------------------------------------------------


def test_may_is_the_one_copy_of_the_role_rules(unlocked):
    ws, negotiation, _ = unlocked
    st = NegState(negotiation)
    st.authors["a1"] = DANA
    cases = [("offer", {"side": "us"}), ("offer", {"side": "them"}), ("agreement", {}),
             ("approval_request", {}), ("phase", {}), ("approval", {}), ("issue", {}),
             ("meeting_start", {}), ("retract", {"act": "a1"}), ("note", {})]
    for role in ROLES:
        for editor in (False, True):
            member = Member("Ann Example", role, editor)
            for kind, payload in cases:
                reason = may(member, kind, payload, st.authors)
                if reason is None:
                    permit(st, member, kind, payload)
                else:
                    with pytest.raises(PermissionDenied) as refused:
                        permit(st, member, kind, payload)
                    assert str(refused.value) == reason


def test_locked_meter_request_context_ladder_and_readiness_say_sealed(locked):
    ws, negotiation, _ = locked
    prep = ws.preparation(negotiation)
    acts = ws.acts(negotiation)
    m = meter(prep, acts, DANA, "price", Decimal("0.95"))
    assert m.walk_away_locked and m.limit_locked and m.locked
    assert m.used is None and not m.past_walk_away and not m.past_limit
    ask_approval(ws, negotiation)
    request = ws.acts(negotiation)[-1]
    assert request.kind == "approval_request"
    ctx = request_context(ws.preparation(negotiation), ws.acts(negotiation), {}, request, PRIYA)
    assert ctx.walk_away_locked and ctx.requester_limit_locked and ctx.approver_limit_locked
    assert not ctx.breaches and any("locked on this computer" in r for r in ctx.remarks)
    assert suggest_ladder(prep.issues["price"]) == []
    report = readiness(prep)
    items = {i["item"]: i for i in report["items"]}
    assert items["batna"]["ok"] and "sealed" in items["batna"]["message"]
    assert items["plan"]["ok"] and "sealed" in items["plan"]["message"]
    assert "authority" not in items["team"]["missing"]


# --- every window and section opens locked ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_window_opens_locked_and_says_locked(qtbot, window, locked, role):
    ws, negotiation, _ = locked
    ask_approval(ws, negotiation)  # the approver's context has a request to show
    win = window(ws, negotiation, pick_member(ws, negotiation, role), role)
    assert win.banner.isVisible() and win.banner.locked_row.isVisible()
    assert win.banner.locked.text().startswith(LOCKED_TEXT)
    assert not win.banner.keychain.isVisible()  # the test keychain is usable
    shown = texts(win)
    assert not secrets_shown(win)
    if role in ("lead", "approver"):
        assert any(t == LOCKED or t.endswith(f" {LOCKED}") or f"{LOCKED} " in t for t in shown)
    for other in ROLES:  # every panel draws on a locked workspace, whoever looks at it
        win.show_role(other)
        settle(qtbot, win)
    assert not secrets_shown(win)


def test_locked_lead_panel_marks_each_sealed_figure(qtbot, window, locked):
    ws, negotiation, _ = locked
    win = window(ws, negotiation, DANA, "lead")
    panel = win.current_panel()
    assert panel.score_ours.text() == LOCKED and LOCKED_TIP in panel.score_ours.toolTip()
    assert panel.score_ours.property("role") == "muted" and not panel.score_theirs.isVisible()
    card = panel.cards["price"]
    assert card.ours.text() == f"concession sizes {LOCKED}" and not card.theirs.isVisible()
    assert card.meter_label.text().endswith(LOCKED)
    assert "target locked" in panel.forecast.text() and "forecast locked" in panel.forecast.text()
    hidden = {k for k, line in panel.chart.lines.items() if not line.isVisible()}
    assert {"target", "walk_away", "limit", "forecast"} <= hidden  # charts skip sealed lines
    assert panel.entry.line.isEnabled()  # the lead still logs offers without the phrase
    panel.entry.line.setText("us price 0.95")  # past the sealed walk-away: nothing can stop it
    panel.entry.enter()
    qtbot.waitUntil(lambda: "not checked" in panel.entry.note.text(), timeout=WAIT_MS)
    last = ws.acts(negotiation)[-1]
    assert panel.authority_dialog is None
    assert (last.kind, last.payload["side"], last.payload["terms"]) == ("offer", "us",
                                                                        {"price": "0.95"})
    assert "walk-away or your limit on price: locked" in panel.entry.note.text()


def test_locked_approver_context_says_locked(window, locked):
    ws, negotiation, _ = locked
    ask_approval(ws, negotiation)
    win = window(ws, negotiation, PRIYA, "approver")
    panel = win.current_panel()
    for key in ("walk_away", "limit", "yours", "forecast"):
        assert panel.tiles[key].value.text() == LOCKED, key
        assert LOCKED_TIP in panel.tiles[key].value.toolTip()
    assert "locked on this computer" in panel.remarks.text()
    assert panel.approve_button.isEnabled()  # the approver still answers


@pytest.mark.parametrize("section", SECTIONS)
def test_every_prepare_section_opens_locked_read_only_where_sealed(qtbot, window, locked, section):
    ws, negotiation, _ = locked
    win = window(ws, negotiation, DANA, "lead")
    view = win.show_prepare(section)
    page = view.sections[section]
    assert view.current_section() == section
    assert "locked" in view.banner.text()
    if section == "issues":
        cells = [page.table.item(r, c).text() for r in range(page.table.rowCount())
                 for c in range(page.table.columnCount())]
        assert cells.count(LOCKED) == 2 * page.table.rowCount()
        for field in ("target", "walk_away"):
            editor = page.form.editors[field]
            assert editor.is_locked() and not editor.isEnabled()
            assert editor.placeholderText() == LOCKED
        assert not page.save.isEnabled() and not page.add_button.isEnabled()
        assert page.sealed_note.isVisible() and page.down.isEnabled()  # reordering still works
    elif section == "batna":
        assert all(e.is_locked() and not e.isEnabled() for e in page.form.editors.values())
        assert page.sealed_note.isVisible()
    elif section == "plan":
        assert LOCKED in page.issues.item(0).text() and LOCKED in page.empty.text()
        assert not page.add.isEnabled() and not page.suggest.isEnabled()
    elif section == "team":
        dana_price = page.limits.editors[f"{DANA}|price"]
        assert dana_price.is_locked() and not dana_price.isEnabled()
        assert not page.limits.editors[f"{OLI}|price"].isEnabled()  # no limit can be written
        assert page.set_member.isEnabled()  # members are not sealed
    elif section == "readiness":  # sealed items count as recorded, and say they are sealed
        notes = [page.tree.topLevelItem(n).child(0).text(0)
                 for n in range(page.tree.topLevelItemCount())]
        assert sum("sealed on this computer" in n for n in notes) == 3, notes
        missing = page.missing_texts()
        assert "A concession plan" not in missing and "Our BATNA" not in missing
    assert not secrets_shown(win)


def test_a_sealed_field_saved_without_the_key_shows_the_services_refusal(qtbot, window, locked):
    ws, negotiation, _ = locked
    win = window(ws, negotiation, DANA, "lead")
    page = win.show_prepare("batna").sections["batna"]
    page.form.editors["ours"].set_locked(False)  # as if the view had let it through
    page.form.editors["ours"].set_editable(True)
    page.form.editors["ours"].set_value("a second source")
    page.submit()
    qtbot.waitUntil(lambda: "Not saved" in page.status.text(), timeout=WAIT_MS)
    shown = " ".join(page.form.problems_shown().values())
    assert "is confidential: join the workspace" in shown
    assert ws.preparation(negotiation).batna == {}


# --- the join phrase ------------------------------------------------------------------------------


def test_no_usable_keychain_shows_the_banner_and_the_phrase_still_unlocks(qtbot, window, locked,
                                                                          no_keychain):
    path = locked[0].path
    locked[0].close()
    ws = Workspace(path)  # the failing backend: no keychain to read the phrase from
    negotiation, phrase = locked[1], locked[2]
    assert ws.keychain_problem and not ws.unlocked
    win = window(ws, negotiation, DANA, "lead")
    banner = win.banner
    assert banner.keychain.isVisible() and banner.keychain.text() == NOT_REMEMBERED
    assert banner.keychain.property("role") == "warning" and banner.locked_row.isVisible()
    qtbot.mouseClick(banner.join_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(win.join, JoinDialog) and win.join.isVisible(),
                    timeout=WAIT_MS)
    dialog = win.join
    assert not dialog.remember and "not remembered" in " ".join(
        w.text() for w in dialog.findChildren(QLabel))
    dialog.line.setText(phrase.upper().replace(" ", "  "))  # case and spacing do not matter
    with qtbot.waitSignal(win.session.reloaded, timeout=WAIT_MS):
        dialog.join_button.click()
    assert win.join is None and ws.unlocked
    settle(qtbot, win)
    assert all(any(v in t for t in texts(win)) for v in WALK_AWAYS)  # the figures are back
    assert not banner.locked_row.isVisible()
    assert banner.isVisible() and banner.keychain.isVisible()  # all session: not remembered
    assert "not remembered" in win.statusBar().currentMessage()
    panel = win.current_panel()
    assert panel.score_ours.text() != LOCKED and panel.score_ours.property("role") == "ours"
    view = win.show_prepare("issues")
    page = view.sections["issues"]
    assert page.form.editors["target"].isEnabled() and page.form.value("target")
    assert "locked" not in view.banner.text()


def test_a_wrong_phrase_is_refused_in_place_and_nothing_is_stored(qtbot, window, locked):
    ws, negotiation, phrase = locked
    win = window(ws, negotiation, DANA, "lead")
    dialog = win.join_dialog()
    assert dialog.remember  # the test keychain is usable
    for wrong in (new_phrase(), "apple banana cherry"):
        dialog.line.setText(wrong)
        dialog.join_button.click()
        assert dialog.isVisible() and dialog.error.isVisible()
        assert dialog.line.text() == wrong  # what was typed stays
        assert wrong not in dialog.error.text()
        assert not ws.unlocked and keychain.load(ws.store.workspace_id) is None
    assert "A join phrase has 12 words; this one has 3 words" in dialog.error.text()
    dialog.line.setText(phrase)
    with qtbot.waitSignal(win.session.reloaded, timeout=WAIT_MS):
        dialog.join_button.click()
    assert keychain.load(ws.store.workspace_id) == phrase  # remembered: entered once
    assert not win.banner.isVisible()
    assert "keychain" in win.statusBar().currentMessage()


def test_join_is_in_the_edit_menu_even_without_the_banner(window, unlocked):
    ws, negotiation, _ = unlocked
    win = window(ws, negotiation, DANA, "lead")
    assert not win.banner.isVisible()
    assert win.join_action.text() == "Join this workspace…" and win.join_action.isEnabled()
    win.join_action.trigger()
    assert isinstance(win.join, JoinDialog)
    win.join.reject()


def test_the_start_screen_shows_the_created_phrase_once(qtbot, tmp_path, config_dir, monkeypatch):
    path = tmp_path / "new.caucus"
    seen: dict = {}

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, StartDialog) and "start" not in seen:
            seen["start"] = True
            dialog.title.setText("Cartons 2028")
            dialog.supplier.setText("Northbox")
            dialog.me.setText("Ana Lead")
            next(b for b in dialog.findChildren(QAbstractButton)
                 if b.text() == "Create negotiation").click()
        elif isinstance(dialog, PhraseDialog):
            seen["words"] = dialog.words.text()
            seen["stored"] = dialog.stored.text()
            dialog.copy_button.click()
            seen["clipboard"] = QGuiApplication.clipboard().text()
            dialog.ok_button.click()

    timer = QTimer(interval=20, timeout=drive)
    timer.start()
    try:
        opened = choose_start(argparse.Namespace(workspace=str(path), negotiation=None,
                                                 member="Ana Lead", role="lead"))
    finally:
        timer.stop()
    ws = opened[0]
    try:
        assert opened[2:] == ("Ana Lead", "lead")
        assert len(seen["words"].split()) == 12 and seen["words"] == ws.created_phrase
        assert seen["clipboard"] == seen["words"]
        assert "stored in this computer's keychain" in seen["stored"]
        assert keychain.load(ws.store.workspace_id) == seen["words"]
    finally:
        ws.close()


def test_the_created_phrase_says_not_stored_without_a_keychain(qtbot, tmp_path, no_keychain):
    ws = Workspace(tmp_path / "nokeychain.caucus")
    try:
        assert ws.created_phrase and not ws.phrase_stored
        dialog = PhraseDialog(ws)
        qtbot.addWidget(dialog)
        assert "NOT stored" in dialog.stored.text() and "Write it down" in dialog.stored.text()
        assert dialog.stored.property("role") == "warning"
        assert dialog.words.text() == ws.created_phrase
    finally:
        ws.close()


# --- the role rules, reflected -------------------------------------------------------------------


def test_an_observer_on_the_lead_panel_cannot_speak_for_us_and_an_editor_can(qtbot, window,
                                                                             unlocked):
    ws, negotiation, _ = unlocked
    win = window(ws, negotiation, OLI, "observer")
    win.show_role("lead")
    entry = win.current_panel().entry
    assert not entry.line.isEnabled()
    assert "may log offers in our name; Oli Park (observer) may not" in entry.note.text()
    assert entry.note.text().startswith("Read-only: Only the lead")
    for kind in ("meeting_start", "meeting_end", "phase"):
        for action in win.meeting_actions[kind]:
            assert not action.isEnabled() and "may not" in action.toolTip()
    assert not win.header.phase.isEnabled()
    ws.set_member(negotiation, DANA, {"name": OLI, "role": "observer", "editor": True})
    qtbot.waitUntil(entry.line.isEnabled, timeout=WAIT_MS)  # the lead named Oli an editor
    assert "Read-only" not in entry.note.text()
    assert all(a.isEnabled() for actions in win.meeting_actions.values() for a in actions)


def test_the_lead_on_the_approver_panel_cannot_answer(qtbot, window, unlocked):
    ws, negotiation, _ = unlocked
    ask_approval(ws, negotiation)
    win = window(ws, negotiation, DANA, "lead")
    win.show_role("approver")
    panel = win.current_panel()
    qtbot.waitUntil(lambda: bool(panel.pending_ids()), timeout=WAIT_MS)
    for button in (panel.approve_button, panel.decline_button):
        assert not button.isEnabled()
        assert button.toolTip().startswith("Only an approver answers")
    assert "Read-only" in panel.message.text()
    panel.answer(True)  # the keyboard path is refused by the services
    qtbot.waitUntil(lambda: "Not saved" in panel.message.text(), timeout=WAIT_MS)
    assert "only an approver answers" in panel.message.text()


# --- exports ------------------------------------------------------------------------------------


def test_room_safe_offers_no_scenario_export(qtbot, window, unlocked, tmp_path, monkeypatch):
    ws, negotiation, _ = unlocked
    win = window(ws, negotiation, DANA, "lead")
    win.set_room_safe(True)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: pytest.fail("no file dialog while room-safe"))
    action = next(a for a in win.findChildren(QAction) if a.text() == "Export scenario…")
    assert not action.isEnabled() and action.toolTip() == public.NOT_NOW
    action.trigger()
    win.set_room_safe(False)
    assert action.isEnabled()
    target = tmp_path / "out.json"
    assert win.files.export_file(str(target)) and target.exists()


def test_a_locked_workspace_refuses_the_scenario_export(window, locked, tmp_path):
    ws, negotiation, _ = locked
    win = window(ws, negotiation, DANA, "lead")
    target = tmp_path / "out.json"
    assert not win.files.export_file(str(target)) and not target.exists()
    assert LOCKED_REFUSAL in win.statusBar().currentMessage()


def test_a_keychain_that_refuses_to_save_leaves_the_phrase_for_this_session_and_says_so(
        qtbot, window, locked, monkeypatch):
    ws, negotiation, phrase = locked
    win = window(ws, negotiation, DANA, "lead")
    assert not win.banner.keychain.isVisible()

    def refuse(*_args) -> None:
        raise keychain.KeychainUnavailable("the keychain refused to remember the join phrase")

    monkeypatch.setattr(keychain, "save", refuse)
    dialog = win.join_dialog()
    dialog.line.setText(phrase)
    with qtbot.waitSignal(win.session.reloaded, timeout=WAIT_MS):
        dialog.join_button.click()
    assert ws.unlocked and keychain.load(ws.store.workspace_id) is None
    assert win.banner.keychain.isVisible() and not win.banner.locked_row.isVisible()
    assert "refused" in win.banner.keychain.toolTip()
    assert "not remembered" in win.statusBar().currentMessage()
