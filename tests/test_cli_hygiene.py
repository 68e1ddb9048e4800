"""The command line as a careless script meets it: one table of exit codes, help on every option,
choices named, refusals of ``analyze --at`` outside the journal, no Python repr and no control
character printed raw, reports readable by others only when they hold nothing confidential, no
BrokenPipeError into ``head``, and an unexpected error logged with its traceback while the person
reads one line with the log's path."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import EXAMPLE, REPO, cli, import_enrolled

from app import cli as cli_module
from app import journal, keychain, scenario
from app.logs import log_path
from app.workspace import Workspace

TITLE = "Corrugated packaging 2027"


def run(*args: str) -> tuple[int, str, str]:
    """``caucus ARGS`` in this process (the same code as the real command): code, out, err."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_module.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def held(imported):
    """The example imported, the workspace closed again (the commands open it themselves)."""
    imported.ws.close()
    return imported.ws.path


# --- exit codes and help ------------------------------------------------------------------------


def test_help_prints_the_one_table_of_exit_codes():
    result = cli("--help")
    assert result.returncode == 0
    table = result.stdout[result.stdout.index("exit codes (every command):"):]
    codes = re.findall(r"^\s+(\d+)\s", table, re.M)
    assert codes == ["0", "1", "2", "130"]
    assert "bad input or refused" in table and "unexpected error" in table


