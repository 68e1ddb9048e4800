"""Fixtures for tests that need the PostgreSQL server (a pytest plugin loaded by conftest).

- ``pg_server`` (session): the machine's server, a throwaway database for the session and a
  template database prepared once; every database made is dropped at the end, whatever happened
  (and those of killed runs on this machine at the start of the next).
- ``pg_db``: a fresh database of its own for one test, cloned from the template (~20 ms on this
  machine, against ~40 ms to create the tables in a fresh schema), dropped after the test.
- ``pg_private`` (session): a private server that asks for passwords (scram-sha-256).

Without a server these tests skip, and the run's summary says why. ``.ci/run`` sets
``CAUCUS_REQUIRE_SERVER=1``: then a server test that cannot run fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NoReturn

import pytest

REQUIRE_SERVER = os.environ.get("CAUCUS_REQUIRE_SERVER") == "1"
#: libpq reads these from the environment; no test may pick up a developer's own settings.
LIBPQ_ENV = ("PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGSERVICEFILE", "PGUSER", "PGHOST",
             "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGSSLMODE", "PGOPTIONS", "PGAPPNAME",
             "PGCONNECT_TIMEOUT", "PGREQUIRESSL", "PGTARGETSESSIONATTRS")
_SKIPPED: set[str] = set()


def need(reason: str) -> NoReturn:
    """Skip the test for ``reason`` — or fail it, when CI requires the server tests to run."""
    if REQUIRE_SERVER:
        pytest.fail(f"{reason} (CAUCUS_REQUIRE_SERVER=1: the server tests must run)",
                    pytrace=False)
    _SKIPPED.add(reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say why the server tests were skipped, at the end of the run."""
    for reason in sorted(_SKIPPED):
        terminalreporter.write_line(
            f"PostgreSQL tests skipped: {reason}. Start the server (or set CAUCUS_TEST_SERVER "
            "to a superuser's address); CI sets CAUCUS_REQUIRE_SERVER=1 and fails them instead.",
            yellow=True)


@dataclass
class PgServer:
    """The test session's view of the server."""

    cluster: object
    database: str
    template: str
    made: list[str] = field(default_factory=list)

    @property
    def address(self):
        """The session's throwaway database."""
        return self.cluster.address(self.database)

    def fresh(self) -> str:
        """A new database cloned from the template; dropped at the end of the session at the
        latest."""
        name = self.cluster.create(template=self.template)
        self.made.append(name)
        return name


@pytest.fixture(autouse=True)
def _no_libpq_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LIBPQ_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The server, a session database and a prepared template (``pg_standin`` for now)."""
    try:
        import pg_cluster as servers
        import pg_standin
    except ImportError as exc:  # psycopg missing: the environment is not set up
        need(f"cannot load the PostgreSQL driver ({exc})")
    cluster = servers.Cluster()
    problem = cluster.check()
    if problem:
        need(problem)
    cluster.sweep()
    made: list[str] = []
    try:
        database = cluster.create()
        made.append(database)
        template = cluster.create()
        made.append(template)
        with cluster.connect(template) as conn:
            pg_standin.prepare(conn)
        server = PgServer(cluster, database, template, made)
        yield server
    finally:
        cluster.drop(made)


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator:
    """The address of a fresh database of this test's own (with the stand-in journal)."""
    name = pg_server.fresh()
    try:
        yield pg_server.cluster.address(name)
    finally:
        pg_server.cluster.drop([name])
        pg_server.made.remove(name)


@pytest.fixture(scope="session")
def pg_private() -> Iterator:
    """A private server with password logins; ``add_role`` makes roles with passwords."""
    import pg_cluster as servers

    server = servers.PrivateServer()
    problem = server.problem()
    if problem:
        need(f"no private PostgreSQL server for the password tests: {problem}")
    try:
        server.start()
    except Exception as exc:  # initdb or pg_ctl failed: say so rather than crash the session
        server.stop()
        need(f"the private PostgreSQL server did not start ({exc})")
    try:
        yield server
    finally:
        server.stop()
