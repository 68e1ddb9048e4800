"""Starting the console: the application object, the start screen, who-are-you, screenshots and
the smoke test."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.demo import add_demo
from app.errors import CaucusError
from app.logs import install as install_log
from app.logs import unexpected
from app.workspace import Workspace, default_path
from ui.session import Session
from ui.window import MainWindow

SCREENSHOT_SIZE = (1440, 900)


def application() -> QApplication:
    """The one QApplication (created on first use)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Caucus")
    app.setOrganizationName("Caucus")
    return app


def run_gui(args: argparse.Namespace) -> int:
    """What ``caucus`` does without a data subcommand: the console, a screenshot or a smoke test."""
    if getattr(args, "command", None) == "screenshot":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        return screenshot(args)
    if args.smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        try:
            return smoke(args.workspace)
        except CaucusError as exc:
            print(f"caucus: {exc}", file=sys.stderr)
            return exc.exit_code
    app = application()
    install_excepthook()
    from ui.start import choose_start

    opened = choose_start(args)
    if opened is None:
        return 0
    ws, negotiation, member, role = opened
    window = open_window(ws, negotiation, member, role)
    window.resize(1440, 900)
    window.show()
    return app.exec()


def install_excepthook() -> None:
    """A bug in a slot of the console is logged with its traceback (``app.logs``) and said in one
    line, in the status bar of the window in front (and on stderr); the console goes on."""

    with contextlib.suppress(OSError):  # the core's own warnings and errors go there too
        install_log()

    def hook(kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        line = unexpected(exc, "the console")
        print(f"caucus: {line}", file=sys.stderr)
        window = QApplication.activeWindow()
        if isinstance(window, MainWindow):
            window.statusBar().showMessage(line)

    sys.excepthook = hook


def open_window(ws: Workspace, negotiation: int, member: str, role: str,
                poll_ms: int | None = None, room_safe: bool | None = None) -> MainWindow:
    """A main window following ``negotiation`` as ``member`` in ``role`` (``room_safe``: shown
    to the room from the start; None: as this workspace's window was left)."""
    kwargs = {"poll_ms": poll_ms} if poll_ms else {}
    session = Session(ws, negotiation, member, role, **kwargs)
    window = MainWindow(session, room_safe=room_safe)
    session.start()
    return window


def pick_member(ws: Workspace, negotiation: int, role: str, wanted: str | None = None) -> str:
    """``wanted`` if on the team, else the first member in ``role``, else the first member."""
    team = ws.preparation(negotiation).team
    if wanted and wanted in team:
        return wanted
    in_role = [m.name for m in team.values() if m.role == role]
    return (in_role or list(team))[0]


def demo_workspace(folder: str) -> Workspace:
    """A workspace in ``folder`` holding the demo negotiation."""
    ws = Workspace(Path(folder) / "demo.caucus")
    if not ws.negotiations():
        add_demo(ws)
    return ws


def screenshot(args: argparse.Namespace) -> int:
    """Render a role's window offscreen at 1440×900 once its state has loaded, and save a PNG."""
    app = application()
    tmp = tempfile.TemporaryDirectory(prefix="caucus-shot-")
    try:
        if args.workspace:
            from app.cli_keys import open_workspace  # the phrase and key given, else keychain

            ws = open_workspace(args)
        else:
            path = default_path()
            ws = Workspace(path) if path.exists() else demo_workspace(tmp.name)
        if not ws.negotiations():
            ws.close()
            ws = demo_workspace(tmp.name)
        negotiation = ws.find(getattr(args, "negotiation", None))
        member = pick_member(ws, negotiation, args.role, getattr(args, "member", None))
        window = open_window(ws, negotiation, member, args.role, room_safe=bool(args.room_safe))
        window.resize(*SCREENSHOT_SIZE)
        window.show()
        if getattr(args, "view", None) == "prepare":
            window.show_prepare(getattr(args, "section", None))
        elif getattr(args, "view", None) == "review":
            window.show_review().show_for_screenshot(getattr(args, "at", None),
                                                     getattr(args, "tab", "replay"))
        for _ in range(5):
            app.processEvents()
        window.session.poll()
        app.processEvents()
        ok = window.grab().save(str(args.out))
        window.close()
        ws.close()
    except CaucusError as exc:
        print(f"caucus: {exc}", file=sys.stderr)
        return exc.exit_code
    finally:
        tmp.cleanup()
    if not ok:
        print(f"caucus: could not write {args.out}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


def smoke(workspace: str | None = None) -> int:
    """Open the main window offscreen (on ``workspace``, else the demo) and exit 0 once drawn."""
    app = application()
    with tempfile.TemporaryDirectory(prefix="caucus-smoke-") as tmp:
        ws = Workspace(workspace, create=False) if workspace else demo_workspace(tmp)
        negotiation = ws.find(None)
        window = open_window(ws, negotiation, pick_member(ws, negotiation, "lead"), "lead")
        window.show()
        QTimer.singleShot(0, app.quit)
        app.exec()
        drawn = not window.grab().isNull()
        window.close()
        ws.close()
    print("smoke: main window opened" if drawn else "smoke: main window did not draw")
    return 0 if drawn else 1
