"""The tables of a workspace file (SQLModel); their DDL lives in ``app.migrations``."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Workspace facts: its id, when and by which Caucus it was created."""

    key: str = Field(primary_key=True)
    value: str


class NegotiationRow(SQLModel, table=True):
    """Index of the negotiations in the file; written in the same transaction as their acts."""

    __tablename__ = "negotiation"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True)
    title: str
    supplier: str
    created: str


class ActRow(SQLModel, table=True):
    """One journal entry. Rows are only ever inserted; ``seq`` orders every act of the workspace."""

    __tablename__ = "act"

    seq: int | None = Field(default=None, primary_key=True)
    negotiation_id: int = Field(foreign_key="negotiation.id")
    meeting: int | None = None
    act_id: str | None = None
    kind: str
    author: str
    role: str
    at: str
    recorded: str
    payload: str


class PresenceRow(SQLModel, table=True):
    """A running Caucus process: who, in which role, where; refreshed by a heartbeat."""

    __tablename__ = "presence"

    session: str = Field(primary_key=True)
    member: str
    role: str
    host: str
    pid: int
    negotiation_id: int | None = None
    started: str
    last_seen: float
