"""The analysis engine: trajectories, coaching alerts, ledger, forecasts, scores and readiness.

Qt-free. ``analyze(acts)`` gives the ``caucus-analysis/1`` object of a negotiation's journal;
``Analyzer`` keeps the same result up to date act by act.
"""

from app.analysis.analyzer import Analyzer, analyze
from app.analysis.readiness import readiness
from app.analysis.strategy import kraljic, strategy

__all__ = ["Analyzer", "analyze", "kraljic", "readiness", "strategy"]
