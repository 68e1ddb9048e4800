"""The observer, SME and approver panels, driven like a user would, on a real workspace (offscreen).

Each test imports the example into a fresh workspace, builds a ``Session`` and the panel, and
waits for the journal to show what the panel logged. Settings go to a temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)
from ui_helpers import EXAMPLE, import_into, readable_texts

from app import scenario
from app.workspace import Workspace
from ui.session import Session

WAIT_MS = 5000
PRICE_WALK_AWAY = "0.90 EUR/box"  # appears nowhere else in the example (Priya's limit aside)


@pytest.fixture
def workspace(tmp_path: Path, config_dir) -> Iterator[tuple[Workspace, int]]:
    ws = Workspace(tmp_path / "panels.caucus")
    negotiation = import_into(ws, scenario.load(EXAMPLE))
    yield ws, negotiation
    ws.close()


@pytest.fixture
def open_session(workspace, qtbot):
    sessions = []

    def make(member: str, role: str) -> Session:
        ws, negotiation = workspace
        session = Session(ws, negotiation, member, role)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


def _panel(qtbot, cls, session) -> QWidget:
    panel = cls(session)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=WAIT_MS)  # shortcuts need an active window
    if hasattr(panel, "focus_entry"):
        panel.focus_entry()
    return panel


def _logged(session: Session, kind: str, before: int):
    return [a for a in session.acts[before:] if a.kind == kind and a.by == session.member]


def _texts(root: QWidget) -> list[str]:
    """Every text and tooltip a user could see in ``root``'s widget tree."""
    return readable_texts(root)


# --- observer -----------------------------------------------------------------------------------


def test_observer_keys_log_reaction_and_tactic_linked_to_latest_offer(qtbot, open_session):
    from ui.panels.observer import ObserverPanel

    session = open_session("Oli Park", "observer")
    panel = _panel(qtbot, ObserverPanel, session)
    before = len(session.acts)
    qtbot.keyClick(panel, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: bool(_logged(session, "reaction", before)), timeout=WAIT_MS)
    qtbot.keyClick(panel, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: bool(_logged(session, "tactic", before)), timeout=WAIT_MS)
    [reaction] = _logged(session, "reaction", before)
    [tactic] = _logged(session, "tactic", before)
    assert reaction.payload == {"tag": "flinch", "about": "a22"}  # a22: the latest offer
    assert tactic.payload == {"tactic": "nibble", "about": "a22"}
    assert reaction.at is not None
    # both show in the feed under the offer they are about
    qtbot.waitUntil(lambda: panel.feed.item_of(tactic.id) is not None, timeout=WAIT_MS)
    assert panel.feed.item_of(tactic.id).parent() is panel.feed.item_of("a22")
    assert "Nibble" in panel.last.text()
    assert "counter" in panel.counter.text().lower()


def test_observer_keys_do_not_fire_while_typing_a_note(qtbot, open_session):
    from ui.panels.observer import ObserverPanel

    session = open_session("Oli Park", "observer")
    panel = _panel(qtbot, ObserverPanel, session)
    before = len(session.acts)
    qtbot.keyClick(panel, Qt.Key.Key_Return)  # Enter: to the note line
    assert QApplication.focusWidget() is panel.note
    qtbot.keyClicks(panel.note, "fact: sales director is 1 of 4 signers")
    assert panel.note.text() == "fact: sales director is 1 of 4 signers"
    assert not panel.keys_live()
    qtbot.keyClick(panel.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_logged(session, "note", before)), timeout=WAIT_MS)
    [note] = _logged(session, "note", before)
    assert note.payload == {"text": "sales director is 1 of 4 signers", "topic": "fact"}
    assert not _logged(session, "reaction", before) and not _logged(session, "tactic", before)
    qtbot.waitUntil(lambda: panel.note.text() == "", timeout=WAIT_MS)
    # back on the keys after the note is saved: a key tags again
    qtbot.waitUntil(panel.keys_live, timeout=WAIT_MS)
    qtbot.keyClick(panel, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: bool(_logged(session, "reaction", before)), timeout=WAIT_MS)


def test_observer_bad_note_keeps_the_text(qtbot, open_session):
    from ui.panels.observer import ObserverPanel

    session = open_session("Oli Park", "observer")
    panel = _panel(qtbot, ObserverPanel, session)
    panel.note.setFocus()
    qtbot.keyClicks(panel.note, "fact:   ")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return)
    assert panel.note.text() == "fact:   "
    assert panel.message.text()


