"""The full-text index's settings, with the standard library alone (peek.py reads them before
SQLAlchemy has loaded: see store/fts5.py for the index itself)."""

from __future__ import annotations

import re

FTS_TABLE = "incident_fts"
# Symbols (So: emoji, pictographs, ©, °) are searchable too: fulltext.normalise sets each
# apart, so "🔥" is a word of its own. Spelled as it sits inside the SQL's quotes.
TOKENIZE = "unicode61 remove_diacritics 2 categories ''L* N* Co So''"
# The statement that made the index, from the schema: its settings are in it.
INDEX_SQL = f"SELECT sql FROM sqlite_master WHERE name = '{FTS_TABLE}'"

_TOKENIZE_CLAUSE = re.compile(r"tokenize\s*=\s*'((?:[^']|'')*)'", re.IGNORECASE)


def tokenize_of(create_sql: str) -> str | None:
    """The tokenizer settings in the statement that made an FTS5 table, as quoted there."""
    found = _TOKENIZE_CLAUSE.search(create_sql)
    return found.group(1) if found else None
