"""The PostgreSQL server the tests use: throwaway databases, and a private server that asks for
passwords.

``Cluster`` talks to the machine's server (``$CAUCUS_TEST_SERVER``, by default the local one with
trust auth) as a superuser. Every database it makes is named ``caucus_t_<host>_<pid>_<n>``, so
that databases left behind by a killed test run on this machine are found and dropped by the
next run (``sweep``), and never those of a run still going.

``PrivateServer`` is a PostgreSQL of our own (``initdb`` into a temporary folder, on a free
loopback port) with ``scram-sha-256`` logins, for what trust auth cannot show: a password asked
for, refused, or found in ``PGPASSWORD`` / ``.pgpass``.
"""

from __future__ import annotations

import glob
import hashlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

import psycopg
from psycopg import sql

from app.pg.address import ServerAddress, parse

ADMIN_URL = os.environ.get("CAUCUS_TEST_SERVER", "postgresql://postgres@127.0.0.1:5432/postgres")
PREFIX = "caucus_t"
_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
_counter = itertools.count(1)


class Cluster:
    """The machine's server, as an administrator."""

    def __init__(self, url: str = ADMIN_URL):
        self.admin = parse(url)

    def address(self, dbname: str) -> ServerAddress:
        """The address of one of this server's databases."""
        return ServerAddress(self.admin.host, self.admin.port, dbname, self.admin.user,
                             self.admin.options)

    def connect(self, dbname: str | None = None) -> psycopg.Connection:
        """An autocommit superuser connection (to the admin database unless ``dbname``)."""
        address = self.address(dbname) if dbname else self.admin
        return psycopg.connect(address.conninfo(connect_timeout=5), autocommit=True)

    def check(self) -> str | None:
        """Why the server cannot be used for tests, or None when it can."""
        try:
            with self.connect() as conn:
                superuser = conn.execute("SELECT rolsuper FROM pg_roles"
                                         " WHERE rolname = current_user").fetchone()
        except psycopg.Error as exc:
            return f"no PostgreSQL server at {self.admin.display} ({' '.join(str(exc).split())})"
        if not superuser or not superuser[0]:
            return f"{self.admin.display}: the tests need a superuser to create databases"
        return None

    def create(self, template: str | None = None) -> str:
        """A new, empty database (a copy of ``template`` if given); its name."""
        name = f"{PREFIX}_{_HOST}_{os.getpid()}_{next(_counter)}"
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self.connect() as conn:
            conn.execute(query)
        return name

    def drop(self, names: Iterable[str]) -> None:
        """Drop databases, ending any connection still open to them."""
        with self.connect() as conn:
            for name in names:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))

    def ours(self) -> list[str]:
        """The test databases on the server made by this machine."""
        with self.connect() as conn:
            rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                (f"{PREFIX}_{_HOST}_%",)).fetchall()
        return [r[0] for r in rows]

    def sweep(self) -> list[str]:
        """Drop the test databases of runs on this machine that are no longer alive."""
        stale = [n for n in self.ours() if not _alive(int(n.split("_")[3]))]
        self.drop(stale)
        return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateServer:
    """A PostgreSQL server of the test session's own that asks every login for a password."""

    SUPERUSER, SUPERUSER_PASSWORD = "postgres", "admin-secret"

    def __init__(self) -> None:
        self.bindir = _bindir()
        self.folder: Path | None = None
        self.port = 0

    def problem(self) -> str | None:
        """Why a private server cannot be started here, or None."""
        if self.bindir is None:
            return "initdb is not installed (Debian: the postgresql package)"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root without runuser to start PostgreSQL as its own user"
        return None

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        """initdb and start on a free loopback port (with scram-sha-256 for every login)."""
        self.folder = Path(tempfile.mkdtemp(prefix="caucus-pg-"))
        pwfile = self.folder / "pw"
        pwfile.write_text(self.SUPERUSER_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            shutil.chown(pwfile, "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", self.SUPERUSER, "-A", "scram-sha-256",
                  f"--pwfile={pwfile}", "-N", "-E", "UTF8", "--locale=C")
        self.port = _free_port()
        self._run("pg_ctl", "-D", str(data), "-w", "-l", str(self.folder / "log"), "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "start")

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.folder is None:
            return
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def address(self, user: str | None = None, dbname: str = "postgres",
                **options: str) -> ServerAddress:
        """An address on this server (no password in it)."""
        return ServerAddress("127.0.0.1", self.port, dbname, user, tuple(sorted(options.items())))

    def add_role(self, name: str, password: str) -> None:
        """A login role with a password (stored as a SCRAM verifier)."""
        conninfo = self.address(self.SUPERUSER).conninfo(self.SUPERUSER_PASSWORD)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)))
