"""Full-text search over incidents: an index kept in step by the services, on both backends.

SQLite: a separate FTS5 table whose rowids sort as the table's When column (see
:mod:`desktop.store.fts5`, which keeps it). PostgreSQL: a table of one
``tsvector`` per incident with a GIN index (migration 0005). The services call
:func:`reindex` inside the same transaction as every write, so the index can never disagree
with committed data. Text is normalised the same way on both sides (index and query) so that
Arabic written with or without vowel marks, tatweel or hamza forms still matches.

On PostgreSQL the words are split, case-folded and stripped of Latin accents here, in Python,
and handed over as ready-made ``tsvector`` / ``tsquery`` values: the server's own parser and
lower-casing depend on its locale (a ``C`` server folds only ASCII) and cut words at marks,
so doing it here makes index and query agree on every server, the way FTS5's unicode61
tokenizer makes them agree on SQLite.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from desktop.domain import country_name
from desktop.errors import StoreError
from desktop.folding import fold_arabic, is_symbol
from desktop.store import fts5

# Defined with the index's other SQLite details, and used from here as before.
from desktop.store.fts5 import CREATE_FTS_SQL as CREATE_FTS_SQL
from desktop.store.fts5 import FTS_COLUMNS as FTS_COLUMNS
from desktop.store.fts5 import FTS_TABLE as FTS_TABLE

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy.engine import Connection

    from desktop.store.models import Incident

# bm25 weights, in FTS_COLUMNS order: a word in the title counts most.
FTS_WEIGHTS = (10.0, 3.0, 1.0, 5.0, 5.0, 2.0)

# PostgreSQL's index (migration 0005). The name starts with FTS_TABLE so that Alembic's
# autogenerate leaves it alone like FTS5's tables (see migrations/env.py).
PG_TABLE = "incident_fts_pg"
# tsvector weights (A is the heaviest), in the same order of importance as FTS_WEIGHTS.
PG_WEIGHTS = {
    "title": "A",
    "actors": "B",
    "places": "B",
    "summary": "C",
    "excerpts": "D",
    "notes": "D",
}
# ts_rank_cd's weights of D, C, B and A (PostgreSQL's order).
PG_RANK_WEIGHTS = (0.2, 0.3, 0.5, 1.0)
# tsvector limits: a position is at most 16383, a lexeme keeps at most 256 positions, a
# lexeme is shorter than 2 KB (500 characters are at most 2000 bytes of UTF-8).
_PG_MAX_POSITION = 16383
_PG_MAX_POSITIONS = 256
_PG_MAX_LEXEME = 500
# A tsvector holds at most 1 MB: keep well under it.
_PG_MAX_SIZE = 900_000


def _words(value: str) -> list[str]:
    """Split text the way FTS5's unicode61 tokenizer does: letters, digits, combining marks
    (Devanagari vowel signs …) and symbols (emoji, set apart by :func:`normalise`) make
    words; everything else separates them."""
    words: list[str] = []
    current: list[str] = []
    for char in value:
        category = unicodedata.category(char)
        if category[0] in "LNM" or category == "Co" or is_symbol(char):
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
    # The same Arabic marks and letters as the gazetteer folds (desktop/folding.py).
    value = fold_arabic(value)
    candidate, selectors, gaps = _symbols()
    if candidate.search(value) is None:  # most text: one quick scan
        return value
    return gaps.sub(" ", selectors.sub("", value))


def _character_class(codes: Iterable[int], extra: str = "") -> str:
    ranges: list[tuple[int, int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return (
        "["
        + "".join(
            re.escape(chr(first)) + ("-" + re.escape(chr(last)) if last > first else "")
            for first, last in ranges
        )
        + extra
        + "]"
    )


@cache
def _symbols() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What may be a symbol (emoji, ©, °); the emoji presentation selector after one (❤️);
    the places beside one that need a space: each symbol is made a word of its own, so
    "🔥Fire" is found by "🔥" and by "fire", and the selector goes (FTS5 drops it; it is no
    word). Listed once, the first time non-ASCII text is normalised (a pass over the code
    points: Python's regular expressions name no categories).

    The first pattern is the quick test: the symbols below U+10000 make a class Python's
    regular expressions test with one table look-up a character, and any character beyond
    (emoji, mostly) is a candidate; hundreds of exact ranges beyond it are tried one by one,
    ten times as slow over every text indexed.
    """
    codes = [code for code in range(0xA0, 0x30000) if is_symbol(chr(code))]
    symbol = _character_class(codes)
    candidate = _character_class((c for c in codes if c < 0x10000), "\U00010000-\U0010ffff")
    selectors = re.compile(f"(?<={symbol})[\ufe0e\ufe0f]+")
    gaps = re.compile(f"(?<=\\S)(?={symbol})|(?<={symbol})(?=\\S)")
    return re.compile(candidate), selectors, gaps


