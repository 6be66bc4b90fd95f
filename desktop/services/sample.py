"""The built-in sample workspace (``resources/sample/workspace.json``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.resources import resource_path
from desktop.services.interchange import ImportResult, import_file

if TYPE_CHECKING:
    from desktop.store.engine import Database


def load_sample(db: Database) -> ImportResult:
    """Add the sample incidents and sources; loading it again changes nothing."""
    return import_file(db, resource_path("sample", "workspace.json"))
