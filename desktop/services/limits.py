"""How long each text of a record may be: one definition, read by validation and the editor.

Names, titles and other short texts are as long as their database column
(desktop/store/lengths.py, which the models' ``String(N)`` read too), so PostgreSQL, which
enforces them, and SQLite, which does not, accept exactly the same records, and a text too
long is refused naming its field rather than by the server. Free texts (``Text`` columns)
get a cap chosen for analysts: far above any real incident, and a SITREP of a maximal
narrative still renders (tests/reports). README's "Limits" lists them all.
"""

from __future__ import annotations

from desktop.fields import INCIDENT_FIELDS, Field
from desktop.store import lengths


def _incident_limit(field: Field) -> int:
    if field.length == "column":
        return lengths.INCIDENT_TEXTS[field.column_name]
    assert isinstance(field.length, int)
    return field.length


# The incident's texts by field path (the editor shows these beside its fields): the fields
# of desktop/fields.py with a length, that of their column or the cap of a free text.
INCIDENT_TEXTS = {f.key: _incident_limit(f) for f in INCIDENT_FIELDS if f.length is not None}

TITLE = INCIDENT_TEXTS["title"]
PLACE = INCIDENT_TEXTS["where.name"]
ADMIN1 = INCIDENT_TEXTS["where.admin1"]
ACTOR = lengths.ACTOR_NAME
TAG = lengths.TAG
MARKING = lengths.MARKING
LANGUAGE = lengths.LANGUAGE
SOURCE_ID = lengths.SOURCE_SLUG
SOURCE_NAME = lengths.SOURCE_NAME

# Free text: a narrative of some 3,000 words (the incident's caps are in desktop/fields.py),
# an excerpt of half that.
SUMMARY = INCIDENT_TEXTS["summary"]
NOTES = INCIDENT_TEXTS["notes"]
CASUALTY_NOTE = INCIDENT_TEXTS["casualties.note"]
EXCERPT = 10_000
SOURCE_NOTES = 20_000
URL = 2_000  # what browsers and servers reliably handle
