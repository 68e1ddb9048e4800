"""Creating a workspace only when the command that creates it succeeds.

A command that may create the workspace (``new``, ``import``, ``demo``, the console's start
screen) builds it under a hidden temporary name beside the target and works there; when it
succeeds the file is closed (its journal checkpointed into it) and linked at the target, which
appears whole or not at all. On failure, or ^C, the temporary file and the secrets this attempt
put in the keychain go. A temporary file left by a killed attempt is removed by the next one.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app import keychain
from app.errors import WorkspaceError
from app.keychain import KeychainUnavailable
from app.workspace import Workspace


@contextmanager
def creating(path: str | os.PathLike, **kwargs: Any) -> Iterator[Workspace]:
    """The workspace at ``path`` for a command that may create it (``kwargs`` go to
    ``Workspace``). When it exists it is opened as usual; else the block works on a new one
    that appears at ``path`` only when the block succeeds. ``Workspace.created`` tells which."""
    target = Path(path).expanduser().absolute()
    if target.exists():
        with Workspace(target, create=False, **kwargs) as ws:
            yield ws
        return
    if not target.parent.is_dir():
        raise WorkspaceError(target, "the folder does not exist")
    _sweep(target)
    temp = target.with_name(f".{target.name}.new-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    ws = None
    try:
        ws = Workspace(temp, **kwargs)
        yield ws
        ws.close()
        _publish(temp, target)
    except BaseException:
        if ws is not None:
            ws.close()
            _forget(ws)
        raise
    finally:
        _remove(temp)


def _publish(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)  # never over a file that appeared meanwhile
    except FileExistsError:
        raise WorkspaceError(target, "another workspace was created here meanwhile; this one was "
                                     "not kept") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise WorkspaceError(target, "another workspace was created here meanwhile; this "
                                         "one was not kept") from None
        os.replace(temp, target)


def _remove(temp: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            temp.with_name(temp.name + suffix).unlink()


def _forget(ws: Workspace) -> None:
    """Take out of the keychain what this failed creation put there."""
    with contextlib.suppress(KeychainUnavailable):
        if ws.phrase_stored:
            keychain.forget(ws.store.workspace_id)
    ws.signers.forget_saved()


def _sweep(target: Path) -> None:
    """Remove temporary files of earlier attempts at ``target`` whose process is gone."""
    for leftover in target.parent.glob(f".{target.name}.new-*"):
        try:
            pid = int(leftover.name.split(".new-", 1)[1].split("-", 1)[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            leftover.unlink(missing_ok=True)
        except (ValueError, PermissionError, IndexError):
            continue
