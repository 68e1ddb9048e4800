"""The commands about the workspace's secrets and members' keys: ``new``, ``join``, ``key`` and
``enrol``; the join phrase and member key a command is given; and the opening of a workspace by a
command that may create it (``new``, ``import``, ``demo``), which appears only when it succeeds."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.creation import creating
from app.errors import InvalidInput
from app.keychain import KeychainUnavailable
from app.signing import MemberKey, read_key_file
from app.workspace import Workspace, default_path

NEGOTIATION_HELP = "the negotiation, by id or title (needed when the workspace holds several)"
HELP_KEY_FILE = ("sign with the member key in this file (else $CAUCUS_MEMBER_KEY, else the keys "
                 "your keychain keeps)")
PASS_PHRASE = ("pass it to each command with --phrase-file FILE (a file only you can read) or "
               "$CAUCUS_JOIN_PHRASE")
PASS_KEY = ("save it in a file only you can read and pass --key-file FILE (or set "
            "$CAUCUS_MEMBER_KEY)")


def add_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """The subcommands of this module."""
    p = sub.add_parser("new", parents=[common], help="create an empty workspace and print its "
                                                     "join phrase")
    p.add_argument("--json", action="store_true", help="print the result as JSON (for scripts)")
    p = sub.add_parser("join", parents=[common],
                       help="enter the join phrase a teammate gave you; it goes to your keychain")
    p.add_argument("--forget", action="store_true", help="remove it from the keychain instead")
    p = sub.add_parser("key", parents=[common], help="show your enrolment code (the lead enrols "
                                                     "it so that your acts are accepted)")
    p.add_argument("--as", dest="member", metavar="NAME", help="the member whose key to show")
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=NEGOTIATION_HELP)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p = sub.add_parser("enrol", parents=[common], help="(lead) enrol a member's key in the team")
    p.add_argument("--as", dest="member", metavar="NAME", help="the lead who enrols")
    p.add_argument("--negotiation", metavar="TITLE_OR_ID", help=NEGOTIATION_HELP)
    p.add_argument("--code-file", metavar="FILE", help="read the enrolment code from this file")
    p.add_argument("--here", action="store_true",
                   help="enrol the member's key of this computer, signed by a lead whose key is "
                        "here too")
    p.add_argument("name", metavar="MEMBER", help="the member whose key to enrol")
    p.add_argument("code", nargs="*", metavar="CODE", help="the enrolment code the member read "
                                                            "out (spaces and dashes do not matter)")


# --- what a command is given ---------------------------------------------------------------------


def given_phrase(args: argparse.Namespace) -> str | None:
    """The join phrase from ``--phrase-file`` or ``$CAUCUS_JOIN_PHRASE`` (never logged)."""
    path = getattr(args, "phrase_file", None)
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"--phrase-file: cannot read {path} "
                               f"({getattr(exc, 'strerror', None) or exc})") from None
    return os.environ.get("CAUCUS_JOIN_PHRASE") or None


def given_key(args: argparse.Namespace) -> MemberKey | None:
    """The member key from ``--key-file`` or ``$CAUCUS_MEMBER_KEY`` (never logged)."""
    path = getattr(args, "key_file", None)
    if path:
        return read_key_file(path)
    text = os.environ.get("CAUCUS_MEMBER_KEY")
    return MemberKey.from_text(text, "$CAUCUS_MEMBER_KEY") if text else None


def open_workspace(args: argparse.Namespace, read_only: bool = False) -> Workspace:
    """The existing workspace named by ``--workspace`` (or the default one), unlocked if we can;
    never created here."""
    return Workspace(args.workspace, read_only=read_only, phrase=given_phrase(args),
                     member_key=given_key(args), create=False)


def target(args: argparse.Namespace) -> Path:
    """Where a creating command's workspace is (its folder made for the default one)."""
    if args.workspace:
        return Path(args.workspace).expanduser().absolute()
    path = default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def created_or_opened(args: argparse.Namespace) -> Iterator[Workspace]:
    """The workspace of a command that may create it: made only if the command succeeds; its
    creator is then told its join phrase and any member key no keychain keeps."""
    path = target(args)
    with creating(path, phrase=given_phrase(args), member_key=given_key(args)) as ws:
        yield ws
        enrolled = _enrolled_as(ws)  # read before the file is closed and moved into place
    if ws.created:
        announce(ws, path, enrolled)


def _enrolled_as(ws: Workspace) -> dict[str, list[str]]:
    """Public key -> the members it is enrolled for, in every negotiation of ``ws``."""
    found: dict[str, list[str]] = {}
    for info in ws.negotiations():
        for name, public in ws.preparation(info.id).keys.items():
            found.setdefault(public, []).append(name)
    return found


