"""Issue 12, a journal the team can trust: each defect the adversarial test found, as it was found
(the sqlite3 module on the file, ``caucus log`` and ``caucus verify`` as real processes), and what
must hold instead. The property test over every single-row edit lives in
``test_trust_properties.py``; signatures and enrolment in ``test_signatures.py``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import EXAMPLE, cli

from app import keychain, scenario
from app.errors import CaucusError
from app.workspace import Workspace

LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"


@pytest.fixture
def signed(tmp_path) -> tuple[Path, str]:
    """The example imported into a closed workspace by its lead; (path, join phrase)."""
    path = tmp_path / "w.caucus"
    with Workspace(path) as ws, ws.unit(auto_ids=False) as unit:
        scenario.import_scenario(unit, scenario.load(EXAMPLE))
        phrase = ws.created_phrase
    return path, phrase


def tamper(path: Path, *sql: str, args: tuple = ()) -> None:
    """Statements run with the sqlite3 module, the journal's triggers dropped first."""
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER IF EXISTS act_no_update")
    db.execute("DROP TRIGGER IF EXISTS act_no_delete")
    for statement in sql:
        db.execute(statement, args if "?" in statement else ())
    db.commit()
    db.close()


def seq_of(path: Path, act_id: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT seq FROM act WHERE act_id = ?", (act_id,)).fetchone()[0]
    finally:
        db.close()


def verify(path: Path, phrase: str | None = None):
    env = {"CAUCUS_JOIN_PHRASE": phrase} if phrase else None
    return cli("verify", workspace=path, env=env)


CHAIN_FROM = "INSERT OR REPLACE INTO meta (key, value) VALUES ('chain_from', '100000')"


# --- verify can no longer be made to pass an edit ----------------------------------------------


def test_an_edited_payload_is_caught_whatever_meta_says(signed):
    path, phrase = signed
    seq = seq_of(path, "a7")
    tamper(path, "UPDATE act SET payload = replace(payload, '0.93', '0.94') WHERE act_id = 'a7'",
           CHAIN_FROM)
    result = verify(path, phrase)
    assert result.returncode == 1, result.stdout
    assert f"act {seq} (a7," in result.stderr
    assert "ok:" not in result.stdout


def test_deleting_the_last_acts_is_caught_whatever_meta_says(signed):
    path, phrase = signed
    tamper(path, "DELETE FROM act WHERE seq > (SELECT max(seq) - 3 FROM act)", CHAIN_FROM)
    result = verify(path, phrase)
    assert result.returncode == 1
    assert "removed" in result.stderr


def test_deleting_every_act_is_caught(signed):
    path, phrase = signed
    tamper(path, "DELETE FROM act")
    result = verify(path, phrase)
    assert result.returncode == 1
    assert "removed" in result.stderr


def test_a_forged_approval_row_is_caught(signed):
    path, phrase = signed
    db = sqlite3.connect(path)
    last = db.execute("SELECT max(seq) FROM act").fetchone()[0]
    db.close()
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(act)")]
    listed = ", ".join(c for c in columns if c != "seq")
    tamper(path, f"INSERT INTO act (seq, {listed}) SELECT {last + 1}, "
                 + listed.replace("act_id", "'a99'") + " FROM act WHERE act_id = 'a15'",
           CHAIN_FROM)
    result = verify(path, phrase)
    assert result.returncode == 1
    assert f"act {last + 1} (a99," in result.stderr


def test_swapped_sealed_walk_aways_fail_to_open_and_are_reported(signed):
    path, phrase = signed
    db = sqlite3.connect(path)
    rows = {json.loads(p)["key"]: (seq, json.loads(p)) for seq, p in db.execute(
        "SELECT seq, payload FROM act WHERE kind = 'issue'")}
    db.close()
    (price_seq, price), (pay_seq, pay) = rows["price"], rows["payment"]
    price["walk_away"], pay["walk_away"] = pay["walk_away"], price["walk_away"]
    tamper(path, "UPDATE act SET payload = ? WHERE seq = ?", args=(json.dumps(price), price_seq))
    tamper(path, "UPDATE act SET payload = ? WHERE seq = ?", args=(json.dumps(pay), pay_seq))
    with Workspace(path, read_only=True, phrase=phrase) as ws:
        issues = ws.preparation(ws.find(None)).issues
        assert issues["price"].walk_away is None  # does not open in the wrong place
        assert issues["payment"].walk_away is None
    result = verify(path, phrase)
    assert result.returncode == 1
    assert f"act {price_seq} " in result.stderr and f"act {pay_seq} " in result.stderr


def test_the_negotiation_row_and_the_workspace_facts_are_inside_the_chain(signed, tmp_path):
    path, phrase = signed
    renamed = tmp_path / "renamed.caucus"
    shutil.copy(path, renamed)
    tamper(renamed, "UPDATE negotiation SET title = 'Something else'")
    assert verify(renamed, phrase).returncode == 1
    tamper(path, "UPDATE meta SET value = '2020-01-01T00:00:00+00:00' WHERE key = 'created'")
    assert verify(path, phrase).returncode == 1


def test_verify_reports_every_problem_not_only_the_first(signed):
    path, phrase = signed
    first, second = seq_of(path, "a3"), seq_of(path, "a19")
    tamper(path, "UPDATE act SET author = 'Mallory' WHERE act_id = 'a3'",
           "UPDATE act SET recorded = '2030-01-01T00:00:00Z' WHERE act_id = 'a19'")
    result = verify(path, phrase)
    assert result.returncode == 1
    assert f"act {first} (a3, 2027-01-14" in result.stderr
    assert f"act {second} (a19, 2027-01-14" in result.stderr


# --- acts logged without the join phrase -------------------------------------------------------


def test_acts_without_the_phrase_are_an_unsealed_tail_sealed_by_the_next_keyholder(signed):
    path, phrase = signed
    with Workspace(path) as ws:
        keychain.forget(ws.store.workspace_id)  # this computer no longer holds the phrase
    for _ in range(2):  # the first also opens a meeting: three acts
        logged = cli("log", "--as", LEAD, "note", "general", "Break at 10:40",
                     workspace=path)
        assert logged.returncode == 0, logged.stderr
    result = verify(path, phrase)
    assert result.returncode == 0, result.stderr
    assert ("3 acts at the end are not yet sealed (logged by Dana Whitfield without the join "
            "phrase)") in result.stdout

    tamper(path, "UPDATE act SET payload = replace(payload, '0.93', '0.99') WHERE act_id = 'a7'")
    broken = verify(path, phrase)
    assert broken.returncode == 1
    assert f"act {seq_of(path, 'a7')} (a7," in broken.stderr


def test_the_next_keyholder_seals_the_tail(signed):
    path, phrase = signed
    with Workspace(path) as ws:
        keychain.forget(ws.store.workspace_id)
    assert cli("log", "--as", LEAD, "phase", "bargaining", workspace=path).returncode == 0
    sealed = cli("log", "--as", LEAD, "phase", "closing", workspace=path,
                 env={"CAUCUS_JOIN_PHRASE": phrase})
    assert sealed.returncode == 0, sealed.stderr
    result = verify(path, phrase)
    assert result.returncode == 0, result.stderr
    assert "not yet sealed" not in result.stdout
    assert result.stdout.startswith("ok:")


# --- the key check ------------------------------------------------------------------------------


def test_a_missing_key_check_is_refused_never_rekeyed(signed):
    path, phrase = signed
    tamper(path, "DELETE FROM meta WHERE key = 'key_check'")
    result = cli("log", "--as", LEAD, "phase", "closing", workspace=path)
    assert result.returncode == 1
    assert "key check" in result.stderr
    assert "join phrase (hand it" not in result.stderr
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT count(*) FROM meta WHERE key = 'key_check'").fetchone() == (0,)
    finally:
        db.close()
    assert verify(path, phrase).returncode == 1


# --- a file deleted, replaced or moved while open ----------------------------------------------


def _files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("how", ["deleted", "replaced", "moved"])
def test_a_workspace_whose_file_went_away_stops_writing_and_says_so(signed, tmp_path, how):
    path, _ = signed
    ws = Workspace(path)
    try:
        n = ws.find(None)
        ws.log(n, LEAD, "phase", {"phase": "bargaining"})
        if how == "deleted":
            for f in _files(path):
                f.unlink()
        elif how == "replaced":
            other = tmp_path / "other.caucus"
            shutil.copy(path, other)
            os.replace(other, path)
        else:
            path.rename(tmp_path / "elsewhere.caucus")
        with pytest.raises(CaucusError, match=how):
            ws.log(n, LEAD, "phase", {"phase": "closing"})
        with pytest.raises(CaucusError, match=how):
            ws.store.check_file()
    finally:
        ws.close()


def test_log_never_creates_a_workspace(tmp_path):
    path = tmp_path / "gone.caucus"
    result = cli("log", "--as", LEAD, "phase", "closing", workspace=path)
    assert result.returncode != 0
    assert "no workspace" in result.stderr
    assert not path.exists() and list(tmp_path.iterdir()) == [tmp_path / "home"]


# --- creation only when the command succeeds ---------------------------------------------------


def test_a_failed_first_import_leaves_no_file(tmp_path):
    path = tmp_path / "new.caucus"
    broken = tmp_path / "broken.json"
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["team"][0]["role"] = "cfo"
    broken.write_text(json.dumps(data), encoding="utf-8")
    result = cli("import", broken, workspace=path)
    assert result.returncode == 2
    assert "join phrase" not in result.stderr  # no workspace was made, so no phrase either
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "home"]


