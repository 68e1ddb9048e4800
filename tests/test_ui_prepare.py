"""The Prepare view, driven like a user would, on real workspace files (offscreen).

Two windows follow one file: the lead's (a Session and a PrepareView on one Workspace) edits, and
the SME's (another Workspace object on the same file, as another process would have) must see each
change arrive through the journal. Settings go to a temporary folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTreeWidget,
    QWidget,
)
from ui_helpers import EXAMPLE, readable_texts, write_workspace

from app import scenario
from app.workspace import Workspace
from ui.prepare.view import PrepareView
from ui.session import Session

DANA, SAM, PRIYA = "Dana Whitfield", "Sam Ortiz", "Priya Raman"
WAIT_MS = 5000
#: a half-prepared negotiation: two issues, no BATNA, no approver, no limits, no plan, no meeting
HALF = {
    "format": "caucus-scenario/1",
    "negotiation": {"title": "Pallets 2027", "supplier": "Woodline", "currency": "EUR"},
    "issues": [
        {"key": "price", "label": "Unit price", "unit": "EUR/pallet", "better": "lower",
         "opening": "7.40", "target": "7.90", "walk_away": "8.30", "benchmark": "8.00"},
        {"key": "payment", "label": "Payment terms", "unit": "days", "better": "higher",
         "opening": "90", "target": "60", "walk_away": "45"},
    ],
    "team": [{"name": "Ann Lee", "role": "lead"}, {"name": "Raj Patel", "role": "sme"}],
}


@pytest.fixture
def files(tmp_path: Path, config_dir):
    opened: list[Workspace] = []

    def make(data: dict | None = None, name: str = "prep.caucus") -> tuple[Path, int]:
        path = tmp_path / name
        return path, write_workspace(path, data if data is not None else scenario.load(EXAMPLE))

    def open_ws(path: Path) -> Workspace:
        ws = Workspace(path)
        opened.append(ws)
        return ws

    make.open = open_ws
    yield make
    for ws in opened:
        ws.close()


@pytest.fixture
def views(files, qtbot) -> Iterator:
    sessions: list[Session] = []

    def view(path: Path, negotiation: int, member: str, role: str) -> PrepareView:
        session = Session(files.open(path), negotiation, member, role)
        sessions.append(session)
        session.start()
        widget = PrepareView(session)
        qtbot.addWidget(widget)
        widget.resize(1400, 900)
        widget.show()
        return widget

    yield view
    for session in sessions:
        session.close()


@pytest.fixture
def pair(files, views):
    """The lead's view and the SME's, each on its own Workspace of the example file."""
    path, negotiation = files()
    return views(path, negotiation, DANA, "lead"), views(path, negotiation, SAM, "sme")


def _type(qtbot, editor: QWidget, text: str) -> None:
    """Replace the editor's text by typing, as a user would."""
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(editor, text)


def _acts(view: PrepareView, kind: str) -> list:
    return [a for a in view.session.acts if a.kind == kind]


def _wait_act(qtbot, view: PrepareView, kind: str, before: int):
    """The newest act of ``kind`` once there are more than ``before`` of them."""
    qtbot.waitUntil(lambda: len(_acts(view, kind)) > before, timeout=WAIT_MS)
    return _acts(view, kind)[-1]


def _counts(view: PrepareView) -> dict[str, int]:
    """How many acts of each kind the view's session holds now."""
    out: dict[str, int] = {}
    for act in view.session.acts:
        out[act.kind] = out.get(act.kind, 0) + 1
    return out


def _texts(root: QWidget) -> list[str]:
    """Every text and tooltip a user could read in ``root``'s widget tree (a hidden chart's
    lines are not read: a sealed plan hides its chart whole)."""
    return readable_texts(root, chart_shown=lambda w: w.isVisibleTo(root))


# --- each section journals an act that the other window sees ----------------------------------


