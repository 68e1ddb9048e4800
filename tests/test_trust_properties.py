"""Property: any single UPDATE, DELETE or INSERT made with the sqlite3 module on a table that gives
the journal meaning — ``meta``, ``negotiation``, ``act`` — with the journal's triggers dropped
first, is reported by ``verify`` (holding the join phrase).

``presence`` is left out on purpose: every running Caucus rewrites its row every few seconds, and
no act, seal or analysis reads it (it only shows who is connected).
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import EXAMPLE, import_enrolled
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app import scenario
from app.errors import CaucusError
from app.verify import check
from app.workspace import Workspace

TABLES = ("meta", "negotiation", "act")
LEAD, OBSERVER, APPROVER = "Dana Whitfield", "Oli Park", "Priya Raman"


@pytest.fixture(scope="module")
def sealed(tmp_path_factory) -> tuple[Path, str]:
    """A sound workspace: the example, a few acts of several members, one logged without the
    phrase and sealed by the next; (path, phrase)."""
    path = tmp_path_factory.mktemp("prop") / "w.caucus"
    with Workspace(path) as ws:
        n = import_enrolled(ws, scenario.load(EXAMPLE))
        phrase = ws.created_phrase
        ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})
        request = ws.log(n, LEAD, "approval_request", {"issue": "price", "value": "0.88"})
        ws.log(n, APPROVER, "approval", {"request": request.id, "granted": True})
    with Workspace(path, phrase=phrase) as ws:
        assert check(ws).problems == [] and check(ws).notes == []
    return path, phrase


def dump(path: Path) -> list:
    """Every row of the tables, with the SQLite type of each value."""
    db = sqlite3.connect(path)
    try:
        out = []
        for table in TABLES:
            cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
            quoted = ", ".join(f"quote({c})" for c in cols)
            out.append(sorted(db.execute(f"SELECT {quoted} FROM {table}").fetchall()))
        return out
    finally:
        db.close()


VALUES = st.one_of(st.none(), st.integers(-3, 10**6), st.text(max_size=12),
                   st.sampled_from(["", "0", "1", "lead", "approver", "2027-01-14T09:00:00Z"]))


@st.composite
def edits(draw, path: Path) -> tuple[str, tuple]:
    """One statement (and its arguments) changing one row of one table."""
    db = sqlite3.connect(path)
    try:
        table = draw(st.sampled_from(TABLES))
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
        rowids = [r[0] for r in db.execute(f"SELECT rowid FROM {table}")]
    finally:
        db.close()
    op = draw(st.sampled_from(["UPDATE", "DELETE", "INSERT"]))
    rowid = draw(st.sampled_from(rowids))
    if op == "DELETE":
        return f"DELETE FROM {table} WHERE rowid = ?", (rowid,)
    col = draw(st.sampled_from(cols))
    value = draw(st.one_of(VALUES, st.builds(lambda s: ("suffix", s), st.text(min_size=1,
                                                                              max_size=3))))
    if op == "UPDATE":
        if isinstance(value, tuple):
            return f"UPDATE {table} SET {col} = {col} || ? WHERE rowid = ?", (value[1], rowid)
        return f"UPDATE {table} SET {col} = ? WHERE rowid = ?", (value, rowid)
    value = value[1] if isinstance(value, tuple) else value
    others = ", ".join(c for c in cols if c != col)
    return (f"INSERT INTO {table} ({col}, {others}) SELECT ?, {others} FROM {table} "
            "WHERE rowid = ?", (value, rowid))


def tampered_copy(source: Path, folder: Path, sql: str, args: tuple) -> Path | None:
    """A copy of ``source`` with the statement run; None when it changed nothing or failed."""
    target = folder / "t.caucus"
    shutil.copy(source, target)
    before = dump(target)
    db = sqlite3.connect(target)
    try:
        db.execute("DROP TRIGGER IF EXISTS act_no_update")
        db.execute("DROP TRIGGER IF EXISTS act_no_delete")
        db.execute(sql, args)
        db.commit()
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return None if dump(target) == before else target


def reported(path: Path, phrase: str) -> list[str]:
    """What ``caucus verify`` with the phrase reports (a refusal to open counts)."""
    try:
        with Workspace(path, read_only=True, create=False) as ws:
            try:
                ws.unlock(phrase)
            except CaucusError as exc:
                return [f"the phrase does not open it: {exc}"]
            return check(ws).problems
    except CaucusError as exc:
        return [str(exc)]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_row_edit_is_reported(sealed, tmp_path_factory, data):
    path, phrase = sealed
    sql, args = data.draw(edits(path))
    folder = tmp_path_factory.mktemp("edit")
    target = tampered_copy(path, folder, sql, args)
    assume(target is not None)
    assert reported(target, phrase), (sql, args)
