"""Worker processes for ``tests/test_multiprocess.py``: real processes on one workspace.

Run by path (``python tests/mp_workers.py writer ...``) so that it does not depend on ``tests``
being a package. Each worker goes through the same ``app`` API the console uses:

``writer``  appends acts with ``Workspace.log`` as one team member and prints
            ``committed <seq> <id> <counter>`` (flushed) after each ``log()`` has returned, i.e.
            after its transaction committed. It prints ``ready`` once the workspace is open and its
            state is loaded; with ``--go`` it then blocks reading one line from stdin (the test's
            ``go``, sent to every writer at once) before the first append.
``reader``  follows the workspace with a ``ChangeFeed`` and prints, as one JSON line, every
            sequence number it was handed, in the order it was handed them.
``presence`` enters the presence list as one member, prints ``ready``, and leaves it cleanly when
            a line (or the end) arrives on its stdin.

Stdout carries only these lines; anything on stderr is a failure (a traceback, a locked file).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import Decimal
from typing import Any

#: The team the tests set up: (name, role). Each writer logs as one of them.
TEAM = (("Dana Lead", "lead"), ("Sam Sme", "sme"), ("Oli Observer", "observer"),
        ("Pri Approver", "approver"))
#: A writer cycles through these kinds, so every writer mixes offers, reactions, notes, tactics.
KINDS = ("offer", "reaction", "note", "tactic")
PRICE_BASE = Decimal("0.8")
PRICE_STEP = Decimal("0.0000001")
MAX_RUN_S = 120.0  # a worker never outlives this, whatever happens to the test that started it

#: Positions written to four decimals: prices may then carry eight (app.ranges), room for the
#: counter in steps of 10^-7
ISSUE = {"key": "price", "label": "Unit price", "unit": "EUR/kg", "better": "lower",
         "opening": "0.8000", "target": "0.8500", "walk_away": "0.9500"}


def setup_workspace(path: str) -> tuple[int, int]:
    """A fresh workspace with one negotiation, its team and a meeting in progress.

    Returns ``(negotiation id, last sequence number)``.
    """
    from app.enrolment import enrol_team_here
    from app.workspace import Workspace

    with Workspace(path) as ws:
        lead = TEAM[0][0]
        negotiation = ws.create_negotiation(
            {"title": "Multiprocess drill", "supplier": "Acme Polymers", "currency": "EUR"},
            by=lead, role=TEAM[0][1])
        ws.set_issue(negotiation, lead, ISSUE)
        for name, role in TEAM[1:]:
            ws.set_member(negotiation, lead, {"name": name, "role": role})
        enrol_team_here(ws, negotiation)  # their keys in the keychain the workers share
        ws.start_meeting(negotiation, lead, "Round 1")
        return negotiation, ws.last_seq()


def payload_for(kind: str, member: str, counter: int) -> dict[str, Any]:
    """The payload of a writer's ``counter``-th act; ``counter_of`` reads the counter back."""
    tag = f"{member}#{counter}"
    if kind == "offer":
        # only the lead speaks for us (app.services.permit); anyone may note what they offer
        side = "us" if member == TEAM[0][0] and counter % 8 >= 4 else "them"
        return {"side": side, "terms": {"price": str(PRICE_BASE + counter * PRICE_STEP)}}
    if kind == "reaction":
        return {"tag": "flinch", "note": tag}
    if kind == "note":
        return {"topic": "general", "text": tag}
    if kind == "tactic":
        return {"tactic": "anchoring", "note": tag}
    raise ValueError(kind)


def counter_of(kind: str, payload: dict[str, Any]) -> int:
    """The writer's counter encoded in an act's payload by ``payload_for``."""
    if kind == "offer":
        return int((Decimal(payload["terms"]["price"]) - PRICE_BASE) / PRICE_STEP)
    text = payload["text"] if kind == "note" else payload["note"]
    return int(text.rsplit("#", 1)[1])


def run_writer(args: argparse.Namespace) -> int:
    from app.workspace import Workspace

    deadline = time.monotonic() + MAX_RUN_S
    out = sys.stdout
    with Workspace(args.workspace) as ws:
        negotiation = ws.find()
        ws.preparation(negotiation)  # load the journal before the race starts
        out.write("ready\n")
        out.flush()
        if args.go and not sys.stdin.readline():
            print("mp_workers: stdin closed before the go line", file=sys.stderr)
            return 3
        counter = args.start
        end = args.start + args.count if args.count else None
        while end is None or counter < end:
            kind = KINDS[counter % len(KINDS)]
            act = ws.log(negotiation, args.member, kind, payload_for(kind, args.member, counter))
            out.write(f"committed {act.seq} {act.id} {counter}\n")
            out.flush()
            counter += 1
            if time.monotonic() > deadline:
                print("mp_workers: writer ran out of time", file=sys.stderr)
                return 4
        out.write("done\n")
        out.flush()
    return 0


def run_reader(args: argparse.Namespace) -> int:
    from app.feed import ChangeFeed
    from app.workspace import Workspace

    deadline = time.monotonic() + args.timeout
    seen: list[int] = []
    polls = 0
    with Workspace(args.workspace) as ws:
        feed = ChangeFeed(ws.store, after=args.after)
        try:
            # Nothing is written before the go file appears, so the first poll finds nothing new.
            seen.extend(a.seq for a in feed.poll())
            sys.stdout.write("ready\n")
            sys.stdout.flush()
            while len(seen) < args.expect and time.monotonic() < deadline:
                polls += 1
                seen.extend(a.seq for a in feed.poll())
                time.sleep(args.interval)
            # One more look: anything past the expected total would be a duplicate or a stray.
            seen.extend(a.seq for a in feed.poll())
        finally:
            feed.close()
    sys.stdout.write(json.dumps({"seqs": seen, "polls": polls}) + "\n")
    sys.stdout.flush()
    return 0


def run_presence(args: argparse.Namespace) -> int:
    from app.feed import Presence
    from app.workspace import Workspace

    role = dict(TEAM)[args.member]
    with Workspace(args.workspace) as ws:
        presence = Presence(ws.store, args.member, role, ws.find())
        presence.beat()
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        sys.stdin.readline()  # blocks until the test says stop (or goes away)
        presence.leave()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mp_workers")
    sub = parser.add_subparsers(dest="role", required=True)
    w = sub.add_parser("writer")
    w.add_argument("--workspace", required=True)
    w.add_argument("--as", dest="member", required=True)
    w.add_argument("--count", type=int, default=0, help="acts to append (0: until killed)")
    w.add_argument("--start", type=int, default=0, help="the first counter")
    w.add_argument("--go", action="store_true",
                   help="read one line from stdin (the go) before the first append")
    r = sub.add_parser("reader")
    r.add_argument("--workspace", required=True)
    r.add_argument("--after", type=int, default=0)
    r.add_argument("--expect", type=int, required=True, help="stop after this many acts")
    r.add_argument("--timeout", type=float, default=60.0)
    r.add_argument("--interval", type=float, default=0.002, help="seconds between polls")
    p = sub.add_parser("presence", help="be present until a line arrives on stdin, then leave")
    p.add_argument("--workspace", required=True)
    p.add_argument("--as", dest="member", required=True)
    args = parser.parse_args(argv)
    return {"writer": run_writer, "reader": run_reader, "presence": run_presence}[args.role](args)


if __name__ == "__main__":
    sys.exit(main())
