"""One colour means one thing everywhere. Okabe–Ito colours: they survive colour-blindness and read
on light and dark backgrounds alike; on a dark theme our side turns from blue to sky blue, which the
eye finds at once on a dark background where the blue goes dim.

The palette follows the system theme while the program runs: ``theme.OURS`` and its siblings are
looked up at each use (a module ``__getattr__``), ``update()`` re-reads the system palette, and the
main window re-applies colours (``retheme()`` on every widget that caches one) when it changes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

LIGHT = {
    "ours": "#0072B2",  # blue: our side
    "theirs": "#E69F00",  # orange: their side
    "warning": "#CC79A7",  # reddish purple: a coaching alert
    "breach": "#D55E00",  # vermillion: past the walk-away or the authority limit
    "agreed": "#009E73",  # bluish green: agreed
    "reference": "#7F7F7F",  # grey: benchmark, should-cost and other references
}
DARK = {**LIGHT, "ours": "#56B4E9", "reference": "#9A9A9A"}  # sky blue; a lighter grey
#: the module's colour names → palette roles (``theme.OURS`` is the colour of "ours" right now)
NAMES = {name.upper(): name for name in LIGHT}

_current: dict[str, str] = LIGHT
_dark = False


def __getattr__(name: str) -> str:
    """``OURS``, ``THEIRS``, ``WARNING``, ``BREACH``, ``AGREED``, ``REFERENCE`` and
    ``STYLESHEET`` for the theme in force now."""
    if name in NAMES:
        return _current[NAMES[name]]
    if name == "STYLESHEET":
        return stylesheet()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def of(role: str) -> str:
    """The colour of a role (``"ours"``, ``"breach"``…) in the theme in force."""
    return _current[role]


def color(name: str) -> QColor:
    """A palette colour (``theme.OURS``…, or a role name) as a QColor."""
    return QColor(_current.get(name, name))


def is_dark() -> bool:
    """True when the system theme is dark (the window background is darker than its text)."""
    pal = QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < pal.color(
        QPalette.ColorRole.WindowText).lightness()


def update() -> bool:
    """Follow the system theme; True when the colours changed (re-apply them then)."""
    global _current, _dark
    dark = is_dark()
    if dark == _dark:
        return False
    _dark, _current = dark, (DARK if dark else LIGHT)
    return True


def scaled_font(base: QFont, factor: float, bold: bool = False) -> QFont:
    """A font that scales with the system font size (never a fixed pixel size)."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def muted() -> str:
    """Secondary text: the window text faded 40 % toward the background (still easy to read at
    arm's length, in light and dark themes alike)."""
    pal = QGuiApplication.palette()
    text, back = pal.color(QPalette.ColorRole.WindowText), pal.color(QPalette.ColorRole.Window)
    mix = [round(0.6 * a + 0.4 * b) for a, b in ((text.red(), back.red()),
                                                  (text.green(), back.green()),
                                                  (text.blue(), back.blue()))]
    return QColor(*mix).name()


def stylesheet() -> str:
    """The window's stylesheet in the colours in force."""
    c = _current
    return f"""
QLabel[role="ours"] {{ color: {c["ours"]}; }}
QLabel[role="theirs"] {{ color: {c["theirs"]}; }}
QLabel[role="warning"] {{ color: {c["warning"]}; }}
QLabel[role="breach"] {{ color: {c["breach"]}; font-weight: bold; }}
QLabel[role="agreed"] {{ color: {c["agreed"]}; }}
QLabel[role="muted"] {{ color: {muted()}; }}
QFrame[card="true"] {{ border: 1px solid palette(mid); border-radius: 6px; }}
QPushButton#roomSafe:checked, QPushButton#roomSwitch:checked {{ background: {c["breach"]};
    color: white; font-weight: bold; }}
QLineEdit[invalid="true"] {{ border: 2px solid {c["breach"]}; }}
"""


#: How the review timeline marks each kind of act: (pyqtgraph symbol, colour role). An offer takes
#: its side's colour; an alert its severity's. Shapes differ too, so colour is never the only cue.
MARKS = {
    "offer_us": ("o", "ours"),
    "offer_them": ("o", "theirs"),
    "reaction": ("t", "theirs"),
    "tactic": ("star", "theirs"),
    "note": ("s", "reference"),
    "approval_request": ("p", "warning"),
    "approval": ("h", "agreed"),
    "agreement": ("d", "agreed"),
    "phase": ("|", "reference"),
    "retract": ("x", "reference"),
    "debrief": ("s", "agreed"),
    "alert": ("t1", "warning"),
    "alert_info": ("t1", "reference"),
    "breach": ("t1", "breach"),
    "other": ("+", "reference"),
}


def mark(kind: str) -> tuple[str, str]:
    """(symbol, colour) of a timeline mark kind (see ``MARKS``), in the theme in force."""
    symbol, role = MARKS.get(kind, MARKS["other"])
    return symbol, _current[role]
