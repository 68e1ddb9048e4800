"""One colour means one thing everywhere. Okabe–Ito colours: they survive colour-blindness and read
on light and dark backgrounds alike."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

OURS = "#0072B2"  # blue: our side
THEIRS = "#E69F00"  # orange: their side
WARNING = "#CC79A7"  # reddish purple: a coaching alert
BREACH = "#D55E00"  # vermillion: past the walk-away or the authority limit
AGREED = "#009E73"  # bluish green: agreed
REFERENCE = "#7F7F7F"  # grey: benchmark, should-cost and other references
CONFIDENTIAL_MASK = "•••"


def color(name: str) -> QColor:
    """A palette colour as a QColor."""
    return QColor(name)


def is_dark() -> bool:
    """True when the system theme is dark (the window background is darker than its text)."""
    pal = QGuiApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < pal.color(
        QPalette.ColorRole.WindowText).lightness()


def scaled_font(base: QFont, factor: float, bold: bool = False) -> QFont:
    """A font that scales with the system font size (never a fixed pixel size)."""
    font = QFont(base)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


STYLESHEET = f"""
QLabel[role="ours"] {{ color: {OURS}; }}
QLabel[role="theirs"] {{ color: {THEIRS}; }}
QLabel[role="warning"] {{ color: {WARNING}; }}
QLabel[role="breach"] {{ color: {BREACH}; font-weight: bold; }}
QLabel[role="agreed"] {{ color: {AGREED}; }}
QLabel[role="muted"] {{ color: palette(mid); }}
QFrame[card="true"] {{ border: 1px solid palette(mid); border-radius: 6px; }}
QPushButton#roomSafe:checked {{ background: {BREACH}; color: white; font-weight: bold; }}
QLineEdit[invalid="true"] {{ border: 2px solid {BREACH}; }}
"""
