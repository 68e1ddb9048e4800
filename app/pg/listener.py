"""The live feed of a server workspace: a connection of its own LISTENing on the journal's channel.

Every append NOTIFYs the channel with the highest new sequence (``notify_ddl``: a statement-level
trigger, so one INSERT of many acts sends one notification). A ``Listener`` keeps its connection
in a background thread and reconnects with backoff when it drops; the caller never waits on the
network. What it heard is handed over as ``News``: the highest sequence announced, and
``catch_up`` after every (re)connection, when the caller must read everything after the last
sequence it has — a notification sent while the connection was down is lost, so none is trusted
to have arrived. Waiting costs no polling: ``fileno()`` becomes readable when there is news (for a
``QSocketNotifier`` or ``select``), ``wait(timeout)`` blocks until then (the CLI, tests).
"""

from __future__ import annotations

import contextlib
import logging
import random
import select
import selectors
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from app.errors import CaucusError

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)
CHANNEL = "caucus_journal"
#: TCP keepalives on the listening connection, so that a silently dead network is noticed in
#: about 10 s even though the connection only ever reads.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
              "keepalives_count": 3, "tcp_user_timeout": 10_000}
CLOSE_TIMEOUT_S = 10.0


def notify_ddl(table: str = "act", channel: str = CHANNEL) -> list[str]:
    """PostgreSQL DDL: after each INSERT statement into ``table``, NOTIFY ``channel`` with the
    highest ``seq`` it added (delivered at commit, in commit order; nothing when it rolls back)."""
    function = f"{table}_notify"
    return [
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify(TG_ARGV[0], top::text)
               FROM (SELECT max(seq) AS top FROM appended) AS a WHERE top IS NOT NULL;
            RETURN NULL;
        END $$""",
        f"""CREATE TRIGGER {table}_notify AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS appended
            FOR EACH STATEMENT EXECUTE FUNCTION {function}('{channel}')""",
    ]


@dataclass(frozen=True)
class LinkState:
    """The listener's connection, for the console: connected, or (re)connecting since when."""

    phase: str  # "connecting", "connected", "reconnecting" or "closed"
    since: float  # time.monotonic() when this phase began
    since_wall: datetime  # the same moment on the wall clock, for "offline since 10:42"
    attempts: int = 0  # failed connection attempts in this phase
    error: str | None = None  # why the last attempt failed, or why the connection dropped

    @classmethod
    def begin(cls, phase: str, **fields) -> LinkState:
        """A phase that starts now."""
        return cls(phase, time.monotonic(), datetime.now().astimezone(), **fields)

    @property
    def connected(self) -> bool:
        """True while notifications arrive."""
        return self.phase == "connected"

    def describe(self, now: float | None = None) -> str:
        """Said to a person: "connected", "reconnecting since 12 s (connection refused)"."""
        if self.phase == "closed":
            return f"closed ({self.error})" if self.error else "closed"
        if self.phase == "connected" or (self.phase == "connecting" and not self.attempts):
            return self.phase
        elapsed = (time.monotonic() if now is None else now) - self.since
        text = f"{self.phase} since {_elapsed(elapsed, self.since_wall)}"
        return f"{text} ({self.error})" if self.error else text


def _elapsed(seconds: float, wall: datetime) -> str:
    if seconds < 60:
        return f"{max(0, int(seconds))} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    return wall.strftime("%H:%M")


@dataclass(frozen=True)
class Backoff:
    """Delays between reconnection attempts: ``first`` doubling up to ``cap``, ± ``jitter``."""

    first: float = 0.25
    factor: float = 2.0
    cap: float = 8.0
    jitter: float = 0.2

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` ≥ 1 failures so far)."""
        base = min(self.cap, self.first * self.factor ** max(0, attempt - 1))
        return base * (1 + random.uniform(-self.jitter, self.jitter))


@dataclass(frozen=True)
class News:
    """What the listener heard since the last ``take()``."""

    notified: int | None  # the highest sequence announced, if any
    catch_up: bool  # (re)connected: read everything after the last sequence you have
    state_changed: bool
    state: LinkState

    def should_read(self, last_seq: int) -> bool:
        """True when the caller, holding acts up to ``last_seq``, has something to read."""
        return self.catch_up or (self.notified is not None and self.notified > last_seq)


@dataclass
class _Pending:
    notified: int | None = None
    catch_up: bool = False
    state_changed: bool = False
    signalled: bool = False


class Listener:
    """LISTENs on ``channel`` through connections made by ``connect()`` (autocommit ones)."""

    def __init__(self, connect: Callable[[], psycopg.Connection], channel: str = CHANNEL,
                 backoff: Backoff | None = None):
        self._connect = connect
        self.channel = channel
        self.backoff = backoff or Backoff()
        self.backend_pid: int | None = None  # the server process of the live connection
        self._lock = threading.Lock()
        self._pending = _Pending()
        self._state = LinkState.begin("connecting")
        self._wake_r, self._wake_w = socket.socketpair()
        self._ctl_r, self._ctl_w = socket.socketpair()
        for sock in (self._wake_r, self._wake_w, self._ctl_r, self._ctl_w):
            sock.setblocking(False)
        self._closing = False
        self._kick = threading.Event()
        self._thread = threading.Thread(target=self._run, name="caucus-listener", daemon=True)

    # --- the caller's side -----------------------------------------------------------------------

    def start(self) -> Listener:
        """Start connecting (in the background); returns self."""
        self._thread.start()
        return self

    def fileno(self) -> int:
        """A descriptor that is readable while there is news to ``take()``."""
        return self._wake_r.fileno()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until there is news (True) or ``timeout`` seconds have passed (False)."""
        return bool(select.select([self._wake_r], [], [], timeout)[0])

    def take(self) -> News:
        """The news since the last call (never blocks); the descriptor is quiet afterwards."""
        _drain(self._wake_r)  # before taking: a post racing with us then signals again
        with self._lock:
            pending, self._pending = self._pending, _Pending()
            state = self._state
        return News(pending.notified, pending.catch_up, pending.state_changed, state)

    @property
    def state(self) -> LinkState:
        """The connection's state now."""
        with self._lock:
            return self._state

    def retry_now(self) -> None:
        """Cut the current wait between reconnection attempts short (a "Retry" button)."""
        self._kick.set()

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Stop listening and release the connection and descriptors."""
        self._closing = True
        self._kick.set()
        _signal(self._ctl_w)
        if self._thread.is_alive():
            self._thread.join(timeout)
        with self._lock:
            self._state = LinkState.begin("closed")
        for sock in (self._wake_r, self._wake_w, self._ctl_r, self._ctl_w):
            sock.close()

    def __enter__(self) -> Listener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the background thread -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._reconnecting()
        except Exception as exc:  # a bug, not the network: say so and stop, never spin on it
            log.exception("the server listener stopped")
            self._post(state=LinkState.begin("closed", error=f"{type(exc).__name__}: {exc}"))

    def _reconnecting(self) -> None:
        import psycopg

        failures = 0
        while not self._closing:
            try:
                conn = self._connect()
            except (psycopg.Error, CaucusError, OSError) as exc:
                failures += 1
                self._down(failures, exc)
                self._pause(self.backoff.delay(failures))
                continue
            try:
                self._serve(conn)
                failures = 0
            except (psycopg.Error, OSError) as exc:
                failures = 1
                self._down(failures, exc)
                self._pause(self.backoff.delay(failures))
            finally:
                self.backend_pid = None
                conn.close()

    def _serve(self, conn: psycopg.Connection) -> None:
        from psycopg import sql

        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        self.backend_pid = conn.info.backend_pid
        self._post(catch_up=True, state=LinkState.begin("connected"))
        with selectors.DefaultSelector() as sel:
            sel.register(conn.fileno(), selectors.EVENT_READ)
            sel.register(self._ctl_r, selectors.EVENT_READ)
            while not self._closing:
                ready = {key.fileobj for key, _ in sel.select()}
                if self._ctl_r in ready:
                    _drain(self._ctl_r)
                    continue
                for notice in conn.notifies(timeout=0):
                    self._heard(notice.payload)

    def _heard(self, payload: str) -> None:
        try:
            self._post(seq=int(payload))
        except ValueError:  # not ours, or garbled: read everything rather than guess
            self._post(catch_up=True)

    def _down(self, failures: int, exc: BaseException) -> None:
        error = " ".join(str(exc).split()) or type(exc).__name__
        with self._lock:
            state = self._state
        if state.phase == "connected":
            state = LinkState.begin("reconnecting")
        self._post(state=replace(state, attempts=failures, error=error))

    def _pause(self, seconds: float) -> None:
        if not self._closing:
            self._kick.wait(seconds)
        self._kick.clear()

    def _post(self, *, seq: int | None = None, catch_up: bool = False,
              state: LinkState | None = None) -> None:
        with self._lock:
            pending = self._pending
            if seq is not None:
                pending.notified = max(seq, pending.notified or 0)
            pending.catch_up |= catch_up
            if state is not None:
                self._state = state
                pending.state_changed = True
            if not pending.signalled:
                pending.signalled = True
                _signal(self._wake_w)


def _signal(sock: socket.socket) -> None:
    # closed, or already full of wake-ups: either way no news is lost
    with contextlib.suppress(OSError):
        sock.send(b"\0")


def _drain(sock: socket.socket) -> None:
    try:
        while sock.recv(4096):
            pass
    except OSError:  # BlockingIOError: drained; or closed
        pass
