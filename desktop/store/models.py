"""ORM models: the database schema of an Incident Desk workspace.

Times are stored as naive UTC ``DateTime`` values (SQLite has no time zones); the services
layer converts to aware datetimes or dates according to each incident's time precision.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop.store import lengths
from desktop.store.indexes import plain_column_indexes

# Named constraints let Alembic alter SQLite tables in batch mode.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class AuditMixin:
    """Who created and last changed a record, and when (naive UTC)."""

    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(120))


class Source(AuditMixin, Base):
    """Someone who says things: a command, an outlet, a channel, an analyst."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint("reliability IN ('A','B','C','D','E','F')", name="reliability"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(lengths.SOURCE_SLUG), unique=True)
    name: Mapped[str] = mapped_column(String(lengths.SOURCE_NAME), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reliability: Mapped[str] = mapped_column(String(1))
    url: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    citations: Mapped[list[Citation]] = relationship(back_populates="source")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API


class Incident(AuditMixin, Base):
    """One thing that happened (or is said to have happened)."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("end_at >= start_at", name="period"),
        CheckConstraint("lat IS NULL OR (lat >= -90 AND lat <= 90)", name="lat"),
        CheckConstraint("lon IS NULL OR (lon >= -180 AND lon <= 180)", name="lon"),
        CheckConstraint("(lat IS NULL) = (lon IS NULL)", name="latlon_pair"),
        CheckConstraint("geo_precision IN (1, 2, 3)", name="geo_precision"),
        *(Index(name, *columns) for name, columns in plain_column_indexes("incidents")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    title: Mapped[str] = mapped_column(String(lengths.INCIDENT_TEXTS["title"]))
    summary: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    start_at: Mapped[datetime] = mapped_column(DateTime)
    end_at: Mapped[datetime] = mapped_column(DateTime)
    time_precision: Mapped[str] = mapped_column(String(8))

    place_name: Mapped[str] = mapped_column(
        String(lengths.INCIDENT_TEXTS["place_name"]), default=""
    )
    admin1: Mapped[str] = mapped_column(String(lengths.INCIDENT_TEXTS["admin1"]), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[int] = mapped_column(Integer, default=3)

    event_type: Mapped[str] = mapped_column(String(60))
    sub_event_type: Mapped[str] = mapped_column(String(60))

    killed: Mapped[int | None] = mapped_column(Integer)
    injured: Mapped[int | None] = mapped_column(Integer)
    casualty_note: Mapped[str] = mapped_column(Text, default="")

    status: Mapped[str] = mapped_column(String(12))
    confidence: Mapped[str] = mapped_column(String(10))
    likelihood: Mapped[str | None] = mapped_column(String(30))
    marking: Mapped[str] = mapped_column(String(lengths.MARKING))

    # Kept in step by the services so the table can sort on it without a join.
    source_count: Mapped[int] = mapped_column(Integer, default=0)

    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)

    actors: Mapped[list[IncidentActor]] = relationship(
        back_populates="incident",
        cascade="all, delete-orphan",
        order_by="IncidentActor.position",
    )
    tags: Mapped[list[IncidentTag]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentTag.position"
    )
    citations: Mapped[list[Citation]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="Citation.position"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API


class IncidentActor(Base):
    """An actor named in an incident, with the role the record gives them."""

    __tablename__ = "incident_actors"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(lengths.ACTOR_NAME), index=True)
    role: Mapped[str] = mapped_column(String(20))

    incident: Mapped[Incident] = relationship(back_populates="actors")


class IncidentTag(Base):
    __tablename__ = "incident_tags"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(lengths.TAG), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    incident: Mapped[Incident] = relationship(back_populates="tags")


class Citation(Base):
    """One source cited by one incident, with the credibility of *this* piece of information."""

    __tablename__ = "citations"
    __table_args__ = (CheckConstraint("credibility BETWEEN 1 AND 6", name="credibility"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    credibility: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date)
    retrieved: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(lengths.LANGUAGE), default="")
    excerpt: Mapped[str] = mapped_column(Text, default="")

    incident: Mapped[Incident] = relationship(back_populates="citations")
    source: Mapped[Source] = relationship(back_populates="citations")


class Setting(Base):
    """Workspace-level values kept with the database (e.g. the last report's key points)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class NotDuplicate(Base):
    """Two incidents an analyst judged not to be the same event: never proposed again.

    Keyed by the incidents' uuids, the smaller first, so a pair is one row whichever way
    round it was dismissed (services/duplicates.py); kept when either is purged, as the
    history is, since a uuid is never reused.
    """

    __tablename__ = "not_duplicates"
    __table_args__ = (CheckConstraint("a_uuid < b_uuid", name="ordered"),)

    a_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    b_uuid: Mapped[str] = mapped_column(String(36), primary_key=True, index=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str] = mapped_column(String(120))


class HistoryEntry(Base):
    """One change to one field of an incident: who, when, which field, old → new.

    Keyed by the incident's uuid, not its row id, so the record of what happened outlives
    the incident itself when it is purged from the trash.
    """

    __tablename__ = "incident_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_uuid: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(120), default="")
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)


class EvidenceContent(Base):
    """The bytes of one evidence file, stored once however many incidents attach it.

    The bytes themselves are in :class:`EvidenceChunk` rows, so a file of gigabytes goes in
    and out a chunk at a time. Chunks hang off this row's integer id rather than the SHA-256:
    the hash is known only once the last byte has been read, and the intake reads each byte
    once (desktop.services.evidence). ``custody_head`` is the hash of the newest custody
    entry, so an entry cut off the end of the trail is noticed as well as one cut out of it.
    """

    __tablename__ = "evidence_content"
    __table_args__ = (CheckConstraint("size > 0", name="size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # Files over 2 GiB overflow PostgreSQL's INTEGER; SQLite's INTEGER holds 64 bits.
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    chunk_count: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    custody_head: Mapped[str] = mapped_column(String(64), default="")
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)


class EvidenceChunk(Base):
    """One piece (at most 1 MiB) of an evidence file, numbered from 0."""

    __tablename__ = "evidence_chunks"

    content_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_content.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EvidenceAttachment(Base):
    """A stored file attached to an incident, and optionally to one of its citations.

    The citation is named by its position in the incident's citations (from 0): citation
    rows are written afresh on every save of the incident, so their ids do not last.
    The attachment goes with its incident when the incident is purged (not when trashed).
    """

    __tablename__ = "evidence_attachments"
    __table_args__ = (
        UniqueConstraint(
            "incident_id", "content_id", "citation_position", name="uq_evidence_attachments_link"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    content_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_content.id", ondelete="RESTRICT"), index=True
    )
    citation_position: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(DateTime)


class CustodyEntry(Base):
    """One entry of an evidence file's custody trail: append-only, each hash-chained.

    ``entry_hash`` is the SHA-256 of the previous entry's hash and this entry's fields in a
    canonical form (desktop.services.custody), so an entry removed or altered breaks the
    chain. Keyed by the content's SHA-256, not its row, so the trail outlives the bytes.
    """

    __tablename__ = "evidence_custody"
    __table_args__ = (UniqueConstraint("sha256", "seq", name="uq_evidence_custody_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class ReportRecord(Base):
    """One exported report: when, what it covered and under which marking (its incidents in
    ``report_record_incidents``), so the next report can say what changed since."""

    __tablename__ = "report_records"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)  # short: "K7M2Q"
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # naive UTC
    created_by: Mapped[str] = mapped_column(String(120))
    as_of: Mapped[str] = mapped_column(String(20))  # the cut-off printed, a date-time group
    scope: Mapped[str] = mapped_column(Text)  # JSON: the filters as data and in words
    series: Mapped[str] = mapped_column(String(64), index=True)  # the filters but the period
    marking: Mapped[str] = mapped_column(String(120))
    format: Mapped[str] = mapped_column(String(8))  # "pdf", "docx"
    incident_count: Mapped[int] = mapped_column(Integer)


class ReportRecordIncident(Base):
    """One incident as one recorded report held it: its number, version and the facts a
    change is told by (a compact JSON list, see ``desktop.reports.sitrep_changes``)."""

    __tablename__ = "report_record_incidents"

    report_id: Mapped[str] = mapped_column(
        ForeignKey("report_records.id", ondelete="CASCADE"), primary_key=True
    )
    incident_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    facts: Mapped[str] = mapped_column(Text)
