"""Confidential by default: sealed values, the join phrase, the keychain, the MAC chain, roles."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from conftest import import_enrolled
from keyring.backends import fail

from app import keychain, scenario
from app.analysis import analyze
from app.errors import InvalidInput, PermissionDenied
from app.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"


def _import(path: Path, data: dict) -> Workspace:
    ws = Workspace(path)
    import_enrolled(ws, data)
    return ws


def _file_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env={**os.environ, **(env or {})},
                          stdin=subprocess.DEVNULL)


def _sealed_fragments(data: dict) -> list[str]:
    """Every sealed value of a scenario, as the text it would leave in a plain file."""
    found = []
    for issue in data["issues"]:
        for name in ("target", "walk_away"):
            found.append(f'"{name}":"{issue[name]}"')
    found += [data["batna"]["ours"], data["batna"]["theirs"]]
    found += [f'"limit":"{a["limit"]}"' for a in data["authority"]]
    for plan in data["plan"]:
        found.append('"steps":[' + ",".join(f'"{s}"' for s in plan["steps"]) + "]")
        found += plan["asks"]
    return found


def test_strings_on_the_file_reveal_no_sealed_value(tmp_path, example):
    ws = _import(tmp_path / "w.caucus", example)
    ws.close()
    raw = _file_bytes(tmp_path / "w.caucus")
    assert b'"opening":"0.78"' in raw  # said in the room: stays readable
    leaks = [f for f in _sealed_fragments(json.loads(json.dumps(example, default=str)))
             if f.encode() in raw]
    assert leaks == []


def test_the_key_holder_reads_sealed_values_and_round_trips(tmp_path, example):
    ws = _import(tmp_path / "w.caucus", example)
    n = ws.find(None)
    assert str(ws.preparation(n).issues["price"].walk_away) == "0.90"
    exported = scenario.export_scenario(ws.acts(n))
    assert exported["batna"]["ours"] == example["batna"]["ours"]
    assert exported["authority"][0]["limit"] == "0.86"


def test_without_the_phrase_values_are_locked_and_nothing_crashes(tmp_path, example):
    path = tmp_path / "w.caucus"
    ws = _import(path, example)
    keychain.forget(ws.store.workspace_id)  # a teammate who has not joined
    ws.close()
    with Workspace(path) as other:
        assert not other.unlocked
        n = other.find(None)
        price = other.preparation(n).issues["price"]
        assert price.walk_away is None and price.opening == 0 + price.opening
        result = analyze(other.acts(n))
        assert "locked" in result and result["score"] == {"ours": None, "theirs": None}
        assert result["issues"]["price"]["theirs"][-1] == "0.875"
        other.log(n, OBSERVER, "reaction", {"tag": "silence"})  # logging still works
        with pytest.raises(InvalidInput, match="confidential"):
            other.set_issue(n, LEAD, {"key": "fx", "better": "lower", "opening": "1",
                                      "target": "2", "walk_away": "3"})


def test_a_wrong_phrase_is_refused_and_nothing_is_stored(tmp_path, example):
    path = tmp_path / "w.caucus"
    ws = _import(path, example)
    workspace_id = ws.store.workspace_id
    keychain.forget(workspace_id)
    ws.close()
    wrong = "abandon " * 11 + "about"  # a valid BIP-39 phrase, of another workspace
    with Workspace(path) as other, pytest.raises(InvalidInput, match="does not belong"):
        other.unlock(wrong, remember=True)
    assert keychain.load(workspace_id) is None
    typo = _cli("join", "--workspace", str(path), env={"CAUCUS_JOIN_PHRASE": "not a phrase"})
    assert typo.returncode == 2 and "a join phrase has 12 words; this one has 3" in typo.stderr
    assert keychain.load(workspace_id) is None


def test_join_stores_the_phrase_and_unlocks_the_next_process(tmp_path, example):
    path = tmp_path / "w.caucus"
    ws = _import(path, example)
    phrase = ws.created_phrase
    keychain.forget(ws.store.workspace_id)
    ws.close()
    phrase_file = tmp_path / "phrase.txt"
    phrase_file.write_text(phrase.upper() + "\n")  # case and spacing do not matter
    joined = _cli("join", "--workspace", str(path), "--phrase-file", str(phrase_file))
    assert joined.returncode == 0, joined.stderr
    assert phrase not in joined.stdout + joined.stderr  # never echoed
    with Workspace(path) as again:
        assert again.unlocked


def test_headless_without_a_keychain_prints_the_phrase_once_and_works_with_it(tmp_path, example):
    path, source = tmp_path / "w.caucus", tmp_path / "s.json"
    source.write_text(json.dumps(example, default=str))
    headless = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    made = _cli("import", str(source), "--workspace", str(path), env=headless)
    assert made.returncode == 0, made.stderr
    assert "NOT stored" in made.stderr
    line = next(x for x in made.stderr.splitlines() if "join phrase" in x)
    phrase = line.split(": ", 2)[-1]
    assert len(phrase.split()) == 12
    assert phrase not in path.read_bytes().decode("latin-1")
    locked = _cli("analyze", "--json", "--workspace", str(path), env=headless)
    assert locked.returncode == 0 and '"locked"' in locked.stdout
    unlocked = _cli("analyze", "--json", "--workspace", str(path),
                    env={**headless, "CAUCUS_JOIN_PHRASE": phrase})
    assert unlocked.returncode == 0, unlocked.stderr
    result = json.loads(unlocked.stdout)
    assert "locked" not in result and result["score"]["ours"] is not None


def test_no_usable_keychain_is_told_apart_from_no_entry(tmp_path, monkeypatch):
    assert keychain.load("nobody-has-this") is None  # a keychain, no entry
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    with pytest.raises(keychain.KeychainUnavailable):
        keychain.load("nobody-has-this")
    assert keychain.problem() is not None
    ws = Workspace(tmp_path / "w.caucus")
    assert ws.created_phrase and not ws.phrase_stored and ws.keychain_problem
    ws.close()


# --- tamper evidence ------------------------------------------------------------------------


@pytest.fixture
def signed(tmp_path, example) -> Path:
    path = tmp_path / "w.caucus"
    _import(path, example).close()
    return path


def _tamper(path: Path, *sql: str) -> None:
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER IF EXISTS act_no_update")
    db.execute("DROP TRIGGER IF EXISTS act_no_delete")
    for statement in sql:
        db.execute(statement)
    db.commit()
    db.close()


def _verify(path: Path) -> subprocess.CompletedProcess:
    return _cli("verify", "--workspace", str(path))


def test_verify_passes_on_an_untouched_file(signed):
    result = _verify(signed)
    assert result.returncode == 0, result.stderr


def test_an_edited_row_is_caught_at_its_sequence_number(signed):
    _tamper(signed, "UPDATE act SET payload = replace(payload, '0.93', '0.94') "
                    "WHERE act_id = 'a7'")
    seq = sqlite3.connect(signed).execute("SELECT seq FROM act WHERE act_id='a7'").fetchone()[0]
    result = _verify(signed)
    assert result.returncode == 1
    assert f"act {seq} (a7, " in result.stderr and "does not match its link" in result.stderr


def test_a_deleted_row_is_caught_where_it_was(signed):
    seq = sqlite3.connect(signed).execute("SELECT seq FROM act WHERE act_id='a9'").fetchone()[0]
    _tamper(signed, f"DELETE FROM act WHERE seq = {seq}")
    result = _verify(signed)
    assert result.returncode == 1
    assert f"act {seq + 1} (a10, " in result.stderr
    assert f"act {seq} before it was removed" in result.stderr


def test_a_deleted_last_row_is_caught(signed):
    _tamper(signed, "DELETE FROM act WHERE seq = (SELECT max(seq) FROM act)")
    result = _verify(signed)
    assert result.returncode == 1 and "were removed" in result.stderr


def test_an_inserted_row_is_caught_at_its_sequence_number(signed):
    db = sqlite3.connect(signed)
    last = db.execute("SELECT max(seq) FROM act").fetchone()[0]
    db.close()
    _tamper(signed, "INSERT INTO act (seq, negotiation_id, meeting, act_id, kind, author, role, "
                    "at, recorded, payload, mac) SELECT seq + 1, negotiation_id, meeting, 'zz', "
                    "kind, author, role, at, recorded, payload, mac FROM act "
                    f"WHERE seq = {last}")
    result = _verify(signed)
    assert result.returncode == 1
    assert f"act {last + 1} (zz, " in result.stderr


# --- role permissions, enforced by the services ----------------------------------------------


@pytest.fixture
def team(tmp_path, example):
    ws = _import(tmp_path / "w.caucus", example)
    n = ws.find(None)
    ws.start_meeting(n, LEAD, "Round 2")  # the example closed with a final agreement
    yield ws, n
    ws.close()


@pytest.mark.parametrize("member", [SME, OBSERVER, APPROVER])
def test_only_the_lead_edits_the_preparation(team, member):
    ws, n = team
    with pytest.raises(PermissionDenied, match="may change the preparation"):
        ws.set_authority(n, member, {"member": member, "issue": "price", "limit": "0.88"})


@pytest.mark.parametrize("member", [SME, OBSERVER])
def test_observer_and_sme_cannot_offer_in_our_name(team, member):
    ws, n = team
    with pytest.raises(PermissionDenied, match="offers in our name"):
        ws.log(n, member, "offer", {"side": "us", "terms": {"price": "0.85"}})
    ws.log(n, member, "offer", {"side": "them", "terms": {"price": "0.87"}})  # noting theirs


def test_only_an_approver_answers_approval_requests(team):
    ws, n = team
    request = ws.log(n, LEAD, "approval_request", {"issue": "price", "value": "0.88"})
    with pytest.raises(PermissionDenied, match="only an approver"):
        ws.log(n, LEAD, "approval", {"request": request.id, "granted": True})
    ws.log(n, APPROVER, "approval", {"request": request.id, "granted": False})


def test_a_member_cannot_withdraw_another_members_act(team):
    ws, n = team
    tag = ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})
    with pytest.raises(PermissionDenied, match="only its author"):
        ws.retract(n, LEAD, tag.id, "not mine")
    ws.retract(n, OBSERVER, tag.id, "mine")


def test_a_member_the_lead_names_may_edit_and_speak_for_us(team):
    ws, n = team
    ws.set_member(n, LEAD, {"name": SME, "role": "sme", "editor": True})
    ws.log(n, SME, "offer", {"side": "us", "terms": {"price": "0.85"}, "asks": {"otif": "97"}})
    ws.set_issue(n, SME, {"key": "fx", "better": "lower", "opening": "1", "target": "2",
                          "walk_away": "3"})


def test_a_scenario_export_without_the_phrase_is_refused_not_incomplete(tmp_path, example):
    path = tmp_path / "w.caucus"
    ws = _import(path, example)
    keychain.forget(ws.store.workspace_id)
    ws.close()
    out = tmp_path / "out.json"
    result = _cli("export", "--scenario", str(out), "--workspace", str(path))
    assert result.returncode == 2 and "join phrase" in result.stderr
    assert not out.exists()
    pdf = _cli("export", "--csv", str(tmp_path / "acts.csv"), "--workspace", str(path))
    assert pdf.returncode == 0, pdf.stderr  # the journal itself is not confidential
