"""Logging in to a server: where the password comes from, and what a refused login means.

Order, most explicit first: ``PGPASSWORD`` (a script said so: libpq uses it, Caucus passes none);
the keychain entry for ``user@host:port``; a password typed in this session when the keychain is
unusable (held in memory only, as the join phrase is); otherwise none, and libpq looks in
``~/.pgpass`` (or ``$PGPASSFILE``) itself, or the server needs none. A password the user types is
tried first and kept only once the server took it. Connection failures carry no SQLSTATE (libpq
gives none before the session starts), so they are told apart by libpq's own flags:
``needs_password`` (asked, none available) and ``used_password`` (given, then refused).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from app import keychain
from app.errors import CaucusError
from app.keychain import KeychainUnavailable
from app.pg.address import ServerAddress, redact

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT_S = 5
APPLICATION_NAME = "caucus"
#: Passwords typed while the keychain was unusable, by account; never written anywhere.
_SESSION: dict[str, str] = {}


class ServerError(CaucusError):
    """The server workspace cannot be used; the message names the server (never a password)."""


class ServerUnavailable(ServerError):
    """The server could not be reached, or refused the connection for a reason other than the
    password (libpq's message says which)."""


class PasswordNeeded(ServerError):
    """The server asks for a password and none was available."""


class PasswordRefused(ServerError):
    """A password was given and the server refused the login after it."""


@dataclass(frozen=True)
class Login:
    """How to log in: the password to pass (None: libpq finds one or needs none) and its source."""

    address: ServerAddress
    password: str | None = None
    source: str = "libpq"  # "PGPASSWORD", "keychain", "session", "typed" or "libpq"
    keychain_problem: str | None = None

    def __repr__(self) -> str:  # never show the password
        return f"Login({self.address.display!r}, source={self.source!r})"


def find(address: ServerAddress) -> Login:
    """Where this address's password comes from, before any connection is tried."""
    if os.environ.get("PGPASSWORD"):
        return Login(address, None, "PGPASSWORD")
    try:
        stored = keychain.load_server_password(address.account)
    except KeychainUnavailable as exc:
        held = _SESSION.get(address.account)
        return Login(address, held, "session" if held else "libpq", str(exc))
    if stored:
        return Login(address, stored, "keychain")
    return Login(address, None, "libpq")


def connect(login: Login, **extra: str | int) -> psycopg.Connection:
    """A new autocommit connection; the failures a user can act on as ``ServerError``."""
    import psycopg

    options = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": APPLICATION_NAME, **extra}
    try:
        return psycopg.connect(login.address.conninfo(login.password, **options), autocommit=True)
    except psycopg.OperationalError as exc:
        raise failure(login, exc) from None


def failure(login: Login, exc: psycopg.OperationalError) -> ServerError:
    """The typed error for a failed connection attempt."""
    pgconn = exc.pgconn
    shown = login.address.display
    detail = redact(str(exc).removeprefix("connection failed: ").strip())
    if pgconn is not None and pgconn.needs_password:
        return PasswordNeeded(
            f"{shown}: the server asks for {login.address.effective_user}'s password, and none "
            "is in your keychain, PGPASSWORD or ~/.pgpass")
    if pgconn is not None and pgconn.used_password:
        return PasswordRefused(f"{shown}: the server refused the login ({detail})")
    return ServerUnavailable(f"{shown}: cannot connect ({detail})")


def open_connection(address: ServerAddress, ask: Callable[[str], str | None] | None = None,
                    **extra: str | int) -> tuple[psycopg.Connection, Login]:
    """Connect, asking for the password (``ask(why)`` → the password, or None to give up) when
    the server needs one that is not at hand; a typed password that works is kept (``keep``)."""
    login = find(address)
    while True:
        try:
            conn = connect(login, **extra)
        except (PasswordNeeded, PasswordRefused) as exc:
            typed = ask(str(exc)) if ask and login.source != "PGPASSWORD" else None
            if typed is None:
                raise
            login = replace(login, password=typed, source="typed")
            continue
        return conn, keep(login) if login.source == "typed" else login


def keep(login: Login) -> Login:
    """Remember a password that worked: in the keychain, or for this session only when there is
    no usable keychain (then ``keychain_problem`` says why, for a visible banner)."""
    assert login.password is not None
    try:
        keychain.save_server_password(login.address.account, login.password)
    except KeychainUnavailable as exc:
        _SESSION[login.address.account] = login.password
        return replace(login, source="session", keychain_problem=str(exc))
    _SESSION.pop(login.address.account, None)
    return replace(login, source="keychain", keychain_problem=None)


def forget(address: ServerAddress) -> None:
    """Forget this server's password, in the keychain and in this session."""
    _SESSION.pop(address.account, None)
    keychain.forget_server_password(address.account)
