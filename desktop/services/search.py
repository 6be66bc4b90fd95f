"""Turning an :class:`IncidentQuery` into SQL: filters, full-text match and sort order.

Everything the incident table shows is filtered, sorted and paged here, in the database, so
the cost of a page grows with the rows shown rather than the rows stored.
"""

from __future__ import annotations

import math
import threading
import weakref
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Float,
    Integer,
    Select,
    false,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy import column as sql_column

from desktop.domain import TLP_LABELS, normalise_marking
from desktop.services.dto import SORT_KEYS, IncidentQuery
from desktop.services.listing import PAGE_SIZE
from desktop.services.matched_ids import matched_ids
from desktop.store import fts5, fulltext
from desktop.store.models import Citation, Incident, IncidentTag, Source

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import InstrumentedAttribute, Session
    from sqlalchemy.sql.elements import ColumnClause, ColumnElement

# The ranked columns are spelled as literal SQL, not bound parameters, because SQLite uses an
# index on an expression only when the query's expression is the same, literals included:
# migration 0004 indexes exactly these (deleted_at, expression) pairs, so every sort order
# reads its first page from an index instead of sorting all 100,000 rows for each page.
_CONFIDENCE_ORDER = literal_column(
    "CASE incidents.confidence WHEN 'high' THEN 3 WHEN 'moderate' THEN 2 WHEN 'low' THEN 1 "
    "ELSE 0 END",
    Integer,
)
_MARKING_ORDER = literal_column(
    "CASE incidents.marking "
    + " ".join(f"WHEN '{label}' THEN {len(TLP_LABELS) - i}" for i, label in enumerate(TLP_LABELS))
    + f" ELSE {len(TLP_LABELS) - TLP_LABELS.index('TLP:AMBER')} END",
    Integer,
)
_SORT_COLUMNS: dict[str, ColumnElement[object]] = {
    "when": Incident.start_at,  # type: ignore[dict-item]
    # Case-insensitive, so "al-Asad" sorts among the a's rather than after "Z".
    "title": func.lower(Incident.title),
    "place": func.lower(Incident.place_name),
    "type": Incident.sub_event_type,  # type: ignore[dict-item] # the Type column shows it
    "status": Incident.status,  # type: ignore[dict-item]
    "confidence": _CONFIDENCE_ORDER,  # type: ignore[dict-item]
    "sources": Incident.source_count,  # type: ignore[dict-item]
    "marking": _MARKING_ORDER,  # type: ignore[dict-item]
}


_LAST_DAY = (date.max.year, date.max.month, date.max.day)


def filtered(
    session: Session,
    query: IncidentQuery,
    stmt: Select,
    *,
    ranked: bool | None = None,
    best: int | None = None,
) -> Select:
    """Add the query's filters (and its full-text match) to a select over incidents.

    ``ranked`` says whether the match carries its rank (for :func:`ordered`); by default
    only when the query sorts by relevance. A count never needs it: scoring every match of a
    common word is most of the cost of searching 100,000 incidents. ``best`` (ranked only)
    keeps only the best-ranked matches, in :func:`ordered`'s order: a prefix of the full
    order, so the first page of a search is the same whenever it is full.
    """
    if query.deleted:
        stmt = stmt.where(Incident.deleted_at.is_not(None))
    else:
        stmt = stmt.where(Incident.deleted_at.is_(None))
    if query.since is not None:
        stmt = stmt.where(
            Incident.end_at >= datetime(query.since.year, query.since.month, query.since.day)
        )
    # The last day there is (9999-12-31) has no day after it: it bounds nothing. (A date or,
    # from some callers, a datetime: its day is what counts.)
    until = query.until
    if until is not None and (until.year, until.month, until.day) < _LAST_DAY:
        after = until + timedelta(days=1)
        stmt = stmt.where(Incident.start_at < datetime(after.year, after.month, after.day))
    for column, values in (
        (Incident.event_type, query.event_types),
        (Incident.country, query.countries),
        (Incident.status, query.statuses),
        (Incident.confidence, query.confidences),
        (Incident.marking, tuple(normalise_marking(m) for m in query.markings)),
    ):
        if values:
            stmt = stmt.where(column.in_(values))
    if query.area is not None:
        west, south, east, north = query.area
        stmt = stmt.where(Incident.lat.between(south, north), Incident.lon.between(west, east))
    if query.tags:
        stmt = stmt.where(Incident.id.in_(_tagged(query)))
    if query.source:
        stmt = stmt.where(Incident.id.in_(_citing(query)))
    if ranked is None:
        ranked = query.sort == "relevance"
    return _text_match(session, query, stmt, ranked, best)


