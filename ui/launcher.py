"""The ``caucus`` program: data commands run in ``app.cli``; the console and screenshots load Qt."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``caucus``; Qt is imported only when the console or a screenshot is asked for."""
    from app.cli import main as cli_main

    return cli_main(argv, gui=_gui)


def _gui(args) -> int:
    from ui.main import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
