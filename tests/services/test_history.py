"""Every change to an incident is recorded: who, when, which field, old → new."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from desktop.domain import Status
from desktop.errors import ConflictError
from desktop.services import citations, history
from desktop.services import incidents as service
from desktop.services.dto import Citation

if TYPE_CHECKING:
    from desktop.services.dto import SourceData
    from desktop.store.engine import Database
    from tests.conftest import IncidentFactory


def test_create_edit_delete_restore_purge_are_recorded(
    db: Database, make_incident: IncidentFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = service.create_incident(db, make_incident())
    assert saved.id is not None
    monkeypatch.setenv("INCIDENT_DESK_USER", "alice")
    edited = service.update_incident(
        db,
        replace(
            saved,
            status=Status.DISPUTED,
            casualties=replace(saved.casualties, killed=3),
            title="Drone attack on al-Asad air base",
        ),
    )
    service.delete_incident(db, saved.id)
    service.restore_incident(db, saved.id)
    service.delete_incident(db, saved.id)
    service.purge_incident(db, saved.id)

    timeline = history.incident_history(db, saved.id)
    actions = [c.action for c in timeline]
    assert actions[0] == history.CREATED
    assert timeline[0].by == "tester"
    assert actions[-4:] == [history.DELETED, history.RESTORED, history.DELETED, history.PURGED]
    changes = {c.field: c for c in timeline if c.action == history.UPDATED}
    assert set(changes) == {"Title", "Status", "Killed"}
    assert changes["Status"].old == str(saved.status)
    assert changes["Status"].new == "disputed"
    assert changes["Killed"].sentence == f"alice changed Killed: {changes['Killed'].old} → 3"
    assert all(c.by == "alice" for c in changes.values())
    assert edited.version is not None


def test_citation_changes_name_the_source_and_grade(
    db: Database, make_incident: IncidentFactory, sources: tuple[SourceData, SourceData]
) -> None:
    saved = service.create_incident(db, make_incident(citations=()))
    assert saved.id is not None
    centcom, _reuters = sources
    citations.add_citation(
        db, saved.id, Citation(source=centcom.id, credibility=2, excerpt="Two drones <b>")
    )
    citations.remove_citation(db, saved.id, 0)
    entries = [c for c in history.incident_history(db, saved.id) if c.field == "Citation 1"]
    assert [e.sentence.split(":")[0] for e in entries] == [
        "tester added Citation 1",
        "tester removed Citation 1",
    ]
    assert "U.S. Central Command B2" in (entries[0].new or "")
    assert "Two drones <b>" in (entries[0].new or "")


def test_no_change_records_one_plain_entry(db: Database, make_incident: IncidentFactory) -> None:
    saved = service.create_incident(db, make_incident())
    assert saved.id is not None
    service.update_incident(db, saved)
    timeline = history.incident_history(db, saved.id)
    assert [c.action for c in timeline] == [history.CREATED, history.UPDATED]
    assert timeline[1].sentence == "tester changed"


def test_saving_a_trashed_incident_is_refused(db: Database, make_incident: IncidentFactory) -> None:
    saved = service.create_incident(db, make_incident())
    assert saved.id is not None
    service.delete_incident(db, saved.id)
    with pytest.raises(ConflictError, match="moved to the trash by tester"):
        service.update_incident(db, replace(saved, title="Changed in an old window"))


def test_history_writes_years_before_1000_with_four_digits() -> None:
    from datetime import UTC, date, datetime

    from desktop.services.history import _moment

    assert _moment(datetime(999, 6, 15, 12, tzinfo=UTC)) == "0999-06-15 12:00Z"
    assert _moment(date(1, 1, 1)) == "0001-01-01"