def test_negotiation_and_situation_reach_the_other_window(qtbot, pair):
    lead, sme = pair
    section = lead.sections["negotiation"]
    lead.show_section("negotiation")
    before = len(_acts(lead, "negotiation"))
    _type(qtbot, section.form.editors["supplier"], "Northbox Packaging GmbH")
    combo = section.form.editors["situation.suppliers"]
    combo.setCurrentIndex(combo.findData("few"))
    combo.activated.emit(combo.currentIndex())
    section.save.click()
    act = _wait_act(qtbot, lead, "negotiation", before)
    assert act.payload["supplier"] == "Northbox Packaging GmbH"
    assert act.payload["situation"]["suppliers"] == "few"
    other = sme.sections["negotiation"].form
    qtbot.waitUntil(lambda: other.value("supplier") == "Northbox Packaging GmbH", timeout=WAIT_MS)
    assert other.value("situation.suppliers") == "few"
    # the strategy follows the situation in both windows: few suppliers → collaborative
    qtbot.waitUntil(lambda: sme.sections["strategy"].approach.text() == "Collaborative",
                    timeout=WAIT_MS)


def test_issue_edit_add_and_reorder_reach_the_other_window(qtbot, pair):
    lead, sme = pair
    n = _counts(lead)
    issues = lead.sections["issues"]
    lead.show_section("issues")
    issues.show_issue("payment")
    before = len(_acts(lead, "issue"))
    _type(qtbot, issues.form.editors["benchmark"], "75")
    issues.save.click()
    act = _wait_act(qtbot, lead, "issue", before)
    assert (act.payload["key"], act.payload["benchmark"]) == ("payment", "75")
    table = sme.sections["issues"].table
    qtbot.waitUntil(lambda: table.item(1, 6).text() == "75 days", timeout=WAIT_MS)

    issues.new_issue()
    for field, text in (("key", "lead_time"), ("label", "Lead time"), ("unit", "days"),
                        ("opening", "5"), ("target", "8"), ("walk_away", "10")):
        _type(qtbot, issues.form.editors[field], text)
    issues.save.click()
    act = _wait_act(qtbot, lead, "issue", before + 1)
    assert act.payload["key"] == "lead_time"
    qtbot.waitUntil(lambda: "lead_time" in sme.session.prep.issues, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: table.rowCount() == 7, timeout=WAIT_MS)

    issues.show_issue("lead_time")
    issues.up.click()
    act = _wait_act(qtbot, lead, "issue_order", n.get("issue_order", 0))
    assert act.payload["keys"][-2:] == ["lead_time", "otif"]
    qtbot.waitUntil(lambda: table.item(5, 0).text() == "Lead time", timeout=WAIT_MS)
    assert not issues.remove_button.isEnabled()  # the example has met: issues stay


def test_an_issue_is_removed_before_the_first_meeting(qtbot, files, views, monkeypatch):
    path, negotiation = files(HALF)
    lead = views(path, negotiation, "Ann Lee", "lead")
    other = views(path, negotiation, "Raj Patel", "sme")
    n = _counts(lead)
    issues = lead.sections["issues"]
    issues.show_issue("payment")
    assert issues.remove_button.isEnabled()
    asked = []
    monkeypatch.setattr(issues, "confirm", lambda q: asked.append(q) or True)
    issues.remove_button.click()
    act = _wait_act(qtbot, lead, "issue_removed", n.get("issue_removed", 0))
    assert act.payload == {"key": "payment"} and "Payment terms" in asked[0]
    qtbot.waitUntil(lambda: other.sections["issues"].table.rowCount() == 1, timeout=WAIT_MS)


def test_batna_texts_and_values_reach_the_other_window(qtbot, pair):
    lead, sme = pair
    n = _counts(lead)
    batna = lead.sections["batna"]
    lead.show_section("batna")
    _type(qtbot, batna.form.editors["values.price"], "0.88")
    _type(qtbot, batna.form.editors["theirs"], "A corrugator line stands idle without us.")
    batna.save.click()
    act = _wait_act(qtbot, lead, "batna", n.get("batna", 0))
    assert act.payload["values"] == {"price": "0.88"}
    assert act.payload["ours"].startswith("BoxCo")  # untouched text kept in the same act
    form = sme.sections["batna"].form
    qtbot.waitUntil(lambda: form.value("values.price") == "0.88", timeout=WAIT_MS)
    assert form.value("theirs") == "A corrugator line stands idle without us."
    assert sme.session.prep.batna_value("price") == Decimal("0.88")
    # our alternative beats the walk-away (0.90): the section says so
    assert "beats the walk-away" in sme.sections["batna"].notes.text()


