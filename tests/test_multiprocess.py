"""Many processes, one file: real writer and reader processes on one workspace (DESIGN.md, 3).

The workers live in ``tests/mp_workers.py`` and go through ``app.workspace.Workspace``
and ``app.feed.ChangeFeed`` exactly as the console does. Nothing here sleeps: every wait blocks
on a pipe (a worker's ``ready`` line, a writer's output) or a process's exit, and the workers start
on a line the test writes to their stdin.

Self-contained: it uses no fixture from ``tests/conftest.py``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKERS = HERE / "mp_workers.py"


def _load_workers():
    spec = importlib.util.spec_from_file_location("caucus_mp_workers", WORKERS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mp = _load_workers()

WRITERS = 4
ACTS_PER_WRITER = 2000
KILL_ROUNDS = 15
MAX_WAL_BYTES = 24 * 1024 * 1024  # SQLite's auto-checkpoint keeps it near 4 MB (1,000 pages)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env.pop("CAUCUS_WORKSPACE", None)
    return env


def _caucus() -> list[str]:
    """The ``caucus`` console script beside this interpreter, or the same entry point by module."""
    script = Path(sys.executable).with_name("caucus")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli"]


class Worker:
    """A worker process: the test writes lines to its stdin (``tell``); its stdout is read from a
    pipe (the ``ready`` line by ``wait_ready``, the rest copied to a file in the background); its
    stderr goes to a file."""

    def __init__(self, name: str, args: list[str], folder: Path):
        self.name = name
        self.out = folder / f"{name}.out"
        self.err = folder / f"{name}.err"
        self._copier: threading.Thread | None = None
        with open(self.err, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, str(WORKERS), *args], stdout=subprocess.PIPE, stderr=err,
                stdin=subprocess.PIPE, cwd=ROOT, env=_env())

    def wait_ready(self) -> None:
        """Block until the worker prints ``ready`` (fail if it exits first)."""
        first = self.proc.stdout.readline()
        if first != b"ready\n":
            pytest.fail(f"{self.name} was not ready (exit {self.proc.wait()}):\n{self.stderr()}")
        self._copier = threading.Thread(target=self._copy, args=(first,), daemon=True)
        self._copier.start()

    def _copy(self, first: bytes) -> None:
        with open(self.out, "wb") as out:
            out.write(first)
            shutil.copyfileobj(self.proc.stdout, out)

    def tell(self, line: str) -> None:
        """Write ``line`` to the worker's stdin (``go``, ``stop``)."""
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def wait(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} did not finish within {timeout:g} s")

    def stdout(self) -> str:
        if self._copier is not None:
            self._copier.join()  # ends with the worker's stdout
        return self.out.read_text()

    def stderr(self) -> str:
        return self.err.read_text()


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen]]:
    """Processes started by a test; any still running at the end is killed (by its own pid)."""
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=10)


def _committed(lines: list[str]) -> list[tuple[int, str, int]]:
    """``(seq, act id, counter)`` of every ``committed`` line a writer printed."""
    out = []
    for line in lines:
        if line.startswith("committed "):
            _, seq, act_id, counter = line.split()
            out.append((int(seq), act_id, int(counter)))
    return out


def _run_verify(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*_caucus(), "verify", "--workspace", str(path)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env=_env(), stdin=subprocess.DEVNULL)


# --- four writers at once, two feed readers -----------------------------------------------------


