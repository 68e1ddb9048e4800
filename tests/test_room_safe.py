"""Room-safe (issue #10): the one policy in ``app.public`` and everything drawn from it — the room
view that replaces the whole window, the guard's wording, the status line, the switch remembered
per workspace, the room's PDF and CSV.

The scenario is the example's first meeting cut after a12, with acts added: an offer of ours past
the walk-away (0.90 EUR/box) and past Dana's authority (0.86), a tactic, an SME note that quotes
the should-cost, an approval request and a tentative agreement; then a second meeting is under
way. Every check draws its
expectations from ``app.public``: the numbers the room may read are the public view's
(``public.figures``), the words it must never read are ``public.PRIVATE_WORDS``.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from ui_helpers import example, import_into, readable_texts, show_window

from app import public
from app.analysis import analyze
from app.domain import ROLES, Preparation
from app.prepare import SECTIONS
from app.public import PublicLog, PublicView, public_view
from app.report import write_public_csv, write_public_pdf
from app.state import fold
from app.workspace import Workspace
from ui import settings
from ui.main import open_window
from ui.widgets.offer_chart import in_window, value_range

DANA, SAM, OLI, PRIYA = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"
MEMBERS = {"lead": DANA, "sme": SAM, "observer": OLI, "approver": PRIYA}
WAIT_MS = 8000
EXTRA = [
    {"id": "x1", "at": "2027-01-14T09:38:00Z", "by": DANA, "kind": "offer", "side": "us",
     "terms": {"price": "0.92"}},  # past the walk-away 0.90 and Dana's authority 0.86
    {"id": "x2", "at": "2027-01-14T09:38:30Z", "by": OLI, "kind": "tactic", "tactic": "nibble",
     "note": "asked for free print plates"},
    {"id": "x3", "at": "2027-01-14T09:39:00Z", "by": SAM, "kind": "note", "topic": "fact",
     "text": "Should-cost is 0.81: their margin is 9 %", "issue": "price"},
    {"id": "x4", "at": "2027-01-14T09:40:00Z", "by": DANA, "kind": "approval_request",
     "issue": "price", "value": "0.88", "note": "to close today"},
    {"id": "x5", "at": "2027-01-14T09:41:00Z", "by": DANA, "kind": "offer", "side": "them",
     "terms": {"price": "0.895", "payment": "50"}},
    {"id": "x6", "at": "2027-01-14T09:42:00Z", "by": DANA, "kind": "agreement",
     "terms": {"term": "24"}, "final": False},
]
TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?"
                  r"|\b\d{1,2}:\d{2}(?::\d{2})?")
NUMBER = re.compile(r"(?<![\w.+#/-])\d+(?:\.\d+)?(?![\w.])")


@pytest.fixture
def workspace(tmp_path: Path, config_dir):
    """The scenario in a workspace file (open for the test)."""
    ws = Workspace(tmp_path / "room.caucus")
    negotiation = import_into(ws, example(cut_after=12, append=EXTRA))
    ws.start_meeting(negotiation, DANA, "Round 2")  # in progress: its phase and clock show
    ws.log(negotiation, DANA, "phase", {"phase": "bargaining"})
    yield ws, negotiation
    ws.close()


@pytest.fixture
def window(qtbot, workspace):
    """``window(role, room_safe=None)``: a shown, active main window of that role's member."""

    def make(role: str, room_safe: bool | None = None):
        ws, negotiation = workspace
        win = show_window(qtbot, open_window(ws, negotiation, MEMBERS[role], role, poll_ms=20,
                                             room_safe=room_safe), 1440, 900, WAIT_MS)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=WAIT_MS)
        return win

    return make


# --- what the room may read, from the whitelist -----------------------------------------------


def sealed_values(prep: Preparation) -> set[Decimal]:
    """The team's own figures: positions, references, limits, BATNA values, the plan."""
    out: set[Decimal | None] = set(prep.authority.values())
    for issue in prep.issues.values():
        out |= {issue.opening, issue.target, issue.walk_away, issue.benchmark, issue.should_cost}
    for plan in prep.plan.values():
        out |= set(plan.steps)
    out |= {Decimal(v) for v in (prep.batna.get("values") or {}).values()}
    return {v for v in out if v is not None}


def leaks(texts: list[str], view: PublicView, typed: str = "") -> list[str]:
    """The texts the room must not read: a private word, or a number the public view does not
    hold (times and dates aside; what the lead is typing is about to be said)."""
    allowed = public.figures(view) | {Decimal(n) for n in NUMBER.findall(typed)}
    words = sorted({w for w in public.texts(view) if w}, key=len, reverse=True)
    atoms = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")
    out = []
    for text in texts:
        plain = atoms.sub(" ", text)
        found = public.private_words(plain)
        numbers = {Decimal(n) for n in NUMBER.findall(TIME.sub(" ", plain))}
        if found or numbers - allowed:
            out.append(f"{text!r}: {found} {sorted(numbers - allowed)}")
    return out


