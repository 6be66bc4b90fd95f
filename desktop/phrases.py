"""An incident's values in words, in one place: the table, the detail pane, the command
line's search lines, the history and the SITREP all phrase them from here.

Two registers: the short one of the screen and the command line (``2023-10-17``,
``wk of 2023-10-16``, ``0 killed, unknown injured``) and the long one of the printed report
(``17 Oct 2023 – 18 Oct 2023``, ``Killed: 0 · Injured: unknown``).

Plain Python: no Qt, no SQLAlchemy, no drawing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from desktop.domain import (
    CONFIDENCE_MEANING,
    CREDIBILITY,
    RELIABILITY,
    STATUS_MEANING,
    Confidence,
    GeoPrecision,
    Status,
    TimePrecision,
    admiralty_code,
    admiralty_words,
    country_name,
)
from desktop.timetext import month_text, utc_text

# What the phrases read of the records of desktop/services/dto.py (When, Where, Casualties),
# named by their shape: this module imports nothing from the services.
Moment = date | datetime


class When(Protocol):
    @property
    def start(self) -> Moment: ...
    @property
    def end(self) -> Moment: ...
    @property
    def precision(self) -> TimePrecision: ...


class Where(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def admin1(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def precision(self) -> int: ...


class Casualties(Protocol):
    @property
    def killed(self) -> int | None: ...
    @property
    def injured(self) -> int | None: ...
    @property
    def note(self) -> str: ...


MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DASH = " – "
DOT = " · "

# ------------------------------------------------------------------- time, short register

PRECISION_WORDS = {
    TimePrecision.EXACT: "exact time, UTC",
    TimePrecision.DAY: "known to the day",
    TimePrecision.WEEK: "known to the week",
    TimePrecision.MONTH: "known to the month",
}


def moment_text(moment: Moment) -> str:
    """An exact time in UTC with its ``Z`` (``2023-10-17 15:59Z``), else the day."""
    if isinstance(moment, datetime):
        return utc_text(moment, sep=" ", timespec="minutes")
    return moment.isoformat()


def when_short(start: Moment, precision: TimePrecision) -> str:
    """A moment of an incident as precisely as it is known, e.g. ``wk of 2023-10-16``."""
    if precision == TimePrecision.EXACT and isinstance(start, datetime):
        return moment_text(start)
    day = start.date() if isinstance(start, datetime) else start
    if precision == TimePrecision.WEEK:
        return f"wk of {day.isoformat()}"
    if precision == TimePrecision.MONTH:
        return month_text(day)
    return day.isoformat()


def span_short(start: Moment, end: Moment, precision: TimePrecision) -> str:
    """``2023-10-17``, or ``2023-10-17 to 2023-10-18`` when the ends differ as shown."""
    first, last = when_short(start, precision), when_short(end, precision)
    return first if first == last else f"{first} to {last}"


def when_with_precision(when: When) -> str:
    """``2023-10-17 to 2023-10-18 (known to the day)``."""
    return f"{span_short(when.start, when.end, when.precision)} ({PRECISION_WORDS[when.precision]})"


# -------------------------------------------------------------------- time, long register


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def day_of(moment: Moment) -> date:
    """The (UTC) calendar day of a date or a datetime."""
    return _utc(moment).date() if isinstance(moment, datetime) else moment


def day_text(d: date) -> str:
    """``17 Oct 2023`` (English month names whatever the locale)."""
    return f"{d.day} {MONTHS[d.month - 1].title()} {d.year}"


def month_words(d: date) -> str:
    """``Oct 2023``."""
    return f"{MONTHS[d.month - 1].title()} {d.year}"


def exact_text(moment: Moment) -> str:
    """``17 Oct 2023 15:59Z``; a date alone is its day."""
    if not isinstance(moment, datetime):
        return day_text(moment)
    t = _utc(moment)
    return f"{day_text(t.date())} {t:%H:%M}Z"


def when_long(when: When) -> str:
    """The time of an incident as precisely as it is known, and no more (the report's)."""
    start, end = day_of(when.start), day_of(when.end)
    if when.precision == TimePrecision.EXACT:
        first, last = exact_text(when.start), exact_text(when.end)
    elif when.precision == TimePrecision.WEEK:
        first = f"week of {day_text(start)}"
        if end - start <= timedelta(days=6):
            return first
        last = f"week of {day_text(end - timedelta(days=end.weekday()))}"
    elif when.precision == TimePrecision.MONTH:
        first, last = month_words(start), month_words(end)
    else:
        first, last = day_text(start), day_text(end)
    return first if first == last else f"{first}{DASH}{last}"


# -------------------------------------------------------------------------- place, counts


def place_text(where: Where, unknown: str = "not recorded") -> str:
    """``al-Asad airbase, Anbar, Iraq``: each part once (a country-wide event is often named
    after its country), ``unknown`` when there is none."""
    parts: list[str] = []
    for part in (where.name.strip(), where.admin1.strip(), country_name(where.country)):
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts) if parts else unknown