@pytest.mark.slow
def test_four_writers_at_once_lose_nothing_and_every_feed_sees_each_act_once(
        tmp_path: Path, workers: list) -> None:
    path = tmp_path / "shared.caucus"
    _negotiation, base = mp.setup_workspace(str(path))
    total = WRITERS * ACTS_PER_WRITER

    # Two readers: one polling fast, one at the console's 50 ms, which gets acts in large batches.
    readers = [
        Worker(f"reader-{ms}ms",
               ["reader", "--workspace", str(path), "--after", str(base), "--expect", str(total),
                "--timeout", "90", "--interval", str(ms / 1000)], tmp_path)
        for ms in (2, 50)
    ]
    writers = [
        Worker(f"writer-{n}",
               ["writer", "--workspace", str(path), "--as", name,
                "--count", str(ACTS_PER_WRITER), "--go"], tmp_path)
        for n, (name, _role) in enumerate(mp.TEAM[:WRITERS])
    ]
    everyone = readers + writers
    workers.extend(w.proc for w in everyone)
    for w in everyone:
        w.wait_ready()
    for w in writers:  # the barrier: every writer is blocked reading this line
        w.tell("go")
    started = time.monotonic()

    # While they run: `caucus verify` (a read-only process) finds the file sound at any moment;
    # and the WAL stays small: pollers that pinned a snapshot would stop checkpoints from resetting
    # it, and it would grow with every act (to some 100 MB here).
    wal = Path(f"{path}-wal")
    peak_wal = 0
    verified_live = 0
    deadline = started + 90
    while any(w.proc.poll() is None for w in writers):
        assert time.monotonic() < deadline, "the writers did not finish within 90 s"
        peak_wal = max(peak_wal, wal.stat().st_size if wal.exists() else 0)
        verify = _run_verify(path)
        assert verify.returncode == 0, f"verify during the writes: {verify.stderr}"
        verified_live += 1
    for w in writers:
        assert w.wait(timeout=10) == 0, f"{w.name} failed:\n{w.stderr()}"
    elapsed = time.monotonic() - started
    for w in readers:
        assert w.wait(timeout=90) == 0, f"{w.name} failed:\n{w.stderr()}"

    # No writer ever met a locked file or any other error.
    for w in writers:
        err = w.stderr()
        assert "locked" not in err.lower() and "WorkspaceLocked" not in err, f"{w.name}: {err}"
        assert err == "", f"{w.name} wrote to stderr:\n{err}"

    # Every act is in the file; one gap-free sequence over the whole act table.
    db = _db(path)
    try:
        seqs = [r[0] for r in db.execute("SELECT seq FROM act ORDER BY seq")]
        assert seqs == list(range(1, base + total + 1))
        distinct_ids, with_ids = db.execute(
            "SELECT count(DISTINCT act_id), count(act_id) FROM act WHERE seq > ?", (base,)
        ).fetchone()
        assert distinct_ids == with_ids == total
        by_author = {}
        for name, _role in mp.TEAM[:WRITERS]:
            by_author[name] = db.execute(
                "SELECT seq, act_id, kind, payload FROM act WHERE author = ? AND seq > ?"
                " ORDER BY seq", (name, base)).fetchall()
    finally:
        db.close()

    # Each writer's acts are in the file in the order that writer appended them, as it reported.
    for w, (name, _role) in zip(writers, mp.TEAM[:WRITERS], strict=True):
        lines = w.stdout().splitlines()
        assert lines[0] == "ready" and lines[-1] == "done"
        reported = _committed(lines)
        assert [c for _s, _i, c in reported] == list(range(ACTS_PER_WRITER))
        reported_seqs = [s for s, _i, _c in reported]
        assert reported_seqs == sorted(reported_seqs), f"{name}: seqs out of order"
        rows = by_author[name]
        assert [(s, i) for s, i, _k, _p in rows] == [(s, i) for s, i, _c in reported]
        kinds = [k for _s, _i, k, _p in rows]
        assert kinds == [mp.KINDS[c % len(mp.KINDS)] for c in range(ACTS_PER_WRITER)]
        counters = [mp.counter_of(k, json.loads(p)) for _s, _i, k, p in rows]
        assert counters == list(range(ACTS_PER_WRITER)), f"{name}: acts out of its own order"

    # Every feed reader was handed every act exactly once, in sequence order.
    expected = list(range(base + 1, base + total + 1))
    for w in readers:
        seen = json.loads(w.stdout().splitlines()[-1])["seqs"]
        assert len(seen) == len(set(seen)), f"{w.name} saw an act twice"
        assert seen == expected, f"{w.name}: saw {len(seen)} acts, expected {total}, in order"

    verify = _run_verify(path)
    assert verify.returncode == 0, verify.stderr
    assert peak_wal < MAX_WAL_BYTES, f"the WAL grew to {peak_wal} bytes: checkpoints starved"
    print(f"{total} acts by {WRITERS} writers in {elapsed:.2f} s; WAL at most {peak_wal} bytes;"
          f" verified {verified_live} times during the writes")


# --- SIGKILL mid-stream -------------------------------------------------------------------------


def _read_until(proc: subprocess.Popen, enough: Callable[[list[str]], bool],
                timeout: float) -> tuple[list[str], bytes]:
    """Lines of ``proc``'s stdout pipe until ``enough(lines)``; also the unfinished rest."""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    rest = b""
    while not enough(lines):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            pytest.fail(f"timed out after {timeout:g} s; the writer printed {len(lines)} lines")
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            stderr = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"the writer exited early (code {proc.wait(5)}):\n{stderr}")
        *complete, rest = (rest + chunk).split(b"\n")
        lines.extend(c.decode() for c in complete)
    return lines, rest


def _start_writer(path: Path, member: str, count: int = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), "writer", "--workspace", str(path), "--as", member,
         "--count", str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, bufsize=0,
        cwd=ROOT, env=_env())