def check_room(win, typed: str = "") -> list[str]:
    """Check what the window draws against the public view; its texts."""
    view = win.session.public_view()
    assert win.room is not None and win.room.isVisible() and not win.team_page.isVisible()
    texts = readable_texts(win, drawn_only=True)
    found = leaks(texts, view, typed)
    assert not found, "\n".join(found)
    sealed = sealed_values(win.session.prep) - public.figures(view)
    assert sealed, "the scenario must hold figures only the team knows"
    numbers = {Decimal(n) for t in texts for n in NUMBER.findall(TIME.sub(" ", t))}
    assert not numbers & sealed
    chart = win.room.chart
    values = [p.value for side in view.points(win.room.selected).values()
              for p in in_window(side, len(view.offers))]
    assert set(chart.plotted_values()) <= {float(v) for v in values}
    low, high = chart.plot.getPlotItem().vb.viewRange()[1]
    assert (low, high) == pytest.approx(value_range(values))  # from the offers, nothing else
    return texts


def settle(qtbot, win) -> None:
    """Wait until the room view has drawn what the session holds."""
    qtbot.waitUntil(lambda: not win.switch.timer.isActive(), timeout=WAIT_MS)
    QApplication.processEvents()


# --- the one test over every view -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_room_safe_shows_only_the_public_view_in_every_view(qtbot, window, role):
    win = window(role)
    win.set_room_safe(True)
    settle(qtbot, win)
    texts = check_room(win)
    joined = "\n".join(texts)
    for said in ("0.92", "0.895", "Northbox Packaging", "Round 2", "bargaining",
                 "Priya Raman (approver)", "8 private notes"):  # what the room does see
        assert said in joined, said
    for other in ROLES:
        win.show_role(other)
        check_room(win)
    for section in SECTIONS:
        win.show_prepare(section)
        check_room(win)
    review = win.show_review()
    qtbot.waitUntil(lambda: review.moments.is_ready, timeout=WAIT_MS)
    for seq in (win.session.acts[5].seq, win.session.acts[-4].seq, win.session.acts[-1].seq):
        review.moments.at_seq(seq)
        review.moments.settle()
        check_room(win)
    assert public.window_title(win.session.public_view(), MEMBERS[role], role) == (
        win.windowTitle())


def test_the_guard_says_only_what_the_room_may_read(qtbot, window):
    win = window("lead", room_safe=True)
    entry = win.panels["lead"].entry
    assert entry.parentWidget() is not None and win.room.isAncestorOf(entry)
    qtbot.keyClicks(entry.line, "us price 0.93")
    qtbot.keyClick(entry.line, Qt.Key.Key_Return)
    lead = win.panels["lead"]
    qtbot.waitUntil(lambda: lead.authority_dialog is not None
                    and lead.authority_dialog.isVisible(), timeout=WAIT_MS)
    dialog = lead.authority_dialog
    texts = check_room(win, typed="0.93")
    wording = public.guard_wording(True)
    assert dialog.windowTitle() == wording.title and wording.text in texts
    assert dialog.request_button.text() == wording.request
    win.set_room_safe(False)  # the team reads which limits and why
    assert any("past the walk-away 0.90" in t for t in readable_texts(dialog, drawn_only=True))
    win.set_room_safe(True)
    check_room(win, typed="0.93")
    dialog.choose("cancel")
    assert entry.line.text() == "us price 0.93"


def test_every_wording_of_the_policy_is_fit_for_the_room():
    wordings = list(public.WORDINGS)
    for can_request in (True, False):
        wordings += list(dataclasses.astuple(public.guard_wording(can_request)))
    for text in wordings:
        assert text and not public.private_words(text), text
        assert not NUMBER.findall(text), text  # no limit named
    assert public.private_count_text(3) == "3 private notes"
    assert public.private_count_text(0) == ""


# --- the lead's line, the observer's keys, the status line --------------------------------------


