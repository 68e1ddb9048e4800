"""Helpers for tests of the live listener: a listener on a test database, waiting for news, and a
caller that reads the acts after the last one it has only when the listener says so."""

from __future__ import annotations

import pg_standin
import psycopg

from app.pg import credentials
from app.pg.listener import KEEPALIVES, Backoff, Listener, News

WAIT_S = 10.0
QUICK = Backoff(first=0.01, cap=0.05, jitter=0.0)
#: So long that only ``retry_now()`` ends the wait between attempts.
HELD = Backoff(first=3600.0, cap=3600.0, jitter=0.0)


def listener_for(address, backoff: Backoff = QUICK) -> Listener:
    login = credentials.find(address)
    return Listener(lambda: credentials.connect(login, **KEEPALIVES), backoff=backoff)


def next_news(listener: Listener, until=lambda news: True) -> News:
    """The next news that satisfies ``until`` (each wait for news at most WAIT_S)."""
    while True:
        assert listener.wait(WAIT_S), f"no news within {WAIT_S} s; state {listener.state}"
        news = listener.take()
        if until(news):
            return news


class Reader:
    """A caller that reads the acts after the last one it has, only when the listener says so."""

    def __init__(self, address, listener: Listener):
        self.conn = psycopg.connect(address.conninfo(), autocommit=True)
        self.listener = listener
        self.seen: list[int] = []
        self.states: list[str] = []

    @property
    def last(self) -> int:
        return self.seen[-1] if self.seen else 0

    def handle(self, news: News) -> None:
        if news.state_changed:
            self.states.append(news.state.phase)
        if news.should_read(self.last):
            self.seen += [seq for seq, _, _ in pg_standin.after(self.conn, self.last)]

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def until_seen(self, seq: int) -> None:
        while self.last < seq:
            self.handle(next_news(self.listener))
