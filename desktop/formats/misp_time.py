"""The time of an incident in MISP: misp-objects' ``timestamp`` object, both ways.

An event's ``date`` is one day; an incident has a span (a start and an end) and a precision
(exact, day, week or month). Both ride in a ``timestamp`` object: its ``first-seen`` and
``last-seen`` datetime attributes (and the object's own ``first_seen``/``last_seen``, which
MISP shows on its timeline) and its ``precision`` text attribute. A day is written as its
first and last second in UTC, and read back as the day when the precision says so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from desktop.domain import TimePrecision
from desktop.errors import ValidationError
from desktop.formats.peers import items, obj
from desktop.records import When
from desktop.wording import quoted

# misp-objects' timestamp object: first-seen and last-seen (datetime attributes, and the
# object's own first_seen/last_seen, which MISP shows on its timeline) and their precision.
TIMESTAMP = {"template_uuid": "c8c91e23-4221-4533-8bf7-64e12b05f265", "template_version": "1"}
# Our precisions in the template's words ("week" is ours: the template's list is a suggestion).
MISP_PRECISION = {
    TimePrecision.EXACT: "full",
    TimePrecision.DAY: "day",
    TimePrecision.WEEK: "week",
    TimePrecision.MONTH: "month",
}
# And back: a time to the hour or minute is a date-time; a year is as rough as we go.
PRECISION_OF_MISP = {
    **{word: precision for precision, word in MISP_PRECISION.items()},
    "second": TimePrecision.EXACT,
    "minute": TimePrecision.EXACT,
    "hour": TimePrecision.EXACT,
    "year": TimePrecision.MONTH,
}


def instant_text(moment: date | datetime, *, end: bool) -> str:
    """A time as MISP writes first_seen and last_seen (ISO 8601 with the offset); a day as
    its first or last second."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.max if end else time.min, tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def span(found: dict[str, Any]) -> When | None:
    """A timestamp object's span (its attributes, else its own first_seen/last_seen) at its
    precision; None when it gives no first time (the event's date says the day)."""
    values: dict[str, Any] = {}
    for index, attribute in enumerate(items(found.get("Attribute"), "Attribute")):
        attribute = obj(attribute, f"Attribute[{index}]")
        values.setdefault(str(attribute.get("object_relation")), attribute.get("value"))
    first = values.get("first-seen") or found.get("first_seen")
    if first is None:
        return None
    start = _instant(first, "first-seen")
    end = _instant(values.get("last-seen") or found.get("last_seen") or first, "last-seen")
    word = str(values.get("precision", "")).strip().lower()
    precision = PRECISION_OF_MISP.get(word)
    if precision is None:  # not told: a day when both ends are a day's first and last second
        whole = start.time() == time.min and end.time() in (
            time.min,
            time.max.replace(microsecond=0),
        )
        precision = TimePrecision.DAY if whole else TimePrecision.EXACT
    if precision == TimePrecision.EXACT:
        return When(start, end, precision)
    return When(start.date(), max(start.date(), end.date()), precision)


def _instant(value: Any, key: str) -> datetime:
    """An ISO 8601 date-time (or date) as MISP writes one, as aware UTC to the second (the
    precision Incident Desk keeps); without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(key, f"{quoted(str(value)[:40])} is not an ISO 8601 date-time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)