def _fold(word: str) -> str:
    """A word as FTS5's unicode61 tokenizer (remove_diacritics 2) indexes it: lower case,
    Latin letters without their accents (é → e), other scripts' marks kept."""
    if word.isascii():
        return word.lower()[:_PG_MAX_LEXEME]
    folded: list[str] = []
    latin = True  # a mark with no letter before it is dropped too (´ becomes space + mark)
    for char in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.category(char) == "Mn":
            if latin:
                continue  # an accent on a Latin letter
        else:
            latin = "LATIN" in unicodedata.name(char, "")
        folded.append(char)
    return unicodedata.normalize("NFC", "".join(folded)).replace("ς", "σ")[:_PG_MAX_LEXEME]


def lexemes(value: str) -> list[str]:
    """The words of normalised text as PostgreSQL's index holds them."""
    return [lexeme for lexeme in map(_fold, _words(value)) if lexeme]


def _quote_lexeme(lexeme: str) -> str:
    # Words hold only letters, digits and marks, so this never changes anything; it is here
    # so that no text can ever be read as tsvector or tsquery syntax, whatever _words does.
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


MIN_PREFIX = 2  # letters before the word being typed is searched as a prefix


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every word must occur, the last one as a prefix.

    Words are quoted, so the user's text can never be read as FTS5 syntax (``AND``, ``*``,
    ``"`` …). Returns None when the query holds no searchable word.
    """
    return _fts5_expression(*_typed(_words(normalise(query))))


def _fts5_expression(words: list[str], prefix: bool) -> str | None:
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    if prefix:
        quoted[-1] += "*"  # type-ahead: the word being typed matches as a prefix
    return " ".join(quoted)


# Words FTS5 is sure to fold as str.lower() does: ASCII letters and digits, and Arabic
# letters and digits as normalise() leaves them (no case, no marks). The word list is used
# only for these; any other prefix stays an FTS5 prefix, slower but never missing a word.
_PLAIN_WORD = re.compile("[0-9A-Za-z\u0621-\u063a\u0641-\u064a\u0660-\u0669]+")


def walkable_expression(session: Session, query: str) -> str | None:
    """:func:`search_expression`, with (SQLite) the word being typed spelled out as the words
    of the index it begins: ``"convoy" OR "convoys"`` rather than ``"conv"*``.

    The same incidents match. FTS5 merges every word of a prefix before it returns its first
    match, a cost for a common word whatever the page; it walks
    an OR of words side by side, so reading the newest matches stops at the page's end (see
    :mod:`desktop.store.fts5`). Ranking keeps the prefix: bm25 weighs an OR's words apart.
    The words are read in their own statement: a word another program commits between it and
    the search is missed by this one read, and found by the refresh its change brings.
    """
    if backend(session) != SQLITE:
        return search_expression(session, query)
    words, prefix = _typed(_words(normalise(query)))
    expression = _fts5_expression(words, prefix)
    if expression is None or not prefix or not _PLAIN_WORD.fullmatch(words[-1]):
        return expression
    terms = fts5.prefix_terms(session.connection(), words[-1].lower())
    if not terms:  # too many words to name, or none: then the prefix matches nothing either
        return expression
    spelled = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return " AND ".join([*(f'"{word}"' for word in words[:-1]), f"({spelled})"])


def _typed(words: list[str]) -> tuple[list[str], bool]:
    """The words to search and whether the last is a prefix (the word being typed).

    A one-letter prefix matches nearly every incident and costs a full scan of the index
    for nothing: "drone a" searches "drone" until the second letter comes, and a lone
    letter is searched as a whole word. A symbol (an emoji) is a whole word already.
    """
    if words and is_symbol(words[-1][0]):
        return words, False
    if not words or len(words[-1]) >= MIN_PREFIX:
        return words, bool(words)
    if len(words) > 1:
        return words[:-1], False
    return words, False


def tsquery_expression(query: str) -> str | None:
    """A PostgreSQL ``tsquery`` value: every word must occur, the last one as a prefix.

    Each lexeme is quoted, so ``&``, ``|``, ``!``, ``<->``, ``:*`` or quotes typed by the user
    are never operators (most are not even part of a word). It is bound as a parameter and
    cast, never spliced into SQL. Returns None when the query holds no searchable word.
    """
    words, prefix = _typed(lexemes(normalise(query)))
    if not words:
        return None
    quoted = [_quote_lexeme(word) for word in words]
    if prefix:
        quoted[-1] += ":*"  # type-ahead: the word being typed matches as a prefix
    return " & ".join(quoted)


def tsvector(entry: Mapping[str, str]) -> str:
    """A PostgreSQL ``tsvector`` value of one index entry (the columns of :func:`document`),
    each word with its position and its column's weight, so ``ts_rank_cd`` can rank."""
    positions: dict[str, list[tuple[int, str]]] = {}
    position = 0
    size = 0  # what the literal will take, at least as much as the stored tsvector
    for column in FTS_COLUMNS:
        weight = PG_WEIGHTS[column]
        for word in lexemes(entry[column]):
            position = min(position + 1, _PG_MAX_POSITION)
            seen = positions.get(word)
            if seen is None:
                size += len(word.encode()) + 4
                if size > _PG_MAX_SIZE:
                    continue  # a book pasted into the notes: its end is not searchable
                seen = positions[word] = []
            # Past the last position all words share it: note it once per word.
            if len(seen) < _PG_MAX_POSITIONS and (not seen or seen[-1][0] != position):
                seen.append((position, weight))
                size += 7
        position += 1  # a gap, so that no phrase spans two columns
    return " ".join(
        _quote_lexeme(word) + ":" + ",".join(f"{at}{weight}" for at, weight in seen)
        for word, seen in positions.items()
    )


