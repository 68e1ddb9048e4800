"""``Session``: one member's live view of one negotiation, adapted to Qt signals.

It wakes when the core's change feed says something may have been committed (its wake source:
the workspace's ``-wal`` file and folder, adapted by ``ui.wake.Waker``), with a slow safety poll
behind it; it keeps the journal, the incremental analysis and the public view (``app.public``:
what the room may see), and runs writes on a worker thread so that the UI thread never waits on
another process's write lock. Panels receive the session and read from it; they never touch SQL
or business rules.
"""

from __future__ import annotations

import contextlib
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from app.analysis import Analyzer
from app.domain import MEETING_KINDS, PREP_KINDS, Act, Preparation
from app.errors import CaucusError, WorkspaceGone
from app.feed import HEARTBEAT_S, ChangeFeed, Peer, Presence, connected
from app.logs import unexpected
from app.public import PublicLog, PublicView
from app.workspace import Workspace
from ui.wake import Waker

#: The safety poll: what a missed file event (a network share, an overflowing event queue) costs
#: at most. Every commit wakes the session at once through the feed's wake source.
POLL_MS = 1000
#: After a wake that found nothing new, look again this much later (ms, in turn): a commit's last
#: write to the -wal file comes a moment before SQLite makes the commit visible to readers.
CHASE_MS = (1, 3, 10)
#: Events this soon after a look that found acts trail that commit: no chase for them.
TRAIL_S = 0.005


