"""The server test harness: a throwaway database per session and one per test, all dropped."""

from __future__ import annotations

import os
import subprocess
import sys

import pg_cluster
import pg_standin
import psycopg
import pytest

pytestmark = pytest.mark.server


def test_a_fresh_database_has_the_template_schema_and_is_dropped_after(pg_server, pg_db):
    with psycopg.connect(pg_db.conninfo(), autocommit=True) as conn:
        assert pg_standin.append(conn, "first") == 1
        assert pg_standin.after(conn, 0)[0][:2] == (1, "first")
    assert pg_db.dbname in pg_server.cluster.ours()
    assert pg_db.dbname in pg_server.made


def test_each_test_gets_its_own_database(pg_server, pg_db):
    other = pg_server.fresh()
    try:
        with psycopg.connect(pg_server.cluster.address(other).conninfo(), autocommit=True) as c:
            assert pg_standin.after(c, 0) == []
    finally:
        pg_server.cluster.drop([other])
        pg_server.made.remove(other)
    assert other not in pg_server.cluster.ours()


def test_sweep_drops_the_databases_of_dead_runs_only(pg_server):
    cluster = pg_server.cluster
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(dead.stdout)
    stale = f"{pg_cluster.PREFIX}_{pg_cluster._HOST}_{pid}_1"
    with cluster.connect() as conn:
        conn.execute(f'CREATE DATABASE "{stale}"')
    live = pg_server.fresh()
    assert cluster.sweep() == [stale]
    assert live in cluster.ours() and stale not in cluster.ours()
    assert os.getpid() == int(live.split("_")[3])


INNER = '''
import os, pytest

def test_fails_with_databases_open(pg_server, pg_db):
    print("DATABASES", pg_server.database, pg_server.template, pg_db.dbname)
    assert False, "a failing server test"

def test_dies_badly(pg_server):
    pg_server.fresh()
    raise RuntimeError("boom")
'''


def test_every_database_is_dropped_when_server_tests_fail(pg_server, tmp_path):
    (tmp_path / "test_inner.py").write_text(INNER)
    tests = os.path.dirname(__file__)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.path.dirname(tests)])}
    run = subprocess.Popen([sys.executable, "-m", "pytest", "-p", "pg_fixtures", "-s", "-q",
                            "-p", "no:cacheprovider", str(tmp_path / "test_inner.py")],
                           cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True)
    out, _ = run.communicate(timeout=120)
    assert run.returncode == 1, out
    assert "2 failed" in out
    made = next(line.split()[1:] for line in out.splitlines() if line.startswith("DATABASES"))
    assert all(f"_{run.pid}_" in name for name in made)
    left = [n for n in pg_server.cluster.ours() if f"_{run.pid}_" in n]
    assert left == []
