"""Importing again: what storage would normalise away is no change, and doubled sources are
pointed out."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from desktop.formats import json_v1
from desktop.resources import resource_path
from desktop.services import interchange
from desktop.store.models import HistoryEntry

if TYPE_CHECKING:
    from desktop.store.engine import Database

SAMPLE = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))


def _history_count(db: Database) -> int:
    with db.begin() as session:
        return int(session.scalar(select(func.count(HistoryEntry.id))) or 0)


def test_a_file_differing_only_in_what_storage_trims_changes_nothing(db: Database) -> None:
    interchange.import_document(
        db, json_v1.parse_document(copy.deepcopy(SAMPLE), interchange.CHECKS)
    )
    before = json_v1.document_json(interchange.export_records(db))
    entries = _history_count(db)
    padded = copy.deepcopy(SAMPLE)
    for incident in padded["incidents"]:
        incident["title"] = f"  {incident['title']}\t "
        incident["where"]["name"] = f" {incident['where'].get('name', '')} "
        incident["where"]["admin1"] = f"{incident['where'].get('admin1', '')}  "
        incident["tags"] = [f" {tag} " for tag in incident.get("tags", [])]
        for actor in incident.get("actors", []):
            actor["name"] = f"  {actor['name']}"
        incident["marking"] = incident.get("marking", "TLP:CLEAR").lower()
        # Addresses and codes too; free text (narrative, notes, excerpts) is kept exactly.
        for citation in incident.get("citations", []):
            citation["url"] = f" {citation.get('url') or ''} "
            citation["language"] = f" {citation.get('language', '')} "
    for source in padded["sources"]:
        source["url"] = f" {source.get('url') or ''} "
        source["name"] = f" {source['name']}  "
    for _ in range(2):
        result = interchange.import_document(db, json_v1.parse_document(padded, interchange.CHECKS))
        assert (result.incidents_updated, result.incidents_unchanged) == (0, 7)
        assert result.sources_updated == 0
    assert _history_count(db) == entries
    assert json_v1.document_json(interchange.export_records(db)) == before


def test_citing_one_source_twice_is_imported_with_a_warning(db: Database) -> None:
    document = copy.deepcopy(SAMPLE)
    incident = document["incidents"][3]
    incident["citations"].append(copy.deepcopy(incident["citations"][0]))
    result = interchange.import_document(db, json_v1.parse_document(document, interchange.CHECKS))
    assert result.incidents_created == 7
    slug = incident["citations"][0]["source"]
    assert result.warnings == (
        f"incidents[3] '{incident['title']}': cites source '{slug}' 2 times",
    )
    plain = interchange.import_document(
        db, json_v1.parse_document(copy.deepcopy(SAMPLE), interchange.CHECKS)
    )
    assert plain.warnings == ()