def test_leverage_with_weights_reaches_the_other_window(qtbot, pair):
    lead, sme = pair
    n = _counts(lead)
    lever = lead.sections["leverage"]
    lead.show_section("leverage")
    lever.add_row("ours")
    text, weight = lever.rows["ours"][-1][:2]
    _type(qtbot, text, "multi-year volume commitment")
    _type(qtbot, weight, "2")
    lever.save.click()
    act = _wait_act(qtbot, lead, "leverage", n.get("leverage", 0))
    assert act.payload["ours"][-1] == {"text": "multi-year volume commitment", "weight": "2"}
    summary = sme.sections["leverage"].summary
    qtbot.waitUntil(lambda: summary.text().startswith("We hold"), timeout=WAIT_MS)
    assert "5 against 3" in summary.text()


def test_strategy_choice_is_kept_beside_the_recommendation(qtbot, pair):
    lead, sme = pair
    n = _counts(lead)
    strat = lead.sections["strategy"]
    lead.show_section("strategy")
    strat.combo.setCurrentIndex(strat.combo.findData("collaborative"))
    strat.combo.activated.emit(strat.combo.currentIndex())
    _type(qtbot, strat.reason_edit, "Northbox co-designs our new mailer")
    strat.save.click()
    act = _wait_act(qtbot, lead, "strategy", n.get("strategy", 0))
    assert act.payload == {"approach": "collaborative",
                           "reason": "Northbox co-designs our new mailer"}
    other = sme.sections["strategy"]
    qtbot.waitUntil(lambda: other.chosen.text().startswith("Collaborative"), timeout=WAIT_MS)
    assert "differs from the recommendation" in other.chosen.text()
    assert other.approach.text() == "Competitive"  # the recommendation still shows
    assert other.chosen_reason.text() == "Northbox co-designs our new mailer"


def test_suggested_ladder_diminishes_within_the_positions_and_is_saved(qtbot, pair):
    lead, sme = pair
    n = _counts(lead)
    plan = lead.sections["plan"]
    lead.show_section("plan")
    plan.show_issue("payment")
    assert plan.rows == []  # the example plans price and term only
    plan.count.setValue(3)
    plan.suggest.click()
    values = [Decimal(v) for v, _ask in plan._typed()]
    asks = [a for _v, a in plan._typed()]
    issue = lead.session.prep.issues["payment"]  # higher is better: 90 → 60, walk-away 45
    moves = [abs(b - a) for a, b in zip([issue.opening, *values], values, strict=False)]
    assert all(b < a for a, b in zip(moves, moves[1:], strict=False)), moves
    assert values[-1] == issue.target
    assert all(issue.target <= v < issue.opening for v in values)
    assert all(asks) and asks[0] == "Unit price at 0.84 EUR/box"  # the weightiest other issue
    assert plan.save.isEnabled()
    plan.save.click()
    act = _wait_act(qtbot, lead, "plan", n.get("plan", 0))
    assert act.payload["issue"] == "payment"
    assert act.payload["steps"] == [str(v) for v in values]
    qtbot.waitUntil(lambda: "payment" in sme.session.prep.plan, timeout=WAIT_MS)
    other = sme.sections["plan"]
    other.show_issue("payment")
    assert [v for v, _ in other._typed()] == [str(v) for v in values]


