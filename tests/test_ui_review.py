"""The Review view, offscreen, on a real workspace file holding the whole example meeting (a1…a24)
plus a25, the observer withdrawing his reaction a12.

After a11 the price stood at ours 0.84 / theirs 0.91 EUR/box; after a19 at ours 0.86 / theirs
0.875. The price walk-away is 0.90 EUR/box (confidential).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import example, write_workspace

from app.errors import InvalidInput
from app.review import Replay
from app.rules import Problem
from app.workspace import Workspace
from ui.review.history import SupplierHistory
from ui.review.view import ReviewView
from ui.session import Session

DANA, OLI = "Dana Whitfield", "Oli Park"
WAIT_MS = 8000
WITHDRAWAL = {"id": "a25", "at": "2027-01-14T10:31:00Z", "by": OLI, "kind": "retract",
              "act": "a12", "reason": "tagged the wrong person"}


@pytest.fixture
def workspace_file(tmp_path: Path, config_dir) -> tuple[Path, int]:
    """The example imported whole, with a25 withdrawing a12."""
    path = tmp_path / "review.caucus"
    return path, write_workspace(path, example(append=[WITHDRAWAL]))


@pytest.fixture
def session(qtbot, workspace_file):
    ws = Workspace(workspace_file[0])
    s = Session(ws, workspace_file[1], DANA, "lead", poll_ms=20)
    s.start()
    yield s
    qtbot.waitUntil(lambda: s._pending == 0, timeout=WAIT_MS)
    s.close()
    ws.close()


@pytest.fixture
def view(qtbot, session):
    """The Review view of Dana, shown, its replay ready."""
    widget = ReviewView(session)
    qtbot.addWidget(widget)
    widget.resize(1440, 860)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: widget.moments.is_ready, timeout=WAIT_MS)
    return widget


def act(session, ref: str):
    return next(a for a in session.acts if a.id == ref)


def row_of(view, ref: str, alert: bool = False) -> int:
    """The timeline row of act ``ref`` (or of the first alert it raised)."""
    model = view.moments.model
    seq = act(view.session, ref).seq
    return next(int(r) for r in model.rows
                if model.timeline.seq[r] == seq and bool(model.timeline.alert[r]) == alert)


# --- timeline -------------------------------------------------------------------------------------


def test_lanes_hold_each_roles_marks_and_withdrawn_ones_stay_hollow(view, session):
    meeting = [a for a in session.acts if a.meeting == 1]
    expected = {role: sum(1 for a in meeting if a.role == role)
                for role in ("lead", "sme", "observer", "approver")}
    counts = view.timeline.lane_counts()
    assert {lane: counts[lane] for lane in expected} == expected
    assert counts["observer"] == 6  # a3 a6 a10 a12 a21 and the withdrawal a25
    assert counts["sme"] == 1 and counts["approver"] == 1
    assert counts["alerts"] == len(session.analysis["alerts"]) - sum(
        1 for a in session.analysis["alerts"] if a.get("act") is None)
    assert view.timeline.lane_counts(withdrawn=True) == {
        "lead": 0, "sme": 0, "observer": 1, "approver": 0, "alerts": 0}
    assert "1 withdrawn" in view.timeline.count.text()


def test_filters_by_kind_member_and_issue(view):
    tl = view.timeline
    tl.kind.setCurrentIndex(tl.kind.findData("tactic"))
    assert tl.lane_counts()["observer"] == 3 and sum(tl.lane_counts().values()) == 3
    tl.kind.setCurrentIndex(0)
    tl.member.setCurrentIndex(tl.member.findData("Sam Ortiz"))
    assert tl.lane_counts() == {"lead": 0, "sme": 1, "observer": 0, "approver": 0, "alerts": 0}
    tl.member.setCurrentIndex(0)
    tl.issue.setCurrentIndex(tl.issue.findData("rebate"))
    shown = int(tl.plot.mask.sum())
    # offers a2, a5, a9, a17 and agreements a20, a23 name the rebate, and a8 asks for it
    assert tl.lane_counts()["lead"] == 7 and shown >= 7
    assert "of" in tl.count.text()


def test_clicking_a_mark_shows_its_content_and_hovering_names_it(qtbot, view):
    row = row_of(view, "a3")  # Oli's tactic: anchoring
    plot = view.timeline.plot
    i = int(list(plot.rows).index(row))
    scene = plot.view.mapViewToScene(QPointF(plot.x[i], plot.y[i]))
    assert plot.row_at(scene) == row
    pos = plot.plot.mapFromScene(scene)
    qtbot.mouseClick(plot.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: "Anchoring" in view.timeline.details_text(), timeout=WAIT_MS)
    text = view.timeline.details_text()
    assert "Opened 13% over benchmark" in text and "Oli Park (observer)" in text
    assert "Counter:" in text
    assert "Anchoring" in view.moments.model.tip(row)
    withdrawn = row_of(view, "a12")
    view.timeline.show_details(withdrawn)
    assert "WITHDRAWN by Oli Park" in view.timeline.details_text()
    assert "tagged the wrong person" in view.timeline.details_text()


def test_keys_zoom_and_pan_the_timeline(qtbot, view):
    plot = view.timeline.plot
    plot.setFocus()
    low, high = plot.view.viewRange()[0]
    qtbot.keyClick(plot, Qt.Key.Key_Plus)
    zoomed = plot.view.viewRange()[0]
    assert zoomed[1] - zoomed[0] == pytest.approx((high - low) / 2, rel=0.01)
    qtbot.keyClick(plot, Qt.Key.Key_Right)
    assert plot.view.viewRange()[0][0] > zoomed[0]
    qtbot.keyClick(plot, Qt.Key.Key_Home)
    assert plot.view.viewRange()[0][0] <= plot.x.min()


# --- replay -------------------------------------------------------------------------------------


def price_row(view) -> list[str]:
    texts = view.state.positions.texts()
    at = texts.index("Unit price")
    return texts[at:at + 5]


@pytest.mark.parametrize(("ref", "ours", "theirs"), [("a11", "0.84", "0.91"),
                                                     ("a19", "0.86", "0.875")])
def test_replay_shows_the_positions_of_that_moment(qtbot, view, session, ref, ours, theirs):
    view.moments.at_seq(act(session, ref).seq)
    k = view.control.k
    assert price_row(view)[1:3] == [f"{theirs} EUR/box", f"{ours} EUR/box"]
    expected = Replay(session.acts).at(k)
    assert expected["issues"]["price"]["ours"][-1] == ours
    assert expected["issues"]["price"]["theirs"][-1] == theirs
    assert view.state.score_ours.text() == f"ours {expected['score']['ours']:.0f} / 100"
    chart = view.state.chart
    assert chart.curves["us"].getData()[1][-1] == pytest.approx(float(ours))
    assert chart.curves["them"].getData()[1][-1] == pytest.approx(float(theirs))
    assert view.timeline.plot.cursor.isVisible()
    assert view.timeline.plot.cursor.value() == pytest.approx(
        view.moments.model.act_x[k - 1])


def test_arrow_keys_step_and_space_plays_to_the_end(qtbot, view, session):
    view.moments.at_seq(act(session, "a11").seq)
    k = view.control.k
    slider = view.scrubber.slider
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert view.control.k == k + 1
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert view.control.k == k - 1
    qtbot.waitUntil(lambda: not view.moments.pending, timeout=WAIT_MS)
    view.control.set_speed(16)
    view.control.seek(view.control.hi - 2)  # the last acts: seconds apart at 16x
    qtbot.keyClick(slider, Qt.Key.Key_Space)
    assert view.control.playing
    qtbot.waitUntil(lambda: not view.control.playing, timeout=WAIT_MS)
    assert view.control.k == view.control.hi


# --- debrief ------------------------------------------------------------------------------------


def test_debrief_draft_prefills_and_saving_journals_it_for_another_session(
        qtbot, view, session, workspace_file):
    view.tabs.setCurrentWidget(view.debrief)
    form = view.debrief
    assert "Northbox Packaging moved" in form.texts["conceded"].toPlainText()
    assert form.limits["price"].text() == "0.868"
    assert "Anchoring" in form.facts.toPlainText()
    form.texts["differently"].setPlainText("Ask for the rebate before moving on price.")
    with qtbot.waitSignal(session.write_done, timeout=WAIT_MS):
        form.save_button.click()
    qtbot.waitUntil(lambda: "Saved" in form.message.text(), timeout=WAIT_MS)
    other_ws = Workspace(workspace_file[0])
    try:
        other = Session(other_ws, workspace_file[1], OLI, "observer")
        saved = [a for a in other.acts if a.kind == "debrief"]
        assert saved and saved[-1].payload["differently"].startswith("Ask for the rebate")
        assert other.prep.debrief["limits"]["price"] == "0.868"
        other.close()
    finally:
        other_ws.close()


def test_a_refused_debrief_keeps_the_text_and_says_why(qtbot, view, session, monkeypatch):
    from app.services import Unit

    def refuse(self, negotiation, by, data, at=None):
        raise InvalidInput([Problem("limits.price", "their limit cannot be past our opening")])

    monkeypatch.setattr(Unit, "set_debrief", refuse)
    view.tabs.setCurrentWidget(view.debrief)
    form = view.debrief
    form.limits["price"].setText("0.70")
    form.texts["tactics"].setPlainText("They anchored high.")
    with qtbot.waitSignal(session.write_failed, timeout=WAIT_MS):
        form.save()
    qtbot.waitUntil(lambda: "Not saved" in form.message.text(), timeout=WAIT_MS)
    assert "cannot be past our opening" in form.message.text()
    assert form.limits["price"].text() == "0.70"
    assert form.texts["tactics"].toPlainText() == "They anchored high."
    assert form.limits["price"].property("invalid") is True
    assert not [a for a in session.acts if a.kind == "debrief"]


# --- agreed terms, export ------------------------------------------------------------------------


def test_agreed_terms_against_the_walk_away(qtbot, view, session):
    view.tabs.setCurrentWidget(view.terms)
    texts = view.terms.texts()
    assert "0.868 EUR/box" in texts and "0.90 EUR/box" in texts  # agreed, walk-away
    assert any("Dana Whitfield (lead)" in t for t in texts)
    assert any("Priya Raman approved up to" in t for t in texts)  # a15 covers 0.868
    view.moments.at_seq(act(session, "a19").seq)
    assert any("walk-away" in t for t in view.state.chart.visible_texts())


def test_pdf_export_runs_in_the_background_to_100_percent(qtbot, view, session, tmp_path):
    seen: list[int] = []
    view.exporter.progress.connect(seen.append)
    path = tmp_path / "review.pdf"
    with qtbot.waitSignal(view.exporter.done, timeout=20000):
        assert view.export("pdf", str(path)) is not None
    assert path.stat().st_size > 1000 and path.read_bytes()[:4] == b"%PDF"
    assert seen[-1] == 100 and view.progress.value() == 100
    assert view.message.text() == "exported review.pdf"


def test_window_opens_review_with_ctrl_r_and_leaves_with_escape(qtbot, session):
    from ui.window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    action = next(a for a in window.findChildren(type(window.room_safe_action))
                  if a.text() == "Review")
    assert action.shortcut().toString() == "Ctrl+R"
    action.trigger()
    assert window.stack.currentWidget() is window.review
    qtbot.waitUntil(lambda: window.review.moments.is_ready, timeout=WAIT_MS)
    QApplication.processEvents()
    qtbot.keyClick(window.review.scrubber.slider, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.panels["lead"]


def test_supplier_history_lists_this_negotiation(qtbot, session):
    history = SupplierHistory(session)
    qtbot.addWidget(history)
    history.show()
    qtbot.waitUntil(lambda: history.supplier is not None, timeout=WAIT_MS)
    text = history.text()
    assert "1 negotiation(s) with Northbox Packaging" in text
    assert "Corrugated packaging 2027" in text and "Anchoring" in text
    assert "Our target" in text and "0.84" in text.split("Our target")[1]


def test_prepare_view_shows_the_supplier_history(qtbot, session):
    from ui.prepare.view import PrepareView

    prepare = PrepareView(session)
    qtbot.addWidget(prepare)
    prepare.show()
    prepare.show_section("history")
    history = prepare.sections["history"].history
    qtbot.waitUntil(lambda: history.supplier == "Northbox Packaging", timeout=WAIT_MS)
    assert "Corrugated packaging 2027" in history.text()
