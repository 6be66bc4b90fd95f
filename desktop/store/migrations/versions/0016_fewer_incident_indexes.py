"""Seven indexes of ``incidents`` that no query of the app needs: an import builds them all.

The single-column indexes of migration 0001 (start_at, country, event_type, status,
confidence, marking) served no read of the live incidents once 0004's indexes led with
``deleted_at``; only the trash's filters still took them, reading every incident of a
country or status, live or not, to keep the few trashed ones. Without them the trash reads
its range of ``deleted_at`` in the ``ix_incidents_live_*`` indexes, only its own incidents.
``ix_incidents_live_country`` (deleted_at, country) is the first two columns of 0014's
``ix_incidents_live_nearby`` and of 0013's ``ix_incidents_live_places``, which serve the
same counts and the filter list's countries. Each index costs a large import a sort of the
table (services/bulk.py builds them again) and every save an update.
``ix_incidents_live_start`` stays: it orders the table's default sort by (start, id), which
``ix_incidents_live_period`` cannot without sorting every page again.
docs/performance.md, "SQLite's share (s3x)", has the query plans before and after.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

# Recreated on the way down only where missing: see missing.py.
from desktop.store.migrations.missing import create_index

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# name → columns, as the migrations before this one made them.
DROPPED: dict[str, str] = {
    "ix_incidents_confidence": "confidence",
    "ix_incidents_country": "country",
    "ix_incidents_event_type": "event_type",
    "ix_incidents_marking": "marking",
    "ix_incidents_start_at": "start_at",
    "ix_incidents_status": "status",
    "ix_incidents_live_country": "deleted_at, country",
}


def upgrade() -> None:
    # IF EXISTS: a workspace whose recorded revision was set back may lack them already.
    for name in DROPPED:
        op.execute(f"DROP INDEX IF EXISTS {name}")


def downgrade() -> None:
    for name, columns in DROPPED.items():
        create_index(name, "incidents", columns)
