"""Review after the meeting: replay, timeline, debrief draft, agreed terms, supplier history.

Qt-free. ``Replay(acts).at(k)`` is the analysis as it stood after ``k`` acts; ``timeline(acts)``
gives columnar data for plotting; ``debrief_draft``, ``agreed_terms`` and ``supplier_history``
turn the journal into what the team reviews and hands on. The PDF and CSV reports are in
``app.report``.
"""

from app.review.debrief import debrief_draft
from app.review.history import supplier_history
from app.review.replay import Replay
from app.review.terms import agreed_terms
from app.review.timeline import LANES, Timeline, timeline

__all__ = ["LANES", "Replay", "Timeline", "agreed_terms", "debrief_draft", "supplier_history",
           "timeline"]