def test_limits_and_members_reach_the_other_window(qtbot, pair):
    lead, sme = pair
    n = _counts(lead)
    team = lead.sections["team"]
    lead.show_section("team")
    _type(qtbot, team.limits.editors[f"{SAM}|price"], "0.80")
    team.save_limits.click()
    act = _wait_act(qtbot, lead, "authority", n.get("authority", 0))
    assert act.payload == {"member": SAM, "issue": "price", "limit": "0.80"}
    other = sme.sections["team"].limits
    qtbot.waitUntil(lambda: other.value(f"{SAM}|price") == "0.80", timeout=WAIT_MS)
    # blanking a limit clears it
    _type(qtbot, team.limits.editors[f"{SAM}|price"], "")
    team.save_limits.click()
    qtbot.waitUntil(lambda: (SAM, "price") not in lead.session.prep.authority, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: other.value(f"{SAM}|price") == "", timeout=WAIT_MS)
    # a new member
    _type(qtbot, team.name, "Lena Fox")
    team.role.setCurrentIndex(team.role.findData("observer"))
    team.set_member.click()
    act = _wait_act(qtbot, lead, "member", n.get("member", 0))
    assert act.payload == {"name": "Lena Fox", "role": "observer"}
    table = sme.sections["team"].table
    qtbot.waitUntil(lambda: table.rowCount() == 5, timeout=WAIT_MS)


# --- invalid input: said beside the field, typed text kept, nothing saved ---------------------


def test_invalid_issue_is_refused_beside_its_fields_and_keeps_the_typing(qtbot, pair):
    lead, _ = pair
    issues = lead.sections["issues"]
    lead.show_section("issues")
    issues.show_issue("payment")
    journal = len(lead.session.ws.acts(lead.session.negotiation))
    _type(qtbot, issues.form.editors["opening"], "40")
    _type(qtbot, issues.form.editors["benchmark"], "about 70")
    issues.save.click()
    qtbot.waitUntil(lambda: bool(issues.form.problems_shown()), timeout=WAIT_MS)
    shown = issues.form.problems_shown()
    assert "opening 40 days is worse than the walk-away 45 days" in shown["opening"]
    assert '"about 70" is not a number' in shown["benchmark"]
    assert issues.form.errors["opening"].isVisible()
    assert issues.form.value("opening") == "40"
    assert issues.form.value("benchmark") == "about 70"
    assert len(lead.session.ws.acts(lead.session.negotiation)) == journal
    assert lead.session.prep.issues["payment"].opening == Decimal("90")
    # the typing survives another window's change and a trip to another issue
    issues.show_issue("price")
    issues.show_issue("payment")
    assert issues.form.value("opening") == "40"


def test_limit_outside_the_positions_is_refused_in_its_cell(qtbot, pair):
    lead, _ = pair
    team = lead.sections["team"]
    journal = len(lead.session.ws.acts(lead.session.negotiation))
    cell = f"{SAM}|payment"
    _type(qtbot, team.limits.editors[cell], "30")
    team.save_limits.click()
    qtbot.waitUntil(lambda: cell in team.limits.problems_shown(), timeout=WAIT_MS)
    assert ("not between the opening 90 days and the walk-away 45 days"
            in team.limits.problems_shown()[cell])
    assert team.limits.value(cell) == "30"
    assert len(lead.session.ws.acts(lead.session.negotiation)) == journal


def test_plan_step_past_the_walk_away_is_refused_on_its_step(qtbot, pair):
    lead, _ = pair
    plan = lead.sections["plan"]
    plan.show_issue("price")
    journal = len(lead.session.ws.acts(lead.session.negotiation))
    _type(qtbot, plan.rows[2][1], "0.95")
    plan.save.click()
    qtbot.waitUntil(lambda: "steps[2]" in plan.form.problems_shown(), timeout=WAIT_MS)
    assert "past the walk-away" in plan.form.problems_shown()["steps[2]"]
    assert plan.form.value("steps[2]") == "0.95"
    assert len(lead.session.ws.acts(lead.session.negotiation)) == journal


# --- readiness ----------------------------------------------------------------------------------