def _actions(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from ((f"{name} {a.dest}", a) for a in sub._actions)
        else:
            yield parser.prog + " " + action.dest, action


def test_every_option_and_argument_has_help():
    missing = [name for name, action in _actions(cli_module.build_parser())
               if not action.help and not isinstance(action, argparse._SubParsersAction)]
    assert missing == []


def test_each_kind_of_outcome_has_its_exit_code(held, tmp_path):
    assert run("list", "--workspace", held)[0] == 0
    assert run("log", "--workspace", held, "--as", "Kim", "phase", "closing")[0] == 2
    not_a_workspace = tmp_path / "notes.txt"
    not_a_workspace.write_text("shopping list\n" * 100)
    code, _, err = run("list", "--workspace", not_a_workspace)
    assert code == 1 and "notes.txt" in err
    assert cli("list", "--no-such-option").returncode == 2  # argparse's own refusals too


# --- choices, duplicates, the phrase ----------------------------------------------------------


def test_a_duplicate_title_is_refused_and_the_ids_listed(held):
    with Workspace(held) as ws, ws.unit(auto_ids=False) as unit:
        scenario.import_scenario(unit, scenario.load(EXAMPLE))
    code, out, err = run("analyze", "--workspace", held, "--negotiation", TITLE.upper())
    assert code == 2 and out == ""
    assert err.strip() == (f'caucus: 2 negotiations are titled "{TITLE.upper()}"; name one by its '
                           f'id (1 "{TITLE}", 2 "{TITLE}")')
    assert run("analyze", "--workspace", held, "--negotiation", "2", "--json")[0] == 0


def test_an_unknown_negotiation_lists_those_there_are(held):
    code, _, err = run("timeline", "--workspace", held, "--negotiation", "Pallets")
    assert code == 2 and f'no negotiation "Pallets" in this workspace (1 "{TITLE}")' in err


def test_analyze_without_the_phrase_says_on_stderr_what_is_missing(held):
    with Workspace(held) as ws:
        keychain.forget(ws.store.workspace_id)
    code, out, err = run("analyze", "--workspace", held, "--json")
    assert code == 0 and json.loads(out)["locked"]
    assert err.startswith("caucus: sealed (no join phrase: use caucus join, $CAUCUS_JOIN_PHRASE "
                          "or --phrase-file): Targets, walk-aways, limits and the plan are sealed")


# --- analyze --at -----------------------------------------------------------------------------


@pytest.mark.parametrize(("at", "words"), [
    ("0", "0 is before the first act"), ("-5", "-5 is before the first act"),
    ("99999", "99999 is after the last act"),
    ("2020-01-01T00:00:00Z", "2020-01-01T00:00:00Z is before the first act"),
    ("2027-01-15T00:00:00Z", "2027-01-15T00:00:00Z is after the last act"),
    ("yesterday", '"yesterday" is not an ISO-8601 time'),
])
def test_analyze_at_a_moment_outside_the_journal_is_refused(held, at, words):
    code, out, err = run("analyze", "--workspace", held, "--json", f"--at={at}")
    assert code == 2 and out == ""
    assert f"caucus: --at: {words}" in err
    # the example's 47 acts, and the enrolment of its team (4 acts, logged now)
    assert re.search(r"give a sequence number from 1 to 51 or a time from \S+Z to "
                     r"2027-01-14T10:30:00Z$", err.strip()), err


def test_analyze_at_the_first_and_the_last_act_is_accepted(held):
    assert run("analyze", "--workspace", held, "--json", "--at", "1")[0] == 0
    code, out, _ = run("analyze", "--workspace", held, "--json", "--at", "2027-01-14T10:30:00Z")
    assert code == 0 and json.loads(out)["issues"]["price"]["agreed"] == "0.868"


# --- what is printed ----------------------------------------------------------------------------


def test_no_python_repr_in_the_timeline_or_the_alerts(held):
    code, out, _ = run("timeline", "--workspace", held)
    assert code == 0
    assert "Our offer: price 0.81 EUR/box · term 18 months   asks rebate 2.0 %" in out
    code, alerts, _ = run("analyze", "--workspace", held)
    for text in (out, alerts):
        assert not re.search(r"Decimal\(|\{'|\['|': '|datetime\.|<\w+ object", text), text


def test_control_characters_stored_by_another_tool_are_printed_escaped(held):
    with Workspace(held) as ws:
        with ws.unit() as unit:
            st = unit.state(1)
            journal.append(unit.conn, unit.codec, unit.signers.key_for(st.prep.keys, "Sam Ortiz"),
                           place=st.place, meeting=1, act_id="x1", kind="note", by="Sam Ortiz",
                           role="sme", at=datetime.now(UTC),
                           payload={"topic": "fact", "text": "bell\x07 and \x9b"})
        with ws.store.write() as conn:  # the row of the list, changed by another tool
            conn.exec_driver_sql("UPDATE negotiation SET title = ? WHERE id = 1",
                                 ("\x1b[2J\x1b[31mPWNED\u202e",))
    for command in ("list", "timeline"):
        result = cli(command, workspace=held)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\u001b[2J\\u001b[31mPWNED\\u202e" in cli("list", workspace=held).stdout
    assert "bell\\u0007 and \\u009b" in cli("timeline", workspace=held).stdout


def test_reports_are_readable_by_others_unless_confidential(held, tmp_path):
    old = os.umask(0o022)
    try:
        files = {name: tmp_path / name for name in ("safe.pdf", "safe.csv", "full.pdf", "s.json",
                                                    "j.csv", "sealed.csv")}
        assert run("export", "--workspace", held, "--pdf", files["safe.pdf"], "--csv",
                   files["safe.csv"], "--room-safe")[0] == 0
        assert run("export", "--workspace", held, "--pdf", files["full.pdf"],
                   "--scenario", files["s.json"], "--csv", files["j.csv"])[0] == 0
        assert run("export", "--workspace", held, "--csv", files["sealed.csv"],
                   "--include-confidential")[0] == 0
    finally:
        os.umask(old)
    modes = {name: stat.S_IMODE(path.stat().st_mode) for name, path in files.items()}
    # the room's files and the journal without its sealed figures are for others to read
    assert modes == {"safe.pdf": 0o644, "safe.csv": 0o644, "full.pdf": 0o600, "s.json": 0o600,
                     "j.csv": 0o644, "sealed.csv": 0o600}


def test_piped_into_head_there_is_no_broken_pipe(workspace_path):
    with Workspace(workspace_path) as ws:
        n = import_enrolled(ws, scenario.load(EXAMPLE))
        with ws.unit() as unit:
            unit.start_meeting(n, "Dana Whitfield", "Long one")
            for i in range(3000):
                unit.log(n, "Oli Park", "reaction", {"tag": "interest", "note": f"nod {i}"})
    for command in (["timeline"], ["timeline", "--json"]):
        with subprocess.Popen(
                [sys.executable, "-m", "app.cli", "--workspace", str(workspace_path), *command],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            assert proc.stdout.readline()  # what `head -1` reads, and then it leaves
            proc.stdout.close()
            stderr = proc.stderr.read().decode()
            assert proc.wait(timeout=60) == 0, stderr
        assert stderr == "", stderr  # no BrokenPipeError, no "Exception ignored"


def test_an_unexpected_error_is_logged_and_said_in_one_line(held, monkeypatch):
    def broken(_args):
        raise RuntimeError("the list broke")

    monkeypatch.setitem(cli_module.COMMANDS, "list", broken)
    code, out, err = run("list", "--workspace", held)
    assert code == 1 and out == ""
    assert err.strip() == (f"caucus: unexpected error (RuntimeError: the list broke); the details "
                           f"are in {log_path()}")
    assert str(log_path()).startswith(os.environ["XDG_DATA_HOME"])  # the test's own data folder
    text = log_path().read_text(encoding="utf-8")
    assert "unexpected error in caucus list" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: the list broke" in text


def test_scenario_md_holds_both_contracts_and_the_readme_links_it():
    text = (REPO / "SCENARIO.md").read_text(encoding="utf-8")
    for heading in ("caucus-scenario/1", "caucus-analysis/1", "Bad input", "Caucus extensions"):
        assert heading in text, heading
    assert "](SCENARIO.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_help_examples_of_log_still_parse():
    assert Path(EXAMPLE).exists()
    assert "--past-limit" in cli("log", "--help").stdout


def test_past_limit_logs_the_offer_and_its_request_in_one_transaction(held):
    before = json.loads(cli("timeline", "--json", workspace=held).stdout)
    result = cli("log", "--as", "Dana Whitfield", "offer", "us", "price=0.95", workspace=held)
    assert result.returncode == 2  # the negotiation is closed by its final agreement a23
    args = ["log", "--as", "Dana Whitfield", "--new-meeting", "offer", "us", "price=0.95"]
    refused = cli(*args, workspace=held)
    assert refused.returncode == 2 and "add --past-limit" in refused.stderr
    # neither the meeting nor the offer was written
    assert json.loads(cli("timeline", "--json", workspace=held).stdout) == before
    logged = cli(*args, "--past-limit", workspace=held)
    assert logged.returncode == 0, logged.stderr
    assert logged.stdout.splitlines() == ["logged a25 (seq 53)",
                                          "filed approval request a26 (seq 54) for price"]
    rows = json.loads(cli("timeline", "--json", workspace=held).stdout)[len(before):]
    assert [(r["kind"], r.get("id")) for r in rows] == [
        ("meeting_start", None), ("offer", "a25"), ("approval_request", "a26")]
    assert (rows[2]["issue"], rows[2]["value"]) == ("price", "0.95")
    assert "walk-away and Dana Whitfield's authority" in rows[2]["note"]
