"""Normalising text for the index and building safe FTS5 and tsquery queries."""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.store.fulltext import (
    CREATE_FTS_SQL,
    document,
    lexemes,
    match_expression,
    normalise,
    tsquery_expression,
    tsvector,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import psycopg

    from tests.postgres_server import PostgresServer

QUOTED_WORDS = re.compile(r'^"[^"\s]+"(?: "[^"\s]+")*\*?$')


def test_normalise_folds_arabic() -> None:
    assert normalise("أ") == "ا"
    assert normalise("إ") == "ا"
    assert normalise("آ") == "ا"
    assert normalise("عين الأسد") == "عين الاسد"
    assert normalise("مُحَمَّد") == "محمد"  # harakat removed
    assert normalise("كتـــائب") == "كتائب"  # tatweel removed
    assert normalise("مدرسة") == "مدرسه"
    assert normalise("Drone ﬁre") == "Drone fire"  # NFKC


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("drone", '"drone"*'),
        ("drone attack", '"drone" "attack"*'),
        ('say "hello', '"say" "hello"*'),
        ("a* AND bomb", '"a" "AND" "bomb"*'),
        ("NEAR(x yard)", '"NEAR" "x" "yard"*'),
        # A one-letter word being typed waits for its second letter; alone, it is a word.
        ("drone a", '"drone"'),
        ("d", '"d"'),
        ("col:value", '"col" "value"*'),
        ("-not ^start", '"not" "start"*'),
        ("الأسد", '"الاسد"*'),
        ("हिन्दी रिपोर्ट", '"हिन्दी" "रिपोर्ट"*'),
        ("snake_case", '"snake" "case"*'),
    ],
)
def test_match_expression_quotes_every_word(query: str, expected: str) -> None:
    assert match_expression(query) == expected


@pytest.mark.parametrize("query", ["", "   ", '"', "*", "()", "- + ^ :"])
def test_match_expression_without_words(query: str) -> None:
    assert match_expression(query) is None


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute(CREATE_FTS_SQL)
    connection.execute(
        "INSERT INTO incident_fts (title, summary, notes, actors, places, excerpts) "
        "VALUES ('drone attack', 'AND NEAR', '', '', '', '')"
    )
    yield connection
    connection.close()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_match_expression_is_always_safe_fts5(fts: sqlite3.Connection, query: str) -> None:
    expression = match_expression(query)
    if expression is None:
        return
    assert QUOTED_WORDS.match(expression), expression
    # The database accepts it as a plain query: no syntax error, whatever the text.
    fts.execute("SELECT rowid FROM incident_fts WHERE incident_fts MATCH ?", (expression,))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_normalise_is_idempotent(value: str) -> None:
    once = normalise(value)
    assert normalise(once) == once


# --- PostgreSQL: words folded here, handed over as tsvector and tsquery values -------------

QUOTED_LEXEMES = re.compile(r"^'[^'\s\\]+'(?: & '[^'\s\\]+')*(?::\*)?$")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("drone", "'drone':*"),
        ("Drone ATTACK", "'drone' & 'attack':*"),
        ("a & !b | cat", "'a' & 'b' & 'cat':*"),
        ("x:* <-> yard", "'x' & 'yard':*"),
        ("it's", "'it'"),  # a one-letter word being typed waits for the next letter
        ("back\\slash", "'back' & 'slash':*"),
        ("الأسد", "'الاسد':*"),
        ("Genève École", "'geneve' & 'ecole':*"),
        ("ΣΊΣΥΦΟΣ", "'σίσυφοσ':*"),
    ],
)
def test_tsquery_expression_quotes_every_folded_word(query: str, expected: str) -> None:
    assert tsquery_expression(query) == expected


@pytest.mark.parametrize("query", ["", "   ", "'", "&", "!()", ":* <->", "´"])
def test_tsquery_expression_without_words(query: str) -> None:
    assert tsquery_expression(query) is None