def test_the_typed_line_and_the_keyboard_survive_f12_both_ways(qtbot, window):
    win = window("lead")
    entry = win.panels["lead"].entry
    qtbot.keyClicks(entry.line, "them price 0.8")
    qtbot.keyClick(entry.line, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: win.room_safe, timeout=WAIT_MS)
    assert win.room.isAncestorOf(entry) and entry.line.hasFocus()
    assert win.room_safe_action.isChecked() and win.room.switch.isChecked()
    qtbot.keyClicks(entry.line, "9")
    qtbot.keyClick(entry.line, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: not win.room_safe, timeout=WAIT_MS)
    assert win.panels["lead"].isAncestorOf(entry) and entry.line.hasFocus()
    assert entry.line.text() == "them price 0.89" and not win.room.isVisible()
    qtbot.keyClick(entry.line, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: win.room_safe, timeout=WAIT_MS)
    before = len(win.session.public_view().offers)
    qtbot.keyClick(entry.line, Qt.Key.Key_Return)  # the lead logs from the room view
    qtbot.waitUntil(lambda: entry.line.text() == "", timeout=WAIT_MS)
    settle(qtbot, win)
    view = win.session.public_view()
    assert len(view.offers) == before + 1 and win.room.recent.item(0, 2).text().startswith(
        "price 0.89 EUR/box")
    check_room(win)


def test_the_line_is_in_one_layout_at_a_time_over_many_toggles(qtbot, window):
    win = window("lead")
    lead, entry = win.panels["lead"], win.panels["lead"].entry
    for n in range(100):  # it once sat in two layouts and Qt crashed some toggles later
        win.set_room_safe(n % 2 == 0, remember=False)
        QApplication.processEvents()
        in_room = win.room.line_slot.indexOf(entry) >= 0
        in_panel = lead.layout().indexOf(entry) >= 0
        assert (in_room, in_panel) == ((True, False) if win.room_safe else (False, True))
    assert lead.layout().indexOf(entry) == 0 and win.room.line_slot.count() == 0


def test_a_refused_offer_is_worded_for_the_room(qtbot, window, monkeypatch):
    from app.errors import InvalidInput

    win = window("lead", room_safe=True)
    entry = win.panels["lead"].entry

    def refuse(*_args, **_kwargs):
        raise InvalidInput("Unit price: 0.95 EUR/box is past the walk-away 0.90 EUR/box")

    monkeypatch.setattr(win.session.ws, "log", refuse)
    qtbot.keyClicks(entry.line, "them price 0.95")
    qtbot.keyClick(entry.line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: entry.pending is None, timeout=WAIT_MS)
    assert entry.line.text() == "them price 0.95"  # the text is kept
    assert public.REFUSED in entry.note.text()
    assert win.statusBar().currentMessage() == public.REFUSED
    check_room(win, typed="0.95")
    win.set_room_safe(False)  # the team reads why
    assert "past the walk-away 0.90" in entry.note.text()
    assert "past the walk-away 0.90" in win.statusBar().currentMessage()


def test_the_observers_keys_tag_from_the_room_view(qtbot, window):
    win = window("observer", room_safe=True)
    settle(qtbot, win)
    before = win.session.public_view().private_count
    assert win.room.hasFocus()
    qtbot.keyClick(win.room, Qt.Key.Key_F)  # flinch
    qtbot.waitUntil(lambda: win.session.public_view().private_count == before + 1,
                    timeout=WAIT_MS)
    settle(qtbot, win)
    assert win.session.acts[-1].kind == "reaction"
    assert win.room.private.text() == public.private_count_text(before + 1)
    qtbot.keyClick(win.room, Qt.Key.Key_Return)  # a note, hidden as it is typed
    assert win.room.note.hasFocus()
    qtbot.keyClicks(win.room.note, "fact: the buyer nodded")
    qtbot.keyClick(win.room.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.room.note.text() == "", timeout=WAIT_MS)
    note = win.session.acts[-1]
    assert (note.kind, note.payload["topic"], note.payload["text"]) == (
        "note", "fact", "the buyer nodded")
    assert win.room.note.echoMode() == win.room.note.EchoMode.Password
    settle(qtbot, win)
    check_room(win)


# --- remembered per workspace -------------------------------------------------------------------


def test_a_restarted_console_opens_in_room_safe_before_its_first_paint(qtbot, window, workspace):
    ws, negotiation = workspace
    win = window("lead")
    win.room_safe_action.trigger()  # F12 from the menu: remembered for this workspace
    assert win.room_safe and settings.room_safe(str(ws.path))
    again = open_window(ws, negotiation, DANA, "lead")  # not shown yet
    qtbot.addWidget(again)
    assert again.room_safe and again.pages.currentWidget() is again.room
    assert again.windowTitle().endswith("ROOM-SAFE")
    again.resize(1440, 900)
    image = again.grab()  # the first paint
    assert not image.isNull() and again.room.isVisibleTo(again)
    assert not again.team_page.isVisibleTo(again)
    again.set_room_safe(False)
    assert not settings.room_safe(str(ws.path))
    again.session.close()


