"""Turning an :class:`IncidentQuery` into SQL: filters, full-text match and sort order.

Everything the incident table shows is filtered, sorted and paged here, in the database, so
the cost of a page grows with the rows shown rather than the rows stored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    Float,
    Integer,
    Select,
    false,
    func,
    literal_column,
    select,
    text,
)

from desktop.domain import TLP_LABELS, normalise_marking
from desktop.services.dto import SORT_KEYS, IncidentQuery
from desktop.store import fulltext
from desktop.store.models import Citation, Incident, IncidentTag, Source

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
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
        stmt = stmt.where(Incident.end_at >= datetime(query.since.year, query.since.month,
                                                      query.since.day))
    if query.until is not None:
        after = query.until + timedelta(days=1)
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
    if query.tags:
        tagged = select(IncidentTag.incident_id).where(IncidentTag.tag.in_(query.tags))
        stmt = stmt.where(Incident.id.in_(tagged))
    if query.source:
        citing = (
            select(Citation.incident_id)
            .join(Source, Source.id == Citation.source_id)
            .where(Source.slug == query.source)
        )
        stmt = stmt.where(Incident.id.in_(citing))
    if ranked is None:
        ranked = query.sort == "relevance"
    return _text_match(session, query, stmt, ranked, best)


def _text_match(
    session: Session, query: IncidentQuery, stmt: Select, ranked: bool, best: int | None
) -> Select:
    if not query.text.strip():
        return stmt
    expression = fulltext.search_expression(session, query.text)
    if expression is None:
        return stmt.where(false())
    if not ranked:
        # A set of ids: the database builds it once, then (SQLite) walks the incidents in the
        # sort's index order and stops at the page's last row, or counts without scoring.
        ids = text(fulltext.matches_sql(session, ranked=False)).bindparams(match=expression)
        return stmt.where(Incident.id.in_(ids.columns(id=Integer)))
    # With best, the same order as ordered() (rank, then id), so this is a prefix of it.
    sql = fulltext.matches_sql(session, ranked=True, best=best, descending=query.descending)
    matches = (
        text(sql)
        .bindparams(match=expression)
        .columns(id=Integer, rank=Float)
        # Materialised: the MATCH runs once. As a plain subquery SQLite may instead walk
        # the incidents of a filter (a country …) and run the MATCH again for each one,
        # which took 0.8 s for "drone" in Iraq at 10,000 incidents.
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