def _tagged(query: IncidentQuery) -> Select:
    return select(IncidentTag.incident_id).where(IncidentTag.tag.in_(query.tags))


def _citing(query: IncidentQuery) -> Select:
    return (
        select(Citation.incident_id)
        .join(Source, Source.id == Citation.source_id)
        .where(Source.slug == query.source)
    )


# A read of every filtered incident (the map's and timeline's counts) filtered by a set of
# ids (a tag, a source, words) of at most this share of the stored incidents looks each of
# them up by id; a larger set is probed while walking the read's index (docs/performance.md).
LOOKUP_SHARE = 0.1


def aggregated(session: Session, query: IncidentQuery, stmt: Select) -> Select:
    """:func:`filtered` (unranked) for a read of all the filtered incidents, such as a count
    grouped by place or day: on SQLite, from the smallest of the query's sets of ids when few
    enough (each incident then read by id), else walking the statement's index."""
    expression = _expression(session, query)
    if session.get_bind().dialect.name != "sqlite" or not (
        query.tags or query.source or expression
    ):
        return filtered(session, query, stmt, ranked=False)
    sets: list[tuple[int, Any, IncidentQuery]] = []  # (size, ids, the query without them)
    for wanted, ids, rest in (
        (query.tags, _tagged(query), replace(query, tags=())),
        (query.source, _citing(query), replace(query, source=None)),
    ):
        if wanted:
            size = session.scalar(select(func.count()).select_from(ids.subquery()))
            sets.append((int(size or 0), ids, rest))
    if expression is not None:
        matches, stored = _sizes(session, expression)
        sets.append((matches, _match_ids(session, expression), replace(query, text="")))
    else:
        stored = int(session.scalar(_STORED) or 0)
    size, ids, rest = min(sets, key=lambda s: s[0])
    if size > stored * LOOKUP_SHARE:
        if expression is None:
            return filtered(session, query, stmt, ranked=False)
        probed = _match_ids(session, expression, probed=True)
        return filtered(session, replace(query, text=""), stmt).where(Incident.id.in_(probed))
    # Distinct (an incident may carry two of the tags) and materialised: built once, then
    # SQLite reads the incidents by id, whatever it would guess about the set's size.
    chosen = select(ids.subquery().c[0].label("id")).distinct().cte("chosen")
    chosen = chosen.prefix_with("MATERIALIZED")
    stmt = filtered(session, rest, stmt, ranked=False)
    return stmt.join(chosen, chosen.c.id == Incident.id)


