"""Duplicate candidates: the pairs dismissed as "not a duplicate", and the index they are
found with.

``not_duplicates`` remembers each pair an analyst said are different events, so they are
never proposed again (desktop/services/duplicates.py). ``ix_incidents_live_nearby`` lists
the live incidents of one country in time order with the columns the place test reads: the
candidates of one incident (on every save in the editor) are one range of it, and the
workspace's pairs one range per incident, without reading the table's rows.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Each table and index only where missing (a workspace marked older than it is): see
# missing.py.
from desktop.store.migrations.missing import create_index, create_table

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# A frozen copy of desktop/store/indexes.py's columns at this revision.
NEARBY = (
    "deleted_at, country, start_at, end_at, event_type, geo_precision, lat, lon, "
    "place_name, admin1"
)


def upgrade() -> None:
    create_table(
        "not_duplicates",
        sa.Column("a_uuid", sa.String(36), nullable=False),
        sa.Column("b_uuid", sa.String(36), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=False),
        sa.CheckConstraint("a_uuid < b_uuid", name=op.f("ck_not_duplicates_ordered")),
        sa.PrimaryKeyConstraint("a_uuid", "b_uuid", name=op.f("pk_not_duplicates")),
        indexes={"ix_not_duplicates_b_uuid": ["b_uuid"]},
    )
    create_index("ix_incidents_live_nearby", "incidents", NEARBY)


def downgrade() -> None:
    op.drop_index("ix_incidents_live_nearby", table_name="incidents")
    op.drop_index(op.f("ix_not_duplicates_b_uuid"), table_name="not_duplicates")
    op.drop_table("not_duplicates")
