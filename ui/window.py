"""The main window: a header (negotiation, meeting, clock, who is connected, room-safe), a banner
when confidential figures are locked here or no keychain can keep the join phrase, the role's panel,
and a status line. Meeting controls, joining and the help overlay live here; panels do the rest.

Room-safe (F12) is toggled here and nowhere else: the window then shows only the room view
(``ui.room.switch``: drawn from ``app.public``'s view, in place of the header, banner, panels,
Prepare and Review), its title says only what ``app.public`` words for the room, what would show
the team's view is off, and the switch is remembered per workspace.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import public
from app.domain import PHASES, ROLES
from app.errors import PastLimit
from ui import settings, theme
from ui.enrol import EnrolBanner, GoneBanner
from ui.join import JoinDialog, KeyBanner
from ui.room.switch import RoomSwitch
from ui.session import Session
from ui.widgets.common import clock_text, refusal
from ui.widgets.help import HelpOverlay

PANELS = {
    "lead": "ui.panels.lead:LeadPanel",
    "observer": "ui.panels.observer:ObserverPanel",
    "sme": "ui.panels.sme:SmePanel",
    "approver": "ui.panels.approver:ApproverPanel",
}
ROOM_SAFE_KEY = "F12"
TEAM_ACTIONS = ("Import scenario…", "Export scenario…", "Start meeting", "Prepare", "Review",
                "Join this workspace…")


def panel_class(role: str) -> type:
    """The panel class of a role (imported when first needed)."""
    module, name = PANELS[role].split(":")
    return getattr(importlib.import_module(module), name)


class MainWindow(QMainWindow):
    """One member's window on one negotiation."""

    def __init__(self, session: Session, room_safe: bool | None = None):
        """``room_safe``: open in room-safe (None: as this workspace's window was left)."""
        super().__init__()
        self.session = session
        theme.update()
        self.setStyleSheet(theme.stylesheet())
        self.panels: dict[str, QWidget] = {}
        self.prepare: QWidget | None = None  # the Prepare view, built on first use
        self.review: QWidget | None = None  # the Review view, built on first use
        self._back_to = session.role
        self.start_question = None  # the "start unprepared?" question, while it is open
        self.join: JoinDialog | None = None  # the join-phrase dialog, while it is open
        self.stack = QStackedWidget()
        self.header = Header(session)
        self.banner = KeyBanner(session.ws)  # locked here / no usable keychain: never silent
        self.banner.join_requested.connect(self.join_dialog)
        self.enrol_banner = EnrolBanner(session)  # not enrolled: refused, and what to do
        self.gone_banner = GoneBanner(session)  # the file went away: nothing more is saved
        self.team_page = QWidget()  # everything but the room view
        box = QVBoxLayout(self.team_page)
        box.setContentsMargins(8, 6, 8, 4)
        box.addWidget(self.header)
        box.addWidget(self.banner)
        box.addWidget(self.enrol_banner)
        box.addWidget(self.gone_banner)
        box.addWidget(self.stack, 1)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.team_page)
        self.setCentralWidget(self.pages)
        self.help = HelpOverlay(self.pages)
        self.switch = RoomSwitch(self)
        self._actions()
        self.show_role(session.role)
        self._wire()
        self.retitle()
        self._permissions()
        if settings.room_safe(str(session.ws.path)) if room_safe is None else room_safe:
            self.set_room_safe(True, remember=False)  # before the first paint: no flash

    def _wire(self) -> None:
        s = self.session
        s.write_failed.connect(self._failed)
        s.write_pending.connect(self._pending)
        s.preparation_changed.connect(self.retitle)
        s.preparation_changed.connect(self._permissions)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self.follow_theme)

    # --- panels ---------------------------------------------------------------------------------

    def show_role(self, role: str) -> None:
        """Show the panel of ``role`` (built on first use)."""
        if role not in self.panels:
            panel = panel_class(role)(self.session)
            opened = getattr(panel, "dialog_opened", None)
            if opened is not None:  # a dialog of the meeting: worded for the room if need be
                opened.connect(self.switch.police)
            self.panels[role] = panel
            self.stack.addWidget(panel)
        self.stack.setCurrentWidget(self.panels[role])
        self.help.set_entries(self.shortcuts())
        focus = getattr(self.panels[role], "focus_entry", None)
        if focus and not self.room_safe:
            focus()

    def current_panel(self) -> QWidget:
        """The panel on screen."""
        return self.stack.currentWidget()

    def shortcuts(self) -> list[tuple[str, str]]:
        """Every shortcut of the window and the view on screen, for the help overlay."""
        entries = [(a.shortcut().toString(), a.text().replace("&", ""))
                   for a in self.findChildren(QAction)
                   if not a.shortcut().isEmpty() and (a.isEnabled() or not self.room_safe)]
        view = self.room if self.room_safe else self.stack.currentWidget()
        entries += list(getattr(view, "shortcuts", lambda: [])())
        return entries

    # --- actions --------------------------------------------------------------------------------

    def _actions(self) -> None:
        menu = self.menuBar()
        files = menu.addMenu("F&ile")  # Alt+F is the SME's "fact" key
        from ui.prepare.files import ScenarioFiles

        self.files = ScenarioFiles(self)
        self._add(files, "Import scenario…", "Ctrl+O", self.files.import_dialog)
        self._add(files, "Export scenario…", "Ctrl+Shift+S", self.files.export_dialog)
        self._add(files, "Export report (PDF)…", "Ctrl+Shift+P",
                  lambda _checked=False: self.export_dialog("pdf"))
        self._add(files, "Export journal (CSV)…", "",
                  lambda _checked=False: self.export_dialog("csv"))
        meeting = menu.addMenu("&Meeting")
        meeting.setToolTipsVisible(True)  # a disabled action says why
        self.meeting_actions = {
            "meeting_start": [self._add(meeting, "Start meeting", "Ctrl+Shift+M",
                                        self._start_meeting)],
            "meeting_end": [self._add(meeting, "End meeting", "Ctrl+Shift+E", self._end_meeting)],
            "phase": []}
        phases = meeting.addMenu("Phase")
        phases.setToolTipsVisible(True)
        for n, phase in enumerate(PHASES, start=1):
            self.meeting_actions["phase"].append(self._add(
                phases, phase.capitalize(), f"Alt+{n}",
                lambda _checked=False, p=phase: self.session.log("phase", {"phase": p})))
        view = menu.addMenu("&View")
        self.room_safe_action = self._add(view, "Room-safe (hide confidential figures)",
                                          ROOM_SAFE_KEY, self.set_room_safe)
        self.room_safe_action.setCheckable(True)
        self.header.room_safe.clicked.connect(self.set_room_safe)
        view.addSeparator()
        for n, role in enumerate(ROLES, start=1):
            self._add(view, f"{role.capitalize()} panel", f"Ctrl+{n}",
                      lambda _checked=False, r=role: self.show_role(r))
        self._add(view, "Prepare", "Ctrl+P", lambda _checked=False: self.toggle_prepare())
        self._add(view, "Review", "Ctrl+R", lambda _checked=False: self.show_review())
        edit = menu.addMenu("&Edit")
        self._add(edit, "Undo my last entry", "Ctrl+Z", lambda: self.session.submit("undo"))
        edit.addSeparator()
        self.join_action = self._add(edit, "Join this workspace…", "",
                                     lambda _checked=False: self.join_dialog())
        helpm = menu.addMenu("&Help")
        self._add(helpm, "Keyboard shortcuts", "F1", self._toggle_help)
        #: what shows the team's own view or a dialog that may: off while room-safe
        self.team_actions = [a for a in self.findChildren(QAction) if a.text() in TEAM_ACTIONS
                             or a.text().endswith(" panel")]

    def _toggle_help(self) -> None:
        """F1: the overlay, listing the shortcuts of the view on screen now."""
        if not self.help.isVisible():
            self.help.set_entries(self.shortcuts())
        self.help.toggle()

    def _add(self, menu, text: str, key: str, slot) -> QAction:
        """A menu action with an application-wide shortcut. ``triggered`` passes ``checked``: a
        slot with default arguments must take it first, or it lands in the first default."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _start_meeting(self) -> None:
        from ui.prepare.readiness import confirm_start

        # when the preparation is incomplete, a question naming what is missing comes first
        self.start_question = confirm_start(self, self.session.prep,
                                            lambda: self.session.submit("start_meeting"))

    def show_prepare(self, section: str | None = None) -> QWidget:
        """Show the Prepare view (built on first use), at ``section`` if given."""
        if self.prepare is None:
            from ui.prepare.view import PrepareView

            self.prepare = PrepareView(self.session)
            self.stack.addWidget(self.prepare)
        if self.stack.currentWidget() is not self.prepare:
            self._back_to = self.current_role()
        self.stack.setCurrentWidget(self.prepare)
        if section:
            self.prepare.show_section(section)
        self.help.set_entries(self.shortcuts())
        return self.prepare

    def show_review(self) -> QWidget:
        """Show the Review view (built on first use: it reads the whole journal); Esc or
        Ctrl+1…4 go back to a panel."""
        if self.review is None:
            from ui.review.view import ReviewView

            self.review = ReviewView(self.session)
            self.review.leave.connect(lambda: self.show_role(self._back_to))
            self.review.status.connect(lambda text: self.statusBar().showMessage(text, 15000))
            self.stack.addWidget(self.review)
        if self.stack.currentWidget() is not self.review:
            self._back_to = self.current_role()
        self.stack.setCurrentWidget(self.review)
        if not self.room_safe:
            self.review.focus_entry()
        self.help.set_entries(self.shortcuts())
        return self.review

    def toggle_prepare(self) -> None:
        """Ctrl+P: to the Prepare view, and back to the panel shown before."""
        if self.prepare is not None and self.stack.currentWidget() is self.prepare:
            self.show_role(self._back_to)
        else:
            self.show_prepare()

    def current_role(self) -> str:
        """The role whose panel is on screen (the session's role while Prepare shows)."""
        current = self.stack.currentWidget()
        return next((r for r, p in self.panels.items() if p is current), self.session.role)

    def _permissions(self, *_: object) -> None:
        """The meeting controls follow the role rules the services enforce (``app.services.may``):
        disabled, saying why, for a member who may not run the meeting."""
        for kind, actions in self.meeting_actions.items():
            reason = refusal(self.session, kind)
            for action in actions:
                action.setEnabled(reason is None)
                action.setToolTip(reason or action.text())
                action.setStatusTip(reason or "")
        reason = refusal(self.session, "phase")
        self.header.phase.setEnabled(reason is None)
        self.header.phase.setToolTip(reason or "Meeting phase (Alt+1 … Alt+6)")
        self._team_actions()

    def _team_actions(self) -> None:
        """What shows the team's view is off while room-safe, saying why (``public.NOT_NOW``)."""
        start = self.meeting_actions["meeting_start"][0]
        for action in self.team_actions:
            if self.room_safe:
                action.setEnabled(False)
                action.setToolTip(public.NOT_NOW)
            elif action is start:
                reason = refusal(self.session, "meeting_start")
                action.setEnabled(reason is None)
                action.setToolTip(reason or action.text())
            else:
                action.setEnabled(True)
                action.setToolTip(action.text())

    # --- the join phrase ------------------------------------------------------------------------

    def join_dialog(self) -> JoinDialog:
        """Ask for the join phrase (window-modal, not blocking); on success every window on this
        workspace reads the journal again, with the sealed figures."""
        if self.join is not None:
            self.join.raise_()
            return self.join
        self.join = JoinDialog(self.session.ws, remember=self.banner.trouble is None, parent=self)
        self.join.finished.connect(self._joined)
        self.join.open()
        return self.join

    def _joined(self, code: int) -> None:
        dialog, self.join = self.join, None
        dialog.deleteLater()
        if code != JoinDialog.DialogCode.Accepted:
            return
        if dialog.problem is not None:  # the keychain refused after all: not remembered
            self.banner.keychain_failed(dialog.problem)
        where = ("the phrase is in this computer's keychain" if dialog.remembered
                 else "the phrase is held for this session only and is not remembered")
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow) and window.session.ws is self.session.ws:
                window.session.reload()
                window.banner.trouble = self.banner.trouble
                window.banner.refresh()
        self.statusBar().showMessage(f"Joined: the confidential figures are readable here; "
                                     f"{where}.", 15000)

    def _end_meeting(self) -> None:
        if self.session.prep.current_meeting() is not None:
            self.session.submit("end_meeting")

    def _failed(self, future: object, message: str) -> None:
        """Every failed write (and a feed that cannot be read) in the status line: no modal. An
        offer held past a limit is not one: the lead's panel holds it in the one dialog."""
        if isinstance(getattr(future, "exception", lambda: None)(), PastLimit):
            return
        prefix = "✗ not saved: " if future is not None else "✗ "
        self.statusBar().showMessage(prefix + message, 15000)

    def _pending(self, count: int) -> None:
        if count:
            self.statusBar().showMessage(f"saving… ({count})")
        else:
            self.statusBar().showMessage("saved", 2000)

    def retitle(self, *_: object) -> None:
        """The window's title (in room-safe, worded by ``app.public``)."""
        if self.room_safe:
            self.setWindowTitle(public.window_title(self.room.view, self.session.member,
                                                    self.session.role))
            return
        prep = self.session.prep
        self.setWindowTitle(f"Caucus — {prep.title} — {self.session.member} "
                            f"({self.session.role})")

    # --- room-safe ------------------------------------------------------------------------------

    @property
    def room_safe(self) -> bool:
        """True while the window shows only what the room may see."""
        return self.switch.on

    @property
    def room(self):
        """The room view (``ui.room.view.RoomView``), once built."""
        return self.switch.room

    def set_room_safe(self, on: bool, remember: bool = True) -> None:
        """Show only what the room may see (the room view), or the team's own view again.
        ``remember``: keep the choice for the next start on this workspace."""
        on = bool(on)
        if on != self.room_safe:
            self.switch.apply(on)
            self._team_actions()
            self.retitle()
            if self.help.isVisible():
                self.help.set_entries(self.shortcuts())
            if not on:
                focus = getattr(self.stack.currentWidget(), "focus_entry", None)
                if focus:
                    focus()
            if remember:
                settings.remember_room_safe(str(self.session.ws.path), on)
        self.room_safe_action.setChecked(on)
        self.header.room_safe.setChecked(on)

    def export_dialog(self, fmt: str) -> None:
        """File → Export: the review's (the team's report); while room-safe, the room's."""
        if self.room_safe:
            self.switch.export(fmt)
        else:
            self.show_review().export_dialog(fmt)

    def follow_theme(self, *_: object) -> None:
        """The system switched between light and dark: re-colour every widget that caches one."""
        if not theme.update():
            return
        self.setStyleSheet(theme.stylesheet())
        for widget in self.findChildren(QWidget):
            retheme = getattr(widget, "retheme", None)
            if callable(retheme):
                retheme()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.PaletteChange,
                            QEvent.Type.ThemeChange):
            self.follow_theme()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.help.setGeometry(self.centralWidget().rect())

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.session.close()
        super().closeEvent(event)