def probed_words(session: Session, query: IncidentQuery) -> str | None:
    """The match expression of ``query``'s words when they match more than
    :data:`LOOKUP_SHARE` of the stored incidents (SQLite): a set that :func:`aggregated`
    probes while walking an index, never reads by id. None otherwise."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    expression = _expression(session, query)
    if expression is None:
        return None
    matches, stored = _sizes(session, expression)
    return expression if matches > stored * LOOKUP_SHARE else None


def _text_match(
    session: Session, query: IncidentQuery, stmt: Select, ranked: bool, best: int | None
) -> Select:
    if not query.text.strip():
        return stmt
    if not ranked:
        expression = fulltext.walkable_expression(session, query.text)
    else:
        expression = fulltext.search_expression(session, query.text)
    if expression is None:
        return stmt.where(false())
    if not ranked:
        # A set of ids: the database builds it once, then (SQLite) walks the incidents in the
        # sort's index order and stops at the page's last row, or counts without scoring.
        return stmt.where(Incident.id.in_(_match_ids(session, expression)))
    # With best, the same order as ordered() (rank, then id), so this is a prefix of it.
    sql = fulltext.matches_sql(session, ranked=True, best=best, descending=query.descending)
    matches = (
        text(sql)
        .bindparams(match=expression)
        .columns(id=Integer, rank=Float)
        # Materialised: the MATCH runs once. As a plain subquery SQLite may instead walk
        # the incidents of a filter (a country …) and run the MATCH again for each one
        # (timings: docs/performance.md, "Measurements behind the code").
        .cte("fts")
        .prefix_with("MATERIALIZED")
    )
    return stmt.join(matches, matches.c.id == Incident.id)


def ordered(session: Session, query: IncidentQuery, stmt: Select) -> Select:
    """Apply the sort; ties are broken by insertion order so paging is stable."""
    if query.sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {query.sort!r}")
    relevant = fulltext.search_expression(session, query.text) is not None
    if query.sort == "relevance" and relevant and fulltext.supported(session):
        rank: ColumnClause[float] = literal_column("fts.rank", Float)
        # The rank is lower-is-better, so "descending relevance" means ascending rank.
        if query.descending:
            return stmt.order_by(rank.asc(), Incident.id.desc())
        return stmt.order_by(rank.desc(), Incident.id.asc())
    column = _SORT_COLUMNS.get(query.sort, Incident.start_at)
    if query.descending:
        return stmt.order_by(column.desc(), Incident.id.desc())
    return stmt.order_by(column.asc(), Incident.id.asc())


def _match_ids(session: Session, expression: str, *, probed: bool = False) -> Any:
    """A select of the ids of the incidents (live or trashed) matching ``expression``;
    ``probed`` for an ``IN`` that is built in full: SQLite builds its set faster from the ids
    in order (the full-text index does not hold them sorted by id)."""
    sql = fulltext.matches_sql(session, ranked=False)
    if probed and fulltext.backend(session) == fulltext.SQLITE:
        sql += " ORDER BY id"
    return text(sql).bindparams(match=expression).columns(id=Integer)


def _expression(session: Session, query: IncidentQuery) -> str | None:
    """The query's match expression for unranked reads (counts, pages in a column's order)."""
    return fulltext.walkable_expression(session, query.text) if query.text.strip() else None


def _text_only(query: IncidentQuery) -> bool:
    """Whether the query's only filter is its text (besides live-or-trashed)."""
    return not replace(query, text="").is_filtered


def count(session: Session, query: IncidentQuery) -> int:
    """How many incidents match ``query``, without walking every incident for a text search.

    Counting ``live AND id IN matches`` walks the index of live incidents from end to end,
    probing the set of matches for each, a cost that grows with the workspace even when
    nothing matches.
    When the text is the only filter, the live matches are instead the index's matches less
    the trashed ones, and there are few of those. With other filters (SQLite), few matches
    are counted from the matches themselves, each looked up by id; a common word's from the
    other filters' index, probing the set of matches; others as SQLite plans them.
    """
    expression = _expression(session, query)
    if expression is None or query.deleted:
        return _count(session, query)
    if _text_only(query):
        return _count_text(session, expression)
    if fulltext.backend(session) == fulltext.SQLITE:
        matches, stored = _sizes(session, expression)
        stmt = select(func.count()).select_from(Incident)
        if matches < few_matches(PAGE_SIZE, stored):  # as for the table's first page
            stmt = _from_matches(session, query, stmt, expression)
            return int(session.scalar(stmt) or 0)
        if matches * COMMON_MATCHES_SHARE >= stored:
            # A common word: walk the other filters' index and probe the set of matches.
            # "id + 0" keeps SQLite from seeking every match in that index instead, which
            # costs more for a common word. For rarer words seeking each match is the
            # cheaper, and is what SQLite does by itself (docs/performance.md).
            stmt = filtered(session, replace(query, text=""), stmt)
            # The connection's kept matches when it can keep them: the same search's next
            # count on it (a country added) then probes them instead of building the set.
            kept = matched_ids(session, expression)
            ids = _match_ids(session, expression) if kept is None else kept
            stmt = stmt.where((Incident.id + 0).in_(ids))
            return int(session.scalar(stmt) or 0)
    return _count(session, query)


def _count(session: Session, query: IncidentQuery) -> int:
    stmt = filtered(session, query, select(func.count(Incident.id)), ranked=False)
    return int(session.scalar(stmt) or 0)


def _count_text(session: Session, expression: str) -> int:
    """The live incidents matching ``expression``: all matches less the trashed ones."""
    matches = _match_ids(session, expression)
    trashed = (
        select(func.count())
        .select_from(Incident)
        .where(Incident.deleted_at.is_not(None))
        # "id + 0": no index can look it up, so SQLite walks the few trashed incidents (an
        # index on deleted_at) and probes the set of matches, built only if any is trashed.
        # As "id IN (…)" it would look up every match by id instead, for a common word
        # tens of thousands of lookups to find none of them in the trash.
        .where((Incident.id + 0).in_(matches))
    )
    stmt = select(
        select(func.count()).select_from(matches.subquery()).scalar_subquery(),
        trashed.scalar_subquery(),
        _STORED.scalar_subquery(),
    )
    total, in_trash, stored = session.execute(stmt).one()
    _remember(session, expression, int(total), int(stored or 0))
    return int(total) - int(in_trash)


