"""Source use cases: ids from names, conflicts, merging duplicates, deleting."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from desktop.errors import ConflictError, NotFoundError, ValidationError
from desktop.services import history, incidents
from desktop.services import sources as svc
from desktop.services.dto import Citation, IncidentQuery, SourceData

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("U.S. Central Command", "u-s-central-command"),
        ("  Reuters  ", "reuters"),
        ("Agence France-Presse (AFP)", "agence-france-presse-afp"),
        ("Café Télé", "cafe-tele"),
        ("حزب الله", "source"),
        ("x" * 100, "x" * 60),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert svc.slugify(name) == slug


def test_create_makes_slug_and_numbers_duplicates(db: Database) -> None:
    first = svc.create_source(db, SourceData(name="Al Jazeera", kind="media", reliability="C"))
    second = svc.create_source(db, SourceData(name="Al Jazeera", kind="media", reliability="C"))
    third = svc.create_source(db, SourceData(name="Al-Jazeera!", kind="media", reliability="C"))
    assert (first.id, second.id, third.id) == ("al-jazeera", "al-jazeera-2", "al-jazeera-3")
    assert first.version == 1
    got = svc.get_source(db, "al-jazeera")
    assert got == first
    assert [s.id for s in svc.list_sources(db)] == ["al-jazeera", "al-jazeera-2", "al-jazeera-3"]
    assert [s.id for s in svc.list_sources(db, "jazeera-3")] == ["al-jazeera-3"]
    assert [s.id for s in svc.list_sources(db, "AL-JAZEERA!")] == ["al-jazeera-3"]


def test_list_filter_is_literal(db: Database) -> None:
    svc.create_source(db, SourceData(name="100% News"))
    svc.create_source(db, SourceData(name="Other"))
    assert [s.name for s in svc.list_sources(db, "%")] == ["100% News"]
    assert [s.name for s in svc.list_sources(db, "_")] == []


def test_create_with_given_id(db: Database) -> None:
    made = svc.create_source(db, SourceData(name="CENTCOM", id="centcom", reliability="B"))
    assert made.id == "centcom"
    with pytest.raises(ValidationError) as caught:
        svc.create_source(db, SourceData(name="Other", id="centcom"))
    assert caught.value.field == "id"
    with pytest.raises(ValidationError) as caught:
        svc.create_source(db, SourceData(name="Other", id="Bad Id"))
    assert caught.value.field == "id"


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("name", SourceData(name=" ")),
        ("kind", SourceData(name="X", kind="blog")),
        ("reliability", SourceData(name="X", reliability="G")),
    ],
)
def test_create_validation(db: Database, field: str, data: SourceData) -> None:
    with pytest.raises(ValidationError) as caught:
        svc.create_source(db, data)
    assert caught.value.field == field
    assert svc.list_sources(db) == []


def test_update_and_stale_update(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    made = svc.create_source(db, SourceData(name="Reuters", kind="media", reliability="C"))
    monkeypatch.setenv("INCIDENT_DESK_USER", "alice")
    updated = svc.update_source(db, replace(made, reliability="B", notes="Upgraded."))
    assert updated.version == 2
    assert (updated.reliability, updated.notes, updated.id) == ("B", "Upgraded.", "reuters")
    monkeypatch.setenv("INCIDENT_DESK_USER", "tester")
    with pytest.raises(ConflictError) as caught:
        svc.update_source(db, replace(made, reliability="E"))
    assert caught.value.changed_by == "alice"
    assert "alice" in str(caught.value)
    assert svc.get_source(db, "reuters").reliability == "B"
    with pytest.raises(NotFoundError):
        svc.update_source(db, replace(made, id="nobody"))


def test_counts_and_grade_changes_show_in_incidents(
    db: Database, make_incident: IncidentFactory
) -> None:
    saved = incidents.create_incident(db, make_incident())
    incidents.create_incident(db, make_incident(citations=saved.citations[:1]))
    centcom = svc.get_source(db, "u-s-central-command")
    assert (centcom.citation_count, centcom.incident_count) == (2, 2)
    svc.update_source(db, replace(centcom, reliability="A"))
    reread = incidents.get_incident(db, saved.id or "")
    assert reread.citations[0].source_reliability == "A"


def test_merge_moves_citations_and_fixes_source_counts(
    db: Database, make_incident: IncidentFactory
) -> None:
    dup = svc.create_source(db, SourceData(name="CENTCOM press desk", reliability="B"))
    both = incidents.create_incident(
        db,
        make_incident(
            citations=(
                Citation(source="u-s-central-command", credibility=2),
                Citation(source=dup.id, credibility=3),
                Citation(source="reuters", credibility=3),
            )
        ),
    )
    only_dup = incidents.create_incident(
        db, make_incident(title="Dup only", citations=(Citation(source=dup.id, credibility=2),))
    )
    rows = {r.title: r for r in incidents.list_incidents(db, IncidentQuery())}
    assert rows[both.title].source_count == 3

    kept = svc.merge_sources(db, "u-s-central-command", [dup.id, dup.id])
    assert kept.id == "u-s-central-command"
    assert (kept.citation_count, kept.incident_count) == (3, 2)
    with pytest.raises(NotFoundError):
        svc.get_source(db, dup.id)
    rows = {r.title: r for r in incidents.list_incidents(db, IncidentQuery())}
    assert rows[both.title].source_count == 2
    assert rows["Dup only"].source_count == 1
    moved = incidents.get_incident(db, only_dup.id or "")
    assert moved.citations[0].source == "u-s-central-command"
    assert moved.citations[0].credibility == 2
    assert moved.version == 2  # a merge is a change other editors must notice
    assert [r.title for r in incidents.list_incidents(db, IncidentQuery(source=dup.id))] == []

    with pytest.raises(ValidationError):
        svc.merge_sources(db, "reuters", ["reuters"])


def test_merge_records_each_changed_citation_in_its_incidents_history(
    db: Database, make_incident: IncidentFactory
) -> None:
    claimant = svc.create_source(db, SourceData(name="Aamaq", kind="claimant", reliability="E"))
    keep = svc.create_source(db, SourceData(name="Amaq News", kind="claimant", reliability="F"))
    cited = incidents.create_incident(
        db,
        make_incident(
            citations=(
                Citation(source="reuters", credibility=3),
                Citation(source=claimant.id, credibility=4),
            )
        ),
    )
    untouched = incidents.create_incident(db, make_incident(title="Reuters only"))

    svc.merge_sources(db, keep.id, [claimant.id])

    changes = [
        c for c in history.incident_history(db, cited.id or "") if c.action == history.UPDATED
    ]
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("Citation 2", "Aamaq E4", "Amaq News F4")
    ]
    assert changes[0].by == "tester"
    assert changes[0].sentence == "tester changed Citation 2: Aamaq E4 → Amaq News F4"
    assert [c.action for c in history.incident_history(db, untouched.id or "")] == [history.CREATED]


def test_delete_refuses_cited_source(db: Database, make_incident: IncidentFactory) -> None:
    incidents.create_incident(db, make_incident())
    with pytest.raises(ValidationError, match="merge it"):
        svc.delete_source(db, "reuters")
    assert svc.get_source(db, "reuters").citation_count == 1
    spare = svc.create_source(db, SourceData(name="Spare"))
    svc.delete_source(db, spare.id)
    with pytest.raises(NotFoundError):
        svc.delete_source(db, spare.id)
