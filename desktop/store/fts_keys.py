"""The full-text index's keys (see desktop/store/fts5.py): an incident's start time and its
id in one rowid, so that the index walks its matches in the table's When order.

Standard library only: an import's reading process makes the keys of the incidents it reads
(desktop.services.new_rows) without loading SQLAlchemy.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.errors import StoreError

# A key is the start time in whole seconds, shifted left, with the id in the low bits: every
# time from year 1 to 9999 fits a 64-bit rowid beside 24 bits of id.
ID_BITS = 24
ID_MASK = (1 << ID_BITS) - 1
_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)


def sort_key(start_at: datetime | str, incident_id: int) -> int:
    """The index rowid of an incident: orders as (start_at, id) does, to the second."""
    if not 0 < incident_id <= ID_MASK:
        raise StoreError(
            f"This workspace has more than {ID_MASK:,} incidents, more than its search index "
            "can order."
        )
    if isinstance(start_at, str):  # SQLite hands stored times over as text in raw SQL
        start_at = datetime.fromisoformat(start_at)
    if start_at.tzinfo is not None:
        start_at = start_at.astimezone(UTC).replace(tzinfo=None)
    seconds = (start_at - _EPOCH) // _SECOND
    return (seconds << ID_BITS) | incident_id


def incident_id_sql(rowid: str = "rowid") -> str:
    """SQL for the incident id held in an index rowid (its low bits)."""
    return f"({rowid} & {ID_MASK})"