# A page of a text search with other filters, or in a column's order other than When, can be
# read two ways (SQLite), both exact:
# - walk the sort's index (migration 0004) from the top, keep the incidents in the set of
#   matches, stop at the page's end. It builds the set (a cost per match) and passes about
#   (offset + limit) × stored / matches incidents;
# - look up every match by id and sort them: a random read of a row per match.
# They cost the same at about sqrt(rows × stored × FEW_MATCHES_FACTOR) matches, the factor
# measured with each way forced (docs/performance.md). Fewer matches take the second way.
FEW_MATCHES_FACTOR = 0.1
# Up to this many matches, sorting them is cheap whatever the workspace's size.
FEW_MATCHES_FLOOR = 200
# A word matching at least one stored incident in this many is common (see count()).
COMMON_MATCHES_SHARE = 4
_STORED = select(func.max(Incident.id))  # as many as ever stored: ids are not reused


def few_matches(rows: int, stored: int) -> int:
    """Up to how many matches a page ending at ``rows`` is read by sorting the matches."""
    return max(FEW_MATCHES_FLOOR, math.isqrt(int(rows * stored * FEW_MATCHES_FACTOR)))


class _Recent:
    """Small facts about recent searches, per database, the oldest forgotten first.

    Shared by the GUI thread and background tasks (exports search too), hence the lock; keyed
    by the engine, so a closed workspace's facts go with it.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._by_database: weakref.WeakKeyDictionary[object, dict[Any, Any]] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def get(self, session: Session, key: Any) -> Any:
        with self._lock:
            return self._by_database.get(session.get_bind(), {}).get(key)

    def put(self, session: Session, key: Any, value: Any) -> None:
        with self._lock:
            known = self._by_database.setdefault(session.get_bind(), {})
            known.pop(key, None)
            known[key] = value
            while len(known) > self._size:
                del known[next(iter(known))]  # the oldest


# How many matches recent searches had (expression → matches, stored): a hint that spares a
# count the extra pass over the index that only chose how to read a page of the same search
# (the table reads a filtered search's first page, then counts it). Only the speed depends on
# it, never the rows: both ways read the same ones, so a count a few edits old chooses no
# worse than a fresh one.
_SIZES = _Recent(64)


def _remember(session: Session, expression: str, matches: int, stored: int) -> None:
    _SIZES.put(session, expression, (matches, stored))


def _sizes(session: Session, expression: str) -> tuple[int, int]:
    """How many incidents (live or trashed) match ``expression``, and how many are stored:
    recent figures when there are some (see :data:`_SIZES`), else read and remembered."""
    known: tuple[int, int] | None = _SIZES.get(session, expression)
    if known is not None:
        return known
    matches = _match_ids(session, expression)
    stmt = select(
        select(func.count()).select_from(matches.subquery()).scalar_subquery(),
        _STORED.scalar_subquery(),
    )
    total, stored = session.execute(stmt).one()
    _remember(session, expression, int(total), int(stored or 0))
    return int(total), int(stored or 0)


def page(
    session: Session,
    query: IncidentQuery,
    columns: Sequence[InstrumentedAttribute[Any]],
    offset: int,
    limit: int,
    *,
    best: int | None = None,
    few: int | None = None,
) -> Select:
    """The select of one page of ``columns`` of the incidents matching ``query``, in order.

    On SQLite, a text search alone in When order (what typing in the search box gives) is
    read from the index, which keeps that order (:func:`_in_time_order`). With other filters
    or in another column's order it reads its page the cheaper of two ways (see
    :data:`FEW_MATCHES_FACTOR`). All are exact and in the same order: same rows, same ties
    broken by id, so paging is stable whichever way each page took. ``few`` overrides the
    crossover (tests force each way with it); ``best`` is as in :func:`filtered`.
    """
    return _select_page(
        session, query, columns, offset, limit, _expression(session, query), best=best, few=few
    )


def _select_page(
    session: Session,
    query: IncidentQuery,
    columns: Sequence[InstrumentedAttribute[Any]],
    offset: int,
    limit: int,
    expression: str | None,
    *,
    best: int | None = None,
    few: int | None = None,
) -> Select:
    """:func:`page`, with the query's match expression read already (it reads the index)."""
    if expression is not None and _walks_the_index(session, query):
        return _in_time_order(query, columns, expression, offset, limit)
    stmt = select(*columns)
    if (
        expression is not None
        and query.sort != "relevance"
        and not query.deleted
        and fulltext.backend(session) == fulltext.SQLITE
    ):
        matches, stored = _sizes(session, expression)
        if few is None:
            few = few_matches(offset + limit, stored)
        if matches < few:
            stmt = _from_matches(session, query, stmt, expression)
            return ordered(session, query, stmt).offset(offset).limit(limit)
    stmt = filtered(session, query, stmt, best=best)
    return ordered(session, query, stmt).offset(offset).limit(limit)


