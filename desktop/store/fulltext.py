"""Full-text search over incidents: an SQLite FTS5 index kept in step by the services.

The index is a separate FTS5 table whose rowid is ``incidents.id``. The services call
:func:`reindex` inside the same transaction as every write, so the index can never disagree
with committed data. Text is normalised the same way on both sides (index and query) so that
Arabic written with or without vowel marks, tatweel or hamza forms still matches.
"""

from __future__ import annotations

import re
import unicodedata
from operator import itemgetter
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy.orm import Session

    from desktop.store.models import Incident

FTS_TABLE = "incident_fts"
FTS_COLUMNS = ("title", "summary", "notes", "actors", "places", "excerpts")
# bm25 weights, in FTS_COLUMNS order: a word in the title counts most.
FTS_WEIGHTS = (10.0, 3.0, 1.0, 5.0, 5.0, 2.0)

CREATE_FTS_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    + ", ".join(FTS_COLUMNS)
    + ", tokenize = 'unicode61 remove_diacritics 2')"
)

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def _words(value: str) -> list[str]:
    """Split text the way FTS5's unicode61 tokenizer does: letters, digits and combining
    marks (Devanagari vowel signs …) make words; everything else separates them."""
    words: list[str] = []
    current: list[str] = []
    for char in value:
        category = unicodedata.category(char)
        if category[0] in "LNM" or category == "Co":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def normalise(value: str) -> str:
    """Fold the spelling variants a searcher should not have to match exactly."""
    if value.isascii():  # nothing to fold: NFKC, the marks and the folds are all non-ASCII
        return value
    value = unicodedata.normalize("NFKC", value)
    value = _ARABIC_MARKS.sub("", value)
    return value.translate(_ARABIC_FOLDS)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every word must occur, the last one as a prefix.

    Words are quoted, so the user's text can never be read as FTS5 syntax (``AND``, ``*``,
    ``"`` …). Returns None when the query holds no searchable word.
    """
    words = _words(normalise(query))
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"  # type-ahead: the word being typed matches as a prefix
    return " ".join(quoted)


def document(
    title: str,
    summary: str,
    notes: str,
    actors: Iterable[str],
    places: Iterable[str],
    excerpts: Iterable[str],
) -> dict[str, str]:
    """One index entry's columns, normalised; the single definition of what is searchable."""
    return {
        "title": normalise(title),
        "summary": normalise(summary),
        "notes": normalise(notes),
        "actors": normalise(" ; ".join(actors)),
        "places": normalise(" ".join(part for part in places if part)),
        "excerpts": normalise(" ; ".join(excerpts)),
    }


def _document(incident: Incident) -> dict[str, str]:
    return document(
        incident.title,
        incident.summary,
        incident.notes,
        (actor.name for actor in incident.actors),
        (incident.place_name, incident.admin1, incident.country),
        (c.excerpt for c in incident.citations),
    )


def supported(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def reindex(session: Session, incidents: Iterable[Incident]) -> None:
    """Replace the index entries of these incidents (flushed, so they have ids)."""
    if not supported(session):
        return
    rows = []
    ids = []
    for incident in incidents:
        ids.append({"id": incident.id})
        rows.append({"id": incident.id, **_document(incident)})
    if not rows:
        return
    session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), ids)
    columns = ", ".join(FTS_COLUMNS)
    values = ", ".join(f":{name}" for name in FTS_COLUMNS)
    session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, {columns}) VALUES (:id, {values})"), rows
    )


def insert_documents(session: Session, rows: Sequence[Mapping[str, object]]) -> None:
    """Add index entries for new incidents in one executemany (bulk import).

    Each row holds ``id`` (the incident's id) and the columns made by :func:`document`. Unlike
    :func:`reindex` nothing is deleted first: the ids are new, so there is nothing to replace.
    """
    if not rows or not supported(session):
        return
    columns = ", ".join(FTS_COLUMNS)
    placeholders = ", ".join("?" * (len(FTS_COLUMNS) + 1))
    # Straight to the driver as tuples: all text, nothing for SQLAlchemy to convert, and its
    # per-row parameter handling would cost as much as the indexing itself.
    values = itemgetter("id", *FTS_COLUMNS)
    session.connection().exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} (rowid, {columns}) VALUES ({placeholders})",
        [values(row) for row in rows],
    )


def remove(session: Session, incident_ids: Iterable[int]) -> None:
    if not supported(session):
        return
    params = [{"id": incident_id} for incident_id in incident_ids]
    if params:
        session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), params)


def rank_sql() -> str:
    """The bm25 expression (lower is better) with the column weights above."""
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    return f"bm25({FTS_TABLE}, {weights})"
