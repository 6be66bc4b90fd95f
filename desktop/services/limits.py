"""How long each text of a record may be: one definition, read by validation and the editor.

Names, titles and other short texts are as long as their database column
(``String(N)`` in desktop/store/models.py): read from the models here, so PostgreSQL, which
enforces them, and SQLite, which does not, accept exactly the same records, and a text too
long is refused naming its field rather than by the server. Free texts (``Text`` columns)
get a cap chosen for analysts: far above any real incident, and a SITREP of a maximal
narrative still renders (tests/reports). README's "Limits" lists them all.
"""

from __future__ import annotations

from typing import Any

from desktop.store.models import Citation, Incident, IncidentActor, IncidentTag, Source


def _column_length(attribute: Any) -> int:
    length = attribute.property.columns[0].type.length
    assert isinstance(length, int)
    return length


TITLE = _column_length(Incident.title)
PLACE = _column_length(Incident.place_name)
ADMIN1 = _column_length(Incident.admin1)
ACTOR = _column_length(IncidentActor.name)
TAG = _column_length(IncidentTag.tag)
MARKING = _column_length(Incident.marking)
LANGUAGE = _column_length(Citation.language)
SOURCE_ID = _column_length(Source.slug)
SOURCE_NAME = _column_length(Source.name)

# Free text: a narrative of some 3,000 words, an excerpt of half that.
SUMMARY = 20_000
NOTES = 20_000
EXCERPT = 10_000
CASUALTY_NOTE = 2_000
SOURCE_NOTES = 20_000
URL = 2_000  # what browsers and servers reliably handle

# The incident's texts by field path (the editor shows these beside its fields).
INCIDENT_TEXTS = {
    "title": TITLE,
    "summary": SUMMARY,
    "notes": NOTES,
    "where.name": PLACE,
    "where.admin1": ADMIN1,
    "casualties.note": CASUALTY_NOTE,
}
