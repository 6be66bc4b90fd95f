"""Evidence: files kept inside the workspace, chunked, with a hash-chained custody trail.

Four tables: the content (one row per SHA-256), its chunks (at most 1 MiB each, so a
file of gigabytes is written and read a piece at a time), the attachments linking content
to incidents (and optionally a citation, by its position), and the custody trail.

Revision ID: 0010
Revises: 0013
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Each table only where missing (a workspace marked older than it is): see missing.py.
from desktop.store.migrations.missing import create_table

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Sizes of files over 2 GiB overflow PostgreSQL's INTEGER; SQLite's INTEGER holds 64 bits.
_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    create_table(
        "evidence_content",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", _BIG, nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("custody_head", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("size > 0", name=op.f("ck_evidence_content_size")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_content")),
        sa.UniqueConstraint("sha256", name=op.f("uq_evidence_content_sha256")),
    )
    create_table(
        "evidence_chunks",
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["evidence_content.id"],
            name=op.f("fk_evidence_chunks_content_id_evidence_content"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("content_id", "number", name=op.f("pk_evidence_chunks")),
    )
    create_table(
        "evidence_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.Integer(), nullable=False),
        sa.Column("citation_position", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_evidence_attachments_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["evidence_content.id"],
            name=op.f("fk_evidence_attachments_content_id_evidence_content"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_attachments")),
        sa.UniqueConstraint(
            "incident_id", "content_id", "citation_position", name="uq_evidence_attachments_link"
        ),
        indexes={
            "ix_evidence_attachments_incident_id": ["incident_id"],
            "ix_evidence_attachments_content_id": ["content_id"],
        },
    )
    create_table(
        "evidence_custody",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_custody")),
        sa.UniqueConstraint("sha256", "seq", name="uq_evidence_custody_seq"),
        indexes={"ix_evidence_custody_sha256": ["sha256"]},
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_evidence_custody_sha256"), table_name="evidence_custody")
    op.drop_table("evidence_custody")
    op.drop_index(op.f("ix_evidence_attachments_content_id"), table_name="evidence_attachments")
    op.drop_index(op.f("ix_evidence_attachments_incident_id"), table_name="evidence_attachments")
    op.drop_table("evidence_attachments")
    op.drop_table("evidence_chunks")
    op.drop_table("evidence_content")
