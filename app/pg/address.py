"""Server addresses: ``postgresql://[user@]host[:port]/dbname[?sslmode=…]``.

libpq itself parses the URL (``psycopg.conninfo.conninfo_to_dict``), so an address means here what
it means to ``psql``; on top Caucus asks for one host and a database name, checks the port and the
``sslmode``, and accepts a few connection options. A password is never part of an address: one in
the URL is refused (``parse``) or dropped (``for_disk``, ``redact``), so what is written to disk —
the recent-workspace list, settings, logs — holds none. The password lives in the keychain
(``app.pg.credentials``), or in ``PGPASSWORD`` / ``~/.pgpass`` for scripts.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
from dataclasses import dataclass
from urllib.parse import quote

from app.errors import InvalidInput

SCHEMES = ("postgresql://", "postgres://")
DEFAULT_PORT = 5432
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
#: Options an address may carry besides host, port, user and database.
OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "application_name")
_URL_PASSWORD = re.compile(r"(?i)(postgres(?:ql)?://[^/@\s:]*):[^@/\s]*@")
_KEY_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)")


def is_server_url(text: str | os.PathLike) -> bool:
    """True when ``text`` names a server workspace rather than a file."""
    return isinstance(text, str) and text.strip().lower().startswith(SCHEMES)


@dataclass(frozen=True)
class ServerAddress:
    """Where a server workspace lives. Holds no password, so it can be shown, logged and kept."""

    host: str
    port: int
    dbname: str
    user: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    @property
    def display(self) -> str:
        """The address as a user writes it, without any password (for lists, titles, logs)."""
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else quote(self.host, safe="")
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in self.options)
        return f"postgresql://{user}{host}{port}/{quote(self.dbname, safe='')}" + (
            f"?{query}" if query else "")

    @property
    def effective_user(self) -> str:
        """The role libpq logs in as: the address's user, else ``$PGUSER``, else the OS user."""
        return self.user or os.environ.get("PGUSER") or getpass.getuser()

    @property
    def account(self) -> str:
        """The keychain entry's name for this server's password: ``user@host:port``."""
        return f"{self.effective_user}@{self.host}:{self.port}"

    @property
    def sslmode(self) -> str | None:
        """The ``sslmode`` the address asks for (None: libpq's default or ``$PGSSLMODE``)."""
        return dict(self.options).get("sslmode")

    def conninfo(self, password: str | None = None, **extra: str | int) -> str:
        """The libpq connection string; with no password libpq looks in ``PGPASSWORD`` and
        ``.pgpass`` itself."""
        from psycopg.conninfo import make_conninfo

        params: dict[str, str | int] = {"host": self.host, "port": self.port,
                                        "dbname": self.dbname, **dict(self.options), **extra}
        if self.user:
            params["user"] = self.user
        if password is not None:
            params["password"] = password
        return make_conninfo(**params)

    def __str__(self) -> str:
        return self.display


def parse(text: str) -> ServerAddress:
    """The address named by ``text``; ``InvalidInput`` (saying what is wrong) otherwise, and for
    an address that holds a password."""
    address, password = _split(text)
    if password is not None:
        raise InvalidInput(
            f"{redact(text.strip())}: leave the password out of the address; Caucus asks for it "
            "once and keeps it in your keychain (scripts: PGPASSWORD or ~/.pgpass)")
    return address


def for_disk(location: str | os.PathLike) -> str:
    """What may be written to disk for a workspace: a server address without its password, or
    the file path unchanged."""
    if not is_server_url(location):
        return os.fspath(location)
    try:
        return _split(str(location))[0].display
    except InvalidInput:
        return redact(str(location))


def redact(text: str) -> str:
    """``text`` with any password in a server URL or ``password=…`` setting taken out."""
    return _KEY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1@", text))


class RedactPasswords(logging.Filter):
    """A logging filter that takes server passwords out of every record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drops a record."""
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def _split(text: str) -> tuple[ServerAddress, str | None]:
    """The address and the password the URL carried (if any)."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    raw = text.strip()
    shown = redact(raw)
    if not is_server_url(raw):
        raise InvalidInput(f"{shown}: a server address starts with postgresql://")
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(raw).items()}
    except ProgrammingError as exc:
        raise InvalidInput(f"{shown}: not a valid server address ({redact(str(exc))})") from None
    password = params.pop("password", None)
    return _build(shown, params), password


def _build(shown: str, params: dict[str, str]) -> ServerAddress:
    host, port, dbname = params.pop("host", ""), params.pop("port", ""), params.pop("dbname", "")
    user = params.pop("user", None) or None
    if not host:
        raise InvalidInput(f"{shown}: name the server, e.g. postgresql://db.example.com/caucus")
    if "," in host or "," in port:
        raise InvalidInput(f"{shown}: name one server, not several")
    if not dbname:
        raise InvalidInput(f"{shown}: name the database after the server, e.g. …/caucus")
    unknown = sorted(set(params) - set(OPTIONS))
    if unknown:
        raise InvalidInput(f"{shown}: Caucus does not use the option {', '.join(unknown)} "
                           f"(it takes {', '.join(OPTIONS)})")
    if params.get("sslmode", "prefer") not in SSLMODES:
        raise InvalidInput(f"{shown}: sslmode is one of {', '.join(SSLMODES)}")
    return ServerAddress(host, _port(shown, port), dbname, user, tuple(sorted(params.items())))


def _port(shown: str, port: str) -> int:
    if not port:
        return DEFAULT_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidInput(f"{shown}: the port is a number from 1 to 65535, not {port!r}")
    return int(port)
