"""Logging in to a server that asks for passwords (a private PostgreSQL with scram-sha-256):
PGPASSWORD and ~/.pgpass honoured for scripts, a typed password kept in the keychain under the
server's address once it worked, asked again when refused, held for the session only when there
is no usable keychain; sslmode honoured (the machine's server has no SSL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

import keyring
import pytest
from keyring.backends import fail

from app import keychain
from app.pg import credentials
from app.pg.address import ServerAddress
from app.pg.credentials import PasswordNeeded, PasswordRefused, ServerUnavailable

pytestmark = pytest.mark.server
PASSWORD = "correct horse 7"


@pytest.fixture(scope="module")
def dana(pg_private) -> ServerAddress:
    pg_private.add_role("dana", PASSWORD)
    return pg_private.address("dana")


@pytest.fixture(autouse=True)
def _no_stored_password(dana) -> Iterator[None]:
    """The test keychain is shared by the session (keyed by workspace): clear dana's entry."""
    credentials.forget(dana)
    yield
    credentials.forget(dana)


def never_asked(why: str) -> str | None:
    raise AssertionError(f"asked for a password: {why}")


def logged_in_as(conn) -> str:
    with conn:
        return conn.execute("SELECT current_user").fetchone()[0]


def test_no_password_anywhere_is_said_plainly(dana):
    login = credentials.find(dana)
    assert (login.password, login.source) == (None, "libpq")
    with pytest.raises(PasswordNeeded) as needed:
        credentials.connect(login)
    assert "dana's password" in str(needed.value) and "PGPASSWORD" in str(needed.value)
    assert str(dana.port) in str(needed.value)


def test_pgpassword_is_honoured_before_the_keychain(dana, monkeypatch):
    keychain.save_server_password(dana.account, "an old password")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    login = credentials.find(dana)
    assert (login.password, login.source) == (None, "PGPASSWORD")
    assert logged_in_as(credentials.connect(login)) == "dana"
    monkeypatch.setenv("PGPASSWORD", "wrong")
    with pytest.raises(PasswordRefused):  # a script's password is never replaced by asking
        credentials.open_connection(dana, ask=never_asked)


def test_pgpass_is_honoured_for_scripts(dana):
    pgpass = os.path.join(os.environ["HOME"], ".pgpass")  # the test's own home
    with open(pgpass, "w", encoding="utf-8") as f:
        f.write(f"127.0.0.1:{dana.port}:*:dana:{PASSWORD}\n")
    os.chmod(pgpass, 0o600)
    conn, login = credentials.open_connection(dana, ask=never_asked)
    assert login.source == "libpq" and login.password is None
    assert logged_in_as(conn) == "dana"
    os.chmod(pgpass, 0o644)  # libpq ignores a .pgpass that others can read
    with pytest.raises(PasswordNeeded):
        credentials.connect(credentials.find(dana))


def test_a_typed_password_is_kept_in_the_keychain_once_it_worked(dana):
    asked: list[str] = []

    def ask(why: str) -> str:
        asked.append(why)
        return "wrong guess" if len(asked) == 1 else PASSWORD

    conn, login = credentials.open_connection(dana, ask=ask)
    assert logged_in_as(conn) == "dana"
    assert "dana's password" in asked[0] and "refused" in asked[1]
    assert login.source == "keychain" and login.keychain_problem is None
    assert keychain.load_server_password(f"dana@127.0.0.1:{dana.port}") == PASSWORD
    again, login = credentials.open_connection(dana, ask=never_asked)
    assert logged_in_as(again) == "dana" and login.source == "keychain"
    assert PASSWORD not in repr(login)


def test_a_refused_keychain_password_is_asked_again_and_replaced(dana):
    keychain.save_server_password(dana.account, "changed since")
    conn, login = credentials.open_connection(dana, ask=lambda why: PASSWORD)
    assert logged_in_as(conn) == "dana"
    assert keychain.load_server_password(dana.account) == PASSWORD


def test_giving_up_when_asked_raises_what_the_server_said(dana):
    with pytest.raises(PasswordNeeded):
        credentials.open_connection(dana, ask=lambda why: None)
    with pytest.raises(PasswordNeeded):
        credentials.open_connection(dana)


def test_without_a_usable_keychain_the_password_is_held_for_the_session_only(dana):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        conn, login = credentials.open_connection(dana, ask=lambda why: PASSWORD)
        assert logged_in_as(conn) == "dana"
        assert login.source == "session" and "keychain" in login.keychain_problem
        again = credentials.find(dana)
        assert again.source == "session" and again.keychain_problem
        assert logged_in_as(credentials.connect(again)) == "dana"
    finally:
        keyring.set_keyring(previous)
    assert keychain.load_server_password(dana.account) is None  # nothing reached any keychain
    credentials.forget(dana)
    assert credentials.find(dana).source == "libpq"


def test_sslmode_is_honoured(pg_server, monkeypatch):
    plain = pg_server.address  # the machine's server runs without SSL
    required = replace(plain, options=(("sslmode", "require"),))
    with pytest.raises(ServerUnavailable, match="SSL"):
        credentials.connect(credentials.find(required))
    disabled = replace(plain, options=(("sslmode", "disable"),))
    with credentials.connect(credentials.find(disabled)) as conn:
        assert conn.pgconn.ssl_in_use is False
    monkeypatch.setenv("PGSSLMODE", "require")  # and libpq's variable, when the URL says none
    with pytest.raises(ServerUnavailable, match="SSL"):
        credentials.connect(credentials.find(plain))


def test_an_unreachable_server_is_not_a_password_problem(pg_private):
    nowhere = replace(pg_private.address("dana"), port=1)
    with pytest.raises(ServerUnavailable, match="cannot connect"):
        credentials.open_connection(nowhere, ask=never_asked)
