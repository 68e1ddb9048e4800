"""``Workspace``: an open workspace file, its services and queries — the API of the GUI and CLI."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from app import journal, keychain
from app.crypto import Keys, new_phrase, normalise_phrase
from app.domain import Act, Preparation
from app.errors import InvalidInput, KeyCheckMissing, NotFound, WorkspaceError, WorkspaceGone
from app.keychain import KeychainUnavailable
from app.members import Signers
from app.numbers import show_value
from app.services import NegState, Unit
from app.signing import MemberKey
from app.store import Store

#: The ``Unit`` methods a ``Workspace`` offers directly, each in a transaction of its own.
COMMANDS = frozenset({
    "create_negotiation", "update_negotiation", "set_issue", "remove_issue", "order_issues",
    "set_batna", "set_leverage", "set_member", "remove_member", "set_authority",
    "clear_authority", "set_plan", "enrol",
    "set_strategy", "start_meeting", "end_meeting", "log", "retract", "undo", "set_debrief",
})


NO_WORKSPACE = ("there is no workspace here; create one with `caucus new`, `caucus import`, "
                "`caucus demo` or the console")
KEY_CHECK_MISSING = (
    "the workspace's key check is missing, yet it holds {acts} acts: it was damaged or changed "
    "outside Caucus. Caucus will not give it a new key (its join phrase would change); restore "
    "the latest .bak copy beside it, and run `caucus verify`")


def _listed(found: list[NegotiationInfo]) -> str:
    """``1 "Corrugated 2027", 2 "Pallets"``: ids and titles, for a message."""
    return ", ".join(f"{n.id} {show_value(n.title)}" for n in found)


def default_path() -> Path:
    """``$CAUCUS_WORKSPACE``, or ``workspace.caucus`` under the user data folder."""
    env = os.environ.get("CAUCUS_WORKSPACE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("Caucus", appauthor=False)) / "workspace.caucus"


@dataclass(frozen=True)
class NegotiationInfo:
    """A line of the workspace's list of negotiations."""

    id: int
    uid: str
    title: str
    supplier: str
    created: str
    acts: int
    last_at: str | None

    def as_json(self) -> dict[str, Any]:
        """The object ``caucus list --json`` prints."""
        return dict(self.__dict__)


