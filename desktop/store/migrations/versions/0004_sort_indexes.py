"""Sort and period indexes: the incident table reads its pages and counts from indexes.

Each index leads with ``deleted_at`` (every list query asks for live or trashed incidents)
and holds the sort expression exactly as ``desktop/services/search.py`` writes it — SQLite
uses an index on an expression only for the same expression. Without them, each page of a
table sorted by title, place, type, status, confidence, sources or marking sorted every
incident again (about 150 ms a page at 100,000 incidents). Two more cover the period
filters, so counting the incidents since or until a day reads no table rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the expressions in desktop/services/search.py at this revision.
CONFIDENCE_ORDER = (
    "CASE confidence WHEN 'high' THEN 3 WHEN 'moderate' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
)
MARKING_ORDER = (
    "CASE marking WHEN 'TLP:RED' THEN 5 WHEN 'TLP:AMBER+STRICT' THEN 4 WHEN 'TLP:AMBER' THEN 3 "
    "WHEN 'TLP:GREEN' THEN 2 WHEN 'TLP:CLEAR' THEN 1 ELSE 3 END"
)
INDEXES: dict[str, str] = {
    "ix_incidents_live_title": "lower(title)",
    "ix_incidents_live_place": "lower(place_name)",
    "ix_incidents_live_type": "event_type",
    "ix_incidents_live_status": "status",
    "ix_incidents_live_confidence": CONFIDENCE_ORDER,
    "ix_incidents_live_sources": "source_count",
    "ix_incidents_live_marking": MARKING_ORDER,
}
# The period filters (since: end_at >=, until: start_at <), counted from the index alone, and
# the filter lists' values in use (the distinct countries and markings of live incidents),
# read by skipping through the index instead of visiting every row.
PLAIN_INDEXES: dict[str, tuple[str, ...]] = {
    "ix_incidents_live_end": ("deleted_at", "end_at", "start_at"),
    "ix_incidents_live_period": ("deleted_at", "start_at", "end_at"),
    "ix_incidents_live_country": ("deleted_at", "country"),
    "ix_incidents_live_marking_label": ("deleted_at", "marking"),
}


def upgrade() -> None:
    for name, expression in INDEXES.items():
        # A bare column by name; an expression in parentheses, as PostgreSQL requires.
        column = expression if expression.isidentifier() else sa.text(f"({expression})")
        op.create_index(name, "incidents", ["deleted_at", column])
    for name, columns in PLAIN_INDEXES.items():
        op.create_index(name, "incidents", list(columns))


def downgrade() -> None:
    for name in [*INDEXES, *PLAIN_INDEXES]:
        op.drop_index(name, table_name="incidents")
