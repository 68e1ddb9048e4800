"""The lead's panel, offscreen, on a real workspace file holding the example part-way through.

The example is cut after act a12 (our last offer then is price 0.84 with term 18; no approval yet):
Dana Whitfield's price limit is 0.86 EUR/box and the price walk-away 0.90 EUR/box.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
)
from ui_helpers import example, write_workspace

from app.workspace import Workspace
from ui.panels.lead import LeadPanel
from ui.session import Session

DANA = "Dana Whitfield"
CUT_AFTER = 12  # acts a1..a12 of the first meeting


@pytest.fixture
def workspace_file(tmp_path: Path, config_dir) -> tuple[Path, int]:
    """A workspace with the example imported up to a12."""
    path = tmp_path / "lead.caucus"
    return path, write_workspace(path, example(cut_after=CUT_AFTER))


@pytest.fixture
def ws(workspace_file):
    """The workspace, open for the test (closed after its widgets)."""
    workspace = Workspace(workspace_file[0])
    yield workspace
    workspace.close()


def settle(qtbot, session: Session, panel: LeadPanel) -> None:
    """Wait for the writes in flight and the redraw they cause."""
    qtbot.waitUntil(lambda: session._pending == 0, timeout=5000)
    qtbot.waitUntil(lambda: not panel.refresh_pending, timeout=5000)


@pytest.fixture
def panel(qtbot, ws, workspace_file):
    """The lead panel of Dana, following the workspace."""
    session = Session(ws, workspace_file[1], DANA, "lead", poll_ms=20)
    session.start()
    widget = LeadPanel(session)

    def close(w: LeadPanel) -> None:
        settle(qtbot, session, w)
        session.close()

    qtbot.addWidget(widget, before_close_func=close)
    widget.resize(1440, 860)
    widget.show()
    qtbot.waitExposed(widget)
    widget.focus_entry()
    return widget


def type_line(qtbot, panel: LeadPanel, text: str, enter: bool = True) -> None:
    line = panel.entry.line
    line.setFocus()
    qtbot.keyClicks(line, text)
    if enter:
        qtbot.keyClick(line, Qt.Key.Key_Return)


def offers(panel: LeadPanel) -> list:
    return [a for a in panel.session.acts if a.kind == "offer"]


# --- quick entry ----------------------------------------------------------------------------------


def test_valid_offer_is_logged_then_the_line_clears(qtbot, panel):
    before = len(offers(panel))
    started = time.monotonic()
    type_line(qtbot, panel, "them price 0.89 pay 60")
    qtbot.waitUntil(lambda: panel.entry.line.text() == "", timeout=3000)
    assert time.monotonic() - started < 3.0
    logged = offers(panel)[before:]
    assert [a.payload["terms"] for a in logged] == [{"price": "0.89", "payment": "60"}]
    assert logged[0].by == DANA and logged[0].payload["side"] == "them"
    qtbot.waitUntil(lambda: panel.cards["price"].numbers["them"].text() == "0.89")
    assert panel.cards["price"].units["them"].text() == "EUR/box"
    assert panel.chart.curves["them"].getData()[1][-1] == pytest.approx(0.89)


def test_bad_word_is_marked_and_the_text_kept(qtbot, panel):
    before = len(panel.session.acts)
    type_line(qtbot, panel, "them prise 0.89")
    assert panel.entry.line.text() == "them prise 0.89"
    assert panel.entry.line.property("invalid") is True
    assert "prise" in panel.entry.note.text() and "not an issue" in panel.entry.note.text()
    assert (panel.entry.error.start, panel.entry.error.end) == (5, 10)
    assert len(panel.session.acts) == before
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_Backspace)  # editing clears the mark
    assert panel.entry.line.property("invalid") is False


def test_an_absurd_value_is_marked_in_the_line_by_the_services_rule(qtbot, panel):
    before = len(panel.session.acts)
    type_line(qtbot, panel, "them price 1e999999999")
    assert panel.entry.line.text() == "them price 1e999999999"
    assert panel.entry.line.property("invalid") is True
    assert "out of range for Unit price: give a value above 0 and up to 100 EUR/box" in \
        panel.entry.note.text()
    assert (panel.entry.error.start, panel.entry.error.end) == (11, 22)
    assert len(panel.session.acts) == before


def test_tab_completes_issue_words(qtbot, panel):
    type_line(qtbot, panel, "them pr", enter=False)
    assert panel.entry.candidates() == ["price"]
    assert "price" in panel.entry.note.text()
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_Tab)
    assert panel.entry.line.text() == "them price "
    assert panel.entry.line.hasFocus()  # Tab completed instead of moving the focus


def test_failed_write_keeps_the_text_and_says_why(qtbot, panel, monkeypatch):
    from app.errors import InvalidInput

    def refuse(*_args, **_kwargs):
        raise InvalidInput("the workspace is read-only")

    monkeypatch.setattr(panel.session.ws, "log", refuse)
    type_line(qtbot, panel, "them price 0.89")
    qtbot.waitUntil(lambda: panel.entry.pending is None)
    assert panel.entry.line.text() == "them price 0.89"
    assert "read-only" in panel.entry.note.text()
    assert panel.entry.line.property("invalid") is True


# --- authority guard ------------------------------------------------------------------------------


def test_offer_past_authority_is_held_and_an_approval_requested(qtbot, panel, workspace_file):
    before = len(offers(panel))
    type_line(qtbot, panel, "us price 0.88 ask rebate 2")
    # the services refused it (nothing logged) and the panel holds it in the one dialog
    qtbot.waitUntil(lambda: panel.authority_dialog is not None
                    and panel.authority_dialog.isVisible())
    dialog = panel.authority_dialog
    assert len(offers(panel)) == before
    assert [label.text() for label in dialog.lines] == [
        "•  Unit price: 0.88 EUR/box is past Dana Whitfield's authority of 0.86 EUR/box"]
    assert dialog.windowTitle() == "Offer held: past a limit"
    assert dialog.request_button.isVisible() and not dialog.log_button.isVisible()
    assert panel.entry.line.text() == "us price 0.88 ask rebate 2"
    qtbot.mouseClick(dialog.request_button, Qt.MouseButton.LeftButton)
    # the same call again, knowingly: the offer and its approval request in one transaction
    qtbot.waitUntil(lambda: panel.entry.line.text() == "")
    offer = offers(panel)[-1]
    assert offer.payload == {"side": "us", "terms": {"price": "0.88"}, "asks": {"rebate": "2"}}
    request = next(a for a in panel.session.acts if a.seq == offer.seq + 1)
    assert request.kind == "approval_request" and request.by == DANA
    assert request.payload["issue"] == "price" and request.payload["value"] == "0.88"
    assert offer.id in request.payload["note"]
    assert panel.authority_dialog is None
    assert request.id in panel.awaiting and "approval requested" in panel.entry.note.text()
    approver = Workspace(workspace_file[0])  # the approver answers from their own process
    try:
        approver.log(workspace_file[1], "Priya Raman", "approval",
                     {"request": request.id, "granted": True, "note": "Only with the rebate."})
    finally:
        approver.close()
    qtbot.waitUntil(lambda: "Priya Raman approved" in panel.entry.note.text(), timeout=5000)
    assert "Only with the rebate." in panel.entry.note.text() and not panel.awaiting


def test_cancel_keeps_the_text_and_logs_nothing(qtbot, panel):
    before = len(panel.session.acts)
    type_line(qtbot, panel, "us price 0.88")
    qtbot.waitUntil(lambda: panel.authority_dialog is not None)
    qtbot.mouseClick(panel.authority_dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.authority_dialog is None)
    assert panel.entry.line.text() == "us price 0.88"
    assert len(panel.session.acts) == before


def test_enter_pressed_again_by_reflex_cancels_and_logs_nothing(qtbot, panel):
    before = len(panel.session.acts)
    type_line(qtbot, panel, "us price 0.88")
    qtbot.waitUntil(lambda: panel.authority_dialog is not None
                    and panel.authority_dialog.isVisible())
    assert panel.authority_dialog.cancel_button.isDefault()
    qtbot.keyClick(panel.authority_dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.authority_dialog is None)
    assert panel.entry.line.text() == "us price 0.88"
    assert len(panel.session.acts) == before


def test_past_walk_away_alone_can_be_logged_anyway(qtbot, panel):
    type_line(qtbot, panel, "us volume 95 ask price 0.84")  # no limit of Dana on volume
    qtbot.waitUntil(lambda: panel.authority_dialog is not None)
    dialog = panel.authority_dialog
    assert "past the walk-away 90 %" in dialog.lines[0].text()
    assert dialog.log_button.isVisible() and not dialog.request_button.isVisible()
    qtbot.mouseClick(dialog.log_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.entry.line.text() == "")
    offer = offers(panel)[-1]
    assert offer.payload["terms"] == {"volume": "95"}
    request = next(a for a in panel.session.acts if a.seq == offer.seq + 1)  # the approver sees it
    assert (request.kind, request.payload["issue"], request.payload["value"]) == (
        "approval_request", "volume", "95")
    assert "walk-away" in request.payload["note"]


# --- alerts, tactic cards, focus ------------------------------------------------------------------


def test_alerts_arrive_without_taking_the_keyboard(qtbot, panel, workspace_file):
    line = panel.entry.line
    type_line(qtbot, panel, "them pri", enter=False)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is line)
    other = Workspace(workspace_file[0])  # the observer's process
    try:
        other.log(workspace_file[1], "Oli Park", "tactic",
                  {"tactic": "nibble", "note": "Wants free plate changes."})
    finally:
        other.close()
    qtbot.waitUntil(lambda: len(panel.tactics.cards) == 1
                    and "Nibble" in panel.tactics.cards[0].title.text(), timeout=5000)
    assert QApplication.focusWidget() is line and line.text() == "them pri"
    assert any("Nibble" in t for t in panel.alerts.texts())
    qtbot.mouseClick(panel.tactics.cards[0].close_button, Qt.MouseButton.LeftButton)
    assert not any("Nibble" in c.title.text() for c in panel.tactics.cards)
    assert "Deadline" in panel.tactics.cards[0].title.text()  # the one before comes forward
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert "Anchoring" in panel.tactics.cards[0].title.text()
    assert any("Nibble" in t for t in panel.alerts.texts())  # still findable
    assert QApplication.focusWidget() is line
    assert not [a for a in panel.session.acts if a.kind == "retract"]  # dismissal is local


def test_clicking_an_alert_points_at_its_act(qtbot, panel):
    row = next(n for n, t in enumerate(panel.alerts.texts()) if "Gave without a get" in t)
    item = panel.alerts.item(row)
    qtbot.mouseClick(panel.alerts.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.alerts.visualItemRect(item).center())
    current = panel.feed.currentItem()
    assert current is not None and current.data(2, Qt.ItemDataRole.UserRole).id == "a11"
    assert panel.selected == "price"
    assert panel.chart.marker.isVisible() and panel.chart.marker.value() == 6.0  # 6th offer
    qtbot.keyClick(panel.entry.line, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert panel.selected == "payment" and panel.cards["payment"].property("selected")
    assert panel.chart_title.text().startswith("Payment terms · days")


# --- undo ----------------------------------------------------------------------------------------


def test_ctrl_z_undoes_typing_then_the_last_entry(qtbot, ws, workspace_file):
    from ui.window import MainWindow

    session = Session(ws, workspace_file[1], DANA, "lead", poll_ms=20)
    session.start()
    window = MainWindow(session)  # its closeEvent closes the session
    panel = window.current_panel()
    qtbot.addWidget(window, before_close_func=lambda w: settle(qtbot, session, panel))
    window.show()
    qtbot.waitExposed(window)
    line = panel.entry.line
    type_line(qtbot, panel, "them rebate 1.2")
    qtbot.waitUntil(lambda: line.text() == "")
    logged = offers(panel)[-1]
    qtbot.keyClicks(line, "us")
    qtbot.keyClick(line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert line.text() == ""  # typing undone, nothing withdrawn
    assert not any(a.kind == "retract" for a in session.acts)
    qtbot.keyClick(line, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(a.kind == "retract" and a.payload["act"] == logged.id
                                for a in session.acts))
    assert ("Ctrl+Z", panel.shortcuts()[3][1]) in window.shortcuts()


# --- issue cards ---------------------------------------------------------------------------------


def test_meter_says_plainly_where_we_stand_against_the_limit(qtbot, panel):
    from dataclasses import replace as dc_replace

    from app.meeting import Meter
    from ui.widgets.authority import meter_text

    cards = panel.cards
    # price: lower is better, ours 0.84 under Dana's 0.86; payment: higher is better, ours 90
    assert cards["price"].meter_label.text() == "0.02 EUR/box of room to Dana's limit 0.86 EUR/box"
    assert cards["payment"].meter_label.text() == "30 days of room to Dana's limit 60 days"
    assert cards["volume"].meter_label.text() == "30 % of room to walk-away 90 %"  # no limit
    payment = panel.session.prep.issues["payment"]
    past = Meter(position=Decimal("55"), used=Decimal("0.78"), limit=Decimal("60"),
                 past_limit=True)
    assert meter_text(past, payment, DANA, "EUR") == (
        "✗ 5 days past Dana's limit 60 days: needs approval")
    covered = dc_replace(past, past_limit=False, approved_to=Decimal("50"))
    assert meter_text(covered, payment, DANA, "EUR") == (
        "5 days past Dana's limit 60 days · approved to 50 days")
    at = dc_replace(past, position=Decimal("60"), past_limit=False)
    assert meter_text(at, payment, DANA, "EUR") == "at Dana's limit 60 days"


def test_a_long_issue_name_ends_in_an_ellipsis_and_keeps_the_agreed_badge(qtbot, panel):
    card = panel.cards["volume"]
    card.agreed.setText("✓ agreed 80 %")
    card.resize(180, card.height())
    qtbot.waitUntil(card.name.is_elided, timeout=3000)
    assert card.name.text().endswith("…")
    assert card.name.full_text() == "Committed share of volume"
    assert "Committed share of volume" in card.name.toolTip()
    assert card.agreed.width() >= card.agreed.sizeHint().width()  # the badge is not cut