def announce(ws: Workspace, path: Path, enrolled: dict[str, list[str]]) -> None:
    """Tell the creator of a workspace its join phrase and unkept member keys, on stderr."""
    print(f"caucus: new workspace {path}", file=sys.stderr)
    if ws.created_phrase:
        print(f"caucus: join phrase (hand it to your teammates): {ws.created_phrase}",
              file=sys.stderr)
    if ws.phrase_stored:
        print("caucus: the phrase is stored in your keychain", file=sys.stderr)
    else:
        print(f"caucus: the phrase was NOT stored ({ws.keychain_problem}); keep it safe: "
              f"without it nobody can read the confidential figures; {PASS_PHRASE}",
              file=sys.stderr)
    for entry, key in ws.signers.unsaved.items():
        names = sorted(set(enrolled.get(key.public, [])))
        whose = f"member key of {entry}" if entry else "your member key"
        as_who = f", enrolled as {', '.join(names)}" if names and not entry else ""
        print(f"caucus: {whose}{as_who} (NOT kept: no usable keychain; {PASS_KEY}): "
              f"{key.text()}", file=sys.stderr)


# --- the commands ---------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    """Create an empty workspace; print its join phrase (and the creator's unkept member key)."""
    path = target(args)
    if path.exists():
        raise InvalidInput(f"{path}: there is already a file here; choose another path")
    with creating(path, phrase=given_phrase(args), member_key=given_key(args)) as ws:
        key = ws.signers.own({}, None, create=True)
        phrase = ws.created_phrase or given_phrase(args)
        made = {"workspace": str(path), "workspace_id": ws.store.workspace_id,
                "join_phrase": " ".join((phrase or "").lower().split()),
                "phrase_stored": ws.phrase_stored, "enrolment_code": key.code}
        if key in ws.signers.unsaved.values():
            made["member_key"] = key.text()
    if args.json:
        print(json.dumps(made, indent=2))
        return 0
    kept = ("kept in your keychain" if made["phrase_stored"]
            else f"NOT kept: no usable keychain; {PASS_PHRASE}")
    print(f"new workspace {path}")
    print(f"join phrase (hand it to your teammates in person; {kept}):")
    print(made["join_phrase"])
    if "member_key" in made:
        print(f"your member key (NOT kept: no usable keychain; {PASS_KEY}):")
        print(made["member_key"])
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    """Check a join phrase against the workspace and keep it in the keychain."""
    from app import keychain

    with Workspace(args.workspace, member_key=given_key(args), create=False) as ws:
        if args.forget:
            keychain.forget(ws.store.workspace_id)
            print(f"forgot the join phrase of {ws.path}")
            return 0
        phrase = given_phrase(args) or _ask_phrase()
        try:
            ws.unlock(phrase, remember=True)
        except KeychainUnavailable as exc:
            print(f"caucus: the join phrase is right for {ws.path}, but there is no usable "
                  f"keychain to keep it ({exc}); {PASS_PHRASE}", file=sys.stderr)
            return 0
    print(f"joined {ws.path}: the phrase is in your keychain")
    return 0


def _ask_phrase() -> str:
    import getpass

    if not sys.stdin.isatty():
        raise InvalidInput("no join phrase given: use --phrase-file or $CAUCUS_JOIN_PHRASE")
    return getpass.getpass("Join phrase (12 words, not shown as you type): ")


def cmd_key(args: argparse.Namespace) -> int:
    """Show a member's enrolment code on this computer (a key is made when there is none)."""
    from app.enrolment import enrolment

    with open_workspace(args, read_only=True) as ws:
        negotiation = ws.find(args.negotiation) if args.member and ws.negotiations() else None
        if negotiation is not None:
            status = enrolment(ws, negotiation, args.member, create=True)
            state = ("enrolled: your acts are accepted" if status.can_act else
                     f"enrolled with another key ({status.enrolled_as}…): this computer does not "
                     "hold it" if status.enrolled else "not enrolled yet: give this code to the "
                     "lead (Prepare → Team, or `caucus enrol`)")
            code = status.code
        else:
            code, state = ws.signers.own({}, args.member, create=True).code, "your key"
        unsaved = {k.code: k for k in ws.signers.unsaved.values()}
    out = {"member": args.member, "enrolment_code": code, "state": state}
    if code in unsaved:
        out["member_key"] = unsaved[code].text()
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"enrolment code{f' of {args.member}' if args.member else ''}: {code}")
    print(state)
    if "member_key" in out:
        print(f"the key itself (NOT kept: no usable keychain; {PASS_KEY}):")
        print(out["member_key"])
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    """Enrol a member's key: the code they read out, a code file, or (``--here``) their key of
    this computer signed by a lead whose key is here too."""
    from app.enrolment import enrol_here

    with open_workspace(args) as ws:
        negotiation = ws.find(args.negotiation)
        if args.here:
            enrol_here(ws, negotiation, args.name)
        else:
            if not args.member:
                raise InvalidInput("--as: say which lead enrols (the act is signed by them)")
            ws.enrol(negotiation, args.member, {"member": args.name, "code": _code(args)})
        code = ws.preparation(negotiation).keys[args.name]
    from app.signing import short_code

    print(f"enrolled {args.name} (key {short_code(code)}…)")
    return 0


def _code(args: argparse.Namespace) -> str:
    if args.code_file:
        try:
            return Path(args.code_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"--code-file: cannot read {args.code_file} "
                               f"({getattr(exc, 'strerror', None) or exc})") from None
    if not args.code:
        raise InvalidInput("code: give the enrolment code the member read out, or --code-file")
    return " ".join(args.code)


COMMANDS = {"new": cmd_new, "join": cmd_join, "key": cmd_key, "enrol": cmd_enrol}
