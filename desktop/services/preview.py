"""A first look at a workspace, before the services (and SQLAlchemy) are loaded.

The app paints these rows at once and opens the workspace properly right after; see
:mod:`desktop.store.peek` for when there is nothing to show and why that is fine.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any, NamedTuple

from desktop.services.listing import IncidentRow, table_row
from desktop.store import peek
from desktop.store.locations import ENV_VAR, HEAD_REVISION, local_file


class WorkspacePreview(NamedTuple):
    """The newest live incidents and the workspace's names.

    A named tuple rather than a frozen dataclass: as immutable, and its class is made in a
    sixth of the time, which counts here (this module is imported before the first paint).
    """

    rows: list[IncidentRow]
    label: str  # as Database.label: the file name
    location: str  # as Database.location: the full path


def workspace_from_environment() -> str | None:
    """The workspace ``INCIDENT_DESK_DB`` names, if it is set."""
    return os.environ.get(ENV_VAR) or None


def upgrade_due(target: str | os.PathLike[str] | None) -> bool:
    """Whether opening the SQLite workspace ``target`` will first upgrade (and back up) it:
    seconds for a large one, which the analyst should be told about before they pass."""
    path = local_file(target)
    if path is None:
        return False
    revision = peek.schema_revision(path)
    return revision is not None and revision != HEAD_REVISION


def index_rebuild_due(target: str | os.PathLike[str] | None) -> bool:
    """Whether opening the SQLite workspace ``target`` will rebuild its search index (made
    with an older version's settings): as long as an import of it, worth a notice too."""
    path = local_file(target)
    return path is not None and peek.search_index_outdated(path)


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
        rows = [_row(values) for values in seen]
    except (TypeError, ValueError):  # a value this version cannot read: let the open decide
        return None
    return WorkspacePreview(rows, path.name, str(path))


def _row(values: tuple[Any, ...]) -> IncidentRow:
    # The standard library hands SQLAlchemy's stored date-times over as their ISO text.
    start_at, end_at = (datetime.fromisoformat(text) for text in values[1:3])
    return table_row((values[0], start_at, end_at, *values[3:]))
