"""Server addresses: parsed as libpq parses them, refused with a reason when Caucus cannot use
them, shown and written to disk without a password (recent list, settings, logs)."""

from __future__ import annotations

import logging

import pytest

from app.errors import InvalidInput
from app.pg.address import (
    RedactPasswords,
    ServerAddress,
    for_disk,
    is_server_url,
    parse,
    redact,
)


def test_a_full_address():
    a = parse("postgresql://dana@db.example.com:6543/caucus?sslmode=require")
    assert a == ServerAddress("db.example.com", 6543, "caucus", "dana",
                              (("sslmode", "require"),))
    assert a.display == "postgresql://dana@db.example.com:6543/caucus?sslmode=require"
    assert a.account == "dana@db.example.com:6543"
    assert a.sslmode == "require"
    assert parse(a.display) == a


def test_defaults_and_spellings(monkeypatch):
    monkeypatch.setenv("PGUSER", "sam")
    a = parse("  postgres://db/caucus  ")
    assert (a.host, a.port, a.dbname, a.user, a.sslmode) == ("db", 5432, "caucus", None, None)
    assert a.display == "postgresql://db/caucus"
    assert a.account == "sam@db:5432"  # libpq's user: $PGUSER, else the OS user
    six = parse("postgresql://[::1]:5433/team%20one")
    assert (six.host, six.port, six.dbname) == ("::1", 5433, "team one")
    assert six.display == "postgresql://[::1]:5433/team%20one"
    assert parse(six.display) == six


def test_the_connection_string_passes_the_password_only_when_given():
    a = parse("postgresql://dana@db/caucus?sslmode=verify-full")
    assert "password" not in a.conninfo()
    assert "password=" in a.conninfo("s3cret") and "sslmode=verify-full" in a.conninfo()


@pytest.mark.parametrize(("text", "says"), [
    ("db.example.com/caucus", "starts with postgresql://"),
    ("postgresql:///caucus", "name the server"),
    ("postgresql://db", "name the database"),
    ("postgresql://db/", "name the database"),
    ("postgresql://a,b/caucus", "one server"),
    ("postgresql://db:99999/caucus", "1 to 65535"),
    ("postgresql://db:abc/caucus", "1 to 65535"),
    ("postgresql://db/caucus?sslmode=sometimes", "sslmode is one of"),
    ("postgresql://db/caucus?options=-csearch_path%3Dx", "does not use the option options"),
    ("postgresql://db/caucus?nonsense=1", "not a valid server address"),
])
def test_addresses_caucus_cannot_use_are_refused_with_a_reason(text, says):
    with pytest.raises(InvalidInput, match=says):
        parse(text)


@pytest.mark.parametrize("text", ["postgresql://dana:s3cret@db/caucus",
                                  "postgresql://dana@db/caucus?password=s3cret"])
def test_a_password_in_the_address_is_refused_and_never_repeated(text):
    with pytest.raises(InvalidInput) as refused:
        parse(text)
    assert "s3cret" not in str(refused.value)
    assert "keychain" in str(refused.value) and "PGPASSWORD" in str(refused.value)
    assert for_disk(text) == "postgresql://dana@db/caucus"


def test_what_goes_to_disk_has_no_password():
    assert for_disk("/home/dana/team.caucus") == "/home/dana/team.caucus"
    assert for_disk("postgresql://u:p@h:5432/d?sslmode=require") == \
        "postgresql://u@h/d?sslmode=require"
    assert for_disk("postgresql://u:p@h/d?bogus=1") == "postgresql://u@h/d?bogus=1"
    assert is_server_url("POSTGRESQL://h/d") and not is_server_url("team.caucus")


def test_redact_takes_passwords_out_of_any_text():
    text = ("opening postgresql://dana:s3cret@db/caucus with host=db password='a b' "
            "and postgres://x:y@z/w?password=zz")
    clean = redact(text)
    assert all(secret not in clean for secret in ("s3cret", "'a b'", ":y@", "zz"))
    assert "postgresql://dana@db/caucus" in clean and "password=***" in clean


def test_a_log_file_never_holds_a_server_password(tmp_path):
    log = logging.getLogger("caucus.test.redact")
    handler = logging.FileHandler(tmp_path / "caucus.log", encoding="utf-8")
    handler.addFilter(RedactPasswords())
    log.addHandler(handler)
    try:
        log.error("cannot open %s", "postgresql://dana:s3cret@db/caucus")
        log.error("conninfo host=db password=s3cret")
    finally:
        log.removeHandler(handler)
        handler.close()
    written = (tmp_path / "caucus.log").read_text(encoding="utf-8")
    assert "s3cret" not in written and "postgresql://dana@db/caucus" in written


def test_the_recent_list_and_settings_never_hold_a_server_password(config_dir):
    pytest.importorskip("PySide6")
    from ui import settings

    settings.remember_workspace("postgresql://dana:s3cret@db/caucus")
    settings.remember_identity("postgresql://dana:s3cret@db/caucus", "Dana Whitfield", "lead")
    assert settings.recent_workspaces() == ["postgresql://dana@db/caucus"]
    assert settings.identity("postgresql://dana@db/caucus") == ("Dana Whitfield", "lead")
    written = "".join(p.read_text(encoding="utf-8") for p in config_dir.rglob("*") if p.is_file())
    assert "s3cret" not in written and "dana@db" in written