def document(
    title: str,
    summary: str,
    notes: str,
    actors: Iterable[str],
    places: Iterable[str],
    excerpts: Iterable[str],
) -> dict[str, str]:
    """One index entry's columns, normalised; the single definition of what is searchable."""
    return dict(
        zip(
            FTS_COLUMNS,
            document_values(title, summary, notes, actors, places, excerpts),
            strict=True,
        )
    )


def document_values(
    title: str,
    summary: str,
    notes: str,
    actors: Iterable[str],
    places: Iterable[str],
    excerpts: Iterable[str],
) -> tuple[str, str, str, str, str, str]:
    """:func:`document` as a tuple in :data:`FTS_COLUMNS` order (a bulk import holds
    100,000 of them until its end: no dictionary each)."""
    return (
        normalise(title),
        normalise(summary),
        normalise(notes),
        normalise(" ; ".join(actors)),
        normalise(" ".join(part for part in places if part)),
        normalise(" ; ".join(excerpts)),
    )


def place_words(name: str, admin1: str, country: str) -> tuple[str, ...]:
    """What a place is found by: its names, and its country's code and name ("IQ", "Iraq")."""
    return (name, admin1, country, country_name(country))


def _document(incident: Incident) -> dict[str, str]:
    return document(
        incident.title,
        incident.summary,
        incident.notes,
        (actor.name for actor in incident.actors),
        place_words(incident.place_name, incident.admin1, incident.country),
        (c.excerpt for c in incident.citations),
    )


