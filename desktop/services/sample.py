"""The built-in sample workspace (``resources/sample/workspace.json``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop.records import Document
from desktop.resources import resource_path
from desktop.services.interchange import import_document, read_file
from desktop.store.models import Incident, Source
from desktop.wording import plural

if TYPE_CHECKING:
    from desktop.store.engine import Database


@dataclass(frozen=True)
class SampleResult:
    incidents_added: int = 0
    incidents_present: int = 0
    sources_added: int = 0
    sources_present: int = 0

    @property
    def summary(self) -> str:
        return (
            f"{plural(self.incidents_added, 'incident')} added, "
            f"{self.incidents_present:,} already present; "
            f"{plural(self.sources_added, 'source')} added, "
            f"{self.sources_present:,} already present."
        )


def load_sample(db: Database) -> SampleResult:
    """Add the sample incidents and sources the workspace lacks; safe to repeat.

    Not an import of the file: that would put back the file's version of every sample
    incident an analyst has since edited (or moved to the trash). Only what is missing,
    matched by id, is added; what is there is left exactly as it is.
    """
    document = read_file(resource_path("sample", "workspace.json"))
    with db.begin() as session:
        stored_incidents = set(
            session.scalars(
                select(Incident.uuid).where(Incident.uuid.in_([i.id for i in document.incidents]))
            )
        )
        stored_sources = set(
            session.scalars(
                select(Source.slug).where(Source.slug.in_([s.id for s in document.sources]))
            )
        )
    missing = Document(
        sources=tuple(s for s in document.sources if s.id not in stored_sources),
        incidents=tuple(i for i in document.incidents if i.id not in stored_incidents),
    )
    result = import_document(db, missing)
    return SampleResult(
        incidents_added=result.incidents_created,
        incidents_present=len(stored_incidents),
        sources_added=result.sources_created,
        sources_present=len(stored_sources),
    )
