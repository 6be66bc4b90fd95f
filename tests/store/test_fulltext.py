"""Normalising text for the index and building safe FTS5 queries."""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.store.fulltext import CREATE_FTS_SQL, match_expression, normalise

if TYPE_CHECKING:
    from collections.abc import Iterator

QUOTED_WORDS = re.compile(r'^"[^"\s]+"(?: "[^"\s]+")*\*$')


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
        ("a* AND b", '"a" "AND" "b"*'),
        ("NEAR(x y)", '"NEAR" "x" "y"*'),
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
