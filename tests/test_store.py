"""The workspace file: what it is, what it refuses, damage, permissions, backups and migrations,
the append-only journal, the change feed and presence. Real SQLite files throughout."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import EXAMPLE, FIXTURES, REPO, cli, import_enrolled

import app.feed
import app.store
from app import scenario
from app.enrolment import enrol_team_here
from app.errors import (
    CaucusError,
    CorruptWorkspace,
    NewerWorkspace,
    NotACaucusFile,
    PermissionDenied,
    ReadOnlyWorkspace,
)
from app.feed import ChangeFeed, Presence, connected
from app.migrations import MIGRATIONS, SCHEMA_VERSION
from app.store import APPLICATION_ID
from app.verify import check, verify
from app.workspace import Workspace

V1_SAMPLE = FIXTURES / "workspaces" / "v1.caucus"
V2_SAMPLE = FIXTURES / "workspaces" / "v2.caucus"


def digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pragma(path: Path, name: str) -> int | str:
    """One PRAGMA of a file, read with plain sqlite3."""
    con = sqlite3.connect(path)
    try:
        return con.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        con.close()


def make_workspace(path: Path) -> int:
    """A closed workspace at ``path`` holding the example; returns the negotiation id."""
    with Workspace(path) as ws:
        n = import_enrolled(ws, scenario.load(EXAMPLE))
    for suffix in ("-wal", "-shm"):
        assert not path.with_name(path.name + suffix).exists(), "the journal was not checkpointed"
    return n


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bak"))


# --- what a workspace file is -------------------------------------------------------------------


def test_a_new_workspace_is_a_marked_wal_file_of_the_current_schema(ws):
    assert pragma(ws.path, "application_id") == APPLICATION_ID
    assert pragma(ws.path, "user_version") == SCHEMA_VERSION
    assert pragma(ws.path, "journal_mode") == "wal"
    assert re.fullmatch(r"[0-9a-f]{32}", ws.store.workspace_id)
    assert ws.negotiations() == []
    assert verify(ws) == []


def test_reopening_keeps_the_workspace_identity(workspace_path):
    with Workspace(workspace_path) as first:
        ident = first.store.workspace_id
    with Workspace(workspace_path) as second:
        assert second.store.workspace_id == ident


# --- files that are refused ---------------------------------------------------------------------


def test_a_newer_schema_is_refused_and_left_untouched(workspace_path):
    make_workspace(workspace_path)
    con = sqlite3.connect(workspace_path)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    before = digest(workspace_path)

    with pytest.raises(NewerWorkspace, match="newer") as caught:
        Workspace(workspace_path)
    assert "99" in str(caught.value)
    for args in (["list"], ["log", "--as", "Dana Whitfield", "phase", "closing"]):
        result = cli(*args, workspace=workspace_path)
        assert result.returncode == 1, result
        assert "newer" in result.stderr
    assert digest(workspace_path) == before
    assert pragma(workspace_path, "user_version") == 99


def test_a_file_that_is_not_sqlite_is_refused(workspace_path):
    workspace_path.write_text("minutes of the kick-off meeting\n" * 20)
    before = digest(workspace_path)
    with pytest.raises(NotACaucusFile, match="not an SQLite file"):
        Workspace(workspace_path)
    result = cli("list", workspace=workspace_path)
    assert result.returncode == 1
    assert "not a Caucus workspace" in result.stderr
    assert digest(workspace_path) == before


@pytest.mark.parametrize("make", [
    pytest.param(["CREATE TABLE songs (title TEXT)", "INSERT INTO songs VALUES ('x')"],
                 id="other-tables"),
    pytest.param(["PRAGMA application_id = 1234"], id="other-application-id"),
])
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(workspace_path, make):
    con = sqlite3.connect(workspace_path)
    for sql in make:
        con.execute(sql)
    con.commit()
    con.close()
    before = digest(workspace_path)
    with pytest.raises(NotACaucusFile, match="not a Caucus workspace"):
        Workspace(workspace_path)
    for args in (["list"], ["verify"], ["log", "--as", "Dana Whitfield", "phase", "closing"]):
        result = cli(*args, workspace=workspace_path)
        assert result.returncode == 1, result
        assert "not a Caucus workspace" in result.stderr
    assert digest(workspace_path) == before
    assert pragma(workspace_path, "journal_mode") != "wal"


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(NotACaucusFile, match="folder"):
        Workspace(tmp_path)


# --- damage -------------------------------------------------------------------------------------


def test_a_file_damaged_in_the_middle_is_reported_never_a_traceback(workspace_path):
    make_workspace(workspace_path)
    size = workspace_path.stat().st_size
    with open(workspace_path, "r+b") as f:
        f.seek(size // 3)
        f.write(b"\xde\xad\xbe\xef" * (size // 12))

    # opening, listing or reading: any step may be the one that notices
    with pytest.raises((CorruptWorkspace, NotACaucusFile)), Workspace(workspace_path) as ws:
        for info in ws.negotiations():
            ws.acts(info.id)
    for args in (["verify"], ["list"], ["timeline", "--json"]):
        result = cli(*args, workspace=workspace_path)  # cli() asserts there is no traceback
        assert result.returncode == 1, result
        assert re.search(r"damaged|not a Caucus workspace", result.stderr), result.stderr


def _patch_text(path: Path, needle: bytes, patch: bytes) -> None:
    """Overwrite the bytes of ``needle`` (found once in the file) with ``patch`` of equal length."""
    assert len(patch) == len(needle)
    data = path.read_bytes()
    assert data.count(needle) == 1, "the text to damage must be in the main file exactly once"
    offset = data.index(needle)
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(patch)


NEEDLE = b"Finance manager started writing."  # the note of act a12 in the example


def test_verify_reports_an_act_whose_payload_is_damaged(workspace_path):
    make_workspace(workspace_path)
    _patch_text(workspace_path, NEEDLE, b'"}, {"' + NEEDLE[6:])
    result = cli("verify", workspace=workspace_path)
    assert result.returncode == 1
    assert "unreadable payload" in result.stderr


def test_a_damaged_payload_is_an_error_not_a_traceback(workspace_path):
    make_workspace(workspace_path)
    _patch_text(workspace_path, NEEDLE, b'"}, {"' + NEEDLE[6:])
    out = workspace_path.with_suffix(".json")
    for args in (["timeline", "--json"], ["export", "--scenario", out]):
        result = cli(*args, workspace=workspace_path)
        assert result.returncode == 1
        assert "damaged" in result.stderr


def test_text_damaged_inside_a_cell_is_an_error_not_a_traceback(workspace_path):
    make_workspace(workspace_path)
    _patch_text(workspace_path, NEEDLE, b"\xff" * len(NEEDLE))
    for args in (["verify"], ["timeline", "--json"]):
        result = cli(*args, workspace=workspace_path)
        assert result.returncode == 1
        assert "damaged" in result.stderr


# --- read-only files ----------------------------------------------------------------------------

NOBODY = 65534


def _drop_privileges() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


@functools.cache
def _nobody_python() -> tuple[str, dict[str, str]] | str:
    """An interpreter that runs ``app.cli`` as uid 65534 with its environment, or why there is none.

    The venv's interpreter may live where that user cannot reach it (e.g. under /root); then a
    system Python of the same version with the venv's site-packages on ``PYTHONPATH`` will do.
    """
    site = [sysconfig.get_paths()[k] for k in ("purelib", "platlib")]
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent",
           "PYTHONPATH": os.pathsep.join(dict.fromkeys([str(REPO), *site])),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [sys.executable, f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    tried = []
    for exe in dict.fromkeys(candidates):
        if not Path(exe).exists():
            continue
        try:
            probe = subprocess.run([exe, "-c", "import app.cli, app.workspace"], env=env,
                                   cwd="/", capture_output=True, text=True, timeout=60,
                                   preexec_fn=_drop_privileges)
        except (OSError, subprocess.SubprocessError) as exc:
            tried.append(f"{exe}: {exc}")
            continue
        if probe.returncode == 0:
            return exe, env
        tried.append(f"{exe}: {probe.stderr.strip().splitlines()[-1:]}")
    return "no Python interpreter runs Caucus as uid 65534 (" + "; ".join(tried) + ")"


class ReadOnlyCase(SimpleNamespace):
    path: Path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        """``caucus ARGS`` on the read-only workspace, as a user who may not write it."""
        cmd = [self.python, "-m", "app.cli", "--workspace", str(self.path), *args]
        result = subprocess.run(cmd, capture_output=True, text=True, env=self.env, cwd="/",
                                timeout=120, preexec_fn=self.preexec)
        assert "Traceback" not in result.stderr, result.stderr
        return result


@pytest.fixture
def read_only_workspace() -> Iterator[ReadOnlyCase]:
    """A workspace its user may read but not write: folder 0755 and file 0644 owned by root, used
    as uid 65534 (root ignores permissions); or, for a normal user, folder 0555 and file 0444."""
    if not hasattr(os, "geteuid"):
        pytest.skip("POSIX permissions are needed for this check")
    folder = Path(tempfile.mkdtemp(prefix="caucus-ro-"))
    try:
        path = folder / "ro.caucus"
        make_workspace(path)
        if os.geteuid() == 0:
            found = _nobody_python()
            if isinstance(found, str):
                pytest.skip(found)
            python, env = found
            folder.chmod(0o755)
            path.chmod(0o644)
            case = ReadOnlyCase(path=path, python=python, env=env, preexec=_drop_privileges)
        else:
            env = {**os.environ}
            path.chmod(0o444)
            folder.chmod(0o555)
            case = ReadOnlyCase(path=path, python=sys.executable, env=env, preexec=None)
        case.before = digest(path)
        yield case
        assert digest(path) == case.before, "a read-only workspace was changed"
        assert sorted(p.name for p in folder.iterdir()) == ["ro.caucus"]
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_a_read_only_workspace_can_still_be_read(read_only_workspace):
    result = read_only_workspace.run("list")
    assert result.returncode == 0, result.stderr
    assert "Corrugated packaging 2027" in result.stdout


def test_a_read_only_workspace_refuses_to_log_with_a_clear_message(read_only_workspace):
    result = read_only_workspace.run("log", "--as", "Dana Whitfield", "phase", "closing")
    assert result.returncode == 1
    assert re.search(r"cannot be written|read-only|not writable", result.stderr), result.stderr


def _with_acts_in_the_wal(folder: Path) -> tuple[Path, int]:
    """A workspace in ``folder`` whose last acts are committed in its -wal, with no -shm beside
    it (as a copy of a live workspace leaves it); the number of acts it holds."""
    live = Path(tempfile.mkdtemp(prefix="caucus-live-")) / "ro.caucus"
    n = make_workspace(live)
    with Workspace(live) as ws:
        for tag in ("silence", "interest", "flinch"):
            ws.log(n, "Oli Park", "reaction", {"tag": tag})
        total = ws.last_seq()
        wal = live.with_name(live.name + "-wal")
        assert wal.stat().st_size > 0
        shutil.copy(live, folder / live.name)
        shutil.copy(wal, folder / wal.name)
    shutil.rmtree(live.parent)
    return folder / live.name, total


def test_a_read_only_folder_with_a_wal_and_no_shm_reads_every_committed_act(tmp_path):
    """Never ``immutable=1`` beside a -wal: it would drop the acts the -wal holds."""
    if not hasattr(os, "geteuid"):
        pytest.skip("POSIX permissions are needed for this check")
    folder = Path(tempfile.mkdtemp(prefix="caucus-ro-wal-"))
    try:
        path, total = _with_acts_in_the_wal(folder)
        if os.geteuid() == 0:
            found = _nobody_python()
            if isinstance(found, str):
                pytest.skip(found)
            python, env = found
            folder.chmod(0o755)
            case = ReadOnlyCase(path=path, python=python, env=env, preexec=_drop_privileges)
        else:
            folder.chmod(0o555)
            case = ReadOnlyCase(path=path, python=sys.executable, env={**os.environ},
                                preexec=None)
        before = sorted((p.name, digest(p)) for p in folder.iterdir())
        timeline = case.run("timeline", "--json")
        assert timeline.returncode == 0, timeline.stderr
        assert [row["seq"] for row in json.loads(timeline.stdout)] == list(range(1, total + 1))
        checked = case.run("verify")
        assert "Traceback" not in checked.stderr
        assert "intact" not in checked.stdout or f"{total} acts" in checked.stdout
        assert sorted((p.name, digest(p)) for p in folder.iterdir()) == before
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_writing_through_a_read_only_store_is_refused(workspace_path):
    make_workspace(workspace_path)
    with Workspace(workspace_path, read_only=True) as ws:
        assert ws.store.read_only
        assert ws.negotiations()[0].title == "Corrugated packaging 2027"
        with pytest.raises(ReadOnlyWorkspace, match="read-only"):
            ws.log(1, "Oli Park", "reaction", {"tag": "silence"})
        Presence(ws.store, "Oli Park", "observer").beat()  # a no-op, not an error
        assert connected(ws.store) == []


# --- backups and migrations ---------------------------------------------------------------------


def test_backup_is_a_consistent_copy_including_acts_still_in_the_wal(imported):
    ws, n = imported
    ws.log(n, "Oli Park", "reaction", {"tag": "silence", "note": "after the break"})
    assert ws.path.with_name(ws.path.name + "-wal").stat().st_size > 0
    target = app.store.backup(ws.path, "manual")
    assert target.parent == ws.path.parent
    assert re.fullmatch(re.escape(ws.path.name) + r"\.manual-\d{8}T\d{6}\.bak", target.name)
    with Workspace(target) as copy:
        assert copy.acts(n) == ws.acts(n)
        assert copy.store.workspace_id == ws.store.workspace_id
        assert verify(copy) == []


def test_opening_an_up_to_date_file_takes_no_backup(workspace_path):
    make_workspace(workspace_path)
    for _ in range(2):
        Workspace(workspace_path).close()
        Workspace(workspace_path, read_only=True).close()
    assert backups(workspace_path.parent) == []


@pytest.fixture
def v1_copy(tmp_path) -> Path:
    """A copy of the committed v1 sample (opening may migrate it; the sample must stay as it is)."""
    assert V1_SAMPLE.exists(), "run tests/fixtures/make_v1.py"
    target = tmp_path / "v1.caucus"
    shutil.copy(V1_SAMPLE, target)
    return target


def _make_v1_module():
    spec = importlib.util.spec_from_file_location("make_v1", FIXTURES / "make_v1.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _make_v2_module():
    spec = importlib.util.spec_from_file_location("make_v2", FIXTURES / "make_v2.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_v1_sample_opens_and_its_acts_read_back(v1_copy, example):
    assert pragma(v1_copy, "user_version") == 1
    assert pragma(v1_copy, "application_id") == APPLICATION_ID
    with Workspace(v1_copy) as ws:
        assert verify(ws) == []
        [info] = ws.negotiations()
        assert info.title == "Corrugated packaging 2027"
        exported = scenario.export_scenario(ws.acts(info.id))
        acts = ws.acts(info.id)
    with open(EXAMPLE, encoding="utf-8") as f:
        original = scenario.json.load(f)
    assert exported["meetings"][0] == original["meetings"][0]
    second = exported["meetings"][1]
    assert second["title"] == "Round 2"
    expected = _make_v1_module().SECOND_MEETING
    assert [(a["id"], a["by"], a["kind"]) for a in second["acts"]] == \
        [(i, by, kind) for i, _, by, kind, _ in expected]
    assert [{k: v for k, v in a.items() if k not in ("id", "at", "by", "kind")}
            for a in second["acts"]] == [payload for *_, payload in expected]
    assert [a.seq for a in acts] == list(range(1, len(acts) + 1))


def test_the_migrations_back_the_file_up_first_and_adopt_every_act(v1_copy):
    """v1 → v3: the acts of a file from before keys are linked into the chain (unsigned, counted
    as adopted) and vouched for when it gets its key; its lead enrols with their first act."""
    con = sqlite3.connect(v1_copy)
    before = con.execute("SELECT seq, kind, author, payload FROM act ORDER BY seq").fetchall()
    con.close()
    with Workspace(v1_copy) as ws:
        assert [(a.seq, a.kind, a.by) for a in ws.acts(1)] == [r[:3] for r in before]
        assert verify(ws) == []
        with pytest.raises(PermissionDenied, match="nobody is enrolled"):
            ws.log(1, "Oli Park", "reaction", {"tag": "interest"})
        ws.log(1, "Dana Whitfield", "phase", {"phase": "closing"})  # enrols Dana first
        enrol_team_here(ws, 1)
        added = ws.log(1, "Oli Park", "reaction", {"tag": "interest"})
        assert verify(ws) == [] and check(ws).notes == []
    assert pragma(v1_copy, "user_version") == SCHEMA_VERSION
    [bak] = backups(v1_copy.parent)
    assert bak.name.startswith("v1.caucus.v1-")
    assert pragma(bak, "user_version") == 1  # taken before the migration ran
    con = sqlite3.connect(v1_copy)
    try:
        rows = con.execute("SELECT seq, link, signature FROM act ORDER BY seq").fetchall()
        meta = dict(con.execute("SELECT key, value FROM meta"))
        assert meta["adopted"] == str(len(before)) and "chain_from" not in meta
        assert all(link for _, link, _ in rows)
        assert all((sig is None) == (seq <= len(before)) for seq, _, sig in rows)
        assert rows[-1][0] == added.seq
    finally:
        con.close()
    Workspace(v1_copy).close()  # now up to date: no second backup
    assert len(backups(v1_copy.parent)) == 1


def test_the_v2_sample_upgrades_and_its_phrase_seals_what_it_held(tmp_path):
    """The released v2 format: its acts (MACed with the shared key, and one logged without the
    phrase) are adopted; with its phrase they are sealed and verify is clean."""
    copy = tmp_path / "v2.caucus"
    shutil.copy(V2_SAMPLE, copy)
    assert pragma(copy, "user_version") == 2
    phrase = _make_v2_module().PHRASE
    with Workspace(copy, read_only=False) as locked:  # no phrase here: migrated, not sealed
        acts = locked.acts(1)
        assert (acts[-1].kind, acts[-1].by, acts[-1].id) == ("reaction", "Oli Park", "c1")
        assert check(locked).notes == ["the 56 acts from an older Caucus are not sealed yet: "
                                       "open the workspace once with the join phrase"]
    [bak] = backups(tmp_path)
    assert pragma(bak, "user_version") == 2
    with Workspace(copy, phrase=phrase) as ws:
        assert ws.unlocked and verify(ws) == [] and check(ws).notes == []
        assert str(ws.preparation(1).issues["price"].walk_away) == "0.90"  # sealed the v2 way
        ws.log(1, "Dana Whitfield", "phase", {"phase": "closing"})
        assert verify(ws) == []
    with Workspace(copy, read_only=True, phrase=phrase) as reader:
        assert verify(reader) == [] and check(reader).notes == []


def test_a_failing_migration_leaves_the_file_at_its_version(v1_copy, monkeypatch):
    def broken(conn):
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("migration step failed")

    monkeypatch.setattr(app.store, "MIGRATIONS", [MIGRATIONS[0], broken])
    monkeypatch.setattr(app.store, "SCHEMA_VERSION", 2)
    with pytest.raises(RuntimeError, match="migration step failed"):
        Workspace(v1_copy)
    assert pragma(v1_copy, "user_version") == 1
    con = sqlite3.connect(v1_copy)
    try:
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name='half_done'"
                           ).fetchone()[0] == 0
    finally:
        con.close()
    assert len(backups(v1_copy.parent)) == 1


# --- the journal is append-only -----------------------------------------------------------------


def test_the_file_refuses_update_and_delete_of_acts(imported):
    ws, n = imported
    count = len(ws.acts(n))
    con = sqlite3.connect(ws.path)
    try:
        for sql in ("UPDATE act SET author = 'Mallory' WHERE seq = 1",
                    "UPDATE act SET payload = '{}'",
                    "DELETE FROM act WHERE seq = 1",
                    "DELETE FROM act"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
        con.rollback()
    finally:
        con.close()
    with pytest.raises(CaucusError, match="append-only"), ws.store.write() as conn:
        conn.exec_driver_sql("DELETE FROM act WHERE seq = 2")
    acts = ws.acts(n)
    assert len(acts) == count
    assert acts[0].by == "Dana Whitfield"


# --- change feed and presence -------------------------------------------------------------------


def test_the_feed_sees_acts_written_through_another_connection(imported, workspace_path):
    ws, n = imported
    feed = ChangeFeed(ws.store, after=ws.last_seq())
    try:
        assert feed.poll() == []
        assert feed.poll() == []
        with Workspace(workspace_path) as other:
            other.log(n, "Oli Park", "reaction", {"tag": "silence"})
            other.log(n, "Sam Ortiz", "note", {"topic": "fact", "text": "Index flat."})
        new = feed.poll()
        assert [(a.kind, a.by, a.role) for a in new] == [
            ("meeting_start", "Oli Park", "observer"), ("reaction", "Oli Park", "observer"),
            ("note", "Sam Ortiz", "sme")]
        assert [a.seq for a in new] == sorted(a.seq for a in new)
        assert feed.last_seq == new[-1].seq == ws.last_seq()
        assert feed.poll() == []
    finally:
        feed.close()


def test_a_feed_on_a_read_only_store_follows_one_negotiation(imported, workspace_path, example):
    ws, n = imported
    example["negotiation"]["title"] = "Second negotiation"
    other_negotiation = import_enrolled(ws, example)
    with Workspace(workspace_path, read_only=True) as reader:
        feed = ChangeFeed(reader.store, after=reader.last_seq(), negotiation=n)
        try:
            assert feed.poll() == []
            ws.log(other_negotiation, "Oli Park", "reaction", {"tag": "silence"})
            assert feed.poll() == []
            ws.log(n, "Oli Park", "reaction", {"tag": "interest"})
            assert [a.payload for a in feed.poll() if a.kind == "reaction"] == [{"tag": "interest"}]
        finally:
            feed.close()


def test_presence_lists_who_beats_and_drops_who_stopped(ws, monkeypatch):
    lead = Presence(ws.store, "Dana Whitfield", "lead", negotiation=1)
    observer = Presence(ws.store, "Oli Park", "observer")
    lead.beat()
    observer.beat()
    peers = connected(ws.store)
    assert [(p.member, p.role) for p in peers] == [("Dana Whitfield", "lead"),
                                                   ("Oli Park", "observer")]
    assert {p.pid for p in peers} == {os.getpid()}
    assert peers[0].negotiation == 1

    now = app.feed.time.time()
    with monkeypatch.context() as m:  # the observer's last beat was a minute ago
        m.setattr(app.feed, "time", SimpleNamespace(time=lambda: now - 60))
        observer.beat()
    lead.beat()
    assert [p.member for p in connected(ws.store)] == ["Dana Whitfield"]
    assert [p.member for p in connected(ws.store, within=30)] == ["Dana Whitfield"]
    assert [p.member for p in connected(ws.store, within=3600)] == ["Dana Whitfield", "Oli Park"]

    observer.beat()  # back again
    assert len(connected(ws.store)) == 2
    lead.leave()
    assert [p.member for p in connected(ws.store, within=3600)] == ["Oli Park"]


def test_a_second_workspace_in_one_process_keeps_the_first_ones_view(imported, workspace_path):
    """Opening the file again in the same process must not drop the POSIX locks SQLite holds for
    the first connection (closing any descriptor of the file would): else another process, on
    closing, takes itself for the last one and removes the -wal under the first."""
    ws, n = imported
    before = len(ws.acts(n))
    with Workspace(workspace_path) as second:
        logged = cli("log", "--as", "Oli Park", "reaction", "silence", workspace=workspace_path)
        assert logged.returncode == 0, logged.stderr
        assert len(second.acts(n)) == before + 2  # the meeting it opened, and the reaction
    assert len(ws.acts(n)) == before + 2
    with ws.store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
