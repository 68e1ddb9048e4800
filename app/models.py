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
    """One journal entry. Rows are only ever inserted; ``seq`` orders every act of the workspace.

    ``link``, ``seal``, ``signer`` and ``signature`` chain, seal and sign it (``app.chain``);
    ``imported`` marks an act that came from a scenario file (signed by the member who imported
    it); ``mac`` is the MAC of a version-2 file, kept on the acts of before version 3."""

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
    mac: str | None = None
    link: str | None = None
    seal: str | None = None
    signer: str | None = None
    signature: str | None = None
    imported: int = 0


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


#: The tables as SQLAlchemy Core objects, for queries that must read the same on any engine.
META = Meta.__table__
NEGOTIATION = NegotiationRow.__table__
ACT = ActRow.__table__
