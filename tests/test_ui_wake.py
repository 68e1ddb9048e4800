"""Sync without polling: the console wakes on the workspace's own change events.

A ``Session`` whose safety poll is set to a minute (so that only a wake can bring an act in time)
follows a workspace while a real second process commits; the waker takes up the ``-wal`` file
again after it is truncated or removed and created anew; a socket wake source (what a server
backend hands over) wakes a session the same way; and a bug in a write of the console is logged
with its traceback while the panel says one line with the log's path.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from ui_helpers import example, write_workspace

from app.feed import FileWake, SocketWake
from app.logs import log_path
from app.workspace import Workspace
from ui.session import Session
from ui.wake import Waker

REPO = Path(__file__).resolve().parents[1]
MINUTE_MS = 60_000  # the safety poll, out of the way
WAIT_MS = 15_000  # a cold process has to start and import the core

WRITER = """
import sys
from app.workspace import Workspace
ws = Workspace(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    if line.startswith("checkpoint"):
        with ws.store.write() as conn:
            pass
        ws.store.raw_connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    ws.log(int(sys.argv[2]), "Oli Park", "reaction", {"tag": "flinch", "note": line.strip()})
    print("logged", flush=True)
"""


@pytest.fixture
def followed(qtbot, tmp_path, config_dir):
    """A session of the lead, its safety poll a minute away, and a writer process (stdin)."""
    path = tmp_path / "wake.caucus"
    negotiation = write_workspace(path, example(cut_after=12))
    ws = Workspace(path)
    session = Session(ws, negotiation, "Dana Whitfield", "lead", poll_ms=MINUTE_MS)
    session.start()
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(negotiation)],
                              cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "ready"
    yield session, writer
    writer.stdin.close()
    writer.wait(timeout=30)
    writer.stdout.close()
    session.close()
    ws.close()


def notes(session: Session) -> list[str]:
    return [a.payload.get("note") for a in session.acts if a.kind == "reaction"]


def say(writer: subprocess.Popen, line: str) -> None:
    writer.stdin.write(line + "\n")
    writer.stdin.flush()
    assert writer.stdout.readline().strip() == "logged"


def test_an_act_committed_by_another_process_wakes_the_console(qtbot, followed):
    session, writer = followed
    assert session._poll_timer.interval() == MINUTE_MS
    for n in range(3):
        with qtbot.waitSignal(session.acts_added, timeout=WAIT_MS):
            say(writer, f"nod {n}")
        assert notes(session)[-1] == f"nod {n}"


def test_the_console_still_wakes_after_the_wal_is_truncated(qtbot, followed):
    session, writer = followed
    say(writer, "checkpoint")  # TRUNCATE: the -wal shrinks to nothing, then grows again
    qtbot.waitUntil(lambda: "checkpoint" in notes(session), timeout=WAIT_MS)
    say(writer, "after")
    qtbot.waitUntil(lambda: "after" in notes(session), timeout=WAIT_MS)


def test_the_waker_takes_the_wal_up_again_once_it_is_created_anew(qtbot, tmp_path):
    wal = tmp_path / "w.caucus-wal"
    wal.write_bytes(b"frames")
    waker = Waker(FileWake(files=(str(wal),), folders=(str(tmp_path),)))
    assert str(wal) in waker.watched()
    with qtbot.waitSignal(waker.woken, timeout=5000):
        wal.write_bytes(b"more frames")
    with qtbot.waitSignal(waker.woken, timeout=5000):
        wal.unlink()  # the last connection closed: SQLite removes the -wal
    qtbot.waitUntil(lambda: str(wal) not in waker.watched(), timeout=5000)
    with qtbot.waitSignal(waker.woken, timeout=5000):
        wal.write_bytes(b"")  # a connection opened again: the folder says it is back
    qtbot.waitUntil(lambda: str(wal) in waker.watched(), timeout=5000)
    with qtbot.waitSignal(waker.woken, timeout=5000):
        os.utime(wal)  # the store's stamp after a commit
    waker.close()


def test_a_socket_wake_source_wakes_the_session_the_same_way(qtbot, imported, monkeypatch):
    """What a server backend hands over (a socket readable on each notification) is adapted like
    the file watch: the session drains it and asks the feed."""
    ws, negotiation = imported
    ours, theirs = socket.socketpair()
    drained: list[bytes] = []
    source = SocketWake(ours.fileno(), lambda: drained.append(ours.recv(64)))
    monkeypatch.setattr("app.feed.ChangeFeed.wake_source", lambda self: source)
    session = Session(ws, negotiation, "Dana Whitfield", "lead", poll_ms=MINUTE_MS)
    session.start()
    try:
        assert isinstance(session.waker.notifier, QObject)
        other = Workspace(ws.path)
        other.start_meeting(negotiation, "Dana Whitfield", "Round 2")
        other.log(negotiation, "Oli Park", "reaction", {"tag": "interest"})
        other.close()
        with qtbot.waitSignal(session.acts_added, timeout=5000):
            theirs.send(b"!")  # the notification
        assert drained == [b"!"]
        assert session.acts[-1].payload == {"tag": "interest"}
    finally:
        session.close()
        ours.close()
        theirs.close()


def test_a_bug_in_a_write_is_logged_and_said_in_one_line(qtbot, imported, monkeypatch):
    ws, negotiation = imported
    session = Session(ws, negotiation, "Dana Whitfield", "lead", poll_ms=MINUTE_MS)
    session.start()

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug in the write")

    monkeypatch.setattr(ws, "log", broken)
    try:
        with qtbot.waitSignal(session.write_failed, timeout=5000) as failed:
            session.log("reaction", {"tag": "flinch"})
        message = failed.args[1]
        assert message == (f"unexpected error (ZeroDivisionError: a bug in the write); the "
                           f"details are in {log_path()}")
        text = log_path().read_text(encoding="utf-8")
        assert "Traceback" in text and "ZeroDivisionError: a bug in the write" in text
    finally:
        session.close()