class Session(QObject):
    """The shared state every panel of one window reads, and the only way they write."""

    # ``object``, not ``list``/``dict``: the receivers get the very objects (do not change them),
    # not a QVariant copy, whose conversion of the whole analysis cost a sync 0.2 ms per act
    acts_added = Signal(object)  # list[Act]: the new acts, in journal order
    analysis_changed = Signal(object)  # dict: the caucus-analysis/1 object after those acts
    preparation_changed = Signal()
    #: the journal was read again from the start (the join phrase was entered: sealed values are
    #: readable now); panels that keep anything of the old reading rebuild it
    reloaded = Signal()
    presence_changed = Signal(list)  # list[Peer]
    write_pending = Signal(int)  # how many writes are in flight
    #: (the Future ``submit`` returned, the Act or other result it gave). A panel matches the
    #: Future against the ones it holds to know that *its* write is done.
    write_done = Signal(object, object)
    #: (the Future of the failed write, or None when reading the feed failed; a message for the
    #: user). What they typed is kept by the panel that wrote it.
    write_failed = Signal(object, str)
    #: the workspace file was deleted, moved or replaced: the session stopped following and
    #: writing it (a message for the user; what they typed stays in the panels)
    file_gone = Signal(str)
    _finished = Signal(object)  # a write's Future, once done (from the worker thread)

    def __init__(self, workspace: Workspace, negotiation: int, member: str, role: str,
                 poll_ms: int = POLL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.ws, self.negotiation, self.member, self.role = workspace, negotiation, member, role
        self.acts: list[Act] = workspace.acts(negotiation)
        self.analyzer = Analyzer()
        self.analyzer.extend(self.acts)
        self.analysis: dict = self.analyzer.result()
        self.public = PublicLog().extend(self.acts)
        self.peers: list[Peer] = []
        self.gone: str | None = None  # why the file can no longer be written, once it cannot
        self._pending = 0
        self._closed = False
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caucus-write")
        # queued even when a write finishes at once: the caller holds its Future before the answer
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.feed = ChangeFeed(workspace.store, after=self.last_seq, negotiation=negotiation)
        self.presence = Presence(workspace.store, member, role, negotiation)
        self.waker = Waker(self.feed.wake_source(), self)
        self._chased = 0  # look-agains done since the last wake
        self._found_at = 0.0  # time.monotonic() of the last look that found acts
        self._chase_timer = QTimer(self, singleShot=True, timeout=self._chase)
        self._poll_timer = QTimer(self, interval=poll_ms, timeout=self.poll)
        self._beat_timer = QTimer(self, interval=int(HEARTBEAT_S * 1000), timeout=self._beat)
        self._beat()

    def start(self) -> None:
        """Begin following the workspace: on the feed's wake events, with the safety poll and the
        presence heartbeat (all on the UI thread's event loop)."""
        self.waker.woken.connect(self._woken)
        self._poll_timer.start()
        self._beat_timer.start()

    @property
    def closed(self) -> bool:
        """True once ``close`` has run."""
        return self._closed

    def close(self) -> None:
        """Stop the timers, finish pending writes, leave the presence list. Safe to call again."""
        if self._closed:
            return
        self._closed = True
        self._poll_timer.stop()
        self._chase_timer.stop()
        self._beat_timer.stop()
        self.waker.close()
        self._writer.submit(self._leave)
        self._writer.shutdown(wait=True)
        self.feed.close()

    # --- reading --------------------------------------------------------------------------------

    @property
    def prep(self) -> Preparation:
        """The preparation as it stands."""
        return self.ws.preparation(self.negotiation)

    @property
    def last_seq(self) -> int:
        """The newest sequence number this session holds."""
        return self.acts[-1].seq if self.acts else 0

    def meeting_acts(self) -> list[Act]:
        """The acts of the meeting kinds, in order."""
        return [a for a in self.acts if a.kind in MEETING_KINDS]

    def withdrawn(self) -> set[str]:
        """Ids of the acts that a retract has withdrawn."""
        return {a.payload.get("act") for a in self.acts if a.kind == "retract"}

    @Slot()
    def poll(self) -> bool:
        """Take in whatever other processes (or our writer) committed since the last poll;
        True when there was something."""
        if self._closed:
            return False
        try:
            new = self.feed.poll()
        except WorkspaceGone as exc:
            self._poll_timer.stop()
            self._chase_timer.stop()
            self.waker.close()
            self.gone = str(exc)
            self.file_gone.emit(self.gone)
            return False
        except CaucusError as exc:
            self.write_failed.emit(None, str(exc))
            return False
        if new:
            self._take(new)
        return bool(new)

    def _woken(self) -> None:
        """The wake source stirred: look now, and again shortly if nothing was there yet (but
        not for the events that trail a commit just taken in: its writes, the store's stamp)."""
        if self.poll():
            self._chase_timer.stop()
            self._found_at = time.monotonic()
        elif not self._chase_timer.isActive() and \
                time.monotonic() - self._found_at > TRAIL_S:
            self._chased = 0
            self._chase_timer.start(CHASE_MS[0])

    def _chase(self) -> None:
        self._chased += 1
        if not self.poll() and self._chased < len(CHASE_MS):
            self._chase_timer.start(CHASE_MS[self._chased])

    def _take(self, new: list[Act]) -> None:
        self.acts.extend(new)
        for act in new:
            self.analyzer.add(act)
            self.public.add(act)
        self.analysis = self.analyzer.result()
        if any(a.kind in PREP_KINDS for a in new):
            self.preparation_changed.emit()
        self.acts_added.emit(new)
        self.analysis_changed.emit(self.analysis)

    @property
    def unlocked(self) -> bool:
        """True when this computer holds the join phrase (confidential values readable)."""
        return self.ws.unlocked

    def reload(self) -> None:
        """Read the journal again with the key now held (after the join phrase was entered):
        acts, analysis and preparation afresh; then ``preparation_changed``,
        ``analysis_changed`` and ``reloaded`` (``acts_added`` does not fire: no act is new)."""
        if self._closed:
            return
        self.poll()  # take what the feed holds first, so that no act comes twice after
        self.acts = self.ws.acts(self.negotiation)
        self.feed.last_seq = max(self.feed.last_seq, self.last_seq)
        self.analyzer = Analyzer()
        self.analyzer.extend(self.acts)
        self.analysis = self.analyzer.result()
        self.public = PublicLog().extend(self.acts)
        self.preparation_changed.emit()
        self.analysis_changed.emit(self.analysis)
        self.reloaded.emit()

    def public_view(self) -> PublicView:
        """What the room may see now (``app.public``): a snapshot, cheap to take."""
        return self.public.view(self.prep)

    # --- writing --------------------------------------------------------------------------------

    def submit(self, command: str, *args: Any, **kwargs: Any) -> Future:
        """Run a ``Workspace`` command for this member and negotiation on the writer thread.

        Returns the write's Future; ``write_done(future, result)`` or ``write_failed(future,
        message)`` follows on the UI thread, always after this returns. The new act then arrives
        through the feed like anyone else's. After ``close`` the Future fails at once.
        """
        return self.call(self._run, command, args, kwargs)

    def call(self, fn: Any, *args: Any) -> Future:
        """Run ``fn(*args)`` on the writer thread, with ``submit``'s signals."""
        if self._closed:
            future: Future = Future()
            future.set_exception(CaucusError("this window has closed its session"))
        else:
            future = self._writer.submit(fn, *args)
        self._pending += 1
        self.write_pending.emit(self._pending)
        future.add_done_callback(self._finished.emit)
        return future

    def _run(self, command: str, args: tuple, kwargs: dict) -> Any:
        return getattr(self.ws, command)(self.negotiation, self.member, *args, **kwargs)

    @Slot(object)
    def _on_finished(self, future: Future) -> None:
        self._pending -= 1
        self.write_pending.emit(self._pending)
        error = future.exception()
        if error is not None:  # a bug is logged with its traceback, and the message says where
            message = str(error) if isinstance(error, CaucusError) else \
                unexpected(error, "a write of the console")
            self.write_failed.emit(future, message)
            return
        self.poll()
        self.write_done.emit(future, future.result())

    def log(self, kind: str, payload: dict) -> Future:
        """Log a meeting act as this member."""
        return self.submit("log", kind, payload)

    # --- presence -------------------------------------------------------------------------------

    def _beat(self) -> None:
        if not self._closed:
            self._writer.submit(self._beat_and_list)

    def _beat_and_list(self) -> None:
        try:
            self.presence.beat()
            peers = connected(self.ws.store)
        except CaucusError:
            return
        self.peers = peers
        self.presence_changed.emit(peers)

    def _leave(self) -> None:
        with contextlib.suppress(CaucusError):
            self.presence.leave()
