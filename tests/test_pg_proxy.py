"""The test proxy between clients and PostgreSQL: closing drops live connections and refuses new
ones, reopening lets them in again, a cut reply leaves the server's work done and the client
without an answer; the listener rides through a closed proxy and catches up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pg_standin
import psycopg
import pytest
from listen_helpers import QUICK, Reader, listener_for, next_news
from tcp_proxy import Proxy

from app.pg import credentials
from app.pg.address import ServerAddress

pytestmark = pytest.mark.server


@pytest.fixture
def proxy(pg_db: ServerAddress) -> Iterator[Proxy]:
    with Proxy((pg_db.host, pg_db.port)) as p:
        yield p


@pytest.fixture
def via(pg_db: ServerAddress, proxy: Proxy) -> ServerAddress:
    """The test database's address through the proxy."""
    return replace(pg_db, host="127.0.0.1", port=proxy.port)


def connect(address: ServerAddress) -> psycopg.Connection:
    return psycopg.connect(address.conninfo(connect_timeout=5), autocommit=True)


def test_closing_drops_live_connections_and_refuses_new_ones(via, proxy):
    with connect(via) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert proxy.live == 1
        proxy.close()
        assert proxy.live == 0
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    with pytest.raises(credentials.ServerUnavailable, match="refused"):
        credentials.connect(credentials.find(via))
    proxy.open()
    with connect(via) as conn:
        assert conn.execute("SELECT 2").fetchone() == (2,)


def test_a_cut_reply_leaves_the_commit_done_and_the_client_unanswered(pg_db, via, proxy):
    cut = proxy.cut_reply_after(b"COMMIT")
    with connect(via) as conn:
        with pytest.raises(psycopg.OperationalError), conn.transaction():
            conn.execute("INSERT INTO act (seq, payload, mac) VALUES (1, 'offer', '')")
        assert cut.is_set()
    with connect(pg_db) as direct:
        assert pg_standin.after(direct, 0) == [(1, "offer", "")]
    with connect(via) as conn:  # only that one reply was cut
        assert conn.execute("SELECT count(*) FROM act").fetchone() == (1,)


def test_the_listener_reconnects_through_a_reopened_proxy_and_catches_up(pg_db, via, proxy):
    with listener_for(via, backoff=QUICK) as listener, Reader(pg_db, listener) as reader, \
            connect(pg_db) as writer:
        reader.handle(next_news(listener, lambda n: n.catch_up))
        pg_standin.append(writer, "before")
        reader.until_seen(1)
        proxy.close()
        down = next_news(listener, lambda n: n.state.phase == "reconnecting"
                         and n.state.attempts > 2)
        assert "refused" in down.state.error
        for i in range(3):
            pg_standin.append(writer, f"while closed {i}")
        accepted = proxy.accepted
        proxy.open()
        assert proxy.wait_for_clients(accepted + 1)
        reader.handle(next_news(listener, lambda n: n.catch_up))
        assert reader.seen == [1, 2, 3, 4]
        assert reader.states[-1] == "connected"
