"""An import racing another writer: one clear sentence, and nothing imported."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from desktop.errors import ConflictError
from desktop.formats import json_v1
from desktop.resources import resource_path
from desktop.services import incidents, interchange, mapping
from desktop.services import sources as source_service
from desktop.services.dto import SourceData
from desktop.store.engine import open_database

if TYPE_CHECKING:
    from pathlib import Path

    from desktop.store.engine import Database

SAMPLE = json.loads(resource_path("sample", "workspace.json").read_text(encoding="utf-8"))


def test_an_incident_saved_by_someone_else_meanwhile(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    interchange.import_document(
        db, json_v1.parse_document(copy.deepcopy(SAMPLE), interchange.CHECKS)
    )
    edited = copy.deepcopy(SAMPLE)
    for incident in edited["incidents"]:
        incident["title"] += " (imported)"
    target = edited["incidents"][0]["id"]
    apply = mapping.apply_incident
    other = open_database(db_url)
    saved: list[str] = []

    def save_meanwhile_then_apply(row: Any, data: Any, sources: Any) -> None:
        if data.id == target and not saved:  # another analyst saves this incident just now
            saved.append(target)
            stored = incidents.get_incident(other, target)
            incidents.update_incident(other, replace(stored, notes="saved by someone else"))
        apply(row, data, sources)

    monkeypatch.setattr(mapping, "apply_incident", save_meanwhile_then_apply)
    try:
        with pytest.raises(ConflictError, match="changed by someone else meanwhile") as info:
            interchange.import_document(db, json_v1.parse_document(edited, interchange.CHECKS))
    finally:
        other.close()
    assert "Nothing was imported: try again." in str(info.value)
    titles = [
        i["title"] for i in json_v1.document_json(interchange.export_records(db))["incidents"]
    ]
    assert not any(t.endswith("(imported)") for t in titles)
    assert incidents.get_incident(db, target).notes == "saved by someone else"


def test_two_imports_adding_the_same_source_at_once(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    insert = interchange.insert_source
    other = open_database(db_url)
    first = SAMPLE["sources"][0]

    def other_import_first(session: Any, data: SourceData, user: str) -> Any:
        if data.id == first["id"]:  # the other import commits this source just now
            source_service.create_source(
                other, SourceData(id=first["id"], name=first["name"], kind=first["kind"])
            )
        return insert(session, data, user)

    monkeypatch.setattr(interchange, "insert_source", other_import_first)
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(SAMPLE), encoding="utf-8")
    try:
        with pytest.raises(ConflictError, match="running at the same time") as info:
            interchange.import_file(db, path)
    finally:
        other.close()
    assert "UNIQUE" not in str(info.value)
    assert "Nothing was imported: try again." in str(info.value)
    assert json_v1.document_json(interchange.export_records(db))["incidents"] == []
    monkeypatch.undo()
    # Trying again works.
    assert interchange.import_file(db, path).incidents_created == 7
