"""Another writer got there first: said as such, not as a database error.

An import reads what is stored, compares, then writes. Should another analyst save one of
its incidents in between, the version check refuses the update (``StaleDataError``); should
another import add one of its sources, the unique slug refuses the insert. Either way the
whole import is rolled back, and trying again simply works.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from desktop.errors import ConcurrentWriteError, ConflictError, StoreError

if TYPE_CHECKING:
    from collections.abc import Iterator

NOTHING_IMPORTED = "Nothing was imported: try again."
# The keys another writer can take first, as SQLite ("UNIQUE constraint failed:
# sources.slug") and PostgreSQL (the constraint's name, models.NAMING_CONVENTION) name them.
_RACED_KEYS = re.compile(
    r"sources\.slug|incidents\.uuid|incidents\.id\b|uq_sources_slug|uq_incidents_uuid"
    r"|pk_incidents\b"
)


def _added_meanwhile(cause: BaseException | None) -> bool:
    """Whether the database refused a record because another writer added its key first
    (any other refusal is a fault of ours, reported as it is)."""
    return isinstance(cause, IntegrityError) and _RACED_KEYS.search(str(cause.orig)) is not None


@contextmanager
def import_clashes() -> Iterator[None]:
    """Turn the errors of a concurrent writer during an import into a ConflictError."""
    try:
        yield
    except ConcurrentWriteError as exc:
        raise ConflictError(
            "The workspace was changed by someone else meanwhile (another import or change "
            f"running at the same time). {NOTHING_IMPORTED}"
        ) from exc
    except StaleDataError as exc:
        what = "A source" if "'sources'" in str(exc) else "An incident"
        raise ConflictError(
            f"{what} in the file was changed by someone else meanwhile. {NOTHING_IMPORTED}"
        ) from exc
    except StoreError as exc:
        if not _added_meanwhile(exc.__cause__):
            raise
        raise ConflictError(
            "Another import or change was running at the same time and added some of the "
            f"same records. {NOTHING_IMPORTED}"
        ) from exc
