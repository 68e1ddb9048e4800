"""Live sync between processes: what one ``caucus`` process writes, another process's windows show.

Two main windows (the observer's and the lead's) follow one workspace file in this process, each
with its own connection, as two processes would; a real ``caucus log`` process logs an offer and the
row must appear in the observer's feed and on the lead's price card. A second small process joins
the presence list, and the header of both windows names it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ui_helpers import example, show_window, write_workspace

from app.workspace import Workspace
from ui.main import open_window
from ui.window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
CUT_AFTER = 12  # a1..a12: no price of 0.92 anywhere yet
WAIT_MS = 10_000  # a cold Python process has to start and import the core
PRESENCE_WAIT_MS = 15_000  # a window re-lists who is connected every HEARTBEAT_S (5 s)

PRESENCE_SCRIPT = """
import sys
from pathlib import Path
from app.feed import Presence
from app.workspace import Workspace

ws = Workspace(sys.argv[1])
presence = Presence(ws.store, "Oli Park", "observer", int(sys.argv[2]))
presence.beat()
Path(sys.argv[3]).write_text("ready")
sys.stdin.read()  # until the test closes our stdin
presence.leave()
ws.close()
"""


@pytest.fixture
def workspace_file(tmp_path: Path, config_dir) -> tuple[Path, int]:
    path = tmp_path / "sync.caucus"
    return path, write_workspace(path, example(cut_after=CUT_AFTER))


@pytest.fixture
def windows(qtbot, workspace_file):
    """``open_as(member, role)`` → a shown main window on its own connection to the file."""
    path, negotiation = workspace_file
    opened: list[Workspace] = []

    def open_as(member: str, role: str) -> MainWindow:
        ws = Workspace(path)
        opened.append(ws)
        return show_window(qtbot, open_window(ws, negotiation, member, role, poll_ms=20),
                           1280, 800, WAIT_MS)

    yield open_as
    for ws in opened:  # after qtbot has closed the windows (and their sessions)
        ws.close()


def _feed_texts(win: MainWindow) -> list[str]:
    return [text for _depth, text in win.current_panel().feed.rows()]


def test_an_offer_logged_by_another_process_shows_in_both_windows(qtbot, workspace_file,
                                                                  windows):
    path, _ = workspace_file
    observer = windows("Oli Park", "observer")
    lead = windows("Dana Whitfield", "lead")
    card = lead.current_panel().cards["price"]
    assert not any("0.92" in t for t in _feed_texts(observer))
    assert card.numbers["them"].text() == "0.91"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.launcher", "log", "--workspace", str(path),
         "--as", "Dana Whitfield", "offer", "them", "price=0.92"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        qtbot.waitUntil(lambda: any("price 0.92 EUR/box" in t for t in _feed_texts(observer)),
                        timeout=WAIT_MS)
        qtbot.waitUntil(lambda: card.numbers["them"].text() == "0.92", timeout=WAIT_MS)
        out, err = proc.communicate(timeout=WAIT_MS / 1000)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out.startswith("logged ") and "Traceback" not in err
    assert card.units["them"].text() == "EUR/box"
    assert observer.current_panel().feed.topLevelItem(0).text(1) == "Them"  # newest on top
    # the observer's next tag links to it
    assert "0.92" in observer.current_panel().target.text()


def test_the_header_names_a_member_connected_from_another_process(qtbot, workspace_file,
                                                                  windows, tmp_path):
    path, negotiation = workspace_file
    ready = tmp_path / "presence-ready"
    with subprocess.Popen([sys.executable, "-c", PRESENCE_SCRIPT, str(path), str(negotiation),
                           str(ready)], cwd=ROOT, env=os.environ.copy(), stdin=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            qtbot.waitUntil(lambda: ready.exists() or proc.poll() is not None, timeout=WAIT_MS)
            assert proc.poll() is None, proc.stderr.read()
            lead = windows("Dana Whitfield", "lead")
            people = lead.header.people
            qtbot.waitUntil(lambda: f"pid {proc.pid}" in people.toolTip(), timeout=WAIT_MS)
            assert "Oli Park (observer)" in people.text()
            assert "Dana Whitfield (lead)" in people.text()
            assert "Oli Park — observer on " in people.toolTip()
            proc.stdin.close()  # the other process leaves
            assert proc.wait(timeout=WAIT_MS / 1000) == 0, proc.stderr.read()
            qtbot.waitUntil(lambda: f"pid {proc.pid}" not in people.toolTip(),
                            timeout=PRESENCE_WAIT_MS)
            assert "Oli Park" not in people.text()
        finally:
            if proc.poll() is None:
                proc.kill()