@pytest.mark.parametrize(
    "value",
    [
        "Drone attack on al-Asad airbase",
        "Réunion à Genève, ÉCOLE Ölfeld Ærø Łódź",
        "هجوم بطائرة مُسيّرة على قاعدة عين الأسد",
        "ﬁre x² ½ Ⅻ 1,000 F-16",
        "Μεγάλη ΕΚΡΗΞΗ",
    ],
)
def test_postgres_words_are_the_words_fts5_indexes(value: str) -> None:
    """Both backends find the same words: PostgreSQL's lexemes are FTS5's terms."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(CREATE_FTS_SQL)
        connection.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(incident_fts, 'row')")
        connection.execute(
            "INSERT INTO incident_fts (title, summary, notes, actors, places, excerpts) "
            "VALUES (?, '', '', '', '', '')",
            (normalise(value),),
        )
        indexed = {term for (term,) in connection.execute("SELECT term FROM terms")}
    finally:
        connection.close()
    assert set(lexemes(normalise(value))) == indexed


def test_tsvector_weights_each_column() -> None:
    entry = document(
        "Drone strike", "A drone.", "drone notes", ["Kataib"], ["Erbil", "", "IQ"], ["Seen"]
    )
    assert tsvector(entry) == (
        "'drone':1A,5C,7D 'strike':2A 'a':4C 'notes':8D 'kataib':10B 'erbil':12B "
        "'iq':13B 'seen':15D"
    )
    assert tsvector(document("", "", "", [], [], [])) == ""


@pytest.fixture(scope="module")
def pg(pg_server: PostgresServer) -> Iterator[psycopg.Connection]:
    with pg_server.connect() as connection:
        yield connection


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_tsquery_expression_is_always_safe_tsquery(pg: psycopg.Connection, query: str) -> None:
    expression = tsquery_expression(query)
    if expression is None:
        return
    assert QUOTED_LEXEMES.match(expression), expression
    # The server reads it back as the same plain conjunction: no syntax error, no operator.
    cursor = pg.execute("SELECT numnode(CAST(%s AS tsquery))", (expression,))
    assert cursor.fetchone() == (2 * expression.count(" & ") + 1,)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=40))
def test_tsvector_is_always_valid(pg: psycopg.Connection, value: str, query: str) -> None:
    entry = document(value, value, "", [query], [], [])
    cursor = pg.execute("SELECT length(CAST(%s AS tsvector))", (tsvector(entry),))
    assert cursor.fetchone() == (len(set(lexemes(entry["title"] + " " + entry["actors"]))),)
    expression = tsquery_expression(query)
    if expression is not None:
        # Whatever was typed, it finds the text it was typed into.
        cursor = pg.execute(
            "SELECT CAST(%s AS tsvector) @@ CAST(%s AS tsquery)", (tsvector(entry), expression)
        )
        assert cursor.fetchone() == (True,)


def test_tsvector_of_a_very_long_text(pg: psycopg.Connection) -> None:
    words = " ".join(f"w{i % 3000}" for i in range(40_000))  # past the last position
    entry = document("title " + "x" * 3000, words, "", [], [], [])
    cursor = pg.execute(
        "SELECT CAST(%s AS tsvector) @@ CAST(%s AS tsquery)",
        (tsvector(entry), tsquery_expression("w2999 titl")),
    )
    assert cursor.fetchone() == (True,)


def test_tsvector_of_more_words_than_postgresql_can_hold(pg: psycopg.Connection) -> None:
    words = " ".join(f"word{i}" for i in range(200_000))  # about 2 MB of distinct words
    value = tsvector(document("Title", words, "", [], [], []))
    cursor = pg.execute(
        "SELECT CAST(%s AS tsvector) @@ CAST(%s AS tsquery), "
        "CAST(%s AS tsvector) @@ CAST(%s AS tsquery)",
        (value, tsquery_expression("title word1"), value, tsquery_expression("word199999")),
    )
    assert cursor.fetchone() == (True, False)  # the beginning is found, the end left out
