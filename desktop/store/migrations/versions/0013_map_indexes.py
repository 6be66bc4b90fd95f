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

from alembic import op

# Each index only where missing (a workspace marked older than it is): see missing.py.
from desktop.store.migrations.missing import create_index

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
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "substr({}, 1, 10)" if sqlite else "(date({}))"
    create_index("ix_incidents_live_places", "incidents", PLACES)
    days = DAYS.format(start=day.format("start_at"), end=day.format("end_at"))
    create_index("ix_incidents_live_days", "incidents", days)


def downgrade() -> None:
    for name in ("ix_incidents_live_places", "ix_incidents_live_days"):
        op.drop_index(name, table_name="incidents")
