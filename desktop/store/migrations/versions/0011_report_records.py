"""Report records: each exported report with the incidents it held and their versions, so
the next report of the same scope can say what changed since.

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Each table only where missing (a workspace marked older than it is): see missing.py.
from desktop.store.migrations.missing import create_table

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_table(
        "report_records",
        sa.Column("id", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("as_of", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("series", sa.String(length=64), nullable=False),
        sa.Column("marking", sa.String(length=120), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("incident_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_records")),
        indexes={
            "ix_report_records_created_at": ["created_at"],
            "ix_report_records_series": ["series"],
        },
    )
    create_table(
        "report_record_incidents",
        sa.Column("report_id", sa.String(length=12), nullable=False),
        sa.Column("incident_uuid", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["report_records.id"],
            name=op.f("fk_report_record_incidents_report_id_report_records"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "report_id", "incident_uuid", name=op.f("pk_report_record_incidents")
        ),
    )


def downgrade() -> None:
    op.drop_table("report_record_incidents")
    op.drop_table("report_records")