def coordinates_text(where: Where) -> str:
    """``33.7850, 42.4410 (exact place)``, or ``not located``."""
    if where.lat is None or where.lon is None:
        return "not located"
    precision = GeoPrecision.LABELS.get(where.precision, f"precision {where.precision}")
    return f"{where.lat:.4f}, {where.lon:.4f} ({precision.lower()})"


def count_text(value: int | None) -> str:
    """A count of people, ``unknown`` when not known."""
    return "unknown" if value is None else str(value)


def casualties_short(casualties: Casualties) -> str:
    """``0 killed, unknown injured (minor injuries)``."""
    text = f"{count_text(casualties.killed)} killed, {count_text(casualties.injured)} injured"
    return f"{text} ({casualties.note})" if casualties.note else text


def casualties_long(casualties: Casualties) -> str:
    """``Killed: unknown · Injured: 3 (minor injuries)``, the note on one line (the report's)."""
    text = f"Killed: {count_text(casualties.killed)}{DOT}Injured: {count_text(casualties.injured)}"
    note = " ".join(casualties.note.split())
    return f"{text} ({note})" if note else text


# ----------------------------------------------------------------------- assessment, grade


def status_word(status: Status) -> str:
    """``Confirmed``."""
    return status.value.capitalize()


def confidence_word(confidence: Confidence) -> str:
    """``Moderate``."""
    return confidence.value.capitalize()


def status_explained(status: Status) -> str:
    """``Confirmed — <what confirmed means>``."""
    return f"{status_word(status)} — {STATUS_MEANING[status]}"


def confidence_explained(confidence: Confidence) -> str:
    """``Moderate — <what moderate confidence means>``."""
    return f"{confidence_word(confidence)} — {CONFIDENCE_MEANING[confidence]}"


def grade_text(reliability: str, credibility: int) -> str:
    """``B2 (Usually reliable / Probably true)``; a grade off the scales is its
    credibility alone, ``credibility 7``."""
    if reliability in RELIABILITY and credibility in CREDIBILITY:
        words = admiralty_words(reliability, credibility)
        return f"{admiralty_code(reliability, credibility)} ({words})"
    return f"credibility {credibility}"


def evidence_count(count: int) -> str:
    """The mark of an incident or citation with evidence kept: ``📎 2 files``, "" for none."""
    if count <= 0:
        return ""
    return f"📎 {count:,} file" if count == 1 else f"📎 {count:,} files"


def size_text(size: int) -> str:
    """A file's size for people: ``812 bytes``, ``1.4 MB``, ``2.1 GB`` (decimal units)."""
    if size < 1000:
        return f"{size:,} byte" if size == 1 else f"{size:,} bytes"
    for unit, factor in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12)):
        if size < factor * 1000 or unit == "TB":
            return f"{size / factor:.1f} {unit}"
    raise AssertionError  # pragma: no cover - the loop ends on TB
