"""``caucus`` on the command line. With no subcommand it opens the console.

Errors go to stderr, one line each (``EXIT_CODES`` says what the exit code means, for every
command). Whatever is printed went through ``printable``: no control character or escape
sequence from a workspace or a file reaches the terminal raw, and no Python repr either.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from app import __version__, cli_keys, scenario
from app.cli_keys import (
    HELP_KEY_FILE,
    NEGOTIATION_HELP,
    created_or_opened,
    given_phrase,
    open_workspace,
)
from app.errors import CaucusError, InvalidInput, PastLimit
from app.logs import unexpected
from app.prepare import SECTIONS as PREPARE_SECTIONS
from app.text import printable
from app.workspace import Workspace

#: What ``caucus`` returns, whatever the command: printed at the end of ``caucus --help``.
EXIT_CODES = (
    (0, "done"),
    (1, "failed: the workspace could not be read or written, verify found a problem, or an "
        "unexpected error (logged; the message names the log file)"),
    (2, "bad input or refused: a value, name, time or file that breaks a rule, an act past a "
        "limit, a role that may not do this"),
    (130, "interrupted (Ctrl+C)"),
)
ROLES_HELP = "lead, sme, observer or approver"

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = dict(cli_keys.COMMANDS)
__all__ = ["given_phrase", "main"]


def command(name: str) -> Callable:
    """Register a subcommand handler."""

    def register(fn: Callable[[argparse.Namespace], int]) -> Callable:
        COMMANDS[name] = fn
        return fn

    return register


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: global options and every subcommand, each option with its help."""
    help_ws = "workspace file (default: $CAUCUS_WORKSPACE or the user data folder)"
    common = argparse.ArgumentParser(add_help=False)
    help_pf = "read the join phrase from this file (else $CAUCUS_JOIN_PHRASE, else the keychain)"
    help_neg = NEGOTIATION_HELP
    common.add_argument("--workspace", metavar="PATH", default=argparse.SUPPRESS, help=help_ws)
    common.add_argument("--phrase-file", metavar="FILE", default=argparse.SUPPRESS, help=help_pf)
    common.add_argument("--key-file", metavar="FILE", default=argparse.SUPPRESS,
                        help=HELP_KEY_FILE)
    parser = argparse.ArgumentParser(prog="caucus",
                                     description="Caucus: the negotiation team's console.",
                                     epilog=exit_codes_text(),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workspace", metavar="PATH", help=help_ws)
    parser.add_argument("--phrase-file", metavar="FILE", help=help_pf)
    parser.add_argument("--key-file", metavar="FILE", help=HELP_KEY_FILE)
    parser.add_argument("--version", action="version", version=f"caucus {__version__}",
                        help="print the version and exit")
    parser.add_argument("--role", choices=["lead", "sme", "observer", "approver"],
                        help=f"open the console in this role ({ROLES_HELP})")
    parser.add_argument("--as", dest="member", metavar="NAME", help="who you are on the team")
    parser.add_argument("--negotiation", metavar="TITLE_OR_ID", help=help_neg)
    parser.add_argument("--smoke", action="store_true", help="open the window offscreen and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[common], help="import a scenario file")
    p.add_argument("file", help="the scenario file (caucus-scenario/1 JSON)")
    p = sub.add_parser("export", parents=[common], help="export a negotiation")
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=help_neg)
    p.add_argument("--scenario", metavar="FILE",
                   help="write the scenario JSON (confidential: readable by you only)")
    p.add_argument("--pdf", metavar="FILE", help="write the report to share, as a PDF")
    p.add_argument("--csv", metavar="FILE", help="write the journal as CSV, one row per act")
    p.add_argument("--room-safe", action="store_true",
                   help="write the PDF and the CSV the room may see: only what both sides know")
    p.add_argument("--include-confidential", action="store_true",
                   help="write the sealed figures (walk-aways, targets, BATNA, limits, plan) into "
                        "the CSV; without it they are left out")
    p = sub.add_parser("list", parents=[common], help="list the negotiations")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p = sub.add_parser("analyze", parents=[common], help="print the analysis of a negotiation")
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=help_neg)
    p.add_argument("--json", action="store_true", help="print caucus-analysis/1 JSON")
    p.add_argument("--at", metavar="TIME_OR_SEQ",
                   help="analyse the journal as it stood after this act (its sequence number, "
                        "as `caucus timeline` shows it) or at this ISO-8601 time")
    p = sub.add_parser("next", parents=[common],
                       help="print the coach's next move as a quick-entry line",
                       description=NEXT_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=help_neg)
    p.add_argument("--json", action="store_true", help="print the next_move object as JSON")
    p = sub.add_parser("log", parents=[common], help="append one act",
                       description=LOG_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=help_neg)
    p.add_argument("--as", dest="member", metavar="NAME", required=True,
                   help="the team member who logs it")
    p.add_argument("--id", dest="act_id", metavar="ID", help="the act's id (default: a<n>)")
    p.add_argument("--at", metavar="TIME",
                   help="ISO-8601 time with an offset (default: now); not before the "
                        "negotiation's first act, at most a day ahead")
    p.add_argument("--json", dest="payload_json", metavar="OBJECT", help="the payload as JSON")
    p.add_argument("--past-limit", action="store_true",
                   help="log an offer of ours or an agreement past the walk-away or your "
                        "authority knowingly; an approval request per issue goes with it")
    p.add_argument("--new-meeting", action="store_true",
                   help="start a new meeting first (needed to negotiate again after a final "
                        "agreement)")
    p.add_argument("kind", help="offer, reaction, tactic, note, approval_request, approval, "
                                "agreement, retract or phase")
    p.add_argument("fields", nargs="*", help="the act's fields: words and key=value pairs")
    p = sub.add_parser("timeline", parents=[common], help="print the journal of a negotiation")
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=help_neg)
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    sub.add_parser("verify", parents=[common], help="check the file and the journal")
    p = sub.add_parser("screenshot", parents=[common], help="render a role's window to a PNG")
    p.add_argument("--role", required=True, choices=["lead", "sme", "observer", "approver"],
                   help=f"whose window ({ROLES_HELP})")
    p.add_argument("--out", required=True, metavar="FILE.png", help="the PNG to write")
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=help_neg)
    p.add_argument("--as", dest="member", metavar="NAME", help="the member (default: the first "
                                                               "in the role)")
    p.add_argument("--room-safe", action="store_true", help="with confidential figures hidden")
    p.add_argument("--view", choices=["panel", "prepare", "review"], default="panel",
                   help="the role's panel (default), the Prepare view or the Review view")
    p.add_argument("--section", choices=list(PREPARE_SECTIONS),
                   help="with --view prepare: the section to show")
    p.add_argument("--at", type=int, metavar="SEQ",
                   help="with --view review: replay the meeting as it stood after act SEQ")
    p.add_argument("--tab", choices=["replay", "debrief", "terms"], default="replay",
                   help="with --view review: the tab to show")
    sub.add_parser("demo", parents=[common], help="add the demo negotiation to the workspace")
    cli_keys.add_commands(sub, common)
    return parser


