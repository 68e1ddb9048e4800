"""Reports to share (#6): the PDF (sections, atomic writing, progress), the journal as CSV, and
``caucus export --pdf/--csv/--scenario`` (the room-safe ones: ``test_room_safe``). The PDF's text
is read back with ``pdftotext`` (poppler-utils)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.report import CSV_COLUMNS, write_csv, write_pdf

LEAD = "Dana Whitfield"
SECTIONS = ("Summary", "Agreed terms", "Trajectories", "Concession ledger", "Coaching alerts",
            "Their tactics and our answers", "Debrief", "Timeline")


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True)
    return out.stdout


def test_the_pdf_has_every_section_and_the_numbers(imported, tmp_path):
    ws, n = imported
    ws.set_debrief(n, LEAD, {"conceded": "Price to 0.868 once we gave 24 months.",
                             "limits": {"price": "0.868"}})
    calls = []
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "report.pdf"
    write_pdf(path, ws.acts(n), progress=lambda done, total: calls.append((done, total)))
    assert path.read_bytes().startswith(b"%PDF")
    text = pdf_text(path)
    for section in SECTIONS:
        assert section in text, section
    assert "Negotiation report: Corrugated packaging 2027" in text
    assert "Final agreement on 2027-01-14 10:27 UTC, 1 h 23 min after" in text
    assert "a15 (Priya Raman) on request a14 to 0.87" in text  # who covered the price
    assert "walk-away 0.90" in text and "BoxCo" in text  # not room-safe: all there
    assert "Price to 0.868 once we gave 24 months." in text  # the team's debrief
    assert "Tactic: Deadline pressure" in text and "Our offer: price 0.865 EUR/box" in text
    assert calls and calls[-1][0] == calls[-1][1] and all(d <= t for d, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_a_failed_write_leaves_the_old_report_alone(imported, tmp_path):
    ws, n = imported
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "report.pdf"
    path.write_bytes(b"%PDF old report")

    def fail(done, total):
        if done > 3:
            raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError, match="disk pulled out"):
        write_pdf(path, ws.acts(n), progress=fail)
    assert path.read_bytes() == b"%PDF old report"
    assert list(path.parent.iterdir()) == [path]


def test_the_csv_reads_back_one_row_per_act(imported, tmp_path):
    ws, n = imported
    ws.log(n, "Sam Ortiz", "note", {"topic": "fact", "text": 'Two lines,\n"quoted", é'})
    ws.undo(n, "Sam Ortiz")
    acts = ws.acts(n)
    path = tmp_path / "journal.csv"
    write_csv(path, acts)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(acts) and tuple(rows[0]) == CSV_COLUMNS
    assert [int(r["seq"]) for r in rows] == [a.seq for a in acts]
    note = rows[-2]
    assert json.loads(note["payload"])["text"] == 'Two lines,\n"quoted", é'
    assert note["withdrawn"] == "yes" and rows[-1]["kind"] == "retract"
    a23 = next(r for r in rows if r["id"] == "a23")
    assert (a23["at"], a23["member"], a23["role"], a23["meeting"]) == (
        "2027-01-14T10:27:30Z", LEAD, "lead", "1")
    assert a23["summary"].startswith("Agreed (final): price 0.868 EUR/box")


def test_export_writes_scenario_pdf_and_csv_at_once(run_cli, tmp_path, imported):
    imported.ws.close()
    out = {k: tmp_path / f"out.{k}" for k in ("json", "pdf", "csv")}
    result = run_cli("export", "--scenario", out["json"], "--pdf", out["pdf"], "--csv",
                     out["csv"])
    assert result.returncode == 0, result.stderr
    assert all(p.exists() for p in out.values())
    assert json.loads(out["json"].read_text())["negotiation"]["title"] == (
        "Corrugated packaging 2027")
    assert "BoxCo" in pdf_text(out["pdf"])
    with out["csv"].open(encoding="utf-8", newline="") as f:
        assert len(list(csv.reader(f))) == 47 + 4 + 1  # the acts, the 4 enrolments, the header

    refused = run_cli("export", "--scenario", out["json"], "--room-safe")
    assert refused.returncode == 2 and "--room-safe is for the PDF report and the CSV" in (
        refused.stderr)
    nothing = run_cli("export")
    assert nothing.returncode == 2 and "--pdf FILE" in nothing.stderr
    missing = run_cli("export", "--pdf", tmp_path / "no" / "such" / "r.pdf")
    assert missing.returncode == 2 and "cannot be written" in missing.stderr


def test_percent_lines_for_a_slow_report(capsys):
    from app.cli import percent_printer

    report = percent_printer("r.pdf", after_s=0)
    for done in range(1, 21):
        report(done, 20)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "caucus: writing r.pdf: 5%" and lines[-1] == "caucus: writing r.pdf: 100%"
    assert len(lines) == 11  # one line per tenth
    quiet = percent_printer("r.pdf", after_s=3600)
    quiet(1, 2)
    assert capsys.readouterr().err == ""


def test_a_locked_workspace_still_reports(tmp_path, example):
    from app import keychain, scenario
    from app.workspace import Workspace

    path = tmp_path / "w.caucus"
    with Workspace(path) as ws:
        with ws.unit(auto_ids=False) as unit:
            scenario.import_scenario(unit, example)
        keychain.forget(ws.store.workspace_id)
    with Workspace(path) as other:
        acts = other.acts(other.find(None))
    write_pdf(tmp_path / "locked.pdf", acts)
    text = pdf_text(tmp_path / "locked.pdf")
    assert "locked" in text and "0.868" in text and "walk-away 0.90" not in text