def test_observer_keymap_edit_persists(qtbot, open_session):
    from PySide6.QtGui import QKeySequence

    from ui.panels.observer import ObserverPanel
    from ui.widgets.keymap import load_keymap

    session = open_session("Oli Park", "observer")
    panel = _panel(qtbot, ObserverPanel, session)
    editor = panel.open_editor()
    qtbot.addWidget(editor)
    row = editor.add_row(editor.bindings()[0].__class__("", "reaction", ""))
    editor.table.cellWidget(row, 0).setKeySequence(QKeySequence("F"))  # F is taken: refused
    editor.table.cellWidget(row, 2).setCurrentText("interest")
    assert not editor.save()
    assert "already used" in editor.problems.text()
    assert editor.table.rowCount() == row + 1  # the edit is kept
    editor.table.cellWidget(row, 0).setKeySequence(QKeySequence("Shift+N"))
    editor.table.cellWidget(row, 1).setCurrentText("tactic")
    editor.table.cellWidget(row, 2).setCurrentText("nibble")
    assert editor.save()
    saved = {b.key: (b.kind, b.tag) for b in load_keymap()}
    assert saved["Shift+N"] == ("tactic", "nibble")
    assert "Shift+N" in panel.keys.caps
    # the new key works at once, and a new panel reads it back
    before = len(session.acts)
    panel.focus_entry()
    qtbot.keyClick(panel, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: bool(_logged(session, "tactic", before)), timeout=WAIT_MS)
    again = _panel(qtbot, ObserverPanel, session)
    assert ("Shift+N", "Tag tactic: Nibble") in again.shortcuts()


def test_observer_tracker_and_room_safe(qtbot, open_session):
    from ui.panels.observer import ObserverPanel

    session = open_session("Oli Park", "observer")
    panel = _panel(qtbot, ObserverPanel, session)
    tracker = {panel.tracker.item(r, 0).text(): (panel.tracker.item(r, 1).text(),
                                                 panel.tracker.item(r, 2).text())
               for r in range(panel.tracker.rowCount())}
    assert tracker["Unit price"] == ("0.868 EUR/box", "final")
    assert any(PRICE_WALK_AWAY in t for t in _texts(panel))  # the team reads its walk-away


def test_observer_withdrawn_tag_is_struck_through(qtbot, open_session):
    from ui.panels.observer import ObserverPanel

    session = open_session("Oli Park", "observer")
    panel = _panel(qtbot, ObserverPanel, session)
    session.submit("retract", "a6", "wrong person")
    qtbot.waitUntil(lambda: "a6" in session.withdrawn(), timeout=WAIT_MS)
    item = panel.feed.item_of("a6")
    assert item is not None and "withdrawn" in item.text(2)
    assert item.font(2).strikeOut()


# --- SME ----------------------------------------------------------------------------------------