SQLITE = "sqlite"
POSTGRESQL = "postgresql"


def backend(session: Session) -> str:
    return session.get_bind().dialect.name


def supported(session: Session) -> bool:
    """Whether this database has an index (SQLite and PostgreSQL, the two Incident Desk uses)."""
    return backend(session) in (SQLITE, POSTGRESQL)


_PG_INSERT_SQL = (
    f"INSERT INTO {PG_TABLE} (incident_id, document) VALUES (:id, CAST(:document AS tsvector))"
)
_PG_UPSERT_SQL = (
    _PG_INSERT_SQL + " ON CONFLICT (incident_id) DO UPDATE SET document = EXCLUDED.document"
)


def _pg_rows(rows: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    return [
        {"id": row["id"], "document": tsvector({c: str(row[c]) for c in FTS_COLUMNS})}
        for row in rows
    ]


def reindex(session: Session, incidents: Iterable[Incident]) -> None:
    """Replace the index entries of these incidents (flushed, so they have ids)."""
    name = backend(session)
    if name not in (SQLITE, POSTGRESQL):
        return
    rows = [
        {"id": incident.id, "start_at": incident.start_at, **_document(incident)}
        for incident in incidents
    ]
    if not rows:
        return
    if name == POSTGRESQL:
        session.execute(text(_PG_UPSERT_SQL), _pg_rows(rows))
        return
    _write(session, rows, new=False)


def insert_documents(session: Session, rows: Sequence[Mapping[str, object]]) -> None:
    """Add index entries for new incidents (bulk import), several executemany in all.

    Each row holds ``id`` and ``start_at`` (the incident's) and the columns made by
    :func:`document`. Unlike :func:`reindex` nothing is deleted first: the ids are new.
    """
    if not rows:
        return
    name = backend(session)
    if name == POSTGRESQL:
        session.execute(
            text(_PG_INSERT_SQL),
            _pg_rows(rows),
        )
    elif name == SQLITE:
        _write(session, rows, new=True)


def insert_keyed(
    session: Session, entries: Sequence[tuple[object, ...]], keys: Sequence[tuple[int, int]]
) -> None:
    """SQLite: add the entries of new incidents made ready by the caller: ``entries`` are
    (key, *columns of :func:`document_values`) in key order, ``keys`` (incident id, key)
    pairs (see :func:`desktop.store.fts5.insert_keyed`)."""
    fts5.insert_keyed(session.connection(), entries, keys)
    session.info.setdefault(_TERMS_DUE, set()).update(key for _id, key in keys)


# session.info: the keys of the entries written in this transaction whose words the word list
# may lack; added once, as it commits (an import writes in many batches).
_TERMS_DUE = "fulltext_terms_due"


def _write(session: Session, rows: Sequence[Mapping[str, object]], *, new: bool) -> None:
    keys = fts5.write(session.connection(), rows, new=new)
    session.info.setdefault(_TERMS_DUE, set()).update(keys)


@event.listens_for(Session, "before_commit")
def _add_terms(session: Session) -> None:
    # Before the commit, so that no search ever sees an entry whose words the list lacks.
    keys = session.info.pop(_TERMS_DUE, None)
    if keys:
        fts5.add_terms(session.connection(), keys)


def remove(session: Session, incident_ids: Iterable[int]) -> None:
    name = backend(session)
    if name == POSTGRESQL:
        params = [{"id": incident_id} for incident_id in incident_ids]
        if params:
            session.execute(text(f"DELETE FROM {PG_TABLE} WHERE incident_id = :id"), params)
    elif name == SQLITE:
        fts5.remove(session.connection(), incident_ids)


def rank_sql() -> str:
    """The bm25 expression (lower is better) with the column weights above."""
    weights = ", ".join(str(w) for w in FTS_WEIGHTS)
    return f"bm25({FTS_TABLE}, {weights})"


def _pg_rank_sql() -> str:
    """ts_rank_cd with the weights above, negated so that lower is better, as with bm25."""
    weights = ",".join(str(w) for w in PG_RANK_WEIGHTS)
    return f"-ts_rank_cd('{{{weights}}}', document, CAST(:match AS tsquery))"


def search_expression(session: Session, query: str) -> str | None:
    """What :func:`matches_sql` binds as ``:match`` for this database; None without words."""
    if backend(session) == POSTGRESQL:
        return tsquery_expression(query)
    return match_expression(query)


def matches_sql(
    session: Session, *, ranked: bool, best: int | None = None, descending: bool = True
) -> str:
    """A select of the ids (as ``id``) of the incidents matching ``:match``.

    ``ranked`` adds their ``rank`` (lower is better on both databases). ``best`` keeps only
    the best-ranked ones, most relevant first when ``descending`` (ties: newest id first),
    least relevant first otherwise, the order the search results take.
    """
    name = backend(session)
    if name == POSTGRESQL:
        key = "incident_id"
        where = f"FROM {PG_TABLE} WHERE document @@ CAST(:match AS tsquery)"
        rank = _pg_rank_sql()
    elif name == SQLITE:
        key = fts5.incident_id_sql()
        where = f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match"
        rank = rank_sql()
    else:
        raise StoreError(f"Full-text search is not available on {name} databases.")
    if not ranked:
        return f"SELECT {key} AS id {where}"
    limit = ""
    if best is not None:
        if descending:
            limit = f" ORDER BY rank ASC, {key} DESC LIMIT {int(best)}"
        else:
            limit = f" ORDER BY rank DESC, {key} ASC LIMIT {int(best)}"
    return f"SELECT {key} AS id, {rank} AS rank {where}{limit}"


def _texts_by_incident(
    connection: Connection, table: str, column: str, first: int, last: int
) -> dict[int, list[str]]:
    """One text column of an incident's rows (actors, citations), in their order, by incident."""
    found: dict[int, list[str]] = {}
    for incident_id, value in connection.execute(
        text(
            f"SELECT incident_id, {column} FROM {table} WHERE incident_id BETWEEN :first "
            "AND :last ORDER BY incident_id, position, id"
        ),
        {"first": first, "last": last},
    ):
        found.setdefault(incident_id, []).append(value)
    return found


def rebuild(connection: Connection, batch: int = 2000) -> None:
    """Fill the index afresh from the stored incidents (migrations, repairs)."""
    postgres = connection.dialect.name == POSTGRESQL
    if postgres:
        connection.execute(text(f"DELETE FROM {PG_TABLE}"))
    else:
        fts5.clear(connection)
    last = 0
    while True:
        incidents = connection.execute(
            text(
                "SELECT id, start_at, title, summary, notes, place_name, admin1, country "
                "FROM incidents WHERE id > :last ORDER BY id LIMIT :batch"
            ),
            {"last": last, "batch": batch},
        ).all()
        if not incidents:
            break
        first, last = incidents[0].id, incidents[-1].id
        actors = _texts_by_incident(connection, "incident_actors", "name", first, last)
        excerpts = _texts_by_incident(connection, "citations", "excerpt", first, last)
        rows = [
            {
                "id": row.id,
                "start_at": row.start_at,
                **document(
                    row.title,
                    row.summary,
                    row.notes,
                    actors.get(row.id, ()),
                    place_words(row.place_name, row.admin1, row.country),
                    excerpts.get(row.id, ()),
                ),
            }
            for row in incidents
        ]
        if postgres:
            connection.execute(
                text(_PG_INSERT_SQL),
                _pg_rows(rows),
            )
        else:
            fts5.write(connection, rows, new=True)
    if not postgres:
        fts5.collect_terms(connection)  # every batch's words at once
        fts5.optimize(connection)