class Header(QWidget):
    """Negotiation and supplier, meeting and phase with its clock, who is connected, room-safe."""

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setFont(theme.scaled_font(self.font(), 1.3, bold=True))
        self.meeting = QLabel()
        self.phase = QComboBox()
        self.phase.addItems(["—", *PHASES])
        self.phase.setToolTip("Meeting phase (Alt+1 … Alt+6)")
        self.phase.activated.connect(self._phase_chosen)
        self.clock = QLabel()
        self.clock.setFont(theme.scaled_font(self.font(), 1.2, bold=True))
        self.people = QLabel()
        self.people.setProperty("role", "muted")
        self.room_safe = QPushButton(f"Room-safe ({ROOM_SAFE_KEY})")
        self.room_safe.setObjectName("roomSafe")
        self.room_safe.setCheckable(True)
        self.room_safe.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for w in (self.title, self.meeting, self.phase, self.clock):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.people)
        row.addWidget(self.room_safe)
        self.phase.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._started: datetime | None = None  # the meeting in progress, for the clock's tick
        # the tick only moves the clock: what it shows beside changes with acts (refresh)
        self._tick = QTimer(self, interval=1000, timeout=self._show_clock)
        self._tick.start()
        session.acts_added.connect(self.refresh)
        session.presence_changed.connect(self._people)
        self.refresh()

    def refresh(self, *_: object) -> None:
        """Redraw the title, meeting, phase and clock."""
        prep = self.session.prep
        self.title.setText(f"{prep.title}  ·  {prep.supplier}")
        current = prep.current_meeting()
        self._started = current.started if current is not None else None
        self.meeting.setText(current.title if current is not None else "no meeting in progress")
        self._show_clock()
        self.phase.setCurrentText(self._phase())

    def _show_clock(self) -> None:
        """The time since the meeting in progress started (nothing between meetings)."""
        if self._started is None:
            self.clock.setText("")
            return
        self.clock.setText(clock_text(self._started))

    def _phase(self) -> str:
        """The phase of the meeting in progress ("—" until one is set, and between meetings)."""
        for act in reversed(self.session.acts):
            if act.kind == "phase":
                return act.payload["phase"]
            if act.kind in ("meeting_start", "meeting_end"):
                return "—"
        return "—"

    def _phase_chosen(self, index: int) -> None:
        phase = self.phase.itemText(index)
        if phase in PHASES:
            self.session.log("phase", {"phase": phase})

    def _people(self, peers: list) -> None:
        names = {}
        for p in peers:
            names.setdefault(p.member, set()).add(p.role)
        self.people.setText("  ".join(f"● {m} ({', '.join(sorted(r))})"
                                      for m, r in sorted(names.items())) or "only you")
        self.people.setToolTip("\n".join(f"{p.member} — {p.role} on {p.host} (pid {p.pid})"
                                         for p in peers))
