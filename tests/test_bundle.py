"""The PyInstaller bundle builds and the built program runs (``scripts/build_bundle.sh``).

Slow (about a minute, and pyinstaller is installed into the venv when missing), so it runs only
when asked: ``CAUCUS_TEST_BUNDLE=1 pytest -m slow tests/test_bundle.py``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "build_bundle.sh"
BUILD_TIMEOUT_S = 900

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get("CAUCUS_TEST_BUNDLE") != "1",
                       reason="builds the bundle only with CAUCUS_TEST_BUNDLE=1"),
]


def test_bundle_builds_and_runs():
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CAUCUS_JOIN_PHRASE")}
    result = subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=BUILD_TIMEOUT_S)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "smoke: main window opened" in result.stdout
    assert "ok: file and journal are intact" in result.stdout
    assert "bundle: OK" in result.stdout
