"""The ``caucus`` command line, run as real processes: every kind of ``log``, list, timeline,
export, verify, demo, and the refusal of broken scenario files (exit 2, the JSON path named, the
workspace unchanged). ``cli()`` fails any run whose stderr holds a traceback."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import shlex
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE, cli, import_enrolled

from app import cli as cli_module
from app import scenario
from app.domain import MEETING_KINDS
from app.workspace import Workspace

DEMO_TITLE = "Industrial lubricants 2027-2029"


def timeline(run_cli, **kwargs) -> list[dict]:
    result = run_cli("timeline", "--json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def log_examples() -> list[list[str]]:
    """The examples of ``caucus log --help``, as the arguments after ``caucus log``."""
    lines = [line.strip() for line in cli_module.LOG_HELP.splitlines()]
    return [shlex.split(line)[2:] for line in lines if line.startswith("caucus log ")]


def split_example(args: list[str]) -> tuple[str, str, list[str]]:
    """The member, the kind and the field words of a ``log`` argument list."""
    member, rest, i = None, [], 0
    while i < len(args):
        if args[i] in ("--as", "--id", "--at", "--json", "--negotiation"):
            member = args[i + 1] if args[i] == "--as" else member
            i += 2
        else:
            rest.append(args[i])
            i += 1
    return member, rest[0], rest[1:]


# --- log ----------------------------------------------------------------------------------------


def test_the_help_examples_cover_every_kind():
    assert {split_example(args)[1] for args in log_examples()} == set(MEETING_KINDS)


def _expected_fields(kind: str, words: list[str]) -> dict[str, Any]:
    """What the payload must contain for the words of a help example (key=value and positional)."""
    positional = list(cli_module.POSITIONAL.get(kind, []))
    expected: dict[str, Any] = {}
    target = "terms"
    for word in words:
        if word in ("ask", "asks") and kind == "offer":
            target = "asks"
        elif "=" in word:
            key, value = word.split("=", 1)
            if kind in ("offer", "agreement"):
                expected.setdefault(target, {})[key] = value
            else:
                expected[key] = value
        elif positional:
            expected[positional.pop(0)] = word
    if kind == "agreement" and "final" in expected:
        expected["final"] = expected["final"] == "final"
    if kind == "approval":
        expected["granted"] = expected["granted"] == "true"
    return expected


def test_every_help_example_logs_on_the_imported_example(imported, run_cli):
    ws, n = imported
    ws.close()  # the subprocesses have the file to themselves
    # the example closed with a final agreement: a new meeting opens the negotiation again
    assert run_cli("log", "--as", "Dana Whitfield", "--new-meeting", "phase",
                   "opening").returncode == 0
    for args in log_examples():
        result = run_cli("log", *args)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.startswith("logged ")
    rows = timeline(run_cli)
    # 47 + 4 enrolments + the new meeting and its phase
    new = [r for r in rows if r["seq"] > 53 and r["kind"] in MEETING_KINDS]
    assert len(new) == len(log_examples())
    for row, args in zip(new, log_examples(), strict=True):
        member, kind, fields = split_example(args)
        assert (row["kind"], row["by"]) == (kind, member)
        payload = {k: v for k, v in row.items()
                   if k not in ("seq", "meeting", "role", "id", "at", "by", "kind", "withdrawn")}
        for key, value in _expected_fields(kind, fields).items():
            assert payload.get(key) == value, (args, payload)
    withdrawn = {r.get("id") for r in rows if r["withdrawn"]}
    assert withdrawn == {"a5"}
    assert cli("verify", workspace=ws.path).returncode == 0


def test_log_payloads_from_words_and_json(imported, run_cli):
    ws, n = imported
    ws.close()
    assert run_cli("log", "--as", "Dana Whitfield", "--id", "o1", "--new-meeting", "offer", "us",
                   "price=0.850", "term=24", "asks", "rebate=2.5", "otif=97").returncode == 0
    assert run_cli("log", "--as", "Priya Raman", "approval", "a14", "false").returncode == 0
    assert run_cli("log", "--as", "Dana Whitfield", "agreement", "tentative",
                   "payment=60").returncode == 0
    assert run_cli("log", "--as", "Oli Park", "--json",
                   '{"tag": "walked_out", "note": "left the room", "about": "o1"}',
                   "reaction").returncode == 0
    rows = {r["id"]: r for r in timeline(run_cli) if "id" in r}
    offer = rows["o1"]
    assert (offer["terms"], offer["asks"]) == ({"price": "0.850", "term": "24"},
                                               {"rebate": "2.5", "otif": "97"})
    assert rows["a26"]["granted"] is False
    assert (rows["a27"]["terms"], rows["a27"]["final"]) == ({"payment": "60"}, False)
    assert (rows["a28"]["tag"], rows["a28"]["about"]) == ("walked_out", "o1")
    assert {r["role"] for r in rows.values() if r["id"] in ("o1", "a26", "a28")} == {
        "lead", "approver", "observer"}


def test_a_note_that_says_no_is_kept_as_text(imported, run_cli):
    imported.ws.close()
    result = run_cli("log", "--as", "Priya Raman", "approval", "a14", "false", "note=no")
    assert result.returncode == 0, result.stderr
    assert timeline(run_cli)[-1]["note"] == "no"


RANGE = "for Unit price: give a value above 0 and up to 100 EUR/box, with at most 6 decimals"
BAD_LOG: dict[str, tuple[list[str], str]] = {  # name: (arguments after --as, message)
    "bad number": (["offer", "them", "price=0,9x"], 'terms.price: "0,9x" is not a number'),
    "unknown issue": (["offer", "them", "colour=red"], 'terms.colour: "colour" is not an issue'),
    "bad side": (["offer", "sideways", "price=0.9"], 'side: "sideways" is not one of us, them'),
    "unknown kind": (["bribe", "x=1"], 'kind: "bribe" is not one of'),
    "retract unknown": (["retract", "a99"], 'act: "a99" is not an act logged before'),
    "approve an offer": (["approval", "a2", "true"], 'request: "a2" is not an approval request'),
    "bad phase": (["phase", "lunch"], 'phase: "lunch" is not one of'),
    "naive time": (["--at", "2027-01-15T10:00:00", "phase", "closing"], "has no offset or Z"),
    "bad json": (["--json", "{not json", "phase"], "not valid JSON"),
    "missing text": (["note", "fact"], "text: is required"),
    "stray word": (["phase", "closing", "extra"], '"extra": expected key=value'),
    "not on the team": (["phase", "closing"], 'by: "Kim" is not on the team (the team: Dana '
                                              'Whitfield, Sam Ortiz, Oli Park, Priya Raman)'),
    "issues listed": (["offer", "them", "prise=1"], 'terms.prise: "prise" is not an issue of this '
                      "negotiation (the issues: price, payment, term, volume, rebate, otif)"),
    "negative price": (["offer", "them", "price=-3.2"],
                       f"terms.price: -3.2 is out of range {RANGE}"),
    "zero price": (["offer", "them", "price=0"], f"terms.price: 0 is out of range {RANGE}"),
    "1e30": (["offer", "them", "price=1e30"], f"terms.price: 1E+30 is out of range {RANGE}"),
    "1e999": (["offer", "them", "price=1e999"], f"terms.price: 1E+999 is out of range {RANGE}"),
    "1e-999": (["offer", "them", "price=1e-999"],
               f"terms.price: 1E-999 has more than 6 decimals {RANGE}"),
    "1e999999999": (["offer", "them", "price=1e999999999"],
                    f"terms.price: 1E+999999999 is out of range {RANGE}"),
    "infinity": (["offer", "them", "price=Infinity"], '"Infinity" is not a finite number'),
    "request past any range": (["approval_request", "price", "1e30"], "value: 1E+30 is out of "
                               "range"),
    "before the negotiation": (["--at", "2020-01-01T00:00:00Z", "phase", "closing"],
                               "at: 2020-01-01T00:00:00Z is before this negotiation's first act "
                               "(2027-01-14T09:00:00Z)"),
    "far in the future": (["--at", "2999-01-01T00:00:00Z", "phase", "closing"],
                          "at: 2999-01-01T00:00:00Z is more than a day ahead of now"),
    "year 1 with an offset": (["--at", "0001-01-01T00:00:00+01:00", "phase", "closing"],
                              "is outside the years 1900–2999 that Caucus accepts"),
    "after the final agreement": (["offer", "them", "price=0.85"], "the negotiation closed with "
                                  "the final agreement a23 (meeting 1); start a new meeting"),
    "past the limits": (["--new-meeting", "offer", "us", "price=0.95"],
                        "not logged: Unit price: 0.95 EUR/box is past the walk-away 0.90 "
                        "EUR/box; Unit price: 0.95 EUR/box is past Dana Whitfield's authority "
                        "of 0.86 EUR/box\ncaucus: to log it knowingly, add --past-limit"),
    "escape in a note": (["reaction", "flinch", "note=\x1b[31mred"],
                         "note: holds an escape character (U+001B) at character 1"),
    "note of 100 KB": (["note", "fact", "x" * 100_000],
                       "text: is 100,000 characters long; the limit is 4,000"),
    "json not an object": (["--json", "[1]", "phase"], "--json: expected an object"),
}


def in_parallel(runs: dict[str, tuple]) -> dict[str, subprocess.CompletedProcess]:
    """``cli(*args, workspace=w)`` for each named run, several processes at a time."""
    workers = max(2, 2 * (os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {name: pool.submit(cli, *args, workspace=ws, check_traceback=False)
                   for name, (args, ws) in runs.items()}
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture(scope="module")
def bad_logs(populated) -> dict[str, Any]:
    """Every bad ``caucus log`` of ``BAD_LOG`` run against one populated workspace."""
    held, snapshot = populated
    path = held.with_name("bad-logs.caucus")
    shutil.copy(held, path)
    runs = {name: (["log", "--as", "Kim" if name == "not on the team" else "Dana Whitfield",
                    *args], path) for name, (args, _) in BAD_LOG.items()}
    results = in_parallel(runs)
    after = {cmd: _cli_output("--workspace", str(path), cmd, "--json")
             for cmd in ("list", "timeline")}
    return {"results": results, "unchanged": after == snapshot}


@pytest.mark.parametrize("name", BAD_LOG)
def test_bad_log_input_exits_2_naming_the_field(bad_logs, name):
    result = bad_logs["results"][name]
    assert "Traceback" not in result.stderr, result.stderr
    assert "\x1b" not in result.stderr  # what was typed is never echoed raw
    assert result.returncode == 2, result
    assert BAD_LOG[name][1] in result.stderr
    assert result.stdout == ""
    assert bad_logs["unchanged"], "a refused log changed the workspace"


# --- list, timeline, export, verify, demo -------------------------------------------------------


def test_import_list_and_timeline(run_cli, workspace_path):
    result = run_cli("import", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        'imported "Corrugated packaging 2027" as negotiation 1 (48 acts)')  # 47 + the enrolment
    listed = run_cli("list", "--json")
    [info] = json.loads(listed.stdout)
    assert {k: info[k] for k in ("id", "title", "supplier", "acts", "last_at")} == {
        "id": 1, "title": "Corrugated packaging 2027", "supplier": "Northbox Packaging",
        "acts": 48, "last_at": "2027-01-14T10:30:00Z"}
    text = run_cli("list").stdout
    assert "Corrugated packaging 2027" in text and "48 acts" in text

    enrolled = run_cli("enrol", "--here", "Oli Park")  # Oli's key on this (the test's) computer
    assert enrolled.returncode == 0, enrolled.stderr
    retracted = run_cli("log", "--as", "Oli Park", "retract", "a6", "reason=wrong person")
    assert retracted.returncode == 0, retracted.stderr
    rows = timeline(run_cli)
    assert [r["seq"] for r in rows] == list(range(1, 52))
    assert {r.get("id") for r in rows if r["withdrawn"]} == {"a6"}
    assert all(r["withdrawn"] is False for r in rows if r.get("id") != "a6")
    retraction = rows[-1]
    assert (retraction["kind"], retraction["act"], retraction["role"]) == ("retract", "a6",
                                                                          "observer")
    plain = run_cli("timeline").stdout.splitlines()
    assert any("a6" not in line and "Reaction: Flinch" in line and line.endswith("(withdrawn)")
               for line in plain)


def test_export_scenario_round_trips_through_the_cli(run_cli, tmp_path):
    assert run_cli("import", EXAMPLE).returncode == 0
    out = tmp_path / "exported.json"
    result = run_cli("export", "--scenario", out)
    assert result.returncode == 0, result.stderr
    exported = json.loads(out.read_text(encoding="utf-8"))
    original = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert exported["meetings"] == original["meetings"]
    assert exported["team"] == original["team"]

    other = tmp_path / "other.caucus"
    assert run_cli("import", out, workspace=other).returncode == 0
    def without_keys(rows: list[dict]) -> list[dict]:  # enrolments name each file's own keys
        return [r for r in rows if r["kind"] != "enrol"]

    assert without_keys(timeline(run_cli, workspace=other)) == without_keys(timeline(run_cli))
    again = tmp_path / "again.json"
    assert run_cli("export", "--scenario", again, workspace=other).returncode == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically, nothing left behind


def test_export_needs_a_target_and_a_negotiation(run_cli, workspace_path):
    assert run_cli("demo").returncode == 0
    result = run_cli("export")
    assert result.returncode == 2
    assert "--scenario" in result.stderr
    assert run_cli("import", EXAMPLE).returncode == 0
    result = run_cli("export", "--scenario", workspace_path.with_suffix(".json"))
    assert result.returncode == 2
    assert "2 negotiations" in result.stderr
    result = run_cli("export", "--scenario", workspace_path.with_suffix(".json"),
                     "--negotiation", "corrugated packaging 2027")
    assert result.returncode == 0, result.stderr


def test_verify_a_sound_workspace(run_cli):
    assert run_cli("import", EXAMPLE).returncode == 0
    result = run_cli("verify")
    assert result.returncode == 0
    assert result.stdout.strip() == "ok: file and journal are intact (48 acts)"
    assert result.stderr == ""


def test_demo_is_added_once(run_cli):
    first = run_cli("demo")
    assert first.returncode == 0, first.stderr
    assert f'added the demo "{DEMO_TITLE}"' in first.stdout
    second = run_cli("demo")
    assert second.returncode == 0
    assert "already" in second.stdout
    listed = json.loads(run_cli("list", "--json").stdout)
    assert [n["title"] for n in listed] == [DEMO_TITLE]
    assert run_cli("verify").returncode == 0


def test_the_default_workspace_comes_from_the_environment(run_cli, tmp_path):
    import os

    default = Path(os.environ["CAUCUS_WORKSPACE"])
    assert str(default).startswith(str(tmp_path))  # isolated by conftest, never the user's own
    assert run_cli("demo", workspace=None).returncode == 0
    assert default.exists()
    assert json.loads(run_cli("list", "--json", workspace=None).stdout)[0]["title"] == DEMO_TITLE


def test_import_of_a_missing_or_unreadable_file(run_cli, tmp_path):
    result = run_cli("import", tmp_path / "nope.json")
    assert result.returncode == 2
    assert "cannot be read" in result.stderr
    latin = tmp_path / "latin1.json"
    latin.write_bytes('{"format": "caucus-scenario/1", "negotiation": {"title": "Caf\xe9"}}'
                      .encode("latin-1"))
    result = run_cli("import", latin)
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr


# --- broken scenario files ----------------------------------------------------------------------


def _act(data: dict, act_id: str) -> dict:
    return next(a for m in data["meetings"] for a in m["acts"] if a.get("id") == act_id)


def _act_set(act_id: str, **fields: Any):
    return lambda data: _act(data, act_id).update(fields)


def _append_act(**act: Any):
    return lambda data: data["meetings"][0]["acts"].append(
        {"at": "2027-01-14T10:31:00Z", "by": "Dana Whitfield", **act})


BROKEN: dict[str, tuple[Any, str]] = {  # name: (change to the example, message)
    "bad number": (_act_set("a8", terms={"price": "0,9x", "term": "18"}),
                   'meetings[0].acts[7].terms.price: "0,9x" is not a number'),
    "unknown member in authority": (lambda d: d["authority"][2].update(member="Kim"),
                                    'authority[2].member: "Kim" is not on the team'),
    "unknown by": (_act_set("a4", by="Kim"), 'meetings[0].acts[3].by: "Kim" is not on the team'),
    "unknown issue in terms": (
        lambda d: _act(d, "a2")["terms"].update(colour="red"),
        'meetings[0].acts[1].terms.colour: "colour" is not an issue of this negotiation'),
    "misordered positions": (
        lambda d: d["issues"][1].update(opening="45", walk_away="60", target="50"),
        "issues[1]: opening 45 days is worse than the walk-away 60 days (higher is better here)"),
    "unknown top-level key": (lambda d: d.update(notes="bring coffee"), "notes: unknown key"),
    "unknown key in an act": (_act_set("a3", colour="red"),
                              "meetings[0].acts[2].colour: unknown key"),
    "duplicate act id": (_act_set("a6", id="a5"),
                         'meetings[0].acts[5].id: "a5" is already used by another act'),
    "duplicate issue key": (lambda d: d["issues"][2].update(key="price"),
                            'issues[2].key: "price" appears twice'),
    "duplicate member": (lambda d: d["team"][3].update(name="Oli Park"),
                         'team[3].name: "Oli Park" appears twice'),
    "approval of an unknown request": (
        _act_set("a15", request="a99"),
        'meetings[0].acts[14].request: "a99" is not an approval request logged before'),
    "approval of an offer": (_act_set("a15", request="a2"),
                             'meetings[0].acts[14].request: "a2" is not an approval request'),
    "retract of an unknown act": (_append_act(kind="retract", act="a77"),
                                  'meetings[0].acts[24].act: "a77" is not an act logged before'),
    "retract of a later act": (
        lambda d: d["meetings"][0]["acts"].__setitem__(3, {
            "id": "a4", "at": "2027-01-14T09:08:00Z", "by": "Sam Ortiz", "kind": "retract",
            "act": "a9"}),
        'meetings[0].acts[3].act: "a9" is not an act logged before'),
    "wrong format version": (lambda d: d.update(format="caucus-scenario/2"),
                             'format: "caucus-scenario/2" is not "caucus-scenario/1"'),
    "time without offset": (_act_set("a3", at="2027-01-14T09:06:45"),
                            'meetings[0].acts[2].at: "2027-01-14T09:06:45" has no offset or Z'),
    "meeting start without offset": (lambda d: d["meetings"][0].update(
        started="2027-01-14 09:00"), "meetings[0].started:"),
    "bad situation value": (lambda d: d["negotiation"]["situation"].update(suppliers="lots"),
                            'negotiation.situation.suppliers: "lots" is not one of many, few, '
                            "single"),
    "plan step past walk-away": (lambda d: d["plan"][0].update(steps=["0.81", "0.83", "0.95"]),
                                 "plan[0].steps[2]: 0.95 EUR/box is past the walk-away 0.90 "
                                 "EUR/box"),
    "authority outside the range": (lambda d: d["authority"][0].update(limit="0.95"),
                                    "authority[0].limit: 0.95 EUR/box is not between the opening"),
    "bad role": (lambda d: d["team"][1].update(role="cfo"),
                 'team[1].role: "cfo" is not one of lead, sme, observer, approver'),
    "missing team": (lambda d: d.pop("team"), "team: is required"),
    "not an object": (lambda d: None, "a scenario is a JSON object"),
    "no issues": (lambda d: d.pop("issues"), "issues: is required"),
    "an id that is a list": (_act_set("a15", request=["a14"]),
                             "meetings[0].acts[14].request: a list is not a non-empty text"),
    "an id that is an object": (_act_set("a6", about={"id": "a5"}),
                                "meetings[0].acts[5].about: an object is not a non-empty text"),
    "lone surrogate in a name": (lambda d: d["team"][1].update(name="Sam \ud800"),
                                 "team[1].name: holds a lone surrogate (U+D800) at character 5"),
    "year 9999 with an offset": (_act_set("a3", at="9999-12-31T23:30:00-01:00"),
                                 "meetings[0].acts[2].at: \"9999-12-31T23:30:00-01:00\" is "
                                 "outside the years 1900–2999"),
    "title of 200 KB": (lambda d: d["negotiation"].update(title="t" * 200_000),
                        "negotiation.title: is 200,000 characters long; the limit is 200"),
    "escapes in the title": (lambda d: d["negotiation"].update(title="\x1b[2J\x1b[31mX"),
                             "negotiation.title: holds an escape character (U+001B)"),
    "price of -3.2": (_act_set("a2", terms={"price": "-3.2"}),
                      "meetings[0].acts[1].terms.price: -3.2 is out of range for Unit price"),
}
TEXT_BROKEN = {
    "truncated JSON": (lambda text: text[: len(text) // 2], "not valid JSON"),
    "a list, not an object": (lambda text: "[" + text + "]", "a scenario is a JSON object"),
    "nested 1,000 deep": (lambda text: text.replace('"batna": {', '"deep": ' + "[" * 1000
                                                    + "]" * 1000 + ', "batna": {', 1),
                          "nested too deeply (a scenario needs at most 16 levels)"),
}


def _decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _cli_output(*args: str) -> str:
    """What ``caucus ARGS`` prints, run in this process (the same code as the real command)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_module.main(list(args)) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A workspace holding one negotiation, and its ``list --json`` / ``timeline --json``."""
    path = tmp_path_factory.mktemp("populated") / "held.caucus"
    with Workspace(path) as ws:
        import_enrolled(ws, scenario.load(EXAMPLE))
    snapshot = {cmd: _cli_output("--workspace", str(path), cmd, "--json")
                for cmd in ("list", "timeline")}
    return path, snapshot


def _broken_file(tmp_path: Path, name: str) -> tuple[Path, str]:
    text = EXAMPLE.read_text(encoding="utf-8")
    target = tmp_path / "broken.json"
    if name in TEXT_BROKEN:
        change, message = TEXT_BROKEN[name]
        target.write_text(change(text), encoding="utf-8")
        return target, message
    change, message = BROKEN[name]
    data = copy.deepcopy(scenario.loads(text))
    if name == "not an object":
        data = ["a", "list"]
    else:
        change(data)
    target.write_text(json.dumps(data, default=_decimal), encoding="utf-8")
    return target, message


@pytest.fixture(scope="module")
def broken_imports(populated, tmp_path_factory) -> dict[str, tuple]:
    """Each broken file imported (all at once) into its own copy of the populated workspace."""
    held, _ = populated
    runs, messages = {}, {}
    for name in [*BROKEN, *TEXT_BROKEN]:
        folder = tmp_path_factory.mktemp("broken")
        path = folder / "held.caucus"
        shutil.copy(held, path)
        broken, messages[name] = _broken_file(folder, name)
        runs[name] = (["import", broken], path)
    results = in_parallel(runs)
    return {name: (results[name], runs[name][1], messages[name]) for name in runs}


@pytest.mark.parametrize("name", [*BROKEN, *TEXT_BROKEN])
def test_a_broken_scenario_is_refused_whole_and_changes_nothing(populated, broken_imports, name):
    _, snapshot = populated
    result, path, message = broken_imports[name]
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert message in result.stderr, result.stderr
    after = {cmd: _cli_output("--workspace", str(path), cmd, "--json")
             for cmd in ("list", "timeline")}
    assert after == snapshot