def exit_codes_text() -> str:
    """The table of exit codes, as ``caucus --help`` ends."""
    import textwrap

    rows = "\n".join(textwrap.fill(meaning, 78, initial_indent=f"  {code:<4} ",
                                   subsequent_indent=" " * 7) for code, meaning in EXIT_CODES)
    return f"exit codes (every command):\n{rows}"


LOG_HELP = """examples:
  caucus log --as "Dana Whitfield" offer them price=0.93 payment=45
  caucus log --as "Dana Whitfield" offer us price=0.81 term=18 asks rebate=2
  caucus log --as "Oli Park" reaction flinch note="leaned back"
  caucus log --as "Oli Park" tactic anchoring
  caucus log --as "Sam Ortiz" note fact "Index down 4%" issue=price
  caucus log --as "Dana Whitfield" approval_request price 0.87 note="with 60 days"
  caucus log --as "Priya Raman" approval a14 true note="ok"
  caucus log --as "Dana Whitfield" agreement final price=0.868 term=24
  caucus log --as "Dana Whitfield" retract a5 reason="typo"
  caucus log --as "Dana Whitfield" phase bargaining"""


NEXT_HELP = """After an offer of theirs, prints our suggested next move on stdout as one line the
quick-entry line and `caucus log … offer` both read (a counter or hold: our package and asks;
an accept: their package, to log as the agreement), and its kind and reason on stderr. Nothing
is printed on stdout for a walk-away, or when there is no move to make (the latest offer is ours,
or a final agreement stands).

example:
  caucus log --as "Dana Whitfield" offer $(caucus next)"""


