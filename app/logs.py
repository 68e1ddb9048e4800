"""Bugs are logged, not swallowed: an unexpected error goes, with its traceback, to a log file in
the user data folder (Python ``logging``), and the person sees one line that names that file.

The CLI and the console both call ``unexpected``. Known failures (``app.errors.CaucusError``:
bad input, a locked or full disk…) are not bugs and are not logged here; they have their own
message and way out.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from app.text import printable, shorten

#: The core's loggers (``app.*``, e.g. the server listener's) all reach the file once installed.
LOGGER = logging.getLogger("app")
LOG_BYTES = 1_000_000  # per file; three old files are kept beside it
LOG_BACKUPS = 3


def log_path() -> Path:
    """Where unexpected errors are logged: ``logs/caucus.log`` in the user data folder."""
    return Path(platformdirs.user_data_dir("Caucus", appauthor=False)) / "logs" / "caucus.log"


def install() -> logging.Handler:
    """The file handler on the core's loggers, made on first use (the folder too) and reused
    while the path stands. The console installs it at start; the CLI when a bug happens."""
    path = log_path()
    for handler in LOGGER.handlers:
        if getattr(handler, "baseFilename", None) == str(path):
            return handler
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES,
                                                   backupCount=LOG_BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s pid %(process)d %(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(handler)
    if LOGGER.level == logging.NOTSET or LOGGER.level > logging.INFO:
        LOGGER.setLevel(logging.INFO)
    return handler


def unexpected(exc: BaseException, where: str) -> str:
    """Log ``exc`` with its traceback and return the one line to show the person.

    Args:
        exc: The exception nobody expected (a bug).
        where: What was being done, e.g. ``"caucus export"`` or ``"logging an offer"``.
    """
    what = f"{type(exc).__name__}: {printable(shorten(str(exc), 120))}"
    try:
        handler = install()
        LOGGER.error("unexpected error in %s (pid %d)", where, os.getpid(),
                     exc_info=(type(exc), exc, exc.__traceback__))
        handler.flush()
    except OSError as log_error:
        return (f"unexpected error ({what}); it could not be logged either "
                f"({log_error.strerror or log_error}): please report it")
    return f"unexpected error ({what}); the details are in {log_path()}"
