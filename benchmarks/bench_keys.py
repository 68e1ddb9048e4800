"""Benchmarks act as several members from one process (and its helpers): they keep the members'
signing keys and the join phrase in the test suite's file-backed keychain, beside the benchmark's
files, instead of the user's real keychain; children inherit it through the environment."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_file_keychain(folder: str | os.PathLike) -> None:
    """Keep every secret of this run (and its children) in ``folder/keyring.json``."""
    os.environ["PYTHON_KEYRING_BACKEND"] = "memory_keyring.FileKeyring"
    os.environ["CAUCUS_TEST_KEYRING"] = str(Path(folder) / "keyring.json")
    fixtures = str(ROOT / "tests" / "fixtures")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        dict.fromkeys([fixtures, str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    import sys

    if fixtures not in sys.path:
        sys.path.insert(0, fixtures)
    import keyring
    from memory_keyring import FileKeyring

    keyring.set_keyring(FileKeyring())
