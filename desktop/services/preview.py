"""A first look at a workspace, before the services (and SQLAlchemy) are loaded.

The app paints these rows at once and opens the workspace properly right after; see
:mod:`desktop.store.peek` for when there is nothing to show and why that is fine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from desktop.domain import Confidence, Status, TimePrecision, country_name
from desktop.services.listing import IncidentRow
from desktop.store import peek
from desktop.store.locations import ENV_VAR, local_file

if TYPE_CHECKING:
    from desktop.services.listing import Moment


@dataclass(frozen=True)
class WorkspacePreview:
    """The newest live incidents and the workspace's names."""

    rows: list[IncidentRow]
    label: str  # as Database.label: the file name
    location: str  # as Database.location: the full path


def workspace_from_environment() -> str | None:
    """The workspace ``INCIDENT_DESK_DB`` names, if it is set."""
    return os.environ.get(ENV_VAR) or None


def preview_workspace(target: str | os.PathLike[str] | None, limit: int) -> WorkspacePreview | None:
    """The first ``limit`` rows of the default table view of ``target``, when cheap to read.

    None for anything that needs the ordinary open: no file yet, a server, an upgrade due, a
    damaged or locked file, or an empty workspace (whose window offers the sample instead).
    """
    path = local_file(target)
    if path is None:
        return None
    seen = peek.newest_rows(path, limit)
    if not seen:
        return None
    try:
        rows = [row_from_values(values) for values in seen]
    except (TypeError, ValueError):  # a value this version cannot read: let the open decide
        return None
    return WorkspacePreview(rows, path.name, str(path))


def row_from_values(values: tuple[Any, ...]) -> IncidentRow:
    """A table row from raw SQLite values, in :data:`peek.ROW_COLUMNS` order."""
    (uuid, start_at, end_at, precision_value, title, place_name, admin1, country, event_type,
     sub_event_type, status, confidence, source_count, marking, killed, injured) = values
    precision = TimePrecision(precision_value)
    return IncidentRow(
        id=uuid,
        start=_moment(start_at, precision),
        end=_moment(end_at, precision),
        precision=precision,
        title=title,
        place=place_label(place_name, admin1, country),
        country=country,
        event_type=event_type,
        sub_event_type=sub_event_type,
        status=Status(status),
        confidence=Confidence(confidence),
        source_count=source_count,
        marking=marking,
        killed=killed,
        injured=injured,
    )


def place_label(name: str, admin1: str, country: str) -> str:
    """``al-Asad airbase, Anbar, Iraq`` — the parts that are known."""
    parts = [part for part in (name, admin1, country_name(country)) if part]
    return ", ".join(dict.fromkeys(parts))  # drop repeats such as "Iraq, Iraq"


def _moment(stored: str, precision: TimePrecision) -> Moment:
    # SQLAlchemy keeps SQLite date-times as ISO text in naive UTC (see services/mapping.py).
    value = datetime.fromisoformat(stored)
    if precision == TimePrecision.EXACT:
        return value.replace(tzinfo=UTC)
    return value.date()