def test_sme_note_with_topic_and_issue(qtbot, open_session):
    from ui.panels.sme import SmePanel

    session = open_session("Sam Ortiz", "sme")
    panel = _panel(qtbot, SmePanel, session)
    assert panel.current_issue() == "price"  # the latest offer's first term
    before = len(session.acts)
    qtbot.keyClick(panel.line, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # claim
    assert panel.topic == "claim"
    qtbot.keyClick(panel.line, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # next issue
    assert panel.current_issue() == "payment"
    qtbot.keyClicks(panel.line, "60 days is their standard, not a concession")
    qtbot.keyClick(panel.line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_logged(session, "note", before)), timeout=WAIT_MS)
    [note] = _logged(session, "note", before)
    assert note.payload == {"text": "60 days is their standard, not a concession",
                            "topic": "claim", "issue": "payment"}
    qtbot.waitUntil(lambda: panel.line.text() == "", timeout=WAIT_MS)
    assert panel.current_issue() == "price"  # follows the offers again
    # a prefix overrides the selector
    qtbot.keyClicks(panel.line, "fact: board index -4 %")
    qtbot.keyClick(panel.line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(_logged(session, "note", before)) == 2, timeout=WAIT_MS)
    assert _logged(session, "note", before)[1].payload["topic"] == "fact"
    # the numbers: benchmark and should-cost beside both sides' positions
    row = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    assert row == ["Unit price", "0.865 EUR/box", "0.875 EUR/box", "0.86 EUR/box",
                   "0.81 EUR/box", "+0.065 EUR/box  (+8.0 %)"]


def test_sme_answers_a_lead_question(qtbot, open_session, workspace):
    from ui.panels.sme import SmePanel

    ws, negotiation = workspace
    ws.log(negotiation, "Dana Whitfield", "note",
           {"topic": "question", "text": "Did the energy surcharge lapse?", "issue": "price"},
           act_id="q1")
    session = open_session("Sam Ortiz", "sme")
    panel = _panel(qtbot, SmePanel, session)
    assert "1 open" in panel.questions_card.title.text()
    panel.next_question()  # Alt+N
    assert panel.topic == "answer" and panel.answering.id == "q1"
    before = len(session.acts)
    qtbot.keyClicks(panel.line, "Yes, in Q3; their letter of 2 Oct says so")
    qtbot.keyClick(panel.line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(_logged(session, "note", before)), timeout=WAIT_MS)
    [answer] = _logged(session, "note", before)
    assert answer.payload == {"text": "Yes, in Q3; their letter of 2 Oct says so",
                              "topic": "answer", "issue": "price", "about": "q1"}
    qtbot.waitUntil(lambda: panel.answering is None, timeout=WAIT_MS)
    texts = [panel.questions.item(n).text() for n in range(panel.questions.count())]
    assert texts[0].startswith("✓") and "answered by Sam Ortiz" in texts[0]
    assert "open" not in panel.questions_card.title.text()
    assert panel.topic == "fact"


def test_sme_reads_walk_away_benchmark_and_should_cost(qtbot, open_session):
    from ui.panels.sme import SmePanel

    session = open_session("Sam Ortiz", "sme")
    panel = _panel(qtbot, SmePanel, session)
    assert any(PRICE_WALK_AWAY in t for t in _texts(panel))
    assert "0.86 EUR/box" in _texts(panel) and "0.81 EUR/box" in _texts(panel)


# --- approver -----------------------------------------------------------------------------------


def _request(workspace, value: str, act_id: str) -> None:
    ws, negotiation = workspace
    ws.log(negotiation, "Dana Whitfield", "approval_request",
           {"issue": "price", "value": value, "note": "to close"}, act_id=act_id)


def test_approver_approves_and_declines(qtbot, open_session, workspace):
    from ui.panels.approver import ApproverPanel

    _request(workspace, "0.88", "r1")
    _request(workspace, "0.89", "r2")
    session = open_session("Priya Raman", "approver")
    panel = _panel(qtbot, ApproverPanel, session)
    assert panel.pending_ids() == ["r1", "r2"]
    assert panel.current.id == "r1"
    assert "asks to go to 0.88 EUR/box" in panel.headline.text()
    assert panel.tiles["limit"].value.text() == "0.86 EUR/box"
    before = len(session.acts)
    qtbot.keyClicks(panel.note, "only with 60 days")
    qtbot.keyClick(panel.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(_logged(session, "approval", before)), timeout=WAIT_MS)
    [approval] = _logged(session, "approval", before)
    assert approval.payload == {"request": "r1", "granted": True, "note": "only with 60 days"}
    qtbot.waitUntil(lambda: panel.pending_ids() == ["r2"], timeout=WAIT_MS)
    assert panel.current.id == "r2" and panel.note.text() == ""
    qtbot.keyClick(panel.note, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(_logged(session, "approval", before)) == 2, timeout=WAIT_MS)
    assert _logged(session, "approval", before)[1].payload == {"request": "r2", "granted": False}
    qtbot.waitUntil(lambda: panel.pending_ids() == [], timeout=WAIT_MS)
    answered = [panel.answered.item(n).text() for n in range(panel.answered.count())]
    assert answered[0].startswith("✗ declined") and answered[1].startswith("✓ granted")
    assert not panel.approve_button.isEnabled()


def test_approver_warns_past_walk_away(qtbot, open_session, workspace):
    from ui.panels.approver import ApproverPanel

    _request(workspace, "0.92", "r1")
    session = open_session("Priya Raman", "approver")
    panel = _panel(qtbot, ApproverPanel, session)
    assert "past the walk-away 0.90 EUR/box" in panel.warnings.text()
    assert all(panel.chart.lines[k].isVisible() for k in ("walk_away", "limit", "asked"))
    # the lead's chart, with the value asked and where it was asked; the agreement it would reopen
    assert "asked 0.92 EUR/box" in panel.chart.visible_texts()
    assert "Dana's limit 0.86 EUR/box" in panel.chart.visible_texts()
    assert panel.chart.marker.isVisible() and panel.chart.marker.value() == 10.5  # after offer 10
    assert "already agreed (final) at 0.868 EUR/box" in panel.remarks.text()
    assert any(PRICE_WALK_AWAY in t for t in _texts(panel))
    assert panel.tiles["theirs"].value.text() == "0.875 EUR/box"


def test_sme_refused_note_keeps_the_text(qtbot, open_session):
    from ui.panels.sme import SmePanel

    session = open_session("Kim Lee", "sme")  # not on the team: the service refuses the note
    panel = _panel(qtbot, SmePanel, session)
    qtbot.keyClicks(panel.line, "claim: 96 % is their standard SLA")
    with qtbot.waitSignal(session.write_failed, timeout=WAIT_MS):
        qtbot.keyClick(panel.line, Qt.Key.Key_Return)
    assert "not on the team" in panel.message.text()
    assert panel.line.text() == "claim: 96 % is their standard SLA"
