"""The architecture holds: ``app/`` never imports Qt, pyqtgraph or ``ui`` (checked three ways), and
CI runs exactly the test command that README.md gives."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "app"
FORBIDDEN = ("PySide6", "pyqtgraph", "shiboken6", "ui")


def _forbidden(module: str) -> bool:
    return module.split(".")[0] in FORBIDDEN


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module a file imports: import statements, ``importlib.import_module("…")`` and
    ``__import__("…")`` with a literal name. Relative imports stay inside ``app``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                getattr(node.func, "id", None)
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def test_no_file_of_app_imports_qt_pyqtgraph_or_ui():
    files = sorted(APP.rglob("*.py"))
    assert len(files) > 10
    offences = [f"{path.relative_to(REPO)}:{line}: {module}"
                for path in files
                for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
                if _forbidden(module)]
    assert offences == []


def test_the_scan_would_catch_an_offence():
    code = ("import PySide6.QtCore\nfrom ui.window import Window\nfrom . import ui\n"
            "import importlib\nimportlib.import_module('pyqtgraph')\n__import__('shiboken6')\n")
    assert [m for _, m in imported_modules(ast.parse(code)) if _forbidden(m)] == [
        "PySide6.QtCore", "ui.window", "pyqtgraph", "shiboken6"]


def test_import_linter_contract_is_kept():
    exe = Path(sys.executable).parent / "lint-imports"
    command = str(exe) if exe.exists() else shutil.which("lint-imports")
    assert command, "import-linter is not installed (pip install -e '.[test]')"
    result = subprocess.run([command], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The core (app) never imports Qt, pyqtgraph or ui KEPT" in result.stdout
    assert "Analysis and review never import the store, services or journal KEPT" in result.stdout
    assert "0 broken" in result.stdout


def test_importing_every_module_of_app_loads_no_qt():
    code = (
        "import importlib, pkgutil, sys, app\n"
        "for m in pkgutil.walk_packages(app.__path__, 'app.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r})\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def _commands(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_ci_runs_the_test_command_that_the_readme_gives():
    readme, ci = REPO / "README.md", REPO / ".ci" / "run"
    if not readme.exists() or not ci.exists():
        pytest.skip("README.md or .ci/run does not exist yet")
    blocks = re.findall(r"```[a-z]*\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    readme_commands = [c.removeprefix("$ ") for block in blocks for c in _commands(block)
                       if "pytest" in c]
    assert readme_commands, "README.md gives no test command in a code block"
    ci_text = ci.read_text(encoding="utf-8")
    assert readme_commands[0] in _commands(ci_text), (
        f".ci/run does not run the README test command {readme_commands[0]!r}")
    assert os.access(ci, os.X_OK), ".ci/run is not executable"
    assert "QT_QPA_PLATFORM=offscreen" in ci_text


def test_ruff_finds_nothing():
    """Lint is part of the suite, so CI keeps the code as clean as the review left it."""
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists():
        pytest.skip("ruff is not installed in this environment (pip install -e '.[test]')")
    result = subprocess.run([str(ruff), "check", "--no-cache", "."], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
