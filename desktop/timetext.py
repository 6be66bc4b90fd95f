"""Times and days as text, always with a four-digit year.

``strftime("%Y")`` writes the year without padding on Linux (``999-06-15``, ``1-01-01``),
text the interchange format, the table and the search index refuse or sort wrongly; so every
time shown or written goes through here and ``isoformat``, which always pads.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

# A point or window in time: a ``date`` for day/week/month precision, an aware UTC
# ``datetime`` for exact precision.
Moment = date | datetime


def utc_text(moment: datetime, *, sep: str = "T", timespec: str = "seconds") -> str:
    """``moment`` in UTC with its ``Z``, e.g. ``0999-06-15T12:00:00Z``; naive means UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep, timespec) + "Z"


def month_text(day: date) -> str:
    """``YYYY-MM``."""
    return day.isoformat()[:7]
