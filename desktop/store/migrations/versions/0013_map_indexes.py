"""Map and timeline indexes: their counts read one index each, never the table's rows.

The map groups the filtered incidents by place and the timeline by day
(desktop/services/aggregates.py). Without these, both read every incident's row, a 320 MB
file at 100,000 incidents, on each filter change (300-600 ms); with them, SQLite walks one
index from end to end, already in the order it groups by, without sorting, and finds the
common filters' columns (period, country, status, type, the map's box) in it as well.

On SQLite the timeline's days are the first ten characters of the stored time, written
exactly as the query writes them (an index on an expression serves only the same
expression); PostgreSQL groups with a hash and gets the same columns with ``date()``.

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

# Frozen copies of the columns of desktop/store/indexes.py at this revision.
PLACES = (
    "deleted_at, country, place_name, admin1, geo_precision, event_type, status, lat, lon, "
    "start_at, end_at, marking, confidence"
)
DAYS = (
    "deleted_at, {start}, time_precision, event_type, {end}, status, country, lat, lon, "
    "start_at, end_at, marking, confidence"
)


def upgrade() -> None:
    # IF NOT EXISTS: a workspace marked older than it is (as a test makes one) runs it again.
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "substr({}, 1, 10)" if sqlite else "(date({}))"
    op.execute(sa.text(f"CREATE INDEX IF NOT EXISTS ix_incidents_live_places ON incidents ({PLACES})"))
    days = DAYS.format(start=day.format("start_at"), end=day.format("end_at"))
    op.execute(sa.text(f"CREATE INDEX IF NOT EXISTS ix_incidents_live_days ON incidents ({days})"))


def downgrade() -> None:
    for name in ("ix_incidents_live_places", "ix_incidents_live_days"):
        op.drop_index(name, table_name="incidents")