def _check_file(path: Path, reported: dict[int, str]) -> int:
    """Every reported act is in the file, the file is intact; returns the last sequence number."""
    db = _db(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        rows = dict(db.execute("SELECT seq, act_id FROM act"))
    finally:
        db.close()
    missing = {seq: act_id for seq, act_id in reported.items() if rows.get(seq) != act_id}
    assert not missing, f"acts reported committed but not in the file: {missing}"
    assert sorted(rows) == list(range(1, len(rows) + 1)), "the sequence has a gap"
    return len(rows)


@pytest.mark.slow
def test_sigkill_mid_stream_loses_no_committed_act_and_the_next_writer_goes_on(
        tmp_path: Path, workers: list) -> None:
    seed = int(os.environ.get("CAUCUS_MP_SEED") or random.randrange(1 << 32))
    rng = random.Random(seed)
    path = tmp_path / "killed.caucus"
    _negotiation, last = mp.setup_workspace(str(path))
    reported: dict[int, str] = {}
    context = f"(seed {seed}; rerun with CAUCUS_MP_SEED={seed})"

    for round_no in range(KILL_ROUNDS):
        member = mp.TEAM[round_no % len(mp.TEAM)][0]
        target = rng.randint(1, 250)
        proc = _start_writer(path, member)
        workers.append(proc)
        lines, rest = _read_until(
            proc, lambda ls, t=target: sum(x.startswith("committed ") for x in ls) >= t, 60)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        tail = rest + proc.stdout.read()
        tail_lines = tail.decode().split("\n")
        lines += tail_lines[:-1]  # the last piece has no newline: not a whole report
        stderr = proc.stderr.read().decode()
        assert stderr == "", f"round {round_no}: the writer failed {context}:\n{stderr}"

        commits = _committed(lines)
        assert len(commits) >= target
        seqs = [s for s, _i, _c in commits]
        assert seqs == sorted(seqs) and seqs[0] > last, f"round {round_no} {context}"
        reported.update((s, i) for s, i, _c in commits)

        last = _check_file(path, reported)
        verify = _run_verify(path)
        assert verify.returncode == 0, f"round {round_no} {context}: {verify.stderr}"

    # A last writer after all the kills runs to its end without an error.
    proc = _start_writer(path, mp.TEAM[0][0], count=25)
    workers.append(proc)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and err == b"", err.decode()
    commits = _committed(out.decode().splitlines())
    assert [s for s, _i, _c in commits] == list(range(last + 1, last + 26))
    reported.update((s, i) for s, i, _c in commits)
    _check_file(path, reported)
    assert _run_verify(path).returncode == 0


# --- presence ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_each_process_sees_who_else_is_connected_and_a_clean_exit_leaves(
        tmp_path: Path, workers: list) -> None:
    from app.feed import connected
    from app.store import Store

    path = tmp_path / "presence.caucus"
    negotiation, _base = mp.setup_workspace(str(path))
    present = [Worker(f"present-{n}", ["presence", "--workspace", str(path), "--as", name],
                      tmp_path)
               for n, (name, _role) in enumerate(mp.TEAM[1:])]
    workers.extend(w.proc for w in present)
    for w in present:
        w.wait_ready()
    store = Store(path)
    try:
        peers = connected(store)
        assert sorted((p.member, p.role, p.pid, p.negotiation) for p in peers) == sorted(
            (name, role, w.proc.pid, negotiation)
            for w, (name, role) in zip(present, mp.TEAM[1:], strict=True))
        assert len({p.session for p in peers}) == len(present)
        for w in present:
            w.tell("stop")
        for w in present:
            assert w.wait(timeout=60) == 0, w.stderr()
            assert w.stderr() == ""
        assert connected(store) == []
    finally:
        store.close()


# --- a feed that fails once must not drop the signal --------------------------------------------


class _FailsOnceOnSelect:
    """Stands in for the feed's sqlite3 connection: the first SELECT fails as a busy file would."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn, self.failed = conn, False

    def execute(self, sql: str, *args):
        if sql.lstrip().upper().startswith("SELECT") and not self.failed:
            self.failed = True
            raise sqlite3.OperationalError("database is locked")
        return self.conn.execute(sql, *args)

    def close(self) -> None:
        self.conn.close()


def test_a_poll_that_fails_once_still_delivers_the_acts_on_the_next_poll(tmp_path: Path) -> None:
    from app.errors import CaucusError
    from app.feed import ChangeFeed
    from app.store import Store

    path = tmp_path / "flaky.caucus"
    _negotiation, base = mp.setup_workspace(str(path))
    store = Store(path)
    feed = ChangeFeed(store, after=base)
    try:
        assert feed.poll() == []
        feed._conn = _FailsOnceOnSelect(feed._conn)
        writer = subprocess.run(
            [sys.executable, str(WORKERS), "writer", "--workspace", str(path), "--as",
             mp.TEAM[2][0], "--count", "1"],
            capture_output=True, text=True, timeout=60, cwd=ROOT, env=_env(),
            stdin=subprocess.DEVNULL)
        assert writer.returncode == 0, writer.stderr
        (seq, _id, _c), = _committed(writer.stdout.splitlines())
        with pytest.raises(CaucusError):
            feed.poll()  # the transient failure; the console shows it and polls again
        assert [a.seq for a in feed.poll()] == [seq]
    finally:
        feed.close()
        store.close()
