"""The demo negotiation (``resources/demo-scenario.json``): imported, and its whole team enrolled
with keys made on this computer, so that one person can try every role (``caucus demo``, the start
screen's "Open the demo", screenshots)."""

from __future__ import annotations

from pathlib import Path

from app import scenario
from app.enrolment import enrol_team_here
from app.resources import resource
from app.workspace import Workspace


def demo_path() -> Path:
    """The demo scenario shipped in ``resources/``."""
    return resource("demo-scenario.json")


def demo_title() -> str:
    """The demo negotiation's title."""
    return scenario.load(demo_path())["negotiation"]["title"]


def add_demo(ws: Workspace) -> int:
    """Import the demo into ``ws`` and enrol its team here; the negotiation's id."""
    with ws.unit(auto_ids=False) as unit:
        negotiation = scenario.import_scenario(unit, scenario.load(demo_path()))
    enrol_team_here(ws, negotiation)
    return negotiation
