"""The field table (desktop/fields.py) covers every field of an incident, and the mapping,
the bulk insert, the history, the merge and validation read their fields from it."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop import fields
from desktop.domain import LIKELIHOOD_TERMS, TimePrecision
from desktop.services import history, limits, merge, new_rows, stored_values, validation
from desktop.services import incidents as service
from desktop.services.dto import Casualties, IncidentData, When, Where
from desktop.store import models

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory

# The IncidentData attributes that hold records of their own fields (``where.name`` …).
GROUPS = {"when": When, "where": Where, "casualties": Casualties}


def _record_keys() -> list[str]:
    keys = []
    for attribute in dataclasses.fields(IncidentData):
        if attribute.name in fields.RECORD_ATTRIBUTES:
            continue
        if attribute.name in GROUPS:
            keys += [
                f"{attribute.name}.{f.name}" for f in dataclasses.fields(GROUPS[attribute.name])
            ]
        else:
            keys.append(attribute.name)
    return keys


def test_the_table_covers_every_field_of_a_record_and_nothing_else() -> None:
    assert sorted(_record_keys()) == sorted(f.key for f in fields.INCIDENT_FIELDS)
    assert len(fields.FIELDS_BY_KEY) == len(fields.INCIDENT_FIELDS)


def test_every_field_has_a_column_and_every_column_a_field() -> None:
    columns = set(models.Incident.__table__.columns.keys())
    table_columns = {f.column_name for f in fields.INCIDENT_FIELDS if f.list_noun == ""}
    assert table_columns <= columns
    bookkeeping = {"id", "uuid", "source_count", "deleted_at", "deleted_by", "version"}
    audit = {"created_at", "created_by", "updated_at", "updated_by"}
    assert columns - table_columns == bookkeeping | audit


def test_the_merge_parts_and_the_history_labels_come_from_the_table() -> None:
    assert merge.PARTS["Confidence"] == ("confidence", "likelihood")
    assert merge.PARTS["Where"] == ("where",)
    assert list(merge.PARTS) == list(dict.fromkeys(f.part for f in fields.INCIDENT_FIELDS))
    assert fields.part_labels("Where") == (
        "Place",
        "Region",
        "Country",
        "Coordinates",
        "Location precision",
    )


def test_every_simple_field_is_written_to_its_column(make_incident: IncidentFactory) -> None:
    data = replace(make_incident(), likelihood=LIKELIHOOD_TERMS[0], title="  Padded  ")
    columns = stored_values.incident_columns(data)
    for f in fields.SIMPLE_FIELDS:
        assert columns[f.column_name] == f.to_column(f.get(data)), f.key
    assert columns["title"] == "Padded"
    assert columns["likelihood"] == LIKELIHOOD_TERMS[0]
    now = datetime(2024, 1, 1)
    row = new_rows.incident_values(replace(data, id="x"), "alice", now)
    assert {k: row[k] for k in columns} == columns


def test_the_table_lengths_are_what_validation_checks(make_incident: IncidentFactory) -> None:
    assert limits.INCIDENT_TEXTS["summary"] == fields.field("summary").length == limits.SUMMARY
    assert limits.TITLE == models.Incident.__table__.c.title.type.length
    too_long = replace(make_incident(), notes="x" * (limits.NOTES + 1))
    assert [p.field for p in validation.incident_problems(too_long)] == ["notes"]


def test_a_table_field_is_stored_read_recorded_and_merged_by_the_table(
    db: Database, make_incident: IncidentFactory
) -> None:
    base = service.create_incident(db, make_incident())
    assert base.likelihood is None
    likely, unlikely = LIKELIHOOD_TERMS[-2], LIKELIHOOD_TERMS[1]

    theirs = service.update_incident(db, replace(base, likelihood=likely))
    assert service.get_incident(db, base.id).likelihood == likely  # type: ignore[arg-type]
    assert history.differences(base, theirs) == [("Likelihood", "", likely)]

    result = merge.plan(base, replace(base, title="Mine"), theirs)
    assert result.taken_from_theirs == ("Confidence",)
    assert result.merged.likelihood == likely

    clash = merge.plan(base, replace(base, likelihood=unlikely), theirs)
    assert [c.part for c in clash.conflicts] == ["Confidence"]
    assert f"Likelihood: {unlikely}" in clash.conflicts[0].mine


def test_history_words_every_field_of_the_table(make_incident: IncidentFactory) -> None:
    data = make_incident(
        when=When(
            datetime(2023, 10, 17, tzinfo=UTC),
            datetime(2023, 10, 17, tzinfo=UTC),
            TimePrecision.EXACT,
        )
    )
    labels = history.fields(data)
    expected = [f.label for f in fields.INCIDENT_FIELDS if f.key != "citations"]
    assert [k for k in labels if not k.startswith("Citation ")] == list(dict.fromkeys(expected))
    assert labels["Coordinates"] == "33.78500, 42.44100"
    assert labels["Injured"] == "unknown"
