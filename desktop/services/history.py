"""The change history of incidents: who changed which field, when, from what to what.

Writers call :func:`record` inside their own transaction, so a change and its history are
saved together or not at all. Values are kept as the words an analyst reads ("B2", "3
killed", "unknown"), because the timeline is for people, not for replaying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from desktop.domain import admiralty_code
from desktop.fields import INCIDENT_FIELDS
from desktop.phrases import count_text
from desktop.services import mapping
from desktop.services.history_actions import ACTION_WORDS as ACTION_WORDS
from desktop.services.history_actions import CREATED as CREATED
from desktop.services.history_actions import DELETED as DELETED
from desktop.services.history_actions import IMPORTED as IMPORTED
from desktop.services.history_actions import PURGED as PURGED
from desktop.services.history_actions import RESTORED as RESTORED
from desktop.services.history_actions import UPDATED as UPDATED
from desktop.store.models import HistoryEntry, Incident, Source
from desktop.timetext import utc_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sqlalchemy.orm import Session

    from desktop.services.dto import Citation, IncidentData
    from desktop.store.engine import Database


@dataclass(frozen=True)
class Change:
    """One entry of an incident's timeline."""

    at: datetime  # aware, UTC
    by: str
    action: str
    field: str = ""
    old: str | None = None
    new: str | None = None

    @property
    def sentence(self) -> str:
        """e.g. ``alice changed Status: reported → confirmed``."""
        if self.action == UPDATED and self.field:
            old = self.old if self.old else "(empty)"
            new = self.new if self.new else "(empty)"
            if self.old is None:
                return f"{self.by} added {self.field}: {new}"
            if self.new is None:
                return f"{self.by} removed {self.field}: {old}"
            return f"{self.by} changed {self.field}: {old} → {new}"
        return f"{self.by} {ACTION_WORDS.get(self.action, self.action)}"


def _moment(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return utc_text(value, sep=" ", timespec="minutes")
    return value.isoformat()


def _citation(citation: Citation) -> str:
    code = (
        admiralty_code(citation.source_reliability, citation.credibility)
        if (citation.source_reliability)
        else str(citation.credibility)
    )
    parts = [f"{citation.source_name or citation.source} {code}"]
    if citation.published:
        parts.append(f"published {citation.published.isoformat()}")
    if citation.url:
        parts.append(citation.url)
    if citation.excerpt:
        excerpt = " ".join(citation.excerpt.split())
        parts.append(f"“{excerpt[:200]}{'…' if len(excerpt) > 200 else ''}”")
    return " · ".join(parts)


def _coordinates(data: IncidentData) -> str:
    where = data.where
    if where.lat is not None and where.lon is not None:
        return f"{where.lat:.5f}, {where.lon:.5f}"
    return ""


def _text(value: object) -> str:
    return "" if value is None else str(value)


# The fields whose words are not simply their value as text (desktop/fields.py); a field
# sharing its label with an earlier one (``where.lon``: "Coordinates") is worded with it.
_WORDS: dict[str, Callable[[IncidentData], str]] = {
    "when.start": lambda data: _moment(data.when.start),
    "when.end": lambda data: _moment(data.when.end),
    "where.lat": _coordinates,
    "actors": lambda data: "; ".join(f"{a.name} ({a.role})" for a in data.actors),
    "casualties.killed": lambda data: count_text(data.casualties.killed),
    "casualties.injured": lambda data: count_text(data.casualties.injured),
    "tags": lambda data: ", ".join(data.tags),
}


def fields(data: IncidentData) -> dict[str, str]:
    """The incident as labelled values, in the order the timeline lists changes: the
    fields of desktop/fields.py by their labels, each citation as ``Citation 1`` …"""
    values: dict[str, str] = {}
    for f in INCIDENT_FIELDS:
        if f.key == "citations":
            for number, citation in enumerate(data.citations, start=1):
                values[f"Citation {number}"] = _citation(citation)
        elif f.label not in values:
            words = _WORDS.get(f.key)
            values[f.label] = words(data) if words is not None else _text(f.get(data))
    return values


FieldChange = tuple[str, str | None, str | None]


def differences(before: IncidentData, after: IncidentData) -> list[FieldChange]:
    """(field, old, new) for each field that changed; None marks a citation added/removed."""
    old, new = fields(before), fields(after)
    changed: list[FieldChange] = []
    for name in dict.fromkeys([*old, *new]):
        if old.get(name) != new.get(name):
            changed.append((name, old.get(name), new.get(name)))
    return changed


def record(
    session: Session,
    incident_id: str,
    action: str,
    changes: Iterable[FieldChange] = (),
    *,
    by: str | None = None,
    at: datetime | None = None,
) -> None:
    """Add the entries of one action to the session (the caller's transaction)."""
    who = by or mapping.current_user()
    when = at or mapping.utcnow()
    entries = [
        HistoryEntry(
            incident_uuid=incident_id, at=when, by=who, action=action, field=field, old=old, new=new
        )
        for field, old, new in changes
    ]
    if not entries:
        entries = [
            HistoryEntry(
                incident_uuid=incident_id,
                at=when,
                by=who,
                action=action,
                field="",
                old=None,
                new=None,
            )
        ]
    session.add_all(entries)


def incident_history(db: Database, incident_id: str) -> list[Change]:
    """The incident's timeline, oldest first."""
    return histories(db, [incident_id])[incident_id]


def workspace_stamp(db: Database) -> tuple[object, ...]:
    """A value that changes whenever anyone changes the workspace, cheap enough to poll.

    The newest history entry moves with every incident write; the source figures catch
    edits in the sources manager; the counts catch bulk imports.
    """
    with db.begin() as session:
        return tuple(
            session.execute(
                select(
                    select(func.max(HistoryEntry.id)).scalar_subquery(),
                    select(func.count(Incident.id)).scalar_subquery(),
                    select(func.max(Incident.updated_at)).scalar_subquery(),
                    select(func.count(Source.id)).scalar_subquery(),
                    select(func.max(Source.updated_at)).scalar_subquery(),
                )
            ).one()
        )


def histories(db: Database, incident_ids: list[str]) -> dict[str, list[Change]]:
    """The timelines of many incidents at once (for an export), oldest entry first."""
    found: dict[str, list[Change]] = {incident_id: [] for incident_id in incident_ids}
    with db.begin() as session:
        for start in range(0, len(incident_ids), 500):  # under SQLite's parameter limit
            chunk = incident_ids[start : start + 500]
            rows = session.scalars(
                select(HistoryEntry)
                .where(HistoryEntry.incident_uuid.in_(chunk))
                .order_by(HistoryEntry.at, HistoryEntry.id)
            )
            for row in rows:
                found[row.incident_uuid].append(change_of(row))
    return found


def change_of(row: Any) -> Change:
    """The entry of a ``HistoryEntry`` (an ORM object, or a Core row of its columns)."""
    return Change(
        at=mapping.as_aware(row.at),
        by=row.by,
        action=row.action,
        field=row.field,
        old=row.old,
        new=row.new,
    )
