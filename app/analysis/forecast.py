"""Forecast of the supplier's resistance point on an issue from the shape of their concessions.

Model: a supplier nearing their limit makes concessions that shrink roughly geometrically, so the
log of their concession sizes falls on a line, ``log d_k ≈ a + k·log ρ``, and their offers converge
on their last offer plus the remaining tail ``d_n·ρ/(1 − ρ)``. We fit that line by weighted least
squares (recent concessions count more, since behaviour changes as a deal nears its end), with a
prior on ``ρ`` (around 0.55: people tend to roughly halve their moves) that keeps a fit to two or
three concessions from running wild. The interval comes from the uncertainty of the slope and of
the level. Its side that is better for us is deliberately wider than its other side: a geometric
fit understates how far a supplier who keeps conceding slowly will still go.

When their concessions do not shrink (steady or growing, or no concession at all), the data say
little about where they stop: the estimate is the middle of the plausible window and the interval
is the whole window, and ``signal`` says ``"weak"``.

Plausible window: their resistance point (the best value for us they will still accept) is never
worse for us than their own latest offer, and the outcome will not be better for us than our own
current position (we do not end better than we ask), or our opening before our first offer.

``benchmarks/eval_forecast.py`` measures the error and the coverage on synthetic sequences.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, NamedTuple

from app.domain import Issue
from app.numbers import dec_str

MIN_OFFERS = 3
WINDOW = 6  # concessions looked at
RECENCY = 0.7  # weight of a concession relative to the next one
PRIOR_RHO, PRIOR_SD = 0.55, 0.4  # prior on the concession ratio (log-normal)
NOISE_SD = 0.3  # assumed sd of the log of one concession around the line
Z_WORSE, Z_BETTER = 1.28, 1.8  # one-sided quantiles of the interval's two ends
WEAK_RHO = 0.9  # a fitted ratio at or above this is not a shrinking pattern
CAP_RHO = 0.97  # ratios beyond this extrapolate to "anywhere": the window's edge
MAX_PLACES = 12


class Fit(NamedTuple):
    """The fitted line through the log concession sizes."""

    slope: float  # log ρ, drawn toward the prior
    data_slope: float  # log ρ from the data alone
    slope_sd: float
    level: float  # weighted mean log size
    ahead: float  # steps from the weighted mean position to the next concession
    level_sd: float


def forecast(
    issue: Issue, theirs: Sequence[Decimal], ours: Decimal | None
) -> dict[str, Any] | None:
    """Estimate the other side's resistance point on one issue.

    Args:
        issue: The issue (direction, positions).
        theirs: Every value they offered on the issue, in order.
        ours: Our current position on the issue, or ``None`` before our first offer.

    Returns:
        ``{estimate, low, high, offers, signal}`` with decimal strings (``low`` ≤ ``high`` as
        numbers), or ``None`` while they have made fewer than three offers on the issue.
        ``signal`` is ``"shrinking"``, ``"weak"`` or ``"met"`` (their offer already reaches ours).
    """
    if len(theirs) < MIN_OFFERS:
        return None
    sign = 1 if issue.better == "higher" else -1
    recent = theirs[-(WINDOW + 1):]
    edge = ours if ours is not None else issue.opening
    ceiling = float(sign * edge)
    est, worst, best, signal = estimate([float(sign * v) for v in recent], ceiling)
    places = _places([issue.opening, issue.target, issue.walk_away, edge, *recent])
    down, up = (ROUND_FLOOR, ROUND_CEILING) if sign > 0 else (ROUND_CEILING, ROUND_FLOOR)
    edges = sorted([theirs[-1], edge]) if signal != "met" else None

    def inside(value: Decimal) -> str:
        if edges is not None:  # float round-off must not carry a value out of the window
            value = min(max(value, edges[0]), edges[1])
        return dec_str(_quantize(value, places))

    low, high = sorted([_value(sign * worst, places, down), _value(sign * best, places, up)])
    return {"estimate": inside(_value(sign * est, places, ROUND_HALF_EVEN)),
            "low": inside(low), "high": inside(high), "offers": len(theirs), "signal": signal}


def estimate(z: Sequence[float], ceiling: float) -> tuple[float, float, float, str]:
    """The forecast in the frame where larger is better for us (their concessions raise ``z``).

    Args:
        z: Their offers in order (at least three).
        ceiling: The best plausible value for us (our current position, or our opening).

    Returns:
        ``(estimate, worst, best, signal)``, ``worst ≤ estimate ≤ best``, all in
        ``[z[-1], ceiling]``.
    """
    floor = z[-1]
    if ceiling <= floor:
        return floor, floor, floor, "met"
    steps = [b - a for a, b in zip(z, z[1:], strict=False)]
    fit = _fit(steps)
    if fit is None or fit.data_slope >= math.log(WEAK_RHO):
        return (floor + ceiling) / 2, floor, ceiling, "weak"

    def clip(x: float) -> float:
        return min(max(x, floor), ceiling)

    mid = _log_tail(fit, fit.slope)
    worse = mid - math.hypot(mid - _log_tail(fit, fit.slope - Z_WORSE * fit.slope_sd),
                             Z_WORSE * fit.level_sd)
    slope_hi = fit.slope + Z_BETTER * fit.slope_sd
    better = mid + math.hypot(_log_tail(fit, slope_hi) - mid, Z_BETTER * fit.level_sd)
    worst = floor if steps[-1] <= 0 else clip(floor + math.exp(worse))
    worst = min(worst, (floor + ceiling) / 2)  # even a supplier ready to meet us may split it
    best = ceiling if slope_hi >= math.log(CAP_RHO) else clip(floor + math.exp(better))
    return clip(floor + math.exp(mid)), worst, best, "shrinking"


def _fit(steps: Sequence[float]) -> Fit | None:
    """Weighted, prior-regularised line through the log sizes; ``None`` without any concession."""
    positive = [s for s in steps if s > 0]
    if not positive:
        return None
    held = min(positive) / 4  # a held or retreating step counts as a very small concession
    ys = [math.log(s if s > 0 else held) for s in steps]
    n = len(ys)
    ws = [RECENCY ** (n - 1 - k) for k in range(n)]
    total = sum(ws)
    kbar = sum(w * k for k, w in enumerate(ws)) / total
    ybar = sum(w * y for w, y in zip(ws, ys, strict=True)) / total
    sxx = sum(w * (k - kbar) ** 2 for k, w in enumerate(ws))
    sxy = sum(w * (k - kbar) * (y - ybar) for k, (w, y) in enumerate(zip(ws, ys, strict=True)))
    precision = sxx / NOISE_SD**2 + 1 / PRIOR_SD**2
    slope = (sxy / NOISE_SD**2 + math.log(PRIOR_RHO) / PRIOR_SD**2) / precision
    n_eff = total**2 / sum(w * w for w in ws)
    return Fit(slope, sxy / sxx, precision**-0.5, ybar, n - kbar, NOISE_SD / math.sqrt(n_eff))


def _log_tail(fit: Fit, slope: float) -> float:
    """Log of the sum of all concessions still to come, for a given slope."""
    slope = min(slope, math.log(CAP_RHO))
    return fit.level + slope * fit.ahead - math.log(1 - math.exp(slope))


def _places(values: Sequence[Decimal]) -> int:
    """One decimal place more than the finest of the given values (at most ``MAX_PLACES``: the
    estimate comes from binary floats, so finer places would only print their noise)."""
    finest = max((-v.as_tuple().exponent for v in values if v.is_finite()), default=0)
    return min(max(finest, 0) + 1, MAX_PLACES)


def _value(x: float, places: int, rounding: str) -> Decimal:
    return _quantize(Decimal(repr(x)), places, rounding)


def _quantize(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """``value`` to ``places`` decimals, with the precision that needs (never raises)."""
    with localcontext() as ctx:
        ctx.prec = 80
        return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