def test_readiness_names_exactly_what_is_missing_and_jumps_there(qtbot, files, views):
    path, negotiation = files(HALF)
    view = views(path, negotiation, "Ann Lee", "lead")
    ready = view.sections["readiness"]
    assert ready.missing_texts() == [
        "Unit price: no should-cost estimate",
        "Payment terms: no market benchmark",
        "Payment terms: no should-cost estimate",
        "Our BATNA",
        "Our estimate of the supplier's BATNA",
        "An approver on the team",
        "Authority limits (who may agree what)",
        "A concession plan",
    ]
    assert ready.score.text().startswith("Ready: 43 %")
    open_nav = [view.nav.item(n).text() for n in range(view.nav.count())
                if view.nav.item(n).text().endswith("•")]
    assert open_nav == ["Issues  •", "BATNA  •", "Concession plan  •", "Team and authority  •"]
    top = ready.tree.topLevelItem(0)
    bench = next(top.child(c) for c in range(top.childCount())
                 if top.child(c).text(0).endswith("Payment terms: no market benchmark"))
    ready.tree.itemActivated.emit(bench, 0)
    assert view.current_section() == "issues"
    assert view.sections["issues"].selected() == "payment"
    # filling the BATNA in takes it off the list, live
    batna = view.sections["batna"]
    _type(qtbot, batna.form.editors["ours"], "Second source at 7.80 EUR/pallet")
    _type(qtbot, batna.form.editors["theirs"], "They need the volume for Q2")
    batna.save.click()
    qtbot.waitUntil(lambda: "Our BATNA" not in ready.missing_texts(), timeout=WAIT_MS)
    assert "Our estimate of the supplier's BATNA" not in ready.missing_texts()


SELECTOR = [
    ({"batna": "weak", "spend": "tail", "suppliers": "single"}, "Relationship-led",
     "Strengthen BATNA"),
    ({"spend": "tail", "suppliers": "few"}, "Automated", "Automate"),
    ({"relationship": "strategic", "suppliers": "many"}, "Collaborative", "Expand the pie"),
    ({"suppliers": "few"}, "Collaborative", "Expand the pie"),
    ({"suppliers": "single", "spend": "core"}, "Collaborative", "Expand the pie"),
    ({"suppliers": "many", "relationship": "transactional", "batna": "strong"}, "Competitive",
     "benchmark hard"),
    ({}, "Competitive", "benchmark hard"),
]


@pytest.mark.parametrize(("situation", "approach", "move"), SELECTOR)
def test_strategy_follows_the_selector(qtbot, files, views, situation, approach, move):
    data = json.loads(json.dumps(HALF))
    data["negotiation"]["situation"] = situation
    path, negotiation = files(data, name=f"s{len(situation)}{approach}.caucus")
    view = views(path, negotiation, "Raj Patel", "sme")
    strat = view.sections["strategy"]
    assert strat.approach.text() == approach
    assert move in strat.key_move.text()
    assert strat.reason.text().endswith(".")
    quadrant = {"single": "strategic" if situation.get("spend") == "core" else "bottleneck",
                "few": "strategic" if situation.get("spend") == "core" else "bottleneck"}
    if "suppliers" in situation and "spend" in situation:
        expected = quadrant.get(situation["suppliers"],
                               "leverage" if situation["spend"] == "core" else "non-critical")
        assert strat.kraljic_reason.text().lower().startswith(expected)


# --- who may edit, room-safe --------------------------------------------------------------------


def test_non_lead_roles_cannot_edit(qtbot, pair):
    _, sme = pair
    assert sme.banner.text().startswith("Read-only")
    editors = (QLineEdit, QPlainTextEdit, QComboBox, QSpinBox, QCheckBox, QAbstractButton)
    for name, section in sme.sections.items():
        live = [w for w in section.findChildren(QWidget)
                if isinstance(w, editors) and w.isEnabled() and not w.property("navigation")
                and not isinstance(w.parent(), QTableWidget | QTreeWidget)
                and w.parent() is not None and "ScrollBar" not in type(w).__name__
                and not _is_view_child(w)]
        assert not live, (name, [(type(w).__name__, getattr(w, "text", str)()) for w in live])


