"""The serialised append that phase 2 of issue 14 gives the server (prototyped on the stand-in
journal): 8 client processes appending at once keep one order with no gap and an unbroken chain,
and a reader woken by the listener never sees a sequence before one that is still to come."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pg_standin
import psycopg
import pytest
from listen_helpers import Reader, listener_for

pytestmark = [pytest.mark.server, pytest.mark.slow]
WORKER = Path(__file__).with_name("pg_append_worker.py")
CLIENTS, EACH = 8, 250


def test_eight_clients_keep_one_order_and_an_unbroken_chain(pg_db):
    workers = [subprocess.Popen([sys.executable, str(WORKER), pg_db.conninfo(), str(EACH),
                                 f"c{n}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for n in range(CLIENTS)]
    total = CLIENTS * EACH
    try:
        for w in workers:
            assert w.stdout.readline() == "ready\n", w.stderr.read()
        with listener_for(pg_db) as listener, Reader(pg_db, listener) as reader:
            reader.handle(listener.take() if listener.wait(10) else pytest.fail("no listener"))
            for w in workers:
                w.stdin.write("go\n")
                w.stdin.flush()
            reader.until_seen(total)
        for w in workers:
            out, err = w.communicate(timeout=60)
            assert (out, err, w.returncode) == ("done\n", "", 0)
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    # every read was contiguous: the reader only ever extended its list with seq > last
    assert reader.seen == list(range(1, total + 1))
    with psycopg.connect(pg_db.conninfo()) as conn:
        rows = pg_standin.after(conn, 0)
    assert len(rows) == total and pg_standin.chain_holds(rows)
    for n in range(CLIENTS):  # each client's acts in the order it appended them
        mine = [int(p.split("-")[1]) for _, p, _ in rows if p.startswith(f"c{n}-")]
        assert mine == list(range(1, EACH + 1))