GUI_COMMANDS = (None, "screenshot")


def main(argv: Sequence[str] | None = None, gui: Callable | None = None) -> int:
    """Entry point. ``gui`` runs the console commands; ``ui.launcher`` passes it (app cannot).

    Returns the exit code of ``EXIT_CODES``: a known failure says what went wrong in one line; an
    unexpected one is logged with its traceback and named in one line with the log's path.
    """
    for stream in (sys.stdout, sys.stderr):  # a stray surrogate is shown escaped, not a crash
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")
    args = build_parser().parse_args(argv)
    try:
        if args.command in GUI_COMMANDS:
            if gui is None:
                print("caucus: the console is not available here; run the `caucus` program",
                      file=sys.stderr)
                return 1
            return gui(args)
        return COMMANDS[args.command](args)
    except CaucusError as exc:
        _report(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `caucus timeline | head`: the reader left; not an error
        _silence_stdout()
        return 0
    except Exception as exc:  # a bug: logged with its traceback, one line for the person
        where = " ".join(["caucus", args.command or "(console)"])
        print(f"caucus: {unexpected(exc, where)}", file=sys.stderr)
        return 1


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit meets no closed pipe either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _report(exc: CaucusError) -> None:
    if isinstance(exc, InvalidInput) and len(exc.problems) > 1 and not isinstance(exc, PastLimit):
        print(f"caucus: {len(exc.problems)} problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {printable(str(problem))}", file=sys.stderr)
    else:
        print(f"caucus: {printable(str(exc))}", file=sys.stderr)
    if isinstance(exc, PastLimit):
        print("caucus: to log it knowingly, add --past-limit: an approval request for each "
              "issue goes with it", file=sys.stderr)


def emit(data: Any) -> None:
    """Print JSON to stdout; a control or direction character a workspace holds is written as
    its ``\\u`` escape (the same JSON), never raw."""
    sys.stdout.write(printable(json.dumps(data, ensure_ascii=False, indent=2,
                                          default=_json_default), lines=True))
    sys.stdout.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(type(value).__name__)


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    """Import a scenario file as a new negotiation, atomically."""
    data = scenario.load(args.file)
    with created_or_opened(args) as ws:
        with ws.unit(auto_ids=False) as unit:
            negotiation = scenario.import_scenario(unit, data)
        acts = len(ws.acts(negotiation))
        title = ws.preparation(negotiation).title
    print(f"imported \"{title}\" as negotiation {negotiation} ({acts} acts)")
    return 0


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    """Write a negotiation out: a scenario file, a PDF report, the journal as CSV (any of them)."""
    if not (args.scenario or args.pdf or args.csv):
        raise InvalidInput("say what to write: --scenario FILE, --pdf FILE and/or --csv FILE")
    if args.room_safe and args.scenario:
        raise InvalidInput("--room-safe is for the PDF report and the CSV: a scenario file holds "
                           "the whole preparation")
    if args.room_safe and args.include_confidential:
        raise InvalidInput("--include-confidential and --room-safe ask for opposite CSVs: "
                           "choose one")
    with open_workspace(args, read_only=True) as ws:
        negotiation = ws.find(args.negotiation)
        acts = ws.acts(negotiation)
        locked = ws.preparation(negotiation).is_locked
    if args.scenario and locked:
        raise InvalidInput("the confidential figures are sealed and this process does not hold "
                           "the join phrase, so a scenario file would be incomplete: use "
                           "caucus join, CAUCUS_JOIN_PHRASE or --phrase-file")
    if args.scenario:
        data = scenario.export_scenario(acts)
        _writing(args.scenario, scenario.write_json, args.scenario, data)
    if args.csv:
        from app.files import PRIVATE, SHARED
        from app.report import write_csv, write_public_csv

        if args.room_safe:
            _writing(args.csv, write_public_csv, args.csv, acts)
        else:
            share = PRIVATE if args.include_confidential else SHARED
            _writing(args.csv, write_csv, args.csv, csv_acts(args, acts, locked), share=share)
    if args.pdf:
        from app.report import write_pdf

        _writing(args.pdf, write_pdf, args.pdf, acts, progress=percent_printer(args.pdf),
                 room_safe=args.room_safe)
    return 0


def csv_acts(args: argparse.Namespace, acts: list, locked: bool) -> list:
    """The acts the CSV holds: the confidential fields left out unless asked for (and said)."""
    from app.seal import without_confidential

    if not args.include_confidential:
        return without_confidential(acts)
    if locked:
        raise InvalidInput("--include-confidential: the confidential figures are sealed and this "
                           "process does not hold the join phrase (caucus join, "
                           "CAUCUS_JOIN_PHRASE or --phrase-file)")
    print(f"caucus: {args.csv} holds the confidential figures (walk-aways, targets, BATNA, "
          "limits, the plan): keep it as safe as the workspace", file=sys.stderr)
    return acts


def _writing(path: str, write: Callable, *args: Any, **kwargs: Any) -> None:
    """Run one writer; a file that cannot be written is a clear error, not a traceback."""
    try:
        write(*args, **kwargs)
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be written ({exc.strerror or exc})") from None
    print(f"wrote {path}")


def percent_printer(name: str, after_s: float = 1.0) -> Callable[[int, int], None]:
    """A progress callback that prints ``caucus: writing NAME: 40%`` lines to stderr, every
    tenth, once the work has taken longer than ``after_s``."""
    import time

    start, shown = time.monotonic(), [-1]

    def report(done: int, total: int) -> None:
        if time.monotonic() - start < after_s:
            return
        pct = 100 * done // total if total else 100
        if pct // 10 > shown[0]:
            shown[0] = pct // 10
            print(f"caucus: writing {name}: {pct}%", file=sys.stderr, flush=True)

    return report


@command("list")
def cmd_list(args: argparse.Namespace) -> int:
    """List the negotiations in the workspace."""
    with open_workspace(args, read_only=True) as ws:
        found = ws.negotiations()
    if args.json:
        emit([n.as_json() for n in found])
    else:
        for n in found:
            print(f"{n.id:>4}  {printable(n.title)}  ({printable(n.supplier)}; {n.acts} acts)")
    return 0


@command("analyze")
def cmd_analyze(args: argparse.Namespace) -> int:
    """Print the analysis of a negotiation (optionally as it stood at a moment)."""
    from app.analysis import analyze

    with open_workspace(args, read_only=True) as ws:
        acts = ws.acts(ws.find(args.negotiation))
        unlocked = ws.unlocked
    if args.at:
        acts = cut(acts, args.at)
    result = analyze(acts)
    if result.get("locked"):
        why = "" if unlocked else " (no join phrase: use caucus join, $CAUCUS_JOIN_PHRASE or " \
                                  "--phrase-file)"
        print(f"caucus: sealed{why}: {result['locked']}", file=sys.stderr)
    if args.json:
        emit(result)
    else:
        for alert in result.get("alerts", []):
            act = "preparation" if alert.get("act") is None else alert["act"]
            print(printable(f"[{alert['kind']}] {act}: {alert.get('message')}"))
    return 0


@command("next")
def cmd_next(args: argparse.Namespace) -> int:
    """Print the coach's next move as a quick-entry line (stdout) and its reason (stderr)."""
    from app.analysis import analyze
    from app.quickentry import QuickOffer

    with open_workspace(args, read_only=True) as ws:
        acts = ws.acts(ws.find(args.negotiation))
    move = analyze(acts)["next_move"]
    if args.json:
        emit(move)
        return 0
    if move is None:
        print("caucus: no next move: the latest offer is ours, or a final agreement stands",
              file=sys.stderr)
        return 0
    if move["terms"]:
        terms = {k: Decimal(v) for k, v in move["terms"].items()}
        asks = {k: Decimal(v) for k, v in move["asks"].items()}
        print(QuickOffer("us", terms, asks).line())
    print(printable(f"caucus: {move['kind'].replace('_', ' ')}: {move['why']}"), file=sys.stderr)
    return 0


def cut(acts: list, at: str) -> list:
    """The acts up to a sequence number or a time (ISO-8601) that lies within the journal:
    from its first act to its last."""
    from app.rules import format_time, parse_iso

    if not acts:
        raise InvalidInput("--at: the negotiation has no act yet")
    first, last = acts[0], acts[-1]
    earliest, latest = min(a.at for a in acts), max(a.at for a in acts)
    span = (f"give a sequence number from {first.seq} to {last.seq} or a time from "
            f"{format_time(earliest)} to {format_time(latest)}")
    text = at.strip()
    if text.lstrip("+-").isdigit():
        seq = int(text)
        if not first.seq <= seq <= last.seq:
            where = "before the first act" if seq < first.seq else "after the last act"
            raise InvalidInput(f"--at: {printable(text)} is {where} of this negotiation; {span}")
        return [a for a in acts if a.seq <= seq]
    try:
        moment = parse_iso(text)
    except ValueError as exc:
        raise InvalidInput(f"--at: {exc}; {span}") from None
    if not earliest <= moment <= latest:
        where = "before the first act" if moment < earliest else "after the last act"
        raise InvalidInput(f"--at: {format_time(moment)} is {where} of this negotiation; {span}")
    return [a for a in acts if a.at <= moment]


@command("log")
def cmd_log(args: argparse.Namespace) -> int:
    """Append one act from the command line (after starting a meeting, with --new-meeting)."""
    from app.authority import unchecked
    from app.rules import parse_iso

    payload = parse_log_fields(args.kind, args.fields)
    if args.payload_json:
        extra = scenario.loads(args.payload_json)
        if not isinstance(extra, dict):
            raise InvalidInput("--json: expected an object of the act's fields")
        payload.update(extra)
    at = None
    if args.at:
        try:
            at = parse_iso(args.at)
        except ValueError as exc:
            raise InvalidInput(f"--at: {exc}") from None
    with open_workspace(args) as ws:
        negotiation = ws.find(args.negotiation)
        with ws.unit() as unit:
            if args.new_meeting:
                unit.start_meeting(negotiation, args.member, at=at)
            act = unit.log(negotiation, args.member, args.kind, payload, at=at,
                           act_id=args.act_id, past_limit=args.past_limit)
        prep = ws.preparation(negotiation)
        terms = act.payload.get("terms") if act.kind in ("offer", "agreement") else None
        sealed = unchecked(prep, act.by, terms) if terms and (
            act.kind == "agreement" or act.payload.get("side") == "us") else []
    print(f"logged {printable(str(act.id or act.seq))} (seq {act.seq})")
    for request in unit.requests:
        print(f"filed approval request {request.id} (seq {request.seq}) for "
              f"{printable(request.payload['issue'])}")
    if sealed:
        print(f"caucus: not checked against the walk-away or the limit on {', '.join(sealed)}: "
              f"sealed (no join phrase)", file=sys.stderr)
    return 0


POSITIONAL = {
    "offer": ["side"],
    "reaction": ["tag", "note"],
    "tactic": ["tactic", "note"],
    "note": ["topic", "text"],
    "approval_request": ["issue", "value", "note"],
    "approval": ["request", "granted", "note"],
    "agreement": ["final"],
    "retract": ["act", "reason"],
    "phase": ["phase"],
}


def parse_log_fields(kind: str, fields: Sequence[str]) -> dict[str, Any]:
    """Turn ``side key=value … asks key=value`` words into an act payload."""
    payload: dict[str, Any] = {}
    names = list(POSITIONAL.get(kind, []))
    target = "terms"
    for word in fields:
        if word in ("ask", "asks") and kind == "offer":
            target = "asks"
        elif "=" in word:
            key, value = word.split("=", 1)
            if kind in ("offer", "agreement") and key not in ("note",):
                payload.setdefault(target, {})[key] = value
            else:
                payload[key] = _scalar(key, value)
        elif names:
            name = names.pop(0)
            payload[name] = _scalar(name, word)
        else:
            raise InvalidInput(f'"{word}": expected key=value')
    if kind == "agreement" and "final" in payload:
        payload["final"] = payload["final"] in (True, "final")
    return payload


def _scalar(field: str, text: str) -> Any:
    if field not in ("granted", "final"):
        return text
    return {"true": True, "false": False, "yes": True, "no": False}.get(text.lower(), text)


@command("timeline")
def cmd_timeline(args: argparse.Namespace) -> int:
    """Print every act of a negotiation, withdrawn ones marked."""
    from app.scenario import act_object
    from app.state import fold
    from app.wording import act_text

    with open_workspace(args, read_only=True) as ws:
        acts = ws.acts(ws.find(args.negotiation))
    withdrawn = {a.payload.get("act") for a in acts if a.kind == "retract"}
    rows = [{"seq": a.seq, "meeting": a.meeting, "role": a.role, **act_object(a),
             "withdrawn": a.id is not None and a.id in withdrawn} for a in acts]
    if args.json:
        emit(rows)
    else:
        prep = fold(acts)
        for a, row in zip(acts, rows, strict=True):
            mark = " (withdrawn)" if row["withdrawn"] else ""
            print(f"{a.seq:>6} {row['at']} {printable(a.by)} [{a.role}] "
                  f"{act_text(a, prep)}{mark}")
    return 0


@command("verify")
def cmd_verify(args: argparse.Namespace) -> int:
    """Check the file's integrity and the journal's continuity; exit 1 on a problem."""
    from app.verify import check

    phrase = given_phrase(args)
    with Workspace(args.workspace, read_only=True, create=False) as ws:
        try:
            if phrase is not None:
                ws.unlock(phrase)
            misfit = None
        except InvalidInput as exc:
            misfit = f"the join phrase given does not open this workspace: {exc}"
        findings = check(ws)
    problems = ([misfit] if misfit else []) + findings.problems
    for problem in problems:
        print(f"caucus: {printable(str(problem))}", file=sys.stderr)
    if not problems:
        print(f"ok: file and journal are intact ({findings.acts} acts)")
    for note in findings.notes:
        print(f"note: {note}")
    return 1 if problems else 0


@command("demo")
def cmd_demo(args: argparse.Namespace) -> int:
    """Add the demo negotiation (once) to the workspace."""
    from app.demo import add_demo, demo_title

    path = cli_keys.target(args)
    with created_or_opened(args) as ws:
        title = demo_title()
        if any(n.title == title for n in ws.negotiations()):
            print(f'the demo "{title}" is already in {path}')
            return 0
        negotiation = add_demo(ws)
    print(f'added the demo "{title}" as negotiation {negotiation} in {path}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
