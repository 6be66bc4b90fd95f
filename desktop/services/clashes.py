"""Another writer got there first: said as such, not as a database error.

An import reads what is stored, compares, then writes. Should another analyst save one of
its incidents in between, the version check refuses the update (``StaleDataError``); should
another import add one of its sources, the unique slug refuses the insert. Either way the
whole import is rolled back, and trying again simply works.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from desktop.errors import ConflictError, StoreError

if TYPE_CHECKING:
    from collections.abc import Iterator

NOTHING_IMPORTED = "Nothing was imported: try again."


@contextmanager
def import_clashes() -> Iterator[None]:
    """Turn the errors of a concurrent writer during an import into a ConflictError."""
    try:
        yield
    except StaleDataError as exc:
        what = "A source" if "'sources'" in str(exc) else "An incident"
        raise ConflictError(
            f"{what} in the file was changed by someone else meanwhile. {NOTHING_IMPORTED}"
        ) from exc
    except StoreError as exc:
        if not isinstance(exc.__cause__, IntegrityError):
            raise
        raise ConflictError(
            "Another import or change was running at the same time and added some of the "
            f"same records. {NOTHING_IMPORTED}"
        ) from exc
