"""Turning low-level database errors into sentences an analyst can act on."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sqlalchemy.exc import DBAPIError

# What a PostgreSQL client library says, and what the analyst should hear instead. Matched
# against the lower-cased message; the first match wins, so the specific ones come first.
_SERVER_PROBLEMS: tuple[tuple[str, str], ...] = (
    (
        r"password authentication failed|no password supplied|authentication failed",
        "The server {where} refused the user name or password. Check them and try again.",
    ),
    (
        r"database \"[^\"]*\" does not exist",
        "The server {where} has no such database. Ask its administrator to create it "
        "(CREATE DATABASE) or check the name.",
    ),
    (
        r"role \"[^\"]*\" does not exist",
        "The server {where} does not know that user. Check the user name in the address.",
    ),
    (
        r"no pg_hba\.conf entry|not permitted to log in|permission denied for database",
        "The server {where} does not let this user connect. Ask its administrator for access.",
    ),
    (
        r"could not translate host name|failed to resolve host|name or service not known"
        r"|nodename nor servname",
        "The server name in {where} cannot be found. Check the address and the network.",
    ),
    (
        r"connection refused|no such file or directory|is the server running"
        r"|timeout expired|timed out|server closed the connection|connection is lost"
        r"|terminating connection|the database system is (starting up|shutting down)",
        "The database server {where} cannot be reached: it may be down, or the address is "
        "wrong. Check the address, or try again when the server is running.",
    ),
    (
        r"lock timeout|deadlock detected|could not obtain lock",
        "The database {where} is busy: another user is changing the same records. "
        "Try again in a moment.",
    ),
    (
        r"permission denied",
        "The database user in {where} is not allowed to do this: {text}",
    ),
)


def _is_sqlite(original: BaseException) -> bool:
    return isinstance(original, sqlite3.Error)


def _first_line(text: str) -> str:
    return text.splitlines()[0].strip() if text.strip() else text


def describe_db_error(exc: BaseException, where: str) -> str:
    """A sentence an analyst can act on, from a low-level database error."""
    original: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    text = str(original).strip()
    lowered = text.lower()
    if not _is_sqlite(original):
        for pattern, message in _SERVER_PROBLEMS:
            if re.search(pattern, lowered):
                return message.format(where=where, text=_first_line(text))
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
        return f"The database {where} cannot be written: {_first_line(text)}"
    if "disk i/o error" in lowered:
        return (
            f"The database {where} could not be read or written (a disk I/O error). Check "
            "that the disk is present and not full. If the file was moved or deleted while "
            f"its companions {Path(where).name}-wal and -shm stayed behind, move those two "
            "away and open it again."
        )
    if isinstance(original, sqlite3.OperationalError) and "unable to open" in lowered:
        return f"The database {where} cannot be opened: check the path and its permissions."
    # psycopg's messages may span lines (server detail, hints): one line for the user.
    return f"Database problem with {where}: {_first_line(text)}"