class Workspace:
    """An open workspace. Commands (``log``, ``set_issue``…) are those of ``app.services.Unit``."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False,
                 phrase: str | None = None, member_key: MemberKey | None = None,
                 create: bool = True):
        """Open a workspace (creating it when ``create``); ``phrase`` unlocks it, else the
        keychain is asked; ``member_key`` is the only key it signs with (else the keychain's).

        A new workspace gets ``phrase`` as its join phrase, or a fresh one (``created_phrase``),
        remembered in the keychain when one is usable (``phrase_stored``). Without the key the
        workspace still opens: confidential values stay sealed and ``keychain_problem`` says why
        when that is the cause. A workspace that holds acts but lost its key check is refused.
        """
        if path is None:
            path = default_path()
            if create:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not create and not Path(path).expanduser().exists():
            raise WorkspaceError(Path(path).expanduser().absolute(), NO_WORKSPACE)
        self.store = Store(path, read_only=read_only)
        self.path = self.store.path
        self._states: dict[int, NegState] = {}
        self._lock = threading.RLock()
        self.created = False  # True when this process gave the workspace its secret
        self.created_phrase: str | None = None  # that secret's phrase, when made here
        self.phrase_stored = False
        self.keychain_problem: str | None = None
        self.key_problem: str | None = None  # the key check is missing (read-only: reported)
        self.signers = Signers(self.store.workspace_id, member_key)
        self._unlock(phrase)

    # --- the key ---------------------------------------------------------------------------------

    @property
    def unlocked(self) -> bool:
        """True when this process holds the workspace key (confidential values readable)."""
        return self.store.codec.unlocked

    def unlock(self, phrase: str, remember: bool = False) -> None:
        """Unlock with a join phrase; a wrong one is refused and nothing is stored.

        With ``remember`` the phrase goes into the keychain (``KeychainUnavailable`` if none).
        """
        keys = Keys.derive(phrase, self.store.workspace_id)
        if keys.check_value() != self.store.meta("key_check"):
            raise InvalidInput("this join phrase does not belong to this workspace; nothing was "
                               "stored")
        self._install(keys)
        self.seal_tail()
        if remember:
            keychain.save(self.store.workspace_id, normalise_phrase(phrase))

    def _unlock(self, phrase: str | None) -> None:
        if self.store.meta("key_check") is None:
            if self.store.read_only:
                self.key_problem = "the workspace has no key check"
                return
            if self._create_secret(phrase):
                return
        if phrase is not None:
            self.unlock(phrase)
            return
        try:
            stored = keychain.load(self.store.workspace_id)
        except KeychainUnavailable as exc:
            self.keychain_problem = str(exc)
            return
        if stored is not None:
            try:
                self.unlock(stored)
            except InvalidInput:
                self.keychain_problem = ("the join phrase in your keychain does not fit this "
                                         "workspace; join it again")

    def _create_secret(self, given: str | None) -> bool:
        """Give a workspace that has none its secret: a new file, or one from before secrets
        (whose acts are adopted into the chain now). ``given`` becomes the phrase if set. A file
        that holds acts made with a key, but no key check, is refused. False when another process
        gave it one first."""
        phrase = normalise_phrase(given) if given is not None else new_phrase()
        keys = Keys.derive(phrase, self.store.workspace_id)
        codec = self.store.codec.with_keys(keys)
        with self.store.write() as conn:
            if conn.exec_driver_sql("SELECT 1 FROM meta WHERE key = 'key_check'").first():
                return False  # another process created it first: join with its phrase
            acts = journal.last_seq(conn)
            if acts and not journal.adoptable(conn, codec):
                raise KeyCheckMissing(self.path, KEY_CHECK_MISSING.format(acts=acts))
            conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('key_check', ?)",
                                 (keys.check_value(),))
            journal.write_first_head(conn, codec, acts)
        self.created = True
        self.created_phrase = None if given is not None else phrase
        self._install(keys)
        try:
            keychain.save(self.store.workspace_id, phrase)
            self.phrase_stored = True
        except KeychainUnavailable as exc:
            self.keychain_problem = str(exc)
        return True

    def _install(self, keys: Keys) -> None:
        with self._lock:
            self.store.codec = self.store.codec.with_keys(keys)
            self._states.clear()  # they hold payloads read without the key

    def seal_tail(self) -> int:
        """Seal the acts logged without the join phrase (a writable workspace holding the key);
        the number sealed."""
        if self.store.read_only or not self.unlocked:
            return 0
        with self.store.read() as conn:
            if not journal.tail_unsealed(conn):
                return 0
        with self._lock, self.store.write() as conn:
            return journal.seal_tail(conn, self.store.codec)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the file."""
        self.store.close()

    # --- commands -------------------------------------------------------------------------------

    @contextmanager
    def unit(self, auto_ids: bool = True) -> Iterator[Unit]:
        """One write transaction for several commands: all of them land, or none."""
        with self._lock:
            unit = None
            try:
                with self.store.write() as conn:
                    unit = Unit(conn, self._states, self.store.codec, auto_ids, self.signers)
                    yield unit
            except BaseException:
                for negotiation in unit.touched if unit else ():
                    self._states.pop(negotiation, None)  # rebuilt from the journal on next use
                raise

    def __getattr__(self, name: str) -> Any:
        if name not in COMMANDS:
            raise AttributeError(name)

        def command(*args: Any, **kwargs: Any) -> Any:
            with self.unit() as unit:
                return getattr(unit, name)(*args, **kwargs)

        command.__doc__ = getattr(Unit, name).__doc__
        command.__name__ = name
        return command

    # --- queries --------------------------------------------------------------------------------

    def negotiations(self) -> list[NegotiationInfo]:
        """Every negotiation in the file, oldest first."""
        with self.store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT n.id, n.uid, n.title, n.supplier, n.created, count(a.seq), max(a.at)"
                " FROM negotiation n LEFT JOIN act a ON a.negotiation_id = n.id"
                " GROUP BY n.id ORDER BY n.id").fetchall()
        return [NegotiationInfo(*r) for r in rows]

    def find(self, ref: str | int | None = None) -> int:
        """A negotiation by id, uid or title; with no ref, the only one in the file."""
        found = self.negotiations()
        if ref is None or ref == "":
            if len(found) == 1:
                return found[0].id
            if not found:
                raise NotFound("the workspace holds no negotiation yet; import or create one")
            raise InvalidInput(
                f"the workspace holds {len(found)} negotiations; name one with --negotiation "
                f"(by id or title: {_listed(found)})")
        text = str(ref).strip()
        for n in found:
            if text in (str(n.id), n.uid):
                return n.id
        titled = [n for n in found if text.casefold() == n.title.casefold()]
        if len(titled) == 1:
            return titled[0].id
        if titled:
            raise InvalidInput(f"{len(titled)} negotiations are titled {show_value(text)}; name "
                               f"one by its id ({_listed(titled)})")
        raise NotFound(f"no negotiation {show_value(text)} in this workspace "
                       f"({_listed(found) if found else 'it holds none yet'})")

    def acts(self, negotiation: int, upto: int | None = None) -> list[Act]:
        """The negotiation's journal, in order, up to sequence ``upto`` if given.

        The whole journal comes from the services' state of the negotiation, which reads only
        the acts it has not seen yet: the console's first read is its only one.
        """
        if upto is not None:
            with self.store.read() as conn:
                return journal.acts_of(conn, self.store.codec, negotiation, upto=upto)
        try:
            return list(self._state(negotiation).acts)
        except NotFound:
            return []

    def preparation(self, negotiation: int) -> Preparation:
        """The preparation as it stands now (shared; do not change it)."""
        return self._state(negotiation).prep

    def _state(self, negotiation: int) -> NegState:
        with self._lock:
            try:
                with self.store.read() as conn:
                    return Unit(conn, self._states, self.store.codec).state(negotiation)
            except WorkspaceGone:
                if negotiation in self._states:  # the file went away: what was read stays
                    return self._states[negotiation]
                raise

    def last_seq(self) -> int:
        """The newest sequence number in the file."""
        with self.store.read() as conn:
            return journal.last_seq(conn)
