"""A spreadsheet's rows made records (:mod:`desktop.formats.table`'s, ACLED's), whole or in
parts: each row checked with the workspace's rules, the first bad one refusing the file
(``row 6: when.start: missing``), or with ``skip_invalid`` left out and listed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.errors import ValidationError
from desktop.formats import peers
from desktop.formats.base import PART, Part
from desktop.records import Document
from desktop.wording import quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from desktop.formats.base import Checks
    from desktop.formats.sheets import Cell
    from desktop.formats.table import Layout
    from desktop.records import IncidentData, SourceData


class Reading:
    """Rows made records and checked, the sources they name gathered; with
    ``skip_invalid`` a bad row is listed in ``skipped`` rather than refusing the file."""

    def __init__(self, checks: Checks, make: Any, skip_invalid: bool) -> None:
        self.checks, self.make = checks, make
        self.book = peers.SourceBook()
        self.skipped: list[str] = []
        self.listed = self.skipped if skip_invalid else None
        self.seen: dict[str, int] = {}

    def records(self, rows: Iterable[tuple[int, list[Cell]]], at: Layout) -> Iterator[Any]:
        for number, values in rows:
            data = _record(
                number, values, at, self.checks, self.make, self.book, self.seen, self.listed
            )
            if data is not None:
                yield data

    def sources(self, start: int = 0) -> tuple[SourceData, ...]:
        """The sources named (from the ``start``-th), checked."""
        sources = self.book.sources()[start:]
        for source in sources:
            try:
                self.checks.source(source)
            except ValidationError as exc:
                raise exc.under(f"source {quoted(source.name[:60])}") from None
        return sources


def read_rows(
    rows: Iterable[tuple[int, list[Cell]]],
    at: Layout,
    checks: Checks,
    make: Any,
    skip_invalid: bool = False,
) -> Document:
    """Records from rows, ``make(row cells, sources) → IncidentData`` each; a problem is
    told with its sheet row, or the row is left out and listed when ``skip_invalid``."""
    reading = Reading(checks, make, skip_invalid)
    incidents = tuple(reading.records(rows, at))
    named = frozenset(reading.book.named_only)
    return Document(reading.sources(), incidents, named_only=named, skipped=tuple(reading.skipped))


def stream_rows(
    rows: Iterable[tuple[int, list[Cell]]],
    at: Layout,
    checks: Checks,
    make: Any,
    skip_invalid: bool = False,
    expected: int = 0,
) -> Iterator[Part]:
    """:func:`read_rows` as parts of 500 incidents (a streaming import's), each with the
    sources its rows named first. For files whose rows never give a named source a grade
    (ACLED's): a later grade could not change a source already handed on."""
    reading = Reading(checks, make, skip_invalid)
    pending: list[IncidentData] = []
    told = first = 0

    def part(exact: bool) -> Part:
        nonlocal told, first
        sources = reading.sources(told)
        done = first + len(pending)
        made = Part(
            sources=sources,
            incidents=tuple(pending),
            first=first,
            expected=done if exact else max(expected, done),
            exact=exact,
            named_only=frozenset(reading.book.named_only),
            skipped=tuple(reading.skipped),
        )
        told, first = told + len(sources), done
        pending.clear()
        reading.skipped.clear()
        return made

    for data in reading.records(rows, at):
        pending.append(data)
        if len(pending) >= PART:
            yield part(exact=False)
    yield part(exact=True)


def _record(
    number: int,
    values: list[Cell],
    at: Layout,
    checks: Checks,
    make: Any,
    book: peers.SourceBook,
    seen: dict[str, int],
    skipped: list[str] | None,
) -> IncidentData | None:
    """One row's checked record; None when it is invalid and ``skipped`` lists it."""
    try:
        data: IncidentData = make(values, at, book)
        checks.incident(data)
        if data.id in seen:
            raise ValidationError("id", f"the same incident as row {seen[data.id]}")
    except ValidationError as exc:
        where = f"row {number}: {exc.field}" if exc.field else f"row {number}"
        if skipped is None:
            raise ValidationError(where, exc.problem) from None
        skipped.append(f"{where}: {exc.problem}")
        return None
    seen[data.id or ""] = number
    return data
