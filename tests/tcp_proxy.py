"""A real TCP proxy between clients and PostgreSQL, for tests of dropped networks (issues 14, 15).

One thread runs a ``selectors`` loop that accepts clients on a loopback port and copies bytes both
ways. The test, from its own thread, can:

- ``close()``: drop every live connection and stop listening, so new connections are refused
  (as when the server or the network is gone); ``open()`` listens on the same port again;
- ``cut_reply_after(marker)``: once a client sends bytes holding ``marker`` (say ``b"COMMIT"``),
  the server's next reply on that connection is swallowed and the connection closed — the server
  has done the work, the client never hears so ("a send whose acknowledgement is cut").

Every command runs in the loop's thread and returns once done, and ``wait_for_clients`` waits on a
condition: a test that uses the proxy needs no sleep.
"""

from __future__ import annotations

import queue
import selectors
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

TIMEOUT_S = 10.0


@dataclass
class _Pair:
    client: socket.socket
    server: socket.socket
    seen: bytes = b""  # the tail of what the client sent, for a marker split across reads
    cut_next_reply: bool = False
    cut: threading.Event | None = field(default=None, repr=False)


class Proxy:
    """Forwards ``127.0.0.1:port`` to ``upstream``; see the module's docstring."""

    def __init__(self, upstream: tuple[str, int] = ("127.0.0.1", 5432)):
        self.upstream = upstream
        self.port = 0
        self.accepted = 0  # connections accepted so far
        self._sel = selectors.DefaultSelector()
        self._listener: socket.socket | None = None
        self._pairs: dict[socket.socket, _Pair] = {}
        self._armed: tuple[bytes, threading.Event] | None = None
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._changed = threading.Condition()
        self._wake_r, self._wake_w = socket.socketpair()
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._running = True
        self._listen()
        self._thread = threading.Thread(target=self._loop, name="tcp-proxy", daemon=True)
        self._thread.start()

    # --- the test's side -----------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        """Where clients connect."""
        return ("127.0.0.1", self.port)

    def close(self) -> None:
        """Drop every connection and refuse new ones until ``open()``."""
        self._call(self._do_close)

    def open(self) -> None:
        """Accept connections again, on the same port."""
        self._call(self._listen)

    def cut_reply_after(self, marker: bytes) -> threading.Event:
        """Arm a cut (see the module); the returned event is set once it has happened."""
        done = threading.Event()
        self._call(lambda: setattr(self, "_armed", (marker, done)))
        return done

    @property
    def live(self) -> int:
        """Connections open through the proxy now."""
        with self._changed:
            return len(self._pairs) // 2

    def wait_for_clients(self, count: int, timeout: float = TIMEOUT_S) -> bool:
        """Wait until at least ``count`` connections have been accepted in all."""
        with self._changed:
            return self._changed.wait_for(lambda: self.accepted >= count, timeout)

    def stop(self) -> None:
        """Close everything and end the thread."""
        if self._running:
            self._call(self._do_stop)
            self._thread.join(TIMEOUT_S)
            self._wake_r.close()
            self._wake_w.close()
            self._sel.close()

    def __enter__(self) -> Proxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, fn: Callable[[], None]) -> None:
        done = threading.Event()
        self._commands.put((fn, done))
        self._wake_w.send(b"\0")
        if not done.wait(TIMEOUT_S):
            raise TimeoutError("the proxy's thread did not answer")

    # --- the loop's side -----------------------------------------------------------------------

    def _loop(self) -> None:
        while self._running:
            for key, _ in self._sel.select():
                if key.data == "wake":
                    self._run_commands()
                elif key.data == "accept":
                    self._accept()
                elif key.fileobj in self._pairs:
                    self._forward(key.fileobj)

    def _run_commands(self) -> None:
        self._wake_r.recv(4096)
        while not self._commands.empty():
            fn, done = self._commands.get()
            try:
                fn()
            finally:
                done.set()

    def _listen(self) -> None:
        if self._listener is not None:
            return
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(64)
        self.port = sock.getsockname()[1]
        self._listener = sock
        self._sel.register(sock, selectors.EVENT_READ, "accept")

    def _accept(self) -> None:
        client, _ = self._listener.accept()
        try:
            server = socket.create_connection(self.upstream, timeout=TIMEOUT_S)
        except OSError:
            client.close()
            return
        for sock in (client, server):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pair = _Pair(client, server)
        with self._changed:
            self._pairs[client] = self._pairs[server] = pair
            self.accepted += 1
            self._changed.notify_all()
        self._sel.register(client, selectors.EVENT_READ, "pair")
        self._sel.register(server, selectors.EVENT_READ, "pair")

    def _forward(self, sock: socket.socket) -> None:
        pair = self._pairs[sock]
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self._drop(pair)
        elif sock is pair.client:
            self._from_client(pair, data)
        elif pair.cut_next_reply:
            self._drop(pair)  # the reply is read from the server and never passed on
            pair.cut.set()
        else:
            self._send(pair, pair.client, data)

    def _from_client(self, pair: _Pair, data: bytes) -> None:
        if self._armed is not None:
            marker, done = self._armed
            if marker in pair.seen + data:
                pair.cut_next_reply, pair.cut, self._armed = True, done, None
            pair.seen = (pair.seen + data)[-len(marker):]
        self._send(pair, pair.server, data)

    def _send(self, pair: _Pair, to: socket.socket, data: bytes) -> None:
        try:
            to.sendall(data)
        except OSError:
            self._drop(pair)

    def _drop(self, pair: _Pair) -> None:
        with self._changed:
            for sock in (pair.client, pair.server):
                if self._pairs.pop(sock, None) is not None:
                    self._sel.unregister(sock)
                sock.close()
            self._changed.notify_all()

    def _do_close(self) -> None:
        if self._listener is not None:
            self._sel.unregister(self._listener)
            self._listener.close()
            self._listener = None
        for pair in {id(p): p for p in self._pairs.values()}.values():
            self._drop(pair)

    def _do_stop(self) -> None:
        self._do_close()
        self._running = False
