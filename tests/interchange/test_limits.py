"""Every text has one limit, the same on SQLite and PostgreSQL, named when it is exceeded."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import String

from desktop.domain import MAX_MARKING_LENGTH
from desktop.errors import ValidationError
from desktop.formats import json_v1, json_v2
from desktop.resources import resource_path
from desktop.services import interchange, limits
from desktop.store.models import Base

if TYPE_CHECKING:
    from desktop.store.engine import Database

SAMPLE = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))

# Every String(N) column the user or a file fills, with its limit in desktop.services.limits;
# the others hold values the program makes or picks from a list.
USER_COLUMNS = {
    "incidents.title": limits.TITLE,
    "incidents.place_name": limits.PLACE,
    "incidents.admin1": limits.ADMIN1,
    "incidents.marking": limits.MARKING,
    "incident_actors.name": limits.ACTOR,
    "incident_tags.tag": limits.TAG,
    "citations.language": limits.LANGUAGE,
    "sources.slug": limits.SOURCE_ID,
    "sources.name": limits.SOURCE_NAME,
    "evidence_attachments.name": json_v2.MAX_NAME,
    "evidence_attachments.added_by": json_v2.MAX_BY,
    "evidence_content.media_type": json_v2.MAX_MEDIA_TYPE,
}
PROGRAM_COLUMNS = {
    "evidence_content.sha256",
    "evidence_content.custody_head",
    "evidence_custody.sha256",
    "evidence_custody.by",
    "evidence_custody.action",
    "evidence_custody.prev_hash",
    "evidence_custody.entry_hash",
    "incidents.uuid",
    "incidents.time_precision",
    "incidents.country",
    "incidents.event_type",
    "incidents.sub_event_type",
    "incidents.status",
    "incidents.confidence",
    "incidents.likelihood",
    "incidents.deleted_by",
    "incidents.created_by",
    "incidents.updated_by",
    "incident_actors.role",
    "not_duplicates.a_uuid",
    "not_duplicates.b_uuid",
    "not_duplicates.decided_by",
    "sources.kind",
    "sources.reliability",
    "sources.created_by",
    "sources.updated_by",
    "settings.key",
    "incident_history.incident_uuid",
    "incident_history.by",
    "incident_history.action",
    "incident_history.field",
    # The reports written (services/report_records.py): ids, digests and labels it makes.
    "report_records.id",
    "report_records.created_by",
    "report_records.as_of",
    "report_records.series",
    "report_records.marking",
    "report_records.format",
    "report_record_incidents.report_id",
    "report_record_incidents.incident_uuid",
}


def test_every_sized_column_has_its_limit() -> None:
    sized = {
        f"{table.name}.{column.name}": column.type.length
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String) and column.type.length is not None
    }
    assert set(sized) == set(USER_COLUMNS) | PROGRAM_COLUMNS
    for name, limit in USER_COLUMNS.items():
        assert sized[name] == limit, name
    assert limits.MARKING == MAX_MARKING_LENGTH


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    target: Any = document
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    target[int(last) if last.isdigit() else last] = value


# (path in the file, limit, the field the error names)
FIELDS = [
    ("incidents.0.title", limits.TITLE, "incidents[0].title"),
    ("incidents.0.summary", limits.SUMMARY, "incidents[0].summary"),
    ("incidents.0.notes", limits.NOTES, "incidents[0].notes"),
    ("incidents.0.where.name", limits.PLACE, "incidents[0].where.name"),
    ("incidents.0.where.admin1", limits.ADMIN1, "incidents[0].where.admin1"),
    ("incidents.0.casualties.note", limits.CASUALTY_NOTE, "incidents[0].casualties.note"),
    ("incidents.0.actors.0.name", limits.ACTOR, "incidents[0].actors[0].name"),
    ("incidents.0.tags.0", limits.TAG, "incidents[0].tags[0]"),
    ("incidents.0.citations.0.excerpt", limits.EXCERPT, "incidents[0].citations[0].excerpt"),
    ("incidents.0.citations.0.url", limits.URL, "incidents[0].citations[0].url"),
    ("incidents.0.citations.0.language", limits.LANGUAGE, "incidents[0].citations[0].language"),
    ("sources.0.name", limits.SOURCE_NAME, "sources[0].name"),
    ("sources.0.notes", limits.SOURCE_NOTES, "sources[0].notes"),
    ("sources.0.url", limits.URL, "sources[0].url"),
]


@pytest.mark.parametrize(("path", "limit", "field"), FIELDS, ids=[f[0] for f in FIELDS])
def test_at_the_limit_is_stored_and_one_more_is_refused_by_name(
    db: Database, path: str, limit: int, field: str
) -> None:
    # "é" is 2 bytes in UTF-8: the limits count characters, on both databases.
    document = copy.deepcopy(SAMPLE)
    _set(document, path, "é" * limit)
    interchange.import_document(db, json_v1.parse_document(document, interchange.CHECKS))
    exported = json_v1.document_json(interchange.export_records(db))
    assert "é" * limit in json.dumps(exported, ensure_ascii=False)

    longer = copy.deepcopy(SAMPLE)
    _set(longer, path, "é" * (limit + 1))
    with pytest.raises(ValidationError) as info:
        json_v1.parse_document(longer, interchange.CHECKS)
    assert str(info.value) == f"{field}: is longer than {limit:,} characters"