def _is_view_child(widget: QWidget) -> bool:
    """Buttons Qt puts inside item views (header corners) are not editors."""
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, QTableWidget | QTreeWidget | QListWidget):
            return True
        parent = parent.parent()
    return False


# --- the window: Prepare, start meeting, files, the BATNA line --------------------------------


@pytest.fixture
def window(files, qtbot):
    made = []

    def make(path: Path, negotiation: int, member: str, role: str):
        from ui.main import open_window

        win = open_window(files.open(path), negotiation, member, role)
        qtbot.addWidget(win)
        win.resize(1400, 900)
        win.show()
        made.append(win)
        return win

    yield make
    for win in made:
        win.session.close()


def _action(win, text: str) -> QAction:
    return next(a for a in win.findChildren(QAction) if a.text() == text)


def test_ctrl_p_switches_to_prepare_and_back(qtbot, files, window):
    path, negotiation = files()
    win = window(path, negotiation, SAM, "sme")
    prepare = _action(win, "Prepare")
    assert prepare.shortcut().toString() == "Ctrl+P"
    prepare.trigger()
    assert isinstance(win.current_panel(), PrepareView)
    prepare.trigger()
    assert win.current_panel() is win.panels["sme"]


def test_starting_unprepared_asks_first_naming_what_is_missing(qtbot, files, window):
    path, negotiation = files(HALF)
    win = window(path, negotiation, "Ann Lee", "lead")
    _action(win, "Start meeting").trigger()
    question = win.start_question
    qtbot.waitUntil(question.isVisible, timeout=WAIT_MS)
    for missing in ("No BATNA recorded", "an approver", "No concession plan", "should-cost"):
        assert missing in question.text(), question.text()
    keep = next(b for b in question.buttons() if b.text() == "Keep preparing")
    keep.click()
    qtbot.waitUntil(lambda: not question.isVisible(), timeout=WAIT_MS)
    assert not [a for a in win.session.acts if a.kind == "meeting_start"]


def test_export_then_import_a_scenario_and_a_refused_file_lists_its_paths(qtbot, files, window,
                                                                         tmp_path):
    path, negotiation = files(HALF)
    win = window(path, negotiation, "Ann Lee", "lead")
    out = tmp_path / "out" / "pallets.json"
    out.parent.mkdir()
    assert win.files.export_file(str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "caucus-scenario/1"
    assert [i["key"] for i in data["issues"]] == ["price", "payment"]
    assert [p.name for p in out.parent.iterdir()] == ["pallets.json"]  # no temporary left over

    with qtbot.waitSignal(win.files.imported, timeout=WAIT_MS) as got:
        win.files.import_file(str(out))
    assert got.args[1] == "Pallets 2027"
    assert len(win.session.ws.negotiations()) == 2
    win.files.message.close()

    data["issues"][1]["opening"] = "40"  # worse than its walk-away 45 for better=higher
    data["authority"] = [{"member": "Kim", "issue": "price", "limit": "8"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with qtbot.waitSignal(win.files.refused, timeout=WAIT_MS):
        win.files.import_file(str(bad))
    shown = [win.files.dialog.list.item(n).text() for n in range(win.files.dialog.list.count())]
    assert any(t.startswith("issues[1]") and "opening 40" in t for t in shown), shown
    assert any(t.startswith("authority[0].member") and "Kim" in t for t in shown), shown
    assert len(win.session.ws.negotiations()) == 2  # nothing written
    win.files.dialog.close()


def test_the_batna_value_is_a_confidential_line_on_the_lead_chart(qtbot, files, window):
    path, negotiation = files()
    with Workspace(path) as ws:
        prep = ws.preparation(negotiation)
        ws.set_batna(negotiation, DANA, {**{k: prep.batna[k] for k in ("ours", "theirs")},
                                         "values": {"price": "0.88"}})
    win = window(path, negotiation, DANA, "lead")
    lead = win.panels["lead"]
    lead.select_issue("price")
    assert "BATNA 0.88 EUR/box" in lead.chart.visible_texts()
