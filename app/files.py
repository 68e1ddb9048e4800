"""Writing files so that a reader never sees half of one: the one atomic writer of the core."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

#: Who may read a file written: the owner only (``PRIVATE``) or everyone the umask allows
#: (``SHARED``, 0644 with the usual umask), for reports made to be handed on.
PRIVATE, SHARED = 0o600, 0o666


@contextmanager
def atomic(path: str | os.PathLike, mode: str = "wb", *, share: int = PRIVATE,
           **kwargs: Any) -> Iterator[IO]:
    """A file that replaces ``path`` only once it is completely written and on disk: a temporary
    file beside the target, flushed and fsynced, then renamed over it (removed on any failure).
    ``share``: ``PRIVATE`` (0600, for anything confidential) or ``SHARED`` (0666 less the umask)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if share != PRIVATE:
            os.fchmod(fd, share & ~_umask())
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask, read without changing it where Linux allows (no race with threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current
