"""Floors for a workspace on the PostgreSQL server (issue 14), measured in one run on this machine.

    .venv/bin/python benchmarks/bench_server.py [--quick] [--server postgresql://postgres@127.0.0.1/postgres]

1. NOTIFY round trip: a commit that NOTIFYs in this process → the LISTENing connection of another
   process has it in hand (CLOCK_MONOTONIC on both sides). Two listener processes hear every
   notification at once: a raw psycopg connection waiting in ``select`` (the floor) and
   ``app.pg.listener.Listener`` (its thread, then its wake descriptor). Half the commits are a
   bare ``pg_notify``, half the prototype append (advisory lock, next seq, INSERT whose trigger
   NOTIFYs), in a random order so that load falls on both alike.
2. Append p95: a raw INSERT into a table with a ``bigserial`` key (floor) against the prototype
   serialised append, alternating, into a table already holding thousands of rows.
3. Idle CPU of a process waiting on LISTEN with nothing happening: raw, and the ``Listener``.

Phase 2 adds the Caucus figures (``Workspace.log`` on the server, the act in another console's
Session) beside these. A throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

from app.pg.address import parse  # noqa: E402
from app.pg.listener import CHANNEL, Listener, notify_ddl  # noqa: E402

LOCK = 0x43415543
DDL = [
    "CREATE TABLE act (seq BIGINT PRIMARY KEY, payload TEXT NOT NULL, mac TEXT NOT NULL)",
    *notify_ddl("act"),
    "CREATE TABLE raw (seq BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL, mac TEXT NOT NULL)",
]
PAYLOAD = '{"issue": "price", "value": "0.93", "unit": "EUR/kg", "side": "them"}'


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(ns: float) -> str:
    return f"{ns / 1e6:8.3f}ms"


def pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {cpu % os.cpu_count()})


# --- the listener processes ----------------------------------------------------------------------

def listen_raw(conninfo: str) -> None:
    """Print ``seq t_ns`` for every notification, taken as soon as it is in hand."""
    import selectors

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        print("ready", flush=True)
        sel = selectors.DefaultSelector()
        sel.register(conn.fileno(), selectors.EVENT_READ)
        while True:
            sel.select()
            for n in conn.notifies(timeout=0):
                if n.payload == "stop":
                    return
                print(n.payload, time.monotonic_ns(), flush=True)


def listen_caucus(conninfo: str) -> None:
    """The same through ``Listener``: blocked on its descriptor, then ``take()``."""
    listener = Listener(lambda: psycopg.connect(conninfo, autocommit=True)).start()
    listener.wait(10)
    listener.take()
    print("ready", flush=True)
    try:
        while True:
            listener.wait()
            news = listener.take()
            now = time.monotonic_ns()
            if news.notified == 0:
                return
            if news.notified is not None:
                print(news.notified, now, flush=True)
    finally:
        listener.close()


def idle(conninfo: str, kind: str, seconds: float) -> None:
    """Wait on LISTEN for ``seconds`` with nothing happening; print CPU time / wall time (%)."""
    if kind == "raw":
        import select

        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
            c0, w0 = time.process_time(), time.monotonic()
            while time.monotonic() - w0 < seconds:
                select.select([conn.fileno()], [], [], seconds - (time.monotonic() - w0))
            cpu, wall = time.process_time() - c0, time.monotonic() - w0
    else:
        listener = Listener(lambda: psycopg.connect(conninfo, autocommit=True)).start()
        listener.wait(10)
        listener.take()
        c0, w0 = time.process_time(), time.monotonic()
        while time.monotonic() - w0 < seconds:
            listener.wait(seconds - (time.monotonic() - w0))
        cpu, wall = time.process_time() - c0, time.monotonic() - w0
        listener.close()
    print(f"{100 * cpu / wall:.4f}", flush=True)


# --- the writer's side ---------------------------------------------------------------------------

def append(conn: psycopg.Connection, payload: str) -> tuple[int, int]:
    """The prototype serialised append; (its seq, the time just before COMMIT)."""
    conn.execute("BEGIN")
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
    row = conn.execute("SELECT seq FROM act ORDER BY seq DESC LIMIT 1").fetchone()
    seq = (row[0] if row else 0) + 1
    conn.execute("INSERT INTO act (seq, payload, mac) VALUES (%s, %s, %s)",
                 (seq, payload, "x" * 64))
    t0 = time.monotonic_ns()
    conn.execute("COMMIT")
    return seq, t0


def spawn(mode: str, conninfo: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, __file__, f"--{mode}", conninfo],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "ready\n"
    return proc


def round_trip(conninfo: str, count: int) -> dict[str, list[float]]:
    raw, caucus = spawn("listen-raw", conninfo), spawn("listen-caucus", conninfo)
    pin(0)
    out: dict[str, list[float]] = {"raw: pg_notify": [], "Listener: pg_notify": [],
                                   "Listener: append": []}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        notify_seq = 10_000_000
        for _ in range(count):
            if random.random() < 0.5:
                notify_seq += 1
                seq, t0 = notify_seq, time.monotonic_ns()
                conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(seq)))
                keys = ("raw: pg_notify", "Listener: pg_notify")
            else:
                seq, t0 = append(conn, PAYLOAD)
                keys = (None, "Listener: append")
            for proc, key in zip((raw, caucus), keys, strict=True):
                got, t1 = proc.stdout.readline().split()
                assert int(got) == seq, (got, seq)
                if key:
                    out[key].append(int(t1) - t0)
            time.sleep(random.uniform(0.003, 0.008))
        conn.execute("SELECT pg_notify(%s, 'stop')", (CHANNEL,))
        conn.execute("SELECT pg_notify(%s, '0')", (CHANNEL,))
    raw.wait(10)
    caucus.wait(10)
    return out


def appends(conninfo: str, prefill: int, count: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"raw INSERT (bigserial)": [], "advisory-lock append": []}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for _ in range(prefill):
            append(conn, PAYLOAD)
            conn.execute("INSERT INTO raw (payload, mac) VALUES (%s, %s)", (PAYLOAD, "x" * 64))
        for i in range(count):
            for key in (out if i % 2 else reversed(list(out))):
                t0 = time.perf_counter_ns()
                if key.startswith("raw"):
                    conn.execute("INSERT INTO raw (payload, mac) VALUES (%s, %s)",
                                 (PAYLOAD, "x" * 64))
                else:
                    append(conn, PAYLOAD)
                out[key].append(time.perf_counter_ns() - t0)
    return out


def report(title: str, figures: dict[str, list[float]]) -> None:
    print(title)
    print(f"   {'':36}{'p50':>10}{'p95':>10}{'max':>10}")
    for name, values in figures.items():
        print(f"   {name:36}{ms(statistics.median(values))}{ms(pct(values, 95))}"
              f"{ms(max(values))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default=os.environ.get(
        "CAUCUS_TEST_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--listen-raw", metavar="CONNINFO")
    parser.add_argument("--listen-caucus", metavar="CONNINFO")
    parser.add_argument("--idle", nargs=3, metavar=("CONNINFO", "KIND", "SECONDS"))
    args = parser.parse_args()
    if args.listen_raw or args.listen_caucus:
        pin(1)
        return listen_raw(args.listen_raw) if args.listen_raw else listen_caucus(
            args.listen_caucus)
    if args.idle:
        return idle(args.idle[0], args.idle[1], float(args.idle[2]))
    run(parse(args.server), args.quick)


def run(admin, quick: bool) -> None:
    name = f"caucus_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    started = time.monotonic()
    try:
        db = parse(admin.display.rsplit("/", 1)[0] + "/" + name).conninfo()
        with psycopg.connect(db, autocommit=True) as conn:
            for statement in DDL:
                conn.execute(statement)
        n_rt, n_app, pre, idle_s = (150, 300, 1000, 3) if quick else (500, 2000, 5000, 10)
        with psycopg.connect(db) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        print(f"PostgreSQL {version}, psycopg {psycopg.__version__} (libpq "
              f"{psycopg.pq.version()}), {os.cpu_count()} CPU\n")
        report(f"1. Commit+NOTIFY in this process -> in hand in another ({n_rt} commits, "
               "3-8 ms apart, CLOCK_MONOTONIC; writer and listeners on separate CPUs)",
               round_trip(db, n_rt))
        report(f"\n2. Append one act, autocommit ({n_app} each, alternating; table already "
               f"holding {pre}+ rows)", appends(db, pre, n_app))
        print(f"\n3. Idle CPU of a process waiting on LISTEN, no traffic ({idle_s} s; % of one "
              "core)")
        for kind in ("raw", "Listener"):
            out = subprocess.run([sys.executable, __file__, "--idle", db, kind, str(idle_s)],
                                 capture_output=True, text=True, check=True).stdout
            label = "raw select() on its socket" if kind == "raw" else "Listener.wait()"
            print(f"   {label:36}{float(out):9.4f}%")
    finally:
        with psycopg.connect(admin.conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
    print(f"\n({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