# --- export --csv ------------------------------------------------------------------------------


def test_the_csv_holds_sealed_values_only_when_asked(signed, tmp_path):
    path, phrase = signed
    env = {"CAUCUS_JOIN_PHRASE": phrase}
    plain, full = tmp_path / "plain.csv", tmp_path / "full.csv"
    result = cli("export", "--csv", plain, workspace=path, env=env)
    assert result.returncode == 0, result.stderr
    assert "walk_away" not in plain.read_text(encoding="utf-8")
    assert '""opening"":""0.78""' in plain.read_text(encoding="utf-8")
    asked = cli("export", "--csv", full, "--include-confidential", workspace=path, env=env)
    assert asked.returncode == 0, asked.stderr
    assert "confidential" in asked.stderr
    assert '""walk_away"":""0.90""' in full.read_text(encoding="utf-8")


# --- anyone could act as anyone -----------------------------------------------------------------


def test_an_approval_in_the_approvers_name_is_refused_from_another_members_process(signed):
    path, _ = signed  # this computer's keychain holds the lead's key only
    before = cli("timeline", "--json", workspace=path).stdout
    result = cli("log", "--as", APPROVER, "approval", "a14", "true", workspace=path)
    assert result.returncode == 2, result
    assert APPROVER in result.stderr and "enrol" in result.stderr
    assert cli("timeline", "--json", workspace=path).stdout == before
