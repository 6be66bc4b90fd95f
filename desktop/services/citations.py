"""Citation use cases: add, edit or remove one citation of an incident.

Each is a whole-incident save underneath, so the same validation, conflict check and search
index update apply as when the editor saves the incident.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.errors import ValidationError
from desktop.services.incidents import get_incident, update_incident

if TYPE_CHECKING:
    from desktop.services.dto import Citation, IncidentData
    from desktop.store.engine import Database


def _saved(db: Database, incident_id: str, version: int | None) -> IncidentData:
    data = get_incident(db, incident_id)
    # Keep the caller's version so a change made since they looked is refused, not merged.
    return replace(data, version=version if version is not None else data.version)


def _check_index(data: IncidentData, index: int) -> None:
    if not 0 <= index < len(data.citations):
        raise ValidationError(
            f"citations[{index}]", f"no such citation (the incident has {len(data.citations)})"
        )


def add_citation(
    db: Database, incident_id: str, citation: Citation, version: int | None = None
) -> IncidentData:
    data = _saved(db, incident_id, version)
    return update_incident(db, replace(data, citations=(*data.citations, citation)))


def edit_citation(
    db: Database, incident_id: str, index: int, citation: Citation, version: int | None = None
) -> IncidentData:
    data = _saved(db, incident_id, version)
    _check_index(data, index)
    citations = list(data.citations)
    citations[index] = citation
    return update_incident(db, replace(data, citations=tuple(citations)))


def remove_citation(
    db: Database, incident_id: str, index: int, version: int | None = None
) -> IncidentData:
    data = _saved(db, incident_id, version)
    _check_index(data, index)
    citations = data.citations[:index] + data.citations[index + 1 :]
    return update_incident(db, replace(data, citations=citations))
