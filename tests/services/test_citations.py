"""Adding, editing and removing one citation of an incident."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from desktop.errors import ConflictError, ValidationError
from desktop.services import citations, incidents
from desktop.services.dto import Citation, IncidentQuery

if TYPE_CHECKING:
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def test_add_edit_remove_citation(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident(citations=()))
    assert saved.id is not None

    added = citations.add_citation(db, saved.id, Citation("reuters", 3, excerpt="قال مسؤول"))
    assert [c.source for c in added.citations] == ["reuters"]
    assert added.citations[0].source_reliability == "C"

    edited = citations.edit_citation(db, saved.id, 0, Citation("reuters", 2, language="ar"))
    assert edited.citations[0].credibility == 2
    assert edited.citations[0].language == "ar"

    both = citations.add_citation(db, saved.id, Citation("u-s-central-command", 2))
    assert [c.source for c in both.citations] == ["reuters", "u-s-central-command"]
    row = incidents.list_incidents(db, IncidentQuery())[0]
    assert row.source_count == 2

    removed = citations.remove_citation(db, saved.id, 0)
    assert [c.source for c in removed.citations] == ["u-s-central-command"]


def test_citation_problems_name_the_citation(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident(citations=()))
    assert saved.id is not None
    with pytest.raises(ValidationError, match=r"citations\[0\]\.credibility: must be 1 to 6"):
        citations.add_citation(db, saved.id, Citation("reuters", 9))
    with pytest.raises(ValidationError, match=r"citations\[0\]\.source: unknown source 'nobody'"):
        citations.add_citation(db, saved.id, Citation("nobody", 2))
    with pytest.raises(ValidationError, match=r"citations\[3\]: no such citation"):
        citations.remove_citation(db, saved.id, 3)
    assert incidents.get_incident(db, saved.id).citations == ()


def test_stale_version_is_refused(db: Database, make_incident: IncidentFactory) -> None:
    saved = incidents.create_incident(db, make_incident(citations=()))
    assert saved.id is not None
    assert saved.version is not None
    incidents.update_incident(db, replace(saved, title="Changed by someone else"))
    with pytest.raises(ConflictError, match="changed by tester"):
        citations.add_citation(db, saved.id, Citation("reuters", 3), version=saved.version)
    assert incidents.get_incident(db, saved.id).citations == ()