# --- the room's PDF and CSV ---------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_the_room_pdf_and_csv_hold_only_the_public_view(workspace, tmp_path):
    ws, negotiation = workspace
    acts = ws.acts(negotiation)
    view = public_view(acts, fold(acts))
    write_public_pdf(tmp_path / "room.pdf", acts)
    text = pdf_text(tmp_path / "room.pdf")
    lines = [re.sub(r"\bpage \d+\b", " ", line) for line in text.splitlines()]
    assert not leaks(lines, view), "\n".join(leaks(lines, view))
    for said in ("Negotiation with Northbox Packaging", "0.92", "0.895", "Round 1", "Round 2",
                 "24 (tentative)"):
        assert said in text, said
    assert "Corrugated packaging 2027" not in text and "Packaging / corrugated" not in text
    write_public_csv(tmp_path / "room.csv", acts)
    with (tmp_path / "room.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    said = [(r["side"], r["kind"], r["issue"], r["value"]) for r in rows]
    assert ("us", "offer", "price", "0.92") in said and ("both", "agreed (tentative)", "term",
                                                         "24") in said
    assert {Decimal(r["value"]) for r in rows} <= public.figures(view)
    assert not [r for r in rows for v in r.values() if public.private_words(v)]
    offers = sum(len(o.terms) + len(o.asks) for o in view.offers)
    assert len(rows) == offers + len(view.agreed)


def test_caucus_export_room_safe_writes_the_rooms_files(run_cli, workspace, tmp_path):
    ws, negotiation = workspace
    acts = ws.acts(negotiation)
    out = {k: tmp_path / f"room.{k}" for k in ("pdf", "csv")}
    result = run_cli("export", "--pdf", out["pdf"], "--csv", out["csv"], "--room-safe",
                     "--workspace", ws.path)
    assert result.returncode == 0, result.stderr
    with out["csv"].open(encoding="utf-8", newline="") as f:
        assert next(csv.reader(f)) == ["at", "side", "logged_by", "kind", "issue", "value",
                                       "unit"]
    text = pdf_text(out["pdf"])
    assert not leaks(text.splitlines(), public_view(acts, fold(acts)))


def test_the_consoles_export_in_room_safe_writes_the_rooms_report(qtbot, window, tmp_path,
                                                                   monkeypatch):
    win = window("lead", room_safe=True)
    path = tmp_path / "from-the-room.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    win.export_dialog("pdf")
    qtbot.waitUntil(lambda: win.statusBar().currentMessage() == "exported from-the-room.pdf",
                    timeout=20000)
    assert not win.review  # the team's review was never built
    text = pdf_text(path)
    assert "Negotiation with Northbox Packaging" in text
    assert not leaks(text.splitlines(), win.session.public_view())
    check_room(win)


# --- the public view itself ---------------------------------------------------------------------


def test_the_public_view_is_a_whitelist_and_holds_nothing_of_the_analysis(workspace):
    ws, negotiation = workspace
    acts = ws.acts(negotiation)
    fields = {f.name for f in dataclasses.fields(PublicView)}
    assert fields == {"supplier", "currency", "issues", "offers", "positions", "agreed",
                      "meetings", "phase", "team", "private_count", "series"}
    view = public_view(acts, fold(acts))
    assert view.phase == "bargaining" and view.meeting.title == "Round 2"
    assert view.position("price").ours == Decimal("0.92")
    assert view.position("price").gap == Decimal("0.025")
    assert str(view.position("payment").gap) == "40"  # as the room reads it: no 4E+1
    assert view.private_count == 8  # a3 a4 a6 a10 a12 x2 x3 x4: counted, never shown
    analysis = analyze(acts)
    shown = repr(view)
    assert "forecast" in analysis["issues"]["price"] and "forecast" not in shown
    for key in ("score", "alerts", "ledger", "readiness", "strategy"):
        assert key in analysis and key not in shown


def test_built_act_by_act_it_equals_the_view_of_the_whole_journal(workspace):
    ws, negotiation = workspace
    ws.log(negotiation, DANA, "offer", {"side": "us", "terms": {"price": "0.853"}})  # in limits
    ws.undo(negotiation, DANA)  # withdrawn: out of the view
    ws.log(negotiation, OLI, "reaction", {"tag": "flinch"})
    ws.undo(negotiation, OLI)
    acts = ws.acts(negotiation)
    log = PublicLog()
    for act in acts:
        log.add(act)
    prep = fold(acts)
    whole = public_view(acts, prep)
    assert log.view(prep) == whole
    assert Decimal("0.853") not in public.figures(whole)
    assert whole.private_count == public_view(acts[:-4], prep).private_count
