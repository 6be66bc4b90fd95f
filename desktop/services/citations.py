"""Citation use cases: add, edit or remove one citation of an incident.

Each is a whole-incident save underneath, so the same validation, conflict check and search
index update apply as when the editor saves the incident.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from desktop.errors import ValidationError
from desktop.services.incidents import get_incident, update_incident
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def doubled_sources(citations: tuple[Citation, ...]) -> dict[str, int]:
    """Each source cited more than once, with how often: allowed (two reports of one outlet
    are two citations), but as often a slip that counts one source's word twice, so the
    import and the editor point it out."""
    cited = [c.source for c in citations]
    if len(set(cited)) == len(cited):  # nearly always: one set per incident
        return {}
    return {slug: cited.count(slug) for slug in sorted(set(cited)) if cited.count(slug) > 1}


def citation_warnings(records: Sequence[IncidentData], first: int = 0) -> tuple[str, ...]:
    """A line for each source an incident cites more than once (see doubled_sources);
    ``records[0]`` is the file's incident number ``first``."""
    return tuple(
        f"incidents[{index}] {quoted(data.title.strip()[:80])}: cites source "
        f"{quoted(slug)} {times} times"
        for index, data in enumerate(records, first)
        for slug, times in doubled_sources(data.citations).items()
    )
