"""Charts for the PDF report, drawn with ``reportlab.graphics`` (vector, no Qt).

One chart per issue: both sides' positions as steps over the offer numbers, the reference lines
the caller gives as dashed lines (the team's report: our opening, target, walk-away, benchmark and
should-cost; the room's: none), the agreed value as a mark at the end. The value axis spans the
points, the lines and the agreed value given, and nothing else. Colours are the console's
(Okabe–Ito: they survive colour-blindness).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib.colors import HexColor

from app.domain import Issue
from app.meeting import Point  # or app.public's: both have n and value

COLOURS = {
    "ours": HexColor("#0072B2"), "theirs": HexColor("#E69F00"), "agreed": HexColor("#009E73"),
    "breach": HexColor("#D55E00"), "reference": HexColor("#7F7F7F"), "axis": HexColor("#404040"),
}
LEFT, RIGHT, BOTTOM, TOP = 44, 110, 18, 8  # margins, points (right: the line labels)


def references(issue: Issue) -> list[tuple[str, Decimal, str]]:
    """The team's reference lines of an issue: (caption, value, colour), those it has."""
    refs = [("opening", issue.opening, "ours"), ("target", issue.target, "ours"),
            ("walk-away", issue.walk_away, "breach"),
            ("benchmark", issue.benchmark, "reference"),
            ("should-cost", issue.should_cost, "reference")]
    return [(name, value, colour) for name, value, colour in refs if value is not None]


def trajectory(points: dict[str, list[Point]], offers: int, agreed: Decimal | None,
               refs: Sequence[tuple[str, Decimal, str]] = (), *, font: str,
               width: float = 480, height: float = 150) -> Drawing:
    """The trajectory chart of one issue.

    Args:
        points: Both sides' points on the issue (``"us"``, ``"them"``; each with ``n`` and
            ``value``), e.g. ``app.meeting.offer_points``.
        offers: How many standing offers the negotiation has (the x axis runs 1..offers).
        agreed: The agreed value, if any.
        refs: Reference lines, (caption, value, colour name), e.g. ``references(issue)``.
        font: The font to write labels in.
    """
    d = Drawing(width, height)
    values = [p.value for side in points.values() for p in side] + [v for _, v, _ in refs]
    if agreed is not None:
        values.append(agreed)
    if not values:
        d.add(String(LEFT, height / 2, "no offers on this issue", fontName=font, fontSize=8))
        return d
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) / 12
    lo, hi = lo - pad, hi + pad
    x_max = max(offers, 1) + 0.5
    plot_w, plot_h = width - LEFT - RIGHT, height - BOTTOM - TOP

    def x(n: float) -> float:
        return LEFT + (n - 0.5) / x_max * plot_w

    def y(v: Decimal) -> float:
        frac = float((v - lo) / (hi - lo))
        return BOTTOM + frac * plot_h

    axis = COLOURS["axis"]
    d.add(Line(LEFT, BOTTOM, LEFT + plot_w, BOTTOM, strokeColor=axis, strokeWidth=0.5))
    d.add(Line(LEFT, BOTTOM, LEFT, BOTTOM + plot_h, strokeColor=axis, strokeWidth=0.5))
    d.add(String(LEFT + plot_w, 4, "latest offer", fontName=font, fontSize=6,
                 textAnchor="end", fillColor=axis))
    d.add(String(LEFT, 4, "first offer", fontName=font, fontSize=6, fillColor=axis))
    label_ys: list[float] = []
    for name, value, colour in refs:
        yy = y(value)
        d.add(Line(LEFT, yy, LEFT + plot_w, yy, strokeColor=COLOURS[colour], strokeWidth=0.6,
                   strokeDashArray=[3, 2]))
        ly = _free(yy, label_ys)
        d.add(String(LEFT + plot_w + 4, ly - 2, f"{name} {value}", fontName=font, fontSize=6,
                     fillColor=COLOURS[colour]))
    for side in ("theirs", "ours"):
        steps = points.get("them" if side == "theirs" else "us", [])
        if not steps:
            continue
        coords: list[float] = []
        for n, p in enumerate(steps):
            if n:
                coords += [x(p.n), y(steps[n - 1].value)]
            coords += [x(p.n), y(p.value)]
        coords += [x(x_max), y(steps[-1].value)]
        d.add(PolyLine(coords, strokeColor=COLOURS[side], strokeWidth=1.4))
        for p in steps[-40:]:  # dots on the latest offers only, so long meetings stay readable
            d.add(Circle(x(p.n), y(p.value), 1.3, fillColor=COLOURS[side],
                         strokeColor=COLOURS[side]))
    if agreed is not None:
        d.add(Circle(x(x_max) - 2, y(agreed), 3, fillColor=COLOURS["agreed"],
                     strokeColor=COLOURS["agreed"]))
        ly = _free(y(agreed), label_ys)
        d.add(String(LEFT + plot_w + 4, ly - 2, f"agreed {agreed}", fontName=font, fontSize=6,
                     fillColor=COLOURS["agreed"]))
    for value in (min(p.value for s in points.values() for p in s),
                  max(p.value for s in points.values() for p in s)) if any(points.values()) else ():
        d.add(String(LEFT - 3, y(value) - 2, str(value), fontName=font, fontSize=6,
                     textAnchor="end", fillColor=axis))
    return d


def _free(y: float, taken: list[float], gap: float = 7) -> float:
    """A label height near ``y`` that does not overlap the labels already placed."""
    while any(abs(y - t) < gap for t in taken):
        y -= gap
    taken.append(y)
    return y