def read_page(
    session: Session,
    query: IncidentQuery,
    columns: Sequence[InstrumentedAttribute[Any]],
    offset: int,
    limit: int,
    *,
    best: int | None = None,
) -> list[Sequence[Any]]:
    """The rows of :func:`page`. A text search read from the index (see there) goes on from
    where the previous page of the same search ended: with ``OFFSET`` every page would pass
    over all the rows before it, so the last pages of a common word would be the slowest."""
    expression = _expression(session, query)
    if expression is None or not _walks_the_index(session, query):
        stmt = _select_page(session, query, columns, offset, limit, expression, best=best)
        return list(session.execute(stmt))
    rowid = _FTS.c.rowid
    after: int | None = _PAGE_ENDS.get(session, (expression, query.descending, offset))
    if after is None:
        stmt = _in_time_order(query, (*columns, rowid), expression, offset, limit)
    else:
        stmt = _in_time_order(query, (*columns, rowid), expression, 0, limit)
        stmt = stmt.where(rowid < after if query.descending else rowid > after)
    rows = session.execute(stmt).all()
    if rows:
        end = (expression, query.descending, offset + len(rows))
        _PAGE_ENDS.put(session, end, rows[-1][-1])
    return [row[:-1] for row in rows]


def _walks_the_index(session: Session, query: IncidentQuery) -> bool:
    """Whether a page of ``query`` (which has a text) is read from the index in its order."""
    return (
        query.sort == "when"
        and not query.deleted
        and _text_only(query)
        and fulltext.backend(session) == fulltext.SQLITE
    )


# Where recent pages of text searches read from the index ended: (expression, descending,
# rows read) → the index key of the last row. The next page starts after that key. If the
# stored rows changed meanwhile this continues the list the reader has (no row twice, none
# skipped), which is what a reader paging through it wants.
_PAGE_ENDS = _Recent(256)


_FTS = table(fts5.FTS_TABLE, sql_column("rowid", Integer))


def _in_time_order(
    query: IncidentQuery,
    columns: Sequence[Any],
    expression: str,
    offset: int,
    limit: int,
) -> Select:
    """A page of a text search in When order, read from the index in its rowid order.

    The index's rowids sort as (start_at, id) do (:mod:`desktop.store.fts5`), so FTS5 hands
    over the matches in the table's order and the page stops at its last row: its cost grows
    with the rows shown, not with the matches (those of "drone" are 40% of the workspace).
    """
    rowid = _FTS.c.rowid
    stmt = (
        select(*columns)
        .select_from(_FTS)
        .join(Incident, Incident.id == rowid.op("&")(fts5.ID_MASK))
        .where(text(f"{fts5.FTS_TABLE} MATCH :match").bindparams(match=expression))
        .where(Incident.deleted_at.is_(None))
    )
    return (
        stmt.order_by(rowid.desc() if query.descending else rowid.asc()).offset(offset).limit(limit)
    )


def _from_matches(session: Session, query: IncidentQuery, stmt: Select, expression: str) -> Select:
    """``stmt`` over the matches, each looked up by id, then the other filters."""
    matches = (
        _match_ids(session, expression)
        # Materialised: the MATCH runs once, whatever order SQLite joins in (see _text_match).
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    stmt = filtered(session, replace(query, text=""), stmt)
    return stmt.join(matches, matches.c.id == Incident.id)
