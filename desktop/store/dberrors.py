"""Turning low-level database errors into sentences an analyst can act on."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError


def describe_db_error(exc: BaseException, where: str) -> str:
    """A sentence an analyst can act on, from a low-level database error."""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(original).strip()
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            f"The database {where} is locked by another program. Close the other program "
            "(or the other Incident Desk window) and try again."
        )
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"{where} is not a readable Incident Desk database (the file is damaged or of "
            "another kind). Open another file or restore a backup."
        )
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return f"The database {where} cannot be written: {text}"
    if isinstance(original, sqlite3.OperationalError) and "unable to open" in lowered:
        return f"The database {where} cannot be opened: check the path and its permissions."
    return f"Database problem with {where}: {text}"
