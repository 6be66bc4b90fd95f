"""The secondary indexes a SQLite workspace at the head revision has, and their repair.

A large import drops most of them and builds them again at its end (services/bulk.py). That
happens inside the import's transaction, so a crash gives them back; files written by
earlier versions, which dropped them outside it, may still lack some. Opening a workspace
therefore compares its index names with this list (one query, well under a millisecond)
and creates whatever is missing. tests/store/test_indexes.py checks that the list is what
the migrations make, so a migration that adds an index fails it until the list follows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from desktop.errors import StoreError
from desktop.store.dberrors import describe_db_error

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

_CONFIDENCE = (
    "CASE confidence WHEN 'high' THEN 3 WHEN 'moderate' THEN 2 WHEN 'low' THEN 1 ELSE 0 END"
)
_MARKING = (
    "CASE marking WHEN 'TLP:RED' THEN 5 WHEN 'TLP:AMBER+STRICT' THEN 4 WHEN 'TLP:AMBER' THEN 3 "
    "WHEN 'TLP:GREEN' THEN 2 WHEN 'TLP:CLEAR' THEN 1 ELSE 3 END"
)
# name → (table, indexed columns or expressions), as the migrations up to the head make them.
HEAD_INDEXES: dict[str, tuple[str, str]] = {
    "ix_evidence_attachments_content_id": ("evidence_attachments", "content_id"),
    "ix_evidence_attachments_incident_id": ("evidence_attachments", "incident_id"),
    "ix_evidence_custody_sha256": ("evidence_custody", "sha256"),
    "ix_citations_incident_id": ("citations", "incident_id"),
    "ix_citations_source_id": ("citations", "source_id"),
    "ix_incident_actors_incident_id": ("incident_actors", "incident_id"),
    "ix_incident_actors_name": ("incident_actors", "name"),
    "ix_incident_history_incident_uuid": ("incident_history", "incident_uuid"),
    "ix_incident_tags_tag": ("incident_tags", "tag"),
    "ix_incidents_live_confidence": ("incidents", f"deleted_at, ({_CONFIDENCE})"),
    # The timeline's counts (migration 0015, services/aggregates.py): spans apart, then by
    # day and type.
    "ix_incidents_live_timeline": (
        "incidents",
        "deleted_at, (CASE time_precision WHEN 'week' THEN 1 WHEN 'month' THEN 2 ELSE 0 END), "
        "substr(start_at, 1, 10), event_type, substr(end_at, 1, 10), time_precision, status, "
        "country, lat, lon, start_at, end_at, marking, confidence",
    ),
    # Duplicate candidates: the incidents of one country in a time window (migration 0014,
    # services/duplicates.py), with what the place test reads, from the index alone.
    "ix_incidents_live_nearby": (
        "incidents",
        "deleted_at, country, start_at, end_at, event_type, geo_precision, lat, lon, "
        "place_name, admin1",
    ),
    "ix_incidents_live_end": ("incidents", "deleted_at, end_at, start_at"),
    "ix_incidents_live_marking": ("incidents", f"deleted_at, ({_MARKING})"),
    "ix_incidents_live_marking_label": ("incidents", "deleted_at, marking"),
    "ix_incidents_live_period": ("incidents", "deleted_at, start_at, end_at"),
    "ix_incidents_live_place": ("incidents", "deleted_at, (lower(place_name))"),
    # The map's counts (migration 0013).
    "ix_incidents_live_places": (
        "incidents",
        "deleted_at, country, place_name, admin1, geo_precision, event_type, status, lat, lon, "
        "start_at, end_at, marking, confidence",
    ),
    "ix_incidents_live_sources": ("incidents", "deleted_at, source_count"),
    "ix_incidents_live_start": ("incidents", "deleted_at, start_at"),
    "ix_incidents_live_status": ("incidents", "deleted_at, status"),
    "ix_incidents_live_sub_type": ("incidents", "deleted_at, sub_event_type"),
    "ix_incidents_live_title": ("incidents", "deleted_at, (lower(title))"),
    "ix_incidents_live_type": ("incidents", "deleted_at, event_type"),
    # The change watcher polls max(updated_at); an index makes that one lookup.
    "ix_incidents_updated_at": ("incidents", "updated_at"),
    "ix_not_duplicates_b_uuid": ("not_duplicates", "b_uuid"),
    "ix_sources_name": ("sources", "name"),
    # The reports written, for the next one's changes (migration 0011, report_records).
    "ix_report_records_created_at": ("report_records", "created_at"),
    "ix_report_records_series": ("report_records", "series"),
}


def plain_column_indexes(table: str) -> list[tuple[str, list[str]]]:
    """The head's indexes of ``table`` over plain columns, by name: the models declare these,
    so that Alembic's autogenerate compares them (it cannot read back those over
    expressions)."""
    found = []
    for name, (on, spec) in HEAD_INDEXES.items():
        columns = spec.split(", ")
        if on == table and all(column.isidentifier() for column in columns):
            found.append((name, columns))
    return found


def create_index_sql(name: str, *, if_not_exists: bool = False) -> str:
    """The statement that creates the head's index ``name`` (as SQLite stores it, without
    ``if_not_exists``)."""
    table, columns = HEAD_INDEXES[name]
    guard = "IF NOT EXISTS " if if_not_exists else ""
    return f"CREATE INDEX {guard}{name} ON {table} ({columns})"


def restore_missing_indexes(engine: Engine, location: str) -> list[str]:
    """Create the head's indexes a SQLite workspace lacks; the names of those created."""
    if engine.dialect.name != "sqlite":
        return []  # only SQLite imports drop indexes
    try:
        with engine.connect() as connection:
            present = set(
                connection.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
            )
        missing = [name for name in HEAD_INDEXES if name not in present]
        if missing:
            with engine.begin() as connection:
                for name in missing:
                    # Another window may be mending the same file at the same moment.
                    connection.exec_driver_sql(create_index_sql(name, if_not_exists=True))
    except DBAPIError as exc:
        raise StoreError(describe_db_error(exc, location)) from exc
    return missing
