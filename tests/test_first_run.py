"""Issue 13, "First run and scripts": ``caucus new``, the join phrase given at creation, ``caucus
join`` on a terminal and without a keychain, and phrases of the wrong length. Real processes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from conftest import REPO, cli

from app.crypto import new_phrase, normalise_phrase
from app.errors import InvalidInput
from app.workspace import Workspace

NO_KEYCHAIN = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_new_prints_the_join_phrase_on_stdout(tmp_path):
    path = tmp_path / "team.caucus"
    result = cli("new", workspace=path)
    assert result.returncode == 0, result.stderr
    phrase = result.stdout.strip().splitlines()[-1]
    assert normalise_phrase(phrase) == phrase
    with Workspace(path, phrase=phrase) as ws:
        assert ws.unlocked and ws.negotiations() == []
    again = cli("new", workspace=path)
    assert again.returncode == 2 and "already" in again.stderr


def test_new_json_for_scripts_without_a_keychain_gives_the_phrase_and_the_member_key(tmp_path):
    path = tmp_path / "team.caucus"
    result = cli("new", "--json", workspace=path, env=NO_KEYCHAIN)
    assert result.returncode == 0, result.stderr
    made = json.loads(result.stdout)
    assert made["workspace"] == str(path)
    assert len(made["join_phrase"].split()) == 12 and made["phrase_stored"] is False
    assert made["member_key"].startswith("caucus-member-key")


def test_a_phrase_given_at_creation_becomes_the_workspaces_phrase(tmp_path):
    phrase = new_phrase()
    path = tmp_path / "given.caucus"
    result = cli("new", "--json", workspace=path, env={"CAUCUS_JOIN_PHRASE": phrase})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["join_phrase"] == phrase
    with Workspace(path, phrase=phrase) as ws:
        assert ws.unlocked
    phrase_file = tmp_path / "phrase.txt"
    phrase_file.write_text(phrase + "\n")
    imported = tmp_path / "imported.caucus"
    result = cli("import", REPO / "tests" / "fixtures" / "corrugated-2027.json",
                 "--phrase-file", phrase_file, workspace=imported)
    assert result.returncode == 0, result.stderr
    assert phrase not in result.stderr  # the creator gave it: not printed back
    with Workspace(imported, phrase=phrase) as ws:
        assert ws.unlocked


def test_a_bad_phrase_at_creation_is_refused_and_nothing_is_made(tmp_path):
    path = tmp_path / "bad.caucus"
    result = cli("new", workspace=path, env={"CAUCUS_JOIN_PHRASE": "one two three"})
    assert result.returncode == 2
    assert "12 words" in result.stderr and "3" in result.stderr
    assert not path.exists()


@pytest.mark.parametrize("words", [11, 13, 24])
def test_a_phrase_of_the_wrong_length_says_so(words):
    phrase = " ".join((new_phrase() + " " + new_phrase()).split()[:words])
    with pytest.raises(InvalidInput, match=f"has {words} words"):
        normalise_phrase(phrase)


def _made(tmp_path):
    path = tmp_path / "team.caucus"
    result = cli("new", "--json", workspace=path, env=NO_KEYCHAIN)
    return path, json.loads(result.stdout)["join_phrase"]


def test_join_without_a_keychain_says_the_phrase_is_right_and_how_to_pass_it(tmp_path):
    path, phrase = _made(tmp_path)
    result = cli("join", workspace=path, env={**NO_KEYCHAIN, "CAUCUS_JOIN_PHRASE": phrase})
    assert "Traceback" not in result.stderr
    assert "right" in result.stderr
    assert "--phrase-file" in result.stderr and "CAUCUS_JOIN_PHRASE" in result.stderr
    assert phrase not in result.stdout + result.stderr


def test_join_prompts_on_a_terminal(tmp_path):
    path, phrase = _made(tmp_path)
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CAUCUS_JOIN_PHRASE"}
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--workspace", str(path), "join"],
                            stdin=child, stdout=child, stderr=child, env=env, cwd=REPO)
    os.close(child)
    seen = b""
    while b"phrase" not in seen.lower():
        chunk = os.read(main, 1024)
        assert chunk, seen
        seen += chunk
    os.write(main, phrase.encode() + b"\n")
    assert proc.wait(timeout=60) == 0
    rest = b""
    try:
        while chunk := os.read(main, 1024):
            rest += chunk
    except OSError:
        pass
    os.close(main)
    assert phrase.encode() not in seen + rest  # not echoed
    assert b"joined" in rest


def test_an_interrupted_creation_leaves_nothing_behind(tmp_path):
    from app.creation import creating

    path = tmp_path / "new.caucus"
    with pytest.raises(KeyboardInterrupt), creating(path) as ws:  # ^C in the middle of a command
        ws.create_negotiation({"title": "Cartons", "supplier": "Northbox"}, "Ana Lead")
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    dead = tmp_path / ".new.caucus.new-999999999-abcdef00"  # a process killed while creating
    dead.write_bytes(b"partial")
    with creating(path) as ws:
        ws.create_negotiation({"title": "Cartons", "supplier": "Northbox"}, "Ana Lead")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "new.caucus"]
    with Workspace(path, create=False) as again:
        assert [n.title for n in again.negotiations()] == ["Cartons"] and again.unlocked
