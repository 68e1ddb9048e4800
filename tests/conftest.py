"""Shared fixtures. Every test runs against real SQLite files in its own temporary folder.

Isolation: the user's data, config and cache folders, ``$HOME`` and ``$CAUCUS_WORKSPACE`` point into
the test's temporary folder, and the keychain is an in-memory one (a file-backed one for the CLI
subprocesses), so no test touches the user's files or the real keychain.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from app import scenario
from app.enrolment import enrol_team_here
from app.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLE = FIXTURES / "corrugated-2027.json"
CLI_TIMEOUT_S = 120
_OUTER_PYTHONPATH = os.environ.get("PYTHONPATH")
pytest_plugins = ["pg_fixtures"]  # the PostgreSQL server's fixtures (pg_server, pg_db, pg_private)


def _load_keyring_module() -> Any:
    spec = importlib.util.spec_from_file_location("memory_keyring", FIXTURES / "memory_keyring.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


try:
    import keyring
except ImportError:  # pragma: no cover - keyring is a dependency, but the core must not need it
    keyring = None


#: One keychain file for the whole test session, shared by the test process and every subprocess
#: (entries are keyed by workspace id, so tests cannot see each other's). Never the real keychain.
_SESSION_KEYRING: list[Path] = []


def _use_memory_keyring() -> None:
    if keyring is not None:
        keyring.set_keyring(_load_keyring_module().FileKeyring())


def _isolated_env(root: Path) -> dict[str, str]:
    """Environment variables that keep a process inside ``root``."""
    dirs = {name: root / name.lower() for name in
            ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
             "XDG_RUNTIME_DIR")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    env = {name: str(path) for name, path in dirs.items()}
    pythonpath = [str(FIXTURES), *filter(None, [_OUTER_PYTHONPATH])]
    env.update({
        "USERPROFILE": str(dirs["HOME"]),
        "APPDATA": str(dirs["XDG_DATA_HOME"]),
        "LOCALAPPDATA": str(dirs["XDG_DATA_HOME"]),
        "CAUCUS_WORKSPACE": str(root / "default.caucus"),
        "PYTHON_KEYRING_BACKEND": "memory_keyring.FileKeyring",
        "CAUCUS_TEST_KEYRING": str(_SESSION_KEYRING[0] if _SESSION_KEYRING
                                   else root / "keyring.json"),
        "PYTHONPATH": os.pathsep.join(pythonpath),
        "QT_QPA_PLATFORM": "offscreen",
    })
    return env


@pytest.fixture(scope="session", autouse=True)
def _isolate_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Isolation for session-scoped fixtures (the function-scoped one below refines it per test)."""
    root = tmp_path_factory.mktemp("session-home")
    _SESSION_KEYRING[:] = [root / "keyring.json"]
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _isolated_env(root).items():
            mp.setenv(name, value)
        _use_memory_keyring()
        yield


@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own home, data folders, default workspace and keychain."""
    for name, value in _isolated_env(tmp_path / "home").items():
        monkeypatch.setenv(name, value)
    _use_memory_keyring()


@pytest.fixture
def workspace_path(tmp_path: Path) -> Path:
    """Where this test's workspace file goes (not created yet)."""
    return tmp_path / "w.caucus"


@pytest.fixture
def ws(workspace_path: Path) -> Iterator[Workspace]:
    """An open, empty workspace, closed after the test."""
    workspace = Workspace(workspace_path)
    try:
        yield workspace
    finally:
        workspace.close()


@pytest.fixture
def example() -> Any:
    """The example scenario as ``app.scenario.load`` reads it (numbers as ``Decimal``)."""
    return scenario.load(EXAMPLE)


class Imported(NamedTuple):
    """A workspace holding the imported example, and the negotiation's id."""

    ws: Workspace
    negotiation: int


def import_enrolled(ws: Workspace, data: Any) -> int:
    """Import ``data`` into ``ws`` and enrol its whole team with keys of this test's keychain
    (as the demo does), so that the test may act as any member; the negotiation's id."""
    with ws.unit(auto_ids=False) as u:
        n = scenario.import_scenario(u, data)
    enrol_team_here(ws, n)
    return n


@pytest.fixture
def imported(ws: Workspace, example: Any) -> Imported:
    """``ws`` with the example imported as its only negotiation, its team enrolled."""
    return Imported(ws, import_enrolled(ws, example))


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The UI's settings (``CAUCUS_CONFIG_DIR``) go to this test's temporary folder."""
    path = tmp_path / "config"
    monkeypatch.setenv("CAUCUS_CONFIG_DIR", str(path))
    return path


def cli(*args: str | os.PathLike, workspace: str | os.PathLike | None = None,
        env: dict[str, str] | None = None, check_traceback: bool = True,
        **kwargs: Any) -> subprocess.CompletedProcess:
    """Run ``python -m app.cli [--workspace W] ARGS`` as a real process; never a traceback."""
    cmd = [sys.executable, "-m", "app.cli"]
    if workspace is not None:
        cmd += ["--workspace", str(workspace)]
    cmd += [str(a) for a in args]
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run(cmd, capture_output=True, text=True, env=full_env,
                            timeout=CLI_TIMEOUT_S, **kwargs)
    if check_traceback:
        assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def run_cli(workspace_path: Path):
    """``run_cli(*args, env=None, workspace=workspace_path)`` → ``CompletedProcess`` (text)."""

    def run(*args: str | os.PathLike, env: dict[str, str] | None = None,
            workspace: str | os.PathLike | None = workspace_path,
            **kwargs: Any) -> subprocess.CompletedProcess:
        return cli(*args, workspace=workspace, env=env, **kwargs)

    return run
