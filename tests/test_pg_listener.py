"""The live listener against the real server: a NOTIFY from another connection wakes it; a
terminated or cut connection is reconnected with backoff and the caller catches up, every act
seen exactly once; the state says connected / reconnecting since when."""

from __future__ import annotations

import select
import threading
from collections.abc import Iterator

import pg_standin
import psycopg
import pytest
from listen_helpers import HELD, QUICK, WAIT_S, Reader, listener_for, next_news

from app.pg.listener import Backoff, LinkState, Listener

pytestmark = pytest.mark.server
@pytest.fixture
def writer(pg_db) -> Iterator[psycopg.Connection]:
    with psycopg.connect(pg_db.conninfo(), autocommit=True) as conn:
        yield conn


def test_a_notify_from_another_connection_wakes_the_listener(pg_db, writer):
    with listener_for(pg_db) as listener:
        first = next_news(listener, lambda n: n.catch_up)
        assert first.state.connected and first.state_changed
        assert not select.select([listener], [], [], 0)[0]  # quiet once taken
        seq = pg_standin.append(writer, "offer")
        assert select.select([listener], [], [], WAIT_S)[0]  # the descriptor a QSocketNotifier uses
        news = listener.take()
        assert news.notified == seq == 1 and not news.catch_up
        assert news.should_read(0) and not news.should_read(1)


def test_one_insert_of_many_acts_is_one_notification_with_the_highest_sequence(pg_db, writer):
    with listener_for(pg_db) as listener:
        next_news(listener, lambda n: n.catch_up)
        with writer.transaction():
            writer.execute("INSERT INTO act (seq, payload, mac) SELECT g, 'x', '' "
                           "FROM generate_series(1, 50) AS g")
        assert next_news(listener).notified == 50
        with writer.transaction():  # a rolled-back append notifies nobody
            writer.execute("INSERT INTO act (seq, payload, mac) VALUES (51, 'x', '')")
            writer.execute("NOTIFY caucus_journal, '999'")  # and nor does its own NOTIFY
            raise_rollback(writer)
        pg_standin.append(writer, "after")
        assert next_news(listener).notified == 51


def raise_rollback(conn: psycopg.Connection) -> None:
    raise psycopg.Rollback()


def test_acts_appended_while_the_connection_is_down_are_caught_up(pg_server, pg_db, writer):
    with listener_for(pg_db, backoff=HELD) as listener, Reader(pg_db, listener) as reader:
        reader.handle(next_news(listener, lambda n: n.catch_up))
        for i in range(5):
            pg_standin.append(writer, f"live {i}")
        reader.until_seen(5)
        pid = listener.backend_pid
        with pg_server.cluster.connect() as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        down = next_news(listener, lambda n: n.state.phase == "reconnecting")
        assert "terminat" in down.state.error and down.state.describe().startswith(
            "reconnecting since 0 s")
        for i in range(7):  # nobody hears these notifications
            pg_standin.append(writer, f"missed {i}")
        assert not listener.wait(0)
        listener.retry_now()
        back = next_news(listener, lambda n: n.catch_up)
        assert back.state.connected and listener.backend_pid != pid
        reader.handle(back)
        assert reader.seen == list(range(1, 13))
        pg_standin.append(writer, "live again")
        reader.until_seen(13)
        assert reader.seen == list(range(1, 14))


def test_terminated_mid_stream_every_act_is_seen_exactly_once(pg_server, pg_db):
    total, cut_at = 400, 120
    with listener_for(pg_db) as listener, Reader(pg_db, listener) as reader:
        reader.handle(next_news(listener, lambda n: n.catch_up))
        go_on = threading.Event()

        def write() -> None:
            with psycopg.connect(pg_db.conninfo(), autocommit=True) as conn:
                for i in range(1, total + 1):
                    pg_standin.append(conn, f"act {i}")
                    if i == cut_at:
                        go_on.wait(WAIT_S)

        thread = threading.Thread(target=write)
        thread.start()
        try:
            reader.until_seen(cut_at)
            with pg_server.cluster.connect() as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (listener.backend_pid,))
            go_on.set()
            reader.until_seen(total)
        finally:
            go_on.set()
            thread.join(WAIT_S)
        assert reader.seen == list(range(1, total + 1))
        assert "reconnecting" in reader.states and reader.states[-1] == "connected"


def test_state_is_described_for_a_person():
    state = LinkState.begin("reconnecting", attempts=3, error="connection refused")
    assert state.describe(state.since + 12.4) == "reconnecting since 12 s (connection refused)"
    assert state.describe(state.since + 185) == "reconnecting since 3 min (connection refused)"
    assert state.describe(state.since + 7200) == (
        f"reconnecting since {state.since_wall:%H:%M} (connection refused)")
    assert LinkState.begin("connected").describe() == "connected"
    assert LinkState.begin("connecting").describe() == "connecting"


def test_backoff_doubles_up_to_its_cap():
    backoff = Backoff(first=0.25, factor=2, cap=2.0, jitter=0.0)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    jittered = Backoff(first=1.0, jitter=0.2)
    assert all(0.8 <= jittered.delay(1) <= 1.2 for _ in range(100))


def test_close_releases_the_thread_and_the_descriptor(pg_db):
    listener = listener_for(pg_db).start()
    next_news(listener, lambda n: n.catch_up)
    fd = listener.fileno()
    listener.close()
    assert not listener._thread.is_alive()
    assert listener.state.phase == "closed"
    with pytest.raises(OSError):
        select.select([fd], [], [], 0)


def test_a_qsocketnotifier_on_the_descriptor_wakes_the_console(qtbot, pg_db, writer):
    from PySide6.QtCore import QSocketNotifier

    with listener_for(pg_db) as listener:
        next_news(listener, lambda n: n.catch_up)
        notifier = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read)
        try:
            with qtbot.waitSignal(notifier.activated, timeout=int(WAIT_S * 1000)):
                pg_standin.append(writer, "offer")
            assert listener.take().notified == 1
        finally:
            notifier.setEnabled(False)
            notifier.deleteLater()


def test_a_bug_in_connecting_stops_the_listener_visibly_instead_of_spinning(caplog):
    def broken():
        raise RuntimeError("not a network problem")

    with Listener(broken, backoff=QUICK) as listener:
        news = next_news(listener, lambda n: n.state.phase == "closed")
    assert news.state.describe() == "closed (RuntimeError: not a network problem)"
    assert "the server listener stopped" in caplog.text


def test_an_unreachable_server_is_retried_with_the_reason_shown(pg_db):
    from dataclasses import replace

    nowhere = replace(pg_db, port=1)
    with listener_for(nowhere) as listener:
        news = next_news(listener, lambda n: n.state.attempts >= 3)
    assert news.state.phase == "connecting" and not news.catch_up
    assert news.state.describe().startswith("connecting since 0 s (")
    assert "cannot connect" in news.state.error
