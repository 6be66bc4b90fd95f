"""One spreadsheet cell read as the value of a field: a date, a count, a country, a grade.

Cells come as CSV text or as XLSX values (numbers, dates, date-times). Each reader accepts
what people type in spreadsheets and what ACLED writes, and refuses anything else with a
:class:`~desktop.errors.ValidationError` naming the value (the caller adds the row and the
field): ``'31/02/2023' is not a date``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from desktop.domain import CREDIBILITY, RELIABILITY, country_code
from desktop.errors import ValidationError
from desktop.wording import quoted

if TYPE_CHECKING:
    from desktop.formats.sheets import Cell

# What a count cell says when the number is not known.
UNKNOWN = frozenset({"unknown", "unk", "n/a", "na", "?", "-", "--", "none reported", "nk"})
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([a-z]+)\.?,?[ -](\d{4})")  # 17 October 2023
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})")  # October 17, 2023
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")  # 17/10/2023 or 10/17/2023
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")  # 2023/10/17
# Excel's day 1 is 1900-01-01, counted with its phantom 29 February 1900.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_EXCEL_LAST = 2_958_465  # 9999-12-31


def text(cell: Cell) -> str:
    """A cell as text: numbers without a needless ``.0``, dates as ISO."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    return str(cell).strip()


def moment(cell: Cell) -> date | datetime:
    """A date, or an aware UTC date-time when the cell has a time of day.

    XLSX dates and date-times, Excel day numbers, ``2023-10-17``, ``2023-10-17T06:30:00Z``
    (an offset is converted to UTC; none means UTC), ``17 October 2023`` (ACLED),
    ``October 17, 2023``, ``2023/10/17``, and ``17/10/2023`` when the day tells which number
    is the day (a date like 03/04/2023 is refused as ambiguous).
    """
    if isinstance(cell, datetime):
        return _with_time(cell)
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 1 <= cell <= _EXCEL_LAST:
            return _with_time(_EXCEL_EPOCH + timedelta(days=cell))
        raise ValidationError("", f"{text(cell)} is not a date")
    value = text(cell)
    try:
        return _parsed(value)
    except ValueError:
        raise ValidationError("", f"{quoted(value[:40])} is not a date") from None


def _with_time(value: datetime) -> date | datetime:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    value = value.replace(microsecond=0)
    if value.time() == time(0):
        return value.date()
    return value.replace(tzinfo=UTC)


def _parsed(value: str) -> date | datetime:
    folded = " ".join(value.split()).casefold()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", folded):
        return date.fromisoformat(folded)
    if re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?", folded
    ):
        return _with_time(datetime.fromisoformat(folded.upper().replace("Z", "+00:00")))
    if found := _DAY_MONTH_YEAR.fullmatch(folded):
        return date(int(found[3]), _month(found[2]), int(found[1]))
    if found := _MONTH_DAY_YEAR.fullmatch(folded):
        return date(int(found[3]), _month(found[1]), int(found[2]))
    if found := _YEAR_FIRST.fullmatch(folded):
        return date(int(found[1]), int(found[2]), int(found[3]))
    if found := _SLASHED.fullmatch(folded):
        first, second, year = int(found[1]), int(found[2]), int(found[3])
        if first > 12 >= second:
            return date(year, second, first)
        if second > 12 >= first:
            return date(year, first, second)
        if first != second:
            raise ValidationError(
                "", f"{quoted(value)} could be either day first or month first: write 2023-10-17"
            )
        return date(year, first, second)
    raise ValueError(value)


def _month(name: str) -> int:
    if name not in _MONTHS:
        raise ValueError(name)
    return _MONTHS[name]


def count(cell: Cell) -> int | None:
    """A whole number, or None for a blank or "unknown"."""
    if cell is None:
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if float(cell).is_integer():
            return int(cell)
        raise ValidationError("", f"{text(cell)} is not a whole number")
    value = text(cell)
    if not value or value.casefold() in UNKNOWN:
        return None
    plain = value.replace(",", "").replace("\u202f", "").replace(" ", "")
    try:
        number = float(plain)
    except ValueError:
        raise ValidationError("", f"{quoted(value[:40])} is not a number") from None
    if not number.is_integer():
        raise ValidationError("", f"{quoted(value)} is not a whole number")
    return int(number)


def number(cell: Cell) -> float | None:
    """A decimal number (a coordinate), or None for a blank; a decimal comma is read."""
    if cell is None:
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return float(cell)
    value = text(cell)
    if not value:
        return None
    try:
        return float(value.replace(",", "."))
    except ValueError:
        raise ValidationError("", f"{quoted(value[:40])} is not a number") from None


def country(cell: Cell) -> str:
    """An ISO 3166-1 alpha-2 code from a code (alpha-2, alpha-3, numeric) or a name."""
    value = text(cell)
    if not value:
        return ""
    code = country_code(value)
    if code is None:
        raise ValidationError(
            "", f"{quoted(value[:60])} is not a country (a name or an ISO 3166 code)"
        )
    return code


def grade(cell: Cell) -> tuple[str | None, int | None]:
    """An Admiralty grade, ``B2``: the reliability letter and the credibility digit, either
    alone (``B``, ``2``) or both; (None, None) when blank."""
    value = text(cell).replace(" ", "").replace("-", "").upper()
    if not value:
        return None, None
    found = re.fullmatch(r"([A-F])?([1-6])?", value)
    if found is None or not (found[1] or found[2]):
        raise ValidationError(
            "", f"{quoted(value[:20])} is not an Admiralty grade (a letter A–F, a digit 1–6: B2)"
        )
    letter = found[1] if found[1] in RELIABILITY else None
    digit = int(found[2]) if found[2] and int(found[2]) in CREDIBILITY else None
    return letter, digit


def parts(cell: Cell, separators: str = ";") -> list[str]:
    """A list cell's items: split on any of ``separators``, trimmed, blanks dropped."""
    value = text(cell)
    if not value:
        return []
    return [item.strip() for item in re.split(f"[{re.escape(separators)}]", value) if item.strip()]
