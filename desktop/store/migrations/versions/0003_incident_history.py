"""Incident history: every change to an incident and its citations, field by field.

Also indexes ``incidents.updated_at``, which the app polls to notice other users' changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_uuid", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=120), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_history")),
    )
    op.create_index(
        op.f("ix_incident_history_incident_uuid"),
        "incident_history",
        ["incident_uuid"],
        unique=False,
    )
    op.create_index("ix_incidents_updated_at", "incidents", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_incidents_updated_at", table_name="incidents")
    op.drop_index(op.f("ix_incident_history_incident_uuid"), table_name="incident_history")
    op.drop_table("incident_history")
