"""SQLite: every stored time in SQLAlchemy's full text form, microseconds included.

Imports before this revision wrote times as ``2024-07-08 00:00:00``, where SQLAlchemy writes
``2024-07-08 00:00:00.000000``. SQLite compares them as text, so the shorter form sorted
below the same moment bound by a date filter, and an incident fell out of a search from
its own first day. services/bulk.py now writes the full form; this mends what is stored.
PostgreSQL keeps real timestamps and was never affected.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The DateTime columns, by table.
TIME_COLUMNS = {
    "sources": ("created_at", "updated_at"),
    "incidents": ("created_at", "updated_at", "start_at", "end_at", "deleted_at"),
    "incident_history": ("at",),
}
_SHORT = 19  # len("2024-07-08 00:00:00")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIME_COLUMNS.items():
        # All of a row's times in one statement: mending start_at alone would put it after
        # an end_at of the same moment, as text, and break the period check.
        mended = ", ".join(
            f"{column} = CASE WHEN length({column}) = {_SHORT} THEN {column} || '.000000' "
            f"ELSE {column} END"
            for column in columns
        )
        short = " OR ".join(f"length({column}) = {_SHORT}" for column in columns)
        op.execute(f"UPDATE {table} SET {mended} WHERE {short}")


def downgrade() -> None:
    pass  # the full form is what SQLAlchemy reads and writes anyway
