"""The table's Type column shows the sub-event type, so it sorts by it: index it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incidents_live_sub_type", "incidents", ["deleted_at", "sub_event_type"])


def downgrade() -> None:
    op.drop_index("ix_incidents_live_sub_type", table_name="incidents")
