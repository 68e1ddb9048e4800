"""Member signatures and enrolment (issue 12): every act signed by its author's enrolled key; the
services refuse an act in another member's name and an approval not signed by an approver; verify
names a wrong signer; imported acts signed by the importer and marked; keys without a keychain."""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import EXAMPLE, cli, import_enrolled

from app import chain, keychain, scenario
from app.enrolment import enrol_here, enrolment
from app.errors import InvalidInput, PermissionDenied
from app.signing import MemberKey, enrolment_code, parse_code
from app.verify import check, verify
from app.workspace import Workspace

LEAD, SME, OBSERVER, APPROVER = "Dana Whitfield", "Sam Ortiz", "Oli Park", "Priya Raman"
NO_KEYCHAIN = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def lead_only(ws):
    """The example imported by its lead; nobody else enrolled."""
    with ws.unit(auto_ids=False) as unit:
        n = scenario.import_scenario(unit, scenario.load(EXAMPLE))
    return ws, n


def rows(path, *columns: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT {', '.join(columns)} FROM act ORDER BY seq").fetchall()
    finally:
        db.close()


# --- the services ------------------------------------------------------------------------------


def test_an_act_in_another_members_name_is_refused(lead_only):
    ws, n = lead_only
    before = ws.last_seq()
    for member, kind, payload in ((APPROVER, "approval", {"request": "a14", "granted": True}),
                                  (OBSERVER, "reaction", {"tag": "flinch"})):
        with pytest.raises(PermissionDenied, match=f"{member} is not enrolled"):
            ws.log(n, member, kind, payload)
    assert ws.last_seq() == before


def test_a_member_enrolled_elsewhere_cannot_be_acted_for_here(lead_only):
    ws, n = lead_only
    elsewhere = MemberKey.generate()  # Priya's key, on Priya's computer
    ws.enrol(n, LEAD, {"member": APPROVER, "code": elsewhere.code})
    with pytest.raises(PermissionDenied, match="does not hold it"):
        ws.log(n, APPROVER, "approval", {"request": "a14", "granted": True})
    with Workspace(ws.path, member_key=elsewhere) as priyas:  # her own key signs for her
        priyas.log(n, APPROVER, "approval", {"request": "a14", "granted": True})
        with pytest.raises(PermissionDenied, match="nobody can act in another member's name"):
            priyas.log(n, LEAD, "phase", {"phase": "closing"})
    assert verify(ws) == []


def test_imported_acts_are_signed_by_the_importer_and_marked(lead_only):
    ws, n = lead_only
    lead_key = ws.preparation(n).keys[LEAD]
    found = rows(ws.path, "kind", "author", "signer", "imported")
    assert {signer for *_, signer, _ in found} == {lead_key}
    assert [imported for kind, *_, imported in found if kind == "enrol"] == [0]
    assert all(imported == 1 for kind, *_, imported in found if kind != "enrol")
    assert {author for _, author, *_ in found} == {LEAD, SME, OBSERVER, APPROVER}
    assert verify(ws) == []


def test_enrolment_codes_are_checked(lead_only):
    ws, n = lead_only
    code = MemberKey.generate().code
    typo = code[:5] + ("B" if code[5] == "A" else "A") + code[6:]
    for bad, words in ((typo, "does not check out"), (code[:-10], "has 56 letters"),
                       ("", "has 56 letters")):
        with pytest.raises(InvalidInput, match=words):
            ws.enrol(n, LEAD, {"member": OBSERVER, "code": bad})
    with pytest.raises(InvalidInput, match="already enrolled for Dana Whitfield"):
        ws.enrol(n, LEAD, {"member": OBSERVER,
                           "code": enrolment_code(ws.preparation(n).keys[LEAD])})
    with pytest.raises(PermissionDenied, match="may change the preparation"):
        ws.enrol(n, SME, {"member": SME, "code": code})  # only the lead enrols
    assert parse_code(code.lower().replace("-", " ")) == parse_code(code)


def test_one_step_enrolment_by_the_lead_of_this_computer(lead_only):
    ws, n = lead_only
    status = enrolment(ws, n, OBSERVER, create=True)
    assert (status.enrolled, status.lead_here) == (False, LEAD) and status.code
    enrol_here(ws, n, OBSERVER)
    after = enrolment(ws, n, OBSERVER)
    assert after.can_act and after.code == status.code
    ws.log(n, OBSERVER, "reaction", {"tag": "flinch"})
    assert verify(ws) == []


# --- verify ------------------------------------------------------------------------------------


def _tamper(path, sql: str, args: tuple) -> None:
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER act_no_update")
    db.execute(sql, args)
    db.commit()
    db.close()


def test_verify_names_an_act_signed_with_another_members_key(ws):
    """An insider who holds the phrase and the lead's key re-links and re-seals an approval as
    if by the approver: only the signature tells."""
    n = import_enrolled(ws, scenario.load(EXAMPLE))
    request = ws.log(n, LEAD, "approval_request", {"issue": "price", "value": "0.88"})
    approval = ws.log(n, APPROVER, "approval", {"request": request.id, "granted": True})
    lead = ws.signers.key_for(ws.preparation(n).keys, LEAD)
    [link_before] = [r[1] for r in rows(ws.path, "seq", "link") if r[0] == approval.seq - 1]
    row = dict(zip(chain.CHAINED, rows(ws.path, *chain.CHAINED)[approval.seq - 1], strict=True))
    row["signer"] = lead.public
    place = sqlite3.connect(ws.path).execute("SELECT uid, created FROM negotiation").fetchone()
    forged = chain.link(link_before, chain.content(row, *place, sealed=True))
    _tamper(ws.path, "UPDATE act SET signer = ?, link = ?, seal = ?, signature = ? WHERE seq = ?",
            (lead.public, forged, chain.seal(ws.store.codec.keys.mac_key, forged),
             lead.sign(chain.signed_text(forged)), approval.seq))
    problems = check(ws).problems
    assert any(f"act {approval.seq} ({approval.id}, " in p and "signed with Dana Whitfield's key"
               in p for p in problems), problems


# --- keys without a keychain -------------------------------------------------------------------


def test_a_script_without_a_keychain_acts_with_the_key_it_was_given(tmp_path):
    path = tmp_path / "team.caucus"
    made = json.loads(cli("new", "--json", workspace=path, env=NO_KEYCHAIN).stdout)
    env = {**NO_KEYCHAIN, "CAUCUS_JOIN_PHRASE": made["join_phrase"]}
    key_file = tmp_path / "dana.key"
    key_file.write_text(made["member_key"] + "\n")
    imported = cli("import", EXAMPLE, "--key-file", key_file, workspace=path, env=env)
    assert imported.returncode == 0, imported.stderr
    logged = cli("log", "--as", LEAD, "phase", "closing", "--key-file", key_file,
                 workspace=path, env=env)
    assert logged.returncode == 0, logged.stderr
    other = cli("log", "--as", LEAD, "phase", "closing", workspace=path,
                env={**env, "CAUCUS_MEMBER_KEY": MemberKey.generate().text()})
    assert other.returncode == 2 and "does not hold it" in other.stderr
    assert cli("verify", workspace=path, env=env).returncode == 0


def test_import_without_a_keychain_prints_the_creators_member_key(tmp_path):
    path = tmp_path / "w.caucus"
    made = cli("import", EXAMPLE, workspace=path, env=NO_KEYCHAIN)
    assert made.returncode == 0, made.stderr
    line = next(x for x in made.stderr.splitlines() if "your member key" in x)
    key = MemberKey.from_text(line.rsplit(": ", 1)[-1])
    with Workspace(path, read_only=True, member_key=key) as ws:
        assert ws.preparation(1).keys[LEAD] == key.public


def test_key_shows_the_enrolment_code_and_where_the_member_stands(lead_only, run_cli):
    ws, n = lead_only
    ws.close()
    shown = run_cli("key", "--as", OBSERVER, "--json")
    assert shown.returncode == 0, shown.stderr
    out = json.loads(shown.stdout)
    assert "not enrolled" in out["state"] and "member_key" not in out  # kept in the keychain
    enrolled = run_cli("enrol", "--as", LEAD, OBSERVER, *out["enrolment_code"].split("-"))
    assert enrolled.returncode == 0, enrolled.stderr
    assert "enrolled: your acts are accepted" in run_cli("key", "--as", OBSERVER).stdout
    assert run_cli("log", "--as", OBSERVER, "reaction", "flinch").returncode == 0
    with Workspace(ws.path) as again:
        assert keychain.load_member_key(again.store.workspace_id, OBSERVER)
