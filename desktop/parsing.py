"""Reading what an analyst types or pastes: dates, coordinates, countries.

Pure functions, no Qt: the editor's fields call them on every keystroke and show the
ValueError's message beside the field, so a message says what would be accepted.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, date, datetime, timedelta, timezone

from desktop.domain import TimePrecision, country_codes, country_name

# The range the date fields accept: a typo like 20233 or 1023 is refused, not stored.
FIRST_YEAR, LAST_YEAR = 1900, 2199

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].casefold()] = _number
    _MONTHS[calendar.month_abbr[_number].casefold()] = _number
_MONTHS["sept"] = 9
_MONTH = r"(?P<mname>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_TIME = (
    r"(?:(?:\s*T\s*|\s+|\s*,\s*)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})"
    r"(?:\.\d+)?)?\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
_SEP = r"\s*[-/.]\s*"
_DATE_PATTERNS = tuple(
    re.compile(rf"^{pattern}{_TIME}$", re.IGNORECASE)
    for pattern in (
        rf"(?P<year>\d{{4}}){_SEP}(?P<month>\d{{1,2}}){_SEP}(?P<day>\d{{1,2}})",  # 2023-10-17
        r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})",  # 20231017
        # Day first, as written outside the US: 17/10/2023, 17.10.2023, 17-10-2023.
        rf"(?P<day>\d{{1,2}}){_SEP}(?P<month>\d{{1,2}}){_SEP}(?P<year>\d{{4}})",
        rf"(?P<day>\d{{1,2}})(?:\s*|\s*-\s*){_MONTH}(?:\s*|\s*-\s*|\s*,\s*)(?P<year>\d{{4}})",
        rf"{_MONTH}\s*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<year>\d{{4}})",
    )
)
# A military date-time group: 171930ZOCT23 is 17 October 2023, 19:30 UTC.
_DTG = re.compile(
    rf"^(?P<day>\d{{2}})(?P<hour>\d{{2}})(?P<minute>\d{{2}})\s*(?P<zone>Z)?\s*{_MONTH}\s*"
    r"(?P<year>\d{4}|\d{2})$",
    re.IGNORECASE,
)
_MONTH_PATTERNS = tuple(
    re.compile(rf"^{pattern}$", re.IGNORECASE)
    for pattern in (
        rf"(?P<year>\d{{4}}){_SEP}(?P<month>\d{{1,2}})",  # 2023-10
        rf"(?P<month>\d{{1,2}}){_SEP}(?P<year>\d{{4}})",  # 10/2023
        rf"{_MONTH}\s*,?\s*(?P<year>\d{{4}})",  # Oct 2023
    )
)
EXAMPLES: dict[TimePrecision, str] = {
    TimePrecision.EXACT: "e.g. 2023-10-17 21:30, 17/10/2023 21:30 or 17 Oct 2023 21:30",
    TimePrecision.DAY: "e.g. 2023-10-17, 17/10/2023 or 17 Oct 2023",
    TimePrecision.WEEK: "e.g. 2023-10-17, 17/10/2023 or 17 Oct 2023",
    TimePrecision.MONTH: "e.g. 2023-10 or Oct 2023",
}


def _month_of(groups: dict[str, str | None]) -> int:
    name = groups.get("mname")
    return _MONTHS[name.casefold()] if name else int(groups["month"] or 0)


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return year


def parse_moment(text: str, precision: TimePrecision) -> date | datetime:
    """A typed date (or date and time) as the precision keeps it; ValueError otherwise.

    Exact times come back as UTC datetimes (midnight when only a day is given, converted
    when an offset is typed); day and week as dates; month as the month's first day.
    Seconds are dropped: the editor keeps minutes.
    """
    typed = " ".join(text.split())
    if not typed:
        raise ValueError(f"is required: {EXAMPLES[precision]}")
    groups: dict[str, str | None] | None = None
    match = _DTG.match(typed)
    if match:
        groups = match.groupdict()
        if len(groups["year"] or "") == 2:  # a DTG's two-digit year is this century's
            groups["year"] = f"20{groups['year']}"
    for pattern in _DATE_PATTERNS:
        if groups is None and (match := pattern.match(typed)):
            groups = match.groupdict()
    if groups is None and precision == TimePrecision.MONTH:
        for pattern in _MONTH_PATTERNS:
            if groups is None and (match := pattern.match(typed)):
                groups = {**match.groupdict(), "day": "1"}
    if groups is None:
        raise ValueError(f"is not a date the editor can read: {EXAMPLES[precision]}")
    year = _checked_year(int(groups["year"] or 0))
    try:
        day = date(year, _month_of(groups), int(groups["day"] or 0))
    except ValueError:
        raise ValueError(f"is not a day of the calendar: {EXAMPLES[precision]}") from None
    if precision == TimePrecision.MONTH:
        return day.replace(day=1)
    if precision != TimePrecision.EXACT:
        return day  # a time typed with a day-precision date says nothing more
    hour, minute = int(groups.get("hour") or 0), int(groups.get("minute") or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"has no such time of day: {EXAMPLES[precision]}")
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=_zone(groups["zone"]))
    return moment.astimezone(UTC)


def format_moment(moment: date, precision: TimePrecision) -> str:
    """How a date field shows a moment at a precision: what :func:`parse_moment` reads."""
    if precision == TimePrecision.MONTH:
        return f"{moment.year:04d}-{moment.month:02d}"
    if precision == TimePrecision.EXACT:
        if isinstance(moment, datetime):
            aware = moment.astimezone(UTC) if moment.tzinfo else moment
            return aware.strftime("%Y-%m-%d %H:%M")
        return f"{moment.isoformat()} 00:00"
    day = moment.date() if isinstance(moment, datetime) else moment
    return day.isoformat()


def step_moment(moment: date, precision: TimePrecision, steps: int) -> date:
    """The moment ``steps`` days later (months, at month precision): the arrow keys."""
    if precision == TimePrecision.MONTH:
        months = moment.year * 12 + moment.month - 1 + steps
        return moment.replace(year=months // 12, month=months % 12 + 1, day=1)
    return moment + timedelta(days=steps)


# One coordinate: -33.785, 33.785S, N33.785, 33°47'06"S, 33° 47.1' S …
_COORDINATE = re.compile(
    r"""^(?P<pre>[NSEW])?\s*
        (?P<sign>[-+])?\s*
        (?:(?P<deg>\d+(?:[.,]\d+)?)
          |(?P<ideg>\d+)\s*(?:°|º|˚|d)?\s*
           (?:(?P<min>\d+(?:[.,]\d+)?)\s*['′’m]?
             |(?P<imin>\d+)\s*['′’m]?\s*(?P<sec>\d+(?:[.,]\d+)?)\s*(?:"|″|”|''|′′|s)?))
        \s*(?:°|º|˚)?\s*
        (?P<post>[NSEW])?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Where a pasted pair splits, tried in turn: "36.5356, 44.3516", "36.5356 44.3516",
# "36 32 08N 44 21 06E", "N 36.5 E 44.3".
_PAIR_SPLITS = (
    re.compile(r"\s*[;,|]\s*"),
    re.compile(r"\s+"),
    re.compile(r"(?<=[NSns])\s*(?=[-+\dEWew])"),
    re.compile(r"\s+(?=[NSEWnsew]\s*[-+\d])"),
)


def parse_coordinate(text: str, axis: str = "") -> float | None:
    """``None`` for an empty field; ValueError for text that is not one finite coordinate.

    Decimal degrees (a decimal comma too), a hemisphere letter before or after, or
    degrees-minutes-seconds. ``axis`` "lat" or "lon" refuses the other axis's letters.
    """
    text = text.strip()
    if not text:
        return None
    match = _COORDINATE.match(text)
    if not match or (match["pre"] and match["post"]):
        raise ValueError(text)
    # Minutes only after whole degrees, seconds only after whole minutes: "36.5 44.3" is
    # two numbers, never 36.5 degrees and 44.3 minutes.
    degrees = float((match["deg"] or match["ideg"]).replace(",", "."))
    if not math.isfinite(degrees):
        raise ValueError(text)
    for part, scale in (("min", 60), ("imin", 60), ("sec", 3600)):
        if match[part]:
            value = float(match[part].replace(",", "."))
            if value >= 60:
                raise ValueError(text)
            degrees += value / scale
    letter = (match["pre"] or match["post"] or "").upper()
    if letter and axis and letter not in ("NS" if axis == "lat" else "EW"):
        raise ValueError(text)
    if (match["sign"] == "-") != (letter in ("S", "W")):
        degrees = -degrees
    return degrees


def parse_coordinate_pair(text: str) -> tuple[float, float] | None:
    """Latitude and longitude from one pasted line, or None when it is not a pair.

    Without hemisphere letters the first is the latitude (as maps copy them); with them,
    the letters decide.
    """
    text = " ".join(text.split())
    try:
        if parse_coordinate(text) is not None:
            return None  # one number ("33,785" has a decimal comma), not two
    except ValueError:
        pass
    for split in _PAIR_SPLITS:
        parts = [part for part in split.split(text) if part]
        if len(parts) != 2:
            continue
        try:
            first, second = (parse_coordinate(part) for part in parts)
        except ValueError:
            continue
        if first is None or second is None:
            continue
        letters = [re.findall(r"[NSEWnsew]", part) for part in parts]
        if letters[0] and letters[0][-1].upper() in "EW":
            first, second = second, first
        return first, second
    return None


def inserted_length(before: str, after: str) -> int:
    """How many characters one edit put in: 1 for a keystroke, more for a paste or drop."""
    return len(inserted_text(before, after))


def inserted_text(before: str, after: str) -> str:
    """What one edit put in: the typed letter, or the pasted or dropped text."""
    prefix = 0
    while prefix < min(len(before), len(after)) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(before), len(after)) - prefix and before[-1 - suffix] == after[-1 - suffix]
    ):
        suffix += 1
    return after[prefix : len(after) - suffix]


def country_code_for(text: str) -> str | None:
    """The ISO code an exactly typed country means: "Iraq", "iq", "Iraq (IQ)"; else None."""
    typed = " ".join(text.split()).casefold()
    if not typed:
        return None
    labelled = re.fullmatch(r"(.*) \((\w\w)\)", typed)
    if labelled and labelled[2].upper() in country_codes():
        code = labelled[2].upper()
        return code if country_name(code).casefold() == labelled[1] else None
    if typed.upper() in country_codes():
        return typed.upper()
    for code in country_codes():
        if country_name(code).casefold() == typed:
            return code
    return None
